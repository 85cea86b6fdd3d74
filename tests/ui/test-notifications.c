/* test-notifications.c — reminders become desktop notifications whose
 * actions open the right view; preferences; the in-app list
 *
 * The engine and the notification log are the real ones. The desktop is a
 * private session bus (GTestDBus) with a fake org.freedesktop.Notifications
 * server on its own connection: GLib's notification backend really sends
 * Notify/CloseNotification to it, and an ActionInvoked signal from it really
 * runs app.open.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>

#include "mk-application.h"
#include "mk-appointment-card.h"
#include "mk-background.h"
#include "mk-demo.h"
#include "mk-notification-item.h"
#include "mk-notifications-popover.h"
#include "mk-notifier.h"
#include "mk-preferences-window.h"
#include "mk-test-util.h"
#include "mk-window.h"

static char *tmp_root;
static MkApplication *app;

/* ---- The fake notification server ---------------------------------- */

typedef struct
{
  guint32   id;
  char     *summary;
  char     *body;
  GStrv     actions;
  gboolean  closed;
} FakeNotification;

static GDBusConnection *server_bus;
static GPtrArray *server_notifications;  /* FakeNotification */
static guint32 server_next_id = 1;

static const char server_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.Notifications'>"
  "    <method name='Notify'>"
  "      <arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "      <arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/><arg type='as' direction='in'/>"
  "      <arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
  "      <arg type='u' direction='out'/>"
  "    </method>"
  "    <method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "    <method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "    <method name='GetServerInformation'>"
  "      <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "      <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "    </method>"
  "    <signal name='NotificationClosed'><arg type='u'/><arg type='u'/></signal>"
  "    <signal name='ActionInvoked'><arg type='u'/><arg type='s'/></signal>"
  "  </interface>"
  "</node>";

static void
fake_notification_free (FakeNotification *n)
{
  g_free (n->summary);
  g_free (n->body);
  g_strfreev (n->actions);
  g_free (n);
}

static FakeNotification *
server_find (const char *summary,
             const char *body)
{
  for (guint i = 0; i < server_notifications->len; i++)
    {
      FakeNotification *n = g_ptr_array_index (server_notifications, i);

      if (g_strcmp0 (n->summary, summary) == 0 && g_strcmp0 (n->body, body) == 0)
        return n;
    }
  return NULL;
}

