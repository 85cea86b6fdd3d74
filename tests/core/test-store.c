/* test-store.c — MkStore: migrations, import, upsert, FTS, queries
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sys/stat.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "mk-store.h"
#include "mk-test-util.h"

typedef struct
{
  char    *dir;
  char    *path;
  MkStore *store;
  guint    n_changed;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->store = mk_test_open_store ("medkarta-store-XXXXXX", "account", &fixture->dir,
                                       &fixture->path, &fixture->n_changed);
  g_assert_nonnull (fixture->store);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  mk_test_close_store (fixture->store, fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static char *
read_fixture (const char *name,
              gsize      *length)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  char *contents = NULL;
  const char *srcdir = g_getenv ("MEDKARTA_SOURCE_DIR");

  if (srcdir != NULL)
    path = g_build_filename (srcdir, "tests", "fixtures", name, NULL);
  else
    path = g_test_build_filename (G_TEST_DIST, "..", "fixtures", name, NULL);

  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);
  return contents;
}

static MkImportStats *
import_string (MkStore    *store,
               const char *json)
{
  g_autoptr(GError) error = NULL;
  MkImportStats *stats = NULL;

  g_assert_true (mk_store_import_json (store, json, -1, &stats, &error));
  g_assert_no_error (error);
  g_assert_nonnull (stats);
  return stats;
}

static MkImportStats *
import_fixture (MkStore    *store,
                const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  MkImportStats *stats = NULL;
  gsize length;

  data = read_fixture (name, &length);
  g_assert_true (mk_store_import_json (store, data, length, &stats, &error));
  g_assert_no_error (error);
  return stats;
}

static guint
count_type (MkStore    *store,
            const char *type)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) counts = mk_store_count_by_type (store, &error);

  g_assert_no_error (error);
  return GPOINTER_TO_UINT (g_hash_table_lookup (counts, type));
}

static guint
count_all (MkStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) counts = mk_store_count_by_type (store, &error);
  GHashTableIter iter;
  gpointer value;
  guint total = 0;

  g_assert_no_error (error);
  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    total += GPOINTER_TO_UINT (value);
  return total;
}

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);
  return node;
}

/* ---------------------------------------------------------------------- */

static gboolean
table_exists (sqlite3    *db,
              const char *name)
{
  sqlite3_stmt *stmt = NULL;
  gboolean found;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT 1 FROM sqlite_master WHERE name = ?1",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  return found;
}

