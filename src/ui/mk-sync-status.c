/* mk-sync-status.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mk-format.h"
#include "mk-sync-status.h"
#include "mk-ui-template.h"

/* How often "5 minutes ago" is brought up to date. */
#define REFRESH_SECONDS 30

struct _MkSyncStatus
{
  AdwBin            parent_instance;

  MkSyncController *controller;
  GSignalGroup     *signals;
  guint             refresh_id;

  /* Template widgets */
  GtkRevealer      *revealer;
  GtkBox           *bar;
  GtkStack         *icon_stack;
  GtkImage         *icon;
  GtkSpinner       *spinner;
  GtkLabel         *label;
  GtkLabel         *pending_label;
  GtkButton        *attention_button;
  GtkButton        *action_button;
};

G_DEFINE_FINAL_TYPE (MkSyncStatus, mk_sync_status, ADW_TYPE_BIN)

enum { PROP_0, PROP_CONTROLLER, N_PROPS };
static GParamSpec *properties [N_PROPS];

static const char * const state_classes[] = { "syncing", "offline", "failed", "sign-in", NULL };

char *
mk_sync_status_format_synced (GDateTime *last_sync,
                              GDateTime *now)
{
  GTimeSpan ago;
  g_autofree char *date = NULL;

  if (last_sync == NULL)
    return g_strdup (_("Not synced yet"));

  ago = now != NULL ? g_date_time_difference (now, last_sync) : 0;
  if (ago < G_TIME_SPAN_MINUTE)
    return g_strdup (_("Synced just now"));
  if (ago < G_TIME_SPAN_HOUR)
    {
      guint minutes = ago / G_TIME_SPAN_MINUTE;

      return g_strdup_printf (ngettext ("Synced %u minute ago", "Synced %u minutes ago", minutes),
                              minutes);
    }
  if (ago < G_TIME_SPAN_DAY)
    {
      guint hours = ago / G_TIME_SPAN_HOUR;

      return g_strdup_printf (ngettext ("Synced %u hour ago", "Synced %u hours ago", hours), hours);
    }

  {
    g_autoptr(GDateTime) local = g_date_time_to_local (last_sync);

    date = mk_format_date (local);
  }
  /* Translators: %s is a date, as in "Synced on 23.11.2026" */
  return g_strdup_printf (_("Synced on %s"), date);
}

static char *
format_progress (guint pages,
                 guint resources)
{
  g_autofree char *pages_text = NULL;
  g_autofree char *resources_text = NULL;

  if (pages == 0 && resources == 0)
    return g_strdup (_("Syncing…"));

  pages_text = g_strdup_printf (ngettext ("%u page", "%u pages", pages), pages);
  resources_text = g_strdup_printf (ngettext ("%u record", "%u records", resources), resources);
  /* Translators: sync progress, "Syncing… 3 pages, 120 records"; the first
   * %s is "N pages", the second "N records" */
  return g_strdup_printf (C_("sync progress", "Syncing… %s, %s"), pages_text, resources_text);
}

static void
set_action (MkSyncStatus *self,
            const char   *label,
            const char   *action_name,
            const char   *tooltip)
{
  gtk_widget_set_visible (GTK_WIDGET (self->action_button), action_name != NULL);
  if (action_name == NULL)
    return;
  gtk_button_set_label (self->action_button, label);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->action_button), action_name);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->action_button), tooltip);
}

