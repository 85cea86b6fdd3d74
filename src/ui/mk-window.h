/* mk-window.h — the main window: first-run page or the card's views
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mk-application.h"
#include "mk-clock.h"
#include "mk-store.h"
#include "mk-sync-controller.h"

G_BEGIN_DECLS

#define MK_TYPE_WINDOW (mk_window_get_type ())
G_DECLARE_FINAL_TYPE (MkWindow, mk_window, MK, WINDOW, AdwApplicationWindow)

/* @store may be NULL: the window then shows the first-run page. */
MkWindow     *mk_window_new              (MkApplication *application,
                                          MkStore       *store,
                                          MkClock       *clock);

MkStore      *mk_window_get_store        (MkWindow      *self);
/* Replaces the card the window shows; NULL shows the first-run page. */
void          mk_window_set_store        (MkWindow      *self,
                                          MkStore       *store);
MkClock      *mk_window_get_clock        (MkWindow      *self);
/* TRUE when the open store is the demo card. */
gboolean      mk_window_get_is_demo      (MkWindow      *self);

/* The view stack holding "profile", "records", "appointments",
 * "documents" and "prescriptions". Its children are holders (AdwBin);
 * each view's page is built into its holder when first shown. */
AdwViewStack *mk_window_get_view_stack   (MkWindow      *self);
/* The page of the view @name (an MkPage), built now if it was not shown
 * yet; NULL without a card or for an unknown name. */
GtkWidget    *mk_window_get_page         (MkWindow      *self,
                                          const char    *name);
/* The visible view's name, or NULL while the first-run page shows. */
const char   *mk_window_get_visible_view (MkWindow      *self);
void          mk_window_show_view        (MkWindow      *self,
                                          const char    *name);

/* The open account card's sync (NULL for the demo or no card). */
MkSyncController *mk_window_get_sync_controller (MkWindow *self);

/* Shows @error's message in a dialog with @heading. */
void          mk_window_show_error       (MkWindow      *self,
                                          const char    *heading,
                                          const GError  *error);

G_END_DECLS
