/* mk-notifier.c — turns due reminders into desktop notifications
 *
 * The engine (MkReminders) decides what is due and records it in the
 * store's notification log; the notifier only asks it at the right
 * moments and hands the answers to the desktop:
 *
 *  - soon after a store is set (start-up, another card),
 *  - a second after the store changed (a sync or an import landed),
 *  - at the next due moment, from ONE timer armed with
 *    mk_reminders_next_wakeup() and capped at a safety interval, so a
 *    clock change is caught within 15 minutes,
 *  - on resume from suspend (logind's PrepareForSleep), as monotonic
 *    timers stand still while the computer sleeps,
 *  - when the settings change.
 *
 * A check runs in a worker thread (GTask) on a store connection of its own,
 * so a large mirror never stalls the window: SQLite in WAL mode lets the
 * app's connection read while the check holds its write transaction, and
 * MkStore's lock (held for a whole transaction) is never taken by the
 * check. The check freezes the clock's now when it starts; its results —
 * keys to withdraw, notifications to send, the next wake-up — are handed
 * out in the main thread. One check runs at a time; a request meanwhile
 * runs one more check after it. The engine records what it fired in the
 * same transaction, so exactly-once holds whatever the thread or process.
 *
 * Notification texts carry health data: they are never logged.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mk-background.h"
#include "mk-notifier.h"

/* Re-check at least this often (monotonic timers stand still while the
 * computer sleeps, and the wall clock may jump). */
#define SAFETY_INTERVAL_SECONDS (15 * 60)
/* The store changed: wait this long for more changes before checking. */
#define DEBOUNCE_MS 1000

struct _MkNotifier
{
  GObject        parent_instance;

  GApplication  *application;   /* weak */
  GSettings     *settings;      /* may be NULL */
  MkStore       *store;
  MkClock       *clock;
  MkReminders   *reminders;

  MkReminderSettings reminder_settings;

  guint          pending_id;    /* start-up or debounced check */
  guint          timer_id;      /* the next due moment */
  GDateTime     *next_wakeup;
  gboolean       busy;          /* inside a check on this thread: ignore our own ::changed */

  GCancellable  *check_cancellable;  /* the check in the worker, NULL when none runs */
  gboolean       check_again;        /* asked for while one ran */

  GCancellable    *cancellable;
  GDBusConnection *system_bus;  /* NULL without logind */
  guint            sleep_subscription;
};

