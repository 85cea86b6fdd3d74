/* mk-sync-pull.c — the pull (per-type searches with watermarks, one
 * transaction per page), the resolution of references and the reconcile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Design: docs/sync.md.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "mk-outbox.h"
#include "mk-query.h"
#include "mk-sync-private.h"

/* A patient's compartment: what refers to them, by the search parameter
 * that finds it. */
typedef struct
{
  const char *type;
  const char *param;
} MkCompartmentType;

static const MkCompartmentType compartment_types[] = {
  { "Patient", "_id" },
  { "Encounter", "patient" },
  { "Condition", "patient" },
  { "Observation", "patient" },
  { "DiagnosticReport", "patient" },
  { "Immunization", "patient" },
  { "Procedure", "patient" },
  { "AllergyIntolerance", "patient" },
  { "MedicationRequest", "patient" },
  { "MedicationDispense", "patient" },
  { "DocumentReference", "patient" },
  { "Appointment", "patient" },
  { "Consent", "patient" },
  { "AuditEvent", "patient" },
  { "Provenance", "patient" },
};

/* Resources the card refers to and shows (names of doctors, clinics, rooms,
 * schedules), fetched by id when missing and kept up to date by id. */
static const char * const referenced_types[] = {
  "Organization",
  "Location",
  "Practitioner",
  "PractitionerRole",
  "HealthcareService",
  "Schedule",
  "Medication",
};

/* Ids per request when a query lists ids (_id=a,b,c or patient=a,b,c). */
#define IDS_PER_REQUEST 50
/* Page size of the reconcile's id lists. */
#define RECONCILE_PAGE_SIZE 1000
/* A reconcile is due when the last one is older than this, by the server's clock. */
#define RECONCILE_INTERVAL G_TIME_SPAN_DAY

/* The static name of a referenced type, NULL for other types. */
static const char *
referenced_type_name (const char *type)
{
  for (guint i = 0; i < G_N_ELEMENTS (referenced_types); i++)
    if (strcmp (referenced_types[i], type) == 0)
      return referenced_types[i];
  return NULL;
}

static gboolean
server_supports (MkSyncRun  *run,
                 const char *type)
{
  return run->server_types == NULL || g_hash_table_contains (run->server_types, type);
}

static char *
escape (const char *value)
{
  return g_uri_escape_string (value, NULL, FALSE);
}

/* ---- CapabilityStatement ---- */

static void
load_server_types (MkSyncRun  *run,
                   const char *types)
{
  g_auto(GStrv) list = NULL;

  g_clear_pointer (&run->server_types, g_hash_table_unref);
  if (types == NULL || strcmp (types, "*") == 0)
    return;

  run->server_types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  list = g_strsplit (types, ",", -1);
  for (guint i = 0; list[i] != NULL; i++)
    if (*list[i] != '\0')
      g_hash_table_add (run->server_types, g_strdup (list[i]));
}

static gboolean
has_interaction (JsonObject *object,
                 const char *code)
{
  JsonArray *interactions;

  if (!json_object_has_member (object, "interaction") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "interaction")))
    return FALSE;

  interactions = json_object_get_array_member (object, "interaction");
  for (guint i = 0; i < json_array_get_length (interactions); i++)
    {
      JsonNode *node = json_array_get_element (interactions, i);

      if (JSON_NODE_HOLDS_OBJECT (node) &&
          g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (node),
                                                                 "code", NULL), code) == 0)
        return TRUE;
    }
  return FALSE;
}

/* What the server offers, read once per account and kept in the store's
 * meta: the types it can search, and whether it has a system _history. */
