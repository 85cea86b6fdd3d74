/* mk-reminders.h — what the user must be told, and when: pure logic over the
 * store and an injected clock
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Design: docs/reminders.md. No GTK here: the app turns due items into
 * GNotifications, medkartactl prints them.
 */
#pragma once

#include "mk-clock.h"
#include "mk-notification-log.h"
#include "mk-store.h"

G_BEGIN_DECLS

typedef enum
{
  MK_REMINDER_VISIT_DAY_BEFORE,       /* 24 h before a booked visit (lead time in settings) */
  MK_REMINDER_VISIT_SOON,             /* 2 h before */
  MK_REMINDER_VISIT_CHANGED,          /* cancelled or moved by the clinic (seen in a sync) */
  MK_REMINDER_PRESCRIPTION_EXPIRING,  /* validity ends within 3 days */
  MK_REMINDER_PRESCRIPTION_EXPIRED,
  MK_REMINDER_PRESCRIPTION_DISPENSED,
  MK_REMINDER_NEW_RESULTS,            /* new lab results; says "out of range" plainly */
  MK_REMINDER_MEDBOOK_EXAM_DUE,       /* 30 days before */
  MK_REMINDER_VACCINATION_DUE,        /* 14 days before and on the day */
  MK_REMINDER_REQUEST_STATUS,         /* a request (Task) changed status */
  MK_REMINDER_SYNC_CONFLICT,
  MK_REMINDER_SIGN_IN_EXPIRED,
  MK_REMINDER_NOT_SYNCED,             /* no successful sync for more than 3 days */
  MK_REMINDER_CERTIFICATE_EXPIRING,   /* doctors: 30, 7 and 1 days before */
  MK_REMINDER_SCHEDULE_TOMORROW,      /* doctors: tomorrow's schedule summary */
  MK_REMINDER_CATCH_UP_SUMMARY,       /* stale items merged into one notice */
} MkReminderKind;

/* The kind's stable name, used in keys, settings and the CLI ("visit-day-before", …). */
const char *mk_reminder_kind_to_string   (MkReminderKind kind);
gboolean    mk_reminder_kind_from_string (const char *name, MkReminderKind *kind);

typedef enum
{
  MK_REMINDER_PRIORITY_LOW,
  MK_REMINDER_PRIORITY_NORMAL,
  MK_REMINDER_PRIORITY_HIGH,
  MK_REMINDER_PRIORITY_URGENT,
} MkReminderPriority;

typedef struct
{
  char               *key;       /* kind + resource + version or target time: stable across runs */
  MkReminderKind      kind;
  char               *resource;  /* "Type/id" the item is about, or NULL */
  char               *title;     /* translated */
  char               *body;      /* translated */
  GDateTime          *due;       /* the moment it became due */
  MkReminderPriority  priority;
  char               *action;    /* detailed action name, e.g. "app.open::Appointment/a1" */
} MkReminder;

void mk_reminder_free (MkReminder *reminder);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkReminder, mk_reminder_free)

/* What the engine honours; the app fills it from GSettings, the CLI from
 * defaults. */
typedef struct
{
  guint64   enabled_kinds;        /* bit (1 << kind); all by default */
  GTimeSpan visit_lead_long;      /* 24 h */
  GTimeSpan visit_lead_short;     /* 2 h */
  int       quiet_start_minutes;  /* minutes after local midnight, -1 = no quiet hours */
  int       quiet_end_minutes;
  GTimeSpan stale_after;          /* a missed moment older than this is merged, not fired (default 12 h) */
} MkReminderSettings;

void mk_reminder_settings_init_defaults (MkReminderSettings *settings);

#define MK_TYPE_REMINDERS (mk_reminders_get_type ())
G_DECLARE_FINAL_TYPE (MkReminders, mk_reminders, MK, REMINDERS, GObject)

MkReminders *mk_reminders_new           (MkStore                  *store,
                                         MkClock                  *clock);
void         mk_reminders_set_settings  (MkReminders              *self,
                                         const MkReminderSettings *settings);

/* Every item due at the clock's now that has not been recorded yet
 * (MkReminder, ordered by due). Does not record anything. */
GPtrArray   *mk_reminders_list_due      (MkReminders              *self,
                                         GError                  **error);
/* Decides and records in one transaction: returns the items to show now
 * (each recorded as shown in notification_log; stale ones merged into one
 * MK_REMINDER_CATCH_UP_SUMMARY item), never an item already recorded. */
GPtrArray   *mk_reminders_fire          (MkReminders              *self,
                                         GError                  **error);
/* Keys of shown notifications that are no longer true (the visit was
 * cancelled or moved, the prescription dispensed…): the caller withdraws
 * them; they are marked withdrawn. */
GPtrArray   *mk_reminders_collect_withdrawn (MkReminders          *self,
                                             GError              **error);
/* The next moment something becomes due, to wake up then instead of
 * polling; NULL when nothing is planned. */
GDateTime   *mk_reminders_next_wakeup   (MkReminders              *self,
                                         GError                  **error);
/* One check, as the app runs it: collect_withdrawn() and fire() in one
 * transaction over one scan, then next_wakeup() (from the same plan,
 * except on the first run). On success *@withdrawn (char* keys), *@fired
 * (MkReminder*) and *@next_wakeup (or NULL) are set; on error nothing was
 * recorded. Safe to call from a worker thread with a store (connection)
 * of its own: the engine holds no state between calls. */
gboolean     mk_reminders_check         (MkReminders              *self,
                                         GPtrArray               **withdrawn,
                                         GPtrArray               **fired,
                                         GDateTime               **next_wakeup,
                                         GError                  **error);

/* Tests only: read every row of the scanned types, without the pre-filters
 * that leave out rows that cannot yield a reminder (the result must be
 * the same). */
void         mk_reminders_set_full_scan (MkReminders              *self,
                                         gboolean                  full_scan);

G_END_DECLS
