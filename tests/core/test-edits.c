/* test-edits.c — booking a free slot and cancelling a visit through the outbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs on the demo card written for 2026-11-23 with a fake clock at
 * 10:00 Moscow time that day (TZ=Europe/Moscow in the test environment).
 */
#include "config.h"

#include <json-glib/json-glib.h>

#include "mk-clock.h"
#include "mk-demo.h"
#include "mk-edits.h"
#include "mk-outbox.h"
#include "mk-store.h"
#include "mk-test-util.h"

#define NOW "2026-11-23T10:00:00+03:00"

typedef struct
{
  char    *dir;
  MkStore *store;
  MkClock *clock;
  guint    n_changed;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_from_iso8601 (NOW, NULL);

  fixture->store = mk_test_open_store ("medkarta-edits-XXXXXX", NULL, &fixture->dir, NULL,
                                       &fixture->n_changed);
  g_assert_true (mk_demo_write (fixture->store, now, &error));
  g_assert_no_error (error);
  fixture->clock = mk_clock_new_fake (now);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_finalize_object (fixture->clock);
  mk_test_close_store (fixture->store, fixture->dir);
  g_free (fixture->dir);
}

static void
set_now (Fixture    *fixture,
         const char *iso)
{
  g_autoptr(GDateTime) now = g_date_time_new_from_iso8601 (iso, NULL);

  g_assert_nonnull (now);
  mk_clock_set_now (fixture->clock, now);
}

static JsonObject *
stored_object (Fixture    *fixture,
               const char *type,
               const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = mk_store_get_json (fixture->store, type, id, &error);
  g_autoptr(JsonNode) node = NULL;

  g_assert_no_error (error);
  node = json_from_string (json, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (node));
}

static GPtrArray *
outbox (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *entries = mk_store_list_outbox (fixture->store, -1, &error);

  g_assert_no_error (error);
  return entries;
}

static gboolean
has_participant (JsonObject *appointment,
                 const char *reference)
{
  JsonArray *participants = json_object_get_array_member (appointment, "participant");

  for (guint i = 0; i < json_array_get_length (participants); i++)
    {
      JsonObject *participant = json_array_get_object_element (participants, i);
      JsonObject *actor = json_object_get_object_member (participant, "actor");

      if (g_strcmp0 (json_object_get_string_member (actor, "reference"), reference) == 0)
        {
          g_assert_cmpstr (json_object_get_string_member (participant, "status"), ==, "accepted");
          return TRUE;
        }
    }

  return FALSE;
}

static void
test_book (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(JsonObject) appointment = NULL;
  g_autoptr(JsonObject) slot = NULL;
  g_autoptr(JsonObject) original_slot = NULL;
  g_autofree char *id = NULL;
  g_autofree char *uuid_value = NULL;
  g_autofree char *if_none_exist = NULL;
  JsonObject *identifier;
  MkOutboxEntry *entry;

  original_slot = stored_object (fixture, "Slot", "slot-free-1");
  g_assert_cmpstr (json_object_get_string_member (original_slot, "status"), ==, "free");

  fixture->n_changed = 0;
  g_assert_true (mk_edits_book_slot (fixture->store, fixture->clock, "slot-free-1",
                                     "Patient/" MK_DEMO_PATIENT_ID, "Боль в горле", &id, &error));
  g_assert_no_error (error);
  g_assert_true (g_uuid_string_is_valid (id));
  g_assert_cmpuint (fixture->n_changed, ==, 1);

  appointment = stored_object (fixture, "Appointment", id);
  g_assert_cmpstr (json_object_get_string_member (appointment, "status"), ==, "booked");
  g_assert_cmpstr (json_object_get_string_member (appointment, "start"), ==,
                   json_object_get_string_member (original_slot, "start"));
  g_assert_cmpstr (json_object_get_string_member (appointment, "end"), ==,
                   json_object_get_string_member (original_slot, "end"));
  g_assert_cmpint (json_object_get_int_member (appointment, "minutesDuration"), ==, 20);
  {
    g_autoptr(GDateTime) created =
      g_date_time_new_from_iso8601 (json_object_get_string_member (appointment, "created"), NULL);
    g_autoptr(GDateTime) now = g_date_time_new_from_iso8601 (NOW, NULL);

    g_assert_nonnull (created);
    g_assert_true (g_date_time_equal (created, now));
  }
  g_assert_cmpstr (json_object_get_string_member (
                     json_array_get_object_element (json_object_get_array_member (appointment, "slot"), 0),
                     "reference"), ==, "Slot/slot-free-1");
  g_assert_cmpstr (json_object_get_string_member (
                     json_array_get_object_element (json_object_get_array_member (appointment, "reasonCode"), 0),
                     "text"), ==, "Боль в горле");

  /* The patient and the schedule's actors take part. */
  g_assert_true (has_participant (appointment, "Patient/" MK_DEMO_PATIENT_ID));
  g_assert_true (has_participant (appointment, "PractitionerRole/role-therapist"));
  g_assert_true (has_participant (appointment, "Practitioner/pr-therapist"));

  identifier = json_array_get_object_element (json_object_get_array_member (appointment, "identifier"), 0);
  uuid_value = g_strconcat ("urn:uuid:", id, NULL);
  g_assert_cmpstr (json_object_get_string_member (identifier, "system"), ==, "urn:ietf:rfc:3986");
  g_assert_cmpstr (json_object_get_string_member (identifier, "value"), ==, uuid_value);

  /* One conditional create; the slot has no entry of its own. */
  entries = outbox (fixture);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  if_none_exist = g_strconcat ("identifier=urn:ietf:rfc:3986|urn:uuid:", id, NULL);
  g_assert_cmpint (entry->op, ==, MK_OUTBOX_CREATE);
  g_assert_cmpstr (entry->resource_type, ==, "Appointment");
  g_assert_cmpstr (entry->id, ==, id);
  g_assert_cmpstr (entry->if_none_exist, ==, if_none_exist);
  g_assert_null (entry->if_match);
  g_assert_cmpstr (entry->created, ==, "2026-11-23T07:00:00Z");

  /* The slot is busy at once, locally, same version as the server's. */
  slot = stored_object (fixture, "Slot", "slot-free-1");
  g_assert_cmpstr (json_object_get_string_member (slot, "status"), ==, "busy");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (slot, "meta"), "versionId"),
                   ==, json_object_get_string_member (json_object_get_object_member (original_slot, "meta"),
                                                      "versionId"));

  /* The server's busy slot replaces the local one on the next pull. */
  {
    g_autoptr(MkImportStats) stats = NULL;

    mk_store_import_json (fixture->store,
                          "{\"resourceType\":\"Slot\",\"id\":\"slot-free-1\",\"meta\":{\"versionId\":\"2\"},"
                          "\"status\":\"busy\",\"schedule\":{\"reference\":\"Schedule/sched-therapist\"},"
                          "\"start\":\"2026-11-24T11:10:00+03:00\",\"end\":\"2026-11-24T11:30:00+03:00\"}",
                          -1, &stats, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (stats->n_stored, ==, 1);
  }
}

