/* mk-preferences-window.c — notification and background preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mk-application.h"
#include "mk-preferences-window.h"
#include "mk-ui-template.h"

struct _MkPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;   /* NULL when the schema is not installed */

  /* Template widgets */
  GtkSwitch            *notify_visits;
  GtkSwitch            *notify_visit_changes;
  GtkSwitch            *notify_prescriptions;
  GtkSwitch            *notify_results;
  GtkSwitch            *notify_medbook;
  GtkSwitch            *notify_requests;
  GtkSwitch            *notify_sync;
  GtkSwitch            *notify_doctor;
  GtkSpinButton        *visit_lead_hours;
  GtkSpinButton        *visit_short_lead_hours;
  GtkSwitch            *quiet_hours_enabled;
  GtkSpinButton        *quiet_hours_start;
  GtkSpinButton        *quiet_hours_end;
  GtkSwitch            *run_in_background;
};

G_DEFINE_FINAL_TYPE (MkPreferencesWindow, mk_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* Quiet hours are kept in minutes after midnight and edited in hours. */
static gboolean
minutes_to_hours (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  g_value_set_double (value, g_variant_get_uint32 (variant) / 60);
  return TRUE;
}

static GVariant *
hours_to_minutes (const GValue       *value,
                  const GVariantType *expected_type,
                  gpointer            user_data)
{
  double hours = CLAMP (g_value_get_double (value), 0, 23);

  return g_variant_new_uint32 ((guint32) hours * 60);
}

static void
bind_widget (MkPreferencesWindow *self,
             GtkWidget           *widget,
             const char          *key,
             const char          *property)
{
  gtk_widget_set_name (widget, key);
  if (self->settings == NULL)
    {
      gtk_widget_set_sensitive (widget, FALSE);
      return;
    }
  g_settings_bind (self->settings, key, widget, property, G_SETTINGS_BIND_DEFAULT);
}

static void
bind_hours (MkPreferencesWindow *self,
            GtkSpinButton       *spin,
            const char          *key)
{
  gtk_widget_set_name (GTK_WIDGET (spin), key);
  if (self->settings == NULL)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (spin), FALSE);
      return;
    }
  g_settings_bind_with_mapping (self->settings, key, spin, "value", G_SETTINGS_BIND_DEFAULT,
                                minutes_to_hours, hours_to_minutes, NULL, NULL);
  g_object_bind_property (self->quiet_hours_enabled, "active", spin, "sensitive",
                          G_BINDING_SYNC_CREATE);
}

static void
mk_preferences_window_constructed (GObject *object)
{
  MkPreferencesWindow *self = MK_PREFERENCES_WINDOW (object);
  const struct {
    GtkSwitch  *widget;
    const char *key;
  } switches[] = {
    { self->notify_visits, "notify-visits" },
    { self->notify_visit_changes, "notify-visit-changes" },
    { self->notify_prescriptions, "notify-prescriptions" },
    { self->notify_results, "notify-results" },
    { self->notify_medbook, "notify-medbook" },
    { self->notify_requests, "notify-requests" },
    { self->notify_sync, "notify-sync" },
    { self->notify_doctor, "notify-doctor" },
    { self->quiet_hours_enabled, "quiet-hours-enabled" },
    { self->run_in_background, "run-in-background" },
  };

  G_OBJECT_CLASS (mk_preferences_window_parent_class)->constructed (object);

  self->settings = mk_application_create_settings ();

  for (guint i = 0; i < G_N_ELEMENTS (switches); i++)
    bind_widget (self, GTK_WIDGET (switches[i].widget), switches[i].key, "active");

  bind_widget (self, GTK_WIDGET (self->visit_lead_hours), "visit-lead-hours", "value");
  bind_widget (self, GTK_WIDGET (self->visit_short_lead_hours), "visit-short-lead-hours", "value");
  bind_hours (self, self->quiet_hours_start, "quiet-hours-start");
  bind_hours (self, self->quiet_hours_end, "quiet-hours-end");
}

static void
mk_preferences_window_dispose (GObject *object)
{
  MkPreferencesWindow *self = MK_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MK_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (mk_preferences_window_parent_class)->dispose (object);
}

static void
mk_preferences_window_class_init (MkPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = mk_preferences_window_constructed;
  object_class->dispose = mk_preferences_window_dispose;

  mk_ui_class_set_template (widget_class, "mk-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MkPreferencesWindow, notify_visits);
  gtk_widget_class_bind_template_child (widget_class, MkPreferencesWindow, notify_visit_changes);
  gtk_widget_class_bind_template_child (widget_class, MkPreferencesWindow, notify_prescriptions);
  gtk_widget_class_bind_template_child (widget_class, MkPreferencesWindow, notify_results);
  gtk_widget_class_bind_template_child (widget_class, MkPreferencesWindow, notify_medbook);
  gtk_widget_class_bind_template_child (widget_class, MkPreferencesWindow, notify_requests);
  gtk_widget_class_bind_template_child (widget_class, MkPreferencesWindow, notify_sync);
  gtk_widget_class_bind_template_child (widget_class, MkPreferencesWindow, notify_doctor);
  gtk_widget_class_bind_template_child (widget_class, MkPreferencesWindow, visit_lead_hours);
  gtk_widget_class_bind_template_child (widget_class, MkPreferencesWindow, visit_short_lead_hours);
  gtk_widget_class_bind_template_child (widget_class, MkPreferencesWindow, quiet_hours_enabled);
  gtk_widget_class_bind_template_child (widget_class, MkPreferencesWindow, quiet_hours_start);
  gtk_widget_class_bind_template_child (widget_class, MkPreferencesWindow, quiet_hours_end);
  gtk_widget_class_bind_template_child (widget_class, MkPreferencesWindow, run_in_background);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
mk_preferences_window_init (MkPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
mk_preferences_window_new (GtkWindow *parent)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (MK_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);
}
