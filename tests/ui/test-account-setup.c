/* test-account-setup.c — the account assistant's SMART on FHIR sign-in, from
 * the main window's "Connect to a clinic server" to the first sync
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The clinic: medkarta-test-server (in this process, the demo card loaded)
 * behind tests/auth/smart-server.mjs, which serves the SMART configuration
 * of oidc-provider (npm) at <issuer>/fhir and passes the FHIR requests on to
 * the test server once the access token checks out with the provider. Over
 * HTTPS on 127.0.0.1 with a certificate made for the run, trusted as the
 * account's CA file.
 *
 * The assistant's "open-uri" signal hands the authorize URL to the test
 * instead of the system browser; the test then plays the browser in a thread
 * (cookies on, redirects followed by hand) up to the loopback redirect.
 * Skipped, saying why, without node/npm, certtool or the test keyring
 * (build-aux/test-session.sh), like tests/auth/test-smart.c.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "mk-account.h"
#include "mk-account-setup.h"
#include "mk-application.h"
#include "mk-auth.h"
#include "mk-demo.h"
#include "mk-resource.h"
#include "mk-secret.h"
#include "mk-test-browser.h"
#include "mk-test-server.h"
#include "mk-ui-test-util.h"
#include "mk-window.h"

/* The demo card's patient: the one the provider puts in the token response. */
#define PATIENT_ID MK_DEMO_PATIENT_ID
#define WAIT_SECONDS 60

static char *skip_reason;
static char *tmp_dir;
static MkTestServer *fhir_server;
static MkTestSmartServer *smart_server;
static const char *cert_file;          /* the provider's */
static const char *fhir_base;          /* the provider's /fhir, in front of the test server */
static MkApplication *app;

/* ------------------------------------------------------------------ */
/* The clinic                                                           */

static void
start_clinic (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  tmp_dir = g_dir_make_tmp ("medkarta-account-setup-XXXXXX", &error);
  g_assert_no_error (error);

  /* The FHIR server: open to whoever reaches it; the provider in front
   * checks the tokens. */
  fhir_server = mk_test_server_new (NULL, &error);
  g_assert_no_error (error);
  g_assert_true (mk_test_server_load_demo (fhir_server, now, &error));
  g_assert_no_error (error);
  g_assert_true (mk_test_server_start (fhir_server, &error));
  g_assert_no_error (error);

  smart_server = mk_test_smart_server_start (tmp_dir, MK_ACCOUNT_DEFAULT_CLIENT_ID, PATIENT_ID,
                                             mk_test_server_get_base_url (fhir_server),
                                             mk_test_server_get_ca_file (fhir_server));
  cert_file = smart_server->cert_file;
  fhir_base = smart_server->fhir_base;
}

static void
stop_clinic (void)
{
  g_clear_pointer (&smart_server, mk_test_smart_server_stop);
  cert_file = NULL;
  fhir_base = NULL;
  if (fhir_server != NULL)
    mk_test_server_stop (fhir_server);
  g_clear_object (&fhir_server);
  if (tmp_dir != NULL)
    mk_test_remove_tree (tmp_dir);
  g_clear_pointer (&tmp_dir, g_free);
}

/* ------------------------------------------------------------------ */
/* The browser                                                          */

/* The assistant's "open-uri": the test's browser instead of the system's. */
static gboolean
on_open_uri (MkAccountSetup *setup,
             const char     *uri,
             MkTestBrowser  *browser)
{
  mk_test_browser_open (browser, uri);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Helpers                                                              */

typedef gboolean (*Condition) (gpointer data);

static void
wait_for (Condition   condition,
          gpointer    data,
          const char *what)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_TIME_SPAN_SECOND;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("%s did not happen within %d s", what, WAIT_SECONDS);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  mk_ui_test_spin ();
}

static gboolean
setup_idle (gpointer data)
{
  return !mk_account_setup_get_busy (data);
}

