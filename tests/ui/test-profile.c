/* test-profile.c — the profile page shows the stored Patient
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "mk-demo.h"
#include "mk-profile-page.h"
#include "mk-test-util.h"

static char *tmp_root;

static MkClock *
test_clock (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_from_iso8601 ("2026-03-10T10:00:00+03:00", NULL);

  return mk_clock_new_fake (now);
}

static MkStore *
open_store (const char *name)
{
  g_autofree char *dir = g_build_filename (tmp_root, name, NULL);
  g_autoptr(GError) error = NULL;
  MkStore *store;

  store = mk_store_open_in_dir (dir, &error);
  g_assert_no_error (error);
  return store;
}

static void
collect_label_texts (GtkWidget *widget,
                     GPtrArray *out)
{
  if (GTK_IS_LABEL (widget))
    g_ptr_array_add (out, g_strdup (gtk_label_get_text (GTK_LABEL (widget))));

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    collect_label_texts (child, out);
}

/* TRUE if some label of @widget shows exactly @text. */
static gboolean
shows_label (GtkWidget  *widget,
             const char *text)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

  collect_label_texts (widget, texts);
  for (guint i = 0; i < texts->len; i++)
    if (g_strcmp0 (g_ptr_array_index (texts, i), text) == 0)
      return TRUE;
  return FALSE;
}

/* The demo Patient read with json-glib alone, independently of the readers. */
static JsonObject *
read_demo_patient (MkStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *reference = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  reference = mk_store_get_meta (store, "patient", &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (reference, "Patient/"));

  json = mk_store_get_json (store, "Patient", reference + strlen ("Patient/"), &error);
  g_assert_no_error (error);
  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);

  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static const char *
identifier_value (JsonObject *patient,
                  const char *system)
{
  JsonArray *identifiers = json_object_get_array_member (patient, "identifier");

  for (guint i = 0; i < json_array_get_length (identifiers); i++)
    {
      JsonObject *identifier = json_array_get_object_element (identifiers, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (identifier, "system", NULL), system) == 0)
        return json_object_get_string_member (identifier, "value");
    }

  return NULL;
}

static char *
expected_full_name (JsonObject *patient)
{
  JsonArray *names = json_object_get_array_member (patient, "name");
  JsonObject *name = json_array_get_object_element (names, 0);
  g_autoptr(GString) full = g_string_new (json_object_get_string_member (name, "family"));
  JsonArray *given;

  for (guint i = 0; i < json_array_get_length (names); i++)
    {
      JsonObject *candidate = json_array_get_object_element (names, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (candidate, "use", NULL), "official") == 0)
        {
          name = candidate;
          g_string_assign (full, json_object_get_string_member (name, "family"));
          break;
        }
    }

  given = json_object_get_array_member (name, "given");
  for (guint i = 0; i < json_array_get_length (given); i++)
    g_string_append_printf (full, " %s", json_array_get_string_element (given, i));

  return g_string_free (g_steal_pointer (&full), FALSE);
}

static void
test_profile_demo (void)
{
  g_autoptr(MkStore) store = open_store ("demo");
  g_autoptr(MkClock) clock = test_clock ();
  g_autoptr(GDateTime) now = mk_clock_get_now (clock);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) patient = NULL;
  g_autofree char *full_name = NULL;
  g_autofree char *snils_shown = NULL;
  const char *snils;
  const char *oms;
  GtkWidget *page;
  GtkWidget *window;

  mk_demo_write (store, now, &error);
  g_assert_no_error (error);
  patient = read_demo_patient (store);

  page = mk_profile_page_new (store, clock);
  window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
  gtk_window_present (GTK_WINDOW (window));

  g_assert_true (mk_page_get_store (MK_PAGE (page)) == store);
  g_assert_true (mk_profile_page_has_patient (MK_PROFILE_PAGE (page)));

  full_name = expected_full_name (patient);
  g_assert_true (shows_label (page, full_name));

  snils = identifier_value (patient, "urn:oid:1.2.643.100.3");
  g_assert_nonnull (snils);
  g_assert_cmpuint (strlen (snils), ==, 11);
  snils_shown = g_strdup_printf ("%.3s-%.3s-%.3s %.2s", snils, snils + 3, snils + 6, snils + 9);
  g_assert_true (shows_label (page, snils_shown));

  oms = identifier_value (patient, "https://medkarta.github.io/fhir/sid/oms");
  g_assert_nonnull (oms);
  g_assert_true (shows_label (page, oms));

  g_object_ref (page);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (page);
}

