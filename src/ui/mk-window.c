/* mk-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mk-account-setup.h"
#include "mk-appointments-page.h"
#include "mk-conflict-dialog.h"
#include "mk-documents-page.h"
#include "mk-notifications-popover.h"
#include "mk-prescriptions-page.h"
#include "mk-profile-page.h"
#include "mk-records-page.h"
#include "mk-server-dialog.h"
#include "mk-sync-controller.h"
#include "mk-sync-status.h"
#include "mk-welcome-page.h"
#include "mk-window.h"
#include "mk-ui-template.h"

typedef enum
{
  VIEW_PROFILE,
  VIEW_RECORDS,
  VIEW_APPOINTMENTS,
  VIEW_DOCUMENTS,
  VIEW_PRESCRIPTIONS,
  N_VIEWS
} View;

typedef struct
{
  const char *name;
  const char *title;      /* N_() */
  const char *icon_name;
} ViewInfo;

static const ViewInfo views[N_VIEWS] = {
  { "profile", N_("Profile"), "avatar-default-symbolic" },
  { "records", N_("Medical Records"), "edit-paste-symbolic" },
  { "appointments", N_("Appointments"), "x-office-calendar-symbolic" },
  { "documents", N_("Documents"), "mail-attachment-symbolic" },
  { "prescriptions", N_("Prescriptions"), "view-list-bullet-symbolic" },
};

struct _MkWindow
{
  AdwApplicationWindow  parent_instance;

  MkStore              *store;
  MkClock              *clock;
  GSettings            *settings;   /* NULL when the schema is not installed */
  gboolean              is_demo;
  gboolean              building;   /* pages being replaced: don't save last-view */
  /* Each view is an AdwBin in the view stack (its name, title and icon are
   * there from the start, for the switcher); the page inside is built the
   * first time the view is shown (mk_window_ensure_page()), so opening a
   * card builds one page before the first frame instead of five. */
  GtkWidget            *holders[N_VIEWS];
  GtkWidget            *pages[N_VIEWS];   /* NULL until first shown */
  MkSyncController     *sync_controller;   /* the open card's; NULL for none */
  guint                 sync_tick_id;      /* waits for the first frame to start it */
  guint                 sync_start_id;     /* idle (or fallback timeout) that starts it */

  /* Template widgets */
  AdwHeaderBar         *header_bar;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewSwitcherBar   *switcher_bar;
  GtkStack             *main_stack;
  AdwViewStack         *view_stack;
  MkWelcomePage        *welcome_page;
  GtkWidget            *demo_pill;
  MkSyncStatus         *sync_status;
};