gboolean
mk_sync_read_capabilities (MkSyncRun  *run,
                           GError    **error)
{
  g_autoptr(MkResponse) response = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *cached = NULL;
  g_autoptr(GString) types = NULL;
  gboolean history = FALSE;
  JsonObject *statement;
  JsonArray *rest;

  cached = mk_store_get_meta (run->store, MK_SYNC_META_SERVER_TYPES, error);
  if (error != NULL && *error != NULL)
    return FALSE;
  if (cached != NULL)
    {
      load_server_types (run, cached);
      return TRUE;
    }

  response = mk_sync_run_request (run, "GET", "metadata", NULL, NULL, &local_error);
  if (response == NULL)
    {
      /* A server without a usable CapabilityStatement: try every type. */
      if (g_error_matches (local_error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_NOT_FOUND) ||
          g_error_matches (local_error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_REFUSED) ||
          g_error_matches (local_error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_FORBIDDEN))
        return mk_store_set_meta (run->store, MK_SYNC_META_SERVER_TYPES, "*", error);

      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  statement = mk_sync_response_object (response, "CapabilityStatement", error);
  if (statement == NULL)
    return FALSE;

  types = g_string_new (NULL);
  if (json_object_has_member (statement, "rest") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (statement, "rest")))
    {
      rest = json_object_get_array_member (statement, "rest");
      for (guint i = 0; i < json_array_get_length (rest); i++)
        {
          JsonNode *node = json_array_get_element (rest, i);
          JsonObject *mode;
          JsonArray *resources;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            continue;
          mode = json_node_get_object (node);
          if (g_strcmp0 (json_object_get_string_member_with_default (mode, "mode", NULL), "server") != 0)
            continue;

          history = history || has_interaction (mode, "history-system");
          if (!json_object_has_member (mode, "resource") ||
              !JSON_NODE_HOLDS_ARRAY (json_object_get_member (mode, "resource")))
            continue;

          resources = json_object_get_array_member (mode, "resource");
          for (guint j = 0; j < json_array_get_length (resources); j++)
            {
              JsonNode *r = json_array_get_element (resources, j);
              const char *type;

              if (!JSON_NODE_HOLDS_OBJECT (r))
                continue;
              type = json_object_get_string_member_with_default (json_node_get_object (r), "type", NULL);
              if (type == NULL || !has_interaction (json_node_get_object (r), "search-type"))
                continue;
              if (types->len > 0)
                g_string_append_c (types, ',');
              g_string_append (types, type);
            }
        }
    }

  /* A statement that lists nothing says nothing: try every type. */
  if (types->len == 0)
    g_string_assign (types, "*");

  if (!mk_store_begin (run->store, error))
    return FALSE;
  if (!mk_store_set_meta (run->store, MK_SYNC_META_SERVER_TYPES, types->str, error) ||
      !mk_store_set_meta (run->store, MK_SYNC_META_SERVER_HISTORY, history ? "yes" : "no", error) ||
      !mk_store_commit (run->store, error))
    {
      mk_store_rollback (run->store);
      return FALSE;
    }

  load_server_types (run, types->str);
  return TRUE;
}

/* ---- references ---- */

/* "Type/id" from a reference (relative, or absolute on this server; a
 * version suffix dropped), or NULL for contained, logical or foreign ones. */
static char *
normalize_reference (MkSyncRun  *run,
                     const char *reference)
{
  const char *base = mk_client_get_base_url (run->client);
  g_auto(GStrv) parts = NULL;
  gsize base_len;

  if (reference[0] == '#')
    return NULL;

  base_len = base != NULL ? strlen (base) : 0;
  while (base_len > 0 && base[base_len - 1] == '/')
    base_len--;
  if (base_len > 0 && strncmp (reference, base, base_len) == 0 && reference[base_len] == '/')
    reference += base_len + 1;
  if (strstr (reference, "://") != NULL || g_str_has_prefix (reference, "urn:"))
    return NULL;

  parts = g_strsplit (reference, "/", 0);
  if (g_strv_length (parts) != 2 && !(g_strv_length (parts) == 4 && strcmp (parts[2], "_history") == 0))
    return NULL;
  if (*parts[0] == '\0' || *parts[1] == '\0' || !g_ascii_isupper (parts[0][0]))
    return NULL;

  return g_strdup_printf ("%s/%s", parts[0], parts[1]);
}

static void
collect_references (MkSyncRun *run,
                    JsonNode  *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, object);
      while (json_object_iter_next (&iter, &name, &member))
        {
          if (strcmp (name, "reference") == 0 && JSON_NODE_HOLDS_VALUE (member) &&
              json_node_get_value_type (member) == G_TYPE_STRING)
            {
              char *ref = normalize_reference (run, json_node_get_string (member));

              if (ref != NULL)
                g_hash_table_add (run->refs, ref);
            }
          else
            collect_references (run, member);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        collect_references (run, json_array_get_element (array, i));
    }
}

/* ---- pages ---- */

static const char *
bundle_next_link (JsonObject *bundle)
{
  JsonArray *links;

  if (!json_object_has_member (bundle, "link") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (bundle, "link")))
    return NULL;

  links = json_object_get_array_member (bundle, "link");
  for (guint i = 0; i < json_array_get_length (links); i++)
    {
      JsonNode *node = json_array_get_element (links, i);
      JsonObject *link;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      link = json_node_get_object (node);
      if (g_strcmp0 (json_object_get_string_member_with_default (link, "relation", NULL), "next") == 0)
        return json_object_get_string_member_with_default (link, "url", NULL);
    }
  return NULL;
}

