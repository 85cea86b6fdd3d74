/* test-reminders.c — the reminder engine over scripted timelines
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Real stores in temporary directories, the demo card anchored on
 * 2026-11-23 (TZ=Europe/Moscow from the test environment) and a fake clock
 * moved by hand. The demo gives: a visit tomorrow (24.11) at 10:30, a
 * telemedicine visit on 27.11 at 18:00, a prescription valid through 25.11,
 * an expired one, a vaccination valid until 03.12 and a medical-book round
 * valid until 18.12.
 */
#include "config.h"

#include <string.h>
#include <time.h>

#include "mk-demo.h"
#include "mk-edits.h"
#include "mk-outbox.h"
#include "mk-reminders.h"
#include "mk-test-util.h"

#define ANCHOR "2026-11-23T10:00:00+03:00"

typedef struct
{
  char        *dir;
  MkStore     *store;
  MkClock     *clock;
  MkReminders *reminders;
} Fixture;

static GDateTime *
parse (const char *iso)
{
  GDateTime *moment = g_date_time_new_from_iso8601 (iso, NULL);

  g_assert_nonnull (moment);
  return moment;
}

static void
set_now (Fixture    *f,
         const char *iso)
{
  g_autoptr(GDateTime) moment = parse (iso);

  mk_clock_set_now (f->clock, moment);
}

static void
open_store (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->store = mk_store_open_in_dir (f->dir, &error);
  g_assert_no_error (error);
  f->reminders = mk_reminders_new (f->store, f->clock);
}

static void
close_store (Fixture *f)
{
  g_clear_object (&f->reminders);
  g_clear_object (&f->store);
}

static void
fixture_setup_empty (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) anchor = parse (ANCHOR);

  f->dir = g_dir_make_tmp ("mk-reminders-XXXXXX", &error);
  g_assert_no_error (error);
  f->clock = mk_clock_new_fake (anchor);
  open_store (f);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) anchor = parse (ANCHOR);

  fixture_setup_empty (f, data);
  mk_demo_write (f->store, anchor, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  close_store (f);
  g_clear_object (&f->clock);
  mk_test_remove_tree (f->dir);
  g_free (f->dir);
}

static GPtrArray *
fire (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *items = mk_reminders_fire (f->reminders, &error);

  g_assert_no_error (error);
  g_assert_nonnull (items);
  return items;
}

static GPtrArray *
fire_at (Fixture    *f,
         const char *iso)
{
  set_now (f, iso);
  return fire (f);
}

/* Fires, and nothing is due. */
static void
assert_nothing_fires (Fixture *f)
{
  g_autoptr(GPtrArray) items = fire (f);

  g_assert_cmpuint (items->len, ==, 0);
}

static GPtrArray *
list_due (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *items = mk_reminders_list_due (f->reminders, &error);

  g_assert_no_error (error);
  g_assert_nonnull (items);
  return items;
}

static const MkReminder *
find_kind (GPtrArray      *items,
           MkReminderKind  kind,
           const char     *resource)
{
  for (guint i = 0; i < items->len; i++)
    {
      const MkReminder *item = g_ptr_array_index (items, i);

      if (item->kind == kind && (resource == NULL || g_strcmp0 (item->resource, resource) == 0))
        return item;
    }

  return NULL;
}

static guint
count_kind (GPtrArray      *items,
            MkReminderKind  kind)
{
  guint n = 0;

  for (guint i = 0; i < items->len; i++)
    if (((const MkReminder *) g_ptr_array_index (items, i))->kind == kind)
      n++;
  return n;
}

static void
assert_due_at (const MkReminder *item,
               const char       *iso)
{
  g_autoptr(GDateTime) expected = parse (iso);

  g_assert_nonnull (item);
  if (!g_date_time_equal (item->due, expected))
    {
      g_autofree char *got = g_date_time_format_iso8601 (item->due);
      g_error ("%s: due %s, expected %s", item->key, got, iso);
    }
}

/* The first run fires what is true now, once. */
static void
first_run (Fixture *f)
{
  g_autoptr(GPtrArray) items = NULL;

  items = fire_at (f, ANCHOR);
  g_assert_nonnull (find_kind (items, MK_REMINDER_PRESCRIPTION_EXPIRING, "MedicationRequest/rx-expiring"));
}

static void
import (Fixture    *f,
        const char *json)
{
  g_autoptr(GError) error = NULL;

  mk_store_import_json (f->store, json, -1, NULL, &error);
  g_assert_no_error (error);
}

/* A newer version of the stored appointment with @status and @start, as a
 * sync would bring it. */
static void
import_appointment_change (Fixture    *f,
                           const char *id,
                           const char *status,
                           const char *start,
                           const char *version)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = mk_store_get_json (f->store, "Appointment", id, &error);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;
  JsonObject *object, *meta;

  g_assert_no_error (error);
  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  json_object_set_string_member (object, "status", status);
  if (start != NULL)
    json_object_set_string_member (object, "start", start);
  if (json_object_has_member (object, "end"))
    json_object_remove_member (object, "end");
  meta = json_object_get_object_member (object, "meta");
  json_object_set_string_member (meta, "versionId", version);
  json_object_set_string_member (meta, "lastUpdated", "2026-11-23T07:35:00Z");
  json_generator_set_root (generator, json_parser_get_root (parser));
  text = json_generator_to_data (generator, NULL);
  import (f, text);
}

