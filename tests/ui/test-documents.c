/* test-documents.c — the documents list, verified bytes, open and save
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "mk-document-row.h"
#include "mk-documents-page.h"
#include "mk-fhir-types.h"
#include "mk-ui-test-util.h"

static char *
sha1_base64 (GBytes *bytes)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 digest[20];
  gsize len = sizeof digest;

  g_checksum_update (checksum, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_checksum_get_digest (checksum, digest, &len);
  return g_base64_encode (digest, len);
}

static void
test_documents_list (void)
{
  g_autoptr(MkStore) store = mk_ui_test_open_demo_store ();
  g_autoptr(MkClock) clock = mk_ui_test_clock ();
  g_autoptr(GHashTable) counts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MkQuery) lab_query = mk_query_new ();
  MkDocumentsPage *page;
  GtkWindow *window;
  GListModel *model;
  guint n_documents;

  counts = mk_store_count_by_type (store, &error);
  g_assert_no_error (error);
  n_documents = GPOINTER_TO_UINT (g_hash_table_lookup (counts, "DocumentReference"));
  g_assert_cmpuint (n_documents, >, 0);

  page = MK_DOCUMENTS_PAGE (g_object_ref_sink (mk_documents_page_new (store, clock)));
  window = mk_ui_test_show_in_window (GTK_WIDGET (page));
  model = mk_documents_page_get_model (page);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n_documents);
  g_assert_false (mk_documents_page_is_empty (page));

  /* Lab reports only: the store's count for that code. */
  mk_documents_page_set_filter (page, MK_DOCUMENTS_FILTER_LAB);
  mk_query_add_type (lab_query, "DocumentReference");
  mk_query_set_code (lab_query, "11502-2");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, mk_ui_test_count_query (store, lab_query));
  g_assert_cmpuint (g_list_model_get_n_items (model), >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (model), <, n_documents);

  mk_documents_page_set_filter (page, MK_DOCUMENTS_FILTER_ALL);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n_documents);

  gtk_window_destroy (window);
  g_assert_finalize_object (page);
}

static void
test_documents_rows (void)
{
  g_autoptr(MkStore) store = mk_ui_test_open_demo_store ();
  g_autoptr(MkResource) resource = mk_store_get_resource (store, "DocumentReference", "doc-analizy", NULL);
  g_autoptr(MkDocumentReference) document = NULL;
  g_autofree char *size = NULL;
  MkDocumentRow *row;

  g_assert_nonnull (resource);
  document = mk_document_reference_read (mk_resource_get_object (resource), NULL);
  size = g_format_size (document->size);

  row = MK_DOCUMENT_ROW (g_object_ref_sink (mk_document_row_new (store)));
  mk_row_set_resource (MK_ROW (row), resource);
  g_assert_cmpstr (mk_document_row_get_title (row), ==, document->type);
  g_assert_nonnull (strstr (mk_document_row_get_details (row), size));
  g_assert_nonnull (strstr (mk_document_row_get_details (row), "PDF"));
  g_assert_finalize_object (row);
}

static void
test_documents_bytes_verified (void)
{
  g_autoptr(MkStore) store = mk_ui_test_open_demo_store ();
  g_autoptr(MkQuery) query = mk_query_new ();
  g_autoptr(GPtrArray) documents = NULL;
  g_autoptr(GError) error = NULL;

  mk_query_add_type (query, "DocumentReference");
  documents = mk_store_query_page (store, query, 0, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (documents->len, >, 0);

  for (guint i = 0; i < documents->len; i++)
    {
      MkResource *resource = g_ptr_array_index (documents, i);
      g_autoptr(MkDocumentReference) document = mk_document_reference_read (mk_resource_get_object (resource), NULL);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GBytes) written = NULL;
      g_autofree char *hash = NULL;
      g_autofree char *path = NULL;
      g_autofree char *contents = NULL;
      g_autofree char *open_dir = NULL;
      gsize length;
      GStatBuf st;

      bytes = mk_documents_page_load_bytes (store, resource, &error);
      g_assert_no_error (error);
      g_assert_nonnull (bytes);
      hash = sha1_base64 (bytes);
      g_assert_cmpstr (hash, ==, document->hash);
      if (document->size >= 0)
        g_assert_cmpint (g_bytes_get_size (bytes), ==, document->size);

      /* "Open" writes the same bytes to a private file in the cache. */
      path = mk_documents_page_write_open_file (store, resource, &error);
      g_assert_no_error (error);
      open_dir = g_build_filename (g_get_user_cache_dir (), "medkarta", "open", NULL);
      g_assert_true (g_str_has_prefix (path, open_dir));
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0777, ==, 0600);
      g_file_get_contents (path, &contents, &length, &error);
      g_assert_no_error (error);
      written = g_bytes_new_take (g_steal_pointer (&contents), length);
      g_assert_true (g_bytes_equal (written, bytes));
    }
}

