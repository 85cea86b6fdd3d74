/* mk-test-util.c — helpers shared by the core, CLI and UI tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

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
