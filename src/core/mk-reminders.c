/* mk-reminders.c — what the user must be told, and when
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * docs/reminders.md describes the kinds, the keys and the rules. In short:
 * every source (visits, prescriptions, results, …) yields *candidates*, each
 * with a stable key and a due moment; a plan at the clock's now sorts them
 * into "show now", "merge silently" (superseded or dropped), "stale"
 * (caught up in one summary), "held" (quiet hours) and "later" (the next
 * wake-up). mk_reminders_fire() makes the plan and records it in one store
 * transaction, so nothing is ever shown twice.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "mk-fhir-types.h"
#include "mk-format.h"
#include "mk-reminders.h"

/* Store meta keys the engine keeps. */
#define META_BASELINE     "reminders-baseline"     /* ISO 8601 UTC of the first run */
#define META_DEMO_ANCHOR  "reminders-demo-anchor"  /* the demo anchor the baseline belongs to */
#define META_VISIT_PREFIX "reminders-visit:"       /* + Appointment id → "status|startUTC" */

/* Keys the engine reads from other parts (mk-account.h and the sync engine). */
#define META_SERVER_URL   "server-url"
#define META_PRACTITIONER "practitioner"
#define META_LAST_SYNC    "last-sync"
#define META_SYNC_ERROR   "sync-error"
#define META_CERTIFICATE  "signing-certificate-expires"

#define NOT_SYNCED_AFTER      (3 * G_TIME_SPAN_DAY)
#define VACCINATION_LEAD_DAYS 14
#define MEDBOOK_LEAD_DAYS     30
#define DATE_REMINDER_HOUR    9    /* date-based reminders are due at 09:00 local time */
#define SCHEDULE_HOUR         18   /* doctors: tomorrow's schedule at 18:00 the day before */
#define SUMMARY_MAX_LINES     5

static const char * const kind_names[] = {
  [MK_REMINDER_VISIT_DAY_BEFORE] = "visit-day-before",
  [MK_REMINDER_VISIT_SOON] = "visit-soon",
  [MK_REMINDER_VISIT_CHANGED] = "visit-changed",
  [MK_REMINDER_PRESCRIPTION_EXPIRING] = "prescription-expiring",
  [MK_REMINDER_PRESCRIPTION_EXPIRED] = "prescription-expired",
  [MK_REMINDER_PRESCRIPTION_DISPENSED] = "prescription-dispensed",
  [MK_REMINDER_NEW_RESULTS] = "new-results",
  [MK_REMINDER_MEDBOOK_EXAM_DUE] = "medbook-exam-due",
  [MK_REMINDER_VACCINATION_DUE] = "vaccination-due",
  [MK_REMINDER_REQUEST_STATUS] = "request-status",
  [MK_REMINDER_SYNC_CONFLICT] = "sync-conflict",
  [MK_REMINDER_SIGN_IN_EXPIRED] = "sign-in-expired",
  [MK_REMINDER_NOT_SYNCED] = "not-synced",
  [MK_REMINDER_CERTIFICATE_EXPIRING] = "certificate-expiring",
  [MK_REMINDER_SCHEDULE_TOMORROW] = "schedule-tomorrow",
  [MK_REMINDER_CATCH_UP_SUMMARY] = "catch-up-summary",
};

#define N_KINDS G_N_ELEMENTS (kind_names)

const char *
mk_reminder_kind_to_string (MkReminderKind kind)
{
  g_return_val_if_fail ((guint) kind < N_KINDS, NULL);

  return kind_names[kind];
}

gboolean
mk_reminder_kind_from_string (const char     *name,
                              MkReminderKind *kind)
{
  for (guint i = 0; i < N_KINDS; i++)
    if (g_strcmp0 (name, kind_names[i]) == 0)
      {
        if (kind != NULL)
          *kind = i;
        return TRUE;
      }

  return FALSE;
}

void
mk_reminder_free (MkReminder *reminder)
{
  if (reminder == NULL)
    return;

  g_free (reminder->key);
  g_free (reminder->resource);
  g_free (reminder->title);
  g_free (reminder->body);
  g_clear_pointer (&reminder->due, g_date_time_unref);
  g_free (reminder->action);
  g_free (reminder);
}

void
mk_reminder_settings_init_defaults (MkReminderSettings *settings)
{
  g_return_if_fail (settings != NULL);

  settings->enabled_kinds = (G_GUINT64_CONSTANT (1) << N_KINDS) - 1;
  settings->visit_lead_long = 24 * G_TIME_SPAN_HOUR;
  settings->visit_lead_short = 2 * G_TIME_SPAN_HOUR;
  settings->quiet_start_minutes = -1;
  settings->quiet_end_minutes = -1;
  settings->stale_after = 12 * G_TIME_SPAN_HOUR;
}

/* ---------------------------------------------------------------------- */

struct _MkReminders
{
  GObject             parent_instance;

  MkStore            *store;
  MkClock            *clock;
  MkReminderSettings  settings;
  gboolean            full_scan;   /* tests: read every row, no pre-filters */
};

G_DEFINE_FINAL_TYPE (MkReminders, mk_reminders, G_TYPE_OBJECT)

static void
mk_reminders_finalize (GObject *object)
{
  MkReminders *self = MK_REMINDERS (object);

  g_clear_object (&self->store);
  g_clear_object (&self->clock);

  G_OBJECT_CLASS (mk_reminders_parent_class)->finalize (object);
}

static void
mk_reminders_class_init (MkRemindersClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mk_reminders_finalize;
}

static void
mk_reminders_init (MkReminders *self)
{
  mk_reminder_settings_init_defaults (&self->settings);
}

MkReminders *
mk_reminders_new (MkStore *store,
                  MkClock *clock)
{
  MkReminders *self;

  g_return_val_if_fail (MK_IS_STORE (store), NULL);
  g_return_val_if_fail (clock == NULL || MK_IS_CLOCK (clock), NULL);

  self = g_object_new (MK_TYPE_REMINDERS, NULL);
  self->store = g_object_ref (store);
  self->clock = g_object_ref (clock != NULL ? clock : mk_clock_get_default ());
  return self;
}

void
mk_reminders_set_settings (MkReminders              *self,
                           const MkReminderSettings *settings)
{
  g_return_if_fail (MK_IS_REMINDERS (self));
  g_return_if_fail (settings != NULL);

  self->settings = *settings;
}

void
mk_reminders_set_full_scan (MkReminders *self,
                            gboolean     full_scan)
{
  g_return_if_fail (MK_IS_REMINDERS (self));

  self->full_scan = !!full_scan;
}

/* ---------------------------------------------------------------------- */
/* Time helpers */

static char *
utc_string (GDateTime *moment)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (moment);

  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

static GDateTime *
latest (GDateTime *a,
        GDateTime *b)
{
  if (a == NULL)
    return b != NULL ? g_date_time_ref (b) : NULL;
  if (b == NULL)
    return g_date_time_ref (a);
  return g_date_time_ref (g_date_time_compare (a, b) >= 0 ? a : b);
}

/* @date at @hour in @local, the local zone (skipped local times move
 * forward). The scan looks the zone up once: GLib 2.74 reloads it on every
 * g_date_time_new_local() when TZ is not set. */
static GDateTime *
local_day_at (GTimeZone   *local,
              const GDate *date,
              int          hour)
{
  return g_date_time_new (local, g_date_get_year (date), g_date_get_month (date),
                          g_date_get_day (date), hour, 0, 0);
}

static gboolean
parse_date_days_before (const char *value,
                        int         days,
                        GDate      *out)
{
  if (value == NULL || !mk_fhir_parse_date (value, out, NULL) || !g_date_valid (out))
    return FALSE;

  g_date_subtract_days (out, days);
  return TRUE;
}

static int
local_minutes (GDateTime *moment)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (moment);

  return g_date_time_get_hour (local) * 60 + g_date_time_get_minute (local);
}

static gboolean
has_quiet_hours (MkReminders *self)
{
  const MkReminderSettings *s = &self->settings;

  return s->quiet_start_minutes >= 0 && s->quiet_end_minutes >= 0
         && s->quiet_start_minutes != s->quiet_end_minutes;
}

static gboolean
in_quiet_hours (MkReminders *self,
                GDateTime   *moment)
{
  int start = self->settings.quiet_start_minutes;
  int end = self->settings.quiet_end_minutes;
  int m;

  if (!has_quiet_hours (self))
    return FALSE;

  m = local_minutes (moment);
  if (start < end)
    return m >= start && m < end;
  return m >= start || m < end;   /* over midnight, e.g. 22:00–08:00 */
}

