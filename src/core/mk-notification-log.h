/* mk-notification-log.h — what was already shown, so nothing is shown twice
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Implemented in mk-store-notifications.c (the store module owns all SQL).
 */
#pragma once

#include "mk-store.h"

G_BEGIN_DECLS

typedef enum
{
  MK_NOTIFICATION_SHOWN,      /* handed to the desktop */
  MK_NOTIFICATION_WITHDRAWN,  /* no longer true (visit cancelled, moved…) */
  MK_NOTIFICATION_MERGED,     /* stale when caught up: folded into a summary */
} MkNotificationState;

typedef struct
{
  char                *key;        /* stable: kind + resource + version or target time */
  char                *kind;
  char                *resource;   /* "Type/id" or NULL */
  char                *title;
  char                *body;
  char                *due;        /* ISO 8601 UTC: the moment it was due */
  char                *fired_at;   /* ISO 8601 UTC: when it was recorded (MkClock) */
  MkNotificationState  state;
} MkNotificationRecord;

void mk_notification_record_free (MkNotificationRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkNotificationRecord, mk_notification_record_free)

/* Records @record (its key, kind, resource, title, body, due, fired_at,
 * state) unless its key is already there. *@inserted tells whether this call
 * recorded it: exactly one caller wins, also across processes (the key is
 * the primary key; the insert is one statement). */
gboolean   mk_store_record_notification     (MkStore                    *self,
                                             const MkNotificationRecord *record,
                                             gboolean                   *inserted,
                                             GError                    **error);
gboolean   mk_store_has_notification        (MkStore                    *self,
                                             const char                 *key,
                                             GError                    **error);
gboolean   mk_store_set_notification_state  (MkStore                    *self,
                                             const char                 *key,
                                             MkNotificationState         state,
                                             GError                    **error);
/* The newest first, at most @limit (MkNotificationRecord). */
GPtrArray *mk_store_list_notifications      (MkStore                    *self,
                                             guint                       limit,
                                             GError                    **error);
/* Shown records about @resource ("Type/id"), e.g. to withdraw them. */
GPtrArray *mk_store_list_notifications_for  (MkStore                    *self,
                                             const char                 *resource,
                                             GError                    **error);

/* "shown", "withdrawn", "merged" (the notification_log.state values). */
const char *mk_notification_state_to_string   (MkNotificationState state);
gboolean    mk_notification_state_from_string (const char          *name,
                                               MkNotificationState *state);

/* Records in @state (MkNotificationRecord), the newest first. */
GPtrArray *mk_store_list_notifications_in_state (MkStore             *self,
                                                 MkNotificationState  state,
                                                 GError             **error);

/* ---- What MkReminders reads (the store module owns the SQL) ---- */

/* Stored, not deleted resources of @resource_type (MkResource), optionally
 * only of @kind, only with the derived date ≥ @date_from (UTC
 * "YYYY-MM-DDTHH:MM:SSZ", compared as text) and only with a stored
 * meta.lastUpdated text ≥ @updated_from (a coarse pre-filter: compare the
 * parsed instants afterwards). NULL filters are ignored. */
GPtrArray *mk_store_list_reminder_resources  (MkStore                    *self,
                                             const char                 *resource_type,
                                             const char                 *kind,
                                             const char                 *date_from,
                                             const char                 *updated_from,
                                             GError                    **error);
/* A scoped query for the reminder engine: the rows that can yield a
 * reminder, so the engine parses only those. NULL/FALSE fields are ignored. */
typedef struct
{
  const char         *kind;          /* only this derived kind */
  const char         *date_from;     /* derived date ≥ (text) */
  const char         *updated_from;  /* stored meta.lastUpdated text ≥ (a coarse pre-filter) */
  const char * const *skip_status;   /* rows with one of these statuses are left out */
  const char * const *news_status;   /* rows with one of these statuses only when */
  const char         *news_from;     /* … lastUpdated text ≥ this (NULL: left out) */
} MkReminderQuery;

/* Stored, not deleted resources of @resource_type matching @query, in the
 * same order as mk_store_list_reminder_resources() (derived date, id). */
GPtrArray *mk_store_query_reminder_resources (MkStore                    *self,
                                             const char                 *resource_type,
                                             const MkReminderQuery      *query,
                                             GError                    **error);
/* TRUE in *@local when the stored row is a local edit not yet accepted by
 * the server, or the outbox holds an entry for it. */
gboolean   mk_store_get_resource_local       (MkStore                    *self,
                                             const char                 *resource_type,
                                             const char                 *id,
                                             gboolean                   *local,
                                             GError                    **error);
/* Outbox entries in the conflict state: how many and the newest seq (0). */
gboolean   mk_store_get_outbox_conflicts     (MkStore                    *self,
                                             guint                      *count,
                                             gint64                     *max_seq,
                                             GError                    **error);
/* Meta key → value (both char*) for every meta key starting with @prefix. */
GHashTable *mk_store_list_meta_with_prefix   (MkStore                    *self,
                                             const char                 *prefix,
                                             GError                    **error);

G_END_DECLS