G_DEFINE_FINAL_TYPE (MkNotifier, mk_notifier, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_APPLICATION,
  PROP_SETTINGS,
  PROP_STORE,
  PROP_CHECKING,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

enum {
  SIGNAL_NOTIFICATION_SENT,
  SIGNAL_NOTIFICATION_WITHDRAWN,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

#define KIND_BIT(kind) (G_GUINT64_CONSTANT (1) << (kind))

/* The switches of the preferences: one GSettings key per group of kinds. */
static const struct {
  const char *key;
  guint64     kinds;
} kind_groups[] = {
  { "notify-visits", KIND_BIT (MK_REMINDER_VISIT_DAY_BEFORE) | KIND_BIT (MK_REMINDER_VISIT_SOON) },
  { "notify-visit-changes", KIND_BIT (MK_REMINDER_VISIT_CHANGED) },
  { "notify-prescriptions", KIND_BIT (MK_REMINDER_PRESCRIPTION_EXPIRING) |
                            KIND_BIT (MK_REMINDER_PRESCRIPTION_EXPIRED) |
                            KIND_BIT (MK_REMINDER_PRESCRIPTION_DISPENSED) },
  { "notify-results", KIND_BIT (MK_REMINDER_NEW_RESULTS) },
  { "notify-medbook", KIND_BIT (MK_REMINDER_MEDBOOK_EXAM_DUE) | KIND_BIT (MK_REMINDER_VACCINATION_DUE) },
  { "notify-requests", KIND_BIT (MK_REMINDER_REQUEST_STATUS) },
  { "notify-sync", KIND_BIT (MK_REMINDER_SYNC_CONFLICT) |
                   KIND_BIT (MK_REMINDER_SIGN_IN_EXPIRED) |
                   KIND_BIT (MK_REMINDER_NOT_SYNCED) },
  { "notify-doctor", KIND_BIT (MK_REMINDER_CERTIFICATE_EXPIRING) | KIND_BIT (MK_REMINDER_SCHEDULE_TOMORROW) },
};

static void mk_notifier_arm_timer (MkNotifier *self,
                                   GDateTime  *next,
                                   gboolean    after_check);

static void
mk_notifier_read_settings (MkNotifier *self)
{
  MkReminderSettings *rs = &self->reminder_settings;

  mk_reminder_settings_init_defaults (rs);
  if (self->settings == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (kind_groups); i++)
    if (!g_settings_get_boolean (self->settings, kind_groups[i].key))
      rs->enabled_kinds &= ~kind_groups[i].kinds;

  rs->visit_lead_long = (GTimeSpan) g_settings_get_uint (self->settings, "visit-lead-hours") * G_TIME_SPAN_HOUR;
  rs->visit_lead_short = (GTimeSpan) g_settings_get_uint (self->settings, "visit-short-lead-hours") * G_TIME_SPAN_HOUR;

  if (g_settings_get_boolean (self->settings, "quiet-hours-enabled"))
    {
      rs->quiet_start_minutes = g_settings_get_uint (self->settings, "quiet-hours-start");
      rs->quiet_end_minutes = g_settings_get_uint (self->settings, "quiet-hours-end");
    }
  else
    {
      rs->quiet_start_minutes = -1;
      rs->quiet_end_minutes = -1;
    }
}

/* Whether the desktop has something that shows notifications, so GLib's
 * notification backend does not warn about a missing server. */
static gboolean
bus_name_is_available (GDBusConnection *bus,
                       const char      *method,
                       const char      *name)
{
  g_autoptr(GVariant) reply = NULL;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", method,
                                       name != NULL ? g_variant_new ("(s)", name) : NULL,
                                       NULL, G_DBUS_CALL_FLAGS_NONE, 2000, NULL, NULL);
  if (reply == NULL)
    return FALSE;

  if (name != NULL)
    {
      gboolean has_owner = FALSE;

      g_variant_get (reply, "(b)", &has_owner);
      return has_owner;
    }
  else
    {
      g_autofree const char **names = NULL;

      g_variant_get (reply, "(^a&s)", &names);
      return g_strv_contains (names, "org.freedesktop.Notifications");
    }
}

static gboolean
mk_notifier_desktop_can_notify (MkNotifier *self)
{
  GDBusConnection *bus;

  if (self->application == NULL ||
      !g_application_get_is_registered (self->application) ||
      g_application_get_is_remote (self->application))
    return FALSE;

  /* Through the notification portal. */
  if (mk_background_is_sandboxed () || g_strcmp0 (g_getenv ("GTK_USE_PORTAL"), "1") == 0)
    return TRUE;

  bus = g_application_get_dbus_connection (self->application);
  if (bus == NULL)
    return FALSE;

  return bus_name_is_available (bus, "NameHasOwner", "org.gtk.Notifications") ||
         bus_name_is_available (bus, "NameHasOwner", "org.freedesktop.Notifications") ||
         bus_name_is_available (bus, "ListActivatableNames", NULL);
}

static GNotificationPriority
map_priority (MkReminderPriority priority)
{
  switch (priority)
    {
    case MK_REMINDER_PRIORITY_LOW:
      return G_NOTIFICATION_PRIORITY_LOW;
    case MK_REMINDER_PRIORITY_HIGH:
      return G_NOTIFICATION_PRIORITY_HIGH;
    case MK_REMINDER_PRIORITY_URGENT:
      return G_NOTIFICATION_PRIORITY_URGENT;
    case MK_REMINDER_PRIORITY_NORMAL:
    default:
      return G_NOTIFICATION_PRIORITY_NORMAL;
    }
}

GNotification *
mk_notifier_build_notification (const MkReminder *reminder)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *action_name = NULL;
  g_autoptr(GVariant) target = NULL;

  g_return_val_if_fail (reminder != NULL, NULL);

  notification = g_notification_new (reminder->title != NULL ? reminder->title : "");
  if (reminder->body != NULL && *reminder->body != '\0')
    g_notification_set_body (notification, reminder->body);
  g_notification_set_priority (notification, map_priority (reminder->priority));

  /* Only application actions can be run from a notification. */
  if (reminder->action != NULL &&
      g_action_parse_detailed_name (reminder->action, &action_name, &target, NULL) &&
      g_str_has_prefix (action_name, "app."))
    {
      g_notification_set_default_action_and_target_value (notification, action_name, target);
      /* Translators: the button of a notification that opens the visit,
       * prescription or result it is about */
      g_notification_add_button_with_target_value (notification, _("Open"), action_name, target);
    }

  return g_steal_pointer (&notification);
}

