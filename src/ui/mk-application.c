/* mk-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mk-application.h"
#include "mk-appointments-page.h"
#include "mk-background.h"
#include "mk-demo.h"
#include "mk-notifier.h"
#include "mk-preferences-window.h"
#include "mk-ui-resources.h"
#include "mk-window.h"

struct _MkApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;   /* NULL when the schema is not installed */
  MkClock        *clock;
  MkNotifier     *notifier;   /* reminders of the open card, also without a window */
  gboolean        background; /* started with --background */
  gboolean        held;       /* g_application_hold() for running in the background */
  gboolean        quitting;
};

G_DEFINE_FINAL_TYPE (MkApplication, mk_application, ADW_TYPE_APPLICATION)

/* The views MEDKARTA_VISIT_ALL_VIEWS walks through, in order. */
static const char * const benchmark_views[] = {
  "profile", "records", "appointments", "documents", "prescriptions",
};

typedef struct
{
  GApplication *app;
  MkWindow     *window;
  gboolean      visit_all;
  guint         next_view;
  gulong        after_paint_id;
  GdkFrameClock *frame_clock;
} FirstFrame;

char *
mk_application_dup_data_root (void)
{
  return g_build_filename (g_get_user_data_dir (), "medkarta", NULL);
}

MkStore *
mk_application_open_account_store (const char  *account,
                                   GError     **error)
{
  g_autofree char *root = mk_application_dup_data_root ();
  g_autofree char *dir = NULL;

  g_return_val_if_fail (account != NULL && *account != '\0', NULL);

  dir = g_build_filename (root, account, NULL);
  return mk_store_open_in_dir (dir, error);
}

MkStore *
mk_application_open_demo_store (MkClock  *clock,
                                GError  **error)
{
  g_autoptr(MkStore) store = NULL;
  g_autoptr(GDateTime) now = NULL;

  g_return_val_if_fail (MK_IS_CLOCK (clock), NULL);

  store = mk_application_open_account_store (MK_DEMO_ACCOUNT, error);
  if (store == NULL)
    return NULL;

  now = mk_clock_get_now (clock);
  if (!mk_demo_ensure (store, now, error))
    return NULL;

  return g_steal_pointer (&store);
}

GSettings *
mk_application_create_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema == NULL)
    {
      g_debug ("Settings schema %s is not installed; settings are not kept", APPLICATION_ID);
      return NULL;
    }

  return g_settings_new (APPLICATION_ID);
}

GSettings *
mk_application_get_settings (MkApplication *self)
{
  g_return_val_if_fail (MK_IS_APPLICATION (self), NULL);

  return self->settings;
}

MkNotifier *
mk_application_get_notifier (MkApplication *self)
{
  g_return_val_if_fail (MK_IS_APPLICATION (self), NULL);

  return self->notifier;
}

MkClock *
mk_application_get_clock (MkApplication *self)
{
  g_return_val_if_fail (MK_IS_APPLICATION (self), NULL);

  return self->clock;
}

static MkWindow *
mk_application_get_main_window (MkApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (MK_IS_WINDOW (l->data))
      return l->data;

  return NULL;
}

static void
first_frame_free (FirstFrame *ff)
{
  if (ff->frame_clock != NULL && ff->after_paint_id != 0)
    g_signal_handler_disconnect (ff->frame_clock, ff->after_paint_id);
  g_clear_object (&ff->frame_clock);
  g_clear_object (&ff->window);
  g_clear_object (&ff->app);
  g_free (ff);
}

static gboolean
first_frame_quit_idle (gpointer user_data)
{
  FirstFrame *ff = user_data;

  g_application_quit (ff->app);
  first_frame_free (ff);
  return G_SOURCE_REMOVE;
}

static void
on_after_paint (GdkFrameClock *frame_clock,
                FirstFrame    *ff)
{
  if (ff->visit_all &&
      mk_window_get_visible_view (ff->window) != NULL &&
      ff->next_view < G_N_ELEMENTS (benchmark_views))
    {
      g_debug ("Benchmark: showing the %s view", benchmark_views[ff->next_view]);
      mk_window_show_view (ff->window, benchmark_views[ff->next_view++]);
      gdk_frame_clock_request_phase (frame_clock, GDK_FRAME_CLOCK_PHASE_PAINT);
      return;
    }

  g_signal_handler_disconnect (frame_clock, ff->after_paint_id);
  ff->after_paint_id = 0;
  g_idle_add (first_frame_quit_idle, ff);
}

