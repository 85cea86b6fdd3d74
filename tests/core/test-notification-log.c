/* test-notification-log.c — the notification log in a real store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mk-notification-log.h"
#include "mk-test-util.h"

typedef struct
{
  char    *dir;
  MkStore *store;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->store = mk_test_open_store ("mk-notification-log-XXXXXX", NULL, &f->dir, NULL, NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->store);
  mk_test_remove_tree (f->dir);
  g_free (f->dir);
}

static gboolean
record (MkStore             *store,
        const char          *key,
        const char          *resource,
        const char          *fired_at,
        MkNotificationState  state)
{
  MkNotificationRecord record = {
    .key = (char *) key,
    .kind = (char *) "visit-day-before",
    .resource = (char *) resource,
    .title = (char *) "Upcoming visit",
    .body = (char *) "Cardiology, 24.11.2026 10:30",
    .due = (char *) "2026-11-23T07:30:00Z",
    .fired_at = (char *) fired_at,
    .state = state,
  };
  g_autoptr(GError) error = NULL;
  gboolean inserted = FALSE;

  g_assert_true (mk_store_record_notification (store, &record, &inserted, &error));
  g_assert_no_error (error);
  return inserted;
}

static void
test_record_once (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(MkStore) other = NULL;
  MkNotificationRecord *r;

  g_assert_false (mk_store_has_notification (f->store, "k1", &error));
  g_assert_no_error (error);

  g_assert_true (record (f->store, "k1", "Appointment/a1", "2026-11-23T07:30:00Z", MK_NOTIFICATION_SHOWN));
  /* The same key again, also through another connection: not recorded. */
  g_assert_false (record (f->store, "k1", "Appointment/a1", "2026-11-23T08:00:00Z", MK_NOTIFICATION_SHOWN));
  other = mk_store_open_in_dir (f->dir, &error);
  g_assert_no_error (error);
  g_assert_false (record (other, "k1", "Appointment/a1", "2026-11-23T08:00:00Z", MK_NOTIFICATION_SHOWN));
  g_assert_true (mk_store_has_notification (other, "k1", &error));

  records = mk_store_list_notifications (f->store, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 1);
  r = g_ptr_array_index (records, 0);
  g_assert_cmpstr (r->key, ==, "k1");
  g_assert_cmpstr (r->kind, ==, "visit-day-before");
  g_assert_cmpstr (r->resource, ==, "Appointment/a1");
  g_assert_cmpstr (r->title, ==, "Upcoming visit");
  g_assert_cmpstr (r->body, ==, "Cardiology, 24.11.2026 10:30");
  g_assert_cmpstr (r->due, ==, "2026-11-23T07:30:00Z");
  g_assert_cmpstr (r->fired_at, ==, "2026-11-23T07:30:00Z");
  g_assert_cmpint (r->state, ==, MK_NOTIFICATION_SHOWN);
}

static void
test_states_and_lists (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) limited = NULL;
  g_autoptr(GPtrArray) for_a1 = NULL;
  g_autoptr(GPtrArray) merged = NULL;
  MkNotificationState state;

  record (f->store, "k1", "Appointment/a1", "2026-11-23T07:00:00Z", MK_NOTIFICATION_SHOWN);
  record (f->store, "k2", "Appointment/a1", "2026-11-23T08:00:00Z", MK_NOTIFICATION_SHOWN);
  record (f->store, "k3", NULL, "2026-11-23T09:00:00Z", MK_NOTIFICATION_MERGED);

  /* Newest first, with a limit. */
  all = mk_store_list_notifications (f->store, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 3);
  g_assert_cmpstr (((MkNotificationRecord *) g_ptr_array_index (all, 0))->key, ==, "k3");
  g_assert_null (((MkNotificationRecord *) g_ptr_array_index (all, 0))->resource);
  limited = mk_store_list_notifications (f->store, 2, &error);
  g_assert_cmpuint (limited->len, ==, 2);

  g_assert_true (mk_store_set_notification_state (f->store, "k1", MK_NOTIFICATION_WITHDRAWN, &error));
  g_assert_no_error (error);

  /* Only shown records about the resource. */
  for_a1 = mk_store_list_notifications_for (f->store, "Appointment/a1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (for_a1->len, ==, 1);
  g_assert_cmpstr (((MkNotificationRecord *) g_ptr_array_index (for_a1, 0))->key, ==, "k2");

  merged = mk_store_list_notifications_in_state (f->store, MK_NOTIFICATION_MERGED, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (merged->len, ==, 1);

  g_assert_cmpstr (mk_notification_state_to_string (MK_NOTIFICATION_WITHDRAWN), ==, "withdrawn");
  g_assert_true (mk_notification_state_from_string ("merged", &state));
  g_assert_cmpint (state, ==, MK_NOTIFICATION_MERGED);
  g_assert_false (mk_notification_state_from_string ("bogus", NULL));
}

static void
test_engine_queries (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) meta = NULL;
  g_autoptr(GPtrArray) items = NULL;
  guint count = 99;
  gint64 max_seq = 99;
  gboolean local = TRUE;

  g_assert_true (mk_store_get_outbox_conflicts (f->store, &count, &max_seq, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, 0);
  g_assert_cmpint (max_seq, ==, 0);

  mk_store_set_meta (f->store, "reminders-visit:a", "booked|x", &error);
  mk_store_set_meta (f->store, "reminders-visit:b", "cancelled|y", &error);
  mk_store_set_meta (f->store, "reminders-visits", "no", &error);
  mk_store_set_meta (f->store, "reminders-visit", "no", &error);
  g_assert_no_error (error);
  meta = mk_store_list_meta_with_prefix (f->store, "reminders-visit:", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (meta), ==, 2);
  g_assert_cmpstr (g_hash_table_lookup (meta, "reminders-visit:b"), ==, "cancelled|y");

  mk_store_import_json (f->store,
                        "{\"resourceType\":\"Appointment\",\"id\":\"a\",\"status\":\"booked\","
                        "\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"2026-11-20T10:00:00Z\"},"
                        "\"start\":\"2026-11-24T10:30:00+03:00\"}", -1, NULL, &error);
  g_assert_no_error (error);
  items = mk_store_list_reminder_resources (f->store, "Appointment", NULL, "2026-11-24T00:00:00Z", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1);
  g_clear_pointer (&items, g_ptr_array_unref);
  items = mk_store_list_reminder_resources (f->store, "Appointment", NULL, "2026-11-25T00:00:00Z", NULL, &error);
  g_assert_cmpuint (items->len, ==, 0);
  g_clear_pointer (&items, g_ptr_array_unref);
  items = mk_store_list_reminder_resources (f->store, "Appointment", NULL, NULL, "2026-11-21", &error);
  g_assert_cmpuint (items->len, ==, 0);

  g_assert_true (mk_store_get_resource_local (f->store, "Appointment", "a", &local, &error));
  g_assert_no_error (error);
  g_assert_false (local);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/notification-log/record-once", Fixture, NULL, fixture_setup, test_record_once, fixture_teardown);
  g_test_add ("/notification-log/states-and-lists", Fixture, NULL, fixture_setup, test_states_and_lists, fixture_teardown);
  g_test_add ("/notification-log/engine-queries", Fixture, NULL, fixture_setup, test_engine_queries, fixture_teardown);

  return g_test_run ();
}