/* The stored @type/@id as JSON with @member set to @value (when not NULL)
 * and meta.versionId/lastUpdated set: a newer version as a server would
 * send it. */
static char *
stored_json_with (Fixture    *f,
                  const char *type,
                  const char *id,
                  const char *member,
                  const char *value,
                  const char *version,
                  const char *last_updated)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = mk_store_get_json (f->store, type, id, &error);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  JsonObject *object, *meta;

  g_assert_no_error (error);
  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  if (member != NULL)
    json_object_set_string_member (object, member, value);
  meta = json_object_get_object_member (object, "meta");
  json_object_set_string_member (meta, "versionId", version);
  json_object_set_string_member (meta, "lastUpdated", last_updated);
  json_generator_set_root (generator, json_parser_get_root (parser));
  return json_generator_to_data (generator, NULL);
}

static void
assert_withdrawn (Fixture    *f,
                  const char *only_key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) withdrawn = mk_reminders_collect_withdrawn (f->reminders, &error);

  g_assert_no_error (error);
  g_assert_nonnull (withdrawn);
  if (only_key == NULL)
    {
      g_assert_cmpuint (withdrawn->len, ==, 0);
      return;
    }
  g_assert_cmpuint (withdrawn->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (withdrawn, 0), ==, only_key);
}

/* ---------------------------------------------------------------------- */

static void
test_demo_first_run (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GPtrArray) fired = NULL;
  g_autoptr(GPtrArray) again = NULL;
  const MkReminder *item;

  set_now (f, ANCHOR);
  listed = list_due (f);
  g_assert_nonnull (find_kind (listed, MK_REMINDER_PRESCRIPTION_EXPIRING, "MedicationRequest/rx-expiring"));
  g_assert_nonnull (find_kind (listed, MK_REMINDER_PRESCRIPTION_EXPIRED, "MedicationRequest/rx-expired"));
  g_assert_nonnull (find_kind (listed, MK_REMINDER_VACCINATION_DUE, "Immunization/imm-tdap"));
  g_assert_nonnull (find_kind (listed, MK_REMINDER_MEDBOOK_EXAM_DUE, NULL));
  /* The demo's results are not news; the visit tomorrow is not due yet. */
  g_assert_cmpuint (count_kind (listed, MK_REMINDER_NEW_RESULTS), ==, 0);
  g_assert_cmpuint (count_kind (listed, MK_REMINDER_VISIT_DAY_BEFORE), ==, 0);
  g_assert_cmpuint (count_kind (listed, MK_REMINDER_CATCH_UP_SUMMARY), ==, 0);
  g_assert_cmpuint (listed->len, ==, 4);

  item = find_kind (listed, MK_REMINDER_VACCINATION_DUE, NULL);
  g_assert_cmpstr (item->action, ==, "app.open::Immunization/imm-tdap");
  g_assert_true (g_str_has_prefix (item->key, "vaccination-due:Immunization/imm-tdap:"));

  /* Listing records nothing: firing gives the same items, once. */
  fired = fire (f);
  g_assert_cmpuint (fired->len, ==, listed->len);
  for (guint i = 0; i < fired->len; i++)
    g_assert_cmpstr (((MkReminder *) g_ptr_array_index (fired, i))->key, ==,
                     ((MkReminder *) g_ptr_array_index (listed, i))->key);
  again = fire (f);
  g_assert_cmpuint (again->len, ==, 0);
}

static void
test_visit_moments (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GDateTime) wakeup = NULL;
  g_autoptr(GError) error = NULL;
  const MkReminder *item;

  first_run (f);

  wakeup = mk_reminders_next_wakeup (f->reminders, &error);
  g_assert_no_error (error);
  g_assert_nonnull (wakeup);
  {
    g_autoptr(GDateTime) expected = parse ("2026-11-23T10:30:00+03:00");
    g_assert_true (g_date_time_equal (wakeup, expected));
  }

  /* 24 h before the visit, not a minute earlier. */
  set_now (f, "2026-11-23T10:29:00+03:00");
  assert_nothing_fires (f);

  items = fire_at (f, "2026-11-23T10:30:00+03:00");
  g_assert_cmpuint (items->len, ==, 1);
  item = find_kind (items, MK_REMINDER_VISIT_DAY_BEFORE, "Appointment/appt-tomorrow");
  assert_due_at (item, "2026-11-23T10:30:00+03:00");
  g_assert_cmpstr (item->key, ==, "visit-day-before:Appointment/appt-tomorrow:2026-11-24T07:30:00Z");
  g_assert_cmpstr (item->action, ==, "app.open::Appointment/appt-tomorrow");
  g_assert_cmpint (item->priority, ==, MK_REMINDER_PRIORITY_HIGH);
  /* Same zone as the clinic: no clinic time in the text. */
  g_assert_nonnull (strstr (item->body, "10:30"));
  g_assert_null (strstr (item->body, "clinic time"));
  g_clear_pointer (&items, g_ptr_array_unref);

  assert_nothing_fires (f);

  /* 2 h before. */
  items = fire_at (f, "2026-11-24T08:29:59+03:00");
  g_assert_cmpuint (count_kind (items, MK_REMINDER_VISIT_SOON), ==, 0);
  g_clear_pointer (&items, g_ptr_array_unref);

  items = fire_at (f, "2026-11-24T08:30:00+03:00");
  item = find_kind (items, MK_REMINDER_VISIT_SOON, "Appointment/appt-tomorrow");
  g_assert_nonnull (item);
  g_assert_cmpint (item->priority, ==, MK_REMINDER_PRIORITY_URGENT);
  g_clear_pointer (&items, g_ptr_array_unref);

  /* Once the visit started, its shown reminders are withdrawn. */
  set_now (f, "2026-11-24T10:31:00+03:00");
  {
    g_autoptr(GPtrArray) withdrawn = mk_reminders_collect_withdrawn (f->reminders, &error);

    g_assert_no_error (error);
    g_assert_true (g_ptr_array_find_with_equal_func (withdrawn,
                                                     "visit-soon:Appointment/appt-tomorrow:2026-11-24T07:30:00Z",
                                                     g_str_equal, NULL));
  }
}

