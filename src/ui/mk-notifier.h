/* mk-notifier.h — turns due reminders into desktop notifications
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "mk-clock.h"
#include "mk-reminders.h"
#include "mk-store.h"

G_BEGIN_DECLS

#define MK_TYPE_NOTIFIER (mk_notifier_get_type ())
G_DECLARE_FINAL_TYPE (MkNotifier, mk_notifier, MK, NOTIFIER, GObject)

/* @application receives the GNotifications (not referenced: the
 * application owns the notifier); @settings (may be NULL: defaults) holds
 * the notification preferences. */
MkNotifier    *mk_notifier_new                   (GApplication       *application,
                                                  GSettings          *settings);

/* Watches @store (NULL: nothing) with @clock (NULL: the default clock):
 * fires what is due soon after, after each ::changed of the store and at
 * the next due moment. */
void           mk_notifier_set_store             (MkNotifier         *self,
                                                  MkStore            *store,
                                                  MkClock            *clock);
MkStore       *mk_notifier_get_store             (MkNotifier         *self);
MkClock       *mk_notifier_get_clock             (MkNotifier         *self);

/* Withdraws what is no longer true, fires what is due now and re-arms the
 * timer, synchronously on the calling (main) thread (tests). The
 * notifier's own checks (start-up, store changes, timer, resume, settings)
 * run in a worker thread instead. */
void           mk_notifier_check_now             (MkNotifier         *self);
/* TRUE while a check runs in the worker thread (property "checking"). */
gboolean       mk_notifier_is_checking           (MkNotifier         *self);
/* The moment the timer was armed for, or NULL (transfer none). */
GDateTime     *mk_notifier_get_next_wakeup       (MkNotifier         *self);
/* The settings handed to the engine (from GSettings). */
void           mk_notifier_get_reminder_settings (MkNotifier         *self,
                                                  MkReminderSettings *settings);

/* The GNotification shown for @reminder: title, body, priority, default
 * action and an "Open" button both running reminder->action. */
GNotification *mk_notifier_build_notification    (const MkReminder   *reminder);

/* Signals:
 *   "notification-sent" (const char *key, GNotification *notification,
 *                        const MkReminder *reminder)
 *   "notification-withdrawn" (const char *key)
 * emitted besides handing the notification to the GApplication. */

G_END_DECLS