static int
pragma_int (sqlite3    *db,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  int value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static void
test_migrations (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MkImportStats) stats = NULL;
  g_autofree char *account_dir = g_path_get_dirname (fixture->path);
  g_autofree char *value = NULL;
  g_autofree char *set_newer = NULL;
  GStatBuf st;
  sqlite3 *db = NULL;
  MkStore *store;
  int latest = mk_store_get_latest_schema_version ();

  g_assert_cmpint (latest, >=, 1);
  g_assert_cmpint (mk_store_get_schema_version (fixture->store), ==, latest);
  g_assert_cmpstr (mk_store_get_path (fixture->store), ==, fixture->path);

  /* File 0600, new directory 0700. */
  g_assert_cmpint (g_stat (fixture->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (account_dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  stats = import_fixture (fixture->store, "store-bundle.json");
  g_assert_true (mk_store_set_meta (fixture->store, "patient", "Patient/p1", &error));
  g_assert_no_error (error);

  {
    g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);

    if (g_stat (wal, &st) == 0)
      g_assert_cmpint (st.st_mode & 0077, ==, 0);
  }

  /* The schema, read with plain SQLite. */
  g_assert_cmpint (sqlite3_open_v2 (fixture->path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (pragma_int (db, "PRAGMA user_version"), ==, latest);
  g_assert_cmpint (pragma_int (db, "SELECT count(*) FROM resource"), ==, 7);
  for (guint i = 0; i < 7; i++)
    {
      const char *tables[] = { "resource", "resource_fts", "outbox", "sync_state",
                               "notification_log", "meta", "resource_type_date" };
      g_assert_true (table_exists (db, tables[i]));
    }
  sqlite3_close (db);

  /* Reopening is idempotent and keeps the data. */
  g_assert_finalize_object (g_steal_pointer (&fixture->store));
  fixture->store = mk_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mk_store_get_schema_version (fixture->store), ==, latest);
  g_assert_cmpuint (count_all (fixture->store), ==, 7);
  value = mk_store_get_meta (fixture->store, "patient", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "Patient/p1");

  /* A file from a newer Medkarta is refused, and left alone. */
  g_assert_cmpint (sqlite3_open_v2 (fixture->path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  set_newer = g_strdup_printf ("PRAGMA user_version = %d", latest + 1);
  g_assert_cmpint (sqlite3_exec (db, set_newer, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = mk_store_open (fixture->path, &error);
  g_assert_null (store);
  g_assert_error (error, MK_STORE_ERROR, MK_STORE_ERROR_NEWER_SCHEMA);
  g_clear_error (&error);

  g_assert_cmpint (sqlite3_open_v2 (fixture->path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (pragma_int (db, "PRAGMA user_version"), ==, latest + 1);
  sqlite3_close (db);
}

static void
test_open_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("medkarta-store-XXXXXX", &error);
  g_autofree char *path = NULL;
  MkStore *store;

  g_assert_no_error (error);
  path = g_build_filename (dir, "garbage.db", NULL);
  g_assert_true (g_file_set_contents (path, "this is not an SQLite database, not at all....."
                                      "...........................................", -1, &error));
  g_assert_no_error (error);

  store = mk_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, MK_STORE_ERROR, MK_STORE_ERROR_OPEN);

  g_remove (path);
  g_rmdir (dir);
}

static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MkImportStats) stats = NULL;
  g_autofree char *original = NULL;
  g_autofree char *stored = NULL;
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) b = NULL;
  g_autoptr(MkResource) resource = NULL;
  JsonObject *object;
  JsonObject *birth_ext;
  gsize length;

  original = read_fixture ("store-patient.json", &length);
  stats = import_fixture (fixture->store, "store-patient.json");
  g_assert_cmpuint (stats->n_stored, ==, 1);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (stats->stored, "Patient")), ==, 1);

  stored = mk_store_get_json (fixture->store, "Patient", "p1", &error);
  g_assert_no_error (error);
  g_assert_null (strchr (stored, '\n'));   /* compact */

  a = parse (original);
  b = parse (stored);
  g_assert_true (json_node_equal (a, b));

  resource = mk_store_get_resource (fixture->store, "Patient", "p1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mk_resource_get_resource_type (resource), ==, "Patient");
  g_assert_cmpstr (mk_resource_get_id (resource), ==, "p1");
  g_assert_cmpstr (mk_resource_get_version_id (resource), ==, "3");
  g_assert_cmpstr (mk_resource_get_last_updated (resource), ==, "2024-05-01T10:00:00+03:00");
  g_assert_cmpstr (mk_resource_get_date (resource), ==, "1980-02-29");
  g_assert_cmpstr (mk_resource_get_json (resource), ==, stored);

  object = mk_resource_get_object (resource);
  g_assert_nonnull (object);
  g_assert_true (object == mk_resource_get_object (resource));   /* cached */
  birth_ext = json_object_get_object_member (object, "_birthDate");
  g_assert_nonnull (birth_ext);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (birth_ext, "extension")), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "unknownField"),
                                                  "emoji"), ==, "😀");

  /* Missing resources. */
  g_assert_null (mk_store_get_json (fixture->store, "Patient", "nope", &error));
  g_assert_error (error, MK_STORE_ERROR, MK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (mk_store_get_resource (fixture->store, "Observation", "p1", &error));
  g_assert_error (error, MK_STORE_ERROR, MK_STORE_ERROR_NOT_FOUND);
}