/* The first end of quiet hours after @moment (local wall time). */
static GDateTime *
quiet_end_after (MkReminders *self,
                 GDateTime   *moment)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (moment);
  int end = self->settings.quiet_end_minutes;

  for (int day = 0; day < 3; day++)
    {
      g_autoptr(GDateTime) base = g_date_time_add_days (local, day);
      g_autoptr(GDateTime) candidate =
        g_date_time_new_local (g_date_time_get_year (base), g_date_time_get_month (base),
                               g_date_time_get_day_of_month (base), end / 60, end % 60, 0);

      if (candidate != NULL && g_date_time_compare (candidate, moment) > 0)
        return g_steal_pointer (&candidate);
    }

  return g_date_time_add_days (moment, 1);
}

/* ---------------------------------------------------------------------- */
/* Candidates */

typedef struct
{
  MkReminder *item;          /* item->due = the effective due moment */
  char       *group;         /* steps of one reminder: a due later step supersedes earlier ones */
  int         step;
  gboolean    timed;         /* a planned moment: stale when missed (caught up) */
  GDateTime  *drop_after;    /* dropped (never fired) once now reaches this (a visit's start) */
  GDateTime  *live_until;    /* still true until then (for withdrawing); NULL = while generated */
  gboolean    withdrawable;
  /* new lab results */
  gboolean    is_result;
  gboolean    out_of_range;
  char       *result_text;   /* "Haemoglobin: 110 g/L" */
} Candidate;

static void
candidate_free (Candidate *c)
{
  mk_reminder_free (c->item);
  g_free (c->group);
  g_clear_pointer (&c->drop_after, g_date_time_unref);
  g_clear_pointer (&c->live_until, g_date_time_unref);
  g_free (c->result_text);
  g_free (c);
}

static MkReminderPriority
kind_priority (MkReminderKind kind)
{
  switch (kind)
    {
    case MK_REMINDER_VISIT_SOON:
    case MK_REMINDER_VISIT_CHANGED:
      return MK_REMINDER_PRIORITY_URGENT;
    case MK_REMINDER_VISIT_DAY_BEFORE:
    case MK_REMINDER_PRESCRIPTION_EXPIRED:
    case MK_REMINDER_SYNC_CONFLICT:
    case MK_REMINDER_SIGN_IN_EXPIRED:
    case MK_REMINDER_CERTIFICATE_EXPIRING:
      return MK_REMINDER_PRIORITY_HIGH;
    case MK_REMINDER_NOT_SYNCED:
      return MK_REMINDER_PRIORITY_LOW;
    case MK_REMINDER_PRESCRIPTION_EXPIRING:
    case MK_REMINDER_PRESCRIPTION_DISPENSED:
    case MK_REMINDER_NEW_RESULTS:
    case MK_REMINDER_MEDBOOK_EXAM_DUE:
    case MK_REMINDER_VACCINATION_DUE:
    case MK_REMINDER_REQUEST_STATUS:
    case MK_REMINDER_SCHEDULE_TOMORROW:
    case MK_REMINDER_CATCH_UP_SUMMARY:
    default:
      return MK_REMINDER_PRIORITY_NORMAL;
    }
}

static MkReminder *
reminder_new (MkReminderKind  kind,
              const char     *key,
              const char     *resource,
              const char     *open_target,
              GDateTime      *due,
              char           *title,   /* (transfer full) */
              char           *body)    /* (transfer full) */
{
  MkReminder *item = g_new0 (MkReminder, 1);

  item->key = g_strdup (key);
  item->kind = kind;
  item->resource = g_strdup (resource);
  item->title = title;
  item->body = body;
  item->due = g_date_time_ref (due);
  item->priority = kind_priority (kind);
  item->action = g_strdup_printf ("app.open::%s", open_target != NULL ? open_target : resource);
  return item;
}

static MkReminder *
reminder_copy (const MkReminder *item)
{
  MkReminder *copy = g_new0 (MkReminder, 1);

  copy->key = g_strdup (item->key);
  copy->kind = item->kind;
  copy->resource = g_strdup (item->resource);
  copy->title = g_strdup (item->title);
  copy->body = g_strdup (item->body);
  copy->due = g_date_time_ref (item->due);
  copy->priority = item->priority;
  copy->action = g_strdup (item->action);
  return copy;
}

/* What one planning pass works with. */
typedef struct
{
  MkReminders *self;
  GDateTime   *now;
  GTimeZone   *local;          /* the local zone, looked up once */
  GDateTime   *baseline;       /* the first run (or now, on the first run) */
  gboolean     fresh;          /* no baseline yet (or the demo was rewritten) */
  GPtrArray   *candidates;     /* Candidate* */
  GHashTable  *snapshot_writes;/* meta key → value (NULL = delete) */
  GPtrArray   *appointments;   /* MkResource*: start ≥ now − 1 day */
} Scan;

static void
scan_clear (Scan *scan)
{
  g_clear_pointer (&scan->now, g_date_time_unref);
  g_clear_pointer (&scan->local, g_time_zone_unref);
  g_clear_pointer (&scan->baseline, g_date_time_unref);
  g_clear_pointer (&scan->candidates, g_ptr_array_unref);
  g_clear_pointer (&scan->snapshot_writes, g_hash_table_unref);
  g_clear_pointer (&scan->appointments, g_ptr_array_unref);
}

/* The effective due moment of a timed item: the planned moment, but never
 * before the item could be known (its resource's lastUpdated, the engine's
 * first run). */
static GDateTime *
effective_due (Scan       *scan,
               GDateTime  *target,
               MkResource *resource)
{
  g_autoptr(GDateTime) updated = NULL;
  g_autoptr(GDateTime) known = NULL;

  if (resource != NULL && mk_resource_get_last_updated (resource) != NULL)
    updated = mk_fhir_parse_date_time (mk_resource_get_last_updated (resource), NULL);
  if (updated != NULL && g_date_time_compare (updated, scan->now) > 0)
    g_clear_pointer (&updated, g_date_time_unref);

  known = latest (updated, scan->baseline);
  return latest (target, known);
}

/* An event happened when its resource last changed (not later than now). */
static GDateTime *
event_due (Scan       *scan,
           MkResource *resource)
{
  g_autoptr(GDateTime) updated = NULL;

  if (resource != NULL && mk_resource_get_last_updated (resource) != NULL)
    updated = mk_fhir_parse_date_time (mk_resource_get_last_updated (resource), NULL);
  if (updated == NULL || g_date_time_compare (updated, scan->now) > 0)
    return g_date_time_ref (scan->now);
  return g_steal_pointer (&updated);
}

/* Changed after the engine's first run: news. */
static gboolean
is_news (Scan       *scan,
         MkResource *resource)
{
  g_autoptr(GDateTime) updated = NULL;

  if (scan->fresh || mk_resource_get_last_updated (resource) == NULL)
    return FALSE;

  updated = mk_fhir_parse_date_time (mk_resource_get_last_updated (resource), NULL);
  return updated != NULL && g_date_time_compare (updated, scan->baseline) > 0;
}

/* A text pre-filter for is_news() on the stored meta.lastUpdated: the
 * baseline's UTC day minus one day of margin for other offsets (every
 * instant after the baseline has a text ≥ this, whatever its offset). The
 * caller still compares the parsed instants. */
static char *
news_margin (Scan *scan)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (scan->baseline);
  g_autoptr(GDateTime) margin = g_date_time_add_days (utc, -1);

  return g_date_time_format (margin, "%Y-%m-%d");
}

/* The resources of @type (of @kind, when given) that may be news: changed
 * around or after the baseline, or all of them for a full scan. */
static GPtrArray *
list_news (Scan        *scan,
           const char  *type,
           const char  *kind,
           GError     **error)
{
  g_autofree char *from = scan->self->full_scan ? NULL : news_margin (scan);

  return mk_store_list_reminder_resources (scan->self->store, type, kind, NULL, from, error);
}

static Candidate *
add_candidate (Scan       *scan,
               MkReminder *item)
{
  Candidate *c = g_new0 (Candidate, 1);

  c->item = item;
  g_ptr_array_add (scan->candidates, c);
  return c;
}

static char *
resource_ref (MkResource *resource)
{
  return g_strdup_printf ("%s/%s", mk_resource_get_resource_type (resource),
                          mk_resource_get_id (resource));
}

/* ---- Visits -------------------------------------------------------------- */

/* "Nov 24, 2026, 14:30", with the clinic's own time and zone when the
 * appointment's offset differs from the local one at that moment. */
