/* mk-test-store.c — the test FHIR server's resources in SQLite and the
 * FHIR R4 interactions over them (no HTTP here)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tables: resource (the current version of each resource, deleted ones kept
 * as tombstones), history (every version, in the order they were written),
 * ref (references a search by patient/subject/actor matches) and ident
 * (identifiers, for conditional creates). Times are kept as canonical UTC
 * text with microseconds, so SQL compares them as strings; the server hands
 * out strictly increasing times, so a watermark taken from a Bundle never
 * hides a later change.
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "mk-json-text.h"
#include "mk-test-store.h"

#define DEFAULT_COUNT 50
#define MAX_COUNT     5000

struct _MkTestStore
{
  GMutex      lock;
  sqlite3    *db;
  GHashTable *statements;   /* SQL text → sqlite3_stmt */
  gint64      last_stamp;   /* µs since the epoch of the last time handed out */
  GHashTable *searches;     /* id → GPtrArray of name, value pairs: POST searches' paging contexts */
};

/* Paging contexts kept for POST searches before the oldest are forgotten
 * (all at once; a client then gets 404 for its next link and starts over). */
#define MAX_SEARCHES 256

/* Row of the resource table. */
typedef struct
{
  char    *id;
  gint64   version;
  char    *last_updated;
  gboolean deleted;
  char    *json;
} Row;

static void
row_free (Row *row)
{
  g_free (row->id);
  g_free (row->last_updated);
  g_free (row->json);
  g_free (row);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Row, row_free)

static const char * const schema_sql =
  "PRAGMA journal_mode=WAL;"
  "PRAGMA synchronous=OFF;"
  "CREATE TABLE IF NOT EXISTS resource ("
  "  type TEXT NOT NULL, id TEXT NOT NULL, version_id INTEGER NOT NULL,"
  "  last_updated TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, json TEXT NOT NULL,"
  "  PRIMARY KEY (type, id));"
  "CREATE INDEX IF NOT EXISTS resource_by_time ON resource (type, last_updated, id);"
  "CREATE TABLE IF NOT EXISTS history ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, id TEXT NOT NULL,"
  "  version_id INTEGER NOT NULL, last_updated TEXT NOT NULL, deleted INTEGER NOT NULL,"
  "  json TEXT);"
  "CREATE INDEX IF NOT EXISTS history_by_version ON history (type, id, version_id);"
  "CREATE INDEX IF NOT EXISTS history_by_time ON history (last_updated);"
  "CREATE TABLE IF NOT EXISTS ref (type TEXT NOT NULL, id TEXT NOT NULL,"
  "  param TEXT NOT NULL, target TEXT NOT NULL);"
  "CREATE INDEX IF NOT EXISTS ref_by_target ON ref (target, type, id);"
  "CREATE INDEX IF NOT EXISTS ref_by_resource ON ref (type, id);"
  "CREATE TABLE IF NOT EXISTS ident (type TEXT NOT NULL, id TEXT NOT NULL,"
  "  system TEXT NOT NULL, value TEXT NOT NULL);"
  "CREATE INDEX IF NOT EXISTS ident_by_value ON ident (type, value, system);"
  "CREATE INDEX IF NOT EXISTS ident_by_resource ON ident (type, id);";

/* Types the CapabilityStatement always declares (the mirror's types). */
static const char * const declared_types[] = {
  "AllergyIntolerance", "Appointment", "AuditEvent", "Binary", "Condition", "Consent",
  "DiagnosticReport", "DocumentReference", "Encounter", "HealthcareService", "Immunization",
  "MedicationDispense", "MedicationRequest", "Observation", "Organization", "Patient",
  "Practitioner", "PractitionerRole", "Procedure", "Schedule", "Slot", NULL
};

/* ---------------------------------------------------------------- replies */

void
mk_test_reply_free (MkTestReply *reply)
{
  if (reply == NULL)
    return;
  g_free (reply->body);
  g_free (reply->etag);
  g_clear_pointer (&reply->last_modified, g_date_time_unref);
  g_free (reply->location);
  g_free (reply);
}

static void
append_json_string (GString    *out,
                    const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = *p;

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, c);
        }
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, c);
    }
  g_string_append_c (out, '"');
}

MkTestReply *
mk_test_reply_outcome (guint       status,
                       const char *code,
                       const char *diagnostics)
{
  MkTestReply *reply = g_new0 (MkTestReply, 1);
  GString *out = g_string_new ("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":");

  append_json_string (out, status >= 500 ? "fatal" : "error");
  g_string_append (out, ",\"code\":");
  append_json_string (out, code);
  g_string_append (out, ",\"diagnostics\":");
  append_json_string (out, diagnostics);
  g_string_append (out, "}]}");

  reply->status = status;
  reply->body = g_string_free (out, FALSE);
  return reply;
}

/* ------------------------------------------------------------ JSON output */

static void
append_double (GString *out,
               double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  /* The shortest text that reads back as the same number: 36.6, not
   * 36.600000000000001 as json-glib would write. */
  for (int precision = 1; precision <= 17; precision++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", precision);
      g_ascii_formatd (buffer, sizeof buffer, format, value);
      if (g_ascii_strtod (buffer, NULL) == value)
        break;
    }
  g_string_append (out, buffer);
}

static void
append_node (GString  *out,
             JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(GList) members = json_object_get_members (object);

        g_string_append_c (out, '{');
        for (GList *l = members; l != NULL; l = l->next)
          {
            if (l != members)
              g_string_append_c (out, ',');
            append_json_string (out, l->data);
            g_string_append_c (out, ':');
            append_node (out, json_object_get_member (object, l->data));
          }
        g_string_append_c (out, '}');
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint length = json_array_get_length (array);

        g_string_append_c (out, '[');
        for (guint i = 0; i < length; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            append_node (out, json_array_get_element (array, i));
          }
        g_string_append_c (out, ']');
      }
      break;

    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          append_double (out, json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        default:
          append_json_string (out, json_node_get_string (node));
          break;
        }
      break;

    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
}

static char *
object_to_text (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  GString *out = g_string_new (NULL);

  append_node (out, node);
  return g_string_free (out, FALSE);
}

static JsonObject *
parse_object (const char  *text,
              gssize       length,
              GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, text, length, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "not a JSON object");
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonObject *
member_object (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
member_array (JsonObject *object,
              const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* ------------------------------------------------------------------ time */

static char *
format_instant (gint64 usec)
{
  g_autoptr(GDateTime) seconds = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) exact = g_date_time_add (seconds, usec % G_USEC_PER_SEC);

  return g_date_time_format (exact, "%Y-%m-%dT%H:%M:%S.%fZ");
}

static GDateTime *
parse_instant (const char *text)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autofree char *full = NULL;

  if (text == NULL)
    return NULL;
  if (strlen (text) == 10)  /* a date: its first instant, UTC */
    text = full = g_strconcat (text, "T00:00:00Z", NULL);
  return g_date_time_new_from_iso8601 (text, utc);
}

static gint64
instant_usec (GDateTime *time)
{
  return g_date_time_to_unix (time) * G_USEC_PER_SEC + g_date_time_get_microsecond (time);
}

/* The canonical text of @text (UTC, microseconds) or NULL. */
static char *
canonical_instant (const char *text)
{
  g_autoptr(GDateTime) time = parse_instant (text);

  return time != NULL ? format_instant (instant_usec (time)) : NULL;
}

/* The server's "now": strictly later than any time handed out before. */
static char *
next_stamp_locked (MkTestStore *store)
{
  gint64 now = g_get_real_time ();

  if (now <= store->last_stamp)
    now = store->last_stamp + 1;
  store->last_stamp = now;
  return format_instant (now);
}

/* ------------------------------------------------------------------- SQL */

static void
set_sqlite_error (MkTestStore  *store,
                  GError      **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "SQLite: %s", sqlite3_errmsg (store->db));
}

