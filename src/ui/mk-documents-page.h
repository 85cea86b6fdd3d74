/* mk-documents-page.h — Documents
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mk-page.h"

G_BEGIN_DECLS

#define MK_DOCUMENTS_ERROR (mk_documents_error_quark ())

typedef enum
{
  MK_DOCUMENTS_ERROR_NO_CONTENT,   /* neither a stored Binary nor inline data */
  MK_DOCUMENTS_ERROR_DAMAGED,      /* the bytes do not match attachment.hash (SHA-1) */
} MkDocumentsError;

GQuark mk_documents_error_quark (void);

/* The type filter, in the order the drop-down shows it (LOINC codes). */
typedef enum
{
  MK_DOCUMENTS_FILTER_ALL,
  MK_DOCUMENTS_FILTER_DISCHARGE,     /* 18842-5 */
  MK_DOCUMENTS_FILTER_LAB,           /* 11502-2 */
  MK_DOCUMENTS_FILTER_REFERRAL,      /* 57133-1 */
  MK_DOCUMENTS_FILTER_VACCINATION,   /* 11369-6 */
  MK_DOCUMENTS_FILTER_INSURANCE,     /* 64290-0 */
} MkDocumentsFilter;

#define MK_TYPE_DOCUMENTS_PAGE (mk_documents_page_get_type ())
G_DECLARE_FINAL_TYPE (MkDocumentsPage, mk_documents_page, MK, DOCUMENTS_PAGE, MkPage)

/* @store and @clock set the MkPage properties "store" and "clock". */
GtkWidget *mk_documents_page_new       (MkStore *store,
                                        MkClock *clock);
/* The bytes of a DocumentReference's attachment: the stored Binary named
 * by attachment.url ("Binary/<id>"), else the inline attachment.data; when
 * attachment.hash is set, its SHA-1 must match (MK_DOCUMENTS_ERROR_DAMAGED
 * otherwise). Errors carry a translated sentence. */
GBytes     *mk_documents_page_load_bytes      (MkStore     *store,
                                               MkResource  *document,
                                               GError     **error);
/* A file name to show or save the document as: the attachment title
 * without any directory part, else one made from the id and type. */
char       *mk_documents_page_dup_file_name   (MkResource  *document);
/* Verifies and writes the bytes to a private (0600) file under
 * $XDG_CACHE_HOME/medkarta/open/ and returns its path: what "Open" hands
 * to the default application. */
char       *mk_documents_page_write_open_file (MkStore     *store,
                                               MkResource  *document,
                                               GError     **error);

/* Accessors for tests. */
GListModel *mk_documents_page_get_model  (MkDocumentsPage   *self);
void        mk_documents_page_set_filter (MkDocumentsPage   *self,
                                          MkDocumentsFilter  filter);
gboolean    mk_documents_page_is_empty   (MkDocumentsPage   *self);

G_END_DECLS
