/* mk-row.h — the base of the list rows: one resource over a store and a clock
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "mk-clock.h"
#include "mk-store.h"

G_BEGIN_DECLS

#define MK_TYPE_ROW (mk_row_get_type ())
G_DECLARE_DERIVABLE_TYPE (MkRow, mk_row, MK, ROW, GtkWidget)

struct _MkRowClass
{
  GtkWidgetClass parent_class;

  /* Shows the current resource; with none, clears the row. */
  void     (*update)        (MkRow *self);
  /* TRUE when what the row shows depends on more than the resource (the
   * clock's now): setting the same resource again updates the row too. */
  gboolean   always_update;

  gpointer padding[4];
};

/* Properties: "store" (resolves references) and "clock" (the now dates are
 * judged against), both construct-only and both may be NULL; "resource",
 * the MkResource shown (NULL clears the row). */
MkStore    *mk_row_get_store    (MkRow      *self);
MkClock    *mk_row_get_clock    (MkRow      *self);
MkResource *mk_row_get_resource (MkRow      *self);
void        mk_row_set_resource (MkRow      *self,
                                 MkResource *resource);

G_END_DECLS