/* The server's time of a page: the Bundle's meta.lastUpdated, else the Date header. */
static const char *
page_time (JsonObject *bundle,
           MkResponse *response)
{
  if (json_object_has_member (bundle, "meta") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (bundle, "meta")))
    {
      JsonObject *meta = json_object_get_object_member (bundle, "meta");
      const char *value = json_object_get_string_member_with_default (meta, "lastUpdated", NULL);

      if (value != NULL)
        return value;
    }
  return response->date;
}

/* Counts the entries with a resource and collects their references. */
static guint
scan_entries (MkSyncRun  *run,
              JsonObject *bundle)
{
  JsonArray *entries;
  guint n = 0;

  if (!json_object_has_member (bundle, "entry") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (bundle, "entry")))
    return 0;

  entries = json_object_get_array_member (bundle, "entry");
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonNode *node = json_array_get_element (entries, i);
      JsonObject *entry;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      entry = json_node_get_object (node);
      if (json_object_has_member (entry, "search") &&
          JSON_NODE_HOLDS_OBJECT (json_object_get_member (entry, "search")) &&
          g_strcmp0 (json_object_get_string_member_with_default (
                       json_object_get_object_member (entry, "search"), "mode", NULL), "outcome") == 0)
        continue;
      if (!json_object_has_member (entry, "resource"))
        continue;

      n++;
      collect_references (run, json_object_get_member (entry, "resource"));
    }
  return n;
}

/* Stores one page and its watermark in one transaction. @key NULL: no
 * watermark (a look-up by id). */
static gboolean
store_page (MkSyncRun   *run,
            MkResponse  *response,
            const char  *key,
            const char  *since,
            const char  *next_url,
            GError     **error)
{
  g_autoptr(MkImportStats) import_stats = NULL;
  gconstpointer data;
  gsize length;

  data = g_bytes_get_data (response->body, &length);

  if (!mk_store_begin (run->store, error))
    return FALSE;
  if (!mk_store_import_json (run->store, data, length, &import_stats, error) ||
      (key != NULL && !mk_store_set_sync_state (run->store, key, since, next_url, error)) ||
      !mk_store_commit (run->store, error))
    {
      mk_store_rollback (run->store);
      return FALSE;
    }

  run->stats->updated += import_stats->n_stored;
  return TRUE;
}

static char *
search_url (MkSyncRun  *run,
            const char *base,
            const char *since)
{
  const char *sep = strchr (base, '?') != NULL ? "&" : "?";

  if (since != NULL)
    {
      g_autofree char *escaped = escape (since);

      return g_strdup_printf ("%s%s_lastUpdated=gt%s&_sort=_lastUpdated&_count=%u",
                              base, sep, escaped, run->page_size);
    }

  return g_strdup_printf ("%s%s_sort=_lastUpdated&_count=%u", base, sep, run->page_size);
}

/* Some servers (Medplum's FhirRouter) give a searchset's `total` but no
 * `next` link, and page with `_offset`. When a page says more matched than
 * arrived, ask for the rest by offset — instead of silently keeping the
 * first page only. Bounded, in case a server ignores `_offset`. */
static char *
offset_link (JsonObject *bundle,
             const char *first_url,
             guint       received,
             guint       page_entries,
             guint      *offset_pages)
{
  gint64 total;

  if (!json_object_has_member (bundle, "total") ||
      !JSON_NODE_HOLDS_VALUE (json_object_get_member (bundle, "total")) ||
      json_node_get_value_type (json_object_get_member (bundle, "total")) != G_TYPE_INT64)
    return NULL;

  total = json_object_get_int_member (bundle, "total");
  if (page_entries == 0 || total <= (gint64) received)
    return NULL;
  if (++(*offset_pages) > (guint) (total / page_entries) + 2)
    return NULL;

  return g_strdup_printf ("%s&_offset=%u", first_url, received);
}

/* Pulls what changed since the watermark of @key, for the queries @bases
 * ("Type?param=value", without paging or _lastUpdated).
 *
 * One query: resumable — every page's transaction records the next link,
 * so a crash resumes there; the watermark of the round is the server time
 * of its first page. Several queries (lists of ids cut into pieces): the
 * watermark is recorded with the last page of the last query; a crash
 * repeats the round. @key NULL: no watermark at all (a full look-up).
 * @lookup: see below. */