static gboolean
first_frame_tick (GtkWidget     *widget,
                  GdkFrameClock *frame_clock,
                  gpointer       user_data)
{
  FirstFrame *ff = user_data;

  ff->frame_clock = g_object_ref (frame_clock);
  ff->after_paint_id = g_signal_connect (frame_clock, "after-paint",
                                         G_CALLBACK (on_after_paint), ff);
  return G_SOURCE_REMOVE;
}

/* MEDKARTA_EXIT_AFTER_FIRST_FRAME=1: the benchmark times start-up (and,
 * with MEDKARTA_VISIT_ALL_VIEWS=1, opening every view) and we quit. */
static void
mk_application_maybe_exit_after_first_frame (MkApplication *self,
                                             MkWindow      *window)
{
  FirstFrame *ff;

  if (g_strcmp0 (g_getenv ("MEDKARTA_EXIT_AFTER_FIRST_FRAME"), "1") != 0)
    return;

  ff = g_new0 (FirstFrame, 1);
  ff->app = g_object_ref (G_APPLICATION (self));
  ff->window = g_object_ref (window);
  ff->visit_all = g_strcmp0 (g_getenv ("MEDKARTA_VISIT_ALL_VIEWS"), "1") == 0;

  if (ff->visit_all && mk_window_get_visible_view (window) != NULL)
    mk_window_show_view (window, benchmark_views[ff->next_view++]);

  gtk_widget_add_tick_callback (GTK_WIDGET (window), first_frame_tick, ff, NULL);
}

/* The store the options or the settings ask for; NULL without error when
 * there is no account. */
static MkStore *
mk_application_open_store (MkApplication  *self,
                           gboolean        demo,
                           const char     *data_dir,
                           GError        **error)
{
  if (demo)
    return mk_application_open_demo_store (self->clock, error);

  if (data_dir != NULL)
    return mk_store_open_in_dir (data_dir, error);

  if (self->settings != NULL)
    {
      g_autofree char *account = g_settings_get_string (self->settings, "active-account");

      /* An empty active account means the first account, if any. */
      if (*account == '\0')
        {
          g_auto(GStrv) accounts = g_settings_get_strv (self->settings, "accounts");

          if (accounts[0] != NULL)
            {
              g_free (account);
              account = g_strdup (accounts[0]);
            }
        }

      if (*account != '\0')
        return mk_application_open_account_store (account, error);
    }

  return NULL;
}

/* Opens the store the options or the settings ask for and shows it. */
static int
mk_application_open (MkApplication *self,
                     gboolean       demo,
                     const char    *data_dir)
{
  g_autoptr(MkStore) store = NULL;
  g_autoptr(GError) error = NULL;
  MkWindow *window;
  gboolean explicit_card = demo || data_dir != NULL;

  window = mk_application_get_main_window (self);
  if (window != NULL && !explicit_card)
    {
      gtk_window_present (GTK_WINDOW (window));
      return 0;
    }

  store = mk_application_open_store (self, demo, data_dir, &error);

  if (window == NULL)
    window = mk_window_new (self, store, self->clock);
  else
    mk_window_set_store (window, store);

  gtk_window_present (GTK_WINDOW (window));

  if (error != NULL)
    mk_window_show_error (window, _("Cannot Open the Card"), error);

  mk_application_maybe_exit_after_first_frame (self, window);

  return 0;
}

static void
mk_application_activate (GApplication *app)
{
  mk_application_open (MK_APPLICATION (app), FALSE, NULL);
}

/* Holds the application while it may run in the background. */
static void
mk_application_update_hold (MkApplication *self)
{
  gboolean hold = self->background ||
                  (self->settings != NULL && g_settings_get_boolean (self->settings, "run-in-background"));

  if (hold == self->held)
    return;

  self->held = hold;
  if (hold)
    g_application_hold (G_APPLICATION (self));
  else
    g_application_release (G_APPLICATION (self));
}

static void
on_run_in_background_changed (MkApplication *self)
{
  g_autoptr(GError) error = NULL;

  if (!mk_background_set_autostart (g_settings_get_boolean (self->settings, "run-in-background"), &error))
    g_message ("Cannot change the start at log-in: %s", error->message);
  mk_application_update_hold (self);
}