static void
test_restart (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GPtrArray) items = NULL;

  first_run (f);
  items = fire_at (f, "2026-11-23T10:30:00+03:00");
  g_assert_cmpuint (items->len, ==, 1);
  g_clear_pointer (&items, g_ptr_array_unref);

  /* The app quits and starts again at the same moment and a bit later. */
  close_store (f);
  open_store (f);
  assert_nothing_fires (f);

  set_now (f, "2026-11-23T20:00:00+03:00");
  close_store (f);
  open_store (f);
  assert_nothing_fires (f);

  /* The clock goes back (a manual change): nothing repeats either. */
  items = fire_at (f, ANCHOR);
  g_assert_cmpuint (items->len, ==, 0);
}

static void
test_catch_up (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) items = NULL;
  const MkReminder *item;

  first_run (f);

  /* Asleep from the anchor until 27.11 12:00: the day-before reminder of
   * the telemedicine visit (26.11 18:00) and the prescription's expiry
   * (26.11 00:00) were missed; the visit of 24.11 is over (dropped). */
  items = fire_at (f, "2026-11-27T12:00:00+03:00");
  g_assert_cmpuint (items->len, ==, 1);
  item = g_ptr_array_index (items, 0);
  g_assert_cmpint (item->kind, ==, MK_REMINDER_CATCH_UP_SUMMARY);
  g_assert_cmpstr (item->title, ==, "You missed 2 reminders");
  g_assert_nonnull (strstr (item->body, "Prescription expired"));
  g_assert_nonnull (strstr (item->body, "Upcoming visit"));
  g_clear_pointer (&items, g_ptr_array_unref);

  assert_nothing_fires (f);

  /* Later moments fire normally again. */
  items = fire_at (f, "2026-11-27T16:00:00+03:00");
  g_assert_nonnull (find_kind (items, MK_REMINDER_VISIT_SOON, "Appointment/appt-telemed"));
  g_assert_cmpuint (items->len, ==, 1);
}