static sqlite3_stmt *
prepare (MkTestStore  *store,
         const char   *sql,
         GError      **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (store->statements, sql);

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  if (sqlite3_prepare_v3 (store->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      set_sqlite_error (store, error);
      return NULL;
    }
  g_hash_table_insert (store->statements, g_strdup (sql), stmt);
  return stmt;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static gboolean
exec (MkTestStore  *store,
      const char   *sql,
      GError      **error)
{
  if (sqlite3_exec (store->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      set_sqlite_error (store, error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
step_done (MkTestStore   *store,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (store, error);
      return FALSE;
    }
  return TRUE;
}

static void
statement_free (gpointer data)
{
  sqlite3_finalize (data);
}

MkTestStore *
mk_test_store_new (const char  *path,
                   GError     **error)
{
  g_autoptr(MkTestStore) store = g_new0 (MkTestStore, 1);

  g_mutex_init (&store->lock);
  store->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, statement_free);
  store->searches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) g_ptr_array_unref);

  if (sqlite3_open_v2 (path != NULL ? path : ":memory:", &store->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK)
    {
      set_sqlite_error (store, error);
      return NULL;
    }
  if (!exec (store, schema_sql, error))
    return NULL;

  return g_steal_pointer (&store);
}

void
mk_test_store_free (MkTestStore *store)
{
  if (store == NULL)
    return;
  g_clear_pointer (&store->statements, g_hash_table_unref);
  g_clear_pointer (&store->searches, g_hash_table_unref);
  if (store->db != NULL)
    sqlite3_close (store->db);
  g_mutex_clear (&store->lock);
  g_free (store);
}

/* ------------------------------------------------------------- writing */

static Row *
get_row_locked (MkTestStore *store,
                const char  *type,
                const char  *id)
{
  sqlite3_stmt *stmt = prepare (store, "SELECT version_id, last_updated, deleted, json "
                                       "FROM resource WHERE type = ?1 AND id = ?2", NULL);
  Row *row = NULL;

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, type);
  bind_text (stmt, 2, id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      row = g_new0 (Row, 1);
      row->id = g_strdup (id);
      row->version = sqlite3_column_int64 (stmt, 0);
      row->last_updated = column_dup (stmt, 1);
      row->deleted = sqlite3_column_int (stmt, 2) != 0;
      row->json = column_dup (stmt, 3);
    }
  sqlite3_reset (stmt);
  return row;
}

/* "Patient/x", "https://host/fhir/Patient/x/_history/2" → "Patient/x". */
static char *
normalize_reference (const char *reference)
{
  g_auto(GStrv) parts = NULL;
  guint n;

  if (reference == NULL || *reference == '#')
    return NULL;
  parts = g_strsplit (reference, "/", -1);
  n = g_strv_length (parts);
  if (n >= 4 && g_str_equal (parts[n - 2], "_history"))
    n -= 2;
  if (n < 2)
    return NULL;
  return g_strconcat (parts[n - 2], "/", parts[n - 1], NULL);
}

static void
add_reference (GPtrArray  *refs,
               const char *param,
               JsonObject *reference)
{
  char *target = normalize_reference (member_string (reference, "reference"));

  if (target == NULL)
    return;
  g_ptr_array_add (refs, g_strdup (param));
  g_ptr_array_add (refs, target);
}

static void
add_references (GPtrArray  *refs,
                const char *param,
                JsonNode   *node,
                const char *inner)
{
  if (node == NULL)
    return;
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        add_references (refs, param, json_array_get_element (array, i), inner);
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);

      if (inner != NULL)
        add_reference (refs, param, member_object (object, inner));
      else
        add_reference (refs, param, object);
    }
}

/* param, target pairs of the references a search can match. */
static GPtrArray *
collect_references (JsonObject *resource)
{
  GPtrArray *refs = g_ptr_array_new_with_free_func (g_free);
  JsonObject *provision = member_object (resource, "provision");

  add_references (refs, "subject", json_object_get_member (resource, "subject"), NULL);
  add_references (refs, "patient", json_object_get_member (resource, "patient"), NULL);
  add_references (refs, "patient", json_object_get_member (resource, "beneficiary"), NULL);
  add_references (refs, "actor", json_object_get_member (resource, "participant"), "actor");
  add_references (refs, "actor", json_object_get_member (resource, "actor"), NULL);
  add_references (refs, "actor", json_object_get_member (resource, "agent"), "who");
  add_references (refs, "subject", json_object_get_member (resource, "entity"), "what");
  add_references (refs, "practitioner", json_object_get_member (resource, "participant"), "individual");
  add_references (refs, "practitioner", json_object_get_member (resource, "practitioner"), NULL);
  add_references (refs, "schedule", json_object_get_member (resource, "schedule"), NULL);
  if (provision != NULL)
    add_references (refs, "actor", json_object_get_member (provision, "actor"), "reference");
  return refs;
}

static gboolean
write_index_locked (MkTestStore  *store,
                    const char   *type,
                    const char   *id,
                    JsonObject   *resource,
                    GError      **error)
{
  sqlite3_stmt *stmt;
  JsonNode *identifier;
  g_autoptr(GPtrArray) refs = NULL;

  if ((stmt = prepare (store, "DELETE FROM ref WHERE type = ?1 AND id = ?2", error)) == NULL)
    return FALSE;
  bind_text (stmt, 1, type);
  bind_text (stmt, 2, id);
  if (!step_done (store, stmt, error))
    return FALSE;
  if ((stmt = prepare (store, "DELETE FROM ident WHERE type = ?1 AND id = ?2", error)) == NULL)
    return FALSE;
  bind_text (stmt, 1, type);
  bind_text (stmt, 2, id);
  if (!step_done (store, stmt, error))
    return FALSE;

  if (resource == NULL)
    return TRUE;

  refs = collect_references (resource);
  for (guint i = 0; i + 1 < refs->len; i += 2)
    {
      if ((stmt = prepare (store, "INSERT INTO ref (type, id, param, target) "
                                  "VALUES (?1, ?2, ?3, ?4)", error)) == NULL)
        return FALSE;
      bind_text (stmt, 1, type);
      bind_text (stmt, 2, id);
      bind_text (stmt, 3, refs->pdata[i]);
      bind_text (stmt, 4, refs->pdata[i + 1]);
      if (!step_done (store, stmt, error))
        return FALSE;
    }

  identifier = json_object_get_member (resource, "identifier");
  if (identifier != NULL && JSON_NODE_HOLDS_ARRAY (identifier))
    {
      JsonArray *array = json_node_get_array (identifier);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          JsonObject *object = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
          const char *system = member_string (object, "system");
          const char *value = member_string (object, "value");

          if (value == NULL)
            continue;
          if ((stmt = prepare (store, "INSERT INTO ident (type, id, system, value) "
                                      "VALUES (?1, ?2, ?3, ?4)", error)) == NULL)
            return FALSE;
          bind_text (stmt, 1, type);
          bind_text (stmt, 2, id);
          bind_text (stmt, 3, system != NULL ? system : "");
          bind_text (stmt, 4, value);
          if (!step_done (store, stmt, error))
            return FALSE;
        }
    }
  return TRUE;
}

/* Stores one version: @resource already carries its meta (NULL for a
 * deletion, which keeps @previous_json as the tombstone's text). */