static void
test_book_refused (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *id = NULL;

  g_assert_true (mk_edits_book_slot (fixture->store, fixture->clock, "slot-free-1",
                                     "Patient/" MK_DEMO_PATIENT_ID, NULL, &id, &error));
  g_assert_no_error (error);

  /* The same slot again, and a slot the clinic already gave away. */
  g_assert_false (mk_edits_book_slot (fixture->store, fixture->clock, "slot-free-1",
                                      "Patient/" MK_DEMO_PATIENT_ID, NULL, NULL, &error));
  g_assert_error (error, MK_EDITS_ERROR, MK_EDITS_ERROR_SLOT_NOT_FREE);
  g_assert_cmpstr (error->message, ==, "This time is no longer free");
  g_clear_error (&error);

  g_assert_false (mk_edits_book_slot (fixture->store, fixture->clock, "slot-therapist-busy-1",
                                      "Patient/" MK_DEMO_PATIENT_ID, NULL, NULL, &error));
  g_assert_error (error, MK_EDITS_ERROR, MK_EDITS_ERROR_SLOT_NOT_FREE);
  g_clear_error (&error);

  g_assert_false (mk_edits_book_slot (fixture->store, fixture->clock, "no-such-slot",
                                      "Patient/" MK_DEMO_PATIENT_ID, NULL, NULL, &error));
  g_assert_error (error, MK_EDITS_ERROR, MK_EDITS_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A free slot whose time has passed. */
  set_now (fixture, "2026-11-26T10:00:00+03:00");
  g_assert_false (mk_edits_book_slot (fixture->store, fixture->clock, "slot-free-2",
                                      "Patient/" MK_DEMO_PATIENT_ID, NULL, NULL, &error));
  g_assert_error (error, MK_EDITS_ERROR, MK_EDITS_ERROR_PAST);

  entries = outbox (fixture);
  g_assert_cmpuint (entries->len, ==, 1);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(JsonObject) appointment = NULL;
  JsonObject *reason;
  MkOutboxEntry *entry;

  g_assert_true (mk_edits_can_cancel_appointment (fixture->store, fixture->clock,
                                                  "appt-next-week", &error));
  g_assert_true (mk_edits_cancel_appointment (fixture->store, fixture->clock, "appt-next-week",
                                              "Уезжаю в командировку", &error));
  g_assert_no_error (error);

  appointment = stored_object (fixture, "Appointment", "appt-next-week");
  g_assert_cmpstr (json_object_get_string_member (appointment, "status"), ==, "cancelled");
  reason = json_object_get_object_member (appointment, "cancelationReason");
  g_assert_cmpstr (json_object_get_string_member (reason, "text"), ==, "Уезжаю в командировку");
  /* Everything else kept. */
  g_assert_cmpstr (json_object_get_string_member (appointment, "patientInstruction"), !=, NULL);

  entries = outbox (fixture);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpint (entry->op, ==, MK_OUTBOX_UPDATE);
  g_assert_cmpstr (entry->id, ==, "appt-next-week");
  g_assert_cmpstr (entry->if_match, ==, "W/\"1\"");
  g_assert_null (entry->if_none_exist);

  /* Twice is refused, and stores nothing more. */
  g_assert_false (mk_edits_cancel_appointment (fixture->store, fixture->clock, "appt-next-week",
                                               NULL, &error));
  g_assert_error (error, MK_EDITS_ERROR, MK_EDITS_ERROR_NOT_CANCELLABLE);
  g_clear_error (&error);
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = outbox (fixture);
  g_assert_cmpuint (entries->len, ==, 1);

  /* Visits that took place, were missed, or are unknown. */
  g_assert_false (mk_edits_cancel_appointment (fixture->store, fixture->clock, "appt-past-60",
                                               NULL, &error));
  g_assert_error (error, MK_EDITS_ERROR, MK_EDITS_ERROR_NOT_CANCELLABLE);
  g_clear_error (&error);
  g_assert_false (mk_edits_cancel_appointment (fixture->store, fixture->clock, "appt-noshow",
                                               NULL, &error));
  g_assert_error (error, MK_EDITS_ERROR, MK_EDITS_ERROR_NOT_CANCELLABLE);
  g_clear_error (&error);
  g_assert_false (mk_edits_cancel_appointment (fixture->store, fixture->clock, "nothing",
                                               NULL, &error));
  g_assert_error (error, MK_EDITS_ERROR, MK_EDITS_ERROR_NOT_FOUND);
}

static void
test_cancel_cutoff (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;

  /* appt-tomorrow starts 2026-11-24 10:30 Moscow time. */
  set_now (fixture, "2026-11-24T09:00:00+03:00");
  g_assert_false (mk_edits_cancel_appointment (fixture->store, fixture->clock, "appt-tomorrow",
                                               NULL, &error));
  g_assert_error (error, MK_EDITS_ERROR, MK_EDITS_ERROR_TOO_LATE);
  g_assert_cmpstr (error->message, ==,
                   "A visit can be cancelled no later than 2 hours before it starts");
  g_clear_error (&error);

  /* The same instant seen from another zone changes nothing. */
  set_now (fixture, "2026-11-24T06:31:00Z");
  g_assert_false (mk_edits_can_cancel_appointment (fixture->store, fixture->clock,
                                                   "appt-tomorrow", &error));
  g_assert_error (error, MK_EDITS_ERROR, MK_EDITS_ERROR_TOO_LATE);
  g_clear_error (&error);

  set_now (fixture, "2026-11-24T11:00:00+03:00");
  g_assert_false (mk_edits_cancel_appointment (fixture->store, fixture->clock, "appt-tomorrow",
                                               NULL, &error));
  g_assert_error (error, MK_EDITS_ERROR, MK_EDITS_ERROR_PAST);
  g_clear_error (&error);

  entries = outbox (fixture);
  g_assert_cmpuint (entries->len, ==, 0);
  g_clear_pointer (&entries, g_ptr_array_unref);

  /* Exactly at the cut-off it is still allowed. */
  set_now (fixture, "2026-11-24T08:30:00+03:00");
  g_assert_true (mk_edits_cancel_appointment (fixture->store, fixture->clock, "appt-tomorrow",
                                              NULL, &error));
  g_assert_no_error (error);
  entries = outbox (fixture);
  g_assert_cmpuint (entries->len, ==, 1);
}

static void
test_book_then_cancel (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *id = NULL;
  MkOutboxEntry *entry;

  /* Offline: booked, then cancelled before any sync. */
  g_assert_true (mk_edits_book_slot (fixture->store, fixture->clock, "slot-free-5",
                                     "Patient/" MK_DEMO_PATIENT_ID, NULL, &id, &error));
  g_assert_true (mk_edits_cancel_appointment (fixture->store, fixture->clock, id, "Передумала",
                                              &error));
  g_assert_no_error (error);

  entries = outbox (fixture);
  g_assert_cmpuint (entries->len, ==, 2);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpint (entry->op, ==, MK_OUTBOX_CREATE);
  g_assert_nonnull (strstr (entry->json, "\"booked\""));
  entry = g_ptr_array_index (entries, 1);
  g_assert_cmpint (entry->op, ==, MK_OUTBOX_UPDATE);
  g_assert_cmpstr (entry->id, ==, id);
  /* No server version yet: set when the create is accepted. */
  g_assert_null (entry->if_match);
  g_assert_nonnull (strstr (entry->json, "\"cancelled\""));
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

  add_test ("/edits/book", test_book);
  add_test ("/edits/book-refused", test_book_refused);
  add_test ("/edits/cancel", test_cancel);
  add_test ("/edits/cancel-cutoff", test_cancel_cutoff);
  add_test ("/edits/book-then-cancel", test_book_then_cancel);

  return g_test_run ();
}
