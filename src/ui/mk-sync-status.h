/* mk-sync-status.h — the sync state of the open card, at a glance
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A line under the header bar: "Synced 5 minutes ago", "Syncing… 3 pages,
 * 120 records" with Cancel, "Offline — …", "Sync failed: <reason>" with
 * Retry, "Sign in again" with Sign In, "N changes waiting" and "N conflicts
 * to resolve". Hidden for cards that are no account (the demo). Its buttons
 * activate win.sync, win.cancel-sync, win.sign-in and win.show-conflicts.
 */
#pragma once

#include <adwaita.h>

#include "mk-sync-controller.h"

G_BEGIN_DECLS

#define MK_TYPE_SYNC_STATUS (mk_sync_status_get_type ())
G_DECLARE_FINAL_TYPE (MkSyncStatus, mk_sync_status, MK, SYNC_STATUS, AdwBin)

GtkWidget        *mk_sync_status_new            (void);

/* Property "controller" (may be NULL: nothing shown). */
MkSyncController *mk_sync_status_get_controller (MkSyncStatus     *self);
void              mk_sync_status_set_controller (MkSyncStatus     *self,
                                                 MkSyncController *controller);

/* For tests: what the line says. */
gboolean          mk_sync_status_get_shown      (MkSyncStatus     *self);
const char       *mk_sync_status_get_text       (MkSyncStatus     *self);
/* "N changes waiting", or NULL when hidden. */
const char       *mk_sync_status_get_pending_text (MkSyncStatus   *self);
/* "N conflicts to resolve" / "N changes refused", or NULL when hidden. */
const char       *mk_sync_status_get_attention_text (MkSyncStatus *self);
/* The action of the visible button ("win.sync", …), or NULL. */
const char       *mk_sync_status_get_button_action (MkSyncStatus  *self);

/* "Synced 5 minutes ago" and the like, from @last_sync (NULL: never) and
 * @now. */
char             *mk_sync_status_format_synced  (GDateTime        *last_sync,
                                                 GDateTime        *now);

G_END_DECLS
