/* test-edits-cli.c — medkartactl book, cancel, outbox and the outbox in status
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs the built binary (MEDKARTACTL) on the demo card, with the clock
 * frozen by MEDKARTA_NOW (TZ=Europe/Moscow comes from the test environment).
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "mk-test-util.h"

#define NOW "2026-11-23T10:00:00+03:00"

typedef struct
{
  char *tmp_dir;
  char *data_dir;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  user_data)
{
  mk_test_make_data_dir ("medkartactl-edits-XXXXXX", &fixture->tmp_dir, &fixture->data_dir);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  user_data)
{
  mk_test_clear_data_dir (&fixture->tmp_dir, &fixture->data_dir);
}

/* Runs the binary with the clock at @now and @argv (NULL-terminated). */
static MkTestRun *
run_at (const char         *now,
        const char * const *argv)
{
  const char * const env[] = { "MEDKARTA_NOW", now, NULL };

  return mk_test_run_ctl (NULL, env, argv);
}

#define run_ctl_at(now, ...) run_at (now, (const char * const[]) { __VA_ARGS__, NULL })
#define run_ctl(...) run_ctl_at (NOW, __VA_ARGS__)

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static void
write_demo (Fixture *fixture)
{
  g_autoptr(MkTestRun) run = run_ctl ("--data-dir", fixture->data_dir, "demo");

  mk_test_assert_exit (run, 0);
}

/* Books @slot and returns the new Appointment's id. */
static char *
book (Fixture    *fixture,
      const char *slot)
{
  g_autoptr(MkTestRun) run = run_ctl ("--data-dir", fixture->data_dir, "book", slot,
                                "--reason", "Кашель");
  g_auto(GStrv) lines = NULL;

  mk_test_assert_exit (run, 0);
  lines = g_strsplit (run->out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_true (g_str_has_prefix (lines[0], "Appointment/"));
  g_assert_cmpstr (lines[1], ==, "Queued; it will be sent on the next sync");
  g_assert_true (g_uuid_string_is_valid (lines[0] + strlen ("Appointment/")));
  return g_strdup (lines[0] + strlen ("Appointment/"));
}

static void
test_book (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autofree char *id = NULL;
  g_autofree char *reference = NULL;
  g_autoptr(MkTestRun) get = NULL;
  g_autoptr(MkTestRun) again = NULL;
  g_autoptr(MkTestRun) slot = NULL;
  g_autoptr(JsonNode) appointment = NULL;
  g_autoptr(JsonNode) slot_json = NULL;
  JsonObject *object;

  write_demo (fixture);
  id = book (fixture, "slot-free-2");

  reference = g_strconcat ("Appointment/", id, NULL);
  get = run_ctl ("--data-dir", fixture->data_dir, "get", reference);
  mk_test_assert_exit (get, 0);
  appointment = parse_json (get->out);
  object = json_node_get_object (appointment);
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "booked");
  g_assert_cmpstr (json_object_get_string_member (
                     json_array_get_object_element (json_object_get_array_member (object, "reasonCode"), 0),
                     "text"), ==, "Кашель");

  slot = run_ctl ("--data-dir", fixture->data_dir, "get", "Slot/slot-free-2");
  mk_test_assert_exit (slot, 0);
  slot_json = parse_json (slot->out);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (slot_json), "status"), ==, "busy");

  /* The slot is taken now. */
  again = run_ctl ("--data-dir", fixture->data_dir, "book", "slot-free-2");
  mk_test_assert_exit (again, 1);
  g_assert_cmpstr (again->out, ==, "");
  g_assert_cmpstr (again->err, ==, "medkartactl: Cannot book: This time is no longer free\n");
}

static void
test_book_errors (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(MkTestRun) missing = NULL;
  g_autoptr(MkTestRun) extra = NULL;
  g_autoptr(MkTestRun) no_patient = NULL;
  g_autoptr(MkTestRun) unknown = NULL;

  missing = run_ctl ("--data-dir", fixture->data_dir, "book");
  mk_test_assert_exit (missing, 2);
  g_assert_nonnull (strstr (missing->err, "Missing argument"));

  extra = run_ctl ("--data-dir", fixture->data_dir, "book", "a", "b");
  mk_test_assert_exit (extra, 2);

  /* An empty card does not say whose it is. */
  no_patient = run_ctl ("--data-dir", fixture->data_dir, "book", "slot-free-1");
  mk_test_assert_exit (no_patient, 1);
  g_assert_true (g_str_has_prefix (no_patient->err, "medkartactl: Cannot book: "));

  write_demo (fixture);
  unknown = run_ctl ("--data-dir", fixture->data_dir, "book", "no-such-slot");
  mk_test_assert_exit (unknown, 1);
  g_assert_cmpstr (unknown->err, ==,
                   "medkartactl: Cannot book: This time slot is not in the medical card\n");
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(MkTestRun) cancel = NULL;
  g_autoptr(MkTestRun) twice = NULL;
  g_autoptr(MkTestRun) late = NULL;
  g_autoptr(MkTestRun) get = NULL;
  g_autoptr(JsonNode) appointment = NULL;
  JsonObject *object;

  write_demo (fixture);

  cancel = run_ctl ("--data-dir", fixture->data_dir, "cancel", "appt-next-week",
                    "--reason", "Командировка");
  mk_test_assert_exit (cancel, 0);
  g_assert_cmpstr (cancel->out, ==, "Queued; it will be sent on the next sync\n");

  get = run_ctl ("--data-dir", fixture->data_dir, "get", "Appointment/appt-next-week");
  mk_test_assert_exit (get, 0);
  appointment = parse_json (get->out);
  object = json_node_get_object (appointment);
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "cancelled");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "cancelationReason"),
                                                  "text"), ==, "Командировка");

  twice = run_ctl ("--data-dir", fixture->data_dir, "cancel", "appt-next-week");
  mk_test_assert_exit (twice, 1);
  g_assert_cmpstr (twice->err, ==, "medkartactl: Cannot cancel: This visit is already cancelled\n");

  /* appt-tomorrow starts 2026-11-24 10:30; an hour before is too late. */
  late = run_ctl_at ("2026-11-24T09:30:00+03:00", "--data-dir", fixture->data_dir,
                     "cancel", "appt-tomorrow");
  mk_test_assert_exit (late, 1);
  g_assert_cmpstr (late->err, ==, "medkartactl: Cannot cancel: A visit can be cancelled no later "
                                  "than 2 hours before it starts\n");
}