static gboolean
pull_key (MkSyncRun   *run,
          const char  *type,
          const char  *key,
          gboolean     lookup,
          GPtrArray   *bases,
          GError     **error)
{
  g_autofree char *since = NULL;
  g_autofree char *stored_next = NULL;
  g_autofree char *round_start = NULL;
  gboolean resumable;

  if (bases->len == 0)
    return TRUE;

  if (key != NULL && !mk_store_get_sync_state (run->store, key, &since, &stored_next, error))
    return FALSE;
  resumable = key != NULL && !lookup && bases->len == 1;
  if (!resumable)
    g_clear_pointer (&stored_next, g_free);
  if (lookup)
    {
      /* A look-up by id: everything asked for, no watermark used. It only
       * starts the watermark of @key when there is none yet. */
      if (since != NULL)
        key = NULL;
      g_clear_pointer (&since, g_free);
    }

  for (guint i = 0; i < bases->len; i++)
    {
      g_autofree char *url = NULL;
      g_autofree char *first_url = NULL;
      gboolean resuming = FALSE;
      guint received = 0;
      guint offset_pages = 0;

      if (stored_next != NULL)
        {
          /* Resume the round a crash interrupted; its start is the stored since. */
          url = g_steal_pointer (&stored_next);
          round_start = g_strdup (since);
          resuming = TRUE;
        }
      else
        url = search_url (run, g_ptr_array_index (bases, i), since);
      first_url = g_strdup (url);

      while (url != NULL)
        {
          g_autoptr(MkResponse) response = NULL;
          g_autoptr(GError) local_error = NULL;
          g_autofree char *next = NULL;
          const char *time;
          JsonObject *bundle;
          gboolean last;
          guint page_entries;

          if (g_cancellable_set_error_if_cancelled (run->cancellable, error))
            return FALSE;

          mk_sync_run_progress (run, MK_SYNC_PHASE_PULLING, type);
          response = mk_sync_run_request (run, "GET", url, NULL, NULL, &local_error);
          if (response == NULL && resuming &&
              (g_error_matches (local_error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_NOT_FOUND) ||
               g_error_matches (local_error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_REFUSED)))
            {
              /* The server forgot the paging context: start this type over
               * from scratch (the stored since is already the round's). */
              g_debug ("Paging link of %s expired, pulling it again", type);
              resuming = FALSE;
              g_clear_pointer (&since, g_free);
              g_clear_pointer (&round_start, g_free);
              g_free (url);
              url = search_url (run, g_ptr_array_index (bases, i), NULL);
              continue;
            }
          if (response == NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }

          bundle = mk_sync_response_object (response, "Bundle", error);
          if (bundle == NULL)
            return FALSE;

          time = page_time (bundle, response);
          if (round_start == NULL)
            round_start = g_strdup (time != NULL ? time : since);

          page_entries = scan_entries (run, bundle);
          received += page_entries;
          next = g_strdup (bundle_next_link (bundle));
          if (next == NULL && !resuming)
            next = offset_link (bundle, first_url, received, page_entries, &offset_pages);
          last = next == NULL && i + 1 == bases->len;

          run->stats->fetched += page_entries;
          if (!store_page (run, response, (resumable || last) ? key : NULL,
                           round_start, resumable ? next : NULL, error))
            return FALSE;
          run->stats->pages++;

          g_free (url);
          url = g_steal_pointer (&next);
        }
    }

  return TRUE;
}

static GPtrArray *
single_query (const char *format,
              ...) G_GNUC_PRINTF (1, 2);

static GPtrArray *
single_query (const char *format,
              ...)
{
  GPtrArray *bases = g_ptr_array_new_with_free_func (g_free);
  va_list args;

  va_start (args, format);
  g_ptr_array_add (bases, g_strdup_vprintf (format, args));
  va_end (args);

  return bases;
}