static void
server_method_call (GDBusConnection       *connection,
                    const char            *sender,
                    const char            *object_path,
                    const char            *interface_name,
                    const char            *method_name,
                    GVariant              *parameters,
                    GDBusMethodInvocation *invocation,
                    gpointer               user_data)
{
  if (g_str_equal (method_name, "Notify"))
    {
      FakeNotification *n = g_new0 (FakeNotification, 1);
      const char *summary, *body;
      guint32 replaces_id;

      g_variant_get (parameters, "(&su&s&s&s^as@a{sv}i)", NULL, &replaces_id, NULL,
                     &summary, &body, &n->actions, NULL, NULL);
      n->summary = g_strdup (summary);
      n->body = g_strdup (body);
      n->id = replaces_id != 0 ? replaces_id : server_next_id++;
      g_ptr_array_add (server_notifications, n);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", n->id));
    }
  else if (g_str_equal (method_name, "CloseNotification"))
    {
      guint32 id;

      g_variant_get (parameters, "(u)", &id);
      for (guint i = 0; i < server_notifications->len; i++)
        {
          FakeNotification *n = g_ptr_array_index (server_notifications, i);

          if (n->id == id)
            n->closed = TRUE;
        }
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else if (g_str_equal (method_name, "GetCapabilities"))
    {
      const char *caps[] = { "actions", "body", NULL };

      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", caps));
    }
  else
    {
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(ssss)", "fake", "medkarta", "1", "1.2"));
    }
}

static void
server_start (GTestDBus *bus)
{
  static const GDBusInterfaceVTable vtable = { server_method_call, NULL, NULL, { 0 } };
  g_autoptr(GDBusNodeInfo) info = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint32 result = 0;

  server_notifications = g_ptr_array_new_with_free_func ((GDestroyNotify) fake_notification_free);

  server_bus = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (bus),
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  g_assert_no_error (error);

  info = g_dbus_node_info_new_for_xml (server_xml, &error);
  g_assert_no_error (error);
  g_dbus_connection_register_object (server_bus, "/org/freedesktop/Notifications",
                                     info->interfaces[0], &vtable, NULL, NULL, &error);
  g_assert_no_error (error);

  reply = g_dbus_connection_call_sync (server_bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.Notifications", 0),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u)", &result);
  g_assert_cmpuint (result, ==, 1);  /* DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER */
}

/* ---- What the notifier emitted -------------------------------------- */

typedef struct
{
  char           *key;
  MkReminderKind  kind;
  char           *resource;
  char           *title;
  char           *body;
  char           *action;
} Sent;

static GPtrArray *sent;       /* Sent */
static GPtrArray *withdrawn;  /* char* */
static GThread   *main_thread;

static void
sent_free (Sent *s)
{
  g_free (s->key);
  g_free (s->resource);
  g_free (s->title);
  g_free (s->body);
  g_free (s->action);
  g_free (s);
}

static void
on_notification_sent (MkNotifier       *notifier,
                      const char       *key,
                      GNotification    *notification,
                      const MkReminder *reminder)
{
  Sent *s = g_new0 (Sent, 1);

  g_assert_true (G_IS_NOTIFICATION (notification));
  g_assert_cmpstr (key, ==, reminder->key);
  /* Checks run in a worker; what they fired is handed out here. */
  g_assert_true (g_thread_self () == main_thread);

  s->key = g_strdup (key);
  s->kind = reminder->kind;
  s->resource = g_strdup (reminder->resource);
  s->title = g_strdup (reminder->title);
  s->body = g_strdup (reminder->body);
  s->action = g_strdup (reminder->action);
  g_ptr_array_add (sent, s);
}

static void
on_notification_withdrawn (MkNotifier *notifier,
                           const char *key)
{
  g_assert_true (g_thread_self () == main_thread);
  g_ptr_array_add (withdrawn, g_strdup (key));
}

static void
clear_recorded (void)
{
  g_ptr_array_set_size (sent, 0);
  g_ptr_array_set_size (withdrawn, 0);
}

static Sent *
find_sent (MkReminderKind  kind,
           const char     *resource)
{
  for (guint i = 0; i < sent->len; i++)
    {
      Sent *s = g_ptr_array_index (sent, i);

      if (s->kind == kind && g_strcmp0 (s->resource, resource) == 0)
        return s;
    }
  return NULL;
}

/* ---- Helpers --------------------------------------------------------- */

static GDateTime *
test_anchor (void)
{
  return g_date_time_new_from_iso8601 ("2026-11-23T10:00:00+03:00", NULL);
}

static MkStore *
open_demo_store (const char *name)
{
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

static void
set_clock (MkClock    *clock,
           const char *iso)
{
  g_autoptr(GDateTime) now = g_date_time_new_from_iso8601 (iso, NULL);

  g_assert_nonnull (now);
  mk_clock_set_now (clock, now);
}

static void
spin (void)
{
  for (guint i = 0; i < 10; i++)
    while (g_main_context_iteration (NULL, FALSE))
      ;
}

typedef gboolean (*Condition) (gconstpointer data);

/* Runs the main loop until @condition holds; FALSE after 10 s. */
static gboolean
wait_for (Condition     condition,
          gconstpointer data)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
  return TRUE;
}

static gboolean
server_has (gconstpointer data)
{
  const Sent *s = data;

  return server_find (s->title, s->body) != NULL;
}

static gboolean
fake_closed (gconstpointer data)
{
  const FakeNotification *n = data;

  return n->closed;
}

static gboolean
window_shows_appointments (gconstpointer data)
{
  return g_strcmp0 (mk_window_get_visible_view (MK_WINDOW ((gpointer) data)), "appointments") == 0;
}

static gboolean
something_withdrawn (gconstpointer data)
{
  return withdrawn->len > 0;
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        return window;
    }
  return NULL;
}

