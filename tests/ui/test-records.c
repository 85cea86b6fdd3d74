/* test-records.c — the medical records list against the demo card
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "mk-fhir-types.h"
#include "mk-record-row.h"
#include "mk-records-page.h"
#include "mk-resource-list.h"
#include "mk-ui-test-util.h"

static void
test_records_all_matches_store (void)
{
  g_autoptr(MkStore) store = mk_ui_test_open_demo_store ();
  g_autoptr(MkClock) clock = mk_ui_test_clock ();
  g_autoptr(MkQuery) query = NULL;
  MkRecordsPage *page;
  GtkWindow *window;
  GListModel *model;
  guint n;

  page = MK_RECORDS_PAGE (g_object_ref_sink (mk_records_page_new (store, clock)));
  window = mk_ui_test_show_in_window (GTK_WIDGET (page));
  model = mk_records_page_get_model (page);

  query = mk_records_page_build_query (MK_RECORDS_FILTER_ALL, MK_RECORDS_PERIOD_ALL, NULL, clock);
  n = mk_ui_test_count_query (store, query);
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n);
  g_assert_false (mk_records_page_is_empty (page));

  /* Every item is a medical record, never a Patient, an Appointment or a
   * document, and newest first. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MkResource) resource = g_list_model_get_item (model, i);
      const char *type = mk_resource_get_resource_type (resource);

      g_assert_true (g_str_equal (type, "Encounter") || g_str_equal (type, "Condition") ||
                     g_str_equal (type, "Observation") || g_str_equal (type, "DiagnosticReport") ||
                     g_str_equal (type, "Immunization") || g_str_equal (type, "Procedure") ||
                     g_str_equal (type, "AllergyIntolerance"));
    }

  /* The last 12 months are fewer than all time, and the same as the store's count. */
  mk_records_page_set_period (page, MK_RECORDS_PERIOD_12_MONTHS);
  {
    g_autoptr(MkQuery) period_query = mk_query_new ();
    g_autoptr(GDateTime) now = mk_clock_get_now (clock);
    g_autoptr(GDateTime) year_ago = g_date_time_add_months (now, -12);
    g_autofree char *from = g_date_time_format (year_ago, "%Y-%m-%d");

    for (guint i = 0; mk_query_get_kinds (query)[i] != NULL; i++)
      mk_query_add_kind (period_query, mk_query_get_kinds (query)[i]);
    mk_query_set_date_range (period_query, from, NULL);
    g_assert_cmpuint (g_list_model_get_n_items (model), ==, mk_ui_test_count_query (store, period_query));
    g_assert_cmpuint (g_list_model_get_n_items (model), <, n);
  }

  gtk_window_destroy (window);
  g_assert_finalize_object (page);
}

static void
test_records_lab_filter (void)
{
  g_autoptr(MkStore) store = mk_ui_test_open_demo_store ();
  g_autoptr(MkClock) clock = mk_ui_test_clock ();
  g_autoptr(MkQuery) lab_query = mk_query_new ();
  MkRecordsPage *page;
  GtkWindow *window;
  GListModel *model;
  guint n_flagged = 0;

  page = MK_RECORDS_PAGE (g_object_ref_sink (mk_records_page_new (store, clock)));
  window = mk_ui_test_show_in_window (GTK_WIDGET (page));
  model = mk_records_page_get_model (page);

  mk_records_page_set_filter (page, MK_RECORDS_FILTER_LAB);
  mk_ui_test_spin ();

  mk_query_add_kind (lab_query, "lab");
  g_assert_cmpuint (g_list_model_get_n_items (model), >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, mk_ui_test_count_query (store, lab_query));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(MkResource) resource = g_list_model_get_item (model, i);
      g_autoptr(MkObservation) observation = NULL;
      MkRecordRow *row;

      g_assert_cmpstr (mk_resource_get_resource_type (resource), ==, "Observation");
      observation = mk_observation_read (mk_resource_get_object (resource), NULL);
      g_assert_nonnull (observation);

      /* What the row shows for it: the test name and, out of range, the mark. */
      row = MK_RECORD_ROW (g_object_ref_sink (mk_record_row_new (store, clock)));
      mk_row_set_resource (MK_ROW (row), resource);
      g_assert_cmpstr (mk_record_row_get_title (row), ==, observation->code_display);

      if (g_strcmp0 (observation->interpretation, "H") == 0)
        {
          g_assert_cmpstr (mk_record_row_get_status (row), ==, "High");
          n_flagged++;
        }
      else if (g_strcmp0 (observation->interpretation, "L") == 0)
        {
          g_assert_cmpstr (mk_record_row_get_status (row), ==, "Low");
          n_flagged++;
        }
      else if (g_strcmp0 (observation->interpretation, "N") == 0)
        g_assert_cmpstr (mk_record_row_get_status (row), ==, "");

      g_assert_finalize_object (row);
    }
  /* The demo has results out of range. */
  g_assert_cmpuint (n_flagged, >, 0);

  gtk_window_destroy (window);
  g_assert_finalize_object (page);
}

