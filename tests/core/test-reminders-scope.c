/* test-reminders-scope.c — the scoped reminder check equals the full scan
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The engine asks the store only for rows that can yield a reminder
 * (MkReminderQuery: no cancelled or draft prescriptions, dispensed ones
 * and requests only when changed after the baseline, …) and the app runs
 * withdraw + fire + next wake-up as one check (mk_reminders_check()). This
 * test builds a generated mirror twice and walks both through the same
 * timeline and the same updates: one engine scoped and checked the app's
 * way, the other reading every row (mk_reminders_set_full_scan()) through
 * the three separate calls. Every answer must be the same.
 */
#include "config.h"

#include "mk-reminders.h"
#include "mk-test-util.h"

#define ANCHOR "2026-11-23T10:00:00+03:00"
#define VALID_UNTIL "https://medkarta.github.io/fhir/StructureDefinition/valid-until"

static const char * const rx_statuses[] = {
  "active", "completed", "cancelled", "stopped", "draft", "entered-in-error", "on-hold", NULL,
};

typedef struct
{
  char        *dir[2];
  MkStore     *store[2];
  MkClock     *clock;
  MkReminders *scoped;
  MkReminders *full;
} Fixture;

/* ANCHOR + @hours, in UTC text with the offset @offset_hours. */
static char *
moment (double hours,
        int    offset_hours)
{
  g_autoptr(GDateTime) anchor = g_date_time_new_from_iso8601 (ANCHOR, NULL);
  g_autoptr(GDateTime) t = g_date_time_add_seconds (anchor, hours * 3600);
  g_autoptr(GTimeZone) tz = g_time_zone_new_offset (offset_hours * 3600);
  g_autoptr(GDateTime) shifted = g_date_time_to_timezone (t, tz);

  return g_date_time_format_iso8601 (shifted);
}

static char *
day (int days)
{
  g_autoptr(GDateTime) anchor = g_date_time_new_from_iso8601 (ANCHOR, NULL);
  g_autoptr(GDateTime) t = g_date_time_add_days (anchor, days);

  return g_date_time_format (t, "%Y-%m-%d");
}

static void
add_prescription (GString    *out,
                  guint       i,
                  const char *status,
                  const char *version,
                  const char *updated,
                  int         end_days)
{
  g_autofree char *end = day (end_days);

  g_string_append_printf (out,
                          "{\"resourceType\":\"MedicationRequest\",\"id\":\"rx-%u\","
                          "\"meta\":{\"versionId\":\"%s\",\"lastUpdated\":\"%s\"},",
                          i, version, updated);
  if (status != NULL)
    g_string_append_printf (out, "\"status\":\"%s\",", status);
  g_string_append_printf (out,
                          "\"intent\":\"order\",\"medicationCodeableConcept\":{\"text\":\"Medicine %u\"},"
                          "\"subject\":{\"reference\":\"Patient/p\"},\"authoredOn\":\"2026-10-01\","
                          "\"dispenseRequest\":{\"validityPeriod\":{\"start\":\"2026-10-01\",\"end\":\"%s\"}}}\n",
                          i, end);
}

static void
add_lab (GString    *out,
         guint       i,
         const char *version,
         const char *updated,
         double      value)
{
  g_string_append_printf (out,
                          "{\"resourceType\":\"Observation\",\"id\":\"lab-%u\","
                          "\"meta\":{\"versionId\":\"%s\",\"lastUpdated\":\"%s\"},\"status\":\"final\","
                          "\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\","
                          "\"code\":\"laboratory\"}]}],\"code\":{\"text\":\"Test %u\"},"
                          "\"subject\":{\"reference\":\"Patient/p\"},\"effectiveDateTime\":\"2026-11-01T08:00:00+03:00\","
                          "\"valueQuantity\":{\"value\":%g,\"unit\":\"g/L\"},"
                          "\"referenceRange\":[{\"low\":{\"value\":120},\"high\":{\"value\":160}}]}\n",
                          i, version, updated, i, value);
}

static void
add_task (GString    *out,
          guint       i,
          const char *status,
          const char *version,
          const char *updated)
{
  g_string_append_printf (out,
                          "{\"resourceType\":\"Task\",\"id\":\"task-%u\","
                          "\"meta\":{\"versionId\":\"%s\",\"lastUpdated\":\"%s\"},"
                          "\"status\":\"%s\",\"intent\":\"order\",\"description\":\"Request %u\","
                          "\"for\":{\"reference\":\"Patient/p\"}}\n",
                          i, version, updated, status, i);
}

static void
add_appointment (GString    *out,
                 guint       i,
                 const char *status,
                 const char *version,
                 const char *updated,
                 double      start_hours)
{
  g_autofree char *start = moment (start_hours, 3);
  g_autofree char *end = moment (start_hours + 0.5, 3);

  g_string_append_printf (out,
                          "{\"resourceType\":\"Appointment\",\"id\":\"appt-%u\","
                          "\"meta\":{\"versionId\":\"%s\",\"lastUpdated\":\"%s\"},\"status\":\"%s\","
                          "\"specialty\":[{\"text\":\"Doctor %u\"}],\"start\":\"%s\",\"end\":\"%s\","
                          "\"participant\":[{\"actor\":{\"reference\":\"Patient/p\"},\"status\":\"accepted\"}]}\n",
                          i, version, updated, status, i, start, end);
}