static void
destroy_toplevels (GType type)
{
  GtkWindow *window;

  while ((window = find_toplevel (type)) != NULL)
    {
      g_object_ref (window);
      gtk_window_destroy (window);
      spin ();
      g_assert_finalize_object (window);
    }
}

static GtkWidget *
find_descendant (GtkWidget  *widget,
                 GType       type,
                 const char *name)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) &&
      (name == NULL || g_strcmp0 (gtk_widget_get_name (widget), name) == 0))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type, name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
destroy_window (MkWindow *window)
{
  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  spin ();
  g_assert_finalize_object (window);
}

static void
reset_settings (void)
{
  g_autoptr(GSettings) settings = mk_application_create_settings ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (settings, keys[i]);
}

/* The appointment as a sync would bring it after the clinic cancelled it. */
static void
import_cancelled (MkStore    *store,
                  const char *id)
{
  g_autofree char *json = NULL;
  g_autofree char *changed = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *object, *meta;

  json = mk_store_get_json (store, "Appointment", id, &error);
  g_assert_no_error (error);
  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);

  object = json_node_get_object (json_parser_get_root (parser));
  json_object_set_string_member (object, "status", "cancelled");
  meta = json_object_get_object_member (object, "meta");
  json_object_set_string_member (meta, "versionId", "2");
  json_object_set_string_member (meta, "lastUpdated", "2026-11-23T07:40:00Z");
  changed = json_to_string (json_parser_get_root (parser), FALSE);

  mk_store_import_json (store, changed, -1, NULL, &error);
  g_assert_no_error (error);
}

/* ---- Tests ------------------------------------------------------------ */

/* A visit tomorrow: the day-before reminder reaches the desktop at its
 * moment and not before, its action opens the visit, it is sent once, and a
 * cancellation withdraws it and says so once. */