G_DEFINE_FINAL_TYPE (MkWindow, mk_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_STORE,
  PROP_CLOCK,
  PROP_IS_DEMO,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static void
update_switcher_bar (MkWindow *self)
{
  gboolean card = self->store != NULL;

  if (self->switcher_bar == NULL || self->switcher_title == NULL)
    return;

  adw_view_switcher_bar_set_reveal (self->switcher_bar,
                                    card && adw_view_switcher_title_get_title_visible (self->switcher_title));
}

static GtkWidget *mk_window_ensure_page (MkWindow *self,
                                         View      view);

static gboolean
view_from_name (const char *name,
                View       *view)
{
  for (guint i = 0; name != NULL && i < N_VIEWS; i++)
    if (g_str_equal (name, views[i].name))
      {
        *view = i;
        return TRUE;
      }

  return FALSE;
}

static void
on_visible_view_changed (MkWindow *self)
{
  const char *name;
  View view;

  if (self->building || self->store == NULL)
    return;

  name = adw_view_stack_get_visible_child_name (self->view_stack);
  if (view_from_name (name, &view))
    mk_window_ensure_page (self, view);

  if (name != NULL && self->settings != NULL)
    g_settings_set_string (self->settings, "last-view", name);
}

static GtkWidget *
mk_window_create_page (MkWindow *self,
                       View      view)
{
  switch (view)
    {
    case VIEW_PROFILE:
      return mk_profile_page_new (self->store, self->clock);
    case VIEW_RECORDS:
      return g_object_new (MK_TYPE_RECORDS_PAGE, "store", self->store, "clock", self->clock, NULL);
    case VIEW_APPOINTMENTS:
      return g_object_new (MK_TYPE_APPOINTMENTS_PAGE, "store", self->store, "clock", self->clock, NULL);
    case VIEW_DOCUMENTS:
      return g_object_new (MK_TYPE_DOCUMENTS_PAGE, "store", self->store, "clock", self->clock, NULL);
    case VIEW_PRESCRIPTIONS:
      return g_object_new (MK_TYPE_PRESCRIPTIONS_PAGE, "store", self->store, "clock", self->clock, NULL);
    case N_VIEWS:
    default:
      g_assert_not_reached ();
    }
}

/* The page of @view, built into its holder on first use. */
static GtkWidget *
mk_window_ensure_page (MkWindow *self,
                       View      view)
{
  if (self->pages[view] == NULL && self->holders[view] != NULL)
    {
      self->pages[view] = mk_window_create_page (self, view);
      adw_bin_set_child (ADW_BIN (self->holders[view]), self->pages[view]);
    }

  return self->pages[view];
}

static void
mk_window_remove_pages (MkWindow *self)
{
  for (guint i = 0; i < N_VIEWS; i++)
    {
      if (self->holders[i] != NULL)
        adw_view_stack_remove (self->view_stack, self->holders[i]);
      self->holders[i] = NULL;
      self->pages[i] = NULL;
    }
}

static void
mk_window_cancel_sync_start (MkWindow *self)
{
  if (self->sync_tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->sync_tick_id);
  self->sync_tick_id = 0;
  g_clear_handle_id (&self->sync_start_id, g_source_remove);
}

static gboolean
start_sync_cb (gpointer user_data)
{
  MkWindow *self = user_data;

  self->sync_start_id = 0;
  mk_window_cancel_sync_start (self);
  if (self->sync_controller != NULL)
    mk_sync_controller_start (self->sync_controller);
  return G_SOURCE_REMOVE;
}

/* Called in the update phase of the first frame after the card was set:
 * start the sync once that frame is drawn. */
static gboolean
start_sync_tick (GtkWidget     *widget,
                 GdkFrameClock *frame_clock,
                 gpointer       user_data)
{
  MkWindow *self = MK_WINDOW (widget);

  self->sync_tick_id = 0;
  g_clear_handle_id (&self->sync_start_id, g_source_remove);
  self->sync_start_id = g_idle_add (start_sync_cb, self);
  g_source_set_name_by_id (self->sync_start_id, "[medkarta] start sync");
  return G_SOURCE_REMOVE;
}

/* The sync on opening a card starts after the window's next frame, so
 * the card shows before the sync's work (account, keyring, worker thread)
 * begins; a window that is not shown starts it after three seconds. */
static void
mk_window_start_sync_after_frame (MkWindow *self)
{
  mk_window_cancel_sync_start (self);
  self->sync_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), start_sync_tick, NULL, NULL);
  self->sync_start_id = g_timeout_add_seconds (3, start_sync_cb, self);
  g_source_set_name_by_id (self->sync_start_id, "[medkarta] start sync");
}

static void
mk_window_clear_sync (MkWindow *self)
{
  mk_window_cancel_sync_start (self);
  if (self->sync_controller == NULL)
    return;

  mk_sync_controller_shutdown (self->sync_controller);
  if (self->sync_status != NULL)
    mk_sync_status_set_controller (self->sync_status, NULL);
  g_clear_object (&self->sync_controller);
}

