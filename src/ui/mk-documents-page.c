/* mk-documents-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The type filter is a fixed list of LOINC document codes (DOMAIN.md §3.4)
 * matched with mk_query_set_code: the store has no "distinct codes" query,
 * and listing every document to find its types would load the whole table.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <glib/gstdio.h>

#include "mk-document-row.h"
#include "mk-documents-page.h"
#include "mk-fhir-types.h"
#include "mk-list-util.h"
#include "mk-resource-list.h"
#include "mk-row-util.h"
#include "mk-ui-template.h"

struct _MkDocumentsPage
{
  MkPage           parent_instance;

  MkResourceList  *list;

  AdwToastOverlay *toast_overlay;
  GtkDropDown     *type_dropdown;
  GtkDropDown     *period_dropdown;
  GtkStack        *stack;
  GtkListView     *list_view;
  AdwStatusPage   *empty_page;
};

G_DEFINE_FINAL_TYPE (MkDocumentsPage, mk_documents_page, MK_TYPE_PAGE)
G_DEFINE_QUARK (mk-documents-error-quark, mk_documents_error)

static const char * const filter_codes[] = {
  [MK_DOCUMENTS_FILTER_ALL] = NULL,
  [MK_DOCUMENTS_FILTER_DISCHARGE] = "18842-5",
  [MK_DOCUMENTS_FILTER_LAB] = "11502-2",
  [MK_DOCUMENTS_FILTER_REFERRAL] = "57133-1",
  [MK_DOCUMENTS_FILTER_VACCINATION] = "11369-6",
  [MK_DOCUMENTS_FILTER_INSURANCE] = "64290-0",
};

/* ---- bytes, hash and files ------------------------------------------- */

GBytes *
mk_documents_page_load_bytes (MkStore     *store,
                              MkResource  *document,
                              GError     **error)
{
  g_autoptr(MkDocumentReference) reference = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *binary_id = NULL;

  g_return_val_if_fail (MK_IS_RESOURCE (document), NULL);

  reference = mk_document_reference_read (mk_resource_get_object (document), error);
  if (reference == NULL)
    return NULL;

  binary_id = mk_document_reference_dup_binary_id (reference);
  if (binary_id != NULL && store != NULL)
    {
      g_autoptr(MkResource) resource = mk_store_get_resource (store, "Binary", binary_id, NULL);
      g_autoptr(MkBinary) binary = NULL;

      if (resource != NULL)
        binary = mk_binary_read (mk_resource_get_object (resource), NULL);
      if (binary != NULL && g_bytes_get_size (binary->data) > 0)
        bytes = g_bytes_ref (binary->data);
    }

  if (bytes == NULL && reference->data != NULL)
    bytes = mk_document_reference_decode_data (reference, NULL);

  if (bytes == NULL)
    {
      g_set_error_literal (error, MK_DOCUMENTS_ERROR, MK_DOCUMENTS_ERROR_NO_CONTENT,
                           _("The document’s file has not been downloaded"));
      return NULL;
    }

  if (reference->hash != NULL)
    {
      g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA1);
      guint8 digest[20];
      gsize digest_len = sizeof digest;
      g_autofree char *actual = NULL;

      g_checksum_update (checksum, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      g_checksum_get_digest (checksum, digest, &digest_len);
      actual = g_base64_encode (digest, digest_len);

      if (g_strcmp0 (actual, reference->hash) != 0)
        {
          g_set_error_literal (error, MK_DOCUMENTS_ERROR, MK_DOCUMENTS_ERROR_DAMAGED,
                               _("The document is damaged: its contents do not match the checksum"));
          return NULL;
        }
    }

  return g_steal_pointer (&bytes);
}

static const char *
extension_for (const char *content_type)
{
  if (g_strcmp0 (content_type, "application/pdf") == 0)
    return ".pdf";
  if (g_strcmp0 (content_type, "image/jpeg") == 0)
    return ".jpg";
  if (g_strcmp0 (content_type, "image/png") == 0)
    return ".png";
  if (g_strcmp0 (content_type, "text/xml") == 0 || g_strcmp0 (content_type, "application/xml") == 0)
    return ".xml";
  return "";
}

char *
mk_documents_page_dup_file_name (MkResource *document)
{
  g_autoptr(MkDocumentReference) reference = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (MK_IS_RESOURCE (document), NULL);

  reference = mk_document_reference_read (mk_resource_get_object (document), NULL);
  if (reference != NULL && reference->title != NULL)
    name = g_path_get_basename (reference->title);

  if (name != NULL)
    {
      /* No separators, control characters or hidden-file dots. */
      for (char *p = name; *p != '\0'; p++)
        if (*p == '/' || *p == '\\' || (guchar) *p < 0x20)
          *p = '_';
      if (name[0] == '.')
        name[0] = '_';
    }

  if (name == NULL || *name == '\0' || g_str_equal (name, "_") || !g_utf8_validate (name, -1, NULL))
    {
      g_free (name);
      name = g_strdup_printf ("document-%s%s", mk_resource_get_id (document),
                              extension_for (reference != NULL ? reference->content_type : NULL));
    }

  return g_steal_pointer (&name);
}