static void
test_visit_reminder (void)
{
  g_autoptr(MkStore) store = open_demo_store ("visit");
  g_autoptr(GDateTime) before = NULL;
  g_autoptr(MkClock) clock = NULL;
  g_autofree char *day_before_key = NULL;
  MkNotifier *notifier = mk_application_get_notifier (app);
  MkNotificationsPopover *popover;
  FakeNotification *fake;
  GDateTime *next;
  MkWindow *window;
  Sent *s;
  gboolean found_withdrawn = FALSE;
  g_autoptr(GError) error = NULL;

  reset_settings ();
  clear_recorded ();
  before = test_anchor ();
  clock = mk_clock_new_fake (before);

  window = mk_window_new (app, store, clock);
  gtk_window_present (GTK_WINDOW (window));
  mk_window_show_view (window, "profile");

  /* The notifier follows the window's card. */
  g_assert_true (mk_notifier_get_store (notifier) == store);
  g_assert_true (mk_notifier_get_clock (notifier) == clock);

  /* At 10:00 the visit tomorrow at 10:30 is not due yet … */
  mk_notifier_check_now (notifier);
  g_assert_null (find_sent (MK_REMINDER_VISIT_DAY_BEFORE, "Appointment/appt-tomorrow"));
  /* … and the timer is armed for no later than its moment. */
  next = mk_notifier_get_next_wakeup (notifier);
  g_assert_nonnull (next);
  g_assert_cmpint (g_date_time_compare (next, before), >, 0);
  {
    g_autoptr(GDateTime) moment = g_date_time_new_from_iso8601 ("2026-11-23T10:30:00+03:00", NULL);
    g_assert_cmpint (g_date_time_compare (next, moment), <=, 0);
  }

  /* At the day-before moment it fires. */
  clear_recorded ();
  set_clock (clock, "2026-11-23T10:30:30+03:00");
  mk_notifier_check_now (notifier);
  s = find_sent (MK_REMINDER_VISIT_DAY_BEFORE, "Appointment/appt-tomorrow");
  g_assert_nonnull (s);
  g_assert_cmpstr (s->title, !=, "");
  g_assert_nonnull (s->body);
  g_assert_cmpstr (s->body, !=, "");
  g_assert_cmpstr (s->action, ==, "app.open::Appointment/appt-tomorrow");
  day_before_key = g_strdup (s->key);

  /* The real GApplication path: a D-Bus Notify with the texts and both
   * the default action and the "Open" button. */
  g_assert_true (wait_for (server_has, s));
  fake = server_find (s->title, s->body);
  g_assert_true (g_strv_contains ((const char * const *) fake->actions, "default"));
  g_assert_true (g_strv_contains ((const char * const *) fake->actions,
                                  "app.open('Appointment/appt-tomorrow')"));

  /* Exactly once. */
  clear_recorded ();
  mk_notifier_check_now (notifier);
  g_assert_cmpuint (sent->len, ==, 0);

  /* The clinic cancels the visit (a sync lands): the reminder is
   * withdrawn, also from the desktop, and one notice says so. */
  import_cancelled (store, "appt-tomorrow");
  g_assert_true (wait_for (something_withdrawn, NULL));
  for (guint i = 0; i < withdrawn->len; i++)
    if (g_str_equal (g_ptr_array_index (withdrawn, i), day_before_key))
      found_withdrawn = TRUE;
  g_assert_true (found_withdrawn);
  g_assert_true (wait_for (fake_closed, fake));

  s = find_sent (MK_REMINDER_VISIT_CHANGED, "Appointment/appt-tomorrow");
  g_assert_nonnull (s);
  g_assert_cmpstr (s->action, ==, "app.open::Appointment/appt-tomorrow");
  {
    guint n = 0;

    for (guint i = 0; i < sent->len; i++)
      if (((Sent *) g_ptr_array_index (sent, i))->kind == MK_REMINDER_VISIT_CHANGED)
        n++;
    g_assert_cmpuint (n, ==, 1);
  }
  g_assert_true (wait_for (server_has, s));
  fake = server_find (s->title, s->body);

  /* The user clicks it: app.open runs, the window shows the visit. */
  g_assert_cmpstr (mk_window_get_visible_view (window), ==, "profile");
  g_dbus_connection_emit_signal (server_bus, NULL, "/org/freedesktop/Notifications",
                                 "org.freedesktop.Notifications", "ActionInvoked",
                                 g_variant_new ("(us)", fake->id, "default"), &error);
  g_assert_no_error (error);
  g_assert_true (wait_for (window_shows_appointments, window));
  g_assert_nonnull (find_toplevel (MK_TYPE_APPOINTMENT_CARD));
  destroy_toplevels (MK_TYPE_APPOINTMENT_CARD);

  /* The in-app list: the newest first, the withdrawn one marked. */
  popover = MK_NOTIFICATIONS_POPOVER (find_descendant (GTK_WIDGET (window), MK_TYPE_NOTIFICATIONS_POPOVER, NULL));
  g_assert_nonnull (popover);
  mk_notifications_popover_reload (popover);
  g_assert_false (mk_notifications_popover_is_empty (popover));
  for (guint i = 0; i < g_list_model_get_n_items (mk_notifications_popover_get_model (popover)); i++)
    {
      g_autoptr(MkNotificationItem) item = g_list_model_get_item (mk_notifications_popover_get_model (popover), i);

      g_assert_nonnull (mk_notification_item_get_title (item));
      g_assert_nonnull (mk_notification_item_get_time (item));
      if (g_str_equal (mk_notification_item_get_key (item), day_before_key))
        {
          g_assert_cmpint (mk_notification_item_get_state (item), ==, MK_NOTIFICATION_WITHDRAWN);
          g_assert_cmpstr (mk_notification_item_get_resource (item), ==, "Appointment/appt-tomorrow");

          /* Activating the row opens the visit too. */
          mk_window_show_view (window, "profile");
          mk_notifications_popover_activate (popover, i);
          g_assert_cmpstr (mk_window_get_visible_view (window), ==, "appointments");
          destroy_toplevels (MK_TYPE_APPOINTMENT_CARD);
        }
    }

  destroy_window (window);
  mk_notifier_set_store (notifier, NULL, NULL);
  g_assert_null (mk_notifier_get_next_wakeup (notifier));
}