static void
test_upsert (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  MkImportStats *stats;

  stats = import_string (fixture->store,
                         "{\"resourceType\":\"Patient\",\"id\":\"u\",\"meta\":{\"versionId\":\"5\"},\"gender\":\"female\"}");
  g_assert_cmpuint (stats->n_stored, ==, 1);
  g_assert_cmpuint (stats->n_unchanged, ==, 0);
  mk_import_stats_free (stats);
  g_assert_cmpuint (fixture->n_changed, ==, 1);

  /* Older and equal versions are skipped ("10" > "9" numerically, not as text). */
  stats = import_string (fixture->store,
                         "{\"resourceType\":\"Bundle\",\"type\":\"history\",\"entry\":["
                         "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"u\",\"meta\":{\"versionId\":\"4\"},\"gender\":\"male\"}},"
                         "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"u\",\"meta\":{\"versionId\":\"5\"},\"gender\":\"other\"}}]}");
  g_assert_cmpuint (stats->n_stored, ==, 0);
  g_assert_cmpuint (stats->n_unchanged, ==, 2);
  mk_import_stats_free (stats);
  g_assert_cmpuint (fixture->n_changed, ==, 1);   /* nothing stored: no signal */

  json = mk_store_get_json (fixture->store, "Patient", "u", &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (json, "female"));
  g_clear_pointer (&json, g_free);

  stats = import_string (fixture->store,
                         "{\"resourceType\":\"Patient\",\"id\":\"u\",\"meta\":{\"versionId\":\"10\"},\"gender\":\"unknown\"}");
  g_assert_cmpuint (stats->n_stored, ==, 1);
  mk_import_stats_free (stats);
  json = mk_store_get_json (fixture->store, "Patient", "u", &error);
  g_assert_nonnull (strstr (json, "unknown"));
  g_clear_pointer (&json, g_free);

  /* Without a versionId the resource always replaces. */
  stats = import_string (fixture->store, "{\"resourceType\":\"Patient\",\"id\":\"u\",\"gender\":\"male\"}");
  g_assert_cmpuint (stats->n_stored, ==, 1);
  mk_import_stats_free (stats);
  json = mk_store_get_json (fixture->store, "Patient", "u", &error);
  g_assert_nonnull (strstr (json, "\"male\""));
  g_clear_pointer (&json, g_free);

  /* Non-numeric versions: replace when different and lastUpdated not older. */
  stats = import_string (fixture->store,
                         "{\"resourceType\":\"Patient\",\"id\":\"w\",\"meta\":{\"versionId\":\"b\",\"lastUpdated\":\"2024-01-02T00:00:00Z\"},\"gender\":\"male\"}");
  mk_import_stats_free (stats);
  stats = import_string (fixture->store,
                         "{\"resourceType\":\"Patient\",\"id\":\"w\",\"meta\":{\"versionId\":\"a\",\"lastUpdated\":\"2024-01-01T00:00:00Z\"},\"gender\":\"female\"}");
  g_assert_cmpuint (stats->n_stored, ==, 0);
  g_assert_cmpuint (stats->n_unchanged, ==, 1);
  mk_import_stats_free (stats);
  stats = import_string (fixture->store,
                         "{\"resourceType\":\"Patient\",\"id\":\"w\",\"meta\":{\"versionId\":\"c\",\"lastUpdated\":\"2024-01-02T05:00:00+03:00\"},\"gender\":\"female\"}");
  g_assert_cmpuint (stats->n_stored, ==, 1);
  mk_import_stats_free (stats);
  json = mk_store_get_json (fixture->store, "Patient", "w", &error);
  g_assert_nonnull (strstr (json, "female"));

  g_assert_cmpuint (count_type (fixture->store, "Patient"), ==, 2);

  /* A replaced resource leaves exactly one search row. */
  {
    g_autoptr(GPtrArray) hits = NULL;

    stats = import_string (fixture->store,
                           "{\"resourceType\":\"Organization\",\"id\":\"o\",\"meta\":{\"versionId\":\"1\"},\"name\":\"Старое название\"}");
    mk_import_stats_free (stats);
    stats = import_string (fixture->store,
                           "{\"resourceType\":\"Organization\",\"id\":\"o\",\"meta\":{\"versionId\":\"2\"},\"name\":\"Новое название\"}");
    mk_import_stats_free (stats);
    hits = mk_store_search (fixture->store, "название", 10, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (hits->len, ==, 1);
    g_clear_pointer (&hits, g_ptr_array_unref);
    hits = mk_store_search (fixture->store, "старое", 10, &error);
    g_assert_cmpuint (hits->len, ==, 0);
  }
}

static void
assert_import_fails (Fixture    *fixture,
                     const char *json,
                     int         code,
                     const char *needle)
{
  g_autoptr(GError) error = NULL;
  MkImportStats *stats = NULL;

  g_assert_false (mk_store_import_json (fixture->store, json, -1, &stats, &error));
  g_assert_error (error, MK_STORE_ERROR, code);
  g_assert_null (stats);
  if (needle != NULL && strstr (error->message, needle) == NULL)
    g_error ("“%s” not in error message “%s”", needle, error->message);
}

static void
test_rollback (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *bad = NULL;
  gsize length;

  bad = read_fixture ("store-bad-bundle.json", &length);
  g_assert_false (mk_store_import_json (fixture->store, bad, length, NULL, &error));
  g_assert_error (error, MK_STORE_ERROR, MK_STORE_ERROR_INVALID_RESOURCE);
  g_assert_nonnull (strstr (error->message, "Observation/bad"));
  g_assert_nonnull (strstr (error->message, "status"));
  g_assert_nonnull (strstr (error->message, "3"));
  g_clear_error (&error);

  /* The valid entries before the bad one were not stored. */
  g_assert_cmpuint (count_all (fixture->store), ==, 0);
  g_assert_null (mk_store_get_json (fixture->store, "Patient", "good1", &error));
  g_assert_error (error, MK_STORE_ERROR, MK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpuint (fixture->n_changed, ==, 0);

  assert_import_fails (fixture, "{\"resourceType\":\"Patient\",\"id\":\"x\"", MK_STORE_ERROR_INVALID_JSON, NULL);
  assert_import_fails (fixture, "", MK_STORE_ERROR_INVALID_JSON, NULL);
  assert_import_fails (fixture, "[1, 2]", MK_STORE_ERROR_INVALID_JSON, NULL);
  assert_import_fails (fixture,
                       "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"a\"}},"
                       "{\"fullUrl\":\"urn:uuid:1\"}]}",
                       MK_STORE_ERROR_INVALID_JSON, "2");
  assert_import_fails (fixture, "{\"resourceType\":\"Patient\"}", MK_STORE_ERROR_INVALID_RESOURCE, "Patient");
  assert_import_fails (fixture, "{\"id\":\"x\"}", MK_STORE_ERROR_INVALID_RESOURCE, "resourceType");
  assert_import_fails (fixture, "{\"resourceType\":\"Patient\",\"id\":7}", MK_STORE_ERROR_INVALID_RESOURCE, NULL);
  assert_import_fails (fixture, "{\"resourceType\":\"Encounter\",\"id\":\"e\",\"subject\":\"x\"}",
                       MK_STORE_ERROR_INVALID_RESOURCE, "subject");
  assert_import_fails (fixture, "{\"resourceType\":\"Patient\",\"id\":\"m\",\"meta\":{\"versionId\":3}}",
                       MK_STORE_ERROR_INVALID_RESOURCE, "Patient/m");
  assert_import_fails (fixture, "{\"resourceType\":\"Bundle\",\"entry\":{}}", MK_STORE_ERROR_INVALID_JSON, NULL);

  g_assert_cmpuint (count_all (fixture->store), ==, 0);
  g_assert_cmpuint (fixture->n_changed, ==, 0);
}

static void
test_bundle (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MkImportStats) stats = NULL;
  g_autoptr(MkResource) resource = NULL;
  MkImportStats *again;

  stats = import_fixture (fixture->store, "store-bundle.json");
  g_assert_cmpuint (stats->n_stored, ==, 7);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (stats->stored, "Observation")), ==, 2);
  g_assert_null (g_hash_table_lookup (stats->stored, "Bundle"));
  g_assert_cmpuint (count_type (fixture->store, "Bundle"), ==, 0);
  g_assert_cmpuint (count_type (fixture->store, "Observation"), ==, 2);
  g_assert_cmpuint (fixture->n_changed, ==, 1);

  /* Derived columns. */
  resource = mk_store_get_resource (fixture->store, "Observation", "o1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mk_resource_get_kind (resource), ==, "lab");
  g_assert_cmpstr (mk_resource_get_code (resource), ==, "718-7");
  g_assert_cmpstr (mk_resource_get_status (resource), ==, "final");
  g_assert_cmpstr (mk_resource_get_subject (resource), ==, "Patient/p1");
  g_assert_cmpstr (mk_resource_get_date (resource), ==, "2024-03-02T20:30:00Z");
  g_clear_object (&resource);

  resource = mk_store_resolve_reference (fixture->store, "Condition/c1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mk_resource_get_code (resource), ==, "J06.9");
  g_assert_cmpstr (mk_resource_get_status (resource), ==, "active");
  g_clear_object (&resource);

  resource = mk_store_resolve_reference (fixture->store, "https://fhir.example.org/r4/Patient/p1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mk_resource_get_id (resource), ==, "p1");
  g_clear_object (&resource);

  resource = mk_store_resolve_reference (fixture->store, "Patient/p1/_history/1", &error);
  g_assert_no_error (error);
  g_clear_object (&resource);

  g_assert_null (mk_store_resolve_reference (fixture->store, "#contained", &error));
  g_assert_error (error, MK_STORE_ERROR, MK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (mk_store_resolve_reference (fixture->store, "p1", &error));
  g_assert_error (error, MK_STORE_ERROR, MK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Same versions again: unchanged, no signal. */
  again = import_fixture (fixture->store, "store-bundle.json");
  g_assert_cmpuint (again->n_unchanged, ==, 1);        /* only p1 has a versionId */
  g_assert_cmpuint (again->n_stored, ==, 6);
  mk_import_stats_free (again);

  /* Outcome entries are skipped; history deletions mark rows deleted. */
  again = import_string (fixture->store,
                         "{\"resourceType\":\"Bundle\",\"type\":\"history\",\"entry\":["
                         "{\"search\":{\"mode\":\"outcome\"},\"resource\":{\"resourceType\":\"OperationOutcome\"}},"
                         "{\"request\":{\"method\":\"DELETE\",\"url\":\"Organization/org1\"}}]}");
  g_assert_cmpuint (again->n_stored, ==, 1);
  mk_import_stats_free (again);
  g_assert_cmpuint (count_type (fixture->store, "Organization"), ==, 0);
  g_assert_null (mk_store_get_resource (fixture->store, "Organization", "org1", &error));
  g_assert_error (error, MK_STORE_ERROR, MK_STORE_ERROR_NOT_FOUND);
}

static void
test_ndjson (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MkImportStats) stats = NULL;
  g_autoptr(MkResource) resource = NULL;

  stats = import_fixture (fixture->store, "store-clinic.ndjson");
  g_assert_cmpuint (stats->n_stored, ==, 3);
  g_assert_cmpuint (count_all (fixture->store), ==, 3);

  resource = mk_store_get_resource (fixture->store, "Immunization", "n2", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mk_resource_get_kind (resource), ==, "vaccination");
  g_assert_cmpstr (mk_resource_get_subject (resource), ==, "Patient/n1");
  g_assert_cmpstr (mk_resource_get_date (resource), ==, "2023-10-01");

  assert_import_fails (fixture,
                       "{\"resourceType\":\"Patient\",\"id\":\"z1\"}\n"
                       "{\"resourceType\":\"Patient\",\"id\":\"z2\"}\n"
                       "{\"resourceType\":\"Patient\",\"id\":\n",
                       MK_STORE_ERROR_INVALID_JSON, "3");
  assert_import_fails (fixture,
                       "{\"resourceType\":\"Patient\",\"id\":\"z1\"}\n"
                       "{\"resourceType\":\"Observation\",\"id\":\"z2\",\"status\":[]}\n",
                       MK_STORE_ERROR_INVALID_RESOURCE, "2");
  g_assert_cmpuint (count_type (fixture->store, "Patient"), ==, 1);

  /* CRLF line ends and blank lines. */
  {
    g_autoptr(MkImportStats) crlf = import_string (fixture->store,
                                                   "{\"resourceType\":\"Patient\",\"id\":\"r1\"}\r\n\r\n"
                                                   "{\"resourceType\":\"Patient\",\"id\":\"r2\"}\r\n");
    g_assert_cmpuint (crlf->n_stored, ==, 2);
    g_assert_cmpuint (count_type (fixture->store, "Patient"), ==, 3);
  }
}

/* ---------------------------------------------------------------------- */

static guint
search_count (MkStore    *store,
              const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = mk_store_search (store, text, 50, &error);

  g_assert_no_error (error);
  g_assert_nonnull (hits);
  return hits->len;
}

static void
test_fts (Fixture       *fixture,
          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MkImportStats) stats = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  MkSearchHit *hit;
  const char *hostile[] = {
    "\"", "\"\"", "AND (", "OR", "NOT", "*", "a AND", "NEAR(a b)", "col:value", "^",
    "'", "(((", ")", "-", "+", "{a b}", "\\", "федор\"ов", "ab\"*", "\xff\xfe",
  };

  stats = import_fixture (fixture->store, "store-bundle.json");
  g_clear_pointer (&stats, mk_import_stats_free);
  stats = import_string (fixture->store,
                         "{\"resourceType\":\"Practitioner\",\"id\":\"dr1\",\"name\":[{\"family\":\"Ежов\",\"given\":[\"Иван\"]}]}");

  /* ё stored, е searched — and the other way round; any case. */
  g_assert_cmpuint (search_count (fixture->store, "федоров"), ==, 1);
  g_assert_cmpuint (search_count (fixture->store, "ФЕДОРОВ"), ==, 1);
  g_assert_cmpuint (search_count (fixture->store, "Фёдоров"), ==, 1);
  g_assert_cmpuint (search_count (fixture->store, "ёж"), ==, 1);
  g_assert_cmpuint (search_count (fixture->store, "ЁЖОВ"), ==, 1);
  g_assert_cmpuint (search_count (fixture->store, "петр федоров"), ==, 1);

  /* Prefix on the last word only. */
  g_assert_cmpuint (search_count (fixture->store, "федо"), ==, 1);
  g_assert_cmpuint (search_count (fixture->store, "фед петр"), ==, 0);
  g_assert_cmpuint (search_count (fixture->store, "гемогл"), ==, 1);

  /* Codes and displays are searchable. */
  g_assert_cmpuint (search_count (fixture->store, "J06.9"), ==, 1);
  g_assert_cmpuint (search_count (fixture->store, "j06"), ==, 1);
  g_assert_cmpuint (search_count (fixture->store, "135"), ==, 1);
  g_assert_cmpuint (search_count (fixture->store, "поликлиника"), ==, 1);
  g_assert_cmpuint (search_count (fixture->store, "повторный"), ==, 1);
  g_assert_cmpuint (search_count (fixture->store, "несуществующее"), ==, 0);

  /* Hostile input never errors. */
  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_autoptr(GPtrArray) h = mk_store_search (fixture->store, hostile[i], 10, &error);

      g_assert_no_error (error);
      g_assert_nonnull (h);
    }
  g_assert_cmpuint (search_count (fixture->store, ""), ==, 0);
  g_assert_cmpuint (search_count (fixture->store, NULL), ==, 0);
  g_assert_cmpuint (search_count (fixture->store, "AND"), ==, 0);

  /* Snippet with markers. */
  hits = mk_store_search (fixture->store, "гемоглобин", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);
  hit = g_ptr_array_index (hits, 0);
  g_assert_cmpstr (hit->resource_type, ==, "Observation");
  g_assert_cmpstr (hit->id, ==, "o1");
  g_assert_nonnull (strstr (hit->snippet, "[Гемоглобин]"));
  g_clear_pointer (&hits, g_ptr_array_unref);

  /* Ranked best first and limited. */
  hits = mk_store_search (fixture->store, "p", 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, <=, 1);
}

/* ---------------------------------------------------------------------- */

static GPtrArray *
run_query (MkStore *store,
           MkQuery *query)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *page;
  guint count;

  count = mk_store_query_count (store, query, &error);
  g_assert_no_error (error);
  page = mk_store_query_page (store, query, 0, 1000, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, count);
  return page;
}

