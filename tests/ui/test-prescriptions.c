/* test-prescriptions.c — prescriptions and their computed states
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "mk-demo.h"
#include "mk-fhir-types.h"
#include "mk-format.h"
#include "mk-prescription-row.h"
#include "mk-prescriptions-page.h"

static char *tmp_root;

/* The demo's "today": the demo card is written relative to it. */
static GDateTime *
test_anchor (void)
{
  return g_date_time_new_from_iso8601 ("2026-11-23T10:00:00+03:00", NULL);
}

static MkStore *
open_demo_store (void)
{
  static guint n;
  g_autofree char *name = g_strdup_printf ("store-%u", n++);
  g_autofree char *dir = g_build_filename (tmp_root, name, NULL);
  g_autoptr(GDateTime) anchor = test_anchor ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MkStore) store = NULL;

  store = mk_store_open_in_dir (dir, &error);
  g_assert_no_error (error);
  mk_demo_write (store, anchor, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&store);
}

static MkClock *
test_clock (void)
{
  g_autoptr(GDateTime) anchor = test_anchor ();

  return mk_clock_new_fake (anchor);
}

static void
spin (void)
{
  for (guint i = 0; i < 20; i++)
    while (g_main_context_iteration (NULL, FALSE))
      ;
}

/* Shows @page in a window long enough for the list view to bind rows. */
static GtkWindow *
show_in_window (GtkWidget *page)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_default_size (window, 360, 640);
  gtk_window_set_child (window, page);
  gtk_window_present (window);
  spin ();

  return window;
}

static guint
count_query (MkStore *store,
             MkQuery *query)
{
  g_autoptr(GError) error = NULL;
  guint n = mk_store_query_count (store, query, &error);

  g_assert_no_error (error);
  return n;
}

static gboolean
model_has_id (GListModel *model,
              const char *id)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(MkResource) resource = g_list_model_get_item (model, i);

      if (g_strcmp0 (mk_resource_get_id (resource), id) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
setup_environment (const char *name)
{
  tmp_root = g_dir_make_tmp (name, NULL);
  g_assert_nonnull (tmp_root);
  /* Before anything asks GLib for the user directories. */
  g_setenv ("XDG_DATA_HOME", tmp_root, TRUE);
  g_setenv ("XDG_CACHE_HOME", tmp_root, TRUE);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autoptr(GFile) child = g_file_get_child (file, g_file_info_get_name (info));
      g_autofree char *child_path = g_file_get_path (child);

      remove_tree (child_path);
      g_object_unref (info);
    }
  g_file_delete (file, NULL, NULL);
}

static void
check_states (MkStore    *store,
              MkClock    *clock,
              GListModel *model)
{
  g_autoptr(GDateTime) now = mk_clock_get_now (clock);
  MkPrescriptionRow *row = MK_PRESCRIPTION_ROW (g_object_ref_sink (mk_prescription_row_new (store, clock)));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(MkResource) resource = g_list_model_get_item (model, i);
      g_autoptr(MkMedicationRequest) request = mk_medication_request_read (mk_resource_get_object (resource), NULL);
      MkPrescriptionState state;

      g_assert_nonnull (request);
      state = mk_medication_request_get_state (request, now);
      mk_prescription_row_set_resource (row, resource);
      g_assert_cmpint (mk_prescription_row_get_state (row), ==, state);
      g_assert_cmpstr (mk_prescription_row_get_status (row), ==, mk_prescription_state_to_label (state));
      g_assert_cmpstr (mk_prescription_row_get_title (row), ==, request->medication);
      g_assert_cmpstr (mk_prescription_row_get_code (row), ==, request->prescription_code ? request->prescription_code : "");
    }

  g_assert_finalize_object (row);
}

