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
MkStore    *mk_page_get_store    (MkPage  *self);
MkClock    *mk_page_get_clock    (MkPage  *self);

/* The card's patient: store meta "patient" ("Patient/<id>"), else the first
 * Patient in the store; NULL (without error) when there is none. */
MkResource *mk_page_find_patient (MkPage  *self,
                                  GError **error);
/* A new query scoped to the card's patient (subject = "Patient/<id>"), so a
 * mirror that holds many patients (a doctor's) shows one card, through the
 * subject index; unscoped when the store has no patient. */
MkQuery    *mk_page_new_query    (MkPage  *self);
/* Scopes @query to the card's patient, as mk_page_new_query() does. */
void        mk_page_scope_query  (MkPage  *self,
                                  MkQuery *query);

G_END_DECLS