static gboolean
write_version_locked (MkTestStore  *store,
                      const char   *type,
                      const char   *id,
                      gint64        version,
                      const char   *last_updated,
                      JsonObject   *resource,
                      const char   *previous_json,
                      GError      **error)
{
  g_autofree char *json = resource != NULL ? object_to_text (resource) : NULL;
  sqlite3_stmt *stmt;

  if ((stmt = prepare (store, "INSERT OR REPLACE INTO resource "
                              "(type, id, version_id, last_updated, deleted, json) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error)) == NULL)
    return FALSE;
  bind_text (stmt, 1, type);
  bind_text (stmt, 2, id);
  sqlite3_bind_int64 (stmt, 3, version);
  bind_text (stmt, 4, last_updated);
  sqlite3_bind_int (stmt, 5, resource == NULL);
  bind_text (stmt, 6, json != NULL ? json : (previous_json != NULL ? previous_json : "{}"));
  if (!step_done (store, stmt, error))
    return FALSE;

  if ((stmt = prepare (store, "INSERT INTO history "
                              "(type, id, version_id, last_updated, deleted, json) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error)) == NULL)
    return FALSE;
  bind_text (stmt, 1, type);
  bind_text (stmt, 2, id);
  sqlite3_bind_int64 (stmt, 3, version);
  bind_text (stmt, 4, last_updated);
  sqlite3_bind_int (stmt, 5, resource == NULL);
  if (json != NULL)
    bind_text (stmt, 6, json);
  else
    sqlite3_bind_null (stmt, 6);
  if (!step_done (store, stmt, error))
    return FALSE;

  return write_index_locked (store, type, id, resource, error);
}

static void
set_meta (JsonObject *resource,
          gint64      version,
          const char *last_updated)
{
  JsonObject *meta = member_object (resource, "meta");
  g_autofree char *version_text = g_strdup_printf ("%" G_GINT64_FORMAT, version);

  if (meta == NULL)
    {
      meta = json_object_new ();
      json_object_set_object_member (resource, "meta", meta);
    }
  json_object_set_string_member (meta, "versionId", version_text);
  json_object_set_string_member (meta, "lastUpdated", last_updated);
}

static gboolean
begin (MkTestStore  *store,
       GError      **error)
{
  return exec (store, "BEGIN IMMEDIATE", error);
}

static gboolean
end (MkTestStore  *store,
     gboolean      ok,
     GError      **error)
{
  if (ok)
    return exec (store, "COMMIT", error);
  exec (store, "ROLLBACK", NULL);
  return FALSE;
}

/* ------------------------------------------------------------- loading */

static gboolean
load_resource_locked (MkTestStore  *store,
                      JsonObject   *resource,
                      GError      **error)
{
  const char *type = member_string (resource, "resourceType");
  const char *id = member_string (resource, "id");
  JsonObject *meta = member_object (resource, "meta");
  const char *version_text = member_string (meta, "versionId");
  const char *updated_text = member_string (meta, "lastUpdated");
  g_autofree char *new_id = NULL;
  g_autofree char *last_updated = NULL;
  g_autofree char *given_updated = NULL;
  g_autoptr(Row) row = NULL;
  gint64 version = 0;

  if (type == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "a resource without resourceType");
      return FALSE;
    }
  if (id == NULL)
    {
      new_id = g_uuid_string_random ();
      json_object_set_string_member (resource, "id", new_id);
      id = new_id;
    }

  row = get_row_locked (store, type, id);
  if (version_text != NULL)
    version = g_ascii_strtoll (version_text, NULL, 10);
  if (version <= 0)
    version = row != NULL ? row->version + 1 : 1;

  if (updated_text != NULL)
    {
      last_updated = canonical_instant (updated_text);
      if (last_updated == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s/%s: meta.lastUpdated is not an instant", type, id);
          return FALSE;
        }
      given_updated = g_strdup (updated_text);
    }
  else
    last_updated = next_stamp_locked (store);

  if (version_text == NULL || updated_text == NULL)
    set_meta (resource, version, given_updated != NULL ? given_updated : last_updated);

  return write_version_locked (store, type, id, version, last_updated, resource, NULL, error);
}

static gboolean
load_node_locked (MkTestStore  *store,
                  JsonNode     *root,
                  GError      **error)
{
  JsonObject *object;
  JsonArray *entries;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "not a JSON object");
      return FALSE;
    }
  object = json_node_get_object (root);
  if (g_strcmp0 (member_string (object, "resourceType"), "Bundle") != 0)
    return load_resource_locked (store, object, error);

  entries = member_array (object, "entry");
  for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++)
    {
      JsonNode *entry = json_array_get_element (entries, i);
      JsonObject *resource = JSON_NODE_HOLDS_OBJECT (entry)
        ? member_object (json_node_get_object (entry), "resource") : NULL;

      if (resource != NULL && !load_resource_locked (store, resource, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
load_text_locked (MkTestStore  *store,
                  const char   *text,
                  GError      **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_auto(GStrv) lines = NULL;

  gsize length = strlen (text);
  gsize pos = 0;
  MkJsonSpan span;

  /* One JSON document (json-glib would also accept NDJSON, keeping only its
   * last line), else NDJSON. */
  if (mk_json_text_scan_value (text, length, &pos, &span))
    {
      while (pos < length && g_ascii_isspace (text[pos]))
        pos++;
      if (pos == length)
        {
          if (!json_parser_load_from_data (parser, text, length, error))
            return FALSE;
          return load_node_locked (store, json_parser_get_root (parser), error);
        }
    }

  /* NDJSON: one resource a line. */
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) line_parser = json_parser_new ();
      g_autoptr(GError) local_error = NULL;

      if (*g_strstrip (lines[i]) == '\0')
        continue;
      if (!json_parser_load_from_data (line_parser, lines[i], -1, &local_error))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "line %u: %s", i + 1, local_error->message);
          return FALSE;
        }
      if (!load_node_locked (store, json_parser_get_root (line_parser), error))
        return FALSE;
    }
  return TRUE;
}

gboolean
mk_test_store_load (MkTestStore  *store,
                    const char   *text,
                    GError      **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&store->lock);

  g_return_val_if_fail (text != NULL, FALSE);

  if (!begin (store, error))
    return FALSE;
  return end (store, load_text_locked (store, text, error), error);
}

static gboolean
touch_locked (MkTestStore  *store,
              const char   *type,
              const char   *id,
              GError      **error)
{
  g_autoptr(Row) row = get_row_locked (store, type, id);
  g_autoptr(JsonObject) resource = NULL;
  g_autofree char *stamp = NULL;

  if (row == NULL || row->deleted)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no %s/%s", type, id);
      return FALSE;
    }
  if ((resource = parse_object (row->json, -1, error)) == NULL)
    return FALSE;
  stamp = next_stamp_locked (store);
  set_meta (resource, row->version + 1, stamp);
  return write_version_locked (store, type, id, row->version + 1, stamp, resource, NULL, error);
}

gboolean
mk_test_store_touch (MkTestStore  *store,
                     const char   *type,
                     const char   *id,
                     GError      **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&store->lock);

  if (!begin (store, error))
    return FALSE;
  return end (store, touch_locked (store, type, id, error), error);
}

/* Deletes @type/@id; *found tells whether it existed at all. */
static gboolean
delete_locked (MkTestStore  *store,
               const char   *type,
               const char   *id,
               gboolean     *found,
               GError      **error)
{
  g_autoptr(Row) row = get_row_locked (store, type, id);
  g_autofree char *stamp = NULL;

  *found = row != NULL;
  if (row == NULL || row->deleted)
    return TRUE;
  stamp = next_stamp_locked (store);
  return write_version_locked (store, type, id, row->version + 1, stamp, NULL, row->json, error);
}

gboolean
mk_test_store_delete (MkTestStore  *store,
                      const char   *type,
                      const char   *id,
                      GError      **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&store->lock);
  gboolean found = FALSE;

  if (!begin (store, error))
    return FALSE;
  if (!end (store, delete_locked (store, type, id, &found, error), error))
    return FALSE;
  if (!found)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no %s/%s", type, id);
      return FALSE;
    }
  return TRUE;
}

char *
mk_test_store_get (MkTestStore *store,
                   const char  *type,
                   const char  *id)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&store->lock);
  g_autoptr(Row) row = get_row_locked (store, type, id);

  return row != NULL && !row->deleted ? g_steal_pointer (&row->json) : NULL;
}

guint
mk_test_store_count (MkTestStore *store,
                     const char  *type)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&store->lock);
  sqlite3_stmt *stmt;
  guint count = 0;

  if (type != NULL)
    stmt = prepare (store, "SELECT COUNT(*) FROM resource WHERE deleted = 0 AND type = ?1", NULL);
  else
    stmt = prepare (store, "SELECT COUNT(*) FROM resource WHERE deleted = 0", NULL);
  if (stmt == NULL)
    return 0;
  if (type != NULL)
    bind_text (stmt, 1, type);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  return count;
}

