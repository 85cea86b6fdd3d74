/* test-sync-ui.c — the sync controller, status line, conflicts, booking and
 * account set-up against the test FHIR server over HTTPS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>
#include <gtk/gtk.h>

#include "mk-account.h"
#include "mk-account-setup.h"
#include "mk-application.h"
#include "mk-appointment-card.h"
#include "mk-auth.h"
#include "mk-booking-dialog.h"
#include "mk-conflict-dialog.h"
#include "mk-demo.h"
#include "mk-edits.h"
#include "mk-outbox.h"
#include "mk-secret.h"
#include "mk-sync-controller.h"
#include "mk-sync-status.h"
#include "mk-test-server.h"
#include "mk-test-util.h"

#define TOKEN "ui-test-token"
#define WAIT_SECONDS 30

typedef struct
{
  char             *dir;
  MkTestServer     *server;
  MkStore          *store;
  MkClock          *clock;
  MkSyncController *controller;
  MkSyncStatus     *status;
  GtkWindow        *window;
  GArray           *states;    /* MkSyncState, as notified */
} Fixture;

static gboolean
have_keyring (void)
{
  if (g_getenv ("MEDKARTA_TEST_KEYRING") == NULL)
    {
      g_test_skip ("No test keyring (run under build-aux/test-session.sh)");
      return FALSE;
    }
  return TRUE;
}