static char *
format_visit_time (const char *text,
                   GDateTime  *start)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (start);
  g_autofree char *shown = mk_format_date_time (local);
  gsize len = text != NULL ? strlen (text) : 0;
  gboolean has_offset = len > 19 && text[len - 1] != 'Z'
                        && (text[len - 6] == '+' || text[len - 6] == '-');

  if (has_offset && g_date_time_get_utc_offset (start) != g_date_time_get_utc_offset (local))
    {
      g_autofree char *clinic = mk_format_time (start);
      g_autofree char *zone = g_date_time_format (start, "%:z");

      /* Translators: a visit's time when the clinic is in another time
       * zone: %1$s is the date and time here, %2$s the clinic's local time
       * of day, %3$s the clinic's UTC offset such as “+03:00” */
      return g_strdup_printf (_("%1$s (%2$s clinic time, UTC%3$s)"), shown, clinic, zone);
    }

  return g_steal_pointer (&shown);
}

static char *
visit_what (const MkAppointment *appt)
{
  if (appt->specialty != NULL)
    return g_strdup (appt->specialty);
  if (appt->service_type != NULL)
    return g_strdup (appt->service_type);
  if (appt->practitioner.display != NULL)
    return g_strdup (appt->practitioner.display);
  if (appt->is_telemedicine)
    return g_strdup (_("Telemedicine consultation"));
  return g_strdup (C_("reminder", "Visit"));
}

static char *
visit_body (const MkAppointment *appt,
            const char          *start_text,
            GDateTime           *start)
{
  g_autofree char *what = visit_what (appt);
  g_autofree char *when = format_visit_time (start_text, start);
  const char *where = appt->organization.display != NULL ? appt->organization.display
                                                         : appt->location.display;

  if (where != NULL)
    /* Translators: a visit reminder's text: what (the doctor's specialty),
     * when (date and time), where (the clinic) */
    return g_strdup_printf (C_("reminder", "%1$s, %2$s, %3$s"), what, when, where);

  /* Translators: a visit reminder's text: what (the doctor's specialty),
   * when (date and time) */
  return g_strdup_printf (C_("reminder", "%1$s, %2$s"), what, when);
}

static gboolean
status_is_booked (const char *status)
{
  return g_strcmp0 (status, "booked") == 0;
}

static void
scan_visit_reminders (Scan          *scan,
                      MkResource    *resource,
                      MkAppointment *appt,
                      GDateTime     *start)
{
  const MkReminderSettings *s = &scan->self->settings;
  g_autofree char *ref = resource_ref (resource);
  g_autofree char *start_utc = utc_string (start);
  struct { MkReminderKind kind; GTimeSpan lead; const char *title; } steps[] = {
    { MK_REMINDER_VISIT_DAY_BEFORE, s->visit_lead_long, _("Upcoming visit") },
    { MK_REMINDER_VISIT_SOON, s->visit_lead_short, _("Visit soon") },
  };

  if (!status_is_booked (appt->status))
    return;

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(GDateTime) target = g_date_time_add (start, -steps[i].lead);
      g_autoptr(GDateTime) due = effective_due (scan, target, resource);
      g_autofree char *key = g_strdup_printf ("%s:%s:%s", kind_names[steps[i].kind], ref, start_utc);
      Candidate *c;

      c = add_candidate (scan, reminder_new (steps[i].kind, key, ref, NULL, due,
                                             g_strdup (steps[i].title),
                                             visit_body (appt, appt->start, start)));
      c->group = g_strdup_printf ("visit:%s:%s", ref, start_utc);
      /* The shorter lead is the later step, whatever the settings say. */
      c->step = (int) (G_MAXINT32 - steps[i].lead / G_TIME_SPAN_MINUTE);
      c->timed = TRUE;
      c->drop_after = g_date_time_ref (start);
      c->live_until = g_date_time_ref (start);
      c->withdrawable = TRUE;
    }
}

/* "status|startUTC": what the engine last knew about a visit. */
static char *
visit_snapshot (const char *status,
                GDateTime  *start)
{
  g_autofree char *start_utc = start != NULL ? utc_string (start) : g_strdup ("");

  return g_strdup_printf ("%s|%s", status != NULL ? status : "", start_utc);
}

static gboolean
scan_visit_change (Scan          *scan,
                   MkResource    *resource,
                   MkAppointment *appt,
                   GDateTime     *start,
                   const char    *old_snapshot,
                   GError       **error)
{
  g_autofree char *meta_key = g_strconcat (META_VISIT_PREFIX, mk_resource_get_id (resource), NULL);
  g_autofree char *current = visit_snapshot (appt->status, start);
  g_auto(GStrv) old = NULL;
  g_autoptr(GDateTime) old_start = NULL;
  g_autofree char *ref = NULL;
  g_autofree char *key = NULL;
  gboolean local = FALSE;
  gboolean cancelled, moved;

  if (g_strcmp0 (old_snapshot, current) == 0)
    return TRUE;

  /* Whatever happens below, the engine now knows the current state. */
  g_hash_table_insert (scan->snapshot_writes, g_strdup (meta_key), g_strdup (current));

  if (old_snapshot == NULL || scan->fresh)
    return TRUE;

  /* The user's own edit (still in the outbox) is not news from the clinic. */
  if (!mk_store_get_resource_local (scan->self->store, "Appointment",
                                    mk_resource_get_id (resource), &local, error))
    return FALSE;
  if (local)
    return TRUE;

  old = g_strsplit (old_snapshot, "|", 2);
  if (g_strv_length (old) == 2 && old[1][0] != '\0')
    old_start = mk_fhir_parse_date_time (old[1], NULL);

  cancelled = g_strcmp0 (appt->status, "cancelled") == 0 && g_strcmp0 (old[0], "cancelled") != 0
              && old_start != NULL && g_date_time_compare (old_start, scan->now) > 0;
  moved = !cancelled && status_is_booked (appt->status) && start != NULL && old_start != NULL
          && g_date_time_compare (start, old_start) != 0
          && (g_date_time_compare (start, scan->now) > 0 || g_date_time_compare (old_start, scan->now) > 0);

  if (!cancelled && !moved)
    return TRUE;

  ref = resource_ref (resource);
  if (cancelled)
    {
      g_autofree char *old_utc = utc_string (old_start);
      g_autofree char *body = visit_body (appt, old[1], old_start);

      key = g_strdup_printf ("%s:%s:cancelled:%s", kind_names[MK_REMINDER_VISIT_CHANGED], ref, old_utc);
      if (appt->cancelation_reason != NULL)
        {
          g_autofree char *with_reason =
            /* Translators: %1$s is the visit (what, when, where), %2$s the
             * reason the clinic gave for cancelling it */
            g_strdup_printf (_("%1$s. Reason: %2$s"), body, appt->cancelation_reason);
          g_free (body);
          body = g_steal_pointer (&with_reason);
        }
      add_candidate (scan, reminder_new (MK_REMINDER_VISIT_CHANGED, key, ref, NULL, scan->now,
                                         g_strdup (_("Visit cancelled by the clinic")),
                                         g_steal_pointer (&body)));
    }
  else
    {
      g_autofree char *new_utc = utc_string (start);
      g_autofree char *what = visit_what (appt);
      g_autofree char *when = format_visit_time (appt->start, start);

      key = g_strdup_printf ("%s:%s:moved:%s", kind_names[MK_REMINDER_VISIT_CHANGED], ref, new_utc);
      add_candidate (scan, reminder_new (MK_REMINDER_VISIT_CHANGED, key, ref, NULL, scan->now,
                                         g_strdup (_("Visit moved by the clinic")),
                                         /* Translators: %1$s is the visit (the doctor's
                                          * specialty), %2$s its new date and time */
                                         g_strdup_printf (_("%1$s, now on %2$s"), what, when)));
    }

  return TRUE;
}