static void
mk_sync_status_update (MkSyncStatus *self)
{
  MkSyncController *controller = self->controller;
  g_autofree char *text = NULL;
  const char *state_class = NULL;
  const char *icon_name = "emblem-synchronizing-symbolic";
  gboolean shown = controller != NULL && mk_sync_controller_get_is_account (controller);
  gboolean syncing = FALSE;
  guint pending, conflicts, failed;

  gtk_revealer_set_reveal_child (self->revealer, shown);
  if (!shown)
    {
      gtk_spinner_stop (self->spinner);
      return;
    }

  switch (mk_sync_controller_get_state (controller))
    {
    case MK_SYNC_STATE_SYNCING:
      syncing = TRUE;
      state_class = "syncing";
      text = format_progress (mk_sync_controller_get_pages (controller),
                              mk_sync_controller_get_resources (controller));
      set_action (self, _("_Cancel"), "win.cancel-sync", _("Stop this sync"));
      break;
    case MK_SYNC_STATE_OFFLINE:
      state_class = "offline";
      icon_name = "network-offline-symbolic";
      text = g_strdup (_("Offline — changes are kept and sent when the network returns"));
      set_action (self, NULL, NULL, NULL);
      break;
    case MK_SYNC_STATE_FAILED:
      state_class = "failed";
      icon_name = "dialog-warning-symbolic";
      /* Translators: %s is the reason, a sentence such as "Cannot reach the server." */
      text = g_strdup_printf (_("Sync failed: %s"),
                              mk_sync_controller_get_error_message (controller) != NULL
                                ? mk_sync_controller_get_error_message (controller) : "");
      set_action (self, _("_Retry"), "win.sync", _("Sync again now"));
      break;
    case MK_SYNC_STATE_SIGN_IN_REQUIRED:
      state_class = "sign-in";
      icon_name = "system-lock-screen-symbolic";
      text = g_strdup (_("Sign in again to keep this card in sync"));
      set_action (self, _("_Sign In…"), "win.sign-in", _("Sign in to the clinic server"));
      break;
    case MK_SYNC_STATE_IDLE:
    default:
      {
        g_autoptr(GDateTime) now = mk_clock_get_now (mk_sync_controller_get_clock (controller));

        text = mk_sync_status_format_synced (mk_sync_controller_get_last_sync (controller), now);
        set_action (self, NULL, NULL, NULL);
      }
      break;
    }

  gtk_label_set_text (self->label, text);
  gtk_image_set_from_icon_name (self->icon, icon_name);
  gtk_stack_set_visible_child_name (self->icon_stack, syncing ? "spinner" : "icon");
  if (syncing)
    gtk_spinner_start (self->spinner);
  else
    gtk_spinner_stop (self->spinner);

  for (guint i = 0; state_classes[i] != NULL; i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->bar), state_classes[i]);
  if (state_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->bar), state_class);

  pending = mk_sync_controller_get_n_pending (controller);
  gtk_widget_set_visible (GTK_WIDGET (self->pending_label), pending > 0);
  if (pending > 0)
    {
      g_autofree char *pending_text =
        g_strdup_printf (ngettext ("%u change waiting", "%u changes waiting", pending), pending);

      gtk_label_set_text (self->pending_label, pending_text);
    }

  conflicts = mk_sync_controller_get_n_conflicts (controller);
  failed = mk_sync_controller_get_n_failed (controller);
  gtk_widget_set_visible (GTK_WIDGET (self->attention_button), conflicts + failed > 0);
  if (conflicts > 0)
    {
      g_autofree char *attention =
        g_strdup_printf (ngettext ("%u conflict to resolve", "%u conflicts to resolve", conflicts),
                         conflicts);

      gtk_button_set_label (self->attention_button, attention);
    }
  else if (failed > 0)
    {
      g_autofree char *attention =
        g_strdup_printf (ngettext ("%u change refused by the server", "%u changes refused by the server",
                                   failed), failed);

      gtk_button_set_label (self->attention_button, attention);
    }
}

static gboolean
on_refresh (gpointer user_data)
{
  MkSyncStatus *self = user_data;

  if (self->controller != NULL && mk_sync_controller_get_state (self->controller) == MK_SYNC_STATE_IDLE)
    mk_sync_status_update (self);
  return G_SOURCE_CONTINUE;
}

static void
mk_sync_status_map (GtkWidget *widget)
{
  MkSyncStatus *self = MK_SYNC_STATUS (widget);

  GTK_WIDGET_CLASS (mk_sync_status_parent_class)->map (widget);

  mk_sync_status_update (self);
  if (self->refresh_id == 0)
    self->refresh_id = g_timeout_add_seconds (REFRESH_SECONDS, on_refresh, self);
}

static void
mk_sync_status_unmap (GtkWidget *widget)
{
  MkSyncStatus *self = MK_SYNC_STATUS (widget);

  g_clear_handle_id (&self->refresh_id, g_source_remove);

  GTK_WIDGET_CLASS (mk_sync_status_parent_class)->unmap (widget);
}

static void
mk_sync_status_dispose (GObject *object)
{
  MkSyncStatus *self = MK_SYNC_STATUS (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->signals != NULL)
    g_signal_group_set_target (self->signals, NULL);
  g_clear_object (&self->signals);
  g_clear_object (&self->controller);
  /* No gtk_widget_dispose_template(): the revealer is the AdwBin's child,
   * which AdwBin unparents itself. */

  G_OBJECT_CLASS (mk_sync_status_parent_class)->dispose (object);
}