/* --background: no window, only the reminders of the card. */
static int
mk_application_start_background (MkApplication *self,
                                 gboolean       demo,
                                 const char    *data_dir)
{
  g_autoptr(MkStore) store = NULL;
  g_autoptr(GError) error = NULL;

  if (mk_application_get_main_window (self) != NULL || mk_notifier_get_store (self->notifier) != NULL)
    return 0;

  store = mk_application_open_store (self, demo, data_dir, &error);
  if (store == NULL)
    {
      if (error != NULL)
        g_message ("Cannot open the card: %s", error->message);
      return error != NULL ? 1 : 0;
    }

  self->background = TRUE;
  mk_application_update_hold (self);
  mk_notifier_set_store (self->notifier, store, self->clock);
  return 0;
}

static int
mk_application_command_line (GApplication            *app,
                             GApplicationCommandLine *cmdline)
{
  GVariantDict *options = g_application_command_line_get_options_dict (cmdline);
  g_autofree char *data_dir = NULL;
  g_autofree char *data_dir_abs = NULL;
  gboolean demo = FALSE;
  gboolean background = FALSE;

  g_variant_dict_lookup (options, "demo", "b", &demo);
  g_variant_dict_lookup (options, "background", "b", &background);
  g_variant_dict_lookup (options, "data-dir", "^ay", &data_dir);

  if (data_dir != NULL)
    {
      g_autoptr(GFile) file = g_application_command_line_create_file_for_arg (cmdline, data_dir);
      data_dir_abs = g_file_get_path (file);
    }

  if (background)
    return mk_application_start_background (MK_APPLICATION (app), demo, data_dir_abs);

  return mk_application_open (MK_APPLICATION (app), demo, data_dir_abs);
}

static int
mk_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("medkarta %s\n", PACKAGE_VERSION);
      return 0;
    }

  return -1;
}