static gboolean
scan_appointments (Scan    *scan,
                   GError **error)
{
  MkStore *store = scan->self->store;
  g_autoptr(GDateTime) from = g_date_time_add_days (scan->now, -1);
  g_autofree char *from_utc = utc_string (from);
  g_autoptr(GHashTable) snapshots = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key, value;

  scan->appointments = mk_store_list_reminder_resources (store, "Appointment", NULL, from_utc, NULL, error);
  if (scan->appointments == NULL)
    return FALSE;
  snapshots = mk_store_list_meta_with_prefix (store, META_VISIT_PREFIX, error);
  if (snapshots == NULL)
    return FALSE;

  /* Visits the engine knew about that have left the window: look them up
   * one by one (a handful), so a visit moved into the past is seen too. */
  for (guint i = 0; i < scan->appointments->len; i++)
    g_hash_table_add (seen, (gpointer) mk_resource_get_id (g_ptr_array_index (scan->appointments, i)));

  g_hash_table_iter_init (&iter, snapshots);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *id = (const char *) key + strlen (META_VISIT_PREFIX);
      g_autoptr(MkResource) extra = NULL;

      if (g_hash_table_contains (seen, id))
        continue;

      extra = mk_store_get_resource (store, "Appointment", id, NULL);
      if (extra != NULL)
        g_ptr_array_add (scan->appointments, g_steal_pointer (&extra));
      else  /* gone: forget it */
        g_hash_table_insert (scan->snapshot_writes, g_strdup (key), NULL);
    }

  for (guint i = 0; i < scan->appointments->len; i++)
    {
      MkResource *resource = g_ptr_array_index (scan->appointments, i);
      g_autoptr(MkAppointment) appt = mk_appointment_read (mk_resource_get_object (resource), NULL);
      g_autoptr(GDateTime) start = NULL;
      g_autofree char *meta_key = NULL;
      const char *old;

      if (appt == NULL)
        continue;
      start = mk_appointment_dup_start (appt);
      meta_key = g_strconcat (META_VISIT_PREFIX, mk_resource_get_id (resource), NULL);
      old = g_hash_table_lookup (snapshots, meta_key);

      if (start != NULL && g_date_time_compare (start, from) < 0)
        {
          /* Long past: the engine stops watching it. */
          if (old != NULL)
            {
              /* A visit moved from the future into the past is still a move. */
              if (!scan_visit_change (scan, resource, appt, start, old, error))
                return FALSE;
              g_hash_table_insert (scan->snapshot_writes, g_strdup (meta_key), NULL);
            }
          continue;
        }

      if (!scan_visit_change (scan, resource, appt, start, old, error))
        return FALSE;

      if (start != NULL)
        scan_visit_reminders (scan, resource, appt, start);
    }

  return TRUE;
}

/* ---- Prescriptions ------------------------------------------------------ */

static gboolean
scan_prescriptions (Scan    *scan,
                    GError **error)
{
  /* mk_medication_request_get_state(): these statuses are cancelled or
   * drafts (never a reminder); completed is dispensed, a reminder only
   * when it is news (changed after the baseline). The status column is
   * the resource's own status. */
  static const char * const no_reminder[] = { "cancelled", "entered-in-error", "stopped", "draft", NULL };
  static const char * const dispensed[] = { "completed", NULL };
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *news_from = scan->fresh ? NULL : news_margin (scan);
  MkReminderQuery query = {
    .skip_status = no_reminder,
    .news_status = dispensed,
    .news_from = news_from,
  };

  items = mk_store_query_reminder_resources (scan->self->store, "MedicationRequest",
                                             scan->self->full_scan ? &(MkReminderQuery) { 0 } : &query,
                                             error);
  if (items == NULL)
    return FALSE;

  for (guint i = 0; i < items->len; i++)
    {
      MkResource *resource = g_ptr_array_index (items, i);
      g_autoptr(MkMedicationRequest) rx = mk_medication_request_read (mk_resource_get_object (resource), NULL);
      g_autoptr(GDateTime) end = NULL;
      g_autofree char *ref = resource_ref (resource);
      g_autofree char *end_utc = NULL;
      g_autofree char *end_text = NULL;
      MkPrescriptionState state;
      const char *medication;

      if (rx == NULL)
        continue;

      medication = rx->medication != NULL ? rx->medication : _("Your medicine");
      state = mk_medication_request_get_state (rx, scan->now);

      if (state == MK_PRESCRIPTION_STATE_DISPENSED)
        {
          if (is_news (scan, resource))
            {
              g_autofree char *key = g_strdup_printf ("%s:%s", kind_names[MK_REMINDER_PRESCRIPTION_DISPENSED], ref);
              g_autoptr(GDateTime) due = event_due (scan, resource);

              add_candidate (scan, reminder_new (MK_REMINDER_PRESCRIPTION_DISPENSED, key, ref, NULL, due,
                                                 g_strdup (_("Prescription dispensed")),
                                                 /* Translators: %s is the medicine, or “Your medicine” */
                                                 g_strdup_printf (_("%s: dispensed by the pharmacy."), medication)));
            }
          continue;
        }

      if (state != MK_PRESCRIPTION_STATE_ISSUED && state != MK_PRESCRIPTION_STATE_SENT
          && state != MK_PRESCRIPTION_STATE_EXPIRING && state != MK_PRESCRIPTION_STATE_EXPIRED)
        continue;

      end = mk_medication_request_dup_validity_end (rx);
      if (end == NULL)
        continue;
      end_utc = utc_string (end);
      end_text = mk_format_fhir_date_time (rx->validity_end);

      {
        g_autoptr(GDateTime) target = g_date_time_add (end, -MK_PRESCRIPTION_EXPIRING_DAYS * G_TIME_SPAN_DAY);
        g_autoptr(GDateTime) due = effective_due (scan, target, resource);
        g_autofree char *key = g_strdup_printf ("%s:%s:%s", kind_names[MK_REMINDER_PRESCRIPTION_EXPIRING], ref, end_utc);
        Candidate *c;

        c = add_candidate (scan, reminder_new (MK_REMINDER_PRESCRIPTION_EXPIRING, key, ref, NULL, due,
                                               g_strdup (_("Prescription expiring")),
                                               /* Translators: %1$s is the medicine, %2$s the last day */
                                               g_strdup_printf (_("%1$s: the prescription is valid until %2$s."),
                                                                medication, end_text)));
        c->group = g_strdup_printf ("rx:%s:%s", ref, end_utc);
        c->step = 0;
        c->timed = TRUE;
        c->live_until = g_date_time_ref (end);
        c->withdrawable = TRUE;
      }
      {
        g_autoptr(GDateTime) due = effective_due (scan, end, resource);
        g_autofree char *key = g_strdup_printf ("%s:%s:%s", kind_names[MK_REMINDER_PRESCRIPTION_EXPIRED], ref, end_utc);
        Candidate *c;

        c = add_candidate (scan, reminder_new (MK_REMINDER_PRESCRIPTION_EXPIRED, key, ref, NULL, due,
                                               g_strdup (_("Prescription expired")),
                                               /* Translators: %s is the medicine */
                                               g_strdup_printf (_("%s: the prescription is no longer valid. "
                                                                  "Ask your doctor for a new one."),
                                                                medication)));
        c->group = g_strdup_printf ("rx:%s:%s", ref, end_utc);
        c->step = 1;
        c->timed = TRUE;
        c->withdrawable = TRUE;
      }
    }

  return TRUE;
}

/* ---- Lab results ---------------------------------------------------------- */

static gboolean
scan_results (Scan    *scan,
              GError **error)
{
  g_autoptr(GPtrArray) items = NULL;

  if (scan->fresh)
    return TRUE;

  items = list_news (scan, "Observation", "lab", error);
  if (items == NULL)
    return FALSE;

  for (guint i = 0; i < items->len; i++)
    {
      MkResource *resource = g_ptr_array_index (items, i);
      g_autoptr(MkObservation) obs = NULL;
      g_autoptr(GDateTime) due = NULL;
      g_autofree char *ref = NULL;
      g_autofree char *key = NULL;
      g_autofree char *value = NULL;
      const char *name;
      MkObservationFlag flag;
      Candidate *c;

      if (!is_news (scan, resource))
        continue;
      obs = mk_observation_read (mk_resource_get_object (resource), NULL);
      if (obs == NULL)
        continue;

      ref = resource_ref (resource);
      key = g_strdup_printf ("new-result:%s:%s", ref,
                             mk_resource_get_version_id (resource) != NULL
                             ? mk_resource_get_version_id (resource)
                             : mk_resource_get_last_updated (resource));
      due = event_due (scan, resource);
      name = obs->code_display != NULL ? obs->code_display : _("Lab result");
      value = mk_format_observation_value (obs);
      flag = mk_observation_get_flag (obs);

      c = add_candidate (scan, reminder_new (MK_REMINDER_NEW_RESULTS, key, ref, NULL, due,
                                             g_strdup (_("New lab result")), NULL));
      c->is_result = TRUE;
      c->out_of_range = flag != MK_OBSERVATION_FLAG_NONE && flag != MK_OBSERVATION_FLAG_NORMAL;
      if (c->out_of_range)
        /* Translators: a new lab result outside its reference range: %1$s is
         * the test, %2$s the value, %3$s “High”, “Low”… */
        c->item->body = g_strdup_printf (_("%1$s: %2$s, out of range (%3$s)"), name,
                                         value != NULL ? value : "", mk_observation_flag_to_label (flag));
      else if (value != NULL && *value != '\0')
        /* Translators: a new lab result: %1$s is the test, %2$s the value */
        c->item->body = g_strdup_printf (_("%1$s: %2$s"), name, value);
      else
        c->item->body = g_strdup (name);
      c->result_text = g_strdup (c->item->body);
    }

  return TRUE;
}

/* ---- Exams and vaccinations ------------------------------------------------ */

