/* mk-conflict-dialog.h — edits the server did not take as they are
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Lists the outbox entries in conflict (412: the server changed the
 * resource meanwhile), each with what differs between mine and the
 * server's, and lets the user keep one (mk_store_resolve_conflict), then
 * asks the controller for a sync. Refused edits are listed too, with the
 * server's diagnostics. Actions: conflict.keep-mine and
 * conflict.keep-server, each with the entry's seq ("x").
 */
#pragma once

#include <adwaita.h>

#include "mk-store.h"
#include "mk-sync-controller.h"

G_BEGIN_DECLS

#define MK_TYPE_CONFLICT_DIALOG (mk_conflict_dialog_get_type ())
G_DECLARE_FINAL_TYPE (MkConflictDialog, mk_conflict_dialog, MK, CONFLICT_DIALOG, AdwWindow)

/* @controller may be NULL (no sync after a choice). */
GtkWidget  *mk_conflict_dialog_new       (GtkWindow        *parent,
                                          MkStore          *store,
                                          MkSyncController *controller);
/* Re-reads the outbox. */
void        mk_conflict_dialog_reload    (MkConflictDialog *self);
/* The seqs listed in conflict, then the refused ones (tests). */
GArray     *mk_conflict_dialog_get_conflicts (MkConflictDialog *self);
GArray     *mk_conflict_dialog_get_failed    (MkConflictDialog *self);

/* "Status: Cancelled → Booked", one string per top-level member that
 * differs between @mine and @server (FHIR JSON of one resource; meta and
 * text left out), in the order of the members. */
GPtrArray  *mk_conflict_dialog_describe_differences (const char *mine,
                                                     const char *server);

G_END_DECLS
