/* test-records.c — the medical records list against the demo card
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "mk-demo.h"
#include "mk-fhir-types.h"
#include "mk-record-row.h"
#include "mk-records-page.h"
#include "mk-resource-list.h"

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
test_records_all_matches_store (void)
{
  g_autoptr(MkStore) store = open_demo_store ();
  g_autoptr(MkClock) clock = test_clock ();
  g_autoptr(MkQuery) query = NULL;
  MkRecordsPage *page;
  GtkWindow *window;
  GListModel *model;
  guint n;

  page = MK_RECORDS_PAGE (g_object_ref_sink (mk_records_page_new (store, clock)));
  window = show_in_window (GTK_WIDGET (page));
  model = mk_records_page_get_model (page);

  query = mk_records_page_build_query (MK_RECORDS_FILTER_ALL, MK_RECORDS_PERIOD_ALL, NULL, clock);
  n = count_query (store, query);
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
    g_assert_cmpuint (g_list_model_get_n_items (model), ==, count_query (store, period_query));
    g_assert_cmpuint (g_list_model_get_n_items (model), <, n);
  }

  gtk_window_destroy (window);
  g_assert_finalize_object (page);
}

static void
test_records_lab_filter (void)
{
  g_autoptr(MkStore) store = open_demo_store ();
  g_autoptr(MkClock) clock = test_clock ();
  g_autoptr(MkQuery) lab_query = mk_query_new ();
  MkRecordsPage *page;
  GtkWindow *window;
  GListModel *model;
  guint n_flagged = 0;

  page = MK_RECORDS_PAGE (g_object_ref_sink (mk_records_page_new (store, clock)));
  window = show_in_window (GTK_WIDGET (page));
  model = mk_records_page_get_model (page);

  mk_records_page_set_filter (page, MK_RECORDS_FILTER_LAB);
  spin ();

  mk_query_add_kind (lab_query, "lab");
  g_assert_cmpuint (g_list_model_get_n_items (model), >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, count_query (store, lab_query));

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
      mk_record_row_set_resource (row, resource);
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
  g_autoptr(MkStore) store = open_demo_store ();
  g_autoptr(MkClock) clock = test_clock ();
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
  mk_record_row_set_resource (row, encounter);
  g_assert_nonnull (strstr (mk_record_row_get_title (row), "J20.9"));
  g_assert_nonnull (strstr (mk_record_row_get_title (row), condition->display));
  g_assert_cmpstr (mk_record_row_get_details (row), !=, "");
  g_assert_finalize_object (row);
}

static void
test_records_search (void)
{
  g_autoptr(MkStore) store = open_demo_store ();
  g_autoptr(MkClock) clock = test_clock ();
  g_autoptr(MkQuery) query = NULL;
  MkRecordsPage *page;
  GtkWindow *window;
  GListModel *model;
  guint n_all;
  guint n_found;
  gboolean has_condition = FALSE;

  page = MK_RECORDS_PAGE (g_object_ref_sink (mk_records_page_new (store, clock)));
  window = show_in_window (GTK_WIDGET (page));
  model = mk_records_page_get_model (page);
  n_all = g_list_model_get_n_items (model);

  /* «неуточнённая» in the demo's diagnoses, typed without ё. */
  mk_records_page_set_search_text (page, "неуточненная");
  n_found = g_list_model_get_n_items (model);
  g_assert_cmpuint (n_found, >, 0);
  g_assert_cmpuint (n_found, <, n_all);

  query = mk_records_page_build_query (MK_RECORDS_FILTER_ALL, MK_RECORDS_PERIOD_ALL, "неуточненная", clock);
  g_assert_cmpuint (n_found, ==, count_query (store, query));
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
  g_autoptr(MkStore) store = open_demo_store ();
  g_autoptr(MkClock) clock = test_clock ();
  g_autoptr(GError) error = NULL;
  MkRecordsPage *page;
  GListModel *model;
  guint n;
  const char *json =
    "{\"resourceType\":\"Immunization\",\"id\":\"test-imm\",\"status\":\"completed\","
    "\"vaccineCode\":{\"text\":\"Test vaccine\"},\"occurrenceDateTime\":\"2026-11-01\"}";

  page = MK_RECORDS_PAGE (g_object_ref_sink (mk_records_page_new (store, clock)));
  model = mk_records_page_get_model (page);
  mk_records_page_set_filter (page, MK_RECORDS_FILTER_VACCINATIONS);
  n = g_list_model_get_n_items (model);

  mk_store_import_json (store, json, -1, NULL, &error);
  g_assert_no_error (error);
  spin ();
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n + 1);

  g_assert_finalize_object (page);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  setup_environment ("medkarta-test-records-XXXXXX");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/records/all-matches-store", test_records_all_matches_store);
  g_test_add_func ("/records/lab-filter", test_records_lab_filter);
  g_test_add_func ("/records/visit-row", test_records_visit_row);
  g_test_add_func ("/records/search", test_records_search);
  g_test_add_func ("/records/reload-on-change", test_records_reload_on_change);

  ret = g_test_run ();
  remove_tree (tmp_root);
  g_free (tmp_root);
  return ret;
}