static gboolean
scan_vaccinations (Scan    *scan,
                   GError **error)
{
  static const char * const in_error[] = { "entered-in-error", NULL };
  g_autoptr(GPtrArray) items = NULL;
  MkReminderQuery query = { .skip_status = in_error };

  items = mk_store_query_reminder_resources (scan->self->store, "Immunization",
                                             scan->self->full_scan ? &(MkReminderQuery) { 0 } : &query,
                                             error);
  if (items == NULL)
    return FALSE;

  for (guint i = 0; i < items->len; i++)
    {
      MkResource *resource = g_ptr_array_index (items, i);
      g_autoptr(MkImmunization) imm = mk_immunization_read (mk_resource_get_object (resource), NULL);
      g_autofree char *ref = NULL;
      g_autofree char *until_text = NULL;
      const char *vaccine;
      int leads[] = { VACCINATION_LEAD_DAYS, 0 };

      if (imm == NULL || imm->valid_until == NULL || g_strcmp0 (imm->status, "entered-in-error") == 0)
        continue;

      ref = resource_ref (resource);
      until_text = mk_format_fhir_date (imm->valid_until);
      vaccine = imm->vaccine != NULL ? imm->vaccine : (imm->target_disease != NULL ? imm->target_disease
                                                                                   : _("A vaccination"));

      for (guint j = 0; j < G_N_ELEMENTS (leads); j++)
        {
          GDate day;
          g_autoptr(GDateTime) target = NULL;
          g_autoptr(GDateTime) due = NULL;
          g_autofree char *key = NULL;
          char *body;
          Candidate *c;

          if (!parse_date_days_before (imm->valid_until, leads[j], &day))
            break;
          target = local_day_at (scan->local, &day, DATE_REMINDER_HOUR);
          due = effective_due (scan, target, resource);
          key = g_strdup_printf ("%s:%s:%s:%dd", kind_names[MK_REMINDER_VACCINATION_DUE], ref,
                                 imm->valid_until, leads[j]);
          if (leads[j] > 0)
            /* Translators: %1$s is the vaccine, %2$s the date it is due */
            body = g_strdup_printf (_("%1$s: the next dose is due on %2$s."), vaccine, until_text);
          else
            /* Translators: %s is the vaccine */
            body = g_strdup_printf (_("%s: the next dose is due today."), vaccine);

          c = add_candidate (scan, reminder_new (MK_REMINDER_VACCINATION_DUE, key, ref, NULL, due,
                                                 g_strdup (_("Vaccination due")), body));
          c->group = g_strdup_printf ("vaccination:%s:%s", ref, imm->valid_until);
          c->step = (int) j;
          c->timed = TRUE;
        }
    }

  return TRUE;
}

static gboolean
scan_medbook (Scan    *scan,
              GError **error)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GDateTime) target = NULL;
  g_autoptr(GDateTime) due = NULL;
  g_autofree char *key = NULL;
  g_autofree char *until_text = NULL;
  g_autofree char *newest = NULL;
  g_autofree char *ref = NULL;
  MkResource *newest_resource = NULL;
  GDate day, newest_day;
  Candidate *c;

  items = mk_store_list_reminder_resources (scan->self->store, "Procedure", "medbook", NULL, NULL, error);
  if (items == NULL)
    return FALSE;

  /* One reminder per round of exams: the newest valid-until date. */
  for (guint i = 0; i < items->len; i++)
    {
      MkResource *resource = g_ptr_array_index (items, i);
      g_autoptr(MkProcedure) proc = mk_procedure_read (mk_resource_get_object (resource), NULL);

      if (proc == NULL || !proc->is_medbook_exam || !parse_date_days_before (proc->valid_until, 0, &day))
        continue;
      if (newest == NULL || g_date_compare (&day, &newest_day) > 0)
        {
          g_free (newest);
          newest = g_strdup (proc->valid_until);
          newest_day = day;
          newest_resource = resource;
        }
    }

  if (newest == NULL)
    return TRUE;

  g_date_subtract_days (&newest_day, MEDBOOK_LEAD_DAYS);
  target = local_day_at (scan->local, &newest_day, DATE_REMINDER_HOUR);
  due = effective_due (scan, target, newest_resource);
  key = g_strdup_printf ("%s:%s", kind_names[MK_REMINDER_MEDBOOK_EXAM_DUE], newest);
  ref = resource_ref (newest_resource);
  until_text = mk_format_fhir_date (newest);
  c = add_candidate (scan, reminder_new (MK_REMINDER_MEDBOOK_EXAM_DUE, key, ref, NULL, due,
                                         g_strdup (_("Medical book exams due")),
                                         /* Translators: %s is a date */
                                         g_strdup_printf (_("Your medical book exams are valid until %s. "
                                                            "Book the next round."), until_text)));
  c->timed = TRUE;
  return TRUE;
}

/* ---- Requests (Task) ---------------------------------------------------- */