static gboolean
sync_ended (gpointer data)
{
  MkSyncController *controller = data;

  return mk_sync_controller_get_n_runs (controller) > 0 &&
         mk_sync_controller_get_state (controller) != MK_SYNC_STATE_SYNCING;
}

static const char *
tr (const char *msgid)
{
  return g_dgettext (GETTEXT_PACKAGE, msgid);
}

static void
on_account_created (MkAccountSetup *setup,
                    const char     *account_id,
                    char          **out)
{
  g_free (*out);
  *out = g_strdup (account_id);
}

/* A new main window in *@window, and the assistant it opens for "Connect
 * to a clinic server": its browser is @browser, the id of the account it
 * creates goes into *@created. */
static MkAccountSetup *
open_assistant (MkClock        *clock,
                MkTestBrowser  *browser,
                char          **created,
                MkWindow      **window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* owned by GTK */
  MkAccountSetup *setup = NULL;

  *window = mk_window_new (app, NULL, clock);
  gtk_window_present (GTK_WINDOW (*window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (*window), "win.connect-server", NULL));
  mk_ui_test_spin ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (MK_IS_ACCOUNT_SETUP (toplevel) && gtk_window_get_transient_for (toplevel) == GTK_WINDOW (*window))
        {
          g_assert_null (setup);
          setup = MK_ACCOUNT_SETUP (toplevel);
        }
    }
  g_assert_nonnull (setup);

  g_signal_connect (setup, "open-uri", G_CALLBACK (on_open_uri), browser);
  g_signal_connect (setup, "account-created", G_CALLBACK (on_account_created), created);
  return setup;
}

/* Types the clinic's address and CA file and discovers: SMART is offered. */
static void
discover (MkAccountSetup *setup)
{
  mk_account_setup_set_ca_file (setup, cert_file);
  mk_account_setup_set_url (setup, fhir_base);
  g_assert_null (mk_account_setup_get_error (setup));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (setup), "setup.discover", NULL));
  g_assert_true (mk_account_setup_get_busy (setup));
  wait_for (setup_idle, setup, "Discovery");
  g_assert_null (mk_account_setup_get_error (setup));
  g_assert_cmpint (mk_account_setup_get_method (setup), ==, MK_ACCOUNT_SETUP_SMART);
}

/* Every regular file below @path (symbolic links not followed) into @files. */
static void
list_files (const char *path,
            GPtrArray  *files)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    return;
  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (files, g_strdup (path));
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      list_files (child, files);
    }
}

/* Asserts that @secret is in no file of the user's data and cache homes
 * (the stores with their WAL, anything else written there) and in no
 * setting. Returns how many files were looked at. */
static guint
assert_nowhere_but_keyring (const char *secret)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSettings) settings = mk_application_create_settings ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_assert_cmpuint (strlen (secret), >=, 16);

  list_files (g_get_user_data_dir (), files);
  list_files (g_get_user_cache_dir (), files);
  for (guint i = 0; i < files->len; i++)
    {
      g_autofree char *data = NULL;
      gsize len = 0;

      g_assert_true (g_file_get_contents (files->pdata[i], &data, &len, NULL));
      if (mk_test_bytes_contain (data, len, secret))
        g_error ("A token is in %s", (const char *) files->pdata[i]);
    }

  g_assert_nonnull (settings);
  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr(GVariant) value = g_settings_get_value (settings, keys[i]);
      g_autofree char *text = g_variant_print (value, FALSE);

      if (strstr (text, secret) != NULL)
        g_error ("A token is in the setting %s", keys[i]);
    }

  return files->len;
}

static char **
get_accounts (void)
{
  g_autoptr(GSettings) settings = mk_application_create_settings ();

  g_assert_nonnull (settings);
  return g_settings_get_strv (settings, "accounts");
}

/* Switches the messages to Russian (the catalogue built in <build>/po;
 * LANGUAGE was unset by main()) or back; FALSE when the machine has no
 * Russian locale. */
