/* test-window.c — the application window: views, settings, first run, accounts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "mk-account.h"
#include "mk-application.h"
#include "mk-demo.h"
#include "mk-profile-page.h"
#include "mk-server-dialog.h"
#include "mk-sync-controller.h"
#include "mk-test-util.h"
#include "mk-welcome-page.h"
#include "mk-window.h"

static MkApplication *app;
static char *tmp_root;

static const struct {
  const char *name;
  const char *title;
} expected_views[] = {
  { "profile", "Profile" },
  { "records", "Medical Records" },
  { "appointments", "Appointments" },
  { "documents", "Documents" },
  { "prescriptions", "Prescriptions" },
};

static GDateTime *
test_now (void)
{
  return g_date_time_new_from_iso8601 ("2026-03-10T10:00:00+03:00", NULL);
}

static GSettings *
get_settings_or_skip (void)
{
  GSettings *settings = mk_application_create_settings ();

  if (settings == NULL)
    g_test_skip ("The settings schema is not compiled in GSETTINGS_SCHEMA_DIR");
  return settings;
}

static void
reset_settings (void)
{
  g_autoptr(GSettings) settings = mk_application_create_settings ();

  if (settings == NULL)
    return;
  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
  g_settings_reset (settings, "window-maximized");
  g_settings_reset (settings, "last-view");
  g_settings_reset (settings, "accounts");
  g_settings_reset (settings, "active-account");
}

static MkStore *
open_demo_store (const char *name)
{
  g_autofree char *dir = g_build_filename (tmp_root, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = test_now ();
  g_autoptr(MkStore) store = NULL;

  store = mk_store_open_in_dir (dir, &error);
  g_assert_no_error (error);
  mk_demo_write (store, now, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&store);
}

static MkClock *
test_clock (void)
{
  g_autoptr(GDateTime) now = test_now ();

  return mk_clock_new_fake (now);
}

static void
iterate_main_loop (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Destroys @window and checks nothing else keeps it alive. */
static void
destroy_and_check (MkWindow *window)
{
  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  iterate_main_loop ();
  g_assert_finalize_object (window);
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
collect_label_texts (GtkWidget *widget,
                     GString   *out)
{
  if (GTK_IS_LABEL (widget))
    {
      g_string_append (out, gtk_label_get_text (GTK_LABEL (widget)));
      g_string_append_c (out, '\n');
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    collect_label_texts (child, out);
}

static void
test_window_views (void)
{
  g_autoptr(MkStore) store = open_demo_store ("views");
  g_autoptr(MkClock) clock = test_clock ();
  g_autoptr(GtkSelectionModel) pages = NULL;
  MkWindow *window;
  AdwViewStack *stack;

  reset_settings ();

  window = mk_window_new (app, store, clock);
  gtk_window_present (GTK_WINDOW (window));

  g_assert_true (mk_window_get_store (window) == store);
  g_assert_true (mk_window_get_is_demo (window));

  stack = mk_window_get_view_stack (window);
  pages = adw_view_stack_get_pages (stack);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (pages)), ==, G_N_ELEMENTS (expected_views));

  for (guint i = 0; i < G_N_ELEMENTS (expected_views); i++)
    {
      g_autoptr(AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (pages), i);
      const char *icon_name = adw_view_stack_page_get_icon_name (page);

      g_assert_cmpstr (adw_view_stack_page_get_name (page), ==, expected_views[i].name);
      /* Translated through the project's domain (English under C.UTF-8). */
      g_assert_cmpstr (adw_view_stack_page_get_title (page), ==,
                       g_dgettext (GETTEXT_PACKAGE, expected_views[i].title));
      g_assert_nonnull (icon_name);
      g_assert_true (g_str_has_suffix (icon_name, "-symbolic"));
    }

  g_assert_cmpstr (mk_window_get_visible_view (window), ==, "profile");
  g_assert_true (MK_IS_PROFILE_PAGE (adw_bin_get_child (ADW_BIN (adw_view_stack_get_visible_child (stack)))));
  g_assert_true (MK_IS_PROFILE_PAGE (mk_window_get_page (window, "profile")));
  /* The other views are built when first shown. */
  g_assert_null (adw_bin_get_child (ADW_BIN (adw_view_stack_get_child_by_name (stack, "records"))));

  /* Every view can be reached through the window action. */
  for (guint i = 0; i < G_N_ELEMENTS (expected_views); i++)
    {
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s",
                                                 expected_views[i].name));
      g_assert_cmpstr (mk_window_get_visible_view (window), ==, expected_views[i].name);
      g_assert_true (adw_bin_get_child (ADW_BIN (adw_view_stack_get_visible_child (stack))) ==
                     mk_window_get_page (window, expected_views[i].name));
      g_assert_true (MK_IS_PAGE (mk_window_get_page (window, expected_views[i].name)));
    }
  g_assert_null (mk_window_get_page (window, "no-such-view"));

  /* An unknown view leaves the window where it is. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "no-such-view");
  g_assert_cmpstr (mk_window_get_visible_view (window), ==, "prescriptions");

  /* Ctrl+F goes to the records. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL));
  g_assert_cmpstr (mk_window_get_visible_view (window), ==, "records");

  destroy_and_check (window);
}

static void
test_window_last_view_saved (void)
{
  g_autoptr(GSettings) settings = get_settings_or_skip ();
  g_autoptr(MkStore) store = NULL;
  g_autoptr(MkClock) clock = NULL;
  g_autofree char *last_view = NULL;
  MkWindow *window;

  if (settings == NULL)
    return;

  reset_settings ();
  store = open_demo_store ("last-view");
  clock = test_clock ();

  window = mk_window_new (app, store, clock);
  /* Opening the window does not overwrite the saved view. */
  g_assert_cmpstr ((last_view = g_settings_get_string (settings, "last-view")), ==, "profile");
  g_clear_pointer (&last_view, g_free);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "appointments");
  last_view = g_settings_get_string (settings, "last-view");
  g_assert_cmpstr (last_view, ==, "appointments");
  destroy_and_check (window);

  /* A new window opens on the saved view. */
  window = mk_window_new (app, store, clock);
  g_assert_cmpstr (mk_window_get_visible_view (window), ==, "appointments");
  destroy_and_check (window);
}

