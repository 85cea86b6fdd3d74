/* test-appointments.c — upcoming and past visits and the visit card
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "mk-appointment-card.h"
#include "mk-appointment-row.h"
#include "mk-appointments-page.h"
#include "mk-demo.h"
#include "mk-fhir-types.h"

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
test_appointments_upcoming_and_past (void)
{
  g_autoptr(MkStore) store = open_demo_store ();
  g_autoptr(MkClock) clock = test_clock ();
  g_autoptr(MkQuery) all_query = mk_query_new ();
  g_autoptr(GDateTime) now = mk_clock_get_now (clock);
  g_autoptr(GDateTime) now_utc = g_date_time_to_utc (now);
  g_autofree char *now_text = g_date_time_format (now_utc, "%Y-%m-%dT%H:%M:%SZ");
  g_autoptr(MkResource) first = NULL;
  MkAppointmentsPage *page;
  GtkWindow *window;
  GListModel *upcoming;
  GListModel *past;
  const char *previous = NULL;

  page = MK_APPOINTMENTS_PAGE (g_object_ref_sink (mk_appointments_page_new (store, clock)));
  window = show_in_window (GTK_WIDGET (page));
  upcoming = mk_appointments_page_get_upcoming_model (page);
  past = mk_appointments_page_get_past_model (page);

  /* The visit tomorrow comes first among the upcoming ones. */
  g_assert_cmpuint (g_list_model_get_n_items (upcoming), >, 0);
  first = g_list_model_get_item (upcoming, 0);
  g_assert_cmpstr (mk_resource_get_id (first), ==, "appt-tomorrow");
  g_assert_false (model_has_id (past, "appt-tomorrow"));

  for (guint i = 0; i < g_list_model_get_n_items (upcoming); i++)
    {
      g_autoptr(MkResource) resource = g_list_model_get_item (upcoming, i);

      g_assert_cmpstr (mk_resource_get_status (resource), ==, "booked");
      g_assert_cmpstr (mk_resource_get_date (resource), >=, now_text);
      if (previous != NULL)
        g_assert_cmpstr (previous, <=, mk_resource_get_date (resource));
      previous = mk_resource_get_date (resource);
    }

  /* Cancelled and no-show visits are past; every appointment is in one list. */
  g_assert_true (model_has_id (past, "appt-cancelled"));
  g_assert_true (model_has_id (past, "appt-noshow"));
  g_assert_true (model_has_id (past, "appt-past-30"));
  mk_query_add_type (all_query, "Appointment");
  g_assert_cmpuint (g_list_model_get_n_items (upcoming) + g_list_model_get_n_items (past), ==,
                    count_query (store, all_query));

  /* Past is newest first. */
  previous = NULL;
  for (guint i = 0; i < g_list_model_get_n_items (past); i++)
    {
      g_autoptr(MkResource) resource = g_list_model_get_item (past, i);

      if (previous != NULL && mk_resource_get_date (resource) != NULL)
        g_assert_cmpstr (previous, >=, mk_resource_get_date (resource));
      if (mk_resource_get_date (resource) != NULL)
        previous = mk_resource_get_date (resource);
    }

  mk_appointments_page_show_past (page, TRUE);
  spin ();
  g_assert_false (mk_appointments_page_is_empty (page));

  gtk_window_destroy (window);
  g_assert_finalize_object (page);
}

static void
test_appointments_rows (void)
{
  g_autoptr(MkStore) store = open_demo_store ();
  g_autoptr(MkResource) cancelled = mk_store_get_resource (store, "Appointment", "appt-cancelled", NULL);
  g_autoptr(MkResource) tomorrow = mk_store_get_resource (store, "Appointment", "appt-tomorrow", NULL);
  g_autoptr(MkAppointment) appointment = NULL;
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *time = NULL;
  MkAppointmentRow *row;

  g_assert_nonnull (cancelled);
  g_assert_nonnull (tomorrow);

  row = MK_APPOINTMENT_ROW (g_object_ref_sink (mk_appointment_row_new (store)));
  mk_appointment_row_set_resource (row, cancelled);
  g_assert_cmpstr (mk_appointment_row_get_status (row), ==, "Cancelled");
  g_assert_cmpstr (mk_appointment_row_get_status (row), ==, mk_appointment_status_to_label ("cancelled"));

  mk_appointment_row_set_resource (row, tomorrow);
  g_assert_cmpstr (mk_appointment_row_get_status (row), ==, "Booked");
  /* The local start time is in the title. */
  appointment = mk_appointment_read (mk_resource_get_object (tomorrow), NULL);
  start = mk_appointment_dup_start (appointment);
  local = g_date_time_to_local (start);
  time = g_date_time_format (local, "%H:%M");
  g_assert_nonnull (strstr (mk_appointment_row_get_title (row), time));
  g_assert_cmpstr (mk_appointment_row_get_subtitle (row), !=, "");

  g_assert_finalize_object (row);
}