static char *
ids_of (GPtrArray *page)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < page->len; i++)
    g_string_append_printf (s, "%s%s", i > 0 ? "," : "",
                            mk_resource_get_id (g_ptr_array_index (page, i)));
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static char *
query_ids (MkStore *store,
           MkQuery *query)
{
  g_autoptr(GPtrArray) page = run_query (store, query);

  return ids_of (page);
}

static void
test_query (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MkImportStats) stats = NULL;
  g_autoptr(MkQuery) query = NULL;
  g_autoptr(MkQuery) copy = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autofree char *ids = NULL;

  stats = import_fixture (fixture->store, "store-bundle.json");

  /* No filter: all, newest first, undated (Organization) last.
   * Dates: a1 2024-04-10T06Z, o2 03-03T09Z, o1 03-02T20:30Z, c1 03-01,
   * e1 03-01T07Z, p1 1980-02-29. */
  query = mk_query_new ();
  ids = query_ids (fixture->store, query);
  g_assert_cmpstr (ids, ==, "a1,o2,o1,e1,c1,p1,org1");
  g_clear_pointer (&ids, g_free);

  mk_query_set_sort (query, MK_QUERY_SORT_DATE_ASC);
  g_assert_cmpint (mk_query_get_sort (query), ==, MK_QUERY_SORT_DATE_ASC);
  ids = query_ids (fixture->store, query);
  g_assert_cmpstr (ids, ==, "p1,c1,e1,o1,o2,a1,org1");
  g_clear_pointer (&ids, g_free);

  /* Paging. */
  page = mk_store_query_page (fixture->store, query, 2, 3, &error);
  g_assert_no_error (error);
  ids = ids_of (page);
  g_assert_cmpstr (ids, ==, "e1,o1,o2");
  g_clear_pointer (&ids, g_free);
  g_clear_pointer (&page, g_ptr_array_unref);
  page = mk_store_query_page (fixture->store, query, 6, 10, &error);
  g_assert_cmpuint (page->len, ==, 1);
  g_clear_pointer (&page, g_ptr_array_unref);
  page = mk_store_query_page (fixture->store, query, 100, 10, &error);
  g_assert_cmpuint (page->len, ==, 0);
  g_clear_pointer (&page, g_ptr_array_unref);
  g_clear_pointer (&query, mk_query_unref);

  /* Types are OR'ed. */
  query = mk_query_new ();
  mk_query_add_type (query, "Observation");
  mk_query_add_type (query, "Condition");
  mk_query_add_type (query, "Condition");
  g_assert_cmpuint (g_strv_length ((GStrv) mk_query_get_types (query)), ==, 2);
  ids = query_ids (fixture->store, query);
  g_assert_cmpstr (ids, ==, "o2,o1,c1");
  g_clear_pointer (&ids, g_free);
  g_assert_cmpuint (mk_store_query_count (fixture->store, query, NULL), ==, 3);

  /* A copy is independent. */
  copy = mk_query_copy (query);
  mk_query_add_kind (copy, "lab");
  g_assert_cmpuint (g_strv_length ((GStrv) mk_query_get_kinds (query)), ==, 0);
  ids = query_ids (fixture->store, copy);
  g_assert_cmpstr (ids, ==, "o1");
  g_clear_pointer (&ids, g_free);
  mk_query_add_kind (copy, "diagnosis");
  ids = query_ids (fixture->store, copy);
  g_assert_cmpstr (ids, ==, "o1,c1");
  g_clear_pointer (&ids, g_free);
  g_clear_pointer (&copy, mk_query_unref);
  g_clear_pointer (&query, mk_query_unref);

  /* Status, code, subject. */
  query = mk_query_new ();
  mk_query_add_status (query, "booked");
  mk_query_add_status (query, "finished");
  ids = query_ids (fixture->store, query);
  g_assert_cmpstr (ids, ==, "a1,e1");
  g_clear_pointer (&ids, g_free);
  g_clear_pointer (&query, mk_query_unref);

  query = mk_query_new ();
  mk_query_set_code (query, "J06.9");
  g_assert_cmpstr (mk_query_get_code (query), ==, "J06.9");
  ids = query_ids (fixture->store, query);
  g_assert_cmpstr (ids, ==, "c1");
  g_clear_pointer (&ids, g_free);
  g_clear_pointer (&query, mk_query_unref);

  query = mk_query_new ();
  mk_query_set_subject (query, "Patient/p1");
  ids = query_ids (fixture->store, query);
  g_assert_cmpstr (ids, ==, "a1,o2,o1,e1,c1");
  g_clear_pointer (&ids, g_free);
  g_clear_pointer (&query, mk_query_unref);

  /* Date ranges: inclusive, the 'to' day takes in its datetimes. */
  query = mk_query_new ();
  mk_query_set_date_range (query, "2024-03-01", "2024-03-02");
  g_assert_cmpstr (mk_query_get_date_from (query), ==, "2024-03-01");
  g_assert_cmpstr (mk_query_get_date_to (query), ==, "2024-03-02");
  ids = query_ids (fixture->store, query);
  g_assert_cmpstr (ids, ==, "o1,e1,c1");
  g_clear_pointer (&ids, g_free);

  mk_query_set_date_range (query, "2024-03-03", NULL);
  ids = query_ids (fixture->store, query);
  g_assert_cmpstr (ids, ==, "a1,o2");
  g_clear_pointer (&ids, g_free);

  mk_query_set_date_range (query, NULL, "2024-03-01");
  ids = query_ids (fixture->store, query);
  g_assert_cmpstr (ids, ==, "e1,c1,p1");
  g_clear_pointer (&ids, g_free);

  mk_query_set_date_range (query, "2024", "2024");
  ids = query_ids (fixture->store, query);
  g_assert_cmpstr (ids, ==, "a1,o2,o1,e1,c1");
  g_clear_pointer (&ids, g_free);

  /* A datetime bound with an offset compares as an instant. */
  mk_query_set_date_range (query, "2024-03-02T23:00:00+03:00", "2024-03-03T12:00:00+03:00");
  ids = query_ids (fixture->store, query);
  g_assert_cmpstr (ids, ==, "o2,o1");
  g_clear_pointer (&ids, g_free);
  g_clear_pointer (&query, mk_query_unref);

  /* Free text, combined with other filters; hostile text is harmless. */
  query = mk_query_new ();
  mk_query_set_text (query, "  ФЕДОРОВ  ");
  g_assert_cmpstr (mk_query_get_text (query), ==, "ФЕДОРОВ");
  ids = query_ids (fixture->store, query);
  g_assert_cmpstr (ids, ==, "p1");
  g_clear_pointer (&ids, g_free);

  mk_query_set_text (query, "приём");
  ids = query_ids (fixture->store, query);
  g_assert_cmpstr (ids, ==, "a1,e1");
  g_clear_pointer (&ids, g_free);
  mk_query_add_type (query, "Encounter");
  ids = query_ids (fixture->store, query);
  g_assert_cmpstr (ids, ==, "e1");
  g_clear_pointer (&ids, g_free);

  /* Punctuation only: no words, so no text filter. */
  mk_query_set_text (query, "( \" * -");
  ids = query_ids (fixture->store, query);
  g_assert_cmpstr (ids, ==, "e1");
  g_clear_pointer (&ids, g_free);

  /* FTS keywords are searched as plain words. */
  mk_query_set_text (query, "AND (\"");
  ids = query_ids (fixture->store, query);
  g_assert_cmpstr (ids, ==, "");
  g_clear_pointer (&ids, g_free);

  mk_query_set_text (query, "");
  g_assert_null (mk_query_get_text (query));
  g_clear_pointer (&query, mk_query_unref);

  /* A NULL query is every resource. */
  g_assert_cmpuint (mk_store_query_count (fixture->store, NULL, &error), ==, 7);
  g_assert_no_error (error);
}