static void
test_window_size_saved (void)
{
  g_autoptr(GSettings) settings = get_settings_or_skip ();
  g_autoptr(MkStore) store = NULL;
  g_autoptr(MkClock) clock = NULL;
  MkWindow *window;
  int width, height;

  if (settings == NULL)
    return;

  reset_settings ();
  store = open_demo_store ("size");
  clock = test_clock ();

  g_settings_set_int (settings, "window-width", 640);
  g_settings_set_int (settings, "window-height", 480);

  /* The saved size is restored … */
  window = mk_window_new (app, store, clock);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 640);
  g_assert_cmpint (height, ==, 480);

  /* … and the current one saved when the window closes. */
  gtk_window_set_default_size (GTK_WINDOW (window), 720, 530);
  gtk_window_present (GTK_WINDOW (window));
  g_object_ref (window);
  gtk_window_close (GTK_WINDOW (window));
  iterate_main_loop ();

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 720);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 530);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  g_assert_finalize_object (window);
}

static void
test_window_first_run (void)
{
  g_autoptr(MkClock) clock = test_clock ();
  MkWindow *window;
  GtkWidget *welcome;

  reset_settings ();

  window = mk_window_new (app, NULL, clock);
  gtk_window_present (GTK_WINDOW (window));

  g_assert_null (mk_window_get_store (window));
  g_assert_null (mk_window_get_visible_view (window));
  g_assert_false (mk_window_get_is_demo (window));

  welcome = find_descendant (GTK_WIDGET (window), MK_TYPE_WELCOME_PAGE);
  g_assert_nonnull (welcome);
  g_assert_true (gtk_widget_get_mapped (welcome));

  /* No views to switch to. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "records");
  g_assert_null (mk_window_get_visible_view (window));
  g_assert_true (find_descendant (GTK_WIDGET (window), MK_TYPE_WELCOME_PAGE) == welcome);

  destroy_and_check (window);
}

static void
test_window_open_demo (void)
{
  g_autoptr(MkClock) clock = test_clock ();
  g_autoptr(GString) texts = g_string_new (NULL);
  g_autofree char *demo_dir = NULL;
  MkWindow *window;

  reset_settings ();

  window = mk_window_new (app, NULL, clock);
  gtk_window_present (GTK_WINDOW (window));

  /* "Explore the Demo Card" on the first-run page. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-demo", NULL));

  g_assert_nonnull (mk_window_get_store (window));
  g_assert_true (mk_window_get_is_demo (window));
  g_assert_cmpstr (mk_window_get_visible_view (window), ==, "profile");

  demo_dir = g_build_filename (g_get_user_data_dir (), "medkarta", MK_DEMO_ACCOUNT, "medkarta.db", NULL);
  g_assert_true (g_file_test (demo_dir, G_FILE_TEST_IS_REGULAR));

  /* The window says it shows the demo. */
  collect_label_texts (GTK_WIDGET (window), texts);
  g_assert_nonnull (strstr (texts->str, g_dgettext (GETTEXT_PACKAGE, "Demo card")));

  destroy_and_check (window);
}

