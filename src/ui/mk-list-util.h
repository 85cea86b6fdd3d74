/* mk-list-util.h — the list view set-up the list pages share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mk-page.h"

G_BEGIN_DECLS

/* Makes one row for @page's list (the row type's _new() with the page's
 * store and, where the row takes one, clock). */
typedef GtkWidget *(*MkListUtilRowFunc) (MkPage *page);

/* Gives @list_view a factory whose rows come from @create_row and show each
 * item (an MkResource) through their "resource" property; unbinding sets it
 * back to NULL. */
void mk_list_util_set_row_factory (GtkListView       *list_view,
                                   MkPage            *page,
                                   MkListUtilRowFunc  create_row);
/* Shows @model in @list_view, without selection. */
void mk_list_util_set_model       (GtkListView       *list_view,
                                   GListModel        *model);
/* Sets the icon (unless @icon_name is NULL), title and description of an
 * empty state. */
void mk_list_util_set_status      (AdwStatusPage     *status_page,
                                   const char        *icon_name,
                                   const char        *title,
                                   const char        *description);

G_END_DECLS
