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

/* Ids per request when a query lists ids (_id=a,b,c or patient=a,b,c) in
 * its URL, and per search by POST, whose form body has room for more. */
#define IDS_PER_REQUEST 50
#define IDS_PER_POST 5000
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

/* run->server_types: NULL = every type; else the types searched, or — when
 * the statement named none ("*") — "*" plus "-Type" for each type the
 * server turned out not to know. */
static gboolean
server_supports (MkSyncRun  *run,
                 const char *type)
{
  g_autofree char *excluded = NULL;

  if (run->server_types == NULL)
    return TRUE;
  if (!g_hash_table_contains (run->server_types, "*"))
    return g_hash_table_contains (run->server_types, type);
  excluded = g_strconcat ("-", type, NULL);
  return !g_hash_table_contains (run->server_types, excluded);
}

static char *
escape (const char *value)
{
  return g_uri_escape_string (value, NULL, FALSE);
}

/* ---- CapabilityStatement ---- */

/* Whether the server listed no types ("*"), so every type is tried. */
static gboolean
server_types_unknown (MkSyncRun *run)
{
  return run->server_types == NULL || g_hash_table_contains (run->server_types, "*");
}

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

/* With no list of types from the server: @type answered 404 or 400 to a
 * search, so it is not asked again (kept in the store's meta). */
static gboolean
exclude_server_type (MkSyncRun  *run,
                     const char *type,
                     GError    **error)
{
  g_autofree char *types = mk_store_get_meta (run->store, MK_SYNC_META_SERVER_TYPES, error);
  g_autofree char *updated = NULL;

  if (error != NULL && *error != NULL)
    return FALSE;
  updated = g_strdup_printf ("%s,-%s", types != NULL ? types : "*", type);
  if (!mk_store_set_meta (run->store, MK_SYNC_META_SERVER_TYPES, updated, error))
    return FALSE;
  load_server_types (run, updated);
  return TRUE;
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

  /* A 200 that is JSON but no CapabilityStatement (an OperationOutcome, a
   * Bundle from a server that routes "metadata" elsewhere) says nothing
   * about the types either: try every type, as after a 404. */
  if (response->json == NULL || !JSON_NODE_HOLDS_OBJECT (response->json))
    {
      mk_sync_response_object (response, "CapabilityStatement", error);
      return FALSE;
    }
  statement = json_node_get_object (response->json);
  if (g_strcmp0 (json_object_get_string_member_with_default (statement, "resourceType", NULL),
                 "CapabilityStatement") != 0)
    {
      g_debug ("metadata is a %s, not a CapabilityStatement: trying every type",
               json_object_get_string_member_with_default (statement, "resourceType", "?"));
      return mk_store_set_meta (run->store, MK_SYNC_META_SERVER_TYPES, "*", error);
    }

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
  if (!mk_store_import_parsed (run->store, response->json, data, length, &import_stats, error) ||
      (key != NULL && !mk_store_set_sync_state (run->store, key, since, next_url, error)) ||
      !mk_store_commit (run->store, error))
    {
      mk_store_rollback (run->store);
      return FALSE;
    }

  run->stats->updated += import_stats->n_stored;
  return TRUE;
}

/* A search by POST: our own relative "Type/_search?params" — sent as a
 * POST of the form body "params" (FHIR R4 http 3.1.1.3). Servers' next
 * links are absolute and always sent as they are. */
static gboolean
is_post_search (const char *url)
{
  return !g_str_has_prefix (url, "https://") && !g_str_has_prefix (url, "http://") &&
         strstr (url, "/_search?") != NULL;
}

static gboolean
post_search_refused (MkSyncRun *run)
{
  g_autofree char *value = mk_store_get_meta (run->store, MK_SYNC_META_POST_SEARCH, NULL);

  return g_strcmp0 (value, "no") == 0;
}

/* One page of a search: GET @url, or the POST of a search by POST. A
 * server that refuses searches by POST (404, 405, 400, 501) is
 * remembered, and the caller asks again with lists of ids in URLs. */