/* app.open with every kind of target. */
static void
test_open_action (void)
{
  g_autoptr(MkStore) store = open_demo_store ("open");
  g_autoptr(GDateTime) anchor = test_anchor ();
  g_autoptr(MkClock) clock = mk_clock_new_fake (anchor);
  const struct {
    const char *target;
    const char *view;
  } cases[] = {
    { "MedicationRequest/any", "prescriptions" },
    { "Observation/any", "records" },
    { "DiagnosticReport/any", "records" },
    { "Immunization/any", "records" },
    { "DocumentReference/any", "documents" },
    { "Patient/" MK_DEMO_PATIENT_ID, "profile" },
    /* A missing visit: the list, no card, no error. */
    { "Appointment/no-such-visit", "appointments" },
    /* Unknown: the window stays where it is. */
    { "Basic/1", "appointments" },
    { "", "appointments" },
  };
  MkWindow *window;

  reset_settings ();
  window = mk_window_new (app, store, clock);
  gtk_window_present (GTK_WINDOW (window));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_action_group_activate_action (G_ACTION_GROUP (app), "open", g_variant_new_string (cases[i].target));
      g_assert_cmpstr (mk_window_get_visible_view (window), ==, cases[i].view);
    }
  g_assert_null (find_toplevel (MK_TYPE_APPOINTMENT_CARD));

  destroy_window (window);
  mk_notifier_set_store (mk_application_get_notifier (app), NULL, NULL);
}

/* The list under the bell: empty state, then what was fired. */
static void
test_popover (void)
{
  g_autoptr(MkStore) store = open_demo_store ("popover");
  g_autoptr(MkClock) clock = NULL;
  g_autoptr(MkReminders) reminders = NULL;
  g_autoptr(GPtrArray) fired = NULL;
  g_autoptr(GError) error = NULL;
  MkNotificationsPopover *popover;

  {
    g_autoptr(GDateTime) anchor = test_anchor ();
    clock = mk_clock_new_fake (anchor);
  }
  set_clock (clock, "2026-11-23T10:30:30+03:00");

  popover = MK_NOTIFICATIONS_POPOVER (g_object_ref_sink (mk_notifications_popover_new ()));
  mk_notifications_popover_set_store (popover, store);
  mk_notifications_popover_reload (popover);
  g_assert_true (mk_notifications_popover_is_empty (popover));

  reminders = mk_reminders_new (store, clock);
  fired = mk_reminders_fire (reminders, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fired->len, >, 0);

  mk_notifications_popover_reload (popover);
  /* Stale items merged into a summary are listed too. */
  g_assert_cmpuint (g_list_model_get_n_items (mk_notifications_popover_get_model (popover)), >=, fired->len);
  {
    g_autoptr(MkNotificationItem) item = g_list_model_get_item (mk_notifications_popover_get_model (popover), 0);

    g_assert_cmpint (mk_notification_item_get_state (item), ==, MK_NOTIFICATION_SHOWN);
    g_assert_nonnull (mk_notification_item_get_state_label (item));
  }

  g_clear_object (&reminders);
  g_assert_finalize_object (popover);
}

static void
set_spin (GtkWidget *window,
          const char *key,
          double      value)
{
  GtkWidget *spin = find_descendant (window, GTK_TYPE_SPIN_BUTTON, key);

  g_assert_nonnull (spin);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
}

