/* mk-sync-controller.h — when and how the open card syncs, as state the UI reads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One controller per open account card (the window owns it). It runs
 * MkSync in a worker thread on start, on a timer (GSettings
 * "sync-interval-minutes"), on demand and when the network returns, and
 * exposes what the status line shows as properties. Design: docs/sync.md,
 * "User interface".
 */
#pragma once

#include <gio/gio.h>

#include "mk-clock.h"
#include "mk-outbox.h"
#include "mk-store.h"

G_BEGIN_DECLS

typedef enum
{
  MK_SYNC_STATE_IDLE,              /* nothing running; see last-sync */
  MK_SYNC_STATE_SYNCING,           /* a sync is under way; see pages/resources */
  MK_SYNC_STATE_OFFLINE,           /* no network: edits are kept and sent later */
  MK_SYNC_STATE_FAILED,            /* the last sync failed; see error-message */
  MK_SYNC_STATE_SIGN_IN_REQUIRED,  /* the server refused the sign-in: no more automatic syncs */
} MkSyncState;

GType mk_sync_state_get_type (void) G_GNUC_CONST;
#define MK_TYPE_SYNC_STATE (mk_sync_state_get_type ())

#define MK_TYPE_SYNC_CONTROLLER (mk_sync_controller_get_type ())
G_DECLARE_FINAL_TYPE (MkSyncController, mk_sync_controller, MK, SYNC_CONTROLLER, GObject)

/* @clock NULL: the default clock. @network_monitor: the monitor to follow
 * (g_network_monitor_get_default() in the app); NULL follows none, the
 * network is then what mk_sync_controller_set_network_available() says
 * (tests). Properties: "store", "clock", "network-monitor", "settings"
 * (construct-only; settings NULL = the application's schema when
 * installed, else a 15-minute interval), and read-only "is-account",
 * "state", "last-sync" (GDateTime), "pages", "resources", "error-message",
 * "n-pending", "n-conflicts", "n-failed", plus "network-available". */
MkSyncController *mk_sync_controller_new          (MkStore          *store,
                                                   MkClock          *clock,
                                                   GNetworkMonitor  *network_monitor);

MkStore      *mk_sync_controller_get_store        (MkSyncController *self);
MkClock      *mk_sync_controller_get_clock        (MkSyncController *self);
/* FALSE for a card that is no account (the demo): the controller never syncs. */
gboolean      mk_sync_controller_get_is_account   (MkSyncController *self);
MkSyncState   mk_sync_controller_get_state        (MkSyncController *self);
/* The last successful sync (store meta last-sync), or NULL. */
GDateTime    *mk_sync_controller_get_last_sync    (MkSyncController *self);
guint         mk_sync_controller_get_pages        (MkSyncController *self);
guint         mk_sync_controller_get_resources    (MkSyncController *self);
/* The last failure's sentence (translated), or NULL. */
const char   *mk_sync_controller_get_error_message (MkSyncController *self);
guint         mk_sync_controller_get_n_pending    (MkSyncController *self);
guint         mk_sync_controller_get_n_conflicts  (MkSyncController *self);
guint         mk_sync_controller_get_n_failed     (MkSyncController *self);
/* How many syncs this controller started (tests: "no loop"). */
guint         mk_sync_controller_get_n_runs       (MkSyncController *self);

gboolean      mk_sync_controller_get_network_available (MkSyncController *self);
/* Going offline cancels a running sync (state offline); coming back starts
 * one. The network monitor calls this; tests call it directly. */
void          mk_sync_controller_set_network_available (MkSyncController *self,
                                                   gboolean          available);

/* The sync when the card opens and the timer: call once the UI shows the
 * card. */
void          mk_sync_controller_start            (MkSyncController *self);
/* Starts a sync now (on demand, also after a failure or a sign-in
 * problem); FALSE when none could start (not an account, offline, one is
 * already running). */
gboolean      mk_sync_controller_sync             (MkSyncController *self);
void          mk_sync_controller_cancel           (MkSyncController *self);
/* The user signed in again: leaves the sign-in-required state and syncs. */
void          mk_sync_controller_signed_in        (MkSyncController *self);
/* Re-reads the outbox counts (the controller also does on store ::changed). */
void          mk_sync_controller_update_counts    (MkSyncController *self);
/* The client's retry policy for the syncs to come (tests: fast retries);
 * see mk_sync_set_retry_policy(). */
void          mk_sync_controller_set_retry_policy (MkSyncController *self,
                                                   guint             max_attempts,
                                                   guint             base_delay_ms,
                                                   guint             max_delay_ms);
/* Stops the timer and the network watch and cancels a running sync; the
 * window calls it when the card closes. */
void          mk_sync_controller_shutdown         (MkSyncController *self);

/* Whether the resource has a local edit not yet accepted by the server
 * (an outbox entry), and that entry's state (the latest one's): for the
 * "Waiting to be sent" mark of rows and cards. */
gboolean      mk_sync_controller_find_edit        (MkStore          *store,
                                                   const char       *resource_type,
                                                   const char       *id,
                                                   MkOutboxState    *state);

G_END_DECLS
