/* test-prescriptions.c — prescriptions and their computed states
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "mk-fhir-types.h"
#include "mk-format.h"
#include "mk-prescription-row.h"
#include "mk-prescriptions-page.h"
#include "mk-ui-test-util.h"

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
      mk_row_set_resource (MK_ROW (row), resource);
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
  g_autoptr(MkStore) store = mk_ui_test_open_demo_store ();
  g_autoptr(MkClock) clock = mk_ui_test_clock ();
  g_autoptr(MkQuery) all_query = mk_query_new ();
  g_autoptr(MkResource) expiring = NULL;
  MkPrescriptionsPage *page;
  GtkWindow *window;
  GListModel *model;

  page = MK_PRESCRIPTIONS_PAGE (g_object_ref_sink (mk_prescriptions_page_new (store, clock)));
  window = mk_ui_test_show_in_window (GTK_WIDGET (page));
  model = mk_prescriptions_page_get_model (page);

  mk_query_add_type (all_query, "MedicationRequest");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, mk_ui_test_count_query (store, all_query));
  check_states (store, clock, model);

  /* Exactly the demo's prescription about to expire. */
  mk_prescriptions_page_set_filter (page, MK_PRESCRIPTIONS_FILTER_EXPIRING);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  expiring = g_list_model_get_item (model, 0);
  g_assert_cmpstr (mk_resource_get_id (expiring), ==, "rx-expiring");

  mk_prescriptions_page_set_filter (page, MK_PRESCRIPTIONS_FILTER_EXPIRED);
  g_assert_true (mk_ui_test_model_has_id (model, "rx-expired"));
  g_assert_false (mk_ui_test_model_has_id (model, "rx-expiring"));
  check_states (store, clock, model);

  mk_prescriptions_page_set_filter (page, MK_PRESCRIPTIONS_FILTER_ACTIVE);
  g_assert_true (mk_ui_test_model_has_id (model, "rx-issued"));
  g_assert_true (mk_ui_test_model_has_id (model, "rx-sent"));
  g_assert_true (mk_ui_test_model_has_id (model, "rx-expiring"));
  g_assert_false (mk_ui_test_model_has_id (model, "rx-expired"));

  mk_prescriptions_page_set_filter (page, MK_PRESCRIPTIONS_FILTER_DISPENSED);
  g_assert_true (mk_ui_test_model_has_id (model, "rx-dispensed"));
  g_assert_false (mk_ui_test_model_has_id (model, "rx-issued"));

  mk_prescriptions_page_set_filter (page, MK_PRESCRIPTIONS_FILTER_CANCELLED);
  g_assert_true (mk_ui_test_model_has_id (model, "rx-cancelled"));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);

  /* After the validity end passes it is expired, and nothing is expiring. */
  mk_clock_advance (clock, 3 * G_TIME_SPAN_DAY);
  mk_prescriptions_page_refresh (page);
  mk_prescriptions_page_set_filter (page, MK_PRESCRIPTIONS_FILTER_EXPIRED);
  g_assert_true (mk_ui_test_model_has_id (model, "rx-expiring"));
  mk_prescriptions_page_set_filter (page, MK_PRESCRIPTIONS_FILTER_EXPIRING);
  g_assert_false (mk_ui_test_model_has_id (model, "rx-expiring"));

  mk_prescriptions_page_set_filter (page, MK_PRESCRIPTIONS_FILTER_ALL);
  check_states (store, clock, model);

  gtk_window_destroy (window);
  g_assert_finalize_object (page);
}

static void
test_prescriptions_row (void)
{
  g_autoptr(MkStore) store = mk_ui_test_open_demo_store ();
  g_autoptr(MkClock) clock = mk_ui_test_clock ();
  g_autoptr(MkResource) resource = mk_store_get_resource (store, "MedicationRequest", "rx-expiring", NULL);
  g_autoptr(MkMedicationRequest) request = NULL;
  g_autofree char *end = NULL;
  MkPrescriptionRow *row;

  g_assert_nonnull (resource);
  request = mk_medication_request_read (mk_resource_get_object (resource), NULL);
  end = mk_format_fhir_date (request->validity_end);

  row = MK_PRESCRIPTION_ROW (g_object_ref_sink (mk_prescription_row_new (store, clock)));
  mk_row_set_resource (MK_ROW (row), resource);
  g_assert_cmpint (mk_prescription_row_get_state (row), ==, MK_PRESCRIPTION_STATE_EXPIRING);
  g_assert_cmpstr (mk_prescription_row_get_status (row), ==, "Expiring soon");
  g_assert_nonnull (strstr (mk_prescription_row_get_validity (row), end));
  g_assert_nonnull (request->prescription_code);
  g_assert_cmpstr (mk_prescription_row_get_code (row), ==, request->prescription_code);

  /* The row follows the clock when it is bound again. */
  mk_clock_advance (clock, 3 * G_TIME_SPAN_DAY);
  mk_row_set_resource (MK_ROW (row), resource);
  g_assert_cmpint (mk_prescription_row_get_state (row), ==, MK_PRESCRIPTION_STATE_EXPIRED);
  g_assert_cmpstr (mk_prescription_row_get_status (row), ==, "Expired");

  g_assert_finalize_object (row);
}

int
main (int   argc,
      char *argv[])
{
  mk_ui_test_init (&argc, &argv, "medkarta-test-prescriptions-XXXXXX");

  g_test_add_func ("/prescriptions/filters", test_prescriptions_filters);
  g_test_add_func ("/prescriptions/row", test_prescriptions_row);

  return mk_ui_test_run ();
}