char *
mk_documents_page_write_open_file (MkStore     *store,
                                   MkResource  *document,
                                   GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;

  bytes = mk_documents_page_load_bytes (store, document, error);
  if (bytes == NULL)
    return NULL;

  /* One directory per document id, so two documents with the same title
   * never overwrite each other while both are open. */
  dir = g_build_filename (g_get_user_cache_dir (), "medkarta", "open", mk_resource_get_id (document), NULL);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create a folder for the document: %s"), g_strerror (saved_errno));
      return NULL;
    }

  name = mk_documents_page_dup_file_name (document);
  path = g_build_filename (dir, name, NULL);
  if (!g_file_set_contents_full (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return NULL;
  /* An older copy may have been created with another mode. */
  g_chmod (path, 0600);

  return g_steal_pointer (&path);
}

/* ---- the page ------------------------------------------------------------ */

static void
mk_documents_page_toast (MkDocumentsPage *self,
                         const char      *title)
{
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* A translated sentence for a failure: our own errors already are one;
 * anything else (I/O, FHIR) gets @fallback. Only the error's domain and
 * code are logged: messages can hold file names, which hold the patient's
 * name. */
static void
mk_documents_page_toast_error (MkDocumentsPage *self,
                               const char      *fallback,
                               const GError    *error)
{
  if (error != NULL && error->domain == MK_DOCUMENTS_ERROR)
    {
      mk_documents_page_toast (self, error->message);
      return;
    }

  if (error != NULL)
    g_debug ("Document operation failed: %s %d", g_quark_to_string (error->domain), error->code);
  mk_documents_page_toast (self, fallback);
}

static void
on_launched (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(MkDocumentsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    mk_documents_page_toast_error (self, _("No application is available to open this document"), error);
}

static MkResource *
mk_documents_page_get_document (MkDocumentsPage *self,
                                const char      *id)
{
  MkStore *store = mk_page_get_store (MK_PAGE (self));

  if (store == NULL || id == NULL)
    return NULL;
  return mk_store_get_resource (store, "DocumentReference", id, NULL);
}

static void
mk_documents_page_open (MkDocumentsPage *self,
                        MkResource      *document)
{
  MkStore *store = mk_page_get_store (MK_PAGE (self));
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(GAppLaunchContext) context = NULL;

  path = mk_documents_page_write_open_file (store, document, &error);
  if (path == NULL)
    {
      mk_documents_page_toast_error (self, _("Could not open the document"), error);
      return;
    }

  uri = g_filename_to_uri (path, NULL, NULL);
  context = G_APP_LAUNCH_CONTEXT (gdk_display_get_app_launch_context (gtk_widget_get_display (GTK_WIDGET (self))));
  g_app_info_launch_default_for_uri_async (uri, context, NULL, on_launched, g_object_ref (self));
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  MkDocumentsPage *self = MK_DOCUMENTS_PAGE (widget);
  g_autoptr(MkResource) document = mk_documents_page_get_document (self, g_variant_get_string (parameter, NULL));

  if (document != NULL)
    mk_documents_page_open (self, document);
}

static void
on_save_response (GtkNativeDialog *native,
                  int              response,
                  gpointer         user_data)
{
  MkDocumentsPage *self = MK_DOCUMENTS_PAGE (user_data);
  GBytes *bytes = g_object_get_data (G_OBJECT (native), "bytes");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autoptr(GError) error = NULL;

      if (file == NULL ||
          !g_file_replace_contents (file, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                    NULL, FALSE, G_FILE_CREATE_NONE, NULL, NULL, &error))
        mk_documents_page_toast_error (self, _("Could not save the document"), error);
      else
        mk_documents_page_toast (self, _("Document saved"));
    }

  g_object_unref (native);
  g_object_unref (self);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  MkDocumentsPage *self = MK_DOCUMENTS_PAGE (widget);
  MkStore *store = mk_page_get_store (MK_PAGE (self));
  g_autoptr(MkResource) document = mk_documents_page_get_document (self, g_variant_get_string (parameter, NULL));
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  GtkFileChooserNative *native;
  GtkRoot *root;

  if (document == NULL)
    return;

  /* Verify before asking where to save: never save a damaged copy. */
  bytes = mk_documents_page_load_bytes (store, document, &error);
  if (bytes == NULL)
    {
      mk_documents_page_toast_error (self, _("Could not save the document"), error);
      return;
    }

  root = gtk_widget_get_root (widget);
  native = gtk_file_chooser_native_new (_("Save a Copy"),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  name = mk_documents_page_dup_file_name (document);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), name);
  g_object_set_data_full (G_OBJECT (native), "bytes", g_steal_pointer (&bytes),
                          (GDestroyNotify) g_bytes_unref);
  g_signal_connect (native, "response", G_CALLBACK (on_save_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
on_list_activate (MkDocumentsPage *self,
                  guint            position)
{
  g_autoptr(MkResource) document = g_list_model_get_item (G_LIST_MODEL (self->list), position);

  if (document != NULL)
    mk_documents_page_open (self, document);
}

static MkQuery *
build_query (MkDocumentsPage   *self,
             MkDocumentsFilter  filter,
             guint              period,
             MkClock           *clock)
{
  MkQuery *query = mk_page_new_query (MK_PAGE (self));
  g_autofree char *from = NULL;

  mk_query_add_type (query, "DocumentReference");
  mk_query_set_sort (query, MK_QUERY_SORT_DATE_DESC);
  if (filter < G_N_ELEMENTS (filter_codes) && filter_codes[filter] != NULL)
    mk_query_set_code (query, filter_codes[filter]);

  /* Period: 0 all time, 1 the last 12 months, 2 the last 3 years. */
  if (period == 1)
    from = mk_row_util_dup_months_ago (clock, 12);
  else if (period == 2)
    from = mk_row_util_dup_months_ago (clock, 36);
  if (from != NULL)
    mk_query_set_date_range (query, from, NULL);

  return query;
}

static void
mk_documents_page_update_empty (MkDocumentsPage *self)
{
  gboolean empty = self->list == NULL || g_list_model_get_n_items (G_LIST_MODEL (self->list)) == 0;
  gboolean filtered = gtk_drop_down_get_selected (self->type_dropdown) != MK_DOCUMENTS_FILTER_ALL ||
                      gtk_drop_down_get_selected (self->period_dropdown) != 0;

  if (empty && filtered)
    mk_list_util_set_status (self->empty_page, "system-search-symbolic", _("No Results"),
                             _("Try another type or period"));
  else if (empty)
    mk_list_util_set_status (self->empty_page, "x-office-document-symbolic", _("No Documents"),
                             _("Extracts, results and scans from your clinics appear here"));

  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "list");
}

static void
on_filters_changed (MkDocumentsPage *self)
{
  MkClock *clock = mk_page_get_clock (MK_PAGE (self));
  g_autoptr(MkQuery) query = NULL;

  if (self->list == NULL)
    return;

  query = build_query (self, gtk_drop_down_get_selected (self->type_dropdown),
                       gtk_drop_down_get_selected (self->period_dropdown),
                       clock);
  mk_resource_list_set_query (self->list, query);
  mk_documents_page_update_empty (self);
}

static void
on_items_changed (MkDocumentsPage *self)
{
  mk_documents_page_update_empty (self);
}

static void
mk_documents_page_constructed (GObject *object)
{
  MkDocumentsPage *self = MK_DOCUMENTS_PAGE (object);
  MkStore *store = mk_page_get_store (MK_PAGE (self));

  G_OBJECT_CLASS (mk_documents_page_parent_class)->constructed (object);

  mk_list_util_set_row_factory (self->list_view, MK_PAGE (self), MK_TYPE_DOCUMENT_ROW);

  if (store != NULL)
    {
      g_autoptr(MkQuery) query = build_query (self, MK_DOCUMENTS_FILTER_ALL, 0,
                                              mk_page_get_clock (MK_PAGE (self)));

      self->list = mk_resource_list_new (store, query);
      g_signal_connect_object (self->list, "items-changed",
                               G_CALLBACK (on_items_changed), self, G_CONNECT_SWAPPED);
      mk_list_util_set_model (self->list_view, G_LIST_MODEL (self->list));
    }

  mk_documents_page_update_empty (self);
}

static void
mk_documents_page_dispose (GObject *object)
{
  MkDocumentsPage *self = MK_DOCUMENTS_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MK_TYPE_DOCUMENTS_PAGE);
  g_clear_object (&self->list);

  G_OBJECT_CLASS (mk_documents_page_parent_class)->dispose (object);
}

static void
mk_documents_page_class_init (MkDocumentsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = mk_documents_page_constructed;
  object_class->dispose = mk_documents_page_dispose;

  mk_ui_class_set_template (widget_class, "mk-documents-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MkDocumentsPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MkDocumentsPage, type_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MkDocumentsPage, period_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MkDocumentsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, MkDocumentsPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, MkDocumentsPage, empty_page);
  gtk_widget_class_bind_template_callback (widget_class, on_filters_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_list_activate);

  gtk_widget_class_install_action (widget_class, "documents.open", "s", open_action);
  gtk_widget_class_install_action (widget_class, "documents.save", "s", save_action);
}

static void
mk_documents_page_init (MkDocumentsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
mk_documents_page_new (MkStore *store,
                       MkClock *clock)
{
  return g_object_new (MK_TYPE_DOCUMENTS_PAGE, "store", store, "clock", clock, NULL);
}

GListModel *
mk_documents_page_get_model (MkDocumentsPage *self)
{
  g_return_val_if_fail (MK_IS_DOCUMENTS_PAGE (self), NULL);
  return G_LIST_MODEL (self->list);
}

void
mk_documents_page_set_filter (MkDocumentsPage   *self,
                              MkDocumentsFilter  filter)
{
  g_return_if_fail (MK_IS_DOCUMENTS_PAGE (self));
  gtk_drop_down_set_selected (self->type_dropdown, filter);
}

gboolean
mk_documents_page_is_empty (MkDocumentsPage *self)
{
  g_return_val_if_fail (MK_IS_DOCUMENTS_PAGE (self), FALSE);
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "empty") == 0;
}
