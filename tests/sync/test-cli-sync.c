/* test-cli-sync.c — medkartactl account add and sync against the
 * medkarta-test-server program
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "mk-test-util.h"

#define TOKEN "cli-test-token"

typedef struct
{
  char        *dir;
  GSubprocess *server;
  char        *base_url;
  char        *ca_file;
} Fixture;

static char *
build_path (const char *relative)
{
  return g_build_filename (g_getenv ("MEDKARTA_BUILD_DIR"), relative, NULL);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *program = build_path ("tests/server/medkarta-test-server");
  g_autofree char *tls_dir = NULL;
  g_autoptr(GDataInputStream) out = NULL;

  f->dir = g_dir_make_tmp ("medkarta-cli-sync-XXXXXX", &error);
  g_assert_no_error (error);
  tls_dir = g_build_filename (f->dir, "tls", NULL);

  f->server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                program, "--demo", "--token", TOKEN, "--tls-dir", tls_dir, NULL);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->server));
  while (f->base_url == NULL || f->ca_file == NULL)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (g_str_has_prefix (line, "base_url="))
        f->base_url = g_strdup (line + strlen ("base_url="));
      else if (g_str_has_prefix (line, "ca_file="))
        f->ca_file = g_strdup (line + strlen ("ca_file="));
    }
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_subprocess_send_signal (f->server, SIGTERM);
  g_subprocess_wait (f->server, NULL, NULL);
  g_clear_object (&f->server);
  mk_test_remove_tree (f->dir);
  g_clear_pointer (&f->dir, g_free);
  g_clear_pointer (&f->base_url, g_free);
  g_clear_pointer (&f->ca_file, g_free);
}

/* Runs medkartactl with @args (stdin: @input, or nothing); returns its
 * exit status. */
static int
run_ctl (const char * const  *args,
         const char          *input,
         char               **out,
         char               **err)
{
  g_autoptr(MkTestRun) run = mk_test_run_ctl (input != NULL ? input : "", NULL, args);

  g_test_message ("medkartactl %s → %d\nstdout: %s\nstderr: %s", args[2],
                  run->exit_status, run->out, run->err);
  if (out != NULL)
    *out = g_steal_pointer (&run->out);
  if (err != NULL)
    *err = g_steal_pointer (&run->err);
  return run->exit_status;
}

static gboolean
have_keyring (void)
{
  if (g_getenv ("MEDKARTA_TEST_KEYRING") == NULL)
    {
      g_test_skip ("No test Secret Service (run under build-aux/test-session.sh)");
      return FALSE;
    }
  return TRUE;
}

static void
test_add_and_sync (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *card = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) summary = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  if (!have_keyring ())
    return;

  card = g_build_filename (f->dir, "card", NULL);
  {
    const char * const args[] = { "--data-dir", card, "account", "add", "--server", f->base_url,
                                  "--patient", "demo-patient", "--token-stdin",
                                  "--ca-file", f->ca_file, "--name", "Поликлиника", NULL };

    g_assert_cmpint (run_ctl (args, TOKEN "\n", NULL, &err), ==, 0);
    g_assert_null (strstr (err, TOKEN));
  }

  {
    const char * const args[] = { "--data-dir", card, "sync", "--json", NULL };

    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run_ctl (args, NULL, &out, &err), ==, 0);
    summary = json_from_string (out, &error);
    g_assert_no_error (error);
    object = json_node_get_object (summary);
    g_assert_cmpint (json_object_get_int_member (object, "fetched"), >, 200);
    g_assert_cmpint (json_object_get_int_member (object, "pushed"), ==, 0);
    g_assert_cmpint (json_object_get_int_member (object, "conflicts"), ==, 0);
    g_assert_true (json_object_has_member (object, "updated"));
    g_assert_true (json_object_has_member (object, "deleted"));
    g_assert_true (json_object_get_boolean_member (object, "ok"));
    g_assert_nonnull (strstr (err, "Observation"));
    g_assert_null (strstr (err, TOKEN));
  }

  {
    const char * const args[] = { "--data-dir", card, "sync", NULL };

    g_clear_pointer (&out, g_free);
    g_assert_cmpint (run_ctl (args, NULL, &out, NULL), ==, 0);
    g_assert_cmpstr (out, ==, "fetched 0, updated 0, deleted 0, pushed 0, conflicts 0\n");
  }
}

static void
test_failures (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *card = g_build_filename (f->dir, "card", NULL);
  g_autofree char *other = g_build_filename (f->dir, "other", NULL);
  g_autofree char *err = NULL;

  /* No account. */
  {
    const char * const args[] = { "--data-dir", other, "sync", NULL };

    g_assert_cmpint (run_ctl (args, NULL, NULL, &err), ==, 1);
    g_assert_nonnull (strstr (err, "account add"));
  }

  /* Usage. */
  {
    const char * const args[] = { "--data-dir", card, "account", "add", "--patient", "x", NULL };

    g_assert_cmpint (run_ctl (args, NULL, NULL, NULL), ==, 2);
  }
  {
    const char * const args[] = { "--data-dir", card, "account", "remove", NULL };

    g_assert_cmpint (run_ctl (args, NULL, NULL, NULL), ==, 2);
  }

  /* Without the clinic's CA the certificate is not trusted: one clear line. */
  {
    const char * const args[] = { "--data-dir", card, "account", "add", "--server", f->base_url,
                                  "--patient", "demo-patient", NULL };

    g_assert_cmpint (run_ctl (args, NULL, NULL, NULL), ==, 0);
  }
  {
    const char * const args[] = { "--data-dir", card, "sync", NULL };
    g_auto(GStrv) lines = NULL;
    const char *last;

    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run_ctl (args, NULL, NULL, &err), ==, 1);
    lines = g_strsplit (g_strchomp (err), "\n", -1);
    last = lines[g_strv_length (lines) - 1];
    g_assert_true (g_str_has_prefix (last, "medkartactl: Sync failed: "));
    g_assert_nonnull (strstr (last, "certificate"));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cli-sync/add-and-sync", Fixture, NULL, fixture_set_up, test_add_and_sync,
              fixture_tear_down);
  g_test_add ("/cli-sync/failures", Fixture, NULL, fixture_set_up, test_failures,
              fixture_tear_down);

  return g_test_run ();
}