/* Hands the results of a check to the desktop (when something shows
 * notifications) and to the signals. */
static void
mk_notifier_deliver (MkNotifier *self,
                     GPtrArray  *withdrawn,
                     GPtrArray  *fired)
{
  gboolean desktop;

  desktop = (withdrawn->len > 0 || fired->len > 0) && mk_notifier_desktop_can_notify (self);

  g_debug ("Reminders: %u withdrawn, %u fired%s", withdrawn->len, fired->len,
           desktop ? "" : " (no notification server)");

  for (guint i = 0; i < withdrawn->len; i++)
    {
      const char *key = g_ptr_array_index (withdrawn, i);

      if (desktop)
        g_application_withdraw_notification (self->application, key);
      g_signal_emit (self, signals[SIGNAL_NOTIFICATION_WITHDRAWN], 0, key);
    }

  for (guint i = 0; i < fired->len; i++)
    {
      const MkReminder *reminder = g_ptr_array_index (fired, i);
      g_autoptr(GNotification) notification = mk_notifier_build_notification (reminder);

      /* The key as the id: the desktop replaces instead of duplicating. */
      if (desktop)
        g_application_send_notification (self->application, reminder->key, notification);
      g_signal_emit (self, signals[SIGNAL_NOTIFICATION_SENT], 0, reminder->key, notification, reminder);
    }
}

void
mk_notifier_check_now (MkNotifier *self)
{
  g_autoptr(GPtrArray) withdrawn = NULL;
  g_autoptr(GPtrArray) fired = NULL;
  g_autoptr(GDateTime) next = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  g_return_if_fail (MK_IS_NOTIFIER (self));

  g_clear_handle_id (&self->pending_id, g_source_remove);

  if (self->reminders == NULL)
    {
      mk_notifier_arm_timer (self, NULL, TRUE);
      return;
    }

  g_object_ref (self);
  self->busy = TRUE;
  start = g_get_monotonic_time ();

  if (mk_reminders_check (self->reminders, &withdrawn, &fired, &next, &error))
    {
      g_debug ("Reminders: checked in %" G_GINT64_FORMAT " ms on the main thread",
               (g_get_monotonic_time () - start) / 1000);
      mk_notifier_deliver (self, withdrawn, fired);
    }
  else
    g_warning ("Cannot check the reminders: %s", error->message);

  self->busy = FALSE;

  mk_notifier_arm_timer (self, next, TRUE);
  g_object_unref (self);
}

/* ---- The check in a worker thread ----------------------------------------- */

typedef struct
{
  MkStore            *store;      /* the card it was started for (compared, never used in the worker) */
  char               *path;       /* its file: the worker opens a connection of its own */
  GDateTime          *now;        /* the clock's now when the check started */
  MkReminderSettings  settings;
  GPtrArray          *withdrawn;  /* results */
  GPtrArray          *fired;
  GDateTime          *next;
  gint64              elapsed_ms;
} Check;

static void
check_free (Check *check)
{
  g_clear_object (&check->store);
  g_free (check->path);
  g_clear_pointer (&check->now, g_date_time_unref);
  g_clear_pointer (&check->withdrawn, g_ptr_array_unref);
  g_clear_pointer (&check->fired, g_ptr_array_unref);
  g_clear_pointer (&check->next, g_date_time_unref);
  g_free (check);
}