static void
test_meta_and_clear (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MkImportStats) stats = NULL;
  g_autofree char *value = NULL;

  value = mk_store_get_meta (fixture->store, "server", &error);
  g_assert_no_error (error);
  g_assert_null (value);

  g_assert_true (mk_store_set_meta (fixture->store, "server", "https://a.example", &error));
  g_assert_true (mk_store_set_meta (fixture->store, "server", "https://b.example", &error));
  value = mk_store_get_meta (fixture->store, "server", &error);
  g_assert_cmpstr (value, ==, "https://b.example");
  g_clear_pointer (&value, g_free);
  g_assert_true (mk_store_set_meta (fixture->store, "server", NULL, &error));
  value = mk_store_get_meta (fixture->store, "server", &error);
  g_assert_null (value);

  g_assert_cmpuint (mk_store_count_outbox (fixture->store, &error), ==, 0);
  g_assert_no_error (error);

  stats = import_fixture (fixture->store, "store-bundle.json");
  g_assert_cmpuint (fixture->n_changed, ==, 1);
  g_assert_true (mk_store_clear_resources (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->n_changed, ==, 2);
  g_assert_cmpuint (count_all (fixture->store), ==, 0);
  g_assert_cmpuint (search_count (fixture->store, "федоров"), ==, 0);
}