/* ------------------------------------------------------------- replies */

static const char *
query_get (const MkTestRequest *request,
           const char          *name)
{
  const char *value = NULL;

  for (guint i = 0; request->query != NULL && i + 1 < request->query->len; i += 2)
    if (g_str_equal (request->query->pdata[i], name))
      value = request->query->pdata[i + 1];
  return value;
}

static MkTestReply *
resource_reply (guint       status,
                const char *base_url,
                const char *type,
                const char *id,
                gint64      version,
                const char *last_updated,
                const char *json)
{
  MkTestReply *reply = g_new0 (MkTestReply, 1);

  reply->status = status;
  reply->body = g_strdup (json);
  reply->etag = g_strdup_printf ("W/\"%" G_GINT64_FORMAT "\"", version);
  reply->last_modified = parse_instant (last_updated);
  if (status == 201)
    reply->location = g_strdup_printf ("%s/%s/%s/_history/%" G_GINT64_FORMAT,
                                       base_url, type, id, version);
  return reply;
}

static MkTestReply *
internal_error (GError *error)
{
  return mk_test_reply_outcome (500, "exception", error != NULL ? error->message : "internal error");
}

static gboolean
valid_type_name (const char *type)
{
  if (!g_ascii_isupper (*type))
    return FALSE;
  for (const char *p = type; *p != '\0'; p++)
    if (!g_ascii_isalpha (*p))
      return FALSE;
  return TRUE;
}

static gboolean
valid_id (const char *id)
{
  gsize length = strlen (id);

  if (length == 0 || length > 64)
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
      return FALSE;
  return TRUE;
}

/* ---------------------------------------------------------- metadata */

static MkTestReply *
metadata_locked (MkTestStore         *store,
                 const MkTestRequest *request)
{
  static const char * const params[][2] = {
    { "_lastUpdated", "date" }, { "_id", "token" }, { "_count", "number" },
    { "_sort", "string" }, { "_elements", "string" }, { "_summary", "token" },
    { "patient", "reference" }, { "subject", "reference" }, { "actor", "reference" },
  };
  g_autoptr(GPtrArray) types = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *stamp = next_stamp_locked (store);
  MkTestReply *reply = g_new0 (MkTestReply, 1);
  sqlite3_stmt *stmt;
  GString *out;

  for (guint i = 0; declared_types[i] != NULL; i++)
    g_ptr_array_add (types, g_strdup (declared_types[i]));
  if ((stmt = prepare (store, "SELECT DISTINCT type FROM resource", NULL)) != NULL)
    {
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          const char *type = (const char *) sqlite3_column_text (stmt, 0);

          if (!g_strv_contains ((const char * const *) declared_types, type))
            g_ptr_array_add (types, g_strdup (type));
        }
      sqlite3_reset (stmt);
    }
  g_ptr_array_sort (types, (GCompareFunc) g_strcmp0);

  out = g_string_new ("{\"resourceType\":\"CapabilityStatement\",\"status\":\"active\",\"date\":");
  append_json_string (out, stamp);
  g_string_append (out, ",\"kind\":\"instance\",\"software\":{\"name\":\"medkarta-test-server\","
                        "\"version\":" "\"" PACKAGE_VERSION "\"},\"implementation\":{"
                        "\"description\":\"Medkarta test FHIR server\",\"url\":");
  append_json_string (out, request->base_url);
  g_string_append (out, "},\"fhirVersion\":\"4.0.1\",\"format\":[\"json\"],\"rest\":[{"
                        "\"mode\":\"server\",\"resource\":[");
  for (guint i = 0; i < types->len; i++)
    {
      const char *type = g_ptr_array_index (types, i);

      g_string_append (out, i > 0 ? ",{\"type\":" : "{\"type\":");
      append_json_string (out, type);
      g_string_append (out, ",\"versioning\":\"versioned-update\",\"readHistory\":true,"
                            "\"updateCreate\":true,\"conditionalCreate\":true,"
                            "\"conditionalUpdate\":false,\"conditionalDelete\":\"not-supported\","
                            "\"interaction\":[{\"code\":\"read\"},{\"code\":\"vread\"},"
                            "{\"code\":\"update\"},{\"code\":\"delete\"},{\"code\":\"create\"},"
                            "{\"code\":\"search-type\"},{\"code\":\"history-instance\"},"
                            "{\"code\":\"history-type\"}],\"searchParam\":[");
      for (guint j = 0; j < G_N_ELEMENTS (params); j++)
        g_string_append_printf (out, "%s{\"name\":\"%s\",\"type\":\"%s\"}",
                                j > 0 ? "," : "", params[j][0], params[j][1]);
      g_string_append (out, "]}");
    }
  g_string_append (out, "],\"interaction\":[{\"code\":\"history-system\"}]}]}");

  reply->status = 200;
  reply->body = g_string_free (out, FALSE);
  return reply;
}

/* ---------------------------------------------------------- read, vread */

static MkTestReply *
read_locked (MkTestStore         *store,
             const MkTestRequest *request,
             const char          *type,
             const char          *id)
{
  g_autoptr(Row) row = get_row_locked (store, type, id);

  if (row == NULL)
    return mk_test_reply_outcome (404, "not-found", "Resource not found");
  if (row->deleted)
    return mk_test_reply_outcome (410, "deleted", "Resource deleted");
  return resource_reply (200, request->base_url, type, id, row->version, row->last_updated, row->json);
}

static MkTestReply *
vread_locked (MkTestStore         *store,
              const MkTestRequest *request,
              const char          *type,
              const char          *id,
              const char          *version_text)
{
  sqlite3_stmt *stmt = prepare (store, "SELECT last_updated, deleted, json FROM history "
                                       "WHERE type = ?1 AND id = ?2 AND version_id = ?3", NULL);
  gint64 version = g_ascii_strtoll (version_text, NULL, 10);
  MkTestReply *reply;

  if (stmt == NULL)
    return internal_error (NULL);
  bind_text (stmt, 1, type);
  bind_text (stmt, 2, id);
  sqlite3_bind_int64 (stmt, 3, version);
  if (version <= 0 || sqlite3_step (stmt) != SQLITE_ROW)
    reply = mk_test_reply_outcome (404, "not-found", "Version not found");
  else if (sqlite3_column_int (stmt, 1) != 0)
    reply = mk_test_reply_outcome (410, "deleted", "This version is a deletion");
  else
    reply = resource_reply (200, request->base_url, type, id, version,
                            (const char *) sqlite3_column_text (stmt, 0),
                            (const char *) sqlite3_column_text (stmt, 2));
  sqlite3_reset (stmt);
  return reply;
}

/* -------------------------------------------------------------- bundles */

static void
append_query_pair (GString    *out,
                   const char *name,
                   const char *value)
{
  g_autofree char *escaped_name = g_uri_escape_string (name, NULL, FALSE);
  g_autofree char *escaped_value = g_uri_escape_string (value, NULL, FALSE);

  if (out->str[out->len - 1] != '?')
    g_string_append_c (out, '&');
  g_string_append_printf (out, "%s=%s", escaped_name, escaped_value);
}

/* base/path?query, with _page_after replaced by @page_after (or dropped). */
static char *
page_url (const MkTestRequest *request,
          const char          *path,
          const char          *page_after)
{
  GString *url = g_string_new (request->base_url);

  g_string_append_printf (url, "/%s?", path);
  for (guint i = 0; request->query != NULL && i + 1 < request->query->len; i += 2)
    if (!g_str_equal (request->query->pdata[i], "_page_after"))
      append_query_pair (url, request->query->pdata[i], request->query->pdata[i + 1]);
  if (page_after != NULL)
    append_query_pair (url, "_page_after", page_after);
  if (url->str[url->len - 1] == '?')
    g_string_truncate (url, url->len - 1);
  return g_string_free (url, FALSE);
}