static void
check_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Check *check = task_data;
  g_autoptr(MkStore) store = NULL;
  g_autoptr(MkClock) clock = NULL;
  g_autoptr(MkReminders) reminders = NULL;
  GError *error = NULL;
  gint64 start = g_get_monotonic_time ();

  /* Nothing is recorded yet: a card closed meanwhile is not checked. */
  if (g_task_return_error_if_cancelled (task))
    return;

  /* Opening would create a file that was removed meanwhile (an account
   * deleted): never bring it back. */
  if (!g_file_test (check->path, G_FILE_TEST_IS_REGULAR))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               "The card's file is gone");
      return;
    }

  store = mk_store_open (check->path, &error);
  if (store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  clock = mk_clock_new_fake (check->now);
  reminders = mk_reminders_new (store, clock);
  mk_reminders_set_settings (reminders, &check->settings);

  if (!mk_reminders_check (reminders, &check->withdrawn, &check->fired, &check->next, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  check->elapsed_ms = (g_get_monotonic_time () - start) / 1000;
  g_task_return_boolean (task, TRUE);
}

static void mk_notifier_start_check (MkNotifier *self);

static void
check_done (GObject      *source_object,
            GAsyncResult *result,
            gpointer      user_data)
{
  MkNotifier *self = MK_NOTIFIER (source_object);
  Check *check = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gboolean current = check->store == self->store;

  /* The worker may drop the task last: let go of the card here. */
  g_clear_object (&check->store);
  g_clear_object (&self->check_cancellable);

  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_debug ("Reminders: checked in %" G_GINT64_FORMAT " ms in a worker thread", check->elapsed_ms);
      /* Recorded as shown: hand them out even if the card was switched
       * meanwhile, or they would never be seen. */
      mk_notifier_deliver (self, check->withdrawn, check->fired);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Cannot check the reminders: %s", error->message);

  /* The timer belongs to the card being watched now. */
  if (current)
    mk_notifier_arm_timer (self, error == NULL ? check->next : NULL, TRUE);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHECKING]);

  if (self->check_again && self->store != NULL)
    mk_notifier_start_check (self);
  self->check_again = FALSE;
}

/* Starts a check in a worker thread, or asks for one more after the one
 * that runs. */
static void
mk_notifier_start_check (MkNotifier *self)
{
  g_autoptr(GTask) task = NULL;
  Check *check;

  g_clear_handle_id (&self->pending_id, g_source_remove);

  if (self->reminders == NULL)
    {
      mk_notifier_arm_timer (self, NULL, TRUE);
      return;
    }

  if (self->check_cancellable != NULL)
    {
      self->check_again = TRUE;
      return;
    }

  check = g_new0 (Check, 1);
  check->store = g_object_ref (self->store);
  check->path = g_strdup (mk_store_get_path (self->store));
  check->now = mk_clock_get_now (self->clock);
  check->settings = self->reminder_settings;

  self->check_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->check_cancellable, check_done, NULL);
  g_task_set_source_tag (task, mk_notifier_start_check);
  g_task_set_name (task, "[medkarta] reminder check");
  g_task_set_task_data (task, check, (GDestroyNotify) check_free);
  /* Once the worker ran, what it recorded must be delivered, cancelled or
   * not. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, check_thread);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHECKING]);
}

gboolean
mk_notifier_is_checking (MkNotifier *self)
{
  g_return_val_if_fail (MK_IS_NOTIFIER (self), FALSE);

  return self->check_cancellable != NULL;
}

static gboolean
on_timer (gpointer user_data)
{
  MkNotifier *self = user_data;

  self->timer_id = 0;
  mk_notifier_start_check (self);
  return G_SOURCE_REMOVE;
}

static gboolean
on_pending (gpointer user_data)
{
  MkNotifier *self = user_data;

  self->pending_id = 0;
  mk_notifier_start_check (self);
  return G_SOURCE_REMOVE;
}

/* One timer: at @next (the next due moment, from the check), at most
 * SAFETY_INTERVAL_SECONDS away. */
static void
mk_notifier_arm_timer (MkNotifier *self,
                       GDateTime  *next,
                       gboolean    after_check)
{
  g_autoptr(GDateTime) now = NULL;
  guint delay = SAFETY_INTERVAL_SECONDS;

  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_pointer (&self->next_wakeup, g_date_time_unref);

  if (self->reminders == NULL)
    return;

  self->next_wakeup = next != NULL ? g_date_time_ref (next) : NULL;

  now = mk_clock_get_now (self->clock);
  if (self->next_wakeup != NULL)
    {
      GTimeSpan span = g_date_time_difference (self->next_wakeup, now);

      if (span <= 0)
        /* Due already but not fired (just checked): don't spin. */
        delay = after_check ? 60 : 1;
      else
        delay = (guint) MIN ((GTimeSpan) delay, (span + G_TIME_SPAN_SECOND - 1) / G_TIME_SPAN_SECOND);
    }

  self->timer_id = g_timeout_add_seconds (delay, on_timer, self);
  g_source_set_name_by_id (self->timer_id, "[medkarta] reminder timer");
}