static void
test_transaction (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MkImportStats) stats = NULL;
  MkImportStats *inner = NULL;

  stats = import_fixture (fixture->store, "store-bundle.json");
  g_assert_cmpuint (fixture->n_changed, ==, 1);

  /* clear + import in one outer transaction, rolled back: nothing changes. */
  g_assert_true (mk_store_begin (fixture->store, &error));
  g_assert_true (mk_store_clear_resources (fixture->store, &error));
  inner = import_string (fixture->store, "{\"resourceType\":\"Patient\",\"id\":\"tmp\"}");
  mk_import_stats_free (inner);
  g_assert_cmpuint (count_all (fixture->store), ==, 1);
  /* A failing inner import only rolls back its savepoint. */
  g_assert_false (mk_store_import_json (fixture->store, "{\"resourceType\":\"Patient\"}", -1, NULL, &error));
  g_clear_error (&error);
  g_assert_cmpuint (count_all (fixture->store), ==, 1);
  mk_store_rollback (fixture->store);
  g_assert_cmpuint (fixture->n_changed, ==, 1);
  g_assert_cmpuint (count_all (fixture->store), ==, 7);

  /* Committed: one ::changed for the whole transaction. */
  g_assert_true (mk_store_begin (fixture->store, &error));
  g_assert_true (mk_store_clear_resources (fixture->store, &error));
  inner = import_string (fixture->store, "{\"resourceType\":\"Patient\",\"id\":\"tmp\"}");
  mk_import_stats_free (inner);
  g_assert_cmpuint (fixture->n_changed, ==, 1);
  g_assert_true (mk_store_commit (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->n_changed, ==, 2);
  g_assert_cmpuint (count_all (fixture->store), ==, 1);
}