/* Preferences: bound to GSettings, and the notifier follows. */
static void
test_preferences (void)
{
  g_autoptr(GSettings) settings = mk_application_create_settings ();
  g_autofree char *autostart = mk_background_dup_autostart_path ();
  g_autofree char *contents = NULL;
  MkNotifier *notifier = mk_application_get_notifier (app);
  MkReminderSettings rs;
  GtkWindow *window;
  GtkWidget *visits;
  GtkWidget *background;

  reset_settings ();
  g_assert_false (mk_background_is_sandboxed ());
  g_assert_false (g_file_test (autostart, G_FILE_TEST_EXISTS));

  /* app.preferences opens the window. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  window = find_toplevel (MK_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (window);

  mk_notifier_get_reminder_settings (notifier, &rs);
  g_assert_true (rs.enabled_kinds & (G_GUINT64_CONSTANT (1) << MK_REMINDER_VISIT_DAY_BEFORE));
  g_assert_cmpint (rs.visit_lead_long, ==, 24 * G_TIME_SPAN_HOUR);
  g_assert_cmpint (rs.visit_lead_short, ==, 2 * G_TIME_SPAN_HOUR);
  g_assert_cmpint (rs.quiet_start_minutes, ==, -1);

  visits = find_descendant (GTK_WIDGET (window), GTK_TYPE_SWITCH, "notify-visits");
  g_assert_nonnull (visits);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (visits)));
  gtk_switch_set_active (GTK_SWITCH (visits), FALSE);
  g_assert_false (g_settings_get_boolean (settings, "notify-visits"));

  set_spin (GTK_WIDGET (window), "visit-lead-hours", 12);
  g_assert_cmpuint (g_settings_get_uint (settings, "visit-lead-hours"), ==, 12);

  gtk_switch_set_active (GTK_SWITCH (find_descendant (GTK_WIDGET (window), GTK_TYPE_SWITCH,
                                                      "quiet-hours-enabled")), TRUE);
  set_spin (GTK_WIDGET (window), "quiet-hours-start", 23);
  g_assert_cmpuint (g_settings_get_uint (settings, "quiet-hours-start"), ==, 23 * 60);

  mk_notifier_get_reminder_settings (notifier, &rs);
  g_assert_false (rs.enabled_kinds & (G_GUINT64_CONSTANT (1) << MK_REMINDER_VISIT_DAY_BEFORE));
  g_assert_false (rs.enabled_kinds & (G_GUINT64_CONSTANT (1) << MK_REMINDER_VISIT_SOON));
  g_assert_true (rs.enabled_kinds & (G_GUINT64_CONSTANT (1) << MK_REMINDER_VISIT_CHANGED));
  g_assert_cmpint (rs.visit_lead_long, ==, 12 * G_TIME_SPAN_HOUR);
  g_assert_cmpint (rs.quiet_start_minutes, ==, 23 * 60);
  g_assert_cmpint (rs.quiet_end_minutes, ==, 7 * 60);

  /* Running in the background writes the autostart entry, and back. */
  background = find_descendant (GTK_WIDGET (window), GTK_TYPE_SWITCH, "run-in-background");
  gtk_switch_set_active (GTK_SWITCH (background), TRUE);
  g_assert_true (g_settings_get_boolean (settings, "run-in-background"));
  g_assert_true (g_file_get_contents (autostart, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "Exec=medkarta --background"));
  gtk_switch_set_active (GTK_SWITCH (background), FALSE);
  g_assert_false (g_file_test (autostart, G_FILE_TEST_EXISTS));

  destroy_toplevels (MK_TYPE_PREFERENCES_WINDOW);
  reset_settings ();
}

/* With run-in-background, closing the window hides it. */
static void
test_background_close (void)
{
  g_autoptr(GSettings) settings = mk_application_create_settings ();
  g_autoptr(MkStore) store = open_demo_store ("background");
  g_autoptr(GDateTime) anchor = test_anchor ();
  g_autoptr(MkClock) clock = mk_clock_new_fake (anchor);
  MkWindow *window;

  reset_settings ();
  g_settings_set_boolean (settings, "run-in-background", TRUE);

  window = mk_window_new (app, store, clock);
  gtk_window_present (GTK_WINDOW (window));
  g_object_ref (window);
  gtk_window_close (GTK_WINDOW (window));
  spin ();
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_nonnull (g_list_find (gtk_application_get_windows (GTK_APPLICATION (app)), window));
  /* The reminders keep their card. */
  g_assert_true (mk_notifier_get_store (mk_application_get_notifier (app)) == store);

  /* A notification's action brings it back. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "open", g_variant_new_string ("MedicationRequest/any"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_cmpstr (mk_window_get_visible_view (window), ==, "prescriptions");

  /* Without the setting, closing closes. */
  g_settings_set_boolean (settings, "run-in-background", FALSE);
  gtk_window_close (GTK_WINDOW (window));
  spin ();
  g_assert_finalize_object (window);

  mk_notifier_set_store (mk_application_get_notifier (app), NULL, NULL);
  reset_settings ();
}