static void
mk_window_update_state (MkWindow *self)
{
  gboolean card = self->store != NULL;

  gtk_stack_set_visible_child_name (self->main_stack, card ? "card" : "welcome");
  gtk_widget_set_visible (self->demo_pill, self->is_demo);
  if (self->is_demo)
    gtk_widget_add_css_class (GTK_WIDGET (self), "demo");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "demo");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-view", card);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.search", card);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sync", self->sync_controller != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-sync", self->sync_controller != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-conflicts", self->sync_controller != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sign-in", self->sync_controller != NULL);
  update_switcher_bar (self);
}

void
mk_window_set_store (MkWindow *self,
                     MkStore  *store)
{
  gboolean was_demo;

  g_return_if_fail (MK_IS_WINDOW (self));
  g_return_if_fail (store == NULL || MK_IS_STORE (store));

  if (self->store == store)
    return;

  was_demo = self->is_demo;
  self->building = TRUE;

  mk_window_remove_pages (self);
  mk_window_clear_sync (self);
  g_set_object (&self->store, store);
  self->is_demo = FALSE;

  if (store != NULL)
    {
      g_autofree char *anchor = mk_store_get_meta (store, "demo-anchor", NULL);
      g_autofree char *last_view = NULL;
      View view = VIEW_PROFILE;

      self->is_demo = anchor != NULL && *anchor != '\0';

      for (guint i = 0; i < N_VIEWS; i++)
        {
          AdwViewStackPage *page;

          self->holders[i] = adw_bin_new ();
          page = adw_view_stack_add_titled (self->view_stack, self->holders[i],
                                            views[i].name, _(views[i].title));
          adw_view_stack_page_set_icon_name (page, views[i].icon_name);
        }

      if (self->settings != NULL)
        last_view = g_settings_get_string (self->settings, "last-view");
      if (!view_from_name (last_view, &view))
        view = VIEW_PROFILE;
      adw_view_stack_set_visible_child_name (self->view_stack, views[view].name);
      /* Only the visible view is built now; the others when first shown. */
      mk_window_ensure_page (self, view);
    }

  self->building = FALSE;

  /* An account card syncs: on opening (after the first frame), on a
   * timer, on demand, when the network returns. */
  if (store != NULL && !self->is_demo)
    {
      self->sync_controller = mk_sync_controller_new (store, self->clock, g_network_monitor_get_default ());
      mk_sync_status_set_controller (self->sync_status, self->sync_controller);
      mk_window_start_sync_after_frame (self);
    }

  mk_window_update_state (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
  if (was_demo != self->is_demo)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_DEMO]);
}

void
mk_window_show_error (MkWindow     *self,
                      const char   *heading,
                      const GError *error)
{
  GtkWidget *dialog;

  g_return_if_fail (MK_IS_WINDOW (self));
  g_return_if_fail (error != NULL);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_view_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  mk_window_show_view (MK_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  MkWindow *self = MK_WINDOW (widget);

  if (self->store == NULL)
    return;

  mk_window_show_view (self, views[VIEW_RECORDS].name);
  mk_records_page_focus_search (MK_RECORDS_PAGE (mk_window_ensure_page (self, VIEW_RECORDS)));
}

static void
open_demo_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  MkWindow *self = MK_WINDOW (widget);
  g_autoptr(MkStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = mk_application_open_demo_store (self->clock, &error);
  if (store == NULL)
    {
      mk_window_show_error (self, _("Cannot Open the Demo Card"), error);
      return;
    }

  mk_window_set_store (self, store);
}

static void
sync_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  MkWindow *self = MK_WINDOW (widget);

  if (self->sync_controller != NULL)
    mk_sync_controller_sync (self->sync_controller);
}

static void
cancel_sync_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  MkWindow *self = MK_WINDOW (widget);

  if (self->sync_controller != NULL)
    mk_sync_controller_cancel (self->sync_controller);
}

static void
show_conflicts_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  MkWindow *self = MK_WINDOW (widget);

  if (self->store == NULL)
    return;

  gtk_window_present (GTK_WINDOW (mk_conflict_dialog_new (GTK_WINDOW (self), self->store,
                                                          self->sync_controller)));
}