#define DOCUMENT(id, date, content) \
  "{\"resourceType\":\"DocumentReference\",\"id\":\"" id "\",\"status\":\"current\"," \
  "\"date\":\"" date "\",\"content\":" content "}"
#define ATTACHMENT(url, hash) "{\"attachment\":{\"url\":\"" url "\",\"hash\":\"" hash "\"}}"
#define BINARY(id) "{\"resourceType\":\"Binary\",\"id\":\"" id "\",\"contentType\":\"text/plain\",\"data\":\"aGk=\"}"

static char *
list_missing (MkStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) files = mk_store_list_missing_files (store, &error);
  g_autoptr(GString) text = g_string_new (NULL);

  g_assert_no_error (error);
  g_assert_nonnull (files);
  for (guint i = 0; i < files->len; i++)
    {
      MkDocumentFile *file = g_ptr_array_index (files, i);

      g_string_append_printf (text, "%s%s=%s", i > 0 ? "," : "", file->binary_id,
                              file->hash != NULL ? file->hash : "-");
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The documents' files the mirror lacks, in one query: relative and
 * absolute Binary URLs, each file once with the newest document's hash;
 * other URLs, attachments without a URL, deleted documents and stored
 * files left out. (The store refuses content that is not a list of
 * objects.) */
static void
test_missing_files (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(MkImportStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *hash = NULL;
  gboolean found = FALSE;

  missing = list_missing (fixture->store);
  g_assert_cmpstr (missing, ==, "");

  stats = import_string (fixture->store,
    "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
    "{\"resource\":" DOCUMENT ("d1", "2026-01-01", "[" ATTACHMENT ("Binary/b1", "h1") "," ATTACHMENT ("https://h.example/fhir/Binary/b2", "h2") "]") "},"
    "{\"resource\":" DOCUMENT ("d2", "2026-02-01", "[" ATTACHMENT ("Binary/b1", "h1-newer") "," ATTACHMENT ("https://h.example/other/b9", "x") ","
                                              "{\"attachment\":{\"url\":7}}, {\"format\":{}}]") "},"
    "{\"resource\":" DOCUMENT ("d4", "2025-06-01", "[{\"attachment\":{\"url\":\"Binary/b3\"}}," ATTACHMENT ("Binary/", "e") "]") "},"
    "{\"resource\":" DOCUMENT ("d5", "2025-07-01", "[" ATTACHMENT ("Binary/b4", "h4") "]") "}"
    "]}");
  g_clear_pointer (&missing, g_free);
  missing = list_missing (fixture->store);
  g_assert_cmpstr (missing, ==, "b1=h1-newer,b2=h2,b4=h4,b3=-");

  /* Stored files drop out; a deleted document's file is not wanted. */
  g_clear_pointer (&stats, mk_import_stats_free);
  stats = import_string (fixture->store, BINARY ("b1"));
  g_clear_pointer (&stats, mk_import_stats_free);
  stats = import_string (fixture->store, BINARY ("b2"));
  g_clear_pointer (&stats, mk_import_stats_free);
  stats = import_string (fixture->store,
    "{\"resourceType\":\"Bundle\",\"type\":\"history\",\"entry\":["
    "{\"request\":{\"method\":\"DELETE\",\"url\":\"DocumentReference/d5\"}}]}");
  g_clear_pointer (&missing, g_free);
  missing = list_missing (fixture->store);
  g_assert_cmpstr (missing, ==, "b3=-");

  /* A file deleted from the mirror is missing again. */
  g_clear_pointer (&stats, mk_import_stats_free);
  stats = import_string (fixture->store,
    "{\"resourceType\":\"Bundle\",\"type\":\"history\",\"entry\":["
    "{\"request\":{\"method\":\"DELETE\",\"url\":\"Binary/b2\"}}]}");
  g_clear_pointer (&missing, g_free);
  missing = list_missing (fixture->store);
  g_assert_cmpstr (missing, ==, "b2=h2,b3=-");

  /* The hash for one file, as the on-demand fetch asks it. */
  hash = mk_store_get_file_hash (fixture->store, "b1", &found, &error);
  g_assert_no_error (error);
  g_assert_true (found);
  g_assert_cmpstr (hash, ==, "h1-newer");
  g_clear_pointer (&hash, g_free);
  hash = mk_store_get_file_hash (fixture->store, "b3", &found, &error);
  g_assert_no_error (error);
  g_assert_true (found);
  g_assert_null (hash);
  hash = mk_store_get_file_hash (fixture->store, "b9", &found, &error);
  g_assert_no_error (error);
  g_assert_false (found);
  g_assert_null (hash);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/store/migrations", test_migrations);
  g_test_add_func ("/store/open-errors", test_open_errors);
  ADD ("/store/round-trip", test_round_trip);
  ADD ("/store/upsert", test_upsert);
  ADD ("/store/rollback", test_rollback);
  ADD ("/store/bundle", test_bundle);
  ADD ("/store/ndjson", test_ndjson);
  ADD ("/store/fts", test_fts);
  ADD ("/store/query", test_query);
  ADD ("/store/meta-and-clear", test_meta_and_clear);
  ADD ("/store/transaction", test_transaction);
  ADD ("/store/missing-files", test_missing_files);

#undef ADD

  return g_test_run ();
}