static void
test_cancel_by_clinic (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) withdrawn = NULL;
  g_autoptr(GError) error = NULL;
  const MkReminder *item;

  first_run (f);
  items = fire_at (f, "2026-11-23T10:30:00+03:00");
  g_assert_cmpuint (items->len, ==, 1);
  g_clear_pointer (&items, g_ptr_array_unref);

  /* A sync brings the cancelled visit. */
  import_appointment_change (f, "appt-tomorrow", "cancelled", NULL, "2");
  items = fire_at (f, "2026-11-23T10:40:00+03:00");
  g_assert_cmpuint (items->len, ==, 1);
  item = find_kind (items, MK_REMINDER_VISIT_CHANGED, "Appointment/appt-tomorrow");
  g_assert_nonnull (item);
  g_assert_cmpstr (item->title, ==, "Visit cancelled by the clinic");
  g_assert_cmpint (item->priority, ==, MK_REMINDER_PRIORITY_URGENT);
  g_clear_pointer (&items, g_ptr_array_unref);

  /* Exactly one notice, also after a restart and the same sync again. */
  assert_nothing_fires (f);
  import_appointment_change (f, "appt-tomorrow", "cancelled", NULL, "2");
  close_store (f);
  open_store (f);
  assert_nothing_fires (f);

  withdrawn = mk_reminders_collect_withdrawn (f->reminders, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (withdrawn->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (withdrawn, 0), ==,
                   "visit-day-before:Appointment/appt-tomorrow:2026-11-24T07:30:00Z");
  g_clear_pointer (&withdrawn, g_ptr_array_unref);
  withdrawn = mk_reminders_collect_withdrawn (f->reminders, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (withdrawn->len, ==, 0);

  /* No "visit soon" for a cancelled visit. */
  items = fire_at (f, "2026-11-24T08:30:00+03:00");
  g_assert_null (find_kind (items, MK_REMINDER_VISIT_SOON, "Appointment/appt-tomorrow"));
}

static void
test_reschedule (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) withdrawn = NULL;
  g_autoptr(GError) error = NULL;
  const MkReminder *item;

  first_run (f);
  items = fire_at (f, "2026-11-23T10:30:00+03:00");
  g_clear_pointer (&items, g_ptr_array_unref);

  import_appointment_change (f, "appt-tomorrow", "booked", "2026-11-26T12:00:00+03:00", "2");
  items = fire_at (f, "2026-11-23T11:00:00+03:00");
  g_assert_cmpuint (items->len, ==, 1);
  item = find_kind (items, MK_REMINDER_VISIT_CHANGED, "Appointment/appt-tomorrow");
  g_assert_cmpstr (item->title, ==, "Visit moved by the clinic");
  g_assert_cmpstr (item->key, ==, "visit-changed:Appointment/appt-tomorrow:moved:2026-11-26T09:00:00Z");
  g_clear_pointer (&items, g_ptr_array_unref);

  withdrawn = mk_reminders_collect_withdrawn (f->reminders, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (withdrawn->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (withdrawn, 0), ==,
                   "visit-day-before:Appointment/appt-tomorrow:2026-11-24T07:30:00Z");

  /* The old moment is silent; the new one fires. */
  items = fire_at (f, "2026-11-24T08:30:00+03:00");
  g_assert_null (find_kind (items, MK_REMINDER_VISIT_SOON, "Appointment/appt-tomorrow"));
  g_clear_pointer (&items, g_ptr_array_unref);

  items = fire_at (f, "2026-11-25T11:59:00+03:00");
  g_assert_null (find_kind (items, MK_REMINDER_VISIT_DAY_BEFORE, "Appointment/appt-tomorrow"));
  g_clear_pointer (&items, g_ptr_array_unref);

  items = fire_at (f, "2026-11-25T12:00:00+03:00");
  item = find_kind (items, MK_REMINDER_VISIT_DAY_BEFORE, "Appointment/appt-tomorrow");
  g_assert_nonnull (item);
  g_assert_cmpstr (item->key, ==, "visit-day-before:Appointment/appt-tomorrow:2026-11-26T09:00:00Z");
}

static void
test_quiet_hours (Fixture       *f,
                  gconstpointer  data)
{
  MkReminderSettings settings;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GDateTime) wakeup = NULL;
  g_autoptr(GDateTime) expected = NULL;
  g_autoptr(GError) error = NULL;

  first_run (f);

  /* Quiet 10:15–11:00: the day-before reminder (10:30) waits. */
  mk_reminder_settings_init_defaults (&settings);
  settings.quiet_start_minutes = 10 * 60 + 15;
  settings.quiet_end_minutes = 11 * 60;
  mk_reminders_set_settings (f->reminders, &settings);

  set_now (f, "2026-11-23T10:30:00+03:00");
  assert_nothing_fires (f);

  wakeup = mk_reminders_next_wakeup (f->reminders, &error);
  g_assert_no_error (error);
  expected = parse ("2026-11-23T11:00:00+03:00");
  g_assert_true (g_date_time_equal (wakeup, expected));

  items = fire_at (f, "2026-11-23T11:00:00+03:00");
  g_assert_nonnull (find_kind (items, MK_REMINDER_VISIT_DAY_BEFORE, "Appointment/appt-tomorrow"));
  g_clear_pointer (&items, g_ptr_array_unref);

  /* Urgent items ignore quiet hours (22:00–09:00 here). */
  settings.quiet_start_minutes = 22 * 60;
  settings.quiet_end_minutes = 9 * 60;
  mk_reminders_set_settings (f->reminders, &settings);
  items = fire_at (f, "2026-11-24T08:30:00+03:00");
  g_assert_nonnull (find_kind (items, MK_REMINDER_VISIT_SOON, "Appointment/appt-tomorrow"));
}

static void
test_new_results (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) items = NULL;
  const MkReminder *item;

  first_run (f);

  import (f, "{\"resourceType\":\"Observation\",\"id\":\"new-hb\",\"status\":\"final\","
             "\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"2026-11-23T08:00:00Z\"},"
             "\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\"laboratory\"}]}],"
             "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"718-7\",\"display\":\"Hemoglobin\"}]},"
             "\"subject\":{\"reference\":\"Patient/demo-patient\"},"
             "\"effectiveDateTime\":\"2026-11-23T09:00:00+03:00\","
             "\"valueQuantity\":{\"value\":98,\"unit\":\"g/L\"},"
             "\"referenceRange\":[{\"low\":{\"value\":120,\"unit\":\"g/L\"},\"high\":{\"value\":150,\"unit\":\"g/L\"}}]}");
  items = fire_at (f, "2026-11-23T11:05:00+03:00");
  item = find_kind (items, MK_REMINDER_NEW_RESULTS, "Observation/new-hb");
  g_assert_nonnull (item);
  g_assert_nonnull (strstr (item->body, "out of range"));
  g_clear_pointer (&items, g_ptr_array_unref);

  /* Two more at once: one notice with the count. */
  import (f, "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
             "{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"new-glu\",\"status\":\"final\","
             "\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"2026-11-23T08:10:00Z\"},"
             "\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\"laboratory\"}]}],"
             "\"code\":{\"text\":\"Glucose\"},\"valueQuantity\":{\"value\":5.1,\"unit\":\"mmol/L\"},"
             "\"referenceRange\":[{\"low\":{\"value\":3.9},\"high\":{\"value\":6.1}}]}},"
             "{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"new-chol\",\"status\":\"final\","
             "\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"2026-11-23T08:10:00Z\"},"
             "\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\"laboratory\"}]}],"
             "\"code\":{\"text\":\"Cholesterol\"},\"valueQuantity\":{\"value\":7.2,\"unit\":\"mmol/L\"},"
             "\"referenceRange\":[{\"high\":{\"value\":5.2}}]}}]}");
  items = fire_at (f, "2026-11-23T11:15:00+03:00");
  g_assert_cmpuint (count_kind (items, MK_REMINDER_NEW_RESULTS), ==, 1);
  item = find_kind (items, MK_REMINDER_NEW_RESULTS, NULL);
  g_assert_cmpstr (item->title, ==, "2 new lab results");
  g_assert_nonnull (strstr (item->body, "1 of them is out of range"));
  g_clear_pointer (&items, g_ptr_array_unref);

  items = fire (f);
  g_assert_cmpuint (items->len, ==, 0);
}

