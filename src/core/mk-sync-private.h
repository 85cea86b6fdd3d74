/* mk-sync-private.h — shared by mk-sync.c, mk-sync-pull.c and mk-sync-push.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "mk-client.h"
#include "mk-sync.h"

G_BEGIN_DECLS

/* One run of the sync: lives on the stack of mk_sync_run(), in its thread. */
typedef struct
{
  MkSync        *sync;          /* borrowed */
  MkStore       *store;         /* borrowed */
  MkAccount     *account;       /* borrowed */
  MkClient      *client;
  MkSyncStats   *stats;
  GCancellable  *cancellable;
  guint          page_size;
  char          *server_time;   /* the newest server time seen (Date header) */
  char          *access_token;  /* the token in use (wiped on free) */
  gboolean       refreshed;     /* the one refresh attempt after a 401 is used */
  GDateTime     *today;         /* the local day the run started (from MkClock) */
  GHashTable    *server_types;  /* types the server can search, NULL = unknown (try all) */
  GHashTable    *refs;          /* "Type/id" referenced by what this run pulled */
} MkSyncRun;

/* mk-sync.c */
gboolean    mk_sync_get_always_reconcile (MkSync         *self);
void        mk_sync_run_progress    (MkSyncRun           *run,
                                     MkSyncPhase          phase,
                                     const char          *resource_type);
/* A GET asked for in a second thread while the run's thread works on the
 * previous answer (docs/sync.md, Read-ahead). The run's thread must not use
 * the client or the counters until mk_read_ahead_finish() or _free(), which
 * join the thread. */
typedef struct _MkReadAhead MkReadAhead;

MkReadAhead *mk_read_ahead_start    (MkSyncRun           *run,
                                     const char          *url,
                                     const char * const  *headers);
gboolean     mk_read_ahead_is_for   (MkReadAhead         *ahead,
                                     const char          *url);
/* The answer (a 401 is asked again with mk_sync_run_request(), which
 * refreshes the token; a cancel that came meanwhile wins). Frees @ahead. */
MkResponse  *mk_read_ahead_finish   (MkSyncRun           *run,
                                     MkReadAhead         *ahead,
                                     GError             **error);
/* Waits for the thread and drops what it got. */
void         mk_read_ahead_free     (MkReadAhead         *ahead);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkReadAhead, mk_read_ahead_free)

/* mk_client_request() plus: counting, the server's time, one token refresh
 * on 401 (then MK_SYNC_ERROR_SIGN_IN_REQUIRED). In the run's own thread. */
MkResponse *mk_sync_run_request     (MkSyncRun           *run,
                                     const char          *method,
                                     const char          *path_or_url,
                                     const char * const  *headers,
                                     GBytes              *body,
                                     GError             **error);
/* The parsed JSON object of a 2xx response, or an error naming @what. */
JsonObject *mk_sync_response_object (MkResponse          *response,
                                     const char          *expected_type,
                                     GError             **error);
/* The resource JSON text of @object (compact). */
char       *mk_sync_object_to_json  (JsonObject          *object);

/* mk-sync-pull.c */
gboolean    mk_sync_read_capabilities (MkSyncRun         *run,
                                     GError             **error);
gboolean    mk_sync_pull            (MkSyncRun           *run,
                                     GError             **error);
gboolean    mk_sync_reconcile       (MkSyncRun           *run,
                                     GError             **error);

/* mk-sync-push.c */
gboolean    mk_sync_push            (MkSyncRun           *run,
                                     guint               *n_pushed,
                                     GError             **error);
/* After the push: the server's version of the local marks no edit waits
 * for any more (a booked slot on a server without a booking rule). */
gboolean    mk_sync_refresh_local   (MkSyncRun           *run,
                                     GError             **error);

G_END_DECLS