static void
iterate (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static void
on_state (MkSyncController *controller,
          GParamSpec       *pspec,
          Fixture          *f)
{
  MkSyncState state = mk_sync_controller_get_state (controller);

  g_array_append_val (f->states, state);
}

/* Runs the main loop until @f's controller is no longer syncing. */
static void
wait_idle (Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_TIME_SPAN_SECOND;

  while (mk_sync_controller_get_state (f->controller) == MK_SYNC_STATE_SYNCING)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("The sync did not end within %d s", WAIT_SECONDS);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  iterate ();
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(MkAccount) account = NULL;
  g_autofree char *path = NULL;

  f->states = g_array_new (FALSE, FALSE, sizeof (MkSyncState));
  if (!have_keyring ())
    return;

  f->dir = g_dir_make_tmp ("medkarta-sync-ui-XXXXXX", &error);
  g_assert_no_error (error);

  f->server = mk_test_server_new (NULL, &error);
  g_assert_no_error (error);
  g_assert_true (mk_test_server_start (f->server, &error));
  g_assert_no_error (error);
  mk_test_server_set_token (f->server, TOKEN);
  g_assert_true (mk_test_server_load_demo (f->server, now, &error));
  g_assert_no_error (error);

  path = g_build_filename (f->dir, "card", MK_STORE_FILE_NAME, NULL);
  f->store = mk_store_open (path, &error);
  g_assert_no_error (error);

  account = mk_account_new (mk_test_server_get_base_url (f->server), MK_ACCOUNT_ROLE_PATIENT,
                            MK_DEMO_PATIENT_ID, &error);
  g_assert_no_error (error);
  mk_account_set_name (account, "Test clinic");
  mk_account_set_ca_file (account, mk_test_server_get_ca_file (f->server));
  g_assert_true (mk_auth_set_bearer_token (account, TOKEN, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (mk_account_save (account, f->store, &error));
  g_assert_no_error (error);

  f->clock = mk_clock_new_fake (now);
  /* No network monitor: the test says when the network comes and goes. */
  f->controller = mk_sync_controller_new (f->store, f->clock, NULL);
  mk_sync_controller_set_retry_policy (f->controller, 2, 10, 200);
  g_signal_connect (f->controller, "notify::state", G_CALLBACK (on_state), f);

  f->status = MK_SYNC_STATUS (mk_sync_status_new ());
  mk_sync_status_set_controller (f->status, f->controller);
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_child (f->window, GTK_WIDGET (f->status));
  gtk_window_present (f->window);
  iterate ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->controller != NULL)
    {
      mk_sync_controller_cancel (f->controller);
      wait_idle (f);
      g_signal_handlers_disconnect_by_data (f->controller, f);
    }
  if (f->window != NULL)
    gtk_window_destroy (f->window);
  iterate ();
  if (f->controller != NULL)
    g_assert_finalize_object (f->controller);
  f->controller = NULL;
  g_clear_object (&f->clock);
  g_clear_object (&f->store);
  if (f->server != NULL)
    mk_test_server_stop (f->server);
  g_clear_object (&f->server);
  if (f->dir != NULL)
    mk_test_remove_tree (f->dir);
  g_clear_pointer (&f->dir, g_free);
  g_clear_pointer (&f->states, g_array_unref);
}

static const char *
tr (const char *msgid)
{
  return g_dgettext (GETTEXT_PACKAGE, msgid);
}

static void
first_sync (Fixture *f)
{
  mk_sync_controller_start (f->controller);
  wait_idle (f);
  g_assert_cmpint (mk_sync_controller_get_state (f->controller), ==, MK_SYNC_STATE_IDLE);
  g_assert_nonnull (mk_sync_controller_get_last_sync (f->controller));
  g_array_set_size (f->states, 0);
}

/* ---- tests ------------------------------------------------------------------ */

static void
test_relative_time (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 11, 23, 10, 0, 0);
  g_autoptr(GDateTime) seconds = g_date_time_add_seconds (now, -20);
  g_autoptr(GDateTime) minutes = g_date_time_add_minutes (now, -5);
  g_autoptr(GDateTime) hours = g_date_time_add_hours (now, -3);
  g_autoptr(GDateTime) days = g_date_time_add_days (now, -3);
  g_autofree char *never = mk_sync_status_format_synced (NULL, now);
  g_autofree char *just_now = mk_sync_status_format_synced (seconds, now);
  g_autofree char *five = mk_sync_status_format_synced (minutes, now);
  g_autofree char *three = mk_sync_status_format_synced (hours, now);
  g_autofree char *date = mk_sync_status_format_synced (days, now);

  g_assert_cmpstr (never, ==, tr ("Not synced yet"));
  g_assert_cmpstr (just_now, ==, tr ("Synced just now"));
  g_assert_cmpstr (five, ==, "Synced 5 minutes ago");
  g_assert_cmpstr (three, ==, "Synced 3 hours ago");
  g_assert_true (g_str_has_prefix (date, "Synced on "));
  g_assert_nonnull (strstr (date, "2026"));
}

static void
test_first_sync (Fixture       *f,
                 gconstpointer  data)
{
  if (f->controller == NULL)
    return;

  g_assert_true (mk_sync_controller_get_is_account (f->controller));
  g_assert_true (mk_sync_status_get_shown (f->status));
  g_assert_cmpstr (mk_sync_status_get_text (f->status), ==, tr ("Not synced yet"));
  g_assert_null (mk_sync_controller_get_last_sync (f->controller));

  mk_sync_controller_start (f->controller);
  g_assert_cmpint (mk_sync_controller_get_state (f->controller), ==, MK_SYNC_STATE_SYNCING);
  g_assert_true (g_str_has_prefix (mk_sync_status_get_text (f->status), tr ("Syncing…")));
  g_assert_cmpstr (mk_sync_status_get_button_action (f->status), ==, "win.cancel-sync");
  /* Asking again while it runs starts nothing. */
  g_assert_false (mk_sync_controller_sync (f->controller));

  wait_idle (f);

  g_assert_cmpuint (f->states->len, ==, 2);
  g_assert_cmpint (g_array_index (f->states, MkSyncState, 0), ==, MK_SYNC_STATE_SYNCING);
  g_assert_cmpint (g_array_index (f->states, MkSyncState, 1), ==, MK_SYNC_STATE_IDLE);
  g_assert_nonnull (mk_sync_controller_get_last_sync (f->controller));
  g_assert_cmpuint (mk_sync_controller_get_pages (f->controller), >, 0);
  g_assert_cmpuint (mk_sync_controller_get_resources (f->controller), >, 100);
  g_assert_null (mk_sync_controller_get_error_message (f->controller));
  g_assert_cmpuint (mk_sync_controller_get_n_runs (f->controller), ==, 1);

  g_assert_cmpstr (mk_sync_status_get_text (f->status), ==, tr ("Synced just now"));
  g_assert_null (mk_sync_status_get_button_action (f->status));
  g_assert_null (mk_sync_status_get_pending_text (f->status));
  g_assert_null (mk_sync_status_get_attention_text (f->status));

  /* The fake clock moves on: the line says how long ago. */
  mk_clock_advance (f->clock, 5 * G_TIME_SPAN_MINUTE + 10 * G_TIME_SPAN_SECOND);
  g_object_notify (G_OBJECT (f->controller), "last-sync");
  g_assert_cmpstr (mk_sync_status_get_text (f->status), ==, "Synced 5 minutes ago");
}

static void
test_failed (Fixture       *f,
             gconstpointer  data)
{
  if (f->controller == NULL)
    return;

  mk_test_server_add_fault (f->server, MK_TEST_FAULT_STATUS_503, NULL, 0);
  mk_sync_controller_start (f->controller);
  wait_idle (f);

  g_assert_cmpint (mk_sync_controller_get_state (f->controller), ==, MK_SYNC_STATE_FAILED);
  g_assert_nonnull (mk_sync_controller_get_error_message (f->controller));
  g_assert_true (g_str_has_prefix (mk_sync_status_get_text (f->status), "Sync failed: "));
  g_assert_nonnull (strstr (mk_sync_status_get_text (f->status),
                            mk_sync_controller_get_error_message (f->controller)));
  g_assert_cmpstr (mk_sync_status_get_button_action (f->status), ==, "win.sync");
  g_assert_null (mk_sync_controller_get_last_sync (f->controller));

  /* Retry once the server is back. */
  mk_test_server_clear_faults (f->server);
  g_assert_true (mk_sync_controller_sync (f->controller));
  wait_idle (f);
  g_assert_cmpint (mk_sync_controller_get_state (f->controller), ==, MK_SYNC_STATE_IDLE);
  g_assert_null (mk_sync_controller_get_error_message (f->controller));
}

static void
test_sign_in_required (Fixture       *f,
                       gconstpointer  data)
{
  guint runs;

  if (f->controller == NULL)
    return;

  first_sync (f);
  mk_test_server_expire_token (f->server);
  mk_test_server_reset_request_counts (f->server);

  g_assert_true (mk_sync_controller_sync (f->controller));
  wait_idle (f);
  g_assert_cmpint (mk_sync_controller_get_state (f->controller), ==, MK_SYNC_STATE_SIGN_IN_REQUIRED);
  g_assert_cmpstr (mk_sync_status_get_button_action (f->status), ==, "win.sign-in");
  /* Exactly one attempt: the refused request, no loop. */
  g_assert_cmpuint (mk_test_server_get_request_count (f->server, NULL, NULL), ==, 1);
  runs = mk_sync_controller_get_n_runs (f->controller);

  /* The network coming back does not try again until the user signs in. */
  mk_sync_controller_set_network_available (f->controller, FALSE);
  mk_sync_controller_set_network_available (f->controller, TRUE);
  iterate ();
  g_assert_cmpint (mk_sync_controller_get_state (f->controller), ==, MK_SYNC_STATE_SIGN_IN_REQUIRED);
  g_assert_cmpuint (mk_sync_controller_get_n_runs (f->controller), ==, runs);
  g_assert_cmpuint (mk_test_server_get_request_count (f->server, NULL, NULL), ==, 1);

  /* Signed in again (a new token): the sync goes through. */
  mk_test_server_set_token (f->server, TOKEN);
  mk_sync_controller_signed_in (f->controller);
  wait_idle (f);
  g_assert_cmpint (mk_sync_controller_get_state (f->controller), ==, MK_SYNC_STATE_IDLE);
}

static void
on_booked (MkBookingDialog *dialog,
           const char      *appointment_id,
           char           **out)
{
  *out = g_strdup (appointment_id);
}

static void
test_book_offline (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *booked = NULL;
  g_autoptr(MkResource) slot = NULL;
  g_autoptr(MkResource) appointment = NULL;
  g_autofree char *slot_id = NULL;
  g_autofree char *expected = NULL;
  MkBookingDialog *dialog;
  MkAppointmentCard *card;
  guint before;

  if (f->controller == NULL)
    return;

  first_sync (f);
  before = mk_test_server_count_resources (f->server, "Appointment");

  /* Offline: the line says so and nothing runs. */
  mk_sync_controller_set_network_available (f->controller, FALSE);
  g_assert_cmpint (mk_sync_controller_get_state (f->controller), ==, MK_SYNC_STATE_OFFLINE);
  g_assert_cmpstr (mk_sync_status_get_text (f->status),
                   ==, tr ("Offline — changes are kept and sent when the network returns"));
  g_assert_false (mk_sync_controller_sync (f->controller));

  dialog = MK_BOOKING_DIALOG (mk_booking_dialog_new (f->window, f->store, f->clock,
                                                     "Patient/" MK_DEMO_PATIENT_ID));
  g_signal_connect (dialog, "booked", G_CALLBACK (on_booked), &booked);
  gtk_window_present (GTK_WINDOW (dialog));
  iterate ();
  g_assert_cmpuint (g_list_model_get_n_items (mk_booking_dialog_get_slots (dialog)), >, 0);
  slot = g_list_model_get_item (mk_booking_dialog_get_slots (dialog), 0);
  slot_id = g_strdup (mk_resource_get_id (slot));
  g_assert_cmpstr (mk_resource_get_status (slot), ==, "free");
  g_assert_true (mk_booking_dialog_select_slot (dialog, slot_id));
  mk_booking_dialog_set_reason (dialog, "Check-up");

  g_object_ref (dialog);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "booking.book", NULL));
  iterate ();
  g_assert_finalize_object (dialog);
  g_assert_nonnull (booked);

  /* In the card at once, waiting to be sent. */
  g_assert_cmpuint (mk_sync_controller_get_n_pending (f->controller), ==, 1);
  expected = g_strdup_printf (ngettext ("%u change waiting", "%u changes waiting", 1), 1);
  g_assert_cmpstr (mk_sync_status_get_pending_text (f->status), ==, expected);
  appointment = mk_store_get_resource (f->store, "Appointment", booked, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mk_resource_get_status (appointment), ==, "booked");
  card = mk_appointment_card_new_with_clock (f->store, appointment, f->clock);
  g_assert_true (mk_appointment_card_get_waiting (card));
  gtk_window_destroy (GTK_WINDOW (card));

  /* The network returns: the sync starts by itself and sends it. */
  mk_sync_controller_set_network_available (f->controller, TRUE);
  g_assert_cmpint (mk_sync_controller_get_state (f->controller), ==, MK_SYNC_STATE_SYNCING);
  wait_idle (f);
  g_assert_cmpint (mk_sync_controller_get_state (f->controller), ==, MK_SYNC_STATE_IDLE);
  g_assert_cmpuint (mk_sync_controller_get_n_pending (f->controller), ==, 0);
  g_assert_null (mk_sync_status_get_pending_text (f->status));
  g_assert_cmpuint (mk_test_server_count_resources (f->server, "Appointment"), ==, before + 1);
  g_clear_object (&slot);
  slot = mk_store_get_resource (f->store, "Slot", slot_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mk_resource_get_status (slot), ==, "busy");
}