static void
test_account_and_doctor (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  const MkReminder *item;

  mk_store_set_meta (f->store, "server-url", "https://fhir.example.org/r4", &error);
  g_assert_no_error (error);
  mk_store_set_meta (f->store, "last-sync", "2026-11-19T07:00:00Z", &error);
  g_assert_no_error (error);
  mk_store_set_meta (f->store, "practitioner", "Practitioner/doc-1", &error);
  g_assert_no_error (error);
  mk_store_set_meta (f->store, "signing-certificate-expires", "2026-11-30", &error);
  g_assert_no_error (error);

  items = fire_at (f, ANCHOR);
  /* Last synced 4 days ago. */
  g_assert_nonnull (find_kind (items, MK_REMINDER_NOT_SYNCED, NULL));
  /* Expires in 7 days: the 7-day step (the 30-day one is superseded). */
  g_assert_cmpuint (count_kind (items, MK_REMINDER_CERTIFICATE_EXPIRING), ==, 1);
  item = find_kind (items, MK_REMINDER_CERTIFICATE_EXPIRING, NULL);
  g_assert_cmpstr (item->key, ==, "certificate-expiring:2026-11-30:7d");
  g_clear_pointer (&items, g_ptr_array_unref);

  /* The sync engine records a failure. */
  mk_store_set_meta (f->store, "sync-error", "The sign-in has expired.", &error);
  g_assert_no_error (error);
  items = fire_at (f, "2026-11-23T10:10:00+03:00");
  item = find_kind (items, MK_REMINDER_SIGN_IN_EXPIRED, NULL);
  g_assert_nonnull (item);
  g_assert_cmpstr (item->body, ==, "The sign-in has expired.");
  g_clear_pointer (&items, g_ptr_array_unref);

  /* Tomorrow's schedule at 18:00: the visit on 24.11. */
  items = fire_at (f, "2026-11-23T17:59:00+03:00");
  g_assert_null (find_kind (items, MK_REMINDER_SCHEDULE_TOMORROW, NULL));
  g_clear_pointer (&items, g_ptr_array_unref);
  items = fire_at (f, "2026-11-23T18:00:00+03:00");
  item = find_kind (items, MK_REMINDER_SCHEDULE_TOMORROW, NULL);
  g_assert_nonnull (item);
  g_assert_cmpstr (item->body, ==, "1 appointment tomorrow, the first at 10:30.");
  g_clear_pointer (&items, g_ptr_array_unref);

  /* A successful sync clears the error: its notice is withdrawn. */
  mk_store_set_meta (f->store, "sync-error", NULL, &error);
  g_assert_no_error (error);
  mk_store_set_meta (f->store, "last-sync", "2026-11-23T15:00:00Z", &error);
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) withdrawn = mk_reminders_collect_withdrawn (f->reminders, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (withdrawn->len, ==, 2);
  }
}

static void
test_dispensed (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) withdrawn = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  const MkReminder *item;

  /* The demo's old dispensed prescriptions are not news. */
  first_run (f);

  /* A sync brings the expiring prescription, now dispensed. */
  json = stored_json_with (f, "MedicationRequest", "rx-expiring", "status", "completed",
                           "2", "2026-11-23T07:10:00Z");
  import (f, json);

  items = fire_at (f, "2026-11-23T10:15:00+03:00");
  g_assert_cmpuint (items->len, ==, 1);
  item = find_kind (items, MK_REMINDER_PRESCRIPTION_DISPENSED, "MedicationRequest/rx-expiring");
  g_assert_nonnull (item);
  g_assert_cmpstr (mk_reminder_kind_to_string (item->kind), ==, "prescription-dispensed");
  g_assert_cmpstr (item->key, ==, "prescription-dispensed:MedicationRequest/rx-expiring");
  g_assert_cmpstr (item->action, ==, "app.open::MedicationRequest/rx-expiring");
  g_assert_cmpint (item->priority, ==, MK_REMINDER_PRIORITY_NORMAL);
  g_assert_cmpstr (item->title, ==, "Prescription dispensed");
  /* An event is due when it happened. */
  assert_due_at (item, "2026-11-23T10:10:00+03:00");
  g_clear_pointer (&items, g_ptr_array_unref);

  /* Once: again, after the same sync again and after a restart. */
  assert_nothing_fires (f);
  import (f, json);
  close_store (f);
  open_store (f);
  assert_nothing_fires (f);

  /* The shown "expiring" notice is no longer true. */
  withdrawn = mk_reminders_collect_withdrawn (f->reminders, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (withdrawn->len, ==, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (withdrawn, 0),
                                   "prescription-expiring:MedicationRequest/rx-expiring:"));

  /* Nor does it expire any more (the validity ended on 25.11). */
  items = fire_at (f, "2026-11-26T10:00:00+03:00");
  g_assert_null (find_kind (items, MK_REMINDER_PRESCRIPTION_EXPIRED, "MedicationRequest/rx-expiring"));
  g_assert_null (find_kind (items, MK_REMINDER_PRESCRIPTION_DISPENSED, NULL));
  item = find_kind (items, MK_REMINDER_CATCH_UP_SUMMARY, NULL);
  g_assert_true (item == NULL || strstr (item->body, "Prescription expired") == NULL);
}

