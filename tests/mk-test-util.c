/* mk-test-util.c — helpers shared by the core, CLI and UI tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "mk-test-util.h"

/* Removes @path and, when it is a directory, everything below it.
 * Symbolic links are removed, never followed. */
void
mk_test_remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          mk_test_remove_tree (child);
        }
    }
  g_remove (path);
}

gboolean
mk_test_skip_if (const char *reason)
{
  if (reason == NULL)
    return FALSE;
  g_test_skip (reason);
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* A store in a temporary directory */

static void
count_changed (MkStore *store,
               guint   *n_changed)
{
  (*n_changed)++;
}

MkStore *
mk_test_open_store (const char  *tmpl,
                    const char  *subdir,
                    char       **dir,
                    char       **path,
                    guint       *n_changed)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *file = NULL;
  MkStore *store;

  *dir = g_dir_make_tmp (tmpl, &error);
  g_assert_no_error (error);
  if (subdir != NULL)
    file = g_build_filename (*dir, subdir, MK_STORE_FILE_NAME, NULL);
  else
    file = g_build_filename (*dir, MK_STORE_FILE_NAME, NULL);
  store = mk_store_open (file, &error);
  g_assert_no_error (error);
  if (n_changed != NULL)
    g_signal_connect (store, "changed", G_CALLBACK (count_changed), n_changed);

  if (path != NULL)
    *path = g_steal_pointer (&file);
  return store;
}

void
mk_test_close_store (MkStore    *store,
                     const char *dir)
{
  g_assert_finalize_object (store);
  mk_test_remove_tree (dir);
}

/* ---------------------------------------------------------------------- */
/* Running medkartactl */

void
mk_test_make_data_dir (const char  *tmpl,
                       char       **tmp_dir,
                       char       **data_dir)
{
  g_autoptr(GError) error = NULL;

  *tmp_dir = g_dir_make_tmp (tmpl, &error);
  g_assert_no_error (error);
  *data_dir = g_build_filename (*tmp_dir, "data", NULL);
}

void
mk_test_clear_data_dir (char **tmp_dir,
                        char **data_dir)
{
  mk_test_remove_tree (*tmp_dir);
  g_clear_pointer (data_dir, g_free);
  g_clear_pointer (tmp_dir, g_free);
}

void
mk_test_run_free (MkTestRun *run)
{
  g_free (run->out);
  g_free (run->err);
  g_free (run);
}

MkTestRun *
mk_test_run_ctl (const char         *input,
                 const char * const *env,
                 const char * const *argv)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE;
  const char *binary = g_getenv ("MEDKARTACTL");
  MkTestRun *run = g_new0 (MkTestRun, 1);

  g_assert_nonnull (binary);
  if (input != NULL)
    flags |= G_SUBPROCESS_FLAGS_STDIN_PIPE;
  else
    flags |= G_SUBPROCESS_FLAGS_STDIN_INHERIT;

  launcher = g_subprocess_launcher_new (flags);
  for (guint i = 0; env != NULL && env[i] != NULL; i += 2)
    {
      if (env[i + 1] != NULL)
        g_subprocess_launcher_setenv (launcher, env[i], env[i + 1], TRUE);
      else
        g_subprocess_launcher_unsetenv (launcher, env[i]);
    }

  g_ptr_array_add (args, (gpointer) binary);
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) argv[i]);
  g_ptr_array_add (args, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->exit_status = g_subprocess_get_exit_status (process);

  return run;
}

void
mk_test_assert_exit (MkTestRun *run,
                     int        expected)
{
  if (run->exit_status != expected)
    g_error ("exit status %d, expected %d\nstdout:\n%s\nstderr:\n%s",
             run->exit_status, expected, run->out, run->err);
}

static gboolean
flag_timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
flag_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(gboolean *) user_data = TRUE;
}