static void
mk_sync_status_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  MkSyncStatus *self = MK_SYNC_STATUS (object);

  switch (prop_id)
    {
    case PROP_CONTROLLER:
      g_value_set_object (value, self->controller);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mk_sync_status_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  MkSyncStatus *self = MK_SYNC_STATUS (object);

  switch (prop_id)
    {
    case PROP_CONTROLLER:
      mk_sync_status_set_controller (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mk_sync_status_class_init (MkSyncStatusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mk_sync_status_dispose;
  object_class->get_property = mk_sync_status_get_property;
  object_class->set_property = mk_sync_status_set_property;
  widget_class->map = mk_sync_status_map;
  widget_class->unmap = mk_sync_status_unmap;

  properties [PROP_CONTROLLER] =
    g_param_spec_object ("controller", NULL, NULL, MK_TYPE_SYNC_CONTROLLER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  mk_ui_class_set_template (widget_class, "mk-sync-status.ui");
  gtk_widget_class_bind_template_child (widget_class, MkSyncStatus, revealer);
  gtk_widget_class_bind_template_child (widget_class, MkSyncStatus, bar);
  gtk_widget_class_bind_template_child (widget_class, MkSyncStatus, icon_stack);
  gtk_widget_class_bind_template_child (widget_class, MkSyncStatus, icon);
  gtk_widget_class_bind_template_child (widget_class, MkSyncStatus, spinner);
  gtk_widget_class_bind_template_child (widget_class, MkSyncStatus, label);
  gtk_widget_class_bind_template_child (widget_class, MkSyncStatus, pending_label);
  gtk_widget_class_bind_template_child (widget_class, MkSyncStatus, attention_button);
  gtk_widget_class_bind_template_child (widget_class, MkSyncStatus, action_button);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_STATUS);
}

static void
mk_sync_status_init (MkSyncStatus *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->signals = g_signal_group_new (MK_TYPE_SYNC_CONTROLLER);
  /* Every property of the controller is something the line shows. */
  g_signal_group_connect_swapped (self->signals, "notify", G_CALLBACK (mk_sync_status_update), self);
  mk_sync_status_update (self);
}

GtkWidget *
mk_sync_status_new (void)
{
  return g_object_new (MK_TYPE_SYNC_STATUS, NULL);
}

MkSyncController *
mk_sync_status_get_controller (MkSyncStatus *self)
{
  g_return_val_if_fail (MK_IS_SYNC_STATUS (self), NULL);
  return self->controller;
}

void
mk_sync_status_set_controller (MkSyncStatus     *self,
                               MkSyncController *controller)
{
  g_return_if_fail (MK_IS_SYNC_STATUS (self));
  g_return_if_fail (controller == NULL || MK_IS_SYNC_CONTROLLER (controller));

  if (!g_set_object (&self->controller, controller))
    return;

  g_signal_group_set_target (self->signals, controller);
  mk_sync_status_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTROLLER]);
}

gboolean
mk_sync_status_get_shown (MkSyncStatus *self)
{
  g_return_val_if_fail (MK_IS_SYNC_STATUS (self), FALSE);
  return gtk_revealer_get_reveal_child (self->revealer);
}

const char *
mk_sync_status_get_text (MkSyncStatus *self)
{
  g_return_val_if_fail (MK_IS_SYNC_STATUS (self), NULL);
  return gtk_label_get_text (self->label);
}

const char *
mk_sync_status_get_pending_text (MkSyncStatus *self)
{
  g_return_val_if_fail (MK_IS_SYNC_STATUS (self), NULL);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->pending_label)))
    return NULL;
  return gtk_label_get_text (self->pending_label);
}

const char *
mk_sync_status_get_attention_text (MkSyncStatus *self)
{
  g_return_val_if_fail (MK_IS_SYNC_STATUS (self), NULL);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->attention_button)))
    return NULL;
  return gtk_button_get_label (self->attention_button);
}

const char *
mk_sync_status_get_button_action (MkSyncStatus *self)
{
  g_return_val_if_fail (MK_IS_SYNC_STATUS (self), NULL);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->action_button)))
    return NULL;
  return gtk_actionable_get_action_name (GTK_ACTIONABLE (self->action_button));
}
