/* mk-document-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mk-document-row.h"
#include "mk-fhir-types.h"
#include "mk-format.h"
#include "mk-row-util.h"
#include "mk-ui-template.h"

struct _MkDocumentRow
{
  MkRow       parent_instance;

  GtkImage   *icon;
  GtkLabel   *title_label;
  GtkLabel   *subtitle_label;
  GtkLabel   *details_label;
  GtkButton  *open_button;
  GtkButton  *save_button;
};

G_DEFINE_FINAL_TYPE (MkDocumentRow, mk_document_row, MK_TYPE_ROW)

/* A short, translated name for a MIME type. */
static char *
dup_content_type_name (const char *content_type)
{
  if (content_type == NULL)
    return NULL;
  if (g_str_equal (content_type, "application/pdf"))
    return g_strdup (C_("file type", "PDF"));
  if (g_str_equal (content_type, "image/jpeg"))
    return g_strdup (C_("file type", "JPEG image"));
  if (g_str_equal (content_type, "image/png"))
    return g_strdup (C_("file type", "PNG image"));
  return g_content_type_get_description (content_type);
}

static void
mk_document_row_update (MkRow *row)
{
  MkDocumentRow *self = MK_DOCUMENT_ROW (row);
  MkResource *resource = mk_row_get_resource (row);
  g_autoptr(MkDocumentReference) document = NULL;
  g_autofree char *institution = NULL;
  g_autofree char *date = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *size = NULL;
  g_autofree char *type_name = NULL;
  g_autofree char *details = NULL;
  const char *title;

  if (resource != NULL)
    document = mk_document_reference_read (mk_resource_get_object (resource), NULL);

  gtk_widget_set_sensitive (GTK_WIDGET (self->open_button), document != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), document != NULL);

  if (document == NULL)
    {
      mk_row_util_set_label (self->title_label, NULL);
      mk_row_util_set_label (self->subtitle_label, NULL);
      mk_row_util_set_label (self->details_label, NULL);
      return;
    }

  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->open_button), "s", document->id);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->save_button), "s", document->id);

  gtk_image_set_from_icon_name (self->icon,
                                g_strcmp0 (document->content_type, "application/pdf") == 0
                                  ? "x-office-document-symbolic" : "image-x-generic-symbolic");

  title = document->type != NULL ? document->type
        : document->category != NULL ? document->category
        : document->title;
  mk_row_util_set_label (self->title_label, title);

  institution = mk_row_util_dup_reference_name (mk_row_get_store (row), &document->custodian);
  if (institution == NULL)
    institution = mk_row_util_dup_reference_name (mk_row_get_store (row), &document->author);
  if (document->date != NULL)
    date = mk_format_fhir_date (document->date);
  if (institution != NULL && date != NULL)
    /* Translators: a document's date and the institution that issued it */
    subtitle = g_strdup_printf (C_("document date and institution", "%s, %s"), date, institution);
  else
    subtitle = g_strdup (date != NULL ? date : institution);
  mk_row_util_set_label (self->subtitle_label, subtitle);

  if (document->size >= 0)
    size = g_format_size ((guint64) document->size);
  type_name = dup_content_type_name (document->content_type);
  if (size != NULL && type_name != NULL)
    /* Translators: a file's type and size, e.g. "PDF, 48.2 kB" */
    details = g_strdup_printf (C_("file type and size", "%s, %s"), type_name, size);
  else
    details = g_strdup (type_name != NULL ? type_name : size);
  mk_row_util_set_label (self->details_label, details);
}

static void
mk_document_row_dispose (GObject *object)
{
  MkDocumentRow *self = MK_DOCUMENT_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MK_TYPE_DOCUMENT_ROW);

  G_OBJECT_CLASS (mk_document_row_parent_class)->dispose (object);
}

static void
mk_document_row_class_init (MkDocumentRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  MkRowClass *row_class = MK_ROW_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mk_document_row_dispose;
  row_class->update = mk_document_row_update;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  mk_ui_class_set_template (widget_class, "mk-document-row.ui");
  gtk_widget_class_bind_template_child (widget_class, MkDocumentRow, icon);
  gtk_widget_class_bind_template_child (widget_class, MkDocumentRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, MkDocumentRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, MkDocumentRow, details_label);
  gtk_widget_class_bind_template_child (widget_class, MkDocumentRow, open_button);
  gtk_widget_class_bind_template_child (widget_class, MkDocumentRow, save_button);
}

static void
mk_document_row_init (MkDocumentRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* The actions take the document id: give them a target before naming
   * them, so an unbound row never carries a target-less action. */
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->open_button), "s", "");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->open_button), "documents.open");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->save_button), "s", "");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->save_button), "documents.save");
}

GtkWidget *
mk_document_row_new (MkStore *store)
{
  return g_object_new (MK_TYPE_DOCUMENT_ROW, "store", store, NULL);
}

const char *
mk_document_row_get_title (MkDocumentRow *self)
{
  g_return_val_if_fail (MK_IS_DOCUMENT_ROW (self), NULL);
  return gtk_label_get_label (self->title_label);
}

const char *
mk_document_row_get_subtitle (MkDocumentRow *self)
{
  g_return_val_if_fail (MK_IS_DOCUMENT_ROW (self), NULL);
  return gtk_label_get_label (self->subtitle_label);
}

const char *
mk_document_row_get_details (MkDocumentRow *self)
{
  g_return_val_if_fail (MK_IS_DOCUMENT_ROW (self), NULL);
  return gtk_label_get_label (self->details_label);
}