static void
test_prescriptions_filters (void)
{
  g_autoptr(MkStore) store = open_demo_store ();
  g_autoptr(MkClock) clock = test_clock ();
  g_autoptr(MkQuery) all_query = mk_query_new ();
  g_autoptr(MkResource) expiring = NULL;
  MkPrescriptionsPage *page;
  GtkWindow *window;
  GListModel *model;

  page = MK_PRESCRIPTIONS_PAGE (g_object_ref_sink (mk_prescriptions_page_new (store, clock)));
  window = show_in_window (GTK_WIDGET (page));
  model = mk_prescriptions_page_get_model (page);

  mk_query_add_type (all_query, "MedicationRequest");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, count_query (store, all_query));
  check_states (store, clock, model);

  /* Exactly the demo's prescription about to expire. */
  mk_prescriptions_page_set_filter (page, MK_PRESCRIPTIONS_FILTER_EXPIRING);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  expiring = g_list_model_get_item (model, 0);
  g_assert_cmpstr (mk_resource_get_id (expiring), ==, "rx-expiring");

  mk_prescriptions_page_set_filter (page, MK_PRESCRIPTIONS_FILTER_EXPIRED);
  g_assert_true (model_has_id (model, "rx-expired"));
  g_assert_false (model_has_id (model, "rx-expiring"));
  check_states (store, clock, model);

  mk_prescriptions_page_set_filter (page, MK_PRESCRIPTIONS_FILTER_ACTIVE);
  g_assert_true (model_has_id (model, "rx-issued"));
  g_assert_true (model_has_id (model, "rx-sent"));
  g_assert_true (model_has_id (model, "rx-expiring"));
  g_assert_false (model_has_id (model, "rx-expired"));

  mk_prescriptions_page_set_filter (page, MK_PRESCRIPTIONS_FILTER_DISPENSED);
  g_assert_true (model_has_id (model, "rx-dispensed"));
  g_assert_false (model_has_id (model, "rx-issued"));

  mk_prescriptions_page_set_filter (page, MK_PRESCRIPTIONS_FILTER_CANCELLED);
  g_assert_true (model_has_id (model, "rx-cancelled"));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);

  /* After the validity end passes it is expired, and nothing is expiring. */
  mk_clock_advance (clock, 3 * G_TIME_SPAN_DAY);
  mk_prescriptions_page_refresh (page);
  mk_prescriptions_page_set_filter (page, MK_PRESCRIPTIONS_FILTER_EXPIRED);
  g_assert_true (model_has_id (model, "rx-expiring"));
  mk_prescriptions_page_set_filter (page, MK_PRESCRIPTIONS_FILTER_EXPIRING);
  g_assert_false (model_has_id (model, "rx-expiring"));

  mk_prescriptions_page_set_filter (page, MK_PRESCRIPTIONS_FILTER_ALL);
  check_states (store, clock, model);

  gtk_window_destroy (window);
  g_assert_finalize_object (page);
}

static void
test_prescriptions_row (void)
{
  g_autoptr(MkStore) store = open_demo_store ();
  g_autoptr(MkClock) clock = test_clock ();
  g_autoptr(MkResource) resource = mk_store_get_resource (store, "MedicationRequest", "rx-expiring", NULL);
  g_autoptr(MkMedicationRequest) request = NULL;
  g_autofree char *end = NULL;
  MkPrescriptionRow *row;

  g_assert_nonnull (resource);
  request = mk_medication_request_read (mk_resource_get_object (resource), NULL);
  end = mk_format_fhir_date (request->validity_end);

  row = MK_PRESCRIPTION_ROW (g_object_ref_sink (mk_prescription_row_new (store, clock)));
  mk_prescription_row_set_resource (row, resource);
  g_assert_cmpint (mk_prescription_row_get_state (row), ==, MK_PRESCRIPTION_STATE_EXPIRING);
  g_assert_cmpstr (mk_prescription_row_get_status (row), ==, "Expiring soon");
  g_assert_nonnull (strstr (mk_prescription_row_get_validity (row), end));
  g_assert_nonnull (request->prescription_code);
  g_assert_cmpstr (mk_prescription_row_get_code (row), ==, request->prescription_code);

  /* The row follows the clock when it is bound again. */
  mk_clock_advance (clock, 3 * G_TIME_SPAN_DAY);
  mk_prescription_row_set_resource (row, resource);
  g_assert_cmpint (mk_prescription_row_get_state (row), ==, MK_PRESCRIPTION_STATE_EXPIRED);
  g_assert_cmpstr (mk_prescription_row_get_status (row), ==, "Expired");

  g_assert_finalize_object (row);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  setup_environment ("medkarta-test-prescriptions-XXXXXX");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/prescriptions/filters", test_prescriptions_filters);
  g_test_add_func ("/prescriptions/row", test_prescriptions_row);

  ret = g_test_run ();
  remove_tree (tmp_root);
  g_free (tmp_root);
  return ret;
}
