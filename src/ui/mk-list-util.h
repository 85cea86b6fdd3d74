/* mk-list-util.h — the list view set-up the list pages share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mk-page.h"
#include "mk-row.h"

G_BEGIN_DECLS

/* Gives @list_view a factory of @row_type rows (an MkRow subclass) made
 * with @page's store and clock; binding shows the item (an MkResource) in
 * the row, unbinding clears the row. */
void mk_list_util_set_row_factory (GtkListView       *list_view,
                                   MkPage            *page,
                                   GType              row_type);
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