static gboolean
use_russian (gboolean russian)
{
  if (russian && setlocale (LC_ALL, "ru_RU.UTF-8") != NULL)
    return TRUE;
  setlocale (LC_ALL, "C.UTF-8");
  return !russian;
}

/* GET @path below the FHIR base with @token, as the sync would: the status. */
static guint
fhir_get (const char *path,
          const char *token)
{
  g_autoptr(SoupSession) session = mk_test_new_session (cert_file, 20);
  g_autofree char *url = g_strconcat (fhir_base, "/", path, NULL);
  g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  return soup_message_get_status (msg);
}

/* ------------------------------------------------------------------ */
/* Tests                                                                */

/* The browser comes back without a usable answer: the assistant says why,
 * in the user's language, and nothing is kept. */
static void
check_refused (MkTestBrowserMode  mode,
               const char        *message,
               guint              page_status)
{
  g_autoptr(MkClock) clock = mk_ui_test_clock ();
  g_auto(GStrv) accounts_before = get_accounts ();
  g_auto(GStrv) accounts_after = NULL;
  g_autofree char *created = NULL;
  g_autofree char *medkarta_dir = g_build_filename (g_get_user_data_dir (), "medkarta", NULL);
  g_autoptr(GPtrArray) files_before = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) files_after = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(MkTestBrowser) browser = mk_test_browser_new (mode, cert_file);
  guint keyring_before;
  gboolean russian;
  MkAccountSetup *setup;
  MkWindow *window;

  if (mk_test_skip_if (skip_reason))
    return;

  keyring_before = mk_test_count_tokens ();
  list_files (medkarta_dir, files_before);

  setup = open_assistant (clock, browser, &created, &window);
  discover (setup);

  /* The answer is made into a message while the browser comes back. */
  russian = use_russian (TRUE);
  if (!russian)
    g_test_message ("No ru_RU.UTF-8 locale: the message is checked in English only");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (setup), "setup.smart-sign-in", NULL));
  g_assert_true (mk_account_setup_get_busy (setup));
  g_assert_cmpuint (browser->n_opened, ==, 1);
  wait_for (setup_idle, setup, "The browser's answer");
  mk_test_browser_join (browser);

  /* Said in the assistant, translated. */
  g_test_message ("The assistant says: %s", mk_account_setup_get_error (setup));
  g_assert_cmpstr (mk_account_setup_get_error (setup), ==, tr (message));
  if (russian)
    g_assert_cmpstr (mk_account_setup_get_error (setup), !=, message);
  use_russian (FALSE);

  /* And to the browser. */
  g_assert_null (browser->error);
  g_assert_cmpuint (browser->status, ==, page_status);

  /* Nothing kept: no account, no store, no token; the window still shows
   * the first-run page. */
  g_assert_null (created);
  accounts_after = get_accounts ();
  g_assert_cmpuint (g_strv_length (accounts_after), ==, g_strv_length (accounts_before));
  list_files (medkarta_dir, files_after);
  g_assert_cmpuint (files_after->len, ==, files_before->len);
  g_assert_cmpuint (mk_test_count_tokens (), ==, keyring_before);
  g_assert_null (mk_window_get_store (window));
  g_assert_null (mk_window_get_sync_controller (window));

  /* The user may try again. */
  g_assert_false (mk_account_setup_get_busy (setup));
  g_assert_cmpint (mk_account_setup_get_method (setup), ==, MK_ACCOUNT_SETUP_SMART);
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (setup)));

  g_object_ref (setup);
  gtk_window_destroy (GTK_WINDOW (setup));
  mk_ui_test_spin ();
  g_assert_finalize_object (setup);
  gtk_window_destroy (GTK_WINDOW (window));
  mk_ui_test_spin ();
}