static void
mk_notifier_schedule_check (MkNotifier *self,
                            guint       delay_ms)
{
  g_clear_handle_id (&self->pending_id, g_source_remove);
  if (delay_ms == 0)
    self->pending_id = g_idle_add_full (G_PRIORITY_LOW, on_pending, self, NULL);
  else
    self->pending_id = g_timeout_add (delay_ms, on_pending, self);
  g_source_set_name_by_id (self->pending_id, "[medkarta] reminder check");
}

static void
on_store_changed (MkNotifier *self)
{
  if (self->busy)
    return;

  mk_notifier_schedule_check (self, DEBOUNCE_MS);
}

static void
on_settings_changed (MkNotifier *self,
                     const char *key)
{
  if (!g_str_has_prefix (key, "notify-") &&
      !g_str_has_prefix (key, "visit-") &&
      !g_str_has_prefix (key, "quiet-hours-"))
    return;

  mk_notifier_read_settings (self);
  if (self->reminders != NULL)
    {
      mk_reminders_set_settings (self->reminders, &self->reminder_settings);
      mk_notifier_schedule_check (self, DEBOUNCE_MS);
    }
}

void
mk_notifier_set_store (MkNotifier *self,
                       MkStore    *store,
                       MkClock    *clock)
{
  g_return_if_fail (MK_IS_NOTIFIER (self));
  g_return_if_fail (store == NULL || MK_IS_STORE (store));
  g_return_if_fail (clock == NULL || MK_IS_CLOCK (clock));

  if (clock == NULL)
    clock = mk_clock_get_default ();

  if (self->store == store && self->clock == clock)
    return;

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);

  g_clear_handle_id (&self->pending_id, g_source_remove);
  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_pointer (&self->next_wakeup, g_date_time_unref);
  g_clear_object (&self->reminders);
  /* A check of the old card that has not started yet is dropped; one that
   * runs finishes and delivers what it recorded. */
  g_cancellable_cancel (self->check_cancellable);
  self->check_again = FALSE;

  g_set_object (&self->store, store);
  g_set_object (&self->clock, clock);

  if (store != NULL)
    {
      self->reminders = mk_reminders_new (store, clock);
      mk_reminders_set_settings (self->reminders, &self->reminder_settings);
      g_signal_connect_object (store, "changed", G_CALLBACK (on_store_changed), self,
                               G_CONNECT_SWAPPED);
      /* Start-up: after the first frame rather than before it. */
      mk_notifier_schedule_check (self, 0);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

MkStore *
mk_notifier_get_store (MkNotifier *self)
{
  g_return_val_if_fail (MK_IS_NOTIFIER (self), NULL);

  return self->store;
}

MkClock *
mk_notifier_get_clock (MkNotifier *self)
{
  g_return_val_if_fail (MK_IS_NOTIFIER (self), NULL);

  return self->clock;
}

GDateTime *
mk_notifier_get_next_wakeup (MkNotifier *self)
{
  g_return_val_if_fail (MK_IS_NOTIFIER (self), NULL);

  return self->next_wakeup;
}

void
mk_notifier_get_reminder_settings (MkNotifier         *self,
                                   MkReminderSettings *settings)
{
  g_return_if_fail (MK_IS_NOTIFIER (self));
  g_return_if_fail (settings != NULL);

  *settings = self->reminder_settings;
}

static void
on_prepare_for_sleep (GDBusConnection *connection,
                      const char      *sender_name,
                      const char      *object_path,
                      const char      *interface_name,
                      const char      *signal_name,
                      GVariant        *parameters,
                      gpointer         user_data)
{
  MkNotifier *self = user_data;
  gboolean going_to_sleep = TRUE;

  if (g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    g_variant_get (parameters, "(b)", &going_to_sleep);

  /* Woken up: catch up once what came due meanwhile. */
  if (!going_to_sleep && self->store != NULL)
    mk_notifier_schedule_check (self, DEBOUNCE_MS);
}

static void
on_system_bus (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;
  MkNotifier *self;

  bus = g_bus_get_finish (result, &error);
  if (bus == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No system bus, not watching for resume: %s", error->message);
      return;
    }

  self = MK_NOTIFIER (user_data);
  self->system_bus = g_steal_pointer (&bus);
  self->sleep_subscription =
    g_dbus_connection_signal_subscribe (self->system_bus, "org.freedesktop.login1",
                                        "org.freedesktop.login1.Manager", "PrepareForSleep",
                                        "/org/freedesktop/login1", NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE,
                                        on_prepare_for_sleep, self, NULL);
}

static void
mk_notifier_constructed (GObject *object)
{
  MkNotifier *self = MK_NOTIFIER (object);

  G_OBJECT_CLASS (mk_notifier_parent_class)->constructed (object);

  mk_notifier_read_settings (self);
  if (self->settings != NULL)
    g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_settings_changed), self,
                             G_CONNECT_SWAPPED);

  /* user_data is only used when not cancelled: dispose cancels. */
  self->cancellable = g_cancellable_new ();
  g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, on_system_bus, self);
}