static void
test_server_dialog_validation (void)
{
  g_autofree char *msg = NULL;

  g_assert_null (mk_server_dialog_check_url (""));
  g_assert_null (mk_server_dialog_check_url ("https://fhir.clinic.example/r4"));
  g_assert_null (mk_server_dialog_check_url ("  HTTPS://fhir.clinic.example  "));

  msg = mk_server_dialog_check_url ("http://fhir.clinic.example/r4");
  g_assert_cmpstr (msg, ==, g_dgettext (GETTEXT_PACKAGE, "The address must start with https://"));
  g_clear_pointer (&msg, g_free);

  msg = mk_server_dialog_check_url ("fhir.clinic.example");
  g_assert_nonnull (msg);
  g_clear_pointer (&msg, g_free);

  msg = mk_server_dialog_check_url ("https://");
  g_assert_nonnull (msg);
}

static void
on_account_created (MkServerDialog  *dialog,
                    const char      *account_id,
                    char           **out)
{
  *out = g_strdup (account_id);
}

static void
test_server_dialog_creates_account (void)
{
  g_autoptr(GSettings) settings = get_settings_or_skip ();
  g_autoptr(MkClock) clock = NULL;
  g_autoptr(MkStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *created = NULL;
  g_autofree char *active = NULL;
  g_autofree char *url = NULL;
  g_autofree char *patient = NULL;
  g_auto(GStrv) accounts = NULL;
  g_autoptr(GString) texts = g_string_new (NULL);
  MkServerDialog *dialog;
  MkWindow *window;
  GtkWidget *profile;

  if (settings == NULL)
    return;

  reset_settings ();
  clock = test_clock ();
  window = mk_window_new (app, NULL, clock);
  gtk_window_present (GTK_WINDOW (window));

  dialog = MK_SERVER_DIALOG (mk_server_dialog_new (GTK_WINDOW (window)));
  /* The window reacts to the dialog the same way as from its action. */
  g_signal_connect (dialog, "account-created", G_CALLBACK (on_account_created), &created);
  gtk_window_present (GTK_WINDOW (dialog));

  mk_server_dialog_set_url (dialog, "http://fhir.clinic.example/r4");
  mk_server_dialog_set_account_name (dialog, "Городская поликлиника 3");
  mk_server_dialog_set_resource_id (dialog, "pat-42");
  g_assert_false (mk_server_dialog_is_valid (dialog));
  /* A plain-http address is refused, with a message under the field. */
  collect_label_texts (GTK_WIDGET (dialog), texts);
  g_assert_nonnull (strstr (texts->str, g_dgettext (GETTEXT_PACKAGE, "The address must start with https://")));
  /* Save is disabled: nothing is created. */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "server.save", NULL);
  g_assert_null (created);

  mk_server_dialog_set_url (dialog, "https://fhir.clinic.example/r4");
  g_assert_true (mk_server_dialog_is_valid (dialog));

  g_object_ref (dialog);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "server.save", NULL));
  iterate_main_loop ();
  g_assert_finalize_object (dialog);

  g_assert_nonnull (created);
  g_assert_cmpstr (created, !=, MK_DEMO_ACCOUNT);

  accounts = g_settings_get_strv (settings, "accounts");
  g_assert_true (g_strv_contains ((const char * const *) accounts, created));
  active = g_settings_get_string (settings, "active-account");
  g_assert_cmpstr (active, ==, created);

  store = mk_application_open_account_store (created, &error);
  g_assert_no_error (error);
  url = mk_store_get_meta (store, "server-url", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url, ==, "https://fhir.clinic.example/r4");
  patient = mk_store_get_meta (store, "patient", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (patient, ==, "Patient/pat-42");

  /* The window is not told here (the signal was connected by the test);
   * open the account like the window does and check the empty card. */
  mk_window_set_store (window, store);
  g_assert_false (mk_window_get_is_demo (window));
  profile = mk_window_get_page (window, "profile");
  g_assert_false (mk_profile_page_has_patient (MK_PROFILE_PAGE (profile)));
  g_string_truncate (texts, 0);
  collect_label_texts (profile, texts);
  g_assert_nonnull (strstr (texts->str, g_dgettext (GETTEXT_PACKAGE, "No Data Yet")));

  destroy_and_check (window);
}