/* "Type?param=a,b,c" queries, IDS_PER_REQUEST ids each; @extra is appended. */
static GPtrArray *
id_list_queries (const char *type,
                 const char *param,
                 GPtrArray  *ids,
                 const char *extra)
{
  GPtrArray *bases = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < ids->len; i += IDS_PER_REQUEST)
    {
      GString *query = g_string_new (NULL);

      g_string_append_printf (query, "%s?%s=", type, param);
      for (guint j = i; j < ids->len && j < i + IDS_PER_REQUEST; j++)
        {
          g_autofree char *escaped = escape (g_ptr_array_index (ids, j));

          if (j > i)
            g_string_append_c (query, ',');
          /* Reference parameters get typed references (Patient/x): a bare
           * id is not understood by every server (Medplum finds nothing). */
          if (strcmp (param, "patient") == 0)
            g_string_append (query, "Patient/");
          else if (strcmp (param, "practitioner") == 0)
            g_string_append (query, "Practitioner/");
          else if (strcmp (param, "schedule") == 0)
            g_string_append (query, "Schedule/");
          g_string_append (query, escaped);
        }
      if (extra != NULL)
        g_string_append_printf (query, "&%s", extra);
      g_ptr_array_add (bases, g_string_free (query, FALSE));
    }

  return bases;
}

static char *
today_text (MkSyncRun *run)
{
  return g_date_time_format (run->today, "%Y-%m-%d");
}

/* ---- what an account mirrors ---- */

static gboolean
pull_patient_compartments (MkSyncRun   *run,
                           GPtrArray   *patients,
                           gboolean     stateful,
                           GError     **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (compartment_types); i++)
    {
      const MkCompartmentType *ct = &compartment_types[i];
      g_autoptr(GPtrArray) bases = NULL;

      if (!server_supports (run, ct->type))
        continue;

      bases = id_list_queries (ct->type, ct->param, patients, NULL);
      if (!pull_key (run, ct->type, stateful ? ct->type : NULL, FALSE, bases, error))
        return FALSE;
    }
  return TRUE;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
sort_strings (GPtrArray *array)
{
  g_ptr_array_sort (array, compare_strings);
}

/* The mirrored ids of @type, sorted (so id lists cut the same way each time). */
static GPtrArray *
list_ids (MkSyncRun  *run,
          const char *type,
          GError    **error)
{
  GPtrArray *ids = mk_store_list_ids (run->store, type, error);

  if (ids != NULL)
    sort_strings (ids);
  return ids;
}

/* Brings the referenced resources already mirrored up to date (one query
 * per type, by id, since the type's watermark). */