static void
test_documents_damaged (void)
{
  g_autoptr(MkStore) store = mk_ui_test_open_demo_store ();
  g_autoptr(MkResource) resource = NULL;
  g_autoptr(MkResource) good = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *name = NULL;
  /* "hello" with the SHA-1 of "hellO", and a title trying to escape. */
  const char *json =
    "{\"resourceType\":\"DocumentReference\",\"id\":\"doc-bad\",\"status\":\"current\","
    "\"content\":[{\"attachment\":{\"contentType\":\"application/pdf\",\"data\":\"aGVsbG8=\","
    "\"hash\":\"" "AAAAAAAAAAAAAAAAAAAAAAAAAAA=" "\",\"title\":\"../../evil.pdf\"}}]}";
  const char *json_good =
    "{\"resourceType\":\"DocumentReference\",\"id\":\"doc-inline\",\"status\":\"current\","
    "\"content\":[{\"attachment\":{\"contentType\":\"application/pdf\",\"data\":\"aGVsbG8=\","
    "\"hash\":\"qvTGHdzF6KLavt4PO0gs2a6pQ00=\"}}]}";

  mk_store_import_json (store, json, -1, NULL, &error);
  g_assert_no_error (error);
  mk_store_import_json (store, json_good, -1, NULL, &error);
  g_assert_no_error (error);

  resource = mk_store_get_resource (store, "DocumentReference", "doc-bad", &error);
  g_assert_no_error (error);
  bytes = mk_documents_page_load_bytes (store, resource, &error);
  g_assert_error (error, MK_DOCUMENTS_ERROR, MK_DOCUMENTS_ERROR_DAMAGED);
  g_assert_null (bytes);
  g_clear_error (&error);

  /* Nothing is written for a damaged document. */
  path = mk_documents_page_write_open_file (store, resource, &error);
  g_assert_error (error, MK_DOCUMENTS_ERROR, MK_DOCUMENTS_ERROR_DAMAGED);
  g_assert_null (path);
  g_clear_error (&error);

  name = mk_documents_page_dup_file_name (resource);
  g_assert_null (strchr (name, '/'));
  g_assert_cmpstr (name, ==, "evil.pdf");

  /* Inline data with the right hash is fine. */
  good = mk_store_get_resource (store, "DocumentReference", "doc-inline", &error);
  g_assert_no_error (error);
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = mk_documents_page_load_bytes (store, good, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "hello", 5);
  g_free (name);
  name = mk_documents_page_dup_file_name (good);
  g_assert_cmpstr (name, ==, "document-doc-inline.pdf");
}

int
main (int   argc,
      char *argv[])
{
  mk_ui_test_init (&argc, &argv, "medkarta-test-documents-XXXXXX");

  g_test_add_func ("/documents/list", test_documents_list);
  g_test_add_func ("/documents/rows", test_documents_rows);
  g_test_add_func ("/documents/bytes-verified", test_documents_bytes_verified);
  g_test_add_func ("/documents/damaged", test_documents_damaged);

  return mk_ui_test_run ();
}