static void
test_window_switch_account (void)
{
  g_autoptr(MkStore) demo = open_demo_store ("switch");
  g_autoptr(MkClock) clock = test_clock ();
  MkWindow *window;

  reset_settings ();
  window = mk_window_new (app, demo, clock);

  /* Back to the first-run page and to a card again. */
  mk_window_set_store (window, NULL);
  g_assert_null (mk_window_get_visible_view (window));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (adw_view_stack_get_pages (mk_window_get_view_stack (window)))), ==, 0);

  mk_window_set_store (window, demo);
  g_assert_cmpstr (mk_window_get_visible_view (window), ==, "profile");

  destroy_and_check (window);
}

typedef struct
{
  MkSyncController *controller;
  guint             frames;
  guint             runs_at_first_frame;
} SyncStart;

static void
on_sync_start_after_paint (GdkFrameClock *frame_clock,
                           SyncStart     *start)
{
  if (start->frames++ == 0)
    start->runs_at_first_frame = mk_sync_controller_get_n_runs (start->controller);
}

/* An account card syncs on opening, but only once its first frame is
 * drawn. */
static void
test_window_sync_after_first_frame (void)
{
  g_autofree char *dir = g_build_filename (tmp_root, "sync-start", NULL);
  g_autoptr(MkClock) clock = test_clock ();
  g_autoptr(MkStore) store = NULL;
  g_autoptr(MkAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  GdkFrameClock *frame_clock;
  SyncStart start = { 0 };
  MkWindow *window;
  gint64 deadline;

  reset_settings ();
  store = mk_store_open_in_dir (dir, &error);
  g_assert_no_error (error);
  /* Nothing listens there: the sync fails at once, which is fine here. */
  account = mk_account_new ("https://127.0.0.1:1/fhir", MK_ACCOUNT_ROLE_PATIENT, "pat-1", &error);
  g_assert_no_error (error);
  g_assert_true (mk_account_save (account, store, &error));
  g_assert_no_error (error);

  window = mk_window_new (app, store, clock);
  start.controller = mk_window_get_sync_controller (window);
  g_assert_nonnull (start.controller);
  g_assert_cmpuint (mk_sync_controller_get_n_runs (start.controller), ==, 0);
  mk_sync_controller_set_retry_policy (start.controller, 1, 10, 10);

  gtk_widget_realize (GTK_WIDGET (window));
  frame_clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_signal_connect (frame_clock, "after-paint", G_CALLBACK (on_sync_start_after_paint), &start);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_cmpuint (mk_sync_controller_get_n_runs (start.controller), ==, 0);

  deadline = g_get_monotonic_time () + 20 * G_TIME_SPAN_SECOND;
  while ((mk_sync_controller_get_n_runs (start.controller) == 0 ||
          mk_sync_controller_get_state (start.controller) == MK_SYNC_STATE_SYNCING) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (start.frames, >, 0);
  g_assert_cmpuint (start.runs_at_first_frame, ==, 0);
  g_assert_cmpuint (mk_sync_controller_get_n_runs (start.controller), ==, 1);
  g_assert_cmpint (mk_sync_controller_get_state (start.controller), !=, MK_SYNC_STATE_SYNCING);

  g_signal_handlers_disconnect_by_data (frame_clock, &start);
  destroy_and_check (window);
}

static MkWindow *
find_main_window (GtkApplication *application)
{
  for (GList *l = gtk_application_get_windows (application); l; l = l->next)
    if (MK_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static gboolean
has_message_dialog (GtkApplication *application)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) &&
          gtk_window_get_transient_for (window) == GTK_WINDOW (find_main_window (application)))
        return TRUE;
    }
  return FALSE;
}