static MkResponse *
request_page (MkSyncRun  *run,
              const char *url,
              GError    **error)
{
  static const char * const form[] = { "Content-Type", "application/x-www-form-urlencoded", NULL };
  g_autofree char *path = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) local_error = NULL;
  MkResponse *response;
  const char *query;

  if (!is_post_search (url))
    return mk_sync_run_request (run, "GET", url, NULL, NULL, error);

  query = strchr (url, '?');
  path = g_strndup (url, query - url);
  body = g_bytes_new (query + 1, strlen (query + 1));
  response = mk_sync_run_request (run, "POST", path, form, body, &local_error);
  if (response == NULL &&
      (g_error_matches (local_error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_NOT_FOUND) ||
       g_error_matches (local_error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_REFUSED)))
    {
      g_debug ("The server refuses searches by POST: %s", local_error->message);
      if (!mk_store_set_meta (run->store, MK_SYNC_META_POST_SEARCH, "no", error))
        return NULL;
    }
  if (response == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return response;
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

/* The page at @url: read ahead already (docs/sync.md, Read-ahead), or asked
 * for now. */
static MkResponse *
take_page (MkSyncRun    *run,
           MkReadAhead **ahead_ptr,
           const char   *url,
           GError      **error)
{
  if (*ahead_ptr != NULL && mk_read_ahead_is_for (*ahead_ptr, url))
    return mk_read_ahead_finish (run, g_steal_pointer (ahead_ptr), error);

  g_clear_pointer (ahead_ptr, mk_read_ahead_free);
  return request_page (run, url, error);
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

      g_autoptr(MkReadAhead) ahead = NULL;

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
          response = take_page (run, &ahead, url, &local_error);
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
          if (response == NULL && !resuming && received == 0 && !is_post_search (url) &&
              server_types_unknown (run) &&
              (g_error_matches (local_error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_NOT_FOUND) ||
               g_error_matches (local_error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_REFUSED)))
            {
              /* A server that listed no types does not know this one. */
              g_debug ("%s is not searchable here (%s): not asked again", type, local_error->message);
              return exclude_server_type (run, type, error);
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
          if (next != NULL && !is_post_search (next))
            ahead = mk_read_ahead_start (run, next, NULL);
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

/* "Type?param=a,b,c" queries, @per_query ids each (@path "Type"), or the
 * same as searches by POST (@path "Type/_search"); @extra is appended. */
static GPtrArray *
id_queries (const char *path,
            const char *param,
            GPtrArray  *ids,
            guint       per_query,
            const char *extra)
{
  GPtrArray *bases = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < ids->len; i += per_query)
    {
      GString *query = g_string_new (NULL);

      g_string_append_printf (query, "%s?%s=", path, param);
      for (guint j = i; j < ids->len && j < i + per_query; j++)
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

/* The searches for the resources of @type whose @param is one of @ids: one
 * search by POST for up to IDS_PER_POST ids when the list does not fit in
 * one URL (unless the server refused such searches before), else GETs
 * with IDS_PER_REQUEST ids in each URL. */
static GPtrArray *
id_list_queries (MkSyncRun  *run,
                 const char *type,
                 const char *param,
                 GPtrArray  *ids,
                 const char *extra)
{
  g_autofree char *post_path = NULL;

  if (ids->len <= IDS_PER_REQUEST || post_search_refused (run))
    return id_queries (type, param, ids, IDS_PER_REQUEST, extra);

  post_path = g_strconcat (type, "/_search", NULL);
  return id_queries (post_path, param, ids, IDS_PER_POST, extra);
}

/* Whether @error is a refused search by POST, to be asked again by GET. */
static gboolean
is_post_refusal (MkSyncRun    *run,
                 GPtrArray    *bases,
                 const GError *error)
{
  return bases->len > 0 && is_post_search (g_ptr_array_index (bases, 0)) &&
         post_search_refused (run) &&
         (g_error_matches (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_NOT_FOUND) ||
          g_error_matches (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_REFUSED));
}

/* pull_key() over id_list_queries(): the resources of @type whose @param
 * is one of @ids. */
static gboolean
pull_ids (MkSyncRun   *run,
          const char  *type,
          const char  *key,
          gboolean     lookup,
          const char  *param,
          GPtrArray   *ids,
          const char  *extra,
          GError     **error)
{
  g_autoptr(GPtrArray) bases = id_list_queries (run, type, param, ids, extra);
  g_autoptr(GError) local_error = NULL;

  if (pull_key (run, type, key, lookup, bases, &local_error))
    return TRUE;
  if (!is_post_refusal (run, bases, local_error))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  g_ptr_array_unref (bases);
  bases = id_list_queries (run, type, param, ids, extra);
  return pull_key (run, type, key, lookup, bases, error);
}

static char *
today_text (MkSyncRun *run)
{
  return g_date_time_format (run->today, "%Y-%m-%d");
}

/* ---- what an account mirrors ---- */

typedef enum
{
  PULL_CHANGES,  /* what changed since each type's watermark (resumable) */
  PULL_IN_FULL,  /* everything; a type's watermark only started when it has none */
} PullMode;

static gboolean
pull_patient_compartments (MkSyncRun   *run,
                           GPtrArray   *patients,
                           PullMode     mode,
                           GError     **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (compartment_types); i++)
    {
      const MkCompartmentType *ct = &compartment_types[i];

      if (server_supports (run, ct->type) &&
          !pull_ids (run, ct->type, ct->type, mode == PULL_IN_FULL, ct->param, patients, NULL, error))
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

      if (!server_supports (run, type))
        continue;
      ids = list_ids (run, type, error);
      if (ids == NULL || !pull_ids (run, type, type, FALSE, "_id", ids, NULL, error))
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

          if (ids == NULL)
            continue;
          sort_strings (ids);
          if (!pull_ids (run, type, type, TRUE, "_id", ids, NULL, error))
            return FALSE;

          if (strcmp (type, "Practitioner") == 0 && server_supports (run, "PractitionerRole") &&
              !pull_ids (run, "PractitionerRole", "PractitionerRole", TRUE, "practitioner", ids, NULL, error))
            return FALSE;
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

static GPtrArray *
get_meta_list (MkSyncRun   *run,
               const char  *key,
               GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = mk_store_get_meta (run->store, key, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return split_list (text);
}

static gboolean
set_meta_list (MkSyncRun   *run,
               const char  *key,
               GPtrArray   *list,
               GError     **error)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < list->len; i++)
    {
      if (i > 0)
        g_string_append_c (text, ',');
      g_string_append (text, g_ptr_array_index (list, i));
    }
  return mk_store_set_meta (run->store, key, text->str, error);
}

/* The compartments of a doctor's patients — those the appointments and
 * encounters of this pull name, and those an interrupted earlier sync
 * found — kept in three lists in the store's meta:
 *
 *  - known: pulled in full; asked for what changed since each type's
 *    watermark (one resumable search per type);
 *  - first: the first sync's patients, pulled with the watermarks (each
 *    type's starts at its round, and a cut round resumes at its next
 *    link), until that pull completes;
 *  - new: found after the first sync, pulled in full without touching the
 *    watermarks, until that pull completes.
 *
 * A cut run leaves "first" or "new" in the meta, so the next run pulls
 * them again even though its own searches no longer name them. */
static gboolean
pull_doctors_patients (MkSyncRun  *run,
                       GError    **error)
{
  g_autoptr(GPtrArray) known = get_meta_list (run, MK_SYNC_META_PATIENTS, error);
  g_autoptr(GPtrArray) first = known != NULL ? get_meta_list (run, MK_SYNC_META_PATIENTS_FIRST, error) : NULL;
  g_autoptr(GPtrArray) fresh = first != NULL ? get_meta_list (run, MK_SYNC_META_PATIENTS_NEW, error) : NULL;
  g_autoptr(GPtrArray) empty = g_ptr_array_new ();
  g_autoptr(GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *lists[3];
  GHashTableIter iter;
  const char *ref;

  if (fresh == NULL)
    return FALSE;

  /* Every patient already in one of the lists (a set: a doctor has thousands). */
  lists[0] = known;
  lists[1] = first;
  lists[2] = fresh;
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < lists[l]->len; i++)
      g_hash_table_add (listed, g_ptr_array_index (lists[l], i));

  g_hash_table_iter_init (&iter, run->refs);
  while (g_hash_table_iter_next (&iter, (gpointer *) &ref, NULL))
    if (g_str_has_prefix (ref, "Patient/") && !g_hash_table_contains (listed, ref + strlen ("Patient/")))
      {
        char *patient = g_strdup (ref + strlen ("Patient/"));

        g_ptr_array_add (fresh, patient);
        g_hash_table_add (listed, patient);
      }
  sort_strings (fresh);

  if (known->len == 0 && first->len == 0)
    {
      g_ptr_array_extend_and_steal (first, g_steal_pointer (&fresh));
      fresh = g_ptr_array_new_with_free_func (g_free);
    }
  if (first->len == 0 && fresh->len == 0)
    return pull_patient_compartments (run, known, PULL_CHANGES, error);

  if (!mk_store_begin (run->store, error))
    return FALSE;
  if (!set_meta_list (run, MK_SYNC_META_PATIENTS_FIRST, first, error) ||
      !set_meta_list (run, MK_SYNC_META_PATIENTS_NEW, fresh, error) ||
      !mk_store_commit (run->store, error))
    {
      mk_store_rollback (run->store);
      return FALSE;
    }

  if (!pull_patient_compartments (run, known->len > 0 ? known : first, PULL_CHANGES, error) ||
      !pull_patient_compartments (run, fresh, PULL_IN_FULL, error))
    return FALSE;

  g_ptr_array_extend_and_steal (known, g_steal_pointer (&first));
  g_ptr_array_extend_and_steal (known, g_steal_pointer (&fresh));
  sort_strings (known);

  if (!mk_store_begin (run->store, error))
    return FALSE;
  if (!set_meta_list (run, MK_SYNC_META_PATIENTS, known, error) ||
      !set_meta_list (run, MK_SYNC_META_PATIENTS_FIRST, empty, error) ||
      !set_meta_list (run, MK_SYNC_META_PATIENTS_NEW, empty, error) ||
      !mk_store_commit (run->store, error))
    {
      mk_store_rollback (run->store);
      return FALSE;
    }
  return TRUE;
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
  g_autoptr(GPtrArray) schedules = NULL;
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

  if (!pull_doctors_patients (run, error))
    return FALSE;

  /* The free and busy slots of their schedules, from today on. */
  if (server_supports (run, "Slot"))
    {
      g_autofree char *extra = g_strdup_printf ("start=ge%s", today);

      schedules = list_ids (run, "Schedule", error);
      if (schedules == NULL || !pull_ids (run, "Slot", "Slot", FALSE, "schedule", schedules, extra, error))
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
  if (!pull_patient_compartments (run, patients, PULL_CHANGES, error))
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
  gboolean scan;
  gboolean ok;

  if (run->refs == NULL)
    run->refs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* "no" while a pull is under way: a run that stops before resolving the
   * references of what it stored leaves it, and the next one looks at the
   * whole mirror instead of only at what it pulls. None yet: the first pull
   * — whose references are all collected as it goes, unless the card held
   * something before (an import). */
  resolved = mk_store_get_meta (run->store, MK_SYNC_META_REFS_RESOLVED, error);
  if (error != NULL && *error != NULL)
    return FALSE;
  if (resolved == NULL)
    {
      g_autoptr(GHashTable) counts = mk_store_count_by_type (run->store, error);

      if (counts == NULL)
        return FALSE;
      scan = g_hash_table_size (counts) > 0;
    }
  else
    scan = strcmp (resolved, "yes") != 0;
  if (!mk_store_set_meta (run->store, MK_SYNC_META_REFS_RESOLVED, "no", error))
    return FALSE;

  if (mk_account_get_role (run->account) == MK_ACCOUNT_ROLE_PRACTITIONER)
    ok = pull_practitioner (run, error);
  else
    ok = pull_patient (run, error);

  ok = ok &&
       pull_known_references (run, error) &&
       (!scan || scan_store_references (run, error)) &&
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

/* Adds to @present the ids of @type the searches @bases find. */
static gboolean
collect_present (MkSyncRun   *run,
                 const char  *type,
                 GPtrArray   *bases,
                 GHashTable  *present,
                 GError     **error)
{
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

          response = request_page (run, url, error);
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
  return TRUE;
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
  g_autoptr(GError) local_error = NULL;
  g_autofree char *extra = g_strdup_printf ("_elements=id&_count=%u", RECONCILE_PAGE_SIZE);
  guint n_deleted = 0;

  ids = list_ids (run, type, error);
  if (ids == NULL)
    return FALSE;
  if (ids->len == 0)
    return TRUE;

  present = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  bases = id_list_queries (run, type, "_id", ids, extra);
  mk_sync_run_progress (run, MK_SYNC_PHASE_RECONCILING, type);

  if (!collect_present (run, type, bases, present, &local_error))
    {
      if (!is_post_refusal (run, bases, local_error))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_ptr_array_unref (bases);
      bases = id_list_queries (run, type, "_id", ids, extra);
      if (!collect_present (run, type, bases, present, error))
        return FALSE;
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