static void
mk_application_quit_action (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  MkApplication *self = user_data;

  self->quitting = TRUE;
  /* Close windows first so they save their state. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; )
    {
      GtkWindow *window = l->data;

      l = l->next;
      gtk_window_close (window);
    }

  g_application_quit (G_APPLICATION (self));
}

static void
mk_application_about_action (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  MkApplication *self = user_data;
  static const char *developers[] = { "Medkarta developers", NULL };
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "modal", TRUE,
                        "application-icon", APPLICATION_ID,
                        "application-name", _("Medkarta"),
                        /* Translators: shown in the About window */
                        "comments", _("Your medical card, offline"),
                        "developer-name", _("Medkarta developers"),
                        "developers", developers,
                        "version", PACKAGE_VERSION,
                        "license-type", GTK_LICENSE_GPL_3_0,
                        /* Translators: put your names here, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

/* Which view shows a resource type (app.open). */
static const char *
view_for_type (const char *type)
{
  static const struct {
    const char *type;
    const char *view;
  } map[] = {
    { "Appointment", "appointments" },
    { "MedicationRequest", "prescriptions" },
    { "MedicationDispense", "prescriptions" },
    { "Observation", "records" },
    { "DiagnosticReport", "records" },
    { "Immunization", "records" },
    { "Procedure", "records" },
    { "Encounter", "records" },
    { "Condition", "records" },
    { "AllergyIntolerance", "records" },
    { "DocumentReference", "documents" },
    { "Patient", "profile" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_strcmp0 (type, map[i].type) == 0)
      return map[i].view;

  return NULL;
}

/* app.open("Type/id"), e.g. from a notification: the window on the view
 * of that resource, and the visit card for an appointment. An unknown or
 * missing resource just shows the window. */
static void
mk_application_open_action (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  MkApplication *self = user_data;
  g_auto(GStrv) parts = g_strsplit (g_variant_get_string (parameter, NULL), "/", 2);
  MkWindow *window = mk_application_get_main_window (self);
  const char *view;

  if (window == NULL && mk_notifier_get_store (self->notifier) != NULL)
    window = mk_window_new (self, mk_notifier_get_store (self->notifier), self->clock);
  if (window == NULL)
    {
      mk_application_open (self, FALSE, NULL);
      window = mk_application_get_main_window (self);
      g_return_if_fail (window != NULL);
    }

  gtk_window_present (GTK_WINDOW (window));

  view = view_for_type (parts[0]);
  if (view == NULL)
    return;

  mk_window_show_view (window, view);
  if (g_str_equal (view, "appointments") && parts[1] != NULL && *parts[1] != '\0')
    {
      GtkWidget *page = mk_window_get_page (window, view);

      if (MK_IS_APPOINTMENTS_PAGE (page))
        mk_appointments_page_open_card (MK_APPOINTMENTS_PAGE (page), parts[1]);
    }
}

static void
mk_application_preferences_action (GSimpleAction *action,
                                   GVariant      *parameter,
                                   gpointer       user_data)
{
  MkApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  gtk_window_present (GTK_WINDOW (mk_preferences_window_new (parent)));
}

static const GActionEntry app_actions[] = {
  { "quit", mk_application_quit_action },
  { "about", mk_application_about_action },
  { "open", mk_application_open_action, "s" },
  { "preferences", mk_application_preferences_action },
};

static void
on_window_store_changed (MkWindow      *window,
                         GParamSpec    *pspec,
                         MkApplication *self)
{
  mk_notifier_set_store (self->notifier, mk_window_get_store (window), mk_window_get_clock (window));
}

/* Running in the background, closing the window only hides it. Connected
 * after the window's own handler, which saves its size. */
static gboolean
on_window_close_request (GtkWindow     *window,
                         MkApplication *self)
{
  if (self->quitting || self->settings == NULL ||
      !g_settings_get_boolean (self->settings, "run-in-background"))
    return FALSE;

  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
  return TRUE;
}

static void
mk_application_window_added (GtkApplication *application,
                             GtkWindow      *window)
{
  MkApplication *self = MK_APPLICATION (application);

  GTK_APPLICATION_CLASS (mk_application_parent_class)->window_added (application, window);

  if (!MK_IS_WINDOW (window))
    return;

  g_signal_connect_object (window, "notify::store", G_CALLBACK (on_window_store_changed), self, 0);
  g_signal_connect_object (window, "close-request", G_CALLBACK (on_window_close_request), self,
                           G_CONNECT_AFTER);
  if (mk_window_get_store (MK_WINDOW (window)) != NULL)
    on_window_store_changed (MK_WINDOW (window), NULL, self);
}

static void
mk_application_startup (GApplication *app)
{
  MkApplication *self = MK_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *help_accels[] = { "<Control>question", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };

  G_APPLICATION_CLASS (mk_application_parent_class)->startup (app);

  self->notifier = mk_notifier_new (app, self->settings);
  if (self->settings != NULL)
    {
      g_signal_connect_object (self->settings, "changed::run-in-background",
                               G_CALLBACK (on_run_in_background_changed), self, G_CONNECT_SWAPPED);
      mk_application_update_hold (self);
    }

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-help-overlay", help_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences_accels);
}

static void
mk_application_dispose (GObject *object)
{
  MkApplication *self = MK_APPLICATION (object);

  g_clear_object (&self->notifier);
  g_clear_object (&self->settings);
  g_clear_object (&self->clock);

  G_OBJECT_CLASS (mk_application_parent_class)->dispose (object);
}

static void
mk_application_class_init (MkApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  GtkApplicationClass *gtk_app_class = GTK_APPLICATION_CLASS (klass);

  object_class->dispose = mk_application_dispose;
  gtk_app_class->window_added = mk_application_window_added;

  app_class->startup = mk_application_startup;
  app_class->activate = mk_application_activate;
  app_class->command_line = mk_application_command_line;
  app_class->handle_local_options = mk_application_handle_local_options;

  /* The UI resources live in a static library: referencing them here makes
   * sure the linker keeps them (their constructor registers them). */
  (void) mk_ui_get_resource ();
}

static void
mk_application_init (MkApplication *self)
{
  static const GOptionEntry options[] = {
    /* Translators: --demo command line option */
    { "demo", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Open the demo card"), NULL },
    /* Translators: --data-dir command line option */
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("Open the card stored in DIR"),
      /* Translators: the argument of --data-dir */
      N_("DIR") },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version and exit"), NULL },
    /* Translators: --background command line option */
    { "background", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Start without a window and show reminders"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), options);

  self->settings = mk_application_create_settings ();

  self->clock = g_object_ref (mk_clock_get_default ());
}

MkApplication *
mk_application_new (void)
{
  return g_object_new (MK_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "resource-base-path", "/io/github/medkarta/Medkarta",
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       NULL);
}