static GString *
bundle_begin (const char *bundle_type,
              const char *stamp,
              gint64      total,
              const char *self_url,
              const char *next_url)
{
  GString *out = g_string_new ("{\"resourceType\":\"Bundle\",\"id\":");
  g_autofree char *id = g_uuid_string_random ();

  append_json_string (out, id);
  g_string_append (out, ",\"meta\":{\"lastUpdated\":");
  append_json_string (out, stamp);
  g_string_append (out, "},\"type\":");
  append_json_string (out, bundle_type);
  if (total >= 0)
    g_string_append_printf (out, ",\"total\":%" G_GINT64_FORMAT, total);
  g_string_append (out, ",\"link\":[{\"relation\":\"self\",\"url\":");
  append_json_string (out, self_url);
  g_string_append (out, "}");
  if (next_url != NULL)
    {
      g_string_append (out, ",{\"relation\":\"next\",\"url\":");
      append_json_string (out, next_url);
      g_string_append (out, "}");
    }
  g_string_append (out, "],\"entry\":[");
  return out;
}

static MkTestReply *
bundle_end (GString *out)
{
  MkTestReply *reply = g_new0 (MkTestReply, 1);

  g_string_append (out, "]}");
  reply->status = 200;
  reply->body = g_string_free (out, FALSE);
  return reply;
}

static gboolean
parse_count (const char *text,
             gint64     *count)
{
  guint64 value;

  if (text == NULL)
    return TRUE;
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT, &value, NULL))
    return FALSE;
  *count = MIN ((gint64) value, MAX_COUNT);
  return TRUE;
}

/* The resource with only resourceType, id, meta and the @elements. */
static char *
filter_elements (const char  *json,
                 char       **elements)
{
  g_autoptr(JsonObject) resource = parse_object (json, -1, NULL);
  g_autoptr(JsonObject) result = json_object_new ();
  static const char * const always[] = { "resourceType", "id", "meta" };

  if (resource == NULL)
    return g_strdup (json);
  for (guint i = 0; i < G_N_ELEMENTS (always); i++)
    if (json_object_has_member (resource, always[i]))
      json_object_set_member (result, always[i],
                              json_node_copy (json_object_get_member (resource, always[i])));
  for (guint i = 0; elements[i] != NULL; i++)
    if (json_object_has_member (resource, elements[i]) && !json_object_has_member (result, elements[i]))
      json_object_set_member (result, elements[i],
                              json_node_copy (json_object_get_member (resource, elements[i])));
  return object_to_text (result);
}

/* Adds " AND <reference condition>" for a patient/subject/actor search. */
static void
add_reference_condition (GString    *where,
                         GPtrArray  *binds,
                         const char *params_sql,
                         const char *value,
                         const char *default_type)
{
  /* A comma means OR (FHIR search): patient=a,b,c. Typed targets go in
   * one IN list (the index on ref.target answers it); bare ids without a
   * default type match any type. */
  g_auto(GStrv) values = g_strsplit (value, ",", -1);
  g_autoptr(GPtrArray) typed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) bare = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; values[i] != NULL; i++)
    {
      char *target = NULL;

      if (strchr (values[i], '/') != NULL)
        target = normalize_reference (values[i]);
      else if (default_type != NULL)
        target = g_strconcat (default_type, "/", values[i], NULL);
      if (target != NULL)
        g_ptr_array_add (typed, target);
      else
        g_ptr_array_add (bare, g_strdup (values[i]));
    }

  g_string_append_printf (where, " AND EXISTS (SELECT 1 FROM ref WHERE ref.type = resource.type "
                                 "AND ref.id = resource.id AND ref.param IN (%s) AND (0", params_sql);
  if (typed->len > 0)
    {
      g_string_append (where, " OR ref.target IN (");
      for (guint i = 0; i < typed->len; i++)
        {
          g_string_append (where, i > 0 ? ", ?" : "?");
          g_ptr_array_add (binds, g_strdup (typed->pdata[i]));
        }
      g_string_append (where, ")");
    }
  for (guint i = 0; i < bare->len; i++)
    {
      g_string_append (where, " OR substr (ref.target, instr (ref.target, '/') + 1) = ?");
      g_ptr_array_add (binds, g_strdup (bare->pdata[i]));
    }
  g_string_append (where, "))");
}

/* The parameters of a search: the request's own, or — for the next page of
 * a POST search — those kept under its _search_id (NULL when forgotten). */
static GPtrArray *
search_parameters (MkTestStore         *store,
                   const MkTestRequest *request,
                   char               **search_id)
{
  const char *id = query_get (request, "_search_id");
  GPtrArray *saved;

  *search_id = NULL;
  if (id == NULL)
    {
      GPtrArray *own = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 0; request->query != NULL && i + 1 < request->query->len; i += 2)
        if (!g_str_equal (request->query->pdata[i], "_page_after"))
          {
            g_ptr_array_add (own, g_strdup (request->query->pdata[i]));
            g_ptr_array_add (own, g_strdup (request->query->pdata[i + 1]));
          }
      return own;
    }

  saved = g_hash_table_lookup (store->searches, id);
  if (saved == NULL)
    return NULL;
  *search_id = g_strdup (id);
  return g_ptr_array_ref (saved);
}

/* A POST search's paging context: the id its links carry. */
static char *
keep_search (MkTestStore *store,
             GPtrArray   *parameters)
{
  char *id = g_uuid_string_random ();

  if (g_hash_table_size (store->searches) >= MAX_SEARCHES)
    g_hash_table_remove_all (store->searches);
  g_hash_table_insert (store->searches, g_strdup (id), g_ptr_array_ref (parameters));
  return id;
}

/* The link of a page: the whole query for a GET search, only the context
 * for a POST search (whose parameters may be too long for a URL). */
static char *
search_page_url (const MkTestRequest *request,
                 const char          *type,
                 GPtrArray           *parameters,
                 const char          *search_id,
                 const char          *page_after)
{
  GString *url = g_string_new (request->base_url);

  g_string_append_printf (url, "/%s?", type);
  if (search_id != NULL)
    append_query_pair (url, "_search_id", search_id);
  else
    for (guint i = 0; i + 1 < parameters->len; i += 2)
      append_query_pair (url, parameters->pdata[i], parameters->pdata[i + 1]);
  if (page_after != NULL)
    append_query_pair (url, "_page_after", page_after);
  if (url->str[url->len - 1] == '?')
    g_string_truncate (url, url->len - 1);
  return g_string_free (url, FALSE);
}