static void
mk_notifier_dispose (GObject *object)
{
  MkNotifier *self = MK_NOTIFIER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->system_bus != NULL && self->sleep_subscription != 0)
    g_dbus_connection_signal_unsubscribe (self->system_bus, self->sleep_subscription);
  self->sleep_subscription = 0;
  g_clear_object (&self->system_bus);

  g_clear_handle_id (&self->pending_id, g_source_remove);
  g_clear_handle_id (&self->timer_id, g_source_remove);
  /* A running check holds a reference: dispose only comes after it. */
  g_cancellable_cancel (self->check_cancellable);
  g_clear_object (&self->check_cancellable);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->reminders);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_weak_pointer (&self->application);

  G_OBJECT_CLASS (mk_notifier_parent_class)->dispose (object);
}

static void
mk_notifier_finalize (GObject *object)
{
  MkNotifier *self = MK_NOTIFIER (object);

  g_clear_pointer (&self->next_wakeup, g_date_time_unref);
  g_clear_object (&self->clock);

  G_OBJECT_CLASS (mk_notifier_parent_class)->finalize (object);
}

static void
mk_notifier_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  MkNotifier *self = MK_NOTIFIER (object);

  switch (prop_id)
    {
    case PROP_APPLICATION:
      g_value_set_object (value, self->application);
      break;
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_CHECKING:
      g_value_set_boolean (value, mk_notifier_is_checking (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mk_notifier_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  MkNotifier *self = MK_NOTIFIER (object);

  switch (prop_id)
    {
    case PROP_APPLICATION:
      g_set_weak_pointer (&self->application, g_value_get_object (value));
      break;
    case PROP_SETTINGS:
      g_set_object (&self->settings, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mk_notifier_class_init (MkNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = mk_notifier_constructed;
  object_class->dispose = mk_notifier_dispose;
  object_class->finalize = mk_notifier_finalize;
  object_class->get_property = mk_notifier_get_property;
  object_class->set_property = mk_notifier_set_property;

  properties [PROP_APPLICATION] =
    g_param_spec_object ("application", NULL, NULL, G_TYPE_APPLICATION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties [PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties [PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, MK_TYPE_STORE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties [PROP_CHECKING] =
    g_param_spec_boolean ("checking", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals [SIGNAL_NOTIFICATION_SENT] =
    g_signal_new ("notification-sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_NOTIFICATION,
                  G_TYPE_POINTER);
  signals [SIGNAL_NOTIFICATION_WITHDRAWN] =
    g_signal_new ("notification-withdrawn", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
mk_notifier_init (MkNotifier *self)
{
  mk_reminder_settings_init_defaults (&self->reminder_settings);
}

MkNotifier *
mk_notifier_new (GApplication *application,
                 GSettings    *settings)
{
  g_return_val_if_fail (application == NULL || G_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  return g_object_new (MK_TYPE_NOTIFIER,
                       "application", application,
                       "settings", settings,
                       NULL);
}
