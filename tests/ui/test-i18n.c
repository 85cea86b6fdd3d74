/* test-i18n.c — the app in Russian: translated views, dates and plurals
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs with the catalogue built in <build>/po and the ru_RU.UTF-8 locale
 * (build-aux/install-deps.sh generates it); skipped when the machine has no
 * Russian locale.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "mk-application.h"
#include "mk-demo.h"
#include "mk-format.h"
#include "mk-test-util.h"
#include "mk-window.h"

static char *tmp_root;

static void
test_dates_and_plurals (void)
{
  g_autoptr(GTimeZone) msk = g_time_zone_new_identifier ("Europe/Moscow");
  g_autoptr(GDateTime) day = g_date_time_new (msk, 2026, 11, 23, 9, 5, 0);
  g_autofree char *date = mk_format_date (day);
  g_autofree char *date_time = mk_format_date_time (day);
  g_autofree char *age1 = mk_format_age (21);
  g_autofree char *age2 = mk_format_age (23);
  g_autofree char *age5 = mk_format_age (38);

  /* DOMAIN.md: Russian shows dates as ДД.ММ.ГГГГ. */
  g_assert_cmpstr (date, ==, "23.11.2026");
  g_assert_true (g_str_has_prefix (date_time, "23.11.2026"));
  g_assert_nonnull (strstr (date_time, "09:05"));

  /* Three plural forms. */
  g_assert_true (g_str_has_prefix (age1, "21 "));
  g_assert_true (g_str_has_prefix (age2, "23 "));
  g_assert_true (g_str_has_prefix (age5, "38 "));
  g_assert_cmpstr (age1 + 3, ==, "год");
  g_assert_cmpstr (age2 + 3, ==, "года");
  g_assert_cmpstr (age5 + 3, ==, "лет");
}

static void
test_window_in_russian (void)
{
  static const char * const titles[] = {
    "Профиль", "Медицинские записи", "Приёмы", "Документы", "Рецепты",
  };
  g_autofree char *dir = g_build_filename (tmp_root, "card", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MkStore) store = NULL;
  g_autoptr(MkClock) clock = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_from_iso8601 ("2026-11-23T10:00:00+03:00", NULL);
  g_autoptr(MkApplication) app = mk_application_new ();
  g_autoptr(GtkSelectionModel) pages = NULL;
  MkWindow *window;

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  store = mk_store_open_in_dir (dir, &error);
  g_assert_no_error (error);
  mk_demo_write (store, now, &error);
  g_assert_no_error (error);
  clock = mk_clock_new_fake (now);

  window = mk_window_new (app, store, clock);
  gtk_window_present (GTK_WINDOW (window));

  pages = adw_view_stack_get_pages (mk_window_get_view_stack (window));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (pages)), ==, G_N_ELEMENTS (titles));
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      g_autoptr(AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (pages), i);

      g_assert_cmpstr (adw_view_stack_page_get_title (page), ==, titles[i]);
    }

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
skip_without_locale (void)
{
  g_test_skip ("The ru_RU.UTF-8 locale is not generated on this machine");
}

int
main (int   argc,
      char *argv[])
{
  const char *build_dir = g_getenv ("MEDKARTA_BUILD_DIR");
  g_autofree char *po_dir = NULL;
  gboolean have_ru;
  int ret;

  tmp_root = g_dir_make_tmp ("medkarta-test-i18n-XXXXXX", NULL);
  g_assert_nonnull (tmp_root);
  g_setenv ("XDG_DATA_HOME", tmp_root, TRUE);
  g_setenv ("LANGUAGE", "ru", TRUE);
  g_setenv ("LC_ALL", "ru_RU.UTF-8", TRUE);

  have_ru = setlocale (LC_ALL, "ru_RU.UTF-8") != NULL;
  g_assert_nonnull (build_dir);
  po_dir = g_build_filename (build_dir, "po", NULL);
  bindtextdomain (GETTEXT_PACKAGE, po_dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  if (!have_ru)
    g_test_add_func ("/i18n/no-russian-locale", skip_without_locale);
  else
    {
      g_test_add_func ("/i18n/dates-and-plurals", test_dates_and_plurals);
      g_test_add_func ("/i18n/window", test_window_in_russian);
    }

  ret = g_test_run ();
  mk_test_remove_tree (tmp_root);
  g_free (tmp_root);
  return ret;
}