static void
test_forged_state (void)
{
  check_refused (MK_TEST_BROWSER_FORGE_STATE,
                 "The sign-in answer does not belong to the sign-in Medkarta started, so it "
                 "was refused. Start the sign-in again", 400);
}

static void
test_access_denied (void)
{
  check_refused (MK_TEST_BROWSER_DENY, "The sign-in was cancelled or access was not allowed", 200);
}

static void
test_sign_in_and_first_sync (void)
{
  g_autoptr(MkClock) clock = mk_ui_test_clock ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MkAccount) account = NULL;
  g_autoptr(MkSecretToken) access = NULL;
  g_autoptr(MkSecretToken) refresh = NULL;
  g_autoptr(MkResource) patient = NULL;
  g_autofree char *created = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autofree char *issuer = NULL;
  g_autofree char *authorize_endpoint = NULL;
  g_auto(GStrv) accounts = NULL;
  g_autoptr(MkTestBrowser) browser = mk_test_browser_new (MK_TEST_BROWSER_SIGN_IN, cert_file);
  MkSyncController *controller;
  MkAccountSetup *setup;
  MkWindow *window;
  MkStore *store;
  guint keyring_before;

  if (mk_test_skip_if (skip_reason))
    return;

  keyring_before = mk_test_count_tokens ();
  setup = open_assistant (clock, browser, &created, &window);

  discover (setup);
  /* Nothing to save before signing in. */
  mk_account_setup_set_account_name (setup, "Поликлиника SMART");
  gtk_widget_activate_action (GTK_WIDGET (setup), "setup.save", NULL);
  mk_ui_test_spin ();
  g_assert_null (created);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (setup), "setup.smart-sign-in", NULL));
  g_assert_true (mk_account_setup_get_busy (setup));

  /* The browser was asked to open the provider's authorize page for this
   * server, as this app's client. */
  g_assert_cmpuint (browser->n_opened, ==, 1);
  issuer = g_strndup (fhir_base, strlen (fhir_base) - strlen ("/fhir"));
  authorize_endpoint = g_strconcat (issuer, "/auth?", NULL);
  g_assert_true (g_str_has_prefix (browser->url, authorize_endpoint));
  params = mk_test_authorize_params (browser->url);
  g_assert_cmpstr (g_hash_table_lookup (params, "client_id"), ==, MK_ACCOUNT_DEFAULT_CLIENT_ID);
  g_assert_cmpstr (g_hash_table_lookup (params, "aud"), ==, fhir_base);
  g_assert_cmpstr (g_hash_table_lookup (params, "scope"), ==, MK_AUTH_SCOPE_PATIENT);

  wait_for (setup_idle, setup, "The sign-in in the browser");
  mk_test_browser_join (browser);
  g_assert_null (browser->error);
  g_assert_cmpuint (browser->status, ==, 200);
  g_assert_nonnull (strstr (browser->page, "You can close this window"));
  g_assert_null (mk_account_setup_get_error (setup));

  /* Save: the window opens the new card, which syncs at once. The patient
   * id was never typed: it came with the token. */
  g_object_ref (setup);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (setup), "setup.save", NULL));
  mk_ui_test_spin ();
  g_assert_nonnull (created);
  g_assert_finalize_object (setup);

  accounts = get_accounts ();
  g_assert_true (g_strv_contains ((const char * const *) accounts, created));
  store = mk_window_get_store (window);
  g_assert_nonnull (store);
  g_assert_false (mk_window_get_is_demo (window));

  account = mk_account_load (store, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mk_account_get_server_url (account), ==, fhir_base);
  g_assert_cmpstr (mk_account_get_ca_file (account), ==, cert_file);
  g_assert_cmpstr (mk_account_get_name (account), ==, "Поликлиника SMART");
  g_assert_cmpint (mk_account_get_auth_method (account), ==, MK_AUTH_METHOD_SMART);
  g_assert_cmpint (mk_account_get_role (account), ==, MK_ACCOUNT_ROLE_PATIENT);
  g_assert_cmpstr (mk_account_get_subject_id (account), ==, PATIENT_ID);
  g_assert_nonnull (mk_account_get_token_endpoint (account));
  g_assert_true (g_str_has_prefix (mk_account_get_token_endpoint (account), issuer));

  /* The tokens: in the keyring, under this account, and nowhere else. */
  access = mk_secret_lookup_token (mk_account_get_uuid (account), MK_TOKEN_ACCESS, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (access);
  refresh = mk_secret_lookup_token (mk_account_get_uuid (account), MK_TOKEN_REFRESH, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (refresh);
  g_assert_cmpuint (mk_test_count_tokens (), ==, keyring_before + 2);

  /* The first sync: through the provider's gate, so with the keyring's
   * token; the mirror holds the patient. */
  controller = mk_window_get_sync_controller (window);
  g_assert_nonnull (controller);
  if (mk_sync_controller_get_state (controller) == MK_SYNC_STATE_OFFLINE)
    mk_sync_controller_set_network_available (controller, TRUE);   /* no network monitor here */
  wait_for (sync_ended, controller, "The first sync");
  g_assert_cmpstr (mk_sync_controller_get_error_message (controller), ==, NULL);
  g_assert_cmpint (mk_sync_controller_get_state (controller), ==, MK_SYNC_STATE_IDLE);
  g_assert_nonnull (mk_sync_controller_get_last_sync (controller));
  g_assert_cmpuint (mk_test_server_get_request_count (fhir_server, "GET", "Patient"), >, 0);
  /* The gate the sync passed lets nobody else in. */
  g_assert_cmpuint (fhir_get ("Patient/" PATIENT_ID, "not-a-token-of-this-provider"), ==, 401);
  g_assert_cmpuint (fhir_get ("Patient/" PATIENT_ID, access), ==, 200);

  patient = mk_store_get_resource (store, "Patient", PATIENT_ID, &error);
  g_assert_no_error (error);
  g_assert_nonnull (patient);
  g_assert_cmpstr (mk_resource_get_id (patient), ==, PATIENT_ID);

  /* After the sync wrote its rows and watermarks. */
  g_assert_cmpuint (assert_nowhere_but_keyring (access), >, 0);
  assert_nowhere_but_keyring (refresh);

  g_assert_true (mk_auth_sign_out (account, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (mk_test_count_tokens (), ==, keyring_before);
  gtk_window_destroy (GTK_WINDOW (window));
  mk_ui_test_spin ();
}

int
main (int   argc,
      char *argv[])
{
  const char *build_dir = g_getenv ("MEDKARTA_BUILD_DIR");
  g_autofree char *po_dir = NULL;
  g_autoptr(GError) error = NULL;
  int ret;

  /* Before any thread: the locale alone picks the language (use_russian()). */
  g_unsetenv ("LANGUAGE");
  mk_ui_test_init (&argc, &argv, "medkarta-test-account-setup-XXXXXX");
  setlocale (LC_ALL, "C.UTF-8");
  g_assert_nonnull (build_dir);
  po_dir = g_build_filename (build_dir, "po", NULL);
  bindtextdomain (GETTEXT_PACKAGE, po_dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  skip_reason = mk_test_smart_skip_reason ();

  if (skip_reason == NULL)
    {
      start_clinic ();

      app = mk_application_new ();
      g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
      g_application_register (G_APPLICATION (app), NULL, &error);
      g_assert_no_error (error);
    }

  g_test_add_func ("/account-setup/smart/forged-state", test_forged_state);
  g_test_add_func ("/account-setup/smart/access-denied", test_access_denied);
  g_test_add_func ("/account-setup/smart/sign-in-and-first-sync", test_sign_in_and_first_sync);

  ret = mk_ui_test_run ();

  g_clear_object (&app);
  stop_clinic ();
  g_free (skip_reason);
  return ret;
}