static void
test_profile_empty (void)
{
  g_autoptr(MkStore) store = open_store ("empty");
  g_autoptr(MkClock) clock = test_clock ();
  GtkWidget *page = mk_profile_page_new (store, clock);

  g_object_ref_sink (page);
  g_assert_false (mk_profile_page_has_patient (MK_PROFILE_PAGE (page)));
  g_assert_true (shows_label (page, g_dgettext (GETTEXT_PACKAGE, "No Patient in This Card")));
  g_assert_finalize_object (page);
}

static void
test_profile_server_account_empty (void)
{
  g_autoptr(MkStore) store = open_store ("server");
  g_autoptr(MkClock) clock = test_clock ();
  g_autoptr(GError) error = NULL;
  GtkWidget *page;

  mk_store_set_meta (store, "server-url", "https://fhir.clinic.example/r4", &error);
  g_assert_no_error (error);
  mk_store_set_meta (store, "patient", "Patient/pat-42", &error);
  g_assert_no_error (error);

  page = g_object_ref_sink (mk_profile_page_new (store, clock));
  g_assert_false (mk_profile_page_has_patient (MK_PROFILE_PAGE (page)));
  g_assert_true (shows_label (page, g_dgettext (GETTEXT_PACKAGE, "No Data Yet")));
  g_assert_finalize_object (page);
}

static void
test_profile_reloads_on_change (void)
{
  static const char patient_json[] =
    "{\"resourceType\":\"Patient\",\"id\":\"p1\","
    "\"name\":[{\"use\":\"official\",\"family\":\"Петрова\",\"given\":[\"Анна\",\"Сергеевна\"]}],"
    "\"gender\":\"female\",\"birthDate\":\"1990-06-15\","
    "\"identifier\":[{\"system\":\"urn:oid:1.2.643.100.3\",\"value\":\"11223344595\"},"
    "{\"system\":\"https://medkarta.github.io/fhir/sid/oms\",\"value\":\"7700000000000001\"}]}";
  g_autoptr(MkStore) store = open_store ("reload");
  g_autoptr(MkClock) clock = test_clock ();
  g_autoptr(GError) error = NULL;
  GtkWidget *page;

  page = g_object_ref_sink (mk_profile_page_new (store, clock));
  g_assert_false (mk_profile_page_has_patient (MK_PROFILE_PAGE (page)));

  mk_store_import_json (store, patient_json, -1, NULL, &error);
  g_assert_no_error (error);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_assert_true (mk_profile_page_has_patient (MK_PROFILE_PAGE (page)));
  g_assert_true (shows_label (page, "Петрова Анна Сергеевна"));
  g_assert_true (shows_label (page, "112-233-445 95"));
  g_assert_true (shows_label (page, "7700000000000001"));
  g_assert_false (shows_label (page, g_dgettext (GETTEXT_PACKAGE, "No Patient in This Card")) &&
                  !mk_profile_page_has_patient (MK_PROFILE_PAGE (page)));

  /* The patient is remembered per store, but follows meta "patient" at
   * once, even though setting meta emits no ::changed. */
  mk_store_import_json (store, "{\"resourceType\":\"Patient\",\"id\":\"p2\",\"birthDate\":\"1950-01-01\"}",
                        -1, NULL, &error);
  g_assert_no_error (error);
  mk_store_set_meta (store, "patient", "Patient/p2", &error);
  g_assert_no_error (error);
  {
    g_autoptr(MkResource) patient = mk_page_find_patient (MK_PAGE (page), &error);

    g_assert_no_error (error);
    g_assert_nonnull (patient);
    g_assert_cmpstr (mk_resource_get_id (patient), ==, "p2");
  }
  {
    g_autoptr(MkQuery) query = mk_page_new_query (MK_PAGE (page));

    g_assert_cmpstr (mk_query_get_subject (query), ==, "Patient/p2");
  }

  g_assert_finalize_object (page);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  tmp_root = g_dir_make_tmp ("medkarta-test-profile-XXXXXX", NULL);
  g_assert_nonnull (tmp_root);
  g_setenv ("XDG_DATA_HOME", tmp_root, TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* The UI resources live in the static library; make sure they are linked. */
  g_type_ensure (MK_TYPE_PROFILE_PAGE);

  g_test_add_func ("/profile/demo", test_profile_demo);
  g_test_add_func ("/profile/empty", test_profile_empty);
  g_test_add_func ("/profile/server-account-empty", test_profile_server_account_empty);
  g_test_add_func ("/profile/reloads-on-change", test_profile_reloads_on_change);

  ret = g_test_run ();

  mk_test_remove_tree (tmp_root);
  g_free (tmp_root);
  return ret;
}