static MkTestReply *
search_locked (MkTestStore         *store,
               const MkTestRequest *request,
               const char          *type)
{
  g_autoptr(GString) where = g_string_new ("type = ? AND deleted = 0");
  g_autoptr(GPtrArray) binds = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  g_autoptr(GString) sql = NULL;
  g_auto(GStrv) elements = NULL;
  g_autofree char *stamp = NULL;
  g_autofree char *self_url = NULL;
  g_autofree char *next_url = NULL;
  g_autofree char *search_id = NULL;
  g_autoptr(GPtrArray) parameters = search_parameters (store, request, &search_id);
  gboolean posted = g_str_equal (request->method, "POST");
  const char *page_after = query_get (request, "_page_after");
  gboolean summary_count = FALSE;
  gboolean descending = FALSE;
  gint64 count = DEFAULT_COUNT;
  gint64 total = 0;
  sqlite3_stmt *stmt;
  GString *out;

  if (parameters == NULL)
    return mk_test_reply_outcome (404, "not-found", "This search's paging context has expired");

  g_ptr_array_add (binds, g_strdup (type));

  for (guint i = 0; i + 1 < parameters->len; i += 2)
    {
      const char *name = parameters->pdata[i];
      const char *value = parameters->pdata[i + 1];

      if (g_str_equal (name, "_lastUpdated"))
        {
          static const char * const prefixes[][2] = {
            { "gt", ">" }, { "ge", ">=" }, { "lt", "<" }, { "le", "<=" }, { "eq", "=" },
          };
          const char *op = "=";
          char *instant;

          for (guint j = 0; j < G_N_ELEMENTS (prefixes); j++)
            if (g_str_has_prefix (value, prefixes[j][0]))
              {
                op = prefixes[j][1];
                value += 2;
                break;
              }
          if ((instant = canonical_instant (value)) == NULL)
            return mk_test_reply_outcome (400, "invalid", "_lastUpdated is not an instant");
          g_string_append_printf (where, " AND last_updated %s ?", op);
          g_ptr_array_add (binds, instant);
        }
      else if (g_str_equal (name, "_count"))
        {
          if (!parse_count (value, &count))
            return mk_test_reply_outcome (400, "invalid", "_count is not a number");
          if (count == 0)
            summary_count = TRUE;
        }
      else if (g_str_equal (name, "_sort"))
        {
          if (g_str_equal (value, "-_lastUpdated"))
            descending = TRUE;
          else if (!g_str_equal (value, "_lastUpdated"))
            return mk_test_reply_outcome (400, "not-supported", "Only _sort=_lastUpdated is supported");
        }
      else if (g_str_equal (name, "_id"))
        {
          g_auto(GStrv) ids = g_strsplit (value, ",", -1);

          g_string_append (where, " AND id IN (");
          for (guint j = 0; ids[j] != NULL; j++)
            {
              g_string_append (where, j > 0 ? ", ?" : "?");
              g_ptr_array_add (binds, g_strdup (ids[j]));
            }
          g_string_append (where, ids[0] == NULL ? "NULL)" : ")");
        }
      else if (g_str_equal (name, "patient"))
        {
          if (g_str_equal (type, "Patient"))
            {
              g_auto(GStrv) ids = g_strsplit (value, ",", -1);

              g_string_append (where, " AND id IN (");
              for (guint j = 0; ids[j] != NULL; j++)
                {
                  const char *slash = strrchr (ids[j], '/');

                  g_string_append (where, j > 0 ? ", ?" : "?");
                  g_ptr_array_add (binds, g_strdup (slash != NULL ? slash + 1 : ids[j]));
                }
              g_string_append (where, ids[0] == NULL ? "NULL)" : ")");
            }
          else
            add_reference_condition (where, binds, "'subject', 'patient', 'actor'", value, "Patient");
        }
      else if (g_str_equal (name, "subject"))
        add_reference_condition (where, binds, "'subject'", value, NULL);
      else if (g_str_equal (name, "actor"))
        add_reference_condition (where, binds, "'actor'", value, NULL);
      else if (g_str_equal (name, "practitioner"))
        add_reference_condition (where, binds, "'practitioner'", value, "Practitioner");
      else if (g_str_equal (name, "schedule"))
        add_reference_condition (where, binds, "'schedule'", value, "Schedule");
      else if (g_str_equal (name, "_elements"))
        {
          g_clear_pointer (&elements, g_strfreev);
          elements = g_strsplit (value, ",", -1);
        }
      else if (g_str_equal (name, "_summary"))
        summary_count = summary_count || g_str_equal (value, "count");
      /* Anything else (_format, _pretty, unknown parameters) is ignored, as
       * FHIR's lenient handling allows. */
    }

  stamp = next_stamp_locked (store);

  /* The total with the first page only: counting again for every page of
   * a large search costs a scan each (FHIR makes `total` optional). */
  sql = g_string_new ("SELECT COUNT(*) FROM resource WHERE ");
  g_string_append (sql, where->str);
  if (page_after == NULL)
    {
      if ((stmt = prepare (store, sql->str, NULL)) == NULL)
        return internal_error (NULL);
      for (guint i = 0; i < binds->len; i++)
        bind_text (stmt, i + 1, binds->pdata[i]);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        total = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
    }
  else
    total = -1;

  if (summary_count)
    {
      self_url = search_page_url (request, type, parameters, NULL, NULL);
      return bundle_end (bundle_begin ("searchset", stamp, total, self_url, NULL));
    }

  if (page_after != NULL)
    {
      const char *bar = strchr (page_after, '|');

      if (bar == NULL)
        return mk_test_reply_outcome (400, "invalid", "Unknown page token");
      g_string_append_printf (where, " AND (last_updated %s ? OR (last_updated = ? AND id %s ?))",
                              descending ? "<" : ">", descending ? "<" : ">");
      g_ptr_array_add (binds, g_strndup (page_after, bar - page_after));
      g_ptr_array_add (binds, g_strndup (page_after, bar - page_after));
      g_ptr_array_add (binds, g_strdup (bar + 1));
    }

  g_string_printf (sql, "SELECT id, version_id, last_updated, json FROM resource WHERE %s "
                        "ORDER BY last_updated %s, id %s LIMIT ?",
                   where->str, descending ? "DESC" : "ASC", descending ? "DESC" : "ASC");
  if ((stmt = prepare (store, sql->str, NULL)) == NULL)
    return internal_error (NULL);
  for (guint i = 0; i < binds->len; i++)
    bind_text (stmt, i + 1, binds->pdata[i]);
  sqlite3_bind_int64 (stmt, binds->len + 1, count + 1);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      Row *row = g_new0 (Row, 1);

      row->id = column_dup (stmt, 0);
      row->version = sqlite3_column_int64 (stmt, 1);
      row->last_updated = column_dup (stmt, 2);
      row->json = column_dup (stmt, 3);
      g_ptr_array_add (rows, row);
    }
  sqlite3_reset (stmt);

  if (rows->len > count && posted && search_id == NULL)
    search_id = keep_search (store, parameters);
  self_url = search_page_url (request, type, parameters, search_id, page_after);
  if (rows->len > count)
    {
      Row *last = g_ptr_array_index (rows, count - 1);
      g_autofree char *token = g_strdup_printf ("%s|%s", last->last_updated, last->id);

      next_url = search_page_url (request, type, parameters, search_id, token);
      g_ptr_array_set_size (rows, count);
    }

  out = bundle_begin ("searchset", stamp, total, self_url, next_url);
  for (guint i = 0; i < rows->len; i++)
    {
      Row *row = g_ptr_array_index (rows, i);

      g_string_append (out, i > 0 ? ",{\"fullUrl\":" : "{\"fullUrl\":");
      g_string_append_printf (out, "\"%s/%s/%s\",\"resource\":", request->base_url, type, row->id);
      if (elements != NULL)
        {
          g_autofree char *filtered = filter_elements (row->json, elements);

          g_string_append (out, filtered);
        }
      else
        g_string_append (out, row->json);
      g_string_append (out, ",\"search\":{\"mode\":\"match\"}}");
    }
  return bundle_end (out);
}

