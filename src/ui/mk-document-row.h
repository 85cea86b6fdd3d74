/* mk-document-row.h — one document (DocumentReference) in the documents list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mk-row.h"

G_BEGIN_DECLS

#define MK_TYPE_DOCUMENT_ROW (mk_document_row_get_type ())
G_DECLARE_FINAL_TYPE (MkDocumentRow, mk_document_row, MK, DOCUMENT_ROW, MkRow)

/* "store" (construct-only) resolves the institution. The row's Open and
 * Save a Copy… buttons activate "documents.open" / "documents.save" with
 * the DocumentReference id as the target. */
GtkWidget   *mk_document_row_new          (MkStore       *store);

/* For tests: what the row shows. */
const char  *mk_document_row_get_title    (MkDocumentRow *self);
const char  *mk_document_row_get_subtitle (MkDocumentRow *self);
const char  *mk_document_row_get_details  (MkDocumentRow *self);

G_END_DECLS