static const char *
task_status_label (const char *status)
{
  static const struct { const char *code; const char *label; } labels[] = {
    { "requested", NC_("request status", "Submitted") },
    { "received", NC_("request status", "Received") },
    { "accepted", NC_("request status", "Accepted") },
    { "in-progress", NC_("request status", "In progress") },
    { "on-hold", NC_("request status", "More information needed") },
    { "ready", NC_("request status", "Ready") },
    { "completed", NC_("request status", "Completed") },
    { "rejected", NC_("request status", "Rejected") },
    { "cancelled", NC_("request status", "Cancelled") },
    { "failed", NC_("request status", "Failed") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (status, labels[i].code) == 0)
      return g_dpgettext2 (GETTEXT_PACKAGE, "request status", labels[i].label);

  return status;
}

static gboolean
scan_requests (Scan    *scan,
               GError **error)
{
  g_autoptr(GPtrArray) items = NULL;

  if (scan->fresh)
    return TRUE;

  /* Only news fire (is_news()). */
  items = list_news (scan, "Task", NULL, error);
  if (items == NULL)
    return FALSE;

  for (guint i = 0; i < items->len; i++)
    {
      MkResource *resource = g_ptr_array_index (items, i);
      JsonObject *task = mk_resource_get_object (resource);
      const char *status = NULL;
      const char *description = NULL;
      g_autofree char *code = NULL;
      g_autofree char *ref = NULL;
      g_autofree char *key = NULL;
      g_autoptr(GDateTime) due = NULL;
      const char *what;

      if (task == NULL || !is_news (scan, resource)
          || !mk_fhir_get_string (task, "status", &status, NULL) || status == NULL)
        continue;
      mk_fhir_get_string (task, "description", &description, NULL);
      mk_fhir_get_concept_display (task, "code", &code, NULL);
      what = description != NULL ? description : (code != NULL ? code : _("Your request"));

      ref = resource_ref (resource);
      key = g_strdup_printf ("%s:%s:%s", kind_names[MK_REMINDER_REQUEST_STATUS], ref, status);
      due = event_due (scan, resource);
      add_candidate (scan, reminder_new (MK_REMINDER_REQUEST_STATUS, key, ref, NULL, due,
                                         g_strdup (_("Request status changed")),
                                         /* Translators: %1$s is the request, %2$s its new status */
                                         g_strdup_printf (_("%1$s: %2$s"), what, task_status_label (status))));
    }

  return TRUE;
}

/* ---- Sync and account ----------------------------------------------------- */

static gboolean
scan_sync (Scan    *scan,
           GError **error)
{
  MkStore *store = scan->self->store;
  g_autofree char *server = NULL;
  g_autofree char *last_sync = NULL;
  g_autofree char *sync_error = NULL;
  guint conflicts = 0;
  gint64 max_seq = 0;
  GError *local_error = NULL;
  Candidate *c;

  if (!mk_store_get_outbox_conflicts (store, &conflicts, &max_seq, error))
    return FALSE;

  if (conflicts > 0)
    {
      g_autofree char *key = g_strdup_printf ("%s:%" G_GINT64_FORMAT,
                                              kind_names[MK_REMINDER_SYNC_CONFLICT], max_seq);

      c = add_candidate (scan, reminder_new (MK_REMINDER_SYNC_CONFLICT, key, NULL, "sync", scan->now,
                                             g_strdup (_("Sync conflict")),
                                             g_strdup_printf (ngettext ("%u change conflicts with the server: "
                                                                        "choose which version to keep.",
                                                                        "%u changes conflict with the server: "
                                                                        "choose which versions to keep.",
                                                                        conflicts),
                                                              conflicts)));
      c->withdrawable = TRUE;
    }

  server = mk_store_get_meta (store, META_SERVER_URL, &local_error);
  if (local_error == NULL)
    last_sync = mk_store_get_meta (store, META_LAST_SYNC, &local_error);
  if (local_error == NULL)
    sync_error = mk_store_get_meta (store, META_SYNC_ERROR, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  if (server == NULL || *server == '\0')
    return TRUE;   /* not an account (e.g. the demo): nothing to sync */

  if (sync_error != NULL && *sync_error != '\0')
    {
      g_autofree char *key = g_strdup_printf ("%s:%s", kind_names[MK_REMINDER_SIGN_IN_EXPIRED],
                                              last_sync != NULL ? last_sync : "never");

      c = add_candidate (scan, reminder_new (MK_REMINDER_SIGN_IN_EXPIRED, key, NULL, "sync", scan->now,
                                             g_strdup (_("Sign in again to sync")),
                                             g_strdup (sync_error)));
      c->withdrawable = TRUE;
    }

  if (last_sync != NULL)
    {
      g_autoptr(GDateTime) last = mk_fhir_parse_date_time (last_sync, NULL);

      if (last != NULL)
        {
          g_autoptr(GDateTime) target = g_date_time_add (last, NOT_SYNCED_AFTER);
          g_autoptr(GDateTime) local_last = g_date_time_to_local (last);
          g_autofree char *last_text = mk_format_date_time (local_last);
          g_autofree char *key = g_strdup_printf ("%s:%s", kind_names[MK_REMINDER_NOT_SYNCED], last_sync);

          c = add_candidate (scan, reminder_new (MK_REMINDER_NOT_SYNCED, key, NULL, "sync", target,
                                                 g_strdup (_("Not synced for several days")),
                                                 /* Translators: %s is a date and time */
                                                 g_strdup_printf (_("The card was last synced on %s. "
                                                                    "Connect to the internet to get new results "
                                                                    "and visit changes."),
                                                                  last_text)));
          c->withdrawable = TRUE;
        }
    }

  return TRUE;
}

/* ---- Doctors --------------------------------------------------------------- */

static gboolean
scan_doctor (Scan    *scan,
             GError **error)
{
  MkStore *store = scan->self->store;
  g_autofree char *practitioner = NULL;
  g_autofree char *expires = NULL;
  GError *local_error = NULL;
  int leads[] = { 30, 7, 1 };

  practitioner = mk_store_get_meta (store, META_PRACTITIONER, &local_error);
  if (local_error == NULL)
    expires = mk_store_get_meta (store, META_CERTIFICATE, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  if (practitioner == NULL || *practitioner == '\0')
    return TRUE;

  /* Signing certificate: 30, 7 and 1 days before (a date: at 09:00). */
  for (guint i = 0; expires != NULL && i < G_N_ELEMENTS (leads); i++)
    {
      g_autoptr(GDateTime) end = mk_fhir_parse_date_time (expires, NULL);
      g_autoptr(GDateTime) target = NULL;
      g_autoptr(GDateTime) due = NULL;
      g_autoptr(GDateTime) end_local = NULL;
      g_autofree char *key = NULL;
      g_autofree char *end_text = NULL;
      GDate day;
      Candidate *c;

      if (end == NULL)
        break;
      if (strlen (expires) == 10 && parse_date_days_before (expires, leads[i], &day))
        target = local_day_at (scan->local, &day, DATE_REMINDER_HOUR);
      else
        target = g_date_time_add_days (end, -leads[i]);

      due = effective_due (scan, target, NULL);
      end_local = g_date_time_to_local (end);
      end_text = mk_format_date (end_local);
      key = g_strdup_printf ("%s:%s:%dd", kind_names[MK_REMINDER_CERTIFICATE_EXPIRING], expires, leads[i]);
      c = add_candidate (scan, reminder_new (MK_REMINDER_CERTIFICATE_EXPIRING, key, NULL, "profile", due,
                                             g_strdup (_("Signing certificate expiring")),
                                             g_strdup_printf (ngettext ("Your signing certificate expires in %d day, "
                                                                        "on %s. Renew it to keep signing documents.",
                                                                        "Your signing certificate expires in %d days, "
                                                                        "on %s. Renew it to keep signing documents.",
                                                                        leads[i]),
                                                              leads[i], end_text)));
      c->group = g_strdup_printf ("certificate:%s", expires);
      c->step = (int) i;
      c->timed = TRUE;
    }

  /* Tomorrow's schedule, at 18:00 today (and, for the next wake-up, at
   * 18:00 tomorrow about the day after). */
  for (int d = 0; d < 2; d++)
    {
      g_autoptr(GDateTime) local_now = g_date_time_to_local (scan->now);
      g_autoptr(GDateTime) base = g_date_time_add_days (local_now, d);
      g_autoptr(GDateTime) target = g_date_time_new_local (g_date_time_get_year (base),
                                                           g_date_time_get_month (base),
                                                           g_date_time_get_day_of_month (base),
                                                           SCHEDULE_HOUR, 0, 0);
      g_autoptr(GDateTime) next = g_date_time_add_days (base, 1);
      g_autoptr(GDateTime) day_start = g_date_time_new_local (g_date_time_get_year (next),
                                                              g_date_time_get_month (next),
                                                              g_date_time_get_day_of_month (next), 0, 0, 0);
      g_autoptr(GDateTime) day_end = g_date_time_add_days (day_start, 1);
      g_autoptr(GDateTime) first = NULL;
      g_autoptr(GDateTime) due = NULL;
      g_autofree char *day_text = g_date_time_format (day_start, "%Y-%m-%d");
      g_autofree char *key = NULL;
      g_autofree char *first_text = NULL;
      guint count = 0;
      Candidate *c;

      for (guint i = 0; i < scan->appointments->len; i++)
        {
          MkResource *resource = g_ptr_array_index (scan->appointments, i);
          g_autoptr(MkAppointment) appt = mk_appointment_read (mk_resource_get_object (resource), NULL);
          g_autoptr(GDateTime) start = NULL;

          if (appt == NULL || !status_is_booked (appt->status))
            continue;
          start = mk_appointment_dup_start (appt);
          if (start == NULL || g_date_time_compare (start, day_start) < 0
              || g_date_time_compare (start, day_end) >= 0)
            continue;
          count++;
          if (first == NULL || g_date_time_compare (start, first) < 0)
            {
              g_clear_pointer (&first, g_date_time_unref);
              first = g_date_time_ref (start);
            }
        }

      if (count == 0)
        continue;

      {
        g_autoptr(GDateTime) first_local = g_date_time_to_local (first);
        first_text = mk_format_time (first_local);
      }
      due = effective_due (scan, target, NULL);
      key = g_strdup_printf ("%s:%s", kind_names[MK_REMINDER_SCHEDULE_TOMORROW], day_text);
      c = add_candidate (scan, reminder_new (MK_REMINDER_SCHEDULE_TOMORROW, key, NULL, "appointments", due,
                                             g_strdup (_("Tomorrow’s schedule")),
                                             /* Translators: %u is a count, %s the first visit's time */
                                             g_strdup_printf (ngettext ("%u appointment tomorrow, the first at %s.",
                                                                        "%u appointments tomorrow, the first at %s.",
                                                                        count),
                                                              count, first_text)));
      c->timed = TRUE;
      c->drop_after = g_steal_pointer (&day_start);
    }

  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Planning */

static gboolean
scan_run (MkReminders  *self,
          Scan         *scan,
          GError      **error)
{
  g_autofree char *baseline = NULL;
  g_autofree char *demo_anchor = NULL;
  g_autofree char *baseline_anchor = NULL;
  GError *local_error = NULL;

  scan->self = self;
  scan->now = mk_clock_get_now (self->clock);
  scan->local = g_time_zone_new_local ();
  scan->candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) candidate_free);
  scan->snapshot_writes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  baseline = mk_store_get_meta (self->store, META_BASELINE, &local_error);
  if (local_error == NULL)
    demo_anchor = mk_store_get_meta (self->store, "demo-anchor", &local_error);
  if (local_error == NULL)
    baseline_anchor = mk_store_get_meta (self->store, META_DEMO_ANCHOR, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  if (baseline != NULL)
    scan->baseline = mk_fhir_parse_date_time (baseline, NULL);
  /* A rewritten demo card (another anchor day) starts afresh: its dates
   * all moved, none of that is news. */
  scan->fresh = scan->baseline == NULL || g_strcmp0 (demo_anchor, baseline_anchor) != 0;
  if (scan->fresh)
    {
      g_clear_pointer (&scan->baseline, g_date_time_unref);
      scan->baseline = g_date_time_ref (scan->now);
    }

  return scan_appointments (scan, error)
         && scan_prescriptions (scan, error)
         && scan_results (scan, error)
         && scan_vaccinations (scan, error)
         && scan_medbook (scan, error)
         && scan_requests (scan, error)
         && scan_sync (scan, error)
         && scan_doctor (scan, error);
}

typedef struct
{
  GPtrArray *show;       /* MkReminder*: to show now, by due */
  GPtrArray *merged;     /* MkReminder*: recorded merged (superseded, dropped, stale, grouped) */
  GDateTime *next;       /* the next wake-up, or NULL */
  GDateTime *next_after; /* the next wake-up once show and merged are recorded */
} Plan;

static void
plan_clear (Plan *plan)
{
  g_clear_pointer (&plan->show, g_ptr_array_unref);
  g_clear_pointer (&plan->merged, g_ptr_array_unref);
  g_clear_pointer (&plan->next, g_date_time_unref);
  g_clear_pointer (&plan->next_after, g_date_time_unref);
}

static void
plan_wake_at (Plan      *plan,
              GDateTime *moment)
{
  if (plan->next == NULL || g_date_time_compare (moment, plan->next) < 0)
    {
      g_clear_pointer (&plan->next, g_date_time_unref);
      plan->next = g_date_time_ref (moment);
    }
}

static gboolean
kind_enabled (MkReminders    *self,
              MkReminderKind  kind)
{
  return (self->settings.enabled_kinds & (G_GUINT64_CONSTANT (1) << kind)) != 0;
}

static int
compare_by_due (gconstpointer a,
                gconstpointer b)
{
  const MkReminder *ra = *(const MkReminder * const *) a;
  const MkReminder *rb = *(const MkReminder * const *) b;
  int cmp = g_date_time_compare (ra->due, rb->due);

  return cmp != 0 ? cmp : g_strcmp0 (ra->key, rb->key);
}

static gboolean
plan_make (MkReminders  *self,
           Scan         *scan,
           Plan         *plan,
           GError      **error)
{
  g_autoptr(GHashTable) latest_due_step = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) due_now = g_ptr_array_new ();    /* Candidate* (borrowed) */
  g_autoptr(GPtrArray) stale = g_ptr_array_new ();      /* Candidate* (borrowed) */
  g_autoptr(GPtrArray) results = g_ptr_array_new ();    /* Candidate* (borrowed) */
  gboolean quiet_now = in_quiet_hours (self, scan->now);
  gboolean held = FALSE;

  plan->show = g_ptr_array_new_with_free_func ((GDestroyNotify) mk_reminder_free);
  plan->merged = g_ptr_array_new_with_free_func ((GDestroyNotify) mk_reminder_free);

  /* 1. Drop what is recorded or disabled; what is not due yet only sets
   *    the wake-up. */
  for (guint i = 0; i < scan->candidates->len; i++)
    {
      Candidate *c = g_ptr_array_index (scan->candidates, i);
      GError *local_error = NULL;

      if (!kind_enabled (self, c->item->kind))
        continue;
      if (mk_store_has_notification (self->store, c->item->key, &local_error))
        continue;
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }

      if (g_date_time_compare (c->item->due, scan->now) > 0)
        {
          if (c->item->priority < MK_REMINDER_PRIORITY_URGENT && in_quiet_hours (self, c->item->due))
            {
              g_autoptr(GDateTime) end = quiet_end_after (self, c->item->due);
              plan_wake_at (plan, end);
            }
          else
            plan_wake_at (plan, c->item->due);
          continue;
        }

      g_ptr_array_add (due_now, c);
      if (c->group != NULL)
        {
          int step = GPOINTER_TO_INT (g_hash_table_lookup (latest_due_step, c->group));

          if (!g_hash_table_contains (latest_due_step, c->group) || c->step > step)
            g_hash_table_insert (latest_due_step, c->group, GINT_TO_POINTER (c->step));
        }
    }

  /* 2. Sort what is due now. */
  for (guint i = 0; i < due_now->len; i++)
    {
      Candidate *c = g_ptr_array_index (due_now, i);
      g_autoptr(GDateTime) effective = NULL;

      /* A visit that has started: its reminders are pointless. A later step
       * of the same reminder (the visit in 2 h after the day before)
       * supersedes the earlier ones. */
      if ((c->drop_after != NULL && g_date_time_compare (scan->now, c->drop_after) >= 0)
          || (c->group != NULL
              && GPOINTER_TO_INT (g_hash_table_lookup (latest_due_step, c->group)) > c->step))
        {
          g_ptr_array_add (plan->merged, reminder_copy (c->item));
          continue;
        }

      if (quiet_now && c->item->priority < MK_REMINDER_PRIORITY_URGENT)
        {
          held = TRUE;
          continue;
        }

      /* Missed moments are measured from when they could have been shown:
       * an item due inside quiet hours could only be shown at their end. */
      if (c->item->priority < MK_REMINDER_PRIORITY_URGENT && in_quiet_hours (self, c->item->due))
        effective = quiet_end_after (self, c->item->due);
      else
        effective = g_date_time_ref (c->item->due);

      if (c->timed && g_date_time_difference (scan->now, effective) > self->settings.stale_after)
        g_ptr_array_add (stale, c);
      else if (c->is_result)
        g_ptr_array_add (results, c);
      else
        g_ptr_array_add (plan->show, reminder_copy (c->item));
    }

  if (held)
    {
      g_autoptr(GDateTime) end = quiet_end_after (self, scan->now);
      plan_wake_at (plan, end);
    }

  /* 3. New results: one notice, however many arrived. */
  if (results->len == 1)
    {
      Candidate *c = g_ptr_array_index (results, 0);

      g_ptr_array_add (plan->show, reminder_copy (c->item));
    }
  else if (results->len > 1)
    {
      Candidate *first = g_ptr_array_index (results, 0);
      guint n = results->len, n_out = 0;
      g_autoptr(GString) body = g_string_new (NULL);
      g_autofree char *key = g_strdup_printf ("new-results:%s", first->item->key);
      g_autoptr(GDateTime) due = NULL;
      MkReminder *group;

      for (guint i = 0; i < n; i++)
        {
          Candidate *c = g_ptr_array_index (results, i);

          if (c->out_of_range)
            n_out++;
          if (due == NULL || g_date_time_compare (c->item->due, due) > 0)
            {
              g_clear_pointer (&due, g_date_time_unref);
              due = g_date_time_ref (c->item->due);
            }
          g_ptr_array_add (plan->merged, reminder_copy (c->item));
        }

      if (n_out > 0)
        g_string_append_printf (body, ngettext ("%u of them is out of range.",
                                                "%u of them are out of range.", n_out), n_out);
      else
        g_string_append (body, _("All of them are within the reference range."));
      for (guint i = 0; i < n && i < SUMMARY_MAX_LINES; i++)
        {
          Candidate *c = g_ptr_array_index (results, i);

          g_string_append_c (body, '\n');
          g_string_append (body, c->result_text);
        }
      if (n > SUMMARY_MAX_LINES)
        g_string_append (body, "\n…");

      group = reminder_new (MK_REMINDER_NEW_RESULTS, key, NULL, "records", due,
                            g_strdup_printf (ngettext ("%u new lab result", "%u new lab results", n), n),
                            g_string_free (g_steal_pointer (&body), FALSE));
      if (n_out > 0)
        group->priority = MK_REMINDER_PRIORITY_HIGH;
      g_ptr_array_add (plan->show, group);
    }

  /* 4. Missed moments: merged into one summary. */
  if (stale->len > 0)
    {
      Candidate *first = g_ptr_array_index (stale, 0);
      guint n = stale->len;
      g_autoptr(GString) body = g_string_new (NULL);
      g_autofree char *key = g_strdup_printf ("%s:%s", kind_names[MK_REMINDER_CATCH_UP_SUMMARY],
                                              first->item->key);

      for (guint i = 0; i < n; i++)
        {
          Candidate *c = g_ptr_array_index (stale, i);

          if (i < SUMMARY_MAX_LINES)
            {
              if (body->len > 0)
                g_string_append_c (body, '\n');
              g_string_append (body, c->item->title);
            }
          g_ptr_array_add (plan->merged, reminder_copy (c->item));
        }
      if (n > SUMMARY_MAX_LINES)
        g_string_append (body, "\n…");

      if (kind_enabled (self, MK_REMINDER_CATCH_UP_SUMMARY))
        g_ptr_array_add (plan->show,
                         reminder_new (MK_REMINDER_CATCH_UP_SUMMARY, key, NULL, "notifications", scan->now,
                                       g_strdup_printf (ngettext ("You missed %u reminder",
                                                                  "You missed %u reminders", n), n),
                                       g_string_free (g_steal_pointer (&body), FALSE)));
    }

  g_ptr_array_sort (plan->show, compare_by_due);
  /* Once this plan is recorded, what is left is what is not due yet and
   * what quiet hours hold: that is what the next wake-up is for. */
  if (plan->next != NULL)
    plan->next_after = g_date_time_ref (plan->next);
  if (plan->show->len > 0)
    plan_wake_at (plan, scan->now);

  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Public API */

GPtrArray *
mk_reminders_list_due (MkReminders  *self,
                       GError      **error)
{
  Scan scan = { 0 };
  Plan plan = { 0 };
  GPtrArray *result = NULL;

  g_return_val_if_fail (MK_IS_REMINDERS (self), NULL);

  if (scan_run (self, &scan, error) && plan_make (self, &scan, &plan, error))
    result = g_steal_pointer (&plan.show);

  plan_clear (&plan);
  scan_clear (&scan);
  return result;
}

static gboolean
record (MkReminders          *self,
        const MkReminder     *item,
        MkNotificationState   state,
        const char           *fired_at,
        gboolean             *inserted,
        GError              **error)
{
  g_autofree char *due = utc_string (item->due);
  MkNotificationRecord record = {
    .key = item->key,
    .kind = (char *) kind_names[item->kind],
    .resource = item->resource,
    .title = item->title,
    .body = item->body,
    .due = due,
    .fired_at = (char *) fired_at,
    .state = state,
  };

  return mk_store_record_notification (self->store, &record, inserted, error);
}

/* Records @plan (inside the caller's transaction) and the scan's visit
 * snapshots and baseline; the items this call recorded as shown. */
static GPtrArray *
record_plan (MkReminders  *self,
             Scan         *scan,
             Plan         *plan,
             GError      **error)
{
  g_autoptr(GPtrArray) shown = g_ptr_array_new_with_free_func ((GDestroyNotify) mk_reminder_free);
  g_autofree char *fired_at = utc_string (scan->now);
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < plan->merged->len; i++)
    if (!record (self, g_ptr_array_index (plan->merged, i), MK_NOTIFICATION_MERGED, fired_at, NULL, error))
      return NULL;

  for (guint i = 0; i < plan->show->len; i++)
    {
      MkReminder *item = g_ptr_array_index (plan->show, i);
      gboolean inserted = FALSE;

      if (!record (self, item, MK_NOTIFICATION_SHOWN, fired_at, &inserted, error))
        return NULL;
      if (inserted)
        g_ptr_array_add (shown, reminder_copy (item));
    }

  g_hash_table_iter_init (&iter, scan->snapshot_writes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!mk_store_set_meta (self->store, key, value, error))
      return NULL;

  if (scan->fresh)
    {
      g_autofree char *baseline = utc_string (scan->baseline);
      g_autofree char *anchor = mk_store_get_meta (self->store, "demo-anchor", NULL);

      if (!mk_store_set_meta (self->store, META_BASELINE, baseline, error)
          || !mk_store_set_meta (self->store, META_DEMO_ANCHOR, anchor, error))
        return NULL;
    }

  return g_steal_pointer (&shown);
}

GPtrArray *
mk_reminders_fire (MkReminders  *self,
                   GError      **error)
{
  Scan scan = { 0 };
  Plan plan = { 0 };
  g_autoptr(GPtrArray) shown = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (MK_IS_REMINDERS (self), NULL);

  /* BEGIN IMMEDIATE: the decision and the record are one step, also
   * against another process holding the same file. */
  if (!mk_store_begin (self->store, error))
    return NULL;

  if (scan_run (self, &scan, error) && plan_make (self, &scan, &plan, error))
    {
      shown = record_plan (self, &scan, &plan, error);
      ok = shown != NULL && mk_store_commit (self->store, error);
    }

  if (!ok)
    mk_store_rollback (self->store);
  plan_clear (&plan);
  scan_clear (&scan);
  return ok ? g_steal_pointer (&shown) : NULL;
}

static gboolean
kind_is_withdrawable (const char *kind)
{
  MkReminderKind k;

  if (!mk_reminder_kind_from_string (kind, &k))
    return FALSE;

  switch (k)
    {
    case MK_REMINDER_VISIT_DAY_BEFORE:
    case MK_REMINDER_VISIT_SOON:
    case MK_REMINDER_PRESCRIPTION_EXPIRING:
    case MK_REMINDER_PRESCRIPTION_EXPIRED:
    case MK_REMINDER_SYNC_CONFLICT:
    case MK_REMINDER_SIGN_IN_EXPIRED:
    case MK_REMINDER_NOT_SYNCED:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Marks withdrawn (inside the caller's transaction) the shown
 * notifications that @scan no longer finds true; their keys. */
static GPtrArray *
withdraw_stale (MkReminders  *self,
                Scan         *scan,
                GError      **error)
{
  g_autoptr(GHashTable) live = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) shown = NULL;
  g_autoptr(GPtrArray) withdrawn = NULL;

  /* What is still true now. */
  for (guint i = 0; i < scan->candidates->len; i++)
    {
      Candidate *c = g_ptr_array_index (scan->candidates, i);

      if (c->live_until != NULL && g_date_time_compare (scan->now, c->live_until) >= 0)
        continue;
      g_hash_table_add (live, c->item->key);
    }

  shown = mk_store_list_notifications_in_state (self->store, MK_NOTIFICATION_SHOWN, error);
  if (shown == NULL)
    return NULL;

  withdrawn = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < shown->len; i++)
    {
      MkNotificationRecord *record = g_ptr_array_index (shown, i);

      if (!kind_is_withdrawable (record->kind) || g_hash_table_contains (live, record->key))
        continue;
      if (!mk_store_set_notification_state (self->store, record->key, MK_NOTIFICATION_WITHDRAWN, error))
        return NULL;
      g_ptr_array_add (withdrawn, g_strdup (record->key));
    }

  return g_steal_pointer (&withdrawn);
}

GPtrArray *
mk_reminders_collect_withdrawn (MkReminders  *self,
                                GError      **error)
{
  Scan scan = { 0 };
  g_autoptr(GPtrArray) withdrawn = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (MK_IS_REMINDERS (self), NULL);

  if (!mk_store_begin (self->store, error))
    return NULL;

  if (scan_run (self, &scan, error))
    {
      withdrawn = withdraw_stale (self, &scan, error);
      ok = withdrawn != NULL && mk_store_commit (self->store, error);
    }

  if (!ok)
    mk_store_rollback (self->store);
  scan_clear (&scan);
  return ok ? g_steal_pointer (&withdrawn) : NULL;
}

GDateTime *
mk_reminders_next_wakeup (MkReminders  *self,
                          GError      **error)
{
  Scan scan = { 0 };
  Plan plan = { 0 };
  GDateTime *next = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (MK_IS_REMINDERS (self), NULL);

  if (scan_run (self, &scan, &local_error) && plan_make (self, &scan, &plan, &local_error))
    next = g_steal_pointer (&plan.next);

  if (local_error != NULL)
    g_propagate_error (error, local_error);

  plan_clear (&plan);
  scan_clear (&scan);
  return next;
}

gboolean
mk_reminders_check (MkReminders  *self,
                    GPtrArray   **withdrawn,
                    GPtrArray   **fired,
                    GDateTime   **next_wakeup,
                    GError      **error)
{
  Scan scan = { 0 };
  Plan plan = { 0 };
  g_autoptr(GPtrArray) gone = NULL;
  g_autoptr(GPtrArray) shown = NULL;
  g_autoptr(GDateTime) next = NULL;
  gboolean fresh = FALSE;
  gboolean ok = FALSE;

  g_return_val_if_fail (MK_IS_REMINDERS (self), FALSE);
  g_return_val_if_fail (withdrawn != NULL && fired != NULL && next_wakeup != NULL, FALSE);

  *withdrawn = NULL;
  *fired = NULL;
  *next_wakeup = NULL;

  /* collect_withdrawn() and fire() on one scan, in one transaction: the
   * withdrawal only changes states in the log, which the plan does not
   * read (it asks whether a key is there at all). */
  if (!mk_store_begin (self->store, error))
    return FALSE;

  if (scan_run (self, &scan, error))
    {
      gone = withdraw_stale (self, &scan, error);
      if (gone != NULL && plan_make (self, &scan, &plan, error))
        shown = record_plan (self, &scan, &plan, error);
      ok = shown != NULL && mk_store_commit (self->store, error);
    }
  if (!ok)
    mk_store_rollback (self->store);

  fresh = scan.fresh;
  if (ok && plan.next_after != NULL)
    next = g_date_time_ref (plan.next_after);
  plan_clear (&plan);
  scan_clear (&scan);

  if (!ok)
    return FALSE;

  /* With the plan recorded, a new scan would find the same candidates
   * minus the recorded ones: the plan's wake-up without the items shown
   * now. Not on the first run, which sets the baseline and so changes
   * what counts as news: then ask again. */
  if (fresh)
    {
      GError *local_error = NULL;

      g_clear_pointer (&next, g_date_time_unref);
      next = mk_reminders_next_wakeup (self, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
    }

  *withdrawn = g_steal_pointer (&gone);
  *fired = g_steal_pointer (&shown);
  *next_wakeup = g_steal_pointer (&next);
  return TRUE;
}