/* System (@type NULL), type or instance history, oldest version first. */
static MkTestReply *
history_locked (MkTestStore         *store,
                const MkTestRequest *request,
                const char          *type,
                const char          *id)
{
  g_autoptr(GString) sql = g_string_new ("SELECT seq, type, id, version_id, last_updated, deleted, json "
                                         "FROM history WHERE seq > ?1");
  g_autofree char *since = NULL;
  g_autofree char *stamp = NULL;
  g_autofree char *path = NULL;
  g_autofree char *self_url = NULL;
  g_autofree char *next_url = NULL;
  const char *page_after = query_get (request, "_page_after");
  gint64 after = page_after != NULL ? g_ascii_strtoll (page_after, NULL, 10) : 0;
  gint64 count = DEFAULT_COUNT;
  gint64 last_seq = 0;
  guint n = 0;
  sqlite3_stmt *stmt;
  GString *out;

  if (query_get (request, "_since") != NULL &&
      (since = canonical_instant (query_get (request, "_since"))) == NULL)
    return mk_test_reply_outcome (400, "invalid", "_since is not an instant");
  if (!parse_count (query_get (request, "_count"), &count) || count == 0)
    return mk_test_reply_outcome (400, "invalid", "_count must be a positive number");
  if (id != NULL)
    {
      g_autoptr(Row) row = get_row_locked (store, type, id);

      if (row == NULL)
        return mk_test_reply_outcome (404, "not-found", "Resource not found");
    }

  g_string_append (sql, " AND (?2 IS NULL OR type = ?2) AND (?3 IS NULL OR id = ?3)"
                        " AND (?4 IS NULL OR last_updated >= ?4) ORDER BY seq LIMIT ?5");
  stamp = next_stamp_locked (store);
  if ((stmt = prepare (store, sql->str, NULL)) == NULL)
    return internal_error (NULL);
  sqlite3_bind_int64 (stmt, 1, after);
  if (type != NULL)
    bind_text (stmt, 2, type);
  if (id != NULL)
    bind_text (stmt, 3, id);
  if (since != NULL)
    bind_text (stmt, 4, since);
  sqlite3_bind_int64 (stmt, 5, count + 1);

  if (type == NULL)
    path = g_strdup ("_history");
  else if (id == NULL)
    path = g_strdup_printf ("%s/_history", type);
  else
    path = g_strdup_printf ("%s/%s/_history", type, id);

  out = g_string_new (NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *row_type = (const char *) sqlite3_column_text (stmt, 1);
      const char *row_id = (const char *) sqlite3_column_text (stmt, 2);
      gint64 version = sqlite3_column_int64 (stmt, 3);
      const char *last_updated = (const char *) sqlite3_column_text (stmt, 4);
      gboolean deleted = sqlite3_column_int (stmt, 5) != 0;

      if (n == count)
        {
          g_autofree char *token = g_strdup_printf ("%" G_GINT64_FORMAT, last_seq);

          next_url = page_url (request, path, token);
          break;
        }
      last_seq = sqlite3_column_int64 (stmt, 0);

      g_string_append (out, n > 0 ? ",{\"fullUrl\":" : "{\"fullUrl\":");
      g_string_append_printf (out, "\"%s/%s/%s\",", request->base_url, row_type, row_id);
      if (!deleted)
        g_string_append_printf (out, "\"resource\":%s,", (const char *) sqlite3_column_text (stmt, 6));
      if (deleted)
        g_string_append_printf (out, "\"request\":{\"method\":\"DELETE\",\"url\":\"%s/%s\"},", row_type, row_id);
      else if (version == 1)
        g_string_append_printf (out, "\"request\":{\"method\":\"POST\",\"url\":\"%s\"},", row_type);
      else
        g_string_append_printf (out, "\"request\":{\"method\":\"PUT\",\"url\":\"%s/%s\"},", row_type, row_id);
      g_string_append_printf (out, "\"response\":{\"status\":\"%s\",\"etag\":\"W/\\\"%" G_GINT64_FORMAT
                                   "\\\"\",\"lastModified\":\"%s\"}}",
                              deleted ? "204" : (version == 1 ? "201" : "200"), version, last_updated);
      n++;
    }
  sqlite3_reset (stmt);

  self_url = page_url (request, path, page_after);
  {
    GString *bundle = bundle_begin ("history", stamp, -1, self_url, next_url);

    g_string_append_len (bundle, out->str, out->len);
    g_string_free (out, TRUE);
    return bundle_end (bundle);
  }
}

/* ------------------------------------------------------------- writing */

static MkTestReply *
parse_body (const MkTestRequest  *request,
            const char           *type,
            JsonObject          **resource)
{
  g_autoptr(GError) error = NULL;
  const char *resource_type;

  if (request->body == NULL || request->body_length == 0)
    return mk_test_reply_outcome (400, "invalid", "The request has no body");
  *resource = parse_object (request->body, request->body_length, &error);
  if (*resource == NULL)
    return mk_test_reply_outcome (400, "structure", error->message);
  resource_type = member_string (*resource, "resourceType");
  if (resource_type == NULL)
    return mk_test_reply_outcome (400, "required", "resourceType is missing");
  if (!g_str_equal (resource_type, type))
    return mk_test_reply_outcome (400, "invalid", "resourceType does not match the URL");
  return NULL;
}

/* Sets the Slot @slot_reference to @status ("busy" or "free"). Returns an
 * error reply when the booking rule refuses, NULL when done. */
static MkTestReply *
set_slot_locked (MkTestStore *store,
                 const char  *slot_reference,
                 const char  *status)
{
  g_autofree char *reference = normalize_reference (slot_reference);
  g_autoptr(Row) row = NULL;
  g_autoptr(JsonObject) slot = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stamp = NULL;

  if (reference == NULL || !g_str_has_prefix (reference, "Slot/"))
    return mk_test_reply_outcome (422, "business-rule", "Appointment.slot is not a Slot reference");
  row = get_row_locked (store, "Slot", reference + strlen ("Slot/"));
  if (row == NULL || row->deleted)
    return mk_test_reply_outcome (422, "business-rule", "The slot does not exist");
  if ((slot = parse_object (row->json, -1, &error)) == NULL)
    return internal_error (error);
  if (g_str_equal (status, "busy") && g_strcmp0 (member_string (slot, "status"), "busy") == 0)
    return mk_test_reply_outcome (409, "conflict", "slot taken");
  if (g_strcmp0 (member_string (slot, "status"), status) == 0)
    return NULL;

  json_object_set_string_member (slot, "status", status);
  stamp = next_stamp_locked (store);
  set_meta (slot, row->version + 1, stamp);
  if (!write_version_locked (store, "Slot", row->id, row->version + 1, stamp, slot, NULL, &error))
    return internal_error (error);
  return NULL;
}

static const char *
appointment_slot (JsonObject *appointment)
{
  JsonArray *slots = member_array (appointment, "slot");
  JsonNode *first;

  if (slots == NULL || json_array_get_length (slots) == 0)
    return NULL;
  first = json_array_get_element (slots, 0);
  return JSON_NODE_HOLDS_OBJECT (first) ? member_string (json_node_get_object (first), "reference") : NULL;
}

static gboolean
appointment_is_active (JsonObject *appointment)
{
  const char *status = member_string (appointment, "status");

  return !g_strv_contains ((const char * const []) { "cancelled", "noshow", "entered-in-error", NULL },
                           status != NULL ? status : "");
}

/* The booking rule: an active Appointment takes its slot, cancelling it
 * gives the slot back. @previous is the version before (or NULL). */
static MkTestReply *
apply_booking_rule_locked (MkTestStore *store,
                           const char  *type,
                           JsonObject  *resource,
                           JsonObject  *previous)
{
  const char *slot = appointment_slot (resource);
  gboolean was_active = previous != NULL && appointment_is_active (previous);

  if (!g_str_equal (type, "Appointment") || slot == NULL)
    return NULL;
  if (appointment_is_active (resource) && !was_active)
    return set_slot_locked (store, slot, "busy");
  if (!appointment_is_active (resource) && was_active)
    return set_slot_locked (store, slot, "free");
  return NULL;
}

/* Ids matching If-None-Exist ("identifier=system|value", "_id=x"). */
static MkTestReply *
find_existing_locked (MkTestStore         *store,
                      const MkTestRequest *request,
                      const char          *type,
                      GPtrArray           *ids)
{
  g_auto(GStrv) pairs = g_strsplit (request->if_none_exist, "&", -1);

  for (guint i = 0; pairs[i] != NULL; i++)
    {
      g_autofree char *decoded = g_uri_unescape_string (pairs[i], NULL);
      const char *text = decoded != NULL ? decoded : pairs[i];
      const char *bar;
      sqlite3_stmt *stmt;

      if (g_str_has_prefix (text, "identifier="))
        {
          text += strlen ("identifier=");
          bar = strchr (text, '|');
          stmt = prepare (store, "SELECT DISTINCT ident.id FROM ident JOIN resource "
                                 "ON resource.type = ident.type AND resource.id = ident.id "
                                 "WHERE ident.type = ?1 AND ident.value = ?2 "
                                 "AND (?3 IS NULL OR ident.system = ?3) AND resource.deleted = 0", NULL);
          if (stmt == NULL)
            return internal_error (NULL);
          bind_text (stmt, 1, type);
          if (bar != NULL)
            {
              g_autofree char *system = g_strndup (text, bar - text);

              bind_text (stmt, 2, bar + 1);
              bind_text (stmt, 3, system);
            }
          else
            bind_text (stmt, 2, text);
        }
      else if (g_str_has_prefix (text, "_id="))
        {
          stmt = prepare (store, "SELECT id FROM resource WHERE type = ?1 AND id = ?2 AND deleted = 0", NULL);
          if (stmt == NULL)
            return internal_error (NULL);
          bind_text (stmt, 1, type);
          bind_text (stmt, 2, text + strlen ("_id="));
        }
      else
        return mk_test_reply_outcome (400, "not-supported",
                                      "If-None-Exist supports only identifier and _id");

      g_ptr_array_set_size (ids, 0);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_ptr_array_add (ids, column_dup (stmt, 0));
      sqlite3_reset (stmt);
      if (ids->len == 0)
        return NULL;
    }
  return NULL;
}

