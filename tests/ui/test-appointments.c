/* test-appointments.c — upcoming and past visits and the visit card
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "mk-appointment-card.h"
#include "mk-appointment-row.h"
#include "mk-appointments-page.h"
#include "mk-fhir-types.h"
#include "mk-ui-test-util.h"

static void
test_appointments_upcoming_and_past (void)
{
  g_autoptr(MkStore) store = mk_ui_test_open_demo_store ();
  g_autoptr(MkClock) clock = mk_ui_test_clock ();
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
  window = mk_ui_test_show_in_window (GTK_WIDGET (page));
  upcoming = mk_appointments_page_get_upcoming_model (page);
  past = mk_appointments_page_get_past_model (page);

  /* The visit tomorrow comes first among the upcoming ones. */
  g_assert_cmpuint (g_list_model_get_n_items (upcoming), >, 0);
  first = g_list_model_get_item (upcoming, 0);
  g_assert_cmpstr (mk_resource_get_id (first), ==, "appt-tomorrow");
  g_assert_false (mk_ui_test_model_has_id (past, "appt-tomorrow"));

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
  g_assert_true (mk_ui_test_model_has_id (past, "appt-cancelled"));
  g_assert_true (mk_ui_test_model_has_id (past, "appt-noshow"));
  g_assert_true (mk_ui_test_model_has_id (past, "appt-past-30"));
  mk_query_add_type (all_query, "Appointment");
  g_assert_cmpuint (g_list_model_get_n_items (upcoming) + g_list_model_get_n_items (past), ==,
                    mk_ui_test_count_query (store, all_query));

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
  mk_ui_test_spin ();
  g_assert_false (mk_appointments_page_is_empty (page));

  gtk_window_destroy (window);
  g_assert_finalize_object (page);
}

static void
test_appointments_rows (void)
{
  g_autoptr(MkStore) store = mk_ui_test_open_demo_store ();
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
  mk_row_set_resource (MK_ROW (row), cancelled);
  g_assert_cmpstr (mk_appointment_row_get_status (row), ==, "Cancelled");
  g_assert_cmpstr (mk_appointment_row_get_status (row), ==, mk_appointment_status_to_label ("cancelled"));

  mk_row_set_resource (MK_ROW (row), tomorrow);
  g_assert_cmpstr (mk_appointment_row_get_status (row), ==, "Booked");
  /* The local start time is in the title. */
  appointment = mk_appointment_read (mk_resource_get_object (tomorrow), NULL);
  start = mk_appointment_dup_start (appointment);
  local = g_date_time_to_local (start);
  time = g_date_time_format (local, "%H:%M");
  g_assert_nonnull (strstr (mk_appointment_row_get_title (row), time));
  g_assert_cmpstr (mk_appointment_row_get_subtitle (row), !=, "");

  /* Lists give the institution's short name (its alias), the card the
   * official one; both as the stored Organization says. */
  {
    g_autoptr(MkResource) org = mk_store_get_resource (store, "Organization", "org-polyclinic", NULL);
    g_autoptr(MkOrganization) organization = NULL;
    g_autofree char *short_name = NULL;
    g_autofree char *full_name = NULL;
    g_autofree char *address = NULL;
    g_autofree char *address2 = NULL;

    g_assert_nonnull (org);
    organization = mk_organization_read (mk_resource_get_object (org), NULL);
    g_assert_nonnull (organization->alias);
    mk_appointment_row_dup_place (store, appointment, FALSE, &short_name, &address);
    mk_appointment_row_dup_place (store, appointment, TRUE, &full_name, &address2);
    g_assert_cmpstr (short_name, ==, organization->alias);
    g_assert_cmpstr (full_name, ==, organization->name);
  }

  g_assert_finalize_object (row);
}

static void
test_appointments_card (void)
{
  g_autoptr(MkStore) store = mk_ui_test_open_demo_store ();
  g_autoptr(MkClock) clock = mk_ui_test_clock ();
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
  window = mk_ui_test_show_in_window (GTK_WIDGET (page));

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
  mk_ui_test_spin ();
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
  g_autoptr(MkStore) store = mk_ui_test_open_demo_store ();
  g_autoptr(MkClock) clock = mk_ui_test_clock ();
  MkAppointmentsPage *page;

  page = MK_APPOINTMENTS_PAGE (g_object_ref_sink (mk_appointments_page_new (store, clock)));

  /* Two days later the visit "tomorrow" is in the past. */
  mk_clock_advance (clock, 2 * G_TIME_SPAN_DAY);
  mk_appointments_page_refresh (page);
  g_assert_false (mk_ui_test_model_has_id (mk_appointments_page_get_upcoming_model (page), "appt-tomorrow"));
  g_assert_true (mk_ui_test_model_has_id (mk_appointments_page_get_past_model (page), "appt-tomorrow"));

  g_assert_finalize_object (page);
}

int
main (int   argc,
      char *argv[])
{
  mk_ui_test_init (&argc, &argv, "medkarta-test-appointments-XXXXXX");

  g_test_add_func ("/appointments/upcoming-and-past", test_appointments_upcoming_and_past);
  g_test_add_func ("/appointments/rows", test_appointments_rows);
  g_test_add_func ("/appointments/card", test_appointments_card);
  g_test_add_func ("/appointments/clock-moves", test_appointments_clock_moves);

  return mk_ui_test_run ();
}