static void
test_records_visit_row (void)
{
  g_autoptr(MkStore) store = mk_ui_test_open_demo_store ();
  g_autoptr(MkClock) clock = mk_ui_test_clock ();
  g_autoptr(MkResource) condition_resource = NULL;
  g_autoptr(MkCondition) condition = NULL;
  g_autoptr(MkResource) encounter = NULL;
  MkRecordRow *row;

  /* A visit row names its diagnosis with the ICD-10 code, resolved from
   * the Condition the Encounter refers to. */
  condition_resource = mk_store_get_resource (store, "Condition", "cond-bronchitis", NULL);
  g_assert_nonnull (condition_resource);
  condition = mk_condition_read (mk_resource_get_object (condition_resource), NULL);
  g_assert_nonnull (condition);
  g_assert_nonnull (condition->encounter.reference);
  encounter = mk_store_resolve_reference (store, condition->encounter.reference, NULL);
  g_assert_nonnull (encounter);

  row = MK_RECORD_ROW (g_object_ref_sink (mk_record_row_new (store, clock)));
  mk_row_set_resource (MK_ROW (row), encounter);
  g_assert_nonnull (strstr (mk_record_row_get_title (row), "J20.9"));
  g_assert_nonnull (strstr (mk_record_row_get_title (row), condition->display));
  g_assert_cmpstr (mk_record_row_get_details (row), !=, "");
  g_assert_finalize_object (row);
}

static void
test_records_search (void)
{
  g_autoptr(MkStore) store = mk_ui_test_open_demo_store ();
  g_autoptr(MkClock) clock = mk_ui_test_clock ();
  g_autoptr(MkQuery) query = NULL;
  MkRecordsPage *page;
  GtkWindow *window;
  GListModel *model;
  guint n_all;
  guint n_found;
  gboolean has_condition = FALSE;

  page = MK_RECORDS_PAGE (g_object_ref_sink (mk_records_page_new (store, clock)));
  window = mk_ui_test_show_in_window (GTK_WIDGET (page));
  model = mk_records_page_get_model (page);
  n_all = g_list_model_get_n_items (model);

  /* «неуточнённая» in the demo's diagnoses, typed without ё. */
  mk_records_page_set_search_text (page, "неуточненная");
  n_found = g_list_model_get_n_items (model);
  g_assert_cmpuint (n_found, >, 0);
  g_assert_cmpuint (n_found, <, n_all);

  query = mk_records_page_build_query (MK_RECORDS_FILTER_ALL, MK_RECORDS_PERIOD_ALL, "неуточненная", clock);
  g_assert_cmpuint (n_found, ==, mk_ui_test_count_query (store, query));
  for (guint i = 0; i < n_found; i++)
    {
      g_autoptr(MkResource) resource = g_list_model_get_item (model, i);

      if (g_str_equal (mk_resource_get_resource_type (resource), "Condition"))
        has_condition = TRUE;
    }
  g_assert_true (has_condition);

  /* Nothing matches: the "No Results" state. */
  mk_records_page_set_search_text (page, "zzzyyyxxx");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  g_assert_true (mk_records_page_is_empty (page));

  mk_records_page_set_search_text (page, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n_all);
  g_assert_false (mk_records_page_is_empty (page));

  gtk_window_destroy (window);
  g_assert_finalize_object (page);
}

static void
test_records_reload_on_change (void)
{
  g_autoptr(MkStore) store = mk_ui_test_open_demo_store ();
  g_autoptr(MkClock) clock = mk_ui_test_clock ();
  g_autoptr(GError) error = NULL;
  MkRecordsPage *page;
  GListModel *model;
  guint n;
  const char *json =
    "{\"resourceType\":\"Immunization\",\"id\":\"test-imm\",\"status\":\"completed\","
    "\"patient\":{\"reference\":\"Patient/demo-patient\"},"
    "\"vaccineCode\":{\"text\":\"Test vaccine\"},\"occurrenceDateTime\":\"2026-11-01\"}";
  /* Someone else's record in the same mirror (a doctor's mirror holds many
   * patients): not on this card. */
  const char *other =
    "{\"resourceType\":\"Immunization\",\"id\":\"other-imm\",\"status\":\"completed\","
    "\"patient\":{\"reference\":\"Patient/someone-else\"},"
    "\"vaccineCode\":{\"text\":\"Other vaccine\"},\"occurrenceDateTime\":\"2026-11-01\"}";

  page = MK_RECORDS_PAGE (g_object_ref_sink (mk_records_page_new (store, clock)));
  model = mk_records_page_get_model (page);
  mk_records_page_set_filter (page, MK_RECORDS_FILTER_VACCINATIONS);
  n = g_list_model_get_n_items (model);

  mk_store_import_json (store, other, -1, NULL, &error);
  g_assert_no_error (error);
  mk_ui_test_spin ();
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n);

  mk_store_import_json (store, json, -1, NULL, &error);
  g_assert_no_error (error);
  mk_ui_test_spin ();
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n + 1);

  g_assert_finalize_object (page);
}

int
main (int   argc,
      char *argv[])
{
  mk_ui_test_init (&argc, &argv, "medkarta-test-records-XXXXXX");

  g_test_add_func ("/records/all-matches-store", test_records_all_matches_store);
  g_test_add_func ("/records/lab-filter", test_records_lab_filter);
  g_test_add_func ("/records/visit-row", test_records_visit_row);
  g_test_add_func ("/records/search", test_records_search);
  g_test_add_func ("/records/reload-on-change", test_records_reload_on_change);

  return mk_ui_test_run ();
}