static void
test_appointments_card (void)
{
  g_autoptr(MkStore) store = open_demo_store ();
  g_autoptr(MkClock) clock = test_clock ();
  g_autoptr(MkResource) resource = NULL;
  g_autoptr(MkAppointment) appointment = NULL;
  g_autoptr(MkResource) doctor_resource = NULL;
  g_autoptr(MkPractitioner) doctor = NULL;
  g_autoptr(MkAppointment) cancelled = NULL;
  g_autoptr(MkResource) cancelled_resource = NULL;
  MkAppointmentsPage *page;
  GtkWindow *window;
  GtkWindow *card;

  resource = mk_store_get_resource (store, "Appointment", "appt-tomorrow", NULL);
  appointment = mk_appointment_read (mk_resource_get_object (resource), NULL);
  g_assert_nonnull (appointment);
  g_assert_nonnull (appointment->patient_instruction);
  doctor_resource = mk_store_resolve_reference (store, appointment->practitioner.reference, NULL);
  g_assert_nonnull (doctor_resource);
  if (g_str_equal (mk_resource_get_resource_type (doctor_resource), "Practitioner"))
    doctor = mk_practitioner_read (mk_resource_get_object (doctor_resource), NULL);
  else
    {
      g_autoptr(MkPractitionerRole) role = mk_practitioner_role_read (mk_resource_get_object (doctor_resource), NULL);
      g_autoptr(MkResource) practitioner = mk_store_resolve_reference (store, role->practitioner.reference, NULL);

      doctor = mk_practitioner_read (mk_resource_get_object (practitioner), NULL);
    }
  g_assert_nonnull (doctor);

  page = MK_APPOINTMENTS_PAGE (g_object_ref_sink (mk_appointments_page_new (store, clock)));
  window = show_in_window (GTK_WIDGET (page));

  card = mk_appointments_page_open_card (page, "appt-tomorrow");
  g_assert_nonnull (card);
  g_object_ref (card);
  g_assert_true (gtk_window_get_modal (card));
  g_assert_true (gtk_window_get_transient_for (card) == window);
  g_assert_cmpstr (mk_appointment_card_get_field (MK_APPOINTMENT_CARD (card), MK_APPOINTMENT_CARD_DOCTOR),
                   ==, doctor->full_name);
  g_assert_cmpstr (mk_appointment_card_get_field (MK_APPOINTMENT_CARD (card), MK_APPOINTMENT_CARD_INSTRUCTION),
                   ==, appointment->patient_instruction);
  g_assert_cmpstr (mk_appointment_card_get_field (MK_APPOINTMENT_CARD (card), MK_APPOINTMENT_CARD_CODE),
                   ==, appointment->booking_code);
  g_assert_cmpstr (mk_appointment_card_get_field (MK_APPOINTMENT_CARD (card), MK_APPOINTMENT_CARD_STATUS),
                   ==, "Booked");
  g_assert_cmpstr (mk_appointment_card_get_field (MK_APPOINTMENT_CARD (card), MK_APPOINTMENT_CARD_TYPE),
                   ==, "In person");
  g_assert_nonnull (mk_appointment_card_get_field (MK_APPOINTMENT_CARD (card), MK_APPOINTMENT_CARD_INSTITUTION));
  g_assert_nonnull (mk_appointment_card_get_field (MK_APPOINTMENT_CARD (card), MK_APPOINTMENT_CARD_ADDRESS));
  g_assert_cmpstr (mk_appointment_card_get_field (MK_APPOINTMENT_CARD (card), MK_APPOINTMENT_CARD_DURATION),
                   ==, "20 minutes");
  g_assert_null (mk_appointment_card_get_field (MK_APPOINTMENT_CARD (card), MK_APPOINTMENT_CARD_CANCELLATION));

  /* Escape closes it (window.close, bound to Escape). */
  gtk_widget_activate_action (GTK_WIDGET (card), "window.close", NULL);
  spin ();
  g_assert_finalize_object (card);

  /* A cancelled visit shows why. */
  cancelled_resource = mk_store_get_resource (store, "Appointment", "appt-cancelled", NULL);
  cancelled = mk_appointment_read (mk_resource_get_object (cancelled_resource), NULL);
  card = mk_appointments_page_open_card (page, "appt-cancelled");
  g_object_ref (card);
  g_assert_cmpstr (mk_appointment_card_get_field (MK_APPOINTMENT_CARD (card), MK_APPOINTMENT_CARD_CANCELLATION),
                   ==, cancelled->cancelation_reason);
  g_assert_cmpstr (mk_appointment_card_get_field (MK_APPOINTMENT_CARD (card), MK_APPOINTMENT_CARD_STATUS),
                   ==, "Cancelled");
  gtk_window_destroy (card);
  g_assert_finalize_object (card);

  g_assert_null (mk_appointments_page_open_card (page, "no-such-appointment"));

  gtk_window_destroy (window);
  g_assert_finalize_object (page);
}

static void
test_appointments_clock_moves (void)
{
  g_autoptr(MkStore) store = open_demo_store ();
  g_autoptr(MkClock) clock = test_clock ();
  MkAppointmentsPage *page;

  page = MK_APPOINTMENTS_PAGE (g_object_ref_sink (mk_appointments_page_new (store, clock)));

  /* Two days later the visit "tomorrow" is in the past. */
  mk_clock_advance (clock, 2 * G_TIME_SPAN_DAY);
  mk_appointments_page_refresh (page);
  g_assert_false (model_has_id (mk_appointments_page_get_upcoming_model (page), "appt-tomorrow"));
  g_assert_true (model_has_id (mk_appointments_page_get_past_model (page), "appt-tomorrow"));

  g_assert_finalize_object (page);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  setup_environment ("medkarta-test-appointments-XXXXXX");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/appointments/upcoming-and-past", test_appointments_upcoming_and_past);
  g_test_add_func ("/appointments/rows", test_appointments_rows);
  g_test_add_func ("/appointments/card", test_appointments_card);
  g_test_add_func ("/appointments/clock-moves", test_appointments_clock_moves);

  ret = g_test_run ();
  remove_tree (tmp_root);
  g_free (tmp_root);
  return ret;
}