#define EXTRACT_TASK \
  "{\"resourceType\":\"Task\",\"id\":\"%s\",\"status\":\"%s\",\"intent\":\"order\"," \
  "\"meta\":{\"versionId\":\"%s\",\"lastUpdated\":\"%s\"}," \
  "\"code\":{\"text\":\"Medical record extract\"}," \
  "\"description\":\"Extract from the medical record\"," \
  "\"for\":{\"reference\":\"Patient/demo-patient\"}," \
  "\"requester\":{\"reference\":\"Patient/demo-patient\"}," \
  "\"owner\":{\"reference\":\"Organization/clinic-1\",\"display\":\"City Clinic No. 1\"}," \
  "\"authoredOn\":\"2026-11-20T09:00:00+03:00\"}"

static void
import_task (Fixture    *f,
             const char *id,
             const char *status,
             const char *version,
             const char *last_updated)
{
  g_autofree char *json = g_strdup_printf (EXTRACT_TASK, id, status, version, last_updated);

  import (f, json);
}

static void
test_request_status (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) items = NULL;
  const MkReminder *item;

  /* A request that existed before the first run is not news. */
  import_task (f, "extract-old", "completed", "3", "2026-11-10T08:00:00Z");
  first_run (f);

  /* The clinic took a new request into work. */
  import_task (f, "extract-1", "in-progress", "2", "2026-11-23T07:05:00Z");
  items = fire_at (f, "2026-11-23T10:10:00+03:00");
  g_assert_cmpuint (items->len, ==, 1);
  item = find_kind (items, MK_REMINDER_REQUEST_STATUS, "Task/extract-1");
  g_assert_nonnull (item);
  g_assert_cmpstr (item->key, ==, "request-status:Task/extract-1:in-progress");
  g_clear_pointer (&items, g_ptr_array_unref);
  assert_nothing_fires (f);

  /* …and completed it. */
  import_task (f, "extract-1", "completed", "3", "2026-11-23T07:15:00Z");
  items = fire_at (f, "2026-11-23T10:20:00+03:00");
  g_assert_cmpuint (items->len, ==, 1);
  item = find_kind (items, MK_REMINDER_REQUEST_STATUS, "Task/extract-1");
  g_assert_nonnull (item);
  g_assert_cmpstr (mk_reminder_kind_to_string (item->kind), ==, "request-status");
  g_assert_cmpstr (item->key, ==, "request-status:Task/extract-1:completed");
  g_assert_cmpstr (item->action, ==, "app.open::Task/extract-1");
  g_assert_cmpint (item->priority, ==, MK_REMINDER_PRIORITY_NORMAL);
  g_assert_cmpstr (item->title, ==, "Request status changed");
  g_assert_cmpstr (item->body, ==, "Extract from the medical record: Completed");
  assert_due_at (item, "2026-11-23T10:15:00+03:00");
  g_clear_pointer (&items, g_ptr_array_unref);

  /* Once: again, after the same sync again and after a restart. */
  assert_nothing_fires (f);
  import_task (f, "extract-1", "completed", "3", "2026-11-23T07:15:00Z");
  close_store (f);
  open_store (f);
  assert_nothing_fires (f);
  /* An event, not a state: nothing to withdraw. */
  assert_withdrawn (f, NULL);
}