/* The check runs in a worker thread: on a card with thousands of rows to
 * scan, the main loop keeps turning while it runs, and the results come
 * back to the main thread, once. */
typedef struct
{
  MkNotifier *notifier;
  guint       ticks_while_checking;
  guint       notifies;
} WorkerWatch;

static gboolean
on_tick (gpointer data)
{
  WorkerWatch *w = data;

  if (mk_notifier_is_checking (w->notifier))
    w->ticks_while_checking++;
  return G_SOURCE_CONTINUE;
}

static void
on_checking (MkNotifier  *notifier,
             GParamSpec  *pspec,
             WorkerWatch *w)
{
  g_assert_true (g_thread_self () == main_thread);
  w->notifies++;
}

static gboolean
check_done (gconstpointer data)
{
  const WorkerWatch *w = data;

  return w->notifies >= 2 && !mk_notifier_is_checking (w->notifier);
}

static void
test_check_in_worker (void)
{
  g_autoptr(MkStore) store = open_demo_store ("worker");
  g_autoptr(GDateTime) anchor = test_anchor ();
  g_autoptr(MkClock) clock = mk_clock_new_fake (anchor);
  g_autoptr(GString) bulk = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);
  MkNotifier *notifier = mk_application_get_notifier (app);
  WorkerWatch w = { .notifier = notifier };
  guint tick_id, n_first;
  gulong handler;

  reset_settings ();
  clear_recorded ();

  /* Rows the engine must read on every check: valid prescriptions (only
   * wake-ups, nothing to show). */
  for (guint i = 0; i < 4000; i++)
    g_string_append_printf (bulk,
                            "{\"resourceType\":\"MedicationRequest\",\"id\":\"bulk-%u\","
                            "\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"2026-10-01T10:00:00+03:00\"},"
                            "\"status\":\"active\",\"intent\":\"order\",\"subject\":{\"reference\":\"Patient/p\"},"
                            "\"medicationCodeableConcept\":{\"text\":\"Medicine %u\"},\"authoredOn\":\"2026-10-01\","
                            "\"dispenseRequest\":{\"validityPeriod\":{\"start\":\"2026-10-01\",\"end\":\"2027-%02u-01\"}}}\n",
                            i, i, 1 + i % 12);
  mk_store_import_json (store, bulk->str, bulk->len, NULL, &error);
  g_assert_no_error (error);

  handler = g_signal_connect (notifier, "notify::checking", G_CALLBACK (on_checking), &w);
  tick_id = g_timeout_add (1, on_tick, &w);

  /* Start-up: the check is scheduled, then runs in the worker. */
  mk_notifier_set_store (notifier, store, clock);
  g_assert_false (mk_notifier_is_checking (notifier));
  g_assert_true (wait_for (check_done, &w));
  g_assert_cmpuint (w.notifies, ==, 2);
  g_assert_cmpuint (w.ticks_while_checking, >, 0);

  /* The demo's first run came back: the expiring prescription … */
  g_assert_nonnull (find_sent (MK_REMINDER_PRESCRIPTION_EXPIRING, "MedicationRequest/rx-expiring"));
  for (guint i = 0; i < sent->len; i++)
    g_assert_true (g_hash_table_add (keys, ((Sent *) g_ptr_array_index (sent, i))->key));
  /* … and the timer is armed for what comes next (the visit tomorrow). */
  g_assert_nonnull (mk_notifier_get_next_wakeup (notifier));
  g_assert_cmpint (g_date_time_compare (mk_notifier_get_next_wakeup (notifier), anchor), >, 0);

  /* A sync lands (::changed): another worker check, nothing twice; nor
   * from a check on the main thread after it. */
  n_first = sent->len;
  w.notifies = 0;
  mk_store_import_json (store,
                        "{\"resourceType\":\"MedicationRequest\",\"id\":\"bulk-0\","
                        "\"meta\":{\"versionId\":\"2\",\"lastUpdated\":\"2026-10-02T10:00:00+03:00\"},"
                        "\"status\":\"active\",\"intent\":\"order\",\"subject\":{\"reference\":\"Patient/p\"}}",
                        -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (wait_for (check_done, &w));
  mk_notifier_check_now (notifier);
  for (guint i = n_first; i < sent->len; i++)
    g_assert_true (g_hash_table_add (keys, ((Sent *) g_ptr_array_index (sent, i))->key));

  g_source_remove (tick_id);
  g_signal_handler_disconnect (notifier, handler);
  mk_notifier_set_store (notifier, NULL, NULL);
  g_assert_null (mk_notifier_get_next_wakeup (notifier));
  clear_recorded ();
}

