/* test-outbox.c — the outbox side of MkStore: queued edits, push results,
 * conflicts, pulls that meet a pending edit, watermarks, reconcile, schema 2
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "mk-fts-tokenizer.h"
#include "mk-outbox.h"
#include "mk-store.h"
#include "mk-test-util.h"

typedef struct
{
  char     *dir;
  char     *path;
  MkStore  *store;
  guint     n_changed;
  GDateTime *created;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->store = mk_test_open_store ("medkarta-outbox-XXXXXX", "account", &fixture->dir,
                                       &fixture->path, &fixture->n_changed);
  fixture->created = g_date_time_new_from_iso8601 ("2026-11-23T10:00:00+03:00", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  mk_test_close_store (fixture->store, fixture->dir);
  g_date_time_unref (fixture->created);
  g_free (fixture->path);
  g_free (fixture->dir);
}

#define PATIENT_V3 \
  "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"meta\":{\"versionId\":\"3\"," \
  "\"lastUpdated\":\"2026-11-01T10:00:00Z\"},\"name\":[{\"family\":\"Орлова\"}]}"
#define PATIENT_EDIT \
  "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"meta\":{\"versionId\":\"3\"," \
  "\"lastUpdated\":\"2026-11-01T10:00:00Z\"},\"name\":[{\"family\":\"Соколова\"}]}"
#define PATIENT_V4 \
  "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"meta\":{\"versionId\":\"4\"," \
  "\"lastUpdated\":\"2026-11-24T10:00:00Z\"},\"name\":[{\"family\":\"Соколова\"}]}"
#define PATIENT_V5_OTHER \
  "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"meta\":{\"versionId\":\"5\"," \
  "\"lastUpdated\":\"2026-11-25T10:00:00Z\"},\"name\":[{\"family\":\"Волкова\"}]}"

static void
import (MkStore    *store,
        const char *json)
{
  g_autoptr(GError) error = NULL;

  mk_store_import_json (store, json, -1, NULL, &error);
  g_assert_no_error (error);
}

static guint
import_counting_unchanged (MkStore    *store,
                           const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MkImportStats) stats = NULL;

  mk_store_import_json (store, json, -1, &stats, &error);
  g_assert_no_error (error);
  return stats->n_unchanged;
}

/* The raw value of resource.local (-1 when there is no row). */
static int
row_local (Fixture    *fixture,
           const char *type,
           const char *id)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int local = -1;

  g_assert_cmpint (sqlite3_open_v2 (fixture->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT local FROM resource WHERE type = ?1 AND id = ?2",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, type, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    local = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return local;
}

static guint
search_count (MkStore    *store,
              const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = mk_store_search (store, text, 10, &error);

  g_assert_no_error (error);
  return hits->len;
}

static char *
stored_json (MkStore    *store,
             const char *type,
             const char *id)
{
  g_autoptr(GError) error = NULL;
  char *json = mk_store_get_json (store, type, id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (json);
  return json;
}

static void
assert_absent (MkStore    *store,
               const char *type,
               const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = mk_store_get_json (store, type, id, &error);

  g_assert_null (json);
  g_assert_error (error, MK_STORE_ERROR, MK_STORE_ERROR_NOT_FOUND);
}

static GPtrArray *
list_outbox (MkStore *store,
             int      state)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *entries = mk_store_list_outbox (store, state, &error);

  g_assert_no_error (error);
  g_assert_nonnull (entries);
  return entries;
}

static gint64
queue (Fixture    *fixture,
       MkOutboxOp  op,
       const char *json,
       const char *if_none_exist)
{
  g_autoptr(GError) error = NULL;
  gint64 seq = 0;

  g_assert_true (mk_store_queue_edit (fixture->store, op, json, if_none_exist,
                                      fixture->created, &seq, &error));
  g_assert_no_error (error);
  g_assert_cmpint (seq, >, 0);
  return seq;
}

/* ---------------------------------------------------------------------- */

static void
test_queue_update (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  MkOutboxEntry *entry;
  gint64 seq;

  import (fixture->store, PATIENT_V3);
  fixture->n_changed = 0;

  seq = queue (fixture, MK_OUTBOX_UPDATE, PATIENT_EDIT, NULL);
  g_assert_cmpuint (fixture->n_changed, ==, 1);

  /* The row is the local edit, flagged, and indexed for search. */
  json = stored_json (fixture->store, "Patient", "p1");
  g_assert_nonnull (strstr (json, "Соколова"));
  g_assert_cmpint (row_local (fixture, "Patient", "p1"), ==, 1);
  g_assert_cmpuint (search_count (fixture->store, "соколова"), ==, 1);
  g_assert_cmpuint (search_count (fixture->store, "орлова"), ==, 0);

  entries = list_outbox (fixture->store, -1);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpint (entry->seq, ==, seq);
  g_assert_cmpstr (entry->resource_type, ==, "Patient");
  g_assert_cmpstr (entry->id, ==, "p1");
  g_assert_cmpint (entry->op, ==, MK_OUTBOX_UPDATE);
  g_assert_cmpint (entry->state, ==, MK_OUTBOX_PENDING);
  g_assert_cmpstr (entry->if_match, ==, "W/\"3\"");
  g_assert_null (entry->if_none_exist);
  g_assert_cmpstr (entry->created, ==, "2026-11-23T07:00:00Z");
  g_assert_cmpstr (entry->json, ==, PATIENT_EDIT);
  g_assert_cmpuint (entry->attempts, ==, 0);
  g_assert_null (entry->server_json);

  g_assert_cmpuint (mk_store_count_outbox (fixture->store, &error), ==, 1);
  g_assert_cmpuint (mk_store_count_outbox_state (fixture->store, MK_OUTBOX_PENDING, &error), ==, 1);
  g_assert_cmpuint (mk_store_count_outbox_state (fixture->store, MK_OUTBOX_FAILED, &error), ==, 0);
  g_assert_no_error (error);

  /* A second edit before the first was tried replaces it. */
  g_assert_cmpint (queue (fixture, MK_OUTBOX_UPDATE,
                          "{\"resourceType\":\"Patient\",\"id\":\"p1\","
                          "\"meta\":{\"versionId\":\"3\"},\"gender\":\"female\"}", NULL), ==, seq);
  g_assert_cmpuint (mk_store_count_outbox (fixture->store, &error), ==, 1);

  /* Updating what is not there stores nothing. */
  g_assert_false (mk_store_queue_edit (fixture->store, MK_OUTBOX_UPDATE,
                                       "{\"resourceType\":\"Patient\",\"id\":\"nobody\"}",
                                       NULL, fixture->created, NULL, &error));
  g_assert_error (error, MK_STORE_ERROR, MK_STORE_ERROR_NOT_FOUND);
  g_assert_cmpuint (mk_store_count_outbox (fixture->store, NULL), ==, 1);
}

static void
test_accepted (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  gint64 seq;

  import (fixture->store, PATIENT_V3);
  seq = queue (fixture, MK_OUTBOX_UPDATE, PATIENT_EDIT, NULL);
  fixture->n_changed = 0;

  g_assert_true (mk_store_outbox_accepted (fixture->store, seq, PATIENT_V4, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->n_changed, ==, 1);

  json = stored_json (fixture->store, "Patient", "p1");
  g_assert_cmpstr (json, ==, PATIENT_V4);
  g_assert_cmpint (row_local (fixture, "Patient", "p1"), ==, 0);
  g_assert_cmpuint (mk_store_count_outbox (fixture->store, &error), ==, 0);

  /* The entry is gone. */
  g_assert_false (mk_store_outbox_accepted (fixture->store, seq, PATIENT_V4, &error));
  g_assert_error (error, MK_STORE_ERROR, MK_STORE_ERROR_NOT_FOUND);
}

#define LOCAL_APPOINTMENT \
  "{\"resourceType\":\"Appointment\",\"id\":\"local-uuid\",\"status\":\"booked\"," \
  "\"description\":\"Кардиолог\",\"start\":\"2026-11-25T09:00:00+03:00\"," \
  "\"participant\":[{\"actor\":{\"reference\":\"Patient/p1\"},\"status\":\"accepted\"}]}"
#define LOCAL_APPOINTMENT_CANCELLED \
  "{\"resourceType\":\"Appointment\",\"id\":\"local-uuid\",\"status\":\"cancelled\"," \
  "\"description\":\"Кардиолог\",\"start\":\"2026-11-25T09:00:00+03:00\"," \
  "\"participant\":[{\"actor\":{\"reference\":\"Patient/p1\"},\"status\":\"accepted\"}]}"
#define SERVER_APPOINTMENT \
  "{\"resourceType\":\"Appointment\",\"id\":\"srv-42\",\"meta\":{\"versionId\":\"1\"," \
  "\"lastUpdated\":\"2026-11-23T07:05:00Z\"},\"status\":\"booked\"," \
  "\"description\":\"Кардиолог\",\"start\":\"2026-11-25T09:00:00+03:00\"," \
  "\"participant\":[{\"actor\":{\"reference\":\"Patient/p1\"},\"status\":\"accepted\"}]}"

static void
test_create_other_id (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  MkOutboxEntry *entry;
  gint64 seq;

  seq = queue (fixture, MK_OUTBOX_CREATE, LOCAL_APPOINTMENT,
               "identifier=urn:ietf:rfc:3986|urn:uuid:local-uuid");
  g_assert_cmpint (row_local (fixture, "Appointment", "local-uuid"), ==, 1);
  g_assert_cmpuint (search_count (fixture->store, "кардиолог"), ==, 1);

  entries = list_outbox (fixture->store, MK_OUTBOX_PENDING);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpint (entry->op, ==, MK_OUTBOX_CREATE);
  g_assert_null (entry->if_match);
  g_assert_cmpstr (entry->if_none_exist, ==, "identifier=urn:ietf:rfc:3986|urn:uuid:local-uuid");

  /* A local create is not on the server: reconcile must not see it. */
  ids = mk_store_list_ids (fixture->store, "Appointment", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 0);

  /* Creating it twice is refused. */
  g_assert_false (mk_store_queue_edit (fixture->store, MK_OUTBOX_CREATE, LOCAL_APPOINTMENT,
                                       NULL, fixture->created, NULL, &error));
  g_assert_error (error, MK_STORE_ERROR, MK_STORE_ERROR_INVALID_RESOURCE);
  g_clear_error (&error);

  g_assert_true (mk_store_outbox_accepted (fixture->store, seq, SERVER_APPOINTMENT, &error));
  g_assert_no_error (error);

  assert_absent (fixture->store, "Appointment", "local-uuid");
  g_assert_cmpint (row_local (fixture, "Appointment", "local-uuid"), ==, -1);
  json = stored_json (fixture->store, "Appointment", "srv-42");
  g_assert_cmpstr (json, ==, SERVER_APPOINTMENT);
  g_assert_cmpint (row_local (fixture, "Appointment", "srv-42"), ==, 0);
  /* One FTS row: the local one went with its row. */
  g_assert_cmpuint (search_count (fixture->store, "кардиолог"), ==, 1);
  g_assert_cmpuint (mk_store_count_outbox (fixture->store, &error), ==, 0);
}

static void
test_create_then_update (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  MkOutboxEntry *entry;
  gint64 create_seq, update_seq;

  /* Booked and cancelled offline, before any push. */
  create_seq = queue (fixture, MK_OUTBOX_CREATE, LOCAL_APPOINTMENT, "identifier=x|y");
  update_seq = queue (fixture, MK_OUTBOX_UPDATE, LOCAL_APPOINTMENT_CANCELLED, NULL);
  g_assert_cmpint (update_seq, >, create_seq);
  g_assert_cmpuint (mk_store_count_outbox (fixture->store, &error), ==, 2);

  g_assert_true (mk_store_outbox_accepted (fixture->store, create_seq, SERVER_APPOINTMENT, &error));
  g_assert_no_error (error);

  /* The cancellation now goes to the server's resource and version. */
  entries = list_outbox (fixture->store, -1);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpint (entry->seq, ==, update_seq);
  g_assert_cmpstr (entry->id, ==, "srv-42");
  g_assert_cmpstr (entry->if_match, ==, "W/\"1\"");
  g_assert_nonnull (strstr (entry->json, "\"id\":\"srv-42\""));
  g_assert_nonnull (strstr (entry->json, "\"versionId\":\"1\""));

  /* The card still shows the newest local edit, under the server's id. */
  assert_absent (fixture->store, "Appointment", "local-uuid");
  json = stored_json (fixture->store, "Appointment", "srv-42");
  g_assert_nonnull (strstr (json, "cancelled"));
  g_assert_cmpint (row_local (fixture, "Appointment", "srv-42"), ==, 1);
}

static void
test_refused_attempted (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  MkOutboxEntry *entry;
  gint64 seq;

  import (fixture->store, PATIENT_V3);
  seq = queue (fixture, MK_OUTBOX_UPDATE, PATIENT_EDIT, NULL);

  g_assert_true (mk_store_outbox_attempted (fixture->store, seq, "timeout", &error));
  g_assert_true (mk_store_outbox_attempted (fixture->store, seq, "connection reset", &error));
  g_assert_no_error (error);
  entries = list_outbox (fixture->store, MK_OUTBOX_PENDING);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpuint (entry->attempts, ==, 2);
  g_assert_cmpstr (entry->last_error, ==, "connection reset");
  g_clear_pointer (&entries, g_ptr_array_unref);

  g_assert_true (mk_store_outbox_refused (fixture->store, seq, "name: invalid", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (mk_store_count_outbox_state (fixture->store, MK_OUTBOX_PENDING, NULL), ==, 0);
  g_assert_cmpuint (mk_store_count_outbox_state (fixture->store, MK_OUTBOX_FAILED, NULL), ==, 1);
  /* Still counted as an edit not accepted. */
  g_assert_cmpuint (mk_store_count_outbox (fixture->store, NULL), ==, 1);
  entries = list_outbox (fixture->store, MK_OUTBOX_FAILED);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpint (entry->state, ==, MK_OUTBOX_FAILED);
  g_assert_cmpstr (entry->last_error, ==, "name: invalid");
  g_assert_cmpuint (entry->attempts, ==, 3);

  /* The local row stays as the user left it. */
  json = stored_json (fixture->store, "Patient", "p1");
  g_assert_cmpstr (json, ==, PATIENT_EDIT);
  g_assert_cmpint (row_local (fixture, "Patient", "p1"), ==, 1);

  g_assert_false (mk_store_outbox_refused (fixture->store, seq + 100, "x", &error));
  g_assert_error (error, MK_STORE_ERROR, MK_STORE_ERROR_NOT_FOUND);
}

static void
test_conflict_keep_mine (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  MkOutboxEntry *entry;
  gint64 seq;

  import (fixture->store, PATIENT_V3);
  seq = queue (fixture, MK_OUTBOX_UPDATE, PATIENT_EDIT, NULL);

  /* Resolving what is not in conflict is refused. */
  g_assert_false (mk_store_resolve_conflict (fixture->store, seq, MK_CONFLICT_KEEP_MINE, &error));
  g_assert_error (error, MK_STORE_ERROR, MK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (mk_store_outbox_conflict (fixture->store, seq, PATIENT_V5_OTHER, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (mk_store_count_outbox_state (fixture->store, MK_OUTBOX_CONFLICT, NULL), ==, 1);

  /* Both versions kept: nothing overwritten. */
  entries = list_outbox (fixture->store, MK_OUTBOX_CONFLICT);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (entry->json, ==, PATIENT_EDIT);
  g_assert_cmpstr (entry->server_json, ==, PATIENT_V5_OTHER);
  json = stored_json (fixture->store, "Patient", "p1");
  g_assert_cmpstr (json, ==, PATIENT_EDIT);
  g_clear_pointer (&json, g_free);
  g_clear_pointer (&entries, g_ptr_array_unref);

  fixture->n_changed = 0;
  g_assert_true (mk_store_resolve_conflict (fixture->store, seq, MK_CONFLICT_KEEP_MINE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->n_changed, ==, 1);

  entries = list_outbox (fixture->store, -1);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpint (entry->state, ==, MK_OUTBOX_PENDING);
  g_assert_cmpstr (entry->if_match, ==, "W/\"5\"");
  g_assert_null (entry->server_json);
  g_assert_nonnull (strstr (entry->json, "Соколова"));
  g_assert_nonnull (strstr (entry->json, "\"versionId\":\"5\""));

  json = stored_json (fixture->store, "Patient", "p1");
  g_assert_nonnull (strstr (json, "Соколова"));
  g_assert_nonnull (strstr (json, "\"versionId\":\"5\""));
  g_assert_cmpint (row_local (fixture, "Patient", "p1"), ==, 1);
}

static void
test_conflict_keep_server (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  gint64 seq;

  import (fixture->store, PATIENT_V3);
  seq = queue (fixture, MK_OUTBOX_UPDATE, PATIENT_EDIT, NULL);
  g_assert_true (mk_store_outbox_conflict (fixture->store, seq, PATIENT_V5_OTHER, &error));
  g_assert_no_error (error);

  g_assert_true (mk_store_resolve_conflict (fixture->store, seq, MK_CONFLICT_KEEP_SERVER, &error));
  g_assert_no_error (error);

  json = stored_json (fixture->store, "Patient", "p1");
  g_assert_cmpstr (json, ==, PATIENT_V5_OTHER);
  g_assert_cmpint (row_local (fixture, "Patient", "p1"), ==, 0);
  g_assert_cmpuint (mk_store_count_outbox (fixture->store, NULL), ==, 0);
  g_assert_cmpuint (search_count (fixture->store, "волкова"), ==, 1);
  g_assert_cmpuint (search_count (fixture->store, "соколова"), ==, 0);
}

static void
test_pull_keeps_pending (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  gint64 seq;

  import (fixture->store, PATIENT_V3);
  seq = queue (fixture, MK_OUTBOX_UPDATE, PATIENT_EDIT, NULL);

  /* An older and a newer server version arrive while the edit waits. */
  g_assert_cmpuint (import_counting_unchanged (fixture->store, PATIENT_V3), ==, 1);
  g_assert_cmpuint (import_counting_unchanged (fixture->store, PATIENT_V5_OTHER), ==, 1);
  json = stored_json (fixture->store, "Patient", "p1");
  g_assert_cmpstr (json, ==, PATIENT_EDIT);
  g_assert_cmpint (row_local (fixture, "Patient", "p1"), ==, 1);
  g_clear_pointer (&json, g_free);

  /* Also while in conflict. */
  g_assert_true (mk_store_outbox_conflict (fixture->store, seq, PATIENT_V5_OTHER, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (import_counting_unchanged (fixture->store, PATIENT_V5_OTHER), ==, 1);
  json = stored_json (fixture->store, "Patient", "p1");
  g_assert_cmpstr (json, ==, PATIENT_EDIT);
  g_clear_pointer (&json, g_free);

  /* Once the push result is in, pulls apply again. */
  g_assert_true (mk_store_resolve_conflict (fixture->store, seq, MK_CONFLICT_KEEP_MINE, &error));
  g_assert_true (mk_store_outbox_accepted (fixture->store, seq, PATIENT_V4, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (import_counting_unchanged (fixture->store, PATIENT_V5_OTHER), ==, 0);
  json = stored_json (fixture->store, "Patient", "p1");
  g_assert_cmpstr (json, ==, PATIENT_V5_OTHER);
}

static void
test_local_without_entry (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  const char *free_slot = "{\"resourceType\":\"Slot\",\"id\":\"s1\",\"meta\":{\"versionId\":\"1\"},"
                          "\"status\":\"free\",\"start\":\"2026-11-25T09:00:00Z\"}";
  const char *busy_local = "{\"resourceType\":\"Slot\",\"id\":\"s1\",\"meta\":{\"versionId\":\"1\"},"
                           "\"status\":\"busy\",\"start\":\"2026-11-25T09:00:00Z\"}";
  const char *busy_server = "{\"resourceType\":\"Slot\",\"id\":\"s1\",\"meta\":{\"versionId\":\"2\"},"
                            "\"status\":\"busy\",\"start\":\"2026-11-25T09:00:00Z\"}";

  import (fixture->store, free_slot);
  fixture->n_changed = 0;
  g_assert_true (mk_store_put_local (fixture->store, busy_local, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->n_changed, ==, 1);
  g_assert_cmpint (row_local (fixture, "Slot", "s1"), ==, 1);
  g_assert_cmpuint (mk_store_count_outbox (fixture->store, NULL), ==, 0);

  /* No entry waits for it: the next pull replaces it. */
  g_assert_cmpuint (import_counting_unchanged (fixture->store, busy_server), ==, 0);
  json = stored_json (fixture->store, "Slot", "s1");
  g_assert_cmpstr (json, ==, busy_server);
  g_assert_cmpint (row_local (fixture, "Slot", "s1"), ==, 0);
}

static void
assert_stale (Fixture    *fixture,
              const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) stale = mk_store_list_stale_local (fixture->store, &error);
  g_autofree char *joined = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (stale);
  g_ptr_array_add (stale, NULL);
  joined = g_strjoinv (",", (char **) stale->pdata);
  g_assert_cmpstr (joined, ==, expected);
}

#define SLOT(id, vid, status) \
  "{\"resourceType\":\"Slot\",\"id\":\"" id "\",\"meta\":{\"versionId\":\"" vid "\"}," \
  "\"status\":\"" status "\",\"start\":\"2026-11-25T09:00:00Z\"}"
#define BOOKING(id, slot_ref) \
  "{\"resourceType\":\"Appointment\",\"id\":\"" id "\",\"status\":\"booked\"," \
  "\"slot\":[{\"reference\":\"" slot_ref "\"}]}"

/* The local marks no edit waits for: listed, and replaced by the server's
 * version whatever its version; those a queued, refused or conflicting
 * edit names stay. */
static void
test_stale_local (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  gint64 refused, accepted;

  import (fixture->store, SLOT ("s1", "1", "free"));
  import (fixture->store, SLOT ("s2", "1", "free"));
  import (fixture->store, SLOT ("s3", "1", "free"));
  assert_stale (fixture, "");

  /* A mark whose edit is gone. */
  g_assert_true (mk_store_put_local (fixture->store, SLOT ("s1", "1", "busy"), &error));
  g_assert_no_error (error);
  assert_stale (fixture, "Slot/s1");

  /* Bookings still waiting keep their marks (relative or absolute references). */
  refused = queue (fixture, MK_OUTBOX_CREATE, BOOKING ("a2", "https://h.example/fhir/Slot/s2"), NULL);
  g_assert_true (mk_store_put_local (fixture->store, SLOT ("s2", "1", "busy"), &error));
  accepted = queue (fixture, MK_OUTBOX_CREATE, BOOKING ("a3", "Slot/s3"), NULL);
  g_assert_true (mk_store_put_local (fixture->store, SLOT ("s3", "1", "busy"), &error));
  g_assert_no_error (error);
  assert_stale (fixture, "Slot/s1");

  g_assert_true (mk_store_outbox_refused (fixture->store, refused, "no", &error));
  g_assert_true (mk_store_outbox_accepted (fixture->store, accepted,
                                           "{\"resourceType\":\"Appointment\",\"id\":\"a3\","
                                           "\"meta\":{\"versionId\":\"1\"},\"status\":\"booked\","
                                           "\"slot\":[{\"reference\":\"Slot/s3\"}]}", &error));
  g_assert_no_error (error);
  /* The refused booking still names s2; the accepted one freed s3's mark. */
  assert_stale (fixture, "Slot/s1,Slot/s3");

  /* The server's version, unchanged (same versionId): the import rule
   * would keep the mark, the replacement does not. */
  g_assert_cmpuint (import_counting_unchanged (fixture->store, SLOT ("s1", "1", "free")), ==, 1);
  fixture->n_changed = 0;
  g_assert_true (mk_store_replace_local (fixture->store, SLOT ("s1", "1", "free"), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->n_changed, ==, 1);
  json = stored_json (fixture->store, "Slot", "s1");
  g_assert_cmpstr (json, ==, SLOT ("s1", "1", "free"));
  g_assert_cmpint (row_local (fixture, "Slot", "s1"), ==, 0);
  assert_stale (fixture, "Slot/s3");

  /* A row that is no longer a mark (a pull brought v2) follows the import
   * rule: an older answer does not overwrite it. */
  import (fixture->store, SLOT ("s3", "2", "busy"));
  assert_stale (fixture, "");
  g_assert_true (mk_store_replace_local (fixture->store, SLOT ("s3", "1", "free"), &error));
  g_assert_no_error (error);
  g_clear_pointer (&json, g_free);
  json = stored_json (fixture->store, "Slot", "s3");
  g_assert_cmpstr (json, ==, SLOT ("s3", "2", "busy"));

  /* The refused booking's mark stays, untouched. */
  g_clear_pointer (&json, g_free);
  json = stored_json (fixture->store, "Slot", "s2");
  g_assert_cmpstr (json, ==, SLOT ("s2", "1", "busy"));
  g_assert_cmpint (row_local (fixture, "Slot", "s2"), ==, 1);
}

static void
test_rollback (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) counts = NULL;

  fixture->n_changed = 0;

  /* Not JSON, not a resource, no id, a field of the wrong type: neither a
   * row nor an entry is stored, and nothing is signalled. */
  g_assert_false (mk_store_queue_edit (fixture->store, MK_OUTBOX_CREATE, "{\"resourceType\":",
                                       NULL, fixture->created, NULL, &error));
  g_assert_error (error, MK_STORE_ERROR, MK_STORE_ERROR_INVALID_JSON);
  g_clear_error (&error);

  g_assert_false (mk_store_queue_edit (fixture->store, MK_OUTBOX_CREATE, "[1, 2]",
                                       NULL, fixture->created, NULL, &error));
  g_assert_error (error, MK_STORE_ERROR, MK_STORE_ERROR_INVALID_RESOURCE);
  g_clear_error (&error);

  g_assert_false (mk_store_queue_edit (fixture->store, MK_OUTBOX_CREATE,
                                       "{\"resourceType\":\"Appointment\"}",
                                       NULL, fixture->created, NULL, &error));
  g_assert_error (error, MK_STORE_ERROR, MK_STORE_ERROR_INVALID_RESOURCE);
  g_clear_error (&error);

  g_assert_false (mk_store_queue_edit (fixture->store, MK_OUTBOX_CREATE,
                                       "{\"resourceType\":\"Appointment\",\"id\":\"a1\",\"status\":5}",
                                       NULL, fixture->created, NULL, &error));
  g_assert_error (error, MK_STORE_ERROR, MK_STORE_ERROR_INVALID_RESOURCE);
  g_clear_error (&error);

  counts = mk_store_count_by_type (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (counts), ==, 0);
  g_assert_cmpint (row_local (fixture, "Appointment", "a1"), ==, -1);
  g_assert_cmpuint (mk_store_count_outbox (fixture->store, &error), ==, 0);
  g_assert_cmpuint (fixture->n_changed, ==, 0);

  /* An accepted answer of the wrong type changes nothing either. */
  import (fixture->store, PATIENT_V3);
  {
    gint64 seq = queue (fixture, MK_OUTBOX_UPDATE, PATIENT_EDIT, NULL);
    g_autofree char *json = NULL;

    g_assert_false (mk_store_outbox_accepted (fixture->store, seq, SERVER_APPOINTMENT, &error));
    g_assert_error (error, MK_STORE_ERROR, MK_STORE_ERROR_INVALID_RESOURCE);
    g_assert_cmpuint (mk_store_count_outbox (fixture->store, NULL), ==, 1);
    json = stored_json (fixture->store, "Patient", "p1");
    g_assert_cmpstr (json, ==, PATIENT_EDIT);
  }
}

static void
test_sync_state (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *since = NULL;
  g_autofree char *next_url = NULL;

  g_assert_true (mk_store_get_sync_state (fixture->store, "Patient", &since, &next_url, &error));
  g_assert_no_error (error);
  g_assert_null (since);
  g_assert_null (next_url);

  g_assert_true (mk_store_set_sync_state (fixture->store, "Patient", "2026-11-23T07:00:00Z",
                                          "https://fhir.example/Patient?page=2", &error));
  g_assert_true (mk_store_set_sync_state (fixture->store, "_history", "2026-11-20T00:00:00Z",
                                          NULL, &error));
  g_assert_no_error (error);

  g_assert_true (mk_store_get_sync_state (fixture->store, "Patient", &since, &next_url, &error));
  g_assert_cmpstr (since, ==, "2026-11-23T07:00:00Z");
  g_assert_cmpstr (next_url, ==, "https://fhir.example/Patient?page=2");
  g_clear_pointer (&since, g_free);
  g_clear_pointer (&next_url, g_free);

  /* Overwritten as a whole; inside a rolled-back transaction, not at all. */
  g_assert_true (mk_store_set_sync_state (fixture->store, "Patient", "2026-11-24T07:00:00Z", NULL, &error));
  g_assert_true (mk_store_begin (fixture->store, &error));
  g_assert_true (mk_store_set_sync_state (fixture->store, "Patient", "2099-01-01T00:00:00Z", NULL, &error));
  mk_store_rollback (fixture->store);
  g_assert_true (mk_store_get_sync_state (fixture->store, "Patient", &since, &next_url, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (since, ==, "2026-11-24T07:00:00Z");
  g_assert_null (next_url);
  g_clear_pointer (&since, g_free);

  g_assert_true (mk_store_clear_sync_state (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_true (mk_store_get_sync_state (fixture->store, "_history", &since, NULL, &error));
  g_assert_null (since);
  g_assert_cmpuint (fixture->n_changed, ==, 0);
}

static void
test_mark_deleted (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(MkQuery) query = mk_query_new ();

  import (fixture->store, PATIENT_V3);
  import (fixture->store, "{\"resourceType\":\"Patient\",\"id\":\"p2\",\"name\":[{\"family\":\"Орлов\"}]}");
  mk_query_add_type (query, "Patient");
  g_assert_cmpuint (mk_store_query_count (fixture->store, query, NULL), ==, 2);
  g_assert_cmpuint (search_count (fixture->store, "орлова"), ==, 1);

  ids = mk_store_list_ids (fixture->store, "Patient", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (ids, 0), ==, "p1");
  g_assert_cmpstr (g_ptr_array_index (ids, 1), ==, "p2");
  g_clear_pointer (&ids, g_ptr_array_unref);

  fixture->n_changed = 0;
  g_assert_true (mk_store_mark_deleted (fixture->store, "Patient", "p1", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->n_changed, ==, 1);

  assert_absent (fixture->store, "Patient", "p1");
  g_assert_cmpuint (mk_store_query_count (fixture->store, query, NULL), ==, 1);
  g_assert_cmpuint (search_count (fixture->store, "орлова"), ==, 0);
  ids = mk_store_list_ids (fixture->store, "Patient", &error);
  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (ids, 0), ==, "p2");

  /* Again, or for something never stored: nothing to do, no signal. */
  g_assert_true (mk_store_mark_deleted (fixture->store, "Patient", "p1", &error));
  g_assert_true (mk_store_mark_deleted (fixture->store, "Patient", "nobody", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->n_changed, ==, 1);

  /* A newer version from the server brings it back, searchable. */
  import (fixture->store, PATIENT_V4);
  g_assert_cmpuint (mk_store_query_count (fixture->store, query, NULL), ==, 2);
  g_assert_cmpuint (search_count (fixture->store, "соколова"), ==, 1);
}

/* The schema-1 SQL, as released (src/core/mk-store.c, migration 1). */
static const char schema_1[] =
  "CREATE TABLE resource (type TEXT NOT NULL, id TEXT NOT NULL, version_id TEXT,"
  "  last_updated TEXT, deleted INTEGER NOT NULL DEFAULT 0, json TEXT NOT NULL, date TEXT,"
  "  status TEXT, kind TEXT, code TEXT, subject TEXT, fts_rowid INTEGER, PRIMARY KEY (type, id));"
  "CREATE INDEX resource_type_date ON resource (type, date);"
  "CREATE INDEX resource_kind_date ON resource (kind, date);"
  "CREATE INDEX resource_subject ON resource (subject);"
  "CREATE INDEX resource_status ON resource (status);"
  "CREATE INDEX resource_code ON resource (code);"
  "CREATE VIRTUAL TABLE resource_fts USING fts5 (text, type UNINDEXED, id UNINDEXED, tokenize = 'mk');"
  "CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL,"
  "  id TEXT NOT NULL, op TEXT NOT NULL, json TEXT, if_match TEXT, created TEXT NOT NULL,"
  "  attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT);"
  "CREATE TABLE sync_state (type TEXT PRIMARY KEY, since TEXT, next_url TEXT, etag TEXT);"
  "CREATE TABLE notification_log (key TEXT PRIMARY KEY, fired_at TEXT NOT NULL);"
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
  "INSERT INTO resource (type, id, version_id, json, kind, fts_rowid) VALUES"
  "  ('Patient', 'old', '7', '{\"resourceType\":\"Patient\",\"id\":\"old\",\"meta\":{\"versionId\":\"7\"}}',"
  "   NULL, 1);"
  "INSERT INTO resource_fts (rowid, text, type, id) VALUES (1, 'Старожилова', 'Patient', 'old');"
  "INSERT INTO outbox (type, id, op, json, if_match, created) VALUES"
  "  ('Patient', 'old', 'update', '{\"resourceType\":\"Patient\",\"id\":\"old\"}', 'W/\"7\"',"
  "   '2026-01-01T00:00:00Z');"
  "INSERT INTO sync_state (type, since) VALUES ('Patient', '2026-01-01T00:00:00Z');"
  "INSERT INTO meta (key, value) VALUES ('patient', 'Patient/old');"
  "PRAGMA user_version = 1;";

static void
test_migrate_from_1 (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("medkarta-outbox-v1-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, MK_STORE_FILE_NAME, NULL);
  g_autoptr(MkStore) store = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *json = NULL;
  g_autofree char *since = NULL;
  g_autofree char *patient = NULL;
  MkOutboxEntry *entry;
  sqlite3 *db = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (mk_fts_tokenizer_register (db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, schema_1, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = mk_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mk_store_get_schema_version (store), ==, mk_store_get_latest_schema_version ());
  g_assert_cmpint (mk_store_get_schema_version (store), >=, 2);

  json = mk_store_get_json (store, "Patient", "old", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json, ==, "{\"resourceType\":\"Patient\",\"id\":\"old\",\"meta\":{\"versionId\":\"7\"}}");
  g_assert_cmpuint (search_count (store, "старожилова"), ==, 1);

  /* The old entry is a pending edit of the new schema. */
  entries = list_outbox (store, MK_OUTBOX_PENDING);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpint (entry->op, ==, MK_OUTBOX_UPDATE);
  g_assert_cmpstr (entry->if_match, ==, "W/\"7\"");
  g_assert_null (entry->if_none_exist);
  g_assert_null (entry->server_json);

  g_assert_true (mk_store_get_sync_state (store, "Patient", &since, NULL, &error));
  g_assert_cmpstr (since, ==, "2026-01-01T00:00:00Z");
  patient = mk_store_get_meta (store, "patient", &error);
  g_assert_cmpstr (patient, ==, "Patient/old");

  /* Schema-1 rows are not local edits: a pull replaces them as usual. */
  g_assert_cmpuint (import_counting_unchanged (store,
                      "{\"resourceType\":\"Patient\",\"id\":\"old\",\"meta\":{\"versionId\":\"8\"}}"), ==, 0);

  g_assert_finalize_object (g_steal_pointer (&store));
  mk_test_remove_tree (dir);
}

static void
add_test (const char *name,
          void (*func) (Fixture *, gconstpointer))
{
  g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  add_test ("/outbox/queue-update", test_queue_update);
  add_test ("/outbox/accepted", test_accepted);
  add_test ("/outbox/create-other-id", test_create_other_id);
  add_test ("/outbox/create-then-update", test_create_then_update);
  add_test ("/outbox/refused-attempted", test_refused_attempted);
  add_test ("/outbox/conflict-keep-mine", test_conflict_keep_mine);
  add_test ("/outbox/conflict-keep-server", test_conflict_keep_server);
  add_test ("/outbox/pull-keeps-pending", test_pull_keeps_pending);
  add_test ("/outbox/local-without-entry", test_local_without_entry);
  add_test ("/outbox/stale-local", test_stale_local);
  add_test ("/outbox/rollback", test_rollback);
  add_test ("/outbox/sync-state", test_sync_state);
  add_test ("/outbox/mark-deleted", test_mark_deleted);
  g_test_add_func ("/outbox/migrate-from-1", test_migrate_from_1);

  return g_test_run ();
}