static void
test_sync_conflict (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) created = NULL;
  g_autofree char *mine = NULL;
  g_autofree char *server = NULL;
  g_autofree char *key = NULL;
  const MkReminder *item;
  gint64 seq = 0;

  mk_store_set_meta (f->store, "server-url", "https://fhir.example.org/r4", &error);
  g_assert_no_error (error);
  first_run (f);

  /* The user adds a comment to next week's visit; the edit waits. */
  set_now (f, "2026-11-23T10:05:00+03:00");
  created = mk_clock_get_now (f->clock);
  mine = stored_json_with (f, "Appointment", "appt-next-week", "comment", "I will bring the referral",
                           "1", "2026-11-08T17:15:00Z");
  mk_store_queue_edit (f->store, MK_OUTBOX_UPDATE, mine, NULL, created, &seq, &error);
  g_assert_no_error (error);
  g_assert_cmpint (seq, >, 0);
  assert_nothing_fires (f);

  /* The push meets a newer version on the server (412). */
  server = stored_json_with (f, "Appointment", "appt-next-week", "comment", "Room 214",
                             "2", "2026-11-23T07:04:00Z");
  mk_store_outbox_conflict (f->store, seq, server, &error);
  g_assert_no_error (error);

  items = fire_at (f, "2026-11-23T10:10:00+03:00");
  g_assert_cmpuint (items->len, ==, 1);
  item = find_kind (items, MK_REMINDER_SYNC_CONFLICT, NULL);
  g_assert_nonnull (item);
  key = g_strdup_printf ("sync-conflict:%" G_GINT64_FORMAT, seq);
  g_assert_cmpstr (item->key, ==, key);
  g_assert_null (item->resource);
  g_assert_cmpstr (item->action, ==, "app.open::sync");
  g_assert_cmpint (item->priority, ==, MK_REMINDER_PRIORITY_HIGH);
  g_assert_cmpstr (item->title, ==, "Sync conflict");
  g_clear_pointer (&items, g_ptr_array_unref);

  /* Once, also after a restart; still true, so not withdrawn. */
  assert_nothing_fires (f);
  close_store (f);
  open_store (f);
  assert_nothing_fires (f);
  assert_withdrawn (f, NULL);

  /* The user keeps the server's version: the notice is withdrawn, once,
   * and the visit (same time, same status) is no news. */
  mk_store_resolve_conflict (f->store, seq, MK_CONFLICT_KEEP_SERVER, &error);
  g_assert_no_error (error);
  assert_withdrawn (f, key);
  assert_withdrawn (f, NULL);
  set_now (f, "2026-11-23T10:15:00+03:00");
  assert_nothing_fires (f);
}

static void
test_own_cancel (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *accepted = NULL;
  MkOutboxEntry *entry;

  first_run (f);
  items = fire_at (f, "2026-11-23T10:30:00+03:00");
  g_assert_nonnull (find_kind (items, MK_REMINDER_VISIT_DAY_BEFORE, "Appointment/appt-tomorrow"));
  g_clear_pointer (&items, g_ptr_array_unref);

  /* The user cancels tomorrow's visit: a local edit in the outbox. */
  set_now (f, "2026-11-23T10:35:00+03:00");
  mk_edits_cancel_appointment (f->store, f->clock, "appt-tomorrow", NULL, &error);
  g_assert_no_error (error);

  /* Not "cancelled by the clinic"; the day-before notice is withdrawn. */
  items = fire (f);
  g_assert_null (find_kind (items, MK_REMINDER_VISIT_CHANGED, NULL));
  g_assert_cmpuint (items->len, ==, 0);
  g_clear_pointer (&items, g_ptr_array_unref);
  assert_withdrawn (f, "visit-day-before:Appointment/appt-tomorrow:2026-11-24T07:30:00Z");
  assert_withdrawn (f, NULL);

  /* The push is accepted: the server's version replaces the local row,
   * still no notice — the engine saw the edit while it was local. */
  outbox = mk_store_list_outbox (f->store, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 1);
  entry = g_ptr_array_index (outbox, 0);
  g_assert_cmpstr (entry->id, ==, "appt-tomorrow");
  accepted = stored_json_with (f, "Appointment", "appt-tomorrow", "status", "cancelled",
                               "2", "2026-11-23T07:36:00Z");
  mk_store_outbox_accepted (f->store, entry->seq, accepted, &error);
  g_assert_no_error (error);
  items = fire_at (f, "2026-11-23T10:40:00+03:00");
  g_assert_cmpuint (items->len, ==, 0);
  g_clear_pointer (&items, g_ptr_array_unref);
  close_store (f);
  open_store (f);
  assert_nothing_fires (f);

  /* No "visit soon" for the cancelled visit. */
  items = fire_at (f, "2026-11-24T08:30:00+03:00");
  g_assert_null (find_kind (items, MK_REMINDER_VISIT_SOON, "Appointment/appt-tomorrow"));
  g_assert_null (find_kind (items, MK_REMINDER_VISIT_CHANGED, NULL));
}

/* Two connections to one file, firing at the same time from two threads. */
typedef struct
{
  const char *dir;
  GDateTime  *now;
  GPtrArray  *keys;
} RaceArgs;

static gpointer
race_thread (gpointer data)
{
  RaceArgs *args = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MkStore) store = mk_store_open_in_dir (args->dir, &error);
  g_autoptr(MkClock) clock = mk_clock_new_fake (args->now);
  g_autoptr(MkReminders) reminders = NULL;
  g_autoptr(GPtrArray) items = NULL;

  g_assert_no_error (error);
  reminders = mk_reminders_new (store, clock);
  items = mk_reminders_fire (reminders, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (args->keys, g_strdup (((MkReminder *) g_ptr_array_index (items, i))->key));
  return NULL;
}

