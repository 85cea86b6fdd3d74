/* mk-documents-page.h — Documents
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mk-clock.h"
#include "mk-store.h"

G_BEGIN_DECLS

#define MK_TYPE_DOCUMENTS_PAGE (mk_documents_page_get_type ())
G_DECLARE_FINAL_TYPE (MkDocumentsPage, mk_documents_page, MK, DOCUMENTS_PAGE, AdwBin)

/* Properties "store" and "clock" are construct-only. */
GtkWidget *mk_documents_page_new       (MkStore *store,
                             MkClock *clock);
MkStore   *mk_documents_page_get_store (MkDocumentsPage *self);
MkClock   *mk_documents_page_get_clock (MkDocumentsPage *self);

G_END_DECLS
