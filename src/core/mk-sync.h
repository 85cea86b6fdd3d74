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

#define MK_SYNC_ERROR (mk_sync_error_quark ())
typedef enum
{
  MK_SYNC_ERROR_NO_ACCOUNT,         /* the store is not an account (no server URL) */
  MK_SYNC_ERROR_SIGN_IN_REQUIRED,   /* 401 after the one refresh attempt: sign in again */
  MK_SYNC_ERROR_NEEDS_ATTENTION,    /* pulled and pushed, but edits were refused or are in conflict */
  MK_SYNC_ERROR_INVALID_RESPONSE,   /* the server answered with something that is not what was asked */
  MK_SYNC_ERROR_CHECKSUM,           /* a Binary does not match its DocumentReference's SHA-1 */
} MkSyncError;

GQuark mk_sync_error_quark (void);

/* Store meta keys written by the sync (besides last-sync / sync-error). */
#define MK_SYNC_META_SERVER_TYPES    "server-types"     /* types the server searches, comma-separated; "*" = unknown */
#define MK_SYNC_META_SERVER_HISTORY  "server-history"   /* "yes" | "no": system _history offered */
#define MK_SYNC_META_LAST_RECONCILE  "last-reconcile"   /* server time of the last reconcile */
#define MK_SYNC_META_PATIENTS        "sync-patients"    /* doctors: the patients mirrored, comma-separated */
#define MK_SYNC_META_PATIENTS_FIRST  "sync-patients-first" /* doctors: the first sync's patients, while pulled */
#define MK_SYNC_META_PATIENTS_NEW    "sync-patients-new" /* doctors: patients found later, while pulled in full */
#define MK_SYNC_META_REFS_RESOLVED   "sync-refs-resolved" /* "yes" once the references of a pull are resolved */
#define MK_SYNC_META_POST_SEARCH     "server-post-search" /* "no" once the server refused a search by POST */

#define MK_SYNC_DEFAULT_PAGE_SIZE 100

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

/* The _count asked for per page (default MK_SYNC_DEFAULT_PAGE_SIZE). */
void      mk_sync_set_page_size (MkSync              *self,
                                 guint                page_size);
/* Reconcile deletions on every run (default: when the last reconcile is
 * more than a day old by the server's clock). */
void      mk_sync_set_always_reconcile (MkSync       *self,
                                 gboolean             always);
/* A retry policy for the client (tests: fast retries); see
 * mk_client_set_retry_policy(). */
void      mk_sync_set_retry_policy (MkSync           *self,
                                 guint                max_attempts,
                                 guint                base_delay_ms,
                                 guint                max_delay_ms);

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

/* Fetches the content of Binary/@binary_id (lazily, when a document is
 * opened), checks it against the SHA-1 of the DocumentReference that points
 * at it (MK_SYNC_ERROR_CHECKSUM on a mismatch: nothing stored), stores the
 * Binary resource in the mirror and returns its decoded content. */
GBytes   *mk_sync_fetch_binary  (MkSync              *self,
                                 const char          *binary_id,
                                 char               **content_type,
                                 GCancellable        *cancellable,
                                 GError             **error);

G_END_DECLS
