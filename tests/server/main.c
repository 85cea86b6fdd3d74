/* main.c — medkarta-test-server: the test FHIR server as a program, for the
 * demo and for manual testing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Prints "base_url=…" and "ca_file=…" lines on standard output once it
 * listens, then serves until SIGINT or SIGTERM.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>

#include <glib-unix.h>

#include "mk-test-server.h"

static gboolean
on_signal (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(MkTestServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data_file = NULL;
  g_autofree char *db_file = NULL;
  g_autofree char *tls_dir = NULL;
  g_autofree char *token = NULL;
  gboolean demo = FALSE;
  int port = 0;
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, "Port on 127.0.0.1 (default: any free one)", "N" },
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &data_file, "Seed with a FHIR Bundle or NDJSON file", "FILE" },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &demo, "Seed with the demo card, dated from today", NULL },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_file, "Keep the server's data in this SQLite file (default: in memory)", "FILE" },
    { "token", 't', 0, G_OPTION_ARG_STRING, &token, "Require this bearer token", "TOKEN" },
    { "tls-dir", 0, 0, G_OPTION_ARG_FILENAME, &tls_dir, "Write or reuse the CA in this directory", "DIR" },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new ("— a small FHIR R4 server over HTTPS for testing Medkarta");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("medkarta-test-server: %s\n", error->message);
      return 2;
    }
  if (port < 0 || port > 65535)
    {
      g_printerr ("medkarta-test-server: --port must be between 0 and 65535\n");
      return 2;
    }

  server = mk_test_server_new (db_file, &error);
  if (server == NULL)
    {
      g_printerr ("medkarta-test-server: %s\n", error->message);
      return 1;
    }

  if (data_file != NULL)
    {
      g_autofree char *text = NULL;

      if (!g_file_get_contents (data_file, &text, NULL, &error) ||
          !mk_test_server_load_json (server, text, &error))
        {
          g_printerr ("medkarta-test-server: %s: %s\n", data_file, error->message);
          return 1;
        }
    }
  if (demo)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();

      if (!mk_test_server_load_demo (server, now, &error))
        {
          g_printerr ("medkarta-test-server: demo card: %s\n", error->message);
          return 1;
        }
    }

  if (tls_dir != NULL)
    mk_test_server_set_tls_dir (server, tls_dir);
  if (token != NULL)
    mk_test_server_set_token (server, token);
  mk_test_server_set_port (server, port);

  if (!mk_test_server_start (server, &error))
    {
      g_printerr ("medkarta-test-server: %s\n", error->message);
      return 1;
    }

  g_print ("base_url=%s\nca_file=%s\n",
           mk_test_server_get_base_url (server),
           mk_test_server_get_ca_file (server));
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, on_signal, loop);
  g_unix_signal_add (SIGTERM, on_signal, loop);
  g_main_loop_run (loop);

  mk_test_server_stop (server);
  return 0;
}