static void
add_immunization (GString    *out,
                  guint       i,
                  const char *status,
                  const char *updated,
                  int         valid_days)
{
  g_autofree char *until = day (valid_days);

  g_string_append_printf (out,
                          "{\"resourceType\":\"Immunization\",\"id\":\"imm-%u\","
                          "\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"%s\"},\"status\":\"%s\","
                          "\"vaccineCode\":{\"text\":\"Vaccine %u\"},\"patient\":{\"reference\":\"Patient/p\"},"
                          "\"occurrenceDateTime\":\"2025-01-10\","
                          "\"extension\":[{\"url\":\"" VALID_UNTIL "\",\"valueDate\":\"%s\"}]}\n",
                          i, updated, status, i, until);
}

/* The mirror as it is before the engine's first run. */
static char *
generate_mirror (void)
{
  GString *out = g_string_new (NULL);
  g_autofree char *old = moment (-24 * 30, 3);

  for (guint i = 0; i < 80; i++)
    add_prescription (out, i, rx_statuses[i % G_N_ELEMENTS (rx_statuses)], "1", old, (int) i - 40);
  for (guint i = 0; i < 30; i++)
    add_lab (out, i, "1", old, 130);
  for (guint i = 0; i < 12; i++)
    add_task (out, i, "requested", "1", old);
  for (guint i = 0; i < 40; i++)
    add_appointment (out, i, i % 5 == 4 ? "cancelled" : "booked", "1", old, ((int) i - 10) * 9.5);
  for (guint i = 0; i < 40; i++)
    add_immunization (out, i, i % 6 == 5 ? "entered-in-error" : "completed", old, (int) i * 2 - 30);

  return g_string_free (out, FALSE);
}

/* What a sync brings a few hours after the first run: dispensed and
 * cancelled prescriptions (lastUpdated in several offsets, one in the
 * future as a server clock ahead would write it), new results, request
 * status changes, a cancelled and a moved visit, a new vaccination. */
static char *
generate_update (double hours)
{
  GString *out = g_string_new (NULL);
  g_autofree char *msk = moment (hours, 3);
  g_autofree char *ny = moment (hours + 0.1, -5);
  g_autofree char *nsk = moment (hours + 0.2, 7);
  g_autofree char *ahead = moment (hours + 30, 3);

  for (guint i = 0; i < 80; i += 3)
    add_prescription (out, i, i % 2 == 0 ? "completed" : "cancelled", "2",
                      i % 9 == 0 ? ny : (i % 9 == 3 ? nsk : (i == 15 ? ahead : msk)), (int) i - 40);
  for (guint i = 0; i < 30; i += 4)
    add_lab (out, i, "2", i % 8 == 0 ? ny : msk, i % 3 == 0 ? 99 : 140);
  for (guint i = 0; i < 12; i += 2)
    add_task (out, i, i % 4 == 0 ? "completed" : "in-progress", "2", i == 6 ? nsk : msk);
  add_appointment (out, 12, "cancelled", "2", msk, 2 * 9.5);
  add_appointment (out, 13, "booked", "2", msk, 3 * 9.5 + 30);
  add_immunization (out, 100, "completed", msk, 3);

  return g_string_free (out, FALSE);
}

static void
import_both (Fixture    *f,
             const char *ndjson)
{
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GError) error = NULL;

      mk_store_import_json (f->store[i], ndjson, -1, NULL, &error);
      g_assert_no_error (error);
    }
}

static void
set_now (Fixture *f,
         double   hours)
{
  g_autofree char *iso = moment (hours, 3);
  g_autoptr(GDateTime) now = g_date_time_new_from_iso8601 (iso, NULL);

  mk_clock_set_now (f->clock, now);
}

static char *
describe_items (GPtrArray *items)
{
  GString *out = g_string_new (NULL);

  g_assert_nonnull (items);
  for (guint i = 0; i < items->len; i++)
    {
      const MkReminder *r = g_ptr_array_index (items, i);
      g_autofree char *due = g_date_time_format_iso8601 (r->due);

      g_string_append_printf (out, "%s|%d|%s|%s|%s|%s|%d|%s\n", r->key, r->kind, r->resource,
                              r->title, r->body, due, r->priority, r->action);
    }
  return g_string_free (out, FALSE);
}

static char *
describe_keys (GPtrArray *keys)
{
  GString *out = g_string_new (NULL);

  g_assert_nonnull (keys);
  for (guint i = 0; i < keys->len; i++)
    g_string_append_printf (out, "%s\n", (const char *) g_ptr_array_index (keys, i));
  return g_string_free (out, FALSE);
}

static char *
describe_moment (GDateTime *moment)
{
  return moment != NULL ? g_date_time_format_iso8601 (moment) : g_strdup ("none");
}

