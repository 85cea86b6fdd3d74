/* test-reminders-cli.c — medkartactl reminders over the demo card
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * MEDKARTACTL is the binary under test. The demo card is written with
 * MEDKARTA_NOW on 2026-11-23 (TZ=Europe/Moscow from the test environment).
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "mk-test-util.h"

#define ANCHOR "2026-11-23T10:00:00+03:00"

typedef struct
{
  char *tmp_dir;
  char *data_dir;
} Fixture;

/* Runs medkartactl with @argv (without argv[0]); MEDKARTA_NOW is @now when
 * not NULL, else unset. */
static MkTestRun *
run_ctl (const char         *now,
         const char * const *argv)
{
  const char * const env[] = { "MEDKARTA_NOW", now, NULL };

  return mk_test_run_ctl (NULL, env, argv);
}

#define RUN(now, ...) run_ctl (now, (const char * const[]) { __VA_ARGS__, NULL })

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p != '\0'; p++)
    if (*p == '\n')
      n++;
  return n;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(MkTestRun) run = NULL;

  mk_test_make_data_dir ("mk-reminders-cli-XXXXXX", &f->tmp_dir, &f->data_dir);

  run = RUN (ANCHOR, "--data-dir", f->data_dir, "demo");
  mk_test_assert_exit (run, 0);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  mk_test_clear_data_dir (&f->tmp_dir, &f->data_dir);
}

static void
test_list_text (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(MkTestRun) run = NULL;
  g_autoptr(MkTestRun) again = NULL;

  run = RUN (NULL, "--data-dir", f->data_dir, "reminders", "--at", ANCHOR);
  mk_test_assert_exit (run, 0);
  g_assert_cmpuint (count_lines (run->out), ==, 4);
  g_assert_nonnull (strstr (run->out, "Prescription expiring: "));
  g_assert_nonnull (strstr (run->out, "Vaccination due: "));
  g_assert_nonnull (strstr (run->out, "Medical book exams due: "));
  g_assert_null (strstr (run->out, "Upcoming visit"));

  /* Listing records nothing. */
  again = RUN (NULL, "--data-dir", f->data_dir, "reminders", "--at", ANCHOR);
  mk_test_assert_exit (again, 0);
  g_assert_cmpstr (again->out, ==, run->out);
}

static void
test_fire_json (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(MkTestRun) first = NULL;
  g_autoptr(MkTestRun) second = NULL;
  g_autoptr(MkTestRun) later = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean saw_visit = FALSE;

  first = RUN (NULL, "--data-dir", f->data_dir, "reminders", "--json", "--fire",
               "--at", "2026-11-23T10:30:00+03:00");
  mk_test_assert_exit (first, 0);
  g_assert_cmpuint (count_lines (first->out), ==, 5);

  lines = g_strsplit (first->out, "\n", -1);
  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      JsonObject *object;

      json_parser_load_from_data (parser, lines[i], -1, &error);
      g_assert_no_error (error);
      object = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpuint (json_object_get_size (object), ==, 6);
      for (guint j = 0; j < 6; j++)
        g_assert_true (json_object_has_member (object, (const char *[]) { "key", "kind", "resource",
                                                                           "title", "body", "due" }[j]));
      if (g_strcmp0 (json_object_get_string_member (object, "kind"), "visit-day-before") == 0)
        {
          saw_visit = TRUE;
          g_assert_cmpstr (json_object_get_string_member (object, "resource"), ==, "Appointment/appt-tomorrow");
          g_assert_cmpstr (json_object_get_string_member (object, "key"), ==,
                           "visit-day-before:Appointment/appt-tomorrow:2026-11-24T07:30:00Z");
          g_assert_cmpstr (json_object_get_string_member (object, "due"), ==, "2026-11-23T07:30:00Z");
        }
    }
  g_assert_true (saw_visit);

  /* The identical call lists nothing new. */
  second = RUN (NULL, "--data-dir", f->data_dir, "reminders", "--json", "--fire",
                "--at", "2026-11-23T10:30:00+03:00");
  mk_test_assert_exit (second, 0);
  g_assert_cmpstr (second->out, ==, "");

  /* 2 h before the visit, from MEDKARTA_NOW (no --at). */
  later = RUN ("2026-11-24T08:30:00+03:00", "--data-dir", f->data_dir, "reminders", "--json");
  mk_test_assert_exit (later, 0);
  g_assert_cmpuint (count_lines (later->out), ==, 1);
  g_assert_nonnull (strstr (later->out, "\"kind\":\"visit-soon\""));
}

static void
test_bad_at (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(MkTestRun) run = NULL;
  g_autoptr(MkTestRun) missing = NULL;

  run = RUN (NULL, "--data-dir", f->data_dir, "reminders", "--at", "tomorrow");
  mk_test_assert_exit (run, 2);
  g_assert_cmpstr (run->out, ==, "");
  g_assert_nonnull (strstr (run->err, "“tomorrow” is not a date and time"));

  missing = RUN (NULL, "--data-dir", f->data_dir, "reminders", "--at");
  mk_test_assert_exit (missing, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/reminders-cli/list-text", Fixture, NULL, fixture_setup, test_list_text, fixture_teardown);
  g_test_add ("/reminders-cli/fire-json", Fixture, NULL, fixture_setup, test_fire_json, fixture_teardown);
  g_test_add ("/reminders-cli/bad-at", Fixture, NULL, fixture_setup, test_bad_at, fixture_teardown);

  return g_test_run ();
}