int
main (int   argc,
      char *argv[])
{
  GTestDBus *bus;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) session = NULL;
  int ret;

  tmp_root = g_dir_make_tmp ("medkarta-test-notifications-XXXXXX", NULL);
  g_assert_nonnull (tmp_root);
  /* Before anything asks GLib for the user directories. */
  g_setenv ("XDG_DATA_HOME", tmp_root, TRUE);
  g_setenv ("XDG_CONFIG_HOME", tmp_root, TRUE);
  g_setenv ("XDG_CACHE_HOME", tmp_root, TRUE);
  g_unsetenv ("GTK_USE_PORTAL");

  /* A private session bus, before anything connects to one. */
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  {
    /* g_test_dbus_up() unsets DISPLAY; Xvfb's display is the one wanted. */
    g_autofree char *display = g_strdup (g_getenv ("DISPLAY"));

    g_test_dbus_up (bus);
    if (display != NULL)
      g_setenv ("DISPLAY", display, TRUE);
  }

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  server_start (bus);
  sent = g_ptr_array_new_with_free_func ((GDestroyNotify) sent_free);
  main_thread = g_thread_self ();
  withdrawn = g_ptr_array_new_with_free_func (g_free);

  app = mk_application_new ();
  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (mk_application_get_notifier (app), "notification-sent",
                    G_CALLBACK (on_notification_sent), NULL);
  g_signal_connect (mk_application_get_notifier (app), "notification-withdrawn",
                    G_CALLBACK (on_notification_withdrawn), NULL);

  g_test_add_func ("/notifications/visit-reminder", test_visit_reminder);
  g_test_add_func ("/notifications/open-action", test_open_action);
  g_test_add_func ("/notifications/popover", test_popover);
  g_test_add_func ("/notifications/preferences", test_preferences);
  g_test_add_func ("/notifications/background-close", test_background_close);
  g_test_add_func ("/notifications/check-in-worker", test_check_in_worker);

  ret = g_test_run ();

  g_clear_object (&app);
  spin ();

  /* Stop the private bus without being killed by its closing. */
  session = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  if (session != NULL)
    g_dbus_connection_set_exit_on_close (session, FALSE);
  g_dbus_connection_set_exit_on_close (server_bus, FALSE);
  g_clear_object (&server_bus);
  g_test_dbus_stop (bus);
  /* Not unreffed: finalizing it would wait for GTK to drop the session
   * connection, which it never does. */

  g_clear_pointer (&server_notifications, g_ptr_array_unref);
  g_clear_pointer (&sent, g_ptr_array_unref);
  g_clear_pointer (&withdrawn, g_ptr_array_unref);
  mk_test_remove_tree (tmp_root);
  g_free (tmp_root);
  return ret;
}