/* One step of the timeline: the dry run, then the check both ways. */
static guint
check_step (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) due_scoped = NULL;
  g_autoptr(GPtrArray) due_full = NULL;
  g_autoptr(GPtrArray) withdrawn = NULL;
  g_autoptr(GPtrArray) fired = NULL;
  g_autoptr(GDateTime) next = NULL;
  g_autoptr(GPtrArray) full_withdrawn = NULL;
  g_autoptr(GPtrArray) full_fired = NULL;
  g_autoptr(GDateTime) full_next = NULL;
  g_autofree char *a = NULL, *b = NULL;

  due_scoped = mk_reminders_list_due (f->scoped, &error);
  g_assert_no_error (error);
  due_full = mk_reminders_list_due (f->full, &error);
  g_assert_no_error (error);
  a = describe_items (due_scoped);
  b = describe_items (due_full);
  g_assert_cmpstr (a, ==, b);
  g_clear_pointer (&a, g_free);
  g_clear_pointer (&b, g_free);

  g_assert_true (mk_reminders_check (f->scoped, &withdrawn, &fired, &next, &error));
  g_assert_no_error (error);

  full_withdrawn = mk_reminders_collect_withdrawn (f->full, &error);
  g_assert_no_error (error);
  full_fired = mk_reminders_fire (f->full, &error);
  g_assert_no_error (error);
  full_next = mk_reminders_next_wakeup (f->full, &error);
  g_assert_no_error (error);

  a = describe_keys (withdrawn);
  b = describe_keys (full_withdrawn);
  g_assert_cmpstr (a, ==, b);
  g_clear_pointer (&a, g_free);
  g_clear_pointer (&b, g_free);

  a = describe_items (fired);
  b = describe_items (full_fired);
  g_assert_cmpstr (a, ==, b);
  g_clear_pointer (&a, g_free);
  g_clear_pointer (&b, g_free);

  a = describe_moment (next);
  b = describe_moment (full_next);
  g_assert_cmpstr (a, ==, b);

  return fired->len + withdrawn->len;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *mirror = generate_mirror ();
  g_autoptr(GDateTime) anchor = g_date_time_new_from_iso8601 (ANCHOR, NULL);

  f->clock = mk_clock_new_fake (anchor);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GError) error = NULL;

      f->dir[i] = g_dir_make_tmp ("mk-reminders-scope-XXXXXX", &error);
      g_assert_no_error (error);
      f->store[i] = mk_store_open_in_dir (f->dir[i], &error);
      g_assert_no_error (error);
    }
  import_both (f, mirror);

  f->scoped = mk_reminders_new (f->store[0], f->clock);
  f->full = mk_reminders_new (f->store[1], f->clock);
  mk_reminders_set_full_scan (f->full, TRUE);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->scoped);
  g_clear_object (&f->full);
  for (guint i = 0; i < 2; i++)
    {
      g_clear_object (&f->store[i]);
      mk_test_remove_tree (f->dir[i]);
      g_free (f->dir[i]);
    }
  g_clear_object (&f->clock);
}

static void
test_same_as_full_scan (Fixture       *f,
                        gconstpointer  data)
{
  guint total = 0;

  /* Before the first run (dry run only), then the first run. */
  total += check_step (f);
  set_now (f, 0.5);
  total += check_step (f);

  /* A sync lands; the engine runs at several later moments. */
  {
    g_autofree char *update = generate_update (2);

    import_both (f, update);
  }
  set_now (f, 3);
  total += check_step (f);
  set_now (f, 3);
  total += check_step (f);
  set_now (f, 24 + 7);
  total += check_step (f);
  set_now (f, 24 * 5 + 1);
  total += check_step (f);

  /* Another sync, after days, with the laptop asleep in between. */
  {
    g_autofree char *update = generate_update (24 * 9);

    import_both (f, update);
  }
  set_now (f, 24 * 12);
  total += check_step (f);
  set_now (f, 24 * 40);
  total += check_step (f);

  /* The timeline really exercised the engine. */
  g_assert_cmpuint (total, >, 20);
}

/* The news pre-filter keeps instants after the baseline in any offset. */
static void
test_news_in_other_offsets (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) fired = NULL;
  GString *update = g_string_new (NULL);
  g_autofree char *text = NULL;
  g_autofree char *west = moment (0.75, -11);
  g_autofree char *east = moment (0.8, 14);

  set_now (f, 0.5);
  check_step (f);

  /* Just after the baseline, written in far offsets: news for both. */
  add_task (update, 1, "accepted", "3", west);
  add_prescription (update, 7, "completed", "3", east, -33);
  text = g_string_free (update, FALSE);
  import_both (f, text);

  set_now (f, 1);
  fired = mk_reminders_list_due (f->scoped, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fired->len, ==, 2);
  check_step (f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/reminders-scope/same-as-full-scan", Fixture, NULL,
              fixture_setup, test_same_as_full_scan, fixture_teardown);
  g_test_add ("/reminders-scope/news-in-other-offsets", Fixture, NULL,
              fixture_setup, test_news_in_other_offsets, fixture_teardown);

  return g_test_run ();
}