gboolean
mk_test_run_command (const char * const  *argv,
                     const char          *cwd,
                     GSubprocessFlags     flags,
                     guint                timeout,
                     GError             **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);
  g_autoptr(GSubprocess) process = NULL;
  gboolean done = FALSE, timed_out = FALSE;
  guint timeout_id;

  g_subprocess_launcher_set_cwd (launcher, cwd);
  process = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (process == NULL)
    return FALSE;

  timeout_id = g_timeout_add_seconds (timeout, flag_timeout_cb, &timed_out);
  g_subprocess_wait_async (process, NULL, flag_done_cb, &done);
  while (!done && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!done)
    {
      g_subprocess_force_exit (process);
      while (!done)
        g_main_context_iteration (NULL, TRUE);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "%s took more than %u s", argv[0], timeout);
      return FALSE;
    }
  g_source_remove (timeout_id);

  if (!g_subprocess_get_successful (process))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s failed", argv[0]);
      return FALSE;
    }
  return TRUE;
}

gboolean
mk_test_copy_file (const char  *from_dir,
                   const char  *to_dir,
                   const char  *name,
                   GError     **error)
{
  g_autofree char *from = g_build_filename (from_dir, name, NULL);
  g_autofree char *to = g_build_filename (to_dir, name, NULL);
  g_autofree char *data = NULL;
  gsize len;

  return g_file_get_contents (from, &data, &len, error) &&
         g_file_set_contents (to, data, len, error);
}

char *
mk_test_prepare_npm (const char  *subdir,
                     const char  *script,
                     const char  *installed,
                     guint        timeout,
                     GError     **error)
{
  const char *srcdir = g_getenv ("MEDKARTA_SOURCE_DIR");
  const char *builddir = g_getenv ("MEDKARTA_BUILD_DIR");
  g_autofree char *src = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *lock = NULL;
  g_autofree char *marker = NULL;
  g_autofree char *installed_path = NULL;
  g_autofree char *source_lock = NULL;
  g_autofree char *installed_lock = NULL;

  g_assert_nonnull (srcdir);
  g_assert_nonnull (builddir);
  src = g_build_filename (srcdir, "tests", subdir, NULL);
  dir = g_build_filename (builddir, "tests", subdir, "npm", NULL);
  lock = g_build_filename (src, "package-lock.json", NULL);
  marker = g_build_filename (dir, "node_modules", ".medkarta-lock", NULL);
  installed_path = g_build_filename (dir, "node_modules", installed, NULL);

  g_mkdir_with_parents (dir, 0700);
  if (!g_file_get_contents (lock, &source_lock, NULL, error))
    return NULL;
  g_file_get_contents (marker, &installed_lock, NULL, NULL);

  if (!mk_test_copy_file (src, dir, script, error))
    return NULL;

  if (g_strcmp0 (installed_lock, source_lock) != 0)
    {
      const char *argv[] = { "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error", "--prefix", dir, NULL };

      if (!mk_test_copy_file (src, dir, "package.json", error) ||
          !mk_test_copy_file (src, dir, "package-lock.json", error))
        return NULL;

      g_test_message ("npm ci into %s", dir);
      if (!mk_test_run_command (argv, dir, G_SUBPROCESS_FLAGS_STDOUT_SILENCE, timeout, error) ||
          !g_file_set_contents (marker, source_lock, -1, error))
        return NULL;
    }

  if (!g_file_test (installed_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s is not in %s", installed, dir);
      return NULL;
    }

  return g_steal_pointer (&dir);
}

gboolean
mk_test_make_certificate (const char  *dir,
                          char       **key_file,
                          char       **cert_file,
                          GError     **error)
{
  g_autofree char *template = g_build_filename (dir, "cert.cfg", NULL);
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  const GSubprocessFlags quiet = G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE;
  const char *key_argv[] = { "certtool", "--generate-privkey", "--key-type", "ecdsa",
                             "--outfile", key, NULL };
  const char *cert_argv[] = { "certtool", "--generate-self-signed", "--load-privkey", key,
                              "--template", template, "--outfile", cert, NULL };

  if (!g_file_set_contents (template,
                            "cn = 127.0.0.1\n"
                            "ip_address = 127.0.0.1\n"
                            "ca\ncert_signing_key\nsigning_key\ntls_www_server\n"
                            "expiration_days = 2\n", -1, error) ||
      !mk_test_run_command (key_argv, dir, quiet, 30, error) ||
      !mk_test_run_command (cert_argv, dir, quiet, 30, error))
    return FALSE;

  if (key_file != NULL)
    *key_file = g_steal_pointer (&key);
  if (cert_file != NULL)
    *cert_file = g_steal_pointer (&cert);
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Servers of node, from npm */

static void
line_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **line = user_data;

  *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, NULL);
  if (*line == NULL)
    *line = g_strdup ("");
}