static void
on_signed_in (MkWindow       *self,
              MkAccountSetup *setup)
{
  if (self->sync_controller != NULL)
    mk_sync_controller_signed_in (self->sync_controller);
}

static void
sign_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  MkWindow *self = MK_WINDOW (widget);
  GtkWidget *setup;

  if (self->store == NULL || self->sync_controller == NULL)
    return;

  setup = mk_account_setup_new_sign_in (GTK_WINDOW (self), self->store);
  g_signal_connect_object (setup, "signed-in", G_CALLBACK (on_signed_in), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (setup));
}

static void
on_account_created (MkWindow       *self,
                    const char     *account_id,
                    GtkWindow      *dialog)
{
  g_autoptr(MkStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = mk_application_open_account_store (account_id, &error);
  if (store == NULL)
    {
      mk_window_show_error (self, _("Cannot Open the Card"), error);
      return;
    }

  mk_window_set_store (self, store);
}

static void
connect_server_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  MkWindow *self = MK_WINDOW (widget);
  GtkWidget *dialog = mk_account_setup_new (GTK_WINDOW (self));

  g_signal_connect_object (dialog, "account-created",
                           G_CALLBACK (on_account_created), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
mk_window_close_request (GtkWindow *window)
{
  MkWindow *self = MK_WINDOW (window);

  if (self->settings != NULL)
    {
      gboolean maximized = gtk_window_is_maximized (window);

      g_settings_set_boolean (self->settings, "window-maximized", maximized);
      if (!maximized)
        {
          int width, height;

          gtk_window_get_default_size (window, &width, &height);
          g_settings_set_int (self->settings, "window-width", width);
          g_settings_set_int (self->settings, "window-height", height);
        }
    }

  return GTK_WINDOW_CLASS (mk_window_parent_class)->close_request (window);
}

static void
mk_window_constructed (GObject *object)
{
  MkWindow *self = MK_WINDOW (object);

  G_OBJECT_CLASS (mk_window_parent_class)->constructed (object);

  if (self->clock == NULL)
    self->clock = g_object_ref (mk_clock_get_default ());

  self->settings = mk_application_create_settings ();

  if (self->settings != NULL)
    {
      int width = g_settings_get_int (self->settings, "window-width");
      int height = g_settings_get_int (self->settings, "window-height");

      if (width > 0 && height > 0)
        gtk_window_set_default_size (GTK_WINDOW (self), width, height);
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
    }

  mk_window_update_state (self);
}

static void
mk_window_dispose (GObject *object)
{
  MkWindow *self = MK_WINDOW (object);

  self->building = TRUE;
  mk_window_clear_sync (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), MK_TYPE_WINDOW);
  for (guint i = 0; i < N_VIEWS; i++)
    {
      self->holders[i] = NULL;
      self->pages[i] = NULL;
    }

  G_OBJECT_CLASS (mk_window_parent_class)->dispose (object);
}

static void
mk_window_finalize (GObject *object)
{
  MkWindow *self = MK_WINDOW (object);

  g_clear_object (&self->store);
  g_clear_object (&self->clock);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (mk_window_parent_class)->finalize (object);
}

static void
mk_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  MkWindow *self = MK_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_CLOCK:
      g_value_set_object (value, self->clock);
      break;
    case PROP_IS_DEMO:
      g_value_set_boolean (value, self->is_demo);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mk_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  MkWindow *self = MK_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      mk_window_set_store (self, g_value_get_object (value));
      break;
    case PROP_CLOCK:
      g_set_object (&self->clock, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mk_window_class_init (MkWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = mk_window_constructed;
  object_class->dispose = mk_window_dispose;
  object_class->finalize = mk_window_finalize;
  object_class->get_property = mk_window_get_property;
  object_class->set_property = mk_window_set_property;

  window_class->close_request = mk_window_close_request;

  properties [PROP_CLOCK] =
    g_param_spec_object ("clock", NULL, NULL, MK_TYPE_CLOCK,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* "store" is set after "clock": construct properties are set in order
   * of installation. */
  properties [PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, MK_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties [PROP_IS_DEMO] =
    g_param_spec_boolean ("is-demo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (MK_TYPE_WELCOME_PAGE);
  g_type_ensure (MK_TYPE_NOTIFICATIONS_POPOVER);
  g_type_ensure (MK_TYPE_SYNC_STATUS);

  mk_ui_class_set_template (widget_class, "mk-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MkWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, MkWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, MkWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, MkWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, MkWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, MkWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, MkWindow, demo_pill);
  gtk_widget_class_bind_template_child (widget_class, MkWindow, sync_status);
  gtk_widget_class_bind_template_callback (widget_class, update_switcher_bar);
  gtk_widget_class_bind_template_callback (widget_class, on_visible_view_changed);

  gtk_widget_class_install_action (widget_class, "win.show-view", "s", show_view_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.open-demo", NULL, open_demo_action);
  gtk_widget_class_install_action (widget_class, "win.connect-server", NULL, connect_server_action);
  gtk_widget_class_install_action (widget_class, "win.sync", NULL, sync_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-sync", NULL, cancel_sync_action);
  gtk_widget_class_install_action (widget_class, "win.show-conflicts", NULL, show_conflicts_action);
  gtk_widget_class_install_action (widget_class, "win.sign-in", NULL, sign_in_action);

  for (guint i = 0; i < N_VIEWS; i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_ALT_MASK,
                                         "win.show-view", "s", views[i].name);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.sync", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.sync", NULL);
}

static void
mk_window_init (MkWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

MkWindow *
mk_window_new (MkApplication *application,
               MkStore       *store,
               MkClock       *clock)
{
  g_return_val_if_fail (MK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (store == NULL || MK_IS_STORE (store), NULL);
  g_return_val_if_fail (clock == NULL || MK_IS_CLOCK (clock), NULL);

  return g_object_new (MK_TYPE_WINDOW,
                       "application", application,
                       "clock", clock,
                       "store", store,
                       NULL);
}

MkStore *
mk_window_get_store (MkWindow *self)
{
  g_return_val_if_fail (MK_IS_WINDOW (self), NULL);

  return self->store;
}

MkClock *
mk_window_get_clock (MkWindow *self)
{
  g_return_val_if_fail (MK_IS_WINDOW (self), NULL);

  return self->clock;
}

gboolean
mk_window_get_is_demo (MkWindow *self)
{
  g_return_val_if_fail (MK_IS_WINDOW (self), FALSE);

  return self->is_demo;
}

AdwViewStack *
mk_window_get_view_stack (MkWindow *self)
{
  g_return_val_if_fail (MK_IS_WINDOW (self), NULL);

  return self->view_stack;
}

const char *
mk_window_get_visible_view (MkWindow *self)
{
  g_return_val_if_fail (MK_IS_WINDOW (self), NULL);

  if (self->store == NULL)
    return NULL;

  return adw_view_stack_get_visible_child_name (self->view_stack);
}

void
mk_window_show_view (MkWindow   *self,
                     const char *name)
{
  g_return_if_fail (MK_IS_WINDOW (self));
  g_return_if_fail (name != NULL);

  if (self->store == NULL)
    return;

  if (adw_view_stack_get_child_by_name (self->view_stack, name) != NULL)
    adw_view_stack_set_visible_child_name (self->view_stack, name);
}

GtkWidget *
mk_window_get_page (MkWindow   *self,
                    const char *name)
{
  View view;

  g_return_val_if_fail (MK_IS_WINDOW (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (self->store == NULL || !view_from_name (name, &view))
    return NULL;

  return mk_window_ensure_page (self, view);
}

MkSyncController *
mk_window_get_sync_controller (MkWindow *self)
{
  g_return_val_if_fail (MK_IS_WINDOW (self), NULL);

  return self->sync_controller;
}