static MkTestReply *
create_locked (MkTestStore         *store,
               const MkTestRequest *request,
               const char          *type)
{
  g_autoptr(JsonObject) resource = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *stamp = NULL;
  g_autofree char *json = NULL;
  MkTestReply *reply;

  if ((reply = parse_body (request, type, &resource)) != NULL)
    return reply;

  if (request->if_none_exist != NULL)
    {
      g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

      if ((reply = find_existing_locked (store, request, type, ids)) != NULL)
        return reply;
      if (ids->len > 1)
        return mk_test_reply_outcome (412, "duplicate", "If-None-Exist matches several resources");
      if (ids->len == 1)
        return read_locked (store, request, type, ids->pdata[0]);
    }

  if ((reply = apply_booking_rule_locked (store, type, resource, NULL)) != NULL)
    return reply;

  id = g_uuid_string_random ();
  json_object_set_string_member (resource, "id", id);
  stamp = next_stamp_locked (store);
  set_meta (resource, 1, stamp);
  if (!write_version_locked (store, type, id, 1, stamp, resource, NULL, &error))
    return internal_error (error);
  json = object_to_text (resource);
  return resource_reply (201, request->base_url, type, id, 1, stamp, json);
}

static gboolean
parse_etag (const char *text,
            gint64     *version)
{
  g_autofree char *copy = NULL;
  char *p;

  if (g_str_has_prefix (text, "W/"))
    text += 2;
  copy = g_strdup (text);
  p = g_strstrip (copy);
  if (*p == '"')
    p++;
  if (*p != '\0' && p[strlen (p) - 1] == '"')
    p[strlen (p) - 1] = '\0';
  return g_ascii_string_to_signed (p, 10, 1, G_MAXINT64, version, NULL);
}

static MkTestReply *
update_locked (MkTestStore         *store,
               const MkTestRequest *request,
               const char          *type,
               const char          *id)
{
  g_autoptr(JsonObject) resource = NULL;
  g_autoptr(JsonObject) previous = NULL;
  g_autoptr(Row) row = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stamp = NULL;
  g_autofree char *json = NULL;
  gint64 version;
  MkTestReply *reply;

  if ((reply = parse_body (request, type, &resource)) != NULL)
    return reply;
  if (member_string (resource, "id") == NULL)
    return mk_test_reply_outcome (400, "required", "The resource has no id");
  if (!g_str_equal (member_string (resource, "id"), id))
    return mk_test_reply_outcome (400, "invalid", "The resource id does not match the URL");

  row = get_row_locked (store, type, id);
  if (request->force_conflict)
    return mk_test_reply_outcome (412, "conflict", "Version conflict (injected)");
  if (request->if_match != NULL)
    {
      gint64 expected = 0;

      if (!parse_etag (request->if_match, &expected))
        return mk_test_reply_outcome (400, "invalid", "If-Match is not a version ETag");
      if (row == NULL || row->deleted || row->version != expected)
        return mk_test_reply_outcome (412, "conflict", "The resource has changed on the server");
    }

  if (row != NULL && !row->deleted && (previous = parse_object (row->json, -1, &error)) == NULL)
    return internal_error (error);
  if ((reply = apply_booking_rule_locked (store, type, resource, previous)) != NULL)
    return reply;

  version = row != NULL ? row->version + 1 : 1;
  stamp = next_stamp_locked (store);
  set_meta (resource, version, stamp);
  if (!write_version_locked (store, type, id, version, stamp, resource, NULL, &error))
    return internal_error (error);
  json = object_to_text (resource);
  return resource_reply (row != NULL ? 200 : 201, request->base_url, type, id, version, stamp, json);
}

static MkTestReply *
delete_request_locked (MkTestStore *store,
                       const char  *type,
                       const char  *id)
{
  g_autoptr(GError) error = NULL;
  gboolean found = FALSE;
  MkTestReply *reply;

  if (!delete_locked (store, type, id, &found, &error))
    return internal_error (error);
  if (!found)
    return mk_test_reply_outcome (404, "not-found", "Resource not found");
  reply = g_new0 (MkTestReply, 1);
  reply->status = 204;
  return reply;
}

/* Runs @reply-producing write work in one transaction: kept on 2xx. */
static MkTestReply *
finish_write (MkTestStore *store,
              MkTestReply *reply)
{
  g_autoptr(GError) error = NULL;

  if (reply->status >= 200 && reply->status < 300)
    {
      if (!end (store, TRUE, &error))
        {
          mk_test_reply_free (reply);
          return internal_error (error);
        }
    }
  else
    end (store, FALSE, NULL);
  return reply;
}

static MkTestReply *
method_not_allowed (void)
{
  return mk_test_reply_outcome (405, "not-supported", "Method not allowed here");
}

MkTestReply *
mk_test_store_handle (MkTestStore         *store,
                      const MkTestRequest *request)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&store->lock);
  g_autoptr(GError) error = NULL;
  char **segments = request->segments;
  guint n = g_strv_length (segments);
  const char *method = request->method;
  gboolean get = g_str_equal (method, "GET");
  const char *type;

  if (n == 0 || (n == 1 && g_str_equal (segments[0], "metadata")))
    return get ? metadata_locked (store, request) : method_not_allowed ();
  if (n == 1 && g_str_equal (segments[0], "_history"))
    return get ? history_locked (store, request, NULL, NULL) : method_not_allowed ();

  type = segments[0];
  if (!valid_type_name (type))
    return mk_test_reply_outcome (404, "not-supported", "Unknown resource type");
  if (n >= 2 && !g_str_equal (segments[1], "_history") && !g_str_equal (segments[1], "_search") &&
      !valid_id (segments[1]))
    return mk_test_reply_outcome (400, "invalid", "Invalid resource id");

  if ((n == 1 && get) ||
      (n == 2 && g_str_equal (segments[1], "_search") && (get || g_str_equal (method, "POST"))))
    return search_locked (store, request, type);
  if (n == 2 && get && g_str_equal (segments[1], "_history"))
    return history_locked (store, request, type, NULL);
  if (n == 2 && get)
    return read_locked (store, request, type, segments[1]);
  if (n == 3 && get && g_str_equal (segments[2], "_history"))
    return history_locked (store, request, type, segments[1]);
  if (n == 4 && get && g_str_equal (segments[2], "_history"))
    return vread_locked (store, request, type, segments[1], segments[3]);

  if ((n == 1 && g_str_equal (method, "POST")) ||
      (n == 2 && (g_str_equal (method, "PUT") || g_str_equal (method, "DELETE"))))
    {
      if (!begin (store, &error))
        return internal_error (error);
      if (n == 1)
        return finish_write (store, create_locked (store, request, type));
      if (g_str_equal (method, "PUT"))
        return finish_write (store, update_locked (store, request, type, segments[1]));
      return finish_write (store, delete_request_locked (store, type, segments[1]));
    }

  if (n <= 4)
    return method_not_allowed ();
  return mk_test_reply_outcome (404, "not-found", "Unknown path");
}