static void
test_outbox_and_status (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autofree char *id = NULL;
  g_autofree char *if_none_exist = NULL;
  g_autoptr(MkTestRun) empty = NULL;
  g_autoptr(MkTestRun) cancel = NULL;
  g_autoptr(MkTestRun) list = NULL;
  g_autoptr(MkTestRun) list_json = NULL;
  g_autoptr(MkTestRun) status = NULL;
  g_autoptr(MkTestRun) status_text = NULL;
  g_autoptr(JsonNode) entries = NULL;
  g_autoptr(JsonNode) status_root = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) fields = NULL;
  JsonArray *array;
  JsonObject *entry;
  JsonObject *object;

  write_demo (fixture);

  empty = run_ctl ("--data-dir", fixture->data_dir, "outbox");
  mk_test_assert_exit (empty, 0);
  g_assert_cmpstr (empty->out, ==, "");
  g_assert_cmpstr (empty->err, ==, "No edits are waiting to be sent\n");

  id = book (fixture, "slot-free-3");
  cancel = run_ctl ("--data-dir", fixture->data_dir, "cancel", "appt-next-week");
  mk_test_assert_exit (cancel, 0);

  list_json = run_ctl ("--data-dir", fixture->data_dir, "outbox", "--json");
  mk_test_assert_exit (list_json, 0);
  entries = parse_json (list_json->out);
  array = json_node_get_array (entries);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);

  entry = json_array_get_object_element (array, 0);
  if_none_exist = g_strconcat ("identifier=urn:ietf:rfc:3986|urn:uuid:", id, NULL);
  g_assert_cmpstr (json_object_get_string_member (entry, "type"), ==, "Appointment");
  g_assert_cmpstr (json_object_get_string_member (entry, "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (entry, "op"), ==, "create");
  g_assert_cmpstr (json_object_get_string_member (entry, "state"), ==, "pending");
  g_assert_cmpstr (json_object_get_string_member (entry, "if_none_exist"), ==, if_none_exist);
  g_assert_true (json_object_get_null_member (entry, "if_match"));
  g_assert_true (json_object_get_null_member (entry, "last_error"));
  g_assert_cmpstr (json_object_get_string_member (entry, "created"), ==, "2026-11-23T07:00:00Z");
  g_assert_cmpint (json_object_get_int_member (entry, "attempts"), ==, 0);

  entry = json_array_get_object_element (array, 1);
  g_assert_cmpstr (json_object_get_string_member (entry, "id"), ==, "appt-next-week");
  g_assert_cmpstr (json_object_get_string_member (entry, "op"), ==, "update");
  g_assert_cmpstr (json_object_get_string_member (entry, "if_match"), ==, "W/\"1\"");
  g_assert_cmpint (json_object_get_int_member (entry, "seq"), >,
                   json_object_get_int_member (json_array_get_object_element (array, 0), "seq"));

  list = run_ctl ("--data-dir", fixture->data_dir, "outbox");
  mk_test_assert_exit (list, 0);
  lines = g_strsplit (list->out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  fields = g_strsplit (lines[1], "\t", -1);
  g_assert_cmpuint (g_strv_length (fields), ==, 5);
  g_assert_cmpstr (fields[1], ==, "waiting");
  g_assert_cmpstr (fields[2], ==, "update");
  g_assert_cmpstr (fields[3], ==, "Appointment/appt-next-week");
  g_assert_cmpstr (fields[4], ==, "2026-11-23T07:00:00Z");

  status = run_ctl ("--data-dir", fixture->data_dir, "status", "--json");
  mk_test_assert_exit (status, 0);
  status_root = parse_json (status->out);
  object = json_node_get_object (status_root);
  g_assert_cmpint (json_object_get_int_member (object, "outbox"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (object, "outbox_failed"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (object, "conflicts"), ==, 0);
  g_assert_true (json_object_has_member (object, "last_sync"));
  g_assert_true (json_object_get_null_member (object, "last_sync"));
  g_assert_true (json_object_has_member (object, "server"));
  g_assert_true (json_object_get_null_member (object, "server"));

  status_text = run_ctl ("--data-dir", fixture->data_dir, "status");
  mk_test_assert_exit (status_text, 0);
  g_assert_nonnull (strstr (status_text->out, "2 local edits waiting to be sent\n"));
}

static void
add_test (const char *path,
          void (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  add_test ("/medkartactl/book", test_book);
  add_test ("/medkartactl/book-errors", test_book_errors);
  add_test ("/medkartactl/cancel", test_cancel);
  add_test ("/medkartactl/outbox-and-status", test_outbox_and_status);

  return g_test_run ();
}
