/* mk-sync.h — keep an account's mirror in step with its FHIR server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pull (CapabilityStatement once → _history?_since or per-type
 * _lastUpdated searches, next links followed as opaque URLs, one transaction
 * per page with its watermark), reconcile deletions, then push the outbox in
 * order. Design: docs/sync.md.
 */
#pragma once

#include "mk-account.h"
#include "mk-clock.h"
#include "mk-store.h"

G_BEGIN_DECLS

typedef struct
{
  guint fetched;     /* resources received */
  guint updated;     /* stored (new or newer version) */
  guint deleted;     /* marked deleted (history or reconcile) */
  guint pushed;      /* outbox entries the server accepted */
  guint failed;      /* outbox entries the server refused */
  guint conflicts;   /* outbox entries in conflict */
  guint pages;
  guint requests;
} MkSyncStats;

typedef enum
{
  MK_SYNC_PHASE_CONNECTING,
  MK_SYNC_PHASE_PULLING,
  MK_SYNC_PHASE_RECONCILING,
  MK_SYNC_PHASE_PUSHING,
  MK_SYNC_PHASE_DONE,
} MkSyncPhase;

/* Progress, called in the thread that runs the sync. */
typedef void (*MkSyncProgressFunc) (MkSyncPhase        phase,
                                    const char        *resource_type,
                                    const MkSyncStats *stats,
                                    gpointer           user_data);

#define MK_TYPE_SYNC (mk_sync_get_type ())
G_DECLARE_FINAL_TYPE (MkSync, mk_sync, MK, SYNC, GObject)

MkSync   *mk_sync_new           (MkStore             *store,
                                 MkAccount           *account,
                                 MkClock             *clock);
/* The access token to use (from the Secret Service or the SMART login). */
void      mk_sync_set_access_token (MkSync           *self,
                                 const char          *token);
void      mk_sync_set_progress_func (MkSync          *self,
                                 MkSyncProgressFunc   func,
                                 gpointer             user_data,
                                 GDestroyNotify       destroy);

/* Runs one sync in the calling thread. TRUE when the server and the mirror
 * agree at the end (everything pulled, outbox empty of pending entries).
 * Records last-sync / sync-error in the account's store meta. */
gboolean  mk_sync_run           (MkSync              *self,
                                 MkSyncStats         *stats,
                                 GCancellable        *cancellable,
                                 GError             **error);
/* The same in a worker thread (GTask). */
void      mk_sync_run_async     (MkSync              *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
gboolean  mk_sync_run_finish    (MkSync              *self,
                                 GAsyncResult        *result,
                                 MkSyncStats         *stats,
                                 GError             **error);

G_END_DECLS
