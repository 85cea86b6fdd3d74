/* mk-page.h — the base of the views: a page over a store and a clock
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mk-clock.h"
#include "mk-store.h"

G_BEGIN_DECLS

#define MK_TYPE_PAGE (mk_page_get_type ())
G_DECLARE_DERIVABLE_TYPE (MkPage, mk_page, MK, PAGE, AdwBin)

struct _MkPageClass
{
  AdwBinClass parent_class;

  gpointer padding[4];
};

/* Properties "store" (may be NULL: no card) and "clock" (NULL: the default
 * clock) are construct-only. */
MkStore *mk_page_get_store (MkPage *self);
MkClock *mk_page_get_clock (MkPage *self);

G_END_DECLS