/* medkarta --data-dir DIR with MEDKARTA_EXIT_AFTER_FIRST_FRAME: opens the
 * card, visits every view and quits by itself. */
static void
test_application_data_dir (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(MkStore) store = open_demo_store ("cmdline");
      g_autofree char *dir = g_path_get_dirname (mk_store_get_path (store));
      g_autoptr(MkApplication) application = mk_application_new ();
      char *argv[] = { "medkarta", "--data-dir", dir, NULL };
      MkWindow *window;

      g_setenv ("MEDKARTA_EXIT_AFTER_FIRST_FRAME", "1", TRUE);
      g_setenv ("MEDKARTA_VISIT_ALL_VIEWS", "1", TRUE);
      g_application_set_flags (G_APPLICATION (application),
                               G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_NON_UNIQUE);

      g_assert_cmpint (g_application_run (G_APPLICATION (application), 3, argv), ==, 0);

      window = find_main_window (GTK_APPLICATION (application));
      g_assert_nonnull (window);
      g_assert_nonnull (mk_window_get_store (window));
      g_assert_cmpstr (mk_store_get_path (mk_window_get_store (window)), ==, mk_store_get_path (store));
      /* Every view was shown, the last one last. */
      g_assert_cmpstr (mk_window_get_visible_view (window), ==, "prescriptions");
      g_assert_false (has_message_dialog (GTK_APPLICATION (application)));
      gtk_window_destroy (GTK_WINDOW (window));
      return;
    }

  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* A card that cannot be opened: the first-run page and a dialog, no crash. */
static void
test_application_bad_store (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *dir = g_build_filename (tmp_root, "broken", NULL);
      g_autofree char *db = g_build_filename (dir, "medkarta.db", NULL);
      g_autoptr(MkApplication) application = mk_application_new ();
      g_autoptr(GError) error = NULL;
      char *argv[] = { "medkarta", "--data-dir", dir, NULL };
      MkWindow *window;

      g_mkdir_with_parents (dir, 0700);
      g_file_set_contents (db, "this is not an SQLite database, not at all, really", -1, &error);
      g_assert_no_error (error);

      g_setenv ("MEDKARTA_EXIT_AFTER_FIRST_FRAME", "1", TRUE);
      g_application_set_flags (G_APPLICATION (application),
                               G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_NON_UNIQUE);

      g_assert_cmpint (g_application_run (G_APPLICATION (application), 3, argv), ==, 0);

      window = find_main_window (GTK_APPLICATION (application));
      g_assert_nonnull (window);
      g_assert_null (mk_window_get_store (window));
      g_assert_true (has_message_dialog (GTK_APPLICATION (application)));
      return;
    }

  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  tmp_root = g_dir_make_tmp ("medkarta-test-window-XXXXXX", NULL);
  g_assert_nonnull (tmp_root);
  /* Before anything asks GLib for the user directories. */
  g_setenv ("XDG_DATA_HOME", tmp_root, TRUE);
  g_setenv ("MEDKARTA_NOW", "2026-03-10T10:00:00+03:00", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  /* The application tests run their own application in a subprocess. */
  if (!g_test_subprocess ())
    {
      app = mk_application_new ();
      g_application_set_flags (G_APPLICATION (app),
                               G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_NON_UNIQUE);
      g_application_register (G_APPLICATION (app), NULL, &error);
      g_assert_no_error (error);
    }

  g_test_add_func ("/window/views", test_window_views);
  g_test_add_func ("/window/last-view-saved", test_window_last_view_saved);
  g_test_add_func ("/window/size-saved", test_window_size_saved);
  g_test_add_func ("/window/first-run", test_window_first_run);
  g_test_add_func ("/window/open-demo", test_window_open_demo);
  g_test_add_func ("/window/switch-account", test_window_switch_account);
  g_test_add_func ("/window/sync-after-first-frame", test_window_sync_after_first_frame);
  g_test_add_func ("/server-dialog/validation", test_server_dialog_validation);
  g_test_add_func ("/server-dialog/creates-account", test_server_dialog_creates_account);
  g_test_add_func ("/application/data-dir", test_application_data_dir);
  g_test_add_func ("/application/bad-store", test_application_bad_store);

  ret = g_test_run ();

  g_clear_object (&app);
  mk_test_remove_tree (tmp_root);
  g_free (tmp_root);
  return ret;
}
