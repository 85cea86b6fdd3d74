/* mk-ui-test-util.c — the fixture shared by the page tests
 *
 * Each test program gets a temporary directory as its XDG data and cache
 * home, demo stores written below it for a fixed "today", and a fake clock
 * frozen at the same moment.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "mk-demo.h"
#include "mk-resource.h"
#include "mk-ui-test-util.h"

static char *tmp_root;

/* The demo's "today": the demo card is written relative to it. */
static GDateTime *
test_anchor (void)
{
  return g_date_time_new_from_iso8601 ("2026-11-23T10:00:00+03:00", NULL);
}

/* Makes the temporary directory (@tmp_template as for g_dir_make_tmp()) the
 * user's data and cache home, then initializes GTK and libadwaita. */
void
mk_ui_test_init (int         *argc,
                 char      ***argv,
                 const char  *tmp_template)
{
  tmp_root = g_dir_make_tmp (tmp_template, NULL);
  g_assert_nonnull (tmp_root);
  /* Before anything asks GLib for the user directories. */
  g_setenv ("XDG_DATA_HOME", tmp_root, TRUE);
  g_setenv ("XDG_CACHE_HOME", tmp_root, TRUE);

  gtk_test_init (argc, argv, NULL);
  adw_init ();
}

/* Runs the tests, then removes the temporary directory. */
int
mk_ui_test_run (void)
{
  int ret = g_test_run ();

  mk_test_remove_tree (tmp_root);
  g_clear_pointer (&tmp_root, g_free);
  return ret;
}

/* A new store in its own directory with the demo card written for the anchor day. */
MkStore *
mk_ui_test_open_demo_store (void)
{
  static guint n;
  g_autofree char *name = g_strdup_printf ("store-%u", n++);
  g_autofree char *dir = g_build_filename (tmp_root, name, NULL);
  g_autoptr(GDateTime) anchor = test_anchor ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MkStore) store = NULL;

  store = mk_store_open_in_dir (dir, &error);
  g_assert_no_error (error);
  mk_demo_write (store, anchor, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&store);
}

/* A fake clock frozen at the demo's anchor. */
MkClock *
mk_ui_test_clock (void)
{
  g_autoptr(GDateTime) anchor = test_anchor ();

  return mk_clock_new_fake (anchor);
}

void
mk_ui_test_spin (void)
{
  for (guint i = 0; i < 20; i++)
    while (g_main_context_iteration (NULL, FALSE))
      ;
}

/* Shows @page in a window long enough for the list view to bind rows. */
GtkWindow *
mk_ui_test_show_in_window (GtkWidget *page)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_default_size (window, 360, 640);
  gtk_window_set_child (window, page);
  gtk_window_present (window);
  mk_ui_test_spin ();

  return window;
}

guint
mk_ui_test_count_query (MkStore *store,
                        MkQuery *query)
{
  g_autoptr(GError) error = NULL;
  guint n = mk_store_query_count (store, query, &error);

  g_assert_no_error (error);
  return n;
}

gboolean
mk_ui_test_model_has_id (GListModel *model,
                         const char *id)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(MkResource) resource = g_list_model_get_item (model, i);

      if (g_strcmp0 (mk_resource_get_id (resource), id) == 0)
        return TRUE;
    }
  return FALSE;
}