static void
test_offline_cancels (Fixture       *f,
                      gconstpointer  data)
{
  if (f->controller == NULL)
    return;

  /* Going offline in the middle of a sync cancels it. */
  mk_test_server_set_delay (f->server, 1000);
  mk_test_server_add_fault (f->server, MK_TEST_FAULT_DELAY, NULL, 1);
  mk_sync_controller_start (f->controller);
  g_assert_cmpint (mk_sync_controller_get_state (f->controller), ==, MK_SYNC_STATE_SYNCING);
  mk_sync_controller_set_network_available (f->controller, FALSE);
  g_assert_cmpint (mk_sync_controller_get_state (f->controller), ==, MK_SYNC_STATE_OFFLINE);
  wait_idle (f);
  g_assert_cmpint (mk_sync_controller_get_state (f->controller), ==, MK_SYNC_STATE_OFFLINE);
  g_assert_null (mk_sync_controller_get_error_message (f->controller));
}

static void
test_conflict (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MkResource) appointment = NULL;
  g_autoptr(GPtrArray) differences = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *status_line = NULL;
  MkAppointmentCard *card;
  MkConflictDialog *dialog;
  MkOutboxEntry *entry;
  gint64 seq;
  gboolean found = FALSE;

  if (f->controller == NULL)
    return;

  first_sync (f);
  g_assert_true (mk_test_server_touch (f->server, "Appointment", "appt-next-week", &error));
  g_assert_no_error (error);

  appointment = mk_store_get_resource (f->store, "Appointment", "appt-next-week", &error);
  g_assert_no_error (error);
  card = mk_appointment_card_new_with_clock (f->store, appointment, f->clock);
  g_assert_true (gtk_widget_get_sensitive (mk_appointment_card_get_cancel_button (card)));
  g_assert_true (mk_appointment_card_cancel (card, "Feeling better", &error));
  g_assert_no_error (error);
  g_assert_true (mk_appointment_card_get_waiting (card));
  g_assert_false (gtk_widget_get_sensitive (mk_appointment_card_get_cancel_button (card)));
  gtk_window_destroy (GTK_WINDOW (card));

  g_assert_true (mk_sync_controller_sync (f->controller));
  wait_idle (f);
  /* The exchange completed; the conflict is a count, not a failure. */
  g_assert_cmpint (mk_sync_controller_get_state (f->controller), ==, MK_SYNC_STATE_IDLE);
  g_assert_cmpuint (mk_sync_controller_get_n_conflicts (f->controller), ==, 1);
  expected = g_strdup_printf (ngettext ("%u conflict to resolve", "%u conflicts to resolve", 1), 1);
  g_assert_cmpstr (mk_sync_status_get_attention_text (f->status), ==, expected);

  entries = mk_store_list_outbox (f->store, MK_OUTBOX_CONFLICT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  differences = mk_conflict_dialog_describe_differences (entry->json, entry->server_json);
  status_line = g_strdup_printf ("%s: %s → %s", "Status", "Cancelled", "Booked");
  for (guint i = 0; i < differences->len; i++)
    found |= g_str_equal (g_ptr_array_index (differences, i), status_line);
  g_assert_true (found);

  dialog = MK_CONFLICT_DIALOG (mk_conflict_dialog_new (f->window, f->store, f->controller));
  gtk_window_present (GTK_WINDOW (dialog));
  iterate ();
  g_assert_cmpuint (mk_conflict_dialog_get_conflicts (dialog)->len, ==, 1);
  seq = g_array_index (mk_conflict_dialog_get_conflicts (dialog), gint64, 0);
  g_assert_cmpint (seq, ==, entry->seq);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "conflict.keep-server", "x", seq));
  g_assert_cmpuint (mk_conflict_dialog_get_conflicts (dialog)->len, ==, 0);
  g_assert_cmpuint (mk_sync_controller_get_n_conflicts (f->controller), ==, 0);
  g_assert_null (mk_sync_status_get_attention_text (f->status));
  g_clear_object (&appointment);
  appointment = mk_store_get_resource (f->store, "Appointment", "appt-next-week", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mk_resource_get_status (appointment), ==, "booked");

  /* The choice started a sync. */
  wait_idle (f);
  g_assert_cmpint (mk_sync_controller_get_state (f->controller), ==, MK_SYNC_STATE_IDLE);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_cancel_cutoff (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(MkClock) clock = mk_clock_new_fake (now);
  g_autoptr(MkStore) store = NULL;
  g_autoptr(MkResource) appointment = NULL;
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) soon = NULL;
  g_autofree char *dir = g_dir_make_tmp ("medkarta-sync-ui-XXXXXX", &error);
  g_autofree char *path = NULL;
  MkAppointmentCard *card;
  GtkWidget *button;

  g_assert_no_error (error);
  path = g_build_filename (dir, MK_STORE_FILE_NAME, NULL);
  store = mk_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (mk_demo_ensure (store, now, &error));
  g_assert_no_error (error);

  appointment = mk_store_get_resource (store, "Appointment", "appt-tomorrow", &error);
  g_assert_no_error (error);
  start = g_date_time_new_from_iso8601 (json_object_get_string_member (mk_resource_get_object (appointment),
                                                                       "start"), NULL);
  g_assert_nonnull (start);

  /* A day ahead: the button works. */
  card = mk_appointment_card_new_with_clock (store, appointment, clock);
  button = mk_appointment_card_get_cancel_button (card);
  g_assert_true (gtk_widget_get_sensitive (button));
  gtk_window_destroy (GTK_WINDOW (card));

  /* One hour before the visit: too late, and the tooltip says why. */
  soon = g_date_time_add_hours (start, -1);
  mk_clock_set_now (clock, soon);
  card = mk_appointment_card_new_with_clock (store, appointment, clock);
  button = mk_appointment_card_get_cancel_button (card);
  g_assert_false (gtk_widget_get_sensitive (button));
  g_assert_nonnull (gtk_widget_get_tooltip_text (button));
  g_assert_false (mk_appointment_card_cancel (card, NULL, &error));
  g_assert_error (error, MK_EDITS_ERROR, MK_EDITS_ERROR_TOO_LATE);
  gtk_window_destroy (GTK_WINDOW (card));

  g_clear_object (&store);
  mk_test_remove_tree (dir);
}