/* The server goes when the test goes, even when it aborts. */
static void
die_with_parent (gpointer user_data)
{
#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, SIGTERM);
#endif
}

GSubprocess *
mk_test_start_node_server (const char          *npm_dir,
                           const char * const  *argv,
                           GSubprocessFlags     flags,
                           guint                timeout,
                           GDataInputStream   **out,
                           char               **url,
                           GError             **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) stdout_stream = NULL;
  g_autofree char *line = NULL;
  gboolean timed_out = FALSE;
  guint timeout_id;

  g_ptr_array_add (args, (gpointer) "node");
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) argv[i]);
  g_ptr_array_add (args, NULL);

  g_subprocess_launcher_set_cwd (launcher, npm_dir);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, error);
  if (process == NULL)
    return NULL;

  stdout_stream = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  timeout_id = g_timeout_add_seconds (timeout, flag_timeout_cb, &timed_out);
  g_data_input_stream_read_line_async (stdout_stream, G_PRIORITY_DEFAULT, NULL, line_read_cb, &line);
  while (line == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (line == NULL || !g_str_has_prefix (line, "listening on "))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the server of %s did not start", argv[0]);
      mk_test_stop_process (&process);
      return NULL;
    }
  g_source_remove (timeout_id);

  *url = g_strdup (line + strlen ("listening on "));
  if (out != NULL)
    *out = g_steal_pointer (&stdout_stream);
  return g_steal_pointer (&process);
}

void
mk_test_stop_process (GSubprocess **process)
{
  if (*process == NULL)
    return;
  g_subprocess_force_exit (*process);
  g_subprocess_wait (*process, NULL, NULL);
  g_clear_object (process);
}

SoupSession *
mk_test_new_session (const char *ca_file,
                     guint       timeout)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsDatabase) trust = g_tls_file_database_new (ca_file, &error);

  g_assert_no_error (error);
  return soup_session_new_with_options ("timeout", timeout, "tls-database", trust, NULL);
}

/* ---------------------------------------------------------------------- */
/* Where secrets are, and are not */

gboolean
mk_test_bytes_contain (const char *data,
                       gsize       len,
                       const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; n <= len && i <= len - n; i++)
    {
      if (memcmp (data + i, needle, n) == 0)
        return TRUE;
    }
  return FALSE;
}

gboolean
mk_test_file_contains (const char *path,
                       const char *needle)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  return g_file_get_contents (path, &data, &len, NULL) &&
         mk_test_bytes_contain (data, len, needle);
}

const SecretSchema *
mk_test_token_schema (void)
{
  static const SecretSchema schema = {
    "io.github.medkarta.Medkarta.Token", SECRET_SCHEMA_NONE,
    { { "account", SECRET_SCHEMA_ATTRIBUTE_STRING }, { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 } },
  };

  return &schema;
}

guint
mk_test_count_tokens (void)
{
  g_autoptr(GError) error = NULL;
  GList *items = secret_password_search_sync (mk_test_token_schema (), SECRET_SEARCH_ALL, NULL, &error, NULL);
  guint n = g_list_length (items);

  g_assert_no_error (error);
  g_list_free_full (items, g_object_unref);
  return n;
}