static gboolean
pull_known_references (MkSyncRun  *run,
                       GError    **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (referenced_types); i++)
    {
      const char *type = referenced_types[i];
      g_autoptr(GPtrArray) ids = NULL;
      g_autoptr(GPtrArray) bases = NULL;

      if (!server_supports (run, type))
        continue;
      ids = list_ids (run, type, error);
      if (ids == NULL)
        return FALSE;
      bases = id_list_queries (type, "_id", ids, NULL);
      if (!pull_key (run, type, type, FALSE, bases, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
is_stored (MkSyncRun  *run,
           const char *type,
           const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = mk_store_get_json (run->store, type, id, &error);

  return json != NULL;
}

/* Fetches the referenced resources that are not in the mirror yet, and
 * what they refer to in turn (a role's practitioner and organization, …),
 * plus the roles of new practitioners. A few rounds at most. */
static gboolean
resolve_references (MkSyncRun  *run,
                    GError    **error)
{
  g_autoptr(GHashTable) asked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint round = 0; round < 4; round++)
    {
      g_autoptr(GHashTable) missing = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                             (GDestroyNotify) g_ptr_array_unref);
      g_autoptr(GHashTable) refs = g_steal_pointer (&run->refs);
      GHashTableIter iter;
      const char *ref;
      gboolean any = FALSE;

      run->refs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      g_hash_table_iter_init (&iter, refs);
      while (g_hash_table_iter_next (&iter, (gpointer *) &ref, NULL))
        {
          g_autofree char *type = g_strndup (ref, strchr (ref, '/') - ref);
          const char *id = strchr (ref, '/') + 1;
          GPtrArray *ids;

          if (referenced_type_name (type) == NULL || !server_supports (run, type) ||
              g_hash_table_contains (asked, ref) || is_stored (run, type, id))
            continue;

          g_hash_table_add (asked, g_strdup (ref));
          ids = g_hash_table_lookup (missing, type);
          if (ids == NULL)
            {
              ids = g_ptr_array_new_with_free_func (g_free);
              g_hash_table_insert (missing, (gpointer) referenced_type_name (type), ids);
            }
          g_ptr_array_add (ids, g_strdup (id));
          any = TRUE;
        }

      if (!any)
        break;

      for (guint i = 0; i < G_N_ELEMENTS (referenced_types); i++)
        {
          const char *type = referenced_types[i];
          GPtrArray *ids = g_hash_table_lookup (missing, type);
          g_autoptr(GPtrArray) bases = NULL;

          if (ids == NULL)
            continue;
          sort_strings (ids);
          bases = id_list_queries (type, "_id", ids, NULL);
          if (!pull_key (run, type, type, TRUE, bases, error))
            return FALSE;

          if (strcmp (type, "Practitioner") == 0 && server_supports (run, "PractitionerRole"))
            {
              g_autoptr(GPtrArray) role_bases = id_list_queries ("PractitionerRole", "practitioner",
                                                                 ids, NULL);

              if (!pull_key (run, "PractitionerRole", "PractitionerRole", TRUE, role_bases, error))
                return FALSE;
            }
        }
    }

  return TRUE;
}

static GPtrArray *
split_list (const char *text)
{
  GPtrArray *list = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) parts = NULL;

  if (text == NULL)
    return list;
  parts = g_strsplit (text, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      g_ptr_array_add (list, g_strdup (parts[i]));
  return list;
}

static gboolean
ptr_array_has_string (GPtrArray  *array,
                      const char *value)
{
  for (guint i = 0; i < array->len; i++)
    if (strcmp (g_ptr_array_index (array, i), value) == 0)
      return TRUE;
  return FALSE;
}

/* A doctor: their appointments, encounters, schedules and slots, and the
 * compartments of the patients found there. */
static gboolean
pull_practitioner (MkSyncRun  *run,
                   GError    **error)
{
  const char *id = mk_account_get_subject_id (run->account);
  g_autofree char *escaped = escape (id);
  g_autofree char *today = today_text (run);
  g_autofree char *known_text = NULL;
  g_autoptr(GPtrArray) known = NULL;
  g_autoptr(GPtrArray) fresh = NULL;
  g_autoptr(GPtrArray) schedules = NULL;
  g_autoptr(GString) all = NULL;
  GHashTableIter iter;
  const char *ref;
  static const struct { const char *type; const char *query; } own[] = {
    { "Practitioner", "Practitioner?_id=" },
    { "PractitionerRole", "PractitionerRole?practitioner=Practitioner/" },
    { "Appointment", "Appointment?actor=Practitioner/" },
    { "Encounter", "Encounter?practitioner=Practitioner/" },
    { "Schedule", "Schedule?actor=Practitioner/" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (own); i++)
    {
      g_autoptr(GPtrArray) bases = NULL;
      g_autofree char *key = g_strdup_printf ("own:%s", own[i].type);

      if (!server_supports (run, own[i].type))
        continue;
      bases = single_query ("%s%s", own[i].query, escaped);
      if (!pull_key (run, own[i].type, key, FALSE, bases, error))
        return FALSE;
    }

  /* The patients of the doctor, as the appointments and encounters name them. */
  known_text = mk_store_get_meta (run->store, MK_SYNC_META_PATIENTS, error);
  if (error != NULL && *error != NULL)
    return FALSE;
  known = split_list (known_text);
  fresh = g_ptr_array_new_with_free_func (g_free);
  g_hash_table_iter_init (&iter, run->refs);
  while (g_hash_table_iter_next (&iter, (gpointer *) &ref, NULL))
    if (g_str_has_prefix (ref, "Patient/") &&
        !ptr_array_has_string (known, ref + strlen ("Patient/")) &&
        !ptr_array_has_string (fresh, ref + strlen ("Patient/")))
      g_ptr_array_add (fresh, g_strdup (ref + strlen ("Patient/")));
  sort_strings (fresh);

  /* Known patients: what changed; new ones: everything, then remembered.
   * With no known patient yet (the first sync) the pull of the new ones
   * starts each type's watermark — the server time of its first page — so
   * the next sync asks only for what changed since. */
  if (known->len == 0)
    {
      if (!pull_patient_compartments (run, fresh, TRUE, error))
        return FALSE;
    }
  else if (!pull_patient_compartments (run, known, TRUE, error) ||
           !pull_patient_compartments (run, fresh, FALSE, error))
    return FALSE;

  all = g_string_new (known_text);
  for (guint i = 0; i < fresh->len; i++)
    {
      if (all->len > 0)
        g_string_append_c (all, ',');
      g_string_append (all, g_ptr_array_index (fresh, i));
    }
  if (fresh->len > 0 && !mk_store_set_meta (run->store, MK_SYNC_META_PATIENTS, all->str, error))
    return FALSE;

  /* The free and busy slots of their schedules, from today on. */
  if (server_supports (run, "Slot"))
    {
      g_autofree char *extra = g_strdup_printf ("start=ge%s", today);
      g_autoptr(GPtrArray) bases = NULL;

      schedules = list_ids (run, "Schedule", error);
      if (schedules == NULL)
        return FALSE;
      bases = id_list_queries ("Slot", "schedule", schedules, extra);
      if (!pull_key (run, "Slot", "Slot", FALSE, bases, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
pull_patient (MkSyncRun  *run,
              GError    **error)
{
  g_autoptr(GPtrArray) patients = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *today = today_text (run);

  g_ptr_array_add (patients, g_strdup (mk_account_get_subject_id (run->account)));
  if (!pull_patient_compartments (run, patients, TRUE, error))
    return FALSE;

  /* Every slot from today on, free or busy: a slot that turns busy must
   * come back as busy, and busy slots say nothing about who booked them. */
  if (server_supports (run, "Slot"))
    {
      g_autoptr(GPtrArray) bases = single_query ("Slot?start=ge%s", today);

      if (!pull_key (run, "Slot", "Slot", FALSE, bases, error))
        return FALSE;
    }

  return TRUE;
}

/* Collects the references of every resource in the mirror: after a run
 * that stopped before resolving what it had pulled. */
static gboolean
scan_store_references (MkSyncRun  *run,
                       GError    **error)
{
  g_autoptr(GHashTable) counts = mk_store_count_by_type (run->store, error);
  GHashTableIter iter;
  const char *type;

  if (counts == NULL)
    return FALSE;

  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, (gpointer *) &type, NULL))
    {
      g_autoptr(MkQuery) query = mk_query_new ();

      if (referenced_type_name (type) != NULL)
        continue;
      mk_query_add_type (query, type);
      for (guint offset = 0;;)
        {
          g_autoptr(GPtrArray) page = mk_store_query_page (run->store, query, offset, 500, error);

          if (page == NULL)
            return FALSE;
          if (page->len == 0)
            break;
          for (guint i = 0; i < page->len; i++)
            {
              g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

              json_node_set_object (node, mk_resource_get_object (g_ptr_array_index (page, i)));
              collect_references (run, node);
            }
          offset += page->len;
        }
    }

  return TRUE;
}

gboolean
mk_sync_pull (MkSyncRun  *run,
              GError    **error)
{
  g_autofree char *resolved = NULL;
  gboolean ok;

  if (run->refs == NULL)
    run->refs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* "no" while a pull is under way: a run that stops before resolving the
   * references of what it stored leaves it, and the next one looks at the
   * whole mirror instead of only at what it pulls. */
  resolved = mk_store_get_meta (run->store, MK_SYNC_META_REFS_RESOLVED, error);
  if (error != NULL && *error != NULL)
    return FALSE;
  if (!mk_store_set_meta (run->store, MK_SYNC_META_REFS_RESOLVED, "no", error))
    return FALSE;

  if (mk_account_get_role (run->account) == MK_ACCOUNT_ROLE_PRACTITIONER)
    ok = pull_practitioner (run, error);
  else
    ok = pull_patient (run, error);

  ok = ok &&
       pull_known_references (run, error) &&
       (g_strcmp0 (resolved, "yes") == 0 || scan_store_references (run, error)) &&
       resolve_references (run, error);

  return ok && mk_store_set_meta (run->store, MK_SYNC_META_REFS_RESOLVED, "yes", error);
}

/* ---- reconcile ---- */

static gboolean
reconcile_due (MkSyncRun  *run,
               GError    **error)
{
  g_autofree char *last = NULL;
  g_autoptr(GDateTime) last_time = NULL;
  g_autoptr(GDateTime) now = NULL;

  if (mk_sync_get_always_reconcile (run->sync))
    return TRUE;

  last = mk_store_get_meta (run->store, MK_SYNC_META_LAST_RECONCILE, error);
  if (error != NULL && *error != NULL)
    return FALSE;

  /* The first sync pulled everything: nothing to reconcile yet. */
  if (last == NULL)
    {
      if (run->server_time != NULL)
        mk_store_set_meta (run->store, MK_SYNC_META_LAST_RECONCILE, run->server_time, error);
      return FALSE;
    }

  if (run->server_time == NULL)
    return FALSE;
  last_time = g_date_time_new_from_iso8601 (last, NULL);
  now = g_date_time_new_from_iso8601 (run->server_time, NULL);

  return last_time == NULL || now == NULL ||
         g_date_time_difference (now, last_time) >= RECONCILE_INTERVAL;
}

/* Asks the server which of the mirrored resources of @type still exist and
 * marks the others deleted — never a row with edits waiting in the outbox. */
static gboolean
reconcile_type (MkSyncRun   *run,
                const char  *type,
                GHashTable  *outbox_refs,
                GError     **error)
{
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GHashTable) present = NULL;
  g_autoptr(GPtrArray) bases = NULL;
  g_autofree char *extra = g_strdup_printf ("_elements=id&_count=%u", RECONCILE_PAGE_SIZE);
  guint n_deleted = 0;

  ids = list_ids (run, type, error);
  if (ids == NULL)
    return FALSE;
  if (ids->len == 0)
    return TRUE;

  present = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  bases = id_list_queries (type, "_id", ids, extra);
  mk_sync_run_progress (run, MK_SYNC_PHASE_RECONCILING, type);

  for (guint i = 0; i < bases->len; i++)
    {
      g_autofree char *url = g_strdup (g_ptr_array_index (bases, i));

      while (url != NULL)
        {
          g_autoptr(MkResponse) response = NULL;
          JsonObject *bundle;
          JsonArray *entries = NULL;

          if (g_cancellable_set_error_if_cancelled (run->cancellable, error))
            return FALSE;

          response = mk_sync_run_request (run, "GET", url, NULL, NULL, error);
          if (response == NULL)
            return FALSE;
          bundle = mk_sync_response_object (response, "Bundle", error);
          if (bundle == NULL)
            return FALSE;

          if (json_object_has_member (bundle, "entry") &&
              JSON_NODE_HOLDS_ARRAY (json_object_get_member (bundle, "entry")))
            entries = json_object_get_array_member (bundle, "entry");
          for (guint j = 0; entries != NULL && j < json_array_get_length (entries); j++)
            {
              JsonNode *node = json_array_get_element (entries, j);
              JsonObject *resource;
              const char *rtype, *id;

              if (!JSON_NODE_HOLDS_OBJECT (node) ||
                  !json_object_has_member (json_node_get_object (node), "resource"))
                continue;
              resource = json_object_get_object_member (json_node_get_object (node), "resource");
              if (resource == NULL)
                continue;
              rtype = json_object_get_string_member_with_default (resource, "resourceType", NULL);
              id = json_object_get_string_member_with_default (resource, "id", NULL);
              if (g_strcmp0 (rtype, type) == 0 && id != NULL)
                g_hash_table_add (present, g_strdup (id));
            }

          g_free (url);
          url = g_strdup (bundle_next_link (bundle));
        }
    }

  if (!mk_store_begin (run->store, error))
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      g_autofree char *ref = g_strdup_printf ("%s/%s", type, id);

      if (g_hash_table_contains (present, id) || g_hash_table_contains (outbox_refs, ref))
        continue;
      if (!mk_store_mark_deleted (run->store, type, id, error))
        {
          mk_store_rollback (run->store);
          return FALSE;
        }
      n_deleted++;
    }
  if (!mk_store_commit (run->store, error))
    {
      mk_store_rollback (run->store);
      return FALSE;
    }

  run->stats->deleted += n_deleted;
  return TRUE;
}

gboolean
mk_sync_reconcile (MkSyncRun  *run,
                   GError    **error)
{
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GHashTable) outbox_refs = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!reconcile_due (run, &local_error))
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      return TRUE;
    }

  outbox = mk_store_list_outbox (run->store, -1, error);
  if (outbox == NULL)
    return FALSE;
  outbox_refs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < outbox->len; i++)
    {
      MkOutboxEntry *entry = g_ptr_array_index (outbox, i);

      g_hash_table_add (outbox_refs, g_strdup_printf ("%s/%s", entry->resource_type, entry->id));
    }

  for (guint i = 0; i < G_N_ELEMENTS (compartment_types); i++)
    if (server_supports (run, compartment_types[i].type) &&
        !reconcile_type (run, compartment_types[i].type, outbox_refs, error))
      return FALSE;
  if (server_supports (run, "Slot") && !reconcile_type (run, "Slot", outbox_refs, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (referenced_types); i++)
    if (server_supports (run, referenced_types[i]) &&
        !reconcile_type (run, referenced_types[i], outbox_refs, error))
      return FALSE;

  if (run->server_time != NULL &&
      !mk_store_set_meta (run->store, MK_SYNC_META_LAST_RECONCILE, run->server_time, error))
    return FALSE;

  return TRUE;
}