static void
test_two_connections (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GDateTime) now = parse ("2026-11-23T10:30:00+03:00");
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  RaceArgs args[2];
  GThread *threads[2];
  guint total = 0;

  close_store (f);
  for (int round = 0; round < 2; round++)
    {
      for (int i = 0; i < 2; i++)
        {
          args[i] = (RaceArgs) { f->dir, now, g_ptr_array_new_with_free_func (g_free) };
          threads[i] = g_thread_new ("fire", race_thread, &args[i]);
        }
      for (int i = 0; i < 2; i++)
        {
          g_thread_join (threads[i]);
          for (guint j = 0; j < args[i].keys->len; j++)
            {
              const char *key = g_ptr_array_index (args[i].keys, j);

              g_assert_false (g_hash_table_contains (seen, key));
              g_hash_table_add (seen, g_strdup (key));
              total++;
            }
          g_ptr_array_unref (args[i].keys);
        }
    }

  /* The first run's four items and the visit reminder, once in total. */
  g_assert_cmpuint (total, ==, 5);
  open_store (f);
}

/* ---- Zones: run in a subprocess with its own TZ ---------------------------- */

static const char *clinic_visit =
  "{\"resourceType\":\"Appointment\",\"id\":\"zone-visit\",\"status\":\"booked\","
  "\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"2026-11-01T07:00:00Z\"},"
  "\"start\":\"%s\",\"specialty\":[{\"text\":\"Cardiology\"}],"
  "\"participant\":[{\"actor\":{\"reference\":\"Patient/p1\"},\"status\":\"accepted\"}]}";

static void
zone_case (const char *tz,
           const char *start,
           const char *before,
           const char *at,
           const char *body_part,
           const char *body_part_2)
{
  Fixture fx = { 0 }, *f = &fx;
  g_autofree char *json = g_strdup_printf (clinic_visit, start);
  g_autoptr(GPtrArray) items = NULL;
  const MkReminder *item;

  g_setenv ("TZ", tz, TRUE);
  tzset ();

  fixture_setup_empty (f, NULL);
  set_now (f, "2026-10-01T12:00:00Z");
  g_clear_pointer (&items, g_ptr_array_unref);
  items = fire (f);
  g_clear_pointer (&items, g_ptr_array_unref);
  import (f, json);

  set_now (f, before);
  assert_nothing_fires (f);

  items = fire_at (f, at);
  item = find_kind (items, MK_REMINDER_VISIT_DAY_BEFORE, "Appointment/zone-visit");
  assert_due_at (item, at);
  if (strstr (item->body, body_part) == NULL
      || (body_part_2 != NULL && strstr (item->body, body_part_2) == NULL))
    g_error ("unexpected text: %s", item->body);

  fixture_teardown (f, NULL);
}

/* zone_case() in a subprocess of the test, as it changes TZ. */
static void
zone_case_in_subprocess (const char *tz,
                         const char *start,
                         const char *before,
                         const char *at,
                         const char *body_part,
                         const char *body_part_2)
{
  if (g_test_subprocess ())
    {
      zone_case (tz, start, before, at, body_part, body_part_2);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_zone_novosibirsk (void)
{
  /* A Moscow clinic, a patient in Novosibirsk: the same instant; the
   * text shows 14:30 here and 10:30 at the clinic with its zone. */
  zone_case_in_subprocess ("Asia/Novosibirsk", "2026-11-24T10:30:00+03:00",
                           "2026-11-23T07:29:59Z", "2026-11-23T07:30:00Z",
                           "14:30 (10:30 clinic time, UTC+03:00)", NULL);
}

static void
test_zone_dst (void)
{
  /* Berlin, the night of 24→25.10.2026 goes from +02:00 to +01:00: 24 h
   * before Sunday 10:30 (+01:00) is Saturday 11:30 local (+02:00). */
  zone_case_in_subprocess ("Europe/Berlin", "2026-10-25T10:30:00+01:00",
                           "2026-10-24T11:29:59+02:00", "2026-10-24T11:30:00+02:00",
                           "10:30", NULL);
}

static void
test_kind_names (void)
{
  for (int k = MK_REMINDER_VISIT_DAY_BEFORE; k <= MK_REMINDER_CATCH_UP_SUMMARY; k++)
    {
      MkReminderKind back;

      g_assert_true (mk_reminder_kind_from_string (mk_reminder_kind_to_string (k), &back));
      g_assert_cmpint (back, ==, k);
    }
  g_assert_false (mk_reminder_kind_from_string ("no-such-kind", NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/reminders/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  g_test_add_func ("/reminders/kind-names", test_kind_names);
  ADD ("demo-first-run", test_demo_first_run);
  ADD ("visit-moments", test_visit_moments);
  ADD ("restart", test_restart);
  ADD ("catch-up", test_catch_up);
  ADD ("cancel-by-clinic", test_cancel_by_clinic);
  ADD ("reschedule", test_reschedule);
  ADD ("quiet-hours", test_quiet_hours);
  ADD ("new-results", test_new_results);
  ADD ("account-and-doctor", test_account_and_doctor);
  ADD ("dispensed", test_dispensed);
  ADD ("request-status", test_request_status);
  ADD ("sync-conflict", test_sync_conflict);
  ADD ("own-cancel", test_own_cancel);
  ADD ("two-connections", test_two_connections);
  g_test_add_func ("/reminders/zone-novosibirsk", test_zone_novosibirsk);
  g_test_add_func ("/reminders/zone-dst", test_zone_dst);

  return g_test_run ();
}