static void
on_account_created (MkAccountSetup *setup,
                    const char     *account_id,
                    char          **out)
{
  *out = g_strdup (account_id);
}

static void
wait_setup (MkAccountSetup *setup)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_TIME_SPAN_SECOND;

  while (mk_account_setup_get_busy (setup))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Discovery did not end within %d s", WAIT_SECONDS);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

static void
test_account_setup (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MkStore) store = NULL;
  g_autoptr(MkAccount) account = NULL;
  g_autoptr(MkSecretToken) token = NULL;
  g_autofree char *created = NULL;
  MkAccountSetup *setup;

  if (f->controller == NULL)
    return;

  setup = MK_ACCOUNT_SETUP (mk_account_setup_new (f->window));
  g_signal_connect (setup, "account-created", G_CALLBACK (on_account_created), &created);
  gtk_window_present (GTK_WINDOW (setup));

  /* http is refused as typed. */
  mk_account_setup_set_url (setup, "http://127.0.0.1/fhir");
  g_assert_cmpstr (mk_account_setup_get_error (setup), ==, tr ("The address must start with https://"));

  /* Without the clinic's CA the certificate is not trusted: said inline. */
  mk_account_setup_set_url (setup, mk_test_server_get_base_url (f->server));
  g_assert_null (mk_account_setup_get_error (setup));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (setup), "setup.discover", NULL));
  g_assert_true (mk_account_setup_get_busy (setup));
  wait_setup (setup);
  g_assert_nonnull (mk_account_setup_get_error (setup));
  g_assert_cmpint (mk_account_setup_get_method (setup), ==, MK_ACCOUNT_SETUP_UNKNOWN);

  /* With it: FHIR R4, no SMART configuration → a token from the administrator. */
  mk_account_setup_set_ca_file (setup, mk_test_server_get_ca_file (f->server));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (setup), "setup.discover", NULL));
  wait_setup (setup);
  g_assert_null (mk_account_setup_get_error (setup));
  g_assert_cmpint (mk_account_setup_get_method (setup), ==, MK_ACCOUNT_SETUP_BEARER);

  mk_account_setup_set_token (setup, TOKEN);
  mk_account_setup_set_account_name (setup, "Поликлиника");
  mk_account_setup_set_resource_id (setup, MK_DEMO_PATIENT_ID);

  g_object_ref (setup);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (setup), "setup.save", NULL));
  iterate ();
  g_assert_finalize_object (setup);
  g_assert_nonnull (created);

  store = mk_application_open_account_store (created, &error);
  g_assert_no_error (error);
  account = mk_account_load (store, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mk_account_get_server_url (account), ==, mk_test_server_get_base_url (f->server));
  g_assert_cmpstr (mk_account_get_ca_file (account), ==, mk_test_server_get_ca_file (f->server));
  g_assert_cmpstr (mk_account_get_subject_id (account), ==, MK_DEMO_PATIENT_ID);
  g_assert_cmpint (mk_account_get_auth_method (account), ==, MK_AUTH_METHOD_BEARER);
  /* The token is in the keyring, not in the store. */
  token = mk_auth_lookup_access_token (account, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, TOKEN);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  setlocale (LC_ALL, "C.UTF-8");

#define ADD(name, func) \
  g_test_add ("/sync-ui/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/sync-ui/relative-time", test_relative_time);
  ADD ("first-sync", test_first_sync);
  ADD ("failed", test_failed);
  ADD ("sign-in-required", test_sign_in_required);
  ADD ("book-offline", test_book_offline);
  ADD ("offline-cancels", test_offline_cancels);
  ADD ("conflict", test_conflict);
  g_test_add_func ("/sync-ui/cancel-cutoff", test_cancel_cutoff);
  ADD ("account-setup", test_account_setup);

  return g_test_run ();
}
