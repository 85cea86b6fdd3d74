/* test-smart.c — SMART on FHIR standalone launch against oidc-provider, an
 * independent OAuth 2.0 server from npm (tests/auth/smart-server.mjs), over
 * HTTPS on 127.0.0.1 with a certificate made for the run. The test plays the
 * browser: it follows the authorize URL's redirects (the server signs the
 * account in and consents by itself) to the app's loopback listener.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "mk-account.h"
#include "mk-auth.h"
#include "mk-secret.h"
#include "mk-test-browser.h"
#include "mk-test-util.h"

#define CLIENT_ID "medkarta-test"
#define PATIENT_ID "pat-1042"

static char *skip_reason;
static char *tmp_dir;
static MkTestSmartServer *server;
static const char *cert_file;          /* the server's */
static const char *fhir_base;

/* ------------------------------------------------------------------ */
/* Tests                                                                */

static MkAccount *
new_account (void)
{
  g_autoptr(GError) error = NULL;
  MkAccount *account = mk_account_new (fhir_base, MK_ACCOUNT_ROLE_PATIENT, NULL, &error);

  g_assert_no_error (error);
  mk_account_set_ca_file (account, cert_file);
  mk_account_set_client_id (account, CLIENT_ID);
  return account;
}

static MkSmartLogin *
start_login (MkAccount *account)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MkSmartConfiguration) config = NULL;
  MkSmartLogin *login;

  config = mk_auth_discover (fhir_base, cert_file, NULL, &error);
  g_assert_no_error (error);
  login = mk_smart_login_new (account, config);
  mk_smart_login_set_timeout (login, 30);
  g_assert_true (mk_smart_login_start (login, &error));
  g_assert_no_error (error);
  return login;
}

static void
test_discover (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MkSmartConfiguration) config = NULL;
  g_autofree char *issuer = NULL;
  g_autofree char *elsewhere = NULL;

  if (mk_test_skip_if (skip_reason))
    return;

  config = mk_auth_discover (fhir_base, cert_file, NULL, &error);
  g_assert_no_error (error);
  issuer = g_strndup (fhir_base, strlen (fhir_base) - strlen ("/fhir"));
  g_assert_true (g_str_has_prefix (config->authorization_endpoint, issuer));
  g_assert_true (g_str_has_prefix (config->token_endpoint, issuer));
  g_assert_true (g_strv_contains ((const char * const *) config->code_challenge_methods, "S256"));
  g_assert_true (g_strv_contains ((const char * const *) config->capabilities, "launch-standalone"));
  g_clear_pointer (&config, mk_smart_configuration_free);

  /* Without the clinic's CA, the certificate is refused. */
  config = mk_auth_discover (fhir_base, NULL, NULL, &error);
  g_assert_null (config);
  g_assert_error (error, MK_AUTH_ERROR, MK_AUTH_ERROR_TLS);
  g_clear_error (&error);

  /* A FHIR base without SMART. */
  elsewhere = g_strconcat (issuer, "/other-fhir", NULL);
  config = mk_auth_discover (elsewhere, cert_file, NULL, &error);
  g_assert_null (config);
  g_assert_error (error, MK_AUTH_ERROR, MK_AUTH_ERROR_NOT_SUPPORTED);
}

static void
test_login_and_refresh (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MkAccount) account = NULL;
  g_autoptr(MkSmartLogin) login = NULL;
  g_autoptr(MkTestBrowser) browser = mk_test_browser_new (MK_TEST_BROWSER_SIGN_IN, cert_file);
  g_autoptr(MkSecretToken) access = NULL;
  g_autoptr(MkSecretToken) refresh = NULL;
  g_autoptr(MkSecretToken) access2 = NULL;
  g_autoptr(MkSecretToken) refresh2 = NULL;
  g_autoptr(MkSecretToken) gone = NULL;
  g_autoptr(MkStore) store = NULL;
  g_autofree char *store_dir = NULL;
  g_autofree char *db = NULL;
  g_autofree char *wal = NULL;
  g_autoptr(GHashTable) params = NULL;

  if (mk_test_skip_if (skip_reason))
    return;

  account = new_account ();
  login = start_login (account);

  g_assert_true (g_str_has_prefix (mk_smart_login_get_redirect_uri (login), "http://127.0.0.1:"));
  params = mk_test_authorize_params (mk_smart_login_get_authorize_url (login));
  g_assert_cmpstr (g_hash_table_lookup (params, "response_type"), ==, "code");
  g_assert_cmpstr (g_hash_table_lookup (params, "client_id"), ==, CLIENT_ID);
  g_assert_cmpstr (g_hash_table_lookup (params, "redirect_uri"), ==, mk_smart_login_get_redirect_uri (login));
  g_assert_cmpstr (g_hash_table_lookup (params, "scope"), ==, MK_AUTH_SCOPE_PATIENT);
  g_assert_cmpstr (g_hash_table_lookup (params, "aud"), ==, fhir_base);
  g_assert_cmpstr (g_hash_table_lookup (params, "code_challenge_method"), ==, "S256");
  g_assert_cmpuint (strlen (g_hash_table_lookup (params, "code_challenge")), ==, 43);
  g_assert_cmpuint (strlen (g_hash_table_lookup (params, "state")), >=, 16);

  mk_test_browser_open (browser, mk_smart_login_get_authorize_url (login));
  g_assert_true (mk_smart_login_wait (login, NULL, &error));
  g_assert_no_error (error);
  mk_test_browser_join (browser);

  g_assert_null (browser->error);
  g_assert_cmpuint (browser->status, ==, 200);
  g_assert_nonnull (strstr (browser->page, "You can close this window"));

  /* Who: from the token response. */
  g_assert_cmpstr (mk_smart_login_get_patient (login), ==, PATIENT_ID);
  g_assert_cmpstr (mk_smart_login_get_fhir_user (login), ==, "Patient/" PATIENT_ID);
  g_assert_cmpint (mk_smart_login_get_expires_in (login), >, 0);
  g_assert_cmpstr (mk_account_get_subject_id (account), ==, PATIENT_ID);
  g_assert_cmpint (mk_account_get_role (account), ==, MK_ACCOUNT_ROLE_PATIENT);
  g_assert_cmpint (mk_account_get_auth_method (account), ==, MK_AUTH_METHOD_SMART);
  g_assert_nonnull (mk_account_get_token_endpoint (account));

  /* The tokens: in the keyring, not in the store. */
  access = mk_secret_lookup_token (mk_account_get_uuid (account), MK_TOKEN_ACCESS, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (access);
  refresh = mk_secret_lookup_token (mk_account_get_uuid (account), MK_TOKEN_REFRESH, NULL, &error);
  g_assert_nonnull (refresh);

  store_dir = g_build_filename (tmp_dir, "store", NULL);
  store = mk_store_open_in_dir (store_dir, &error);
  g_assert_no_error (error);
  g_assert_true (mk_account_save (account, store, &error));
  g_assert_no_error (error);
  db = g_build_filename (store_dir, MK_STORE_FILE_NAME, NULL);
  wal = g_strconcat (db, "-wal", NULL);
  g_assert_true (mk_test_file_contains (db, PATIENT_ID) || mk_test_file_contains (wal, PATIENT_ID));
  g_assert_false (mk_test_file_contains (db, access) || mk_test_file_contains (wal, access));
  g_assert_false (mk_test_file_contains (db, refresh) || mk_test_file_contains (wal, refresh));

  /* Refresh once: both tokens are new (the server rotates refresh tokens). */
  g_assert_true (mk_auth_refresh (account, NULL, &error));
  g_assert_no_error (error);
  access2 = mk_auth_lookup_access_token (account, NULL, &error);
  g_assert_no_error (error);
  refresh2 = mk_secret_lookup_token (mk_account_get_uuid (account), MK_TOKEN_REFRESH, NULL, &error);
  g_assert_nonnull (refresh2);
  g_assert_cmpstr (access2, !=, access);
  g_assert_cmpstr (refresh2, !=, refresh);

  /* A used (so revoked) refresh token → sign in again, once, no loop. */
  g_assert_true (mk_secret_store_token (mk_account_get_uuid (account), MK_TOKEN_REFRESH, refresh, NULL, &error));
  g_assert_false (mk_auth_refresh (account, NULL, &error));
  g_assert_error (error, MK_AUTH_ERROR, MK_AUTH_ERROR_SIGN_IN_REQUIRED);
  g_clear_error (&error);
  gone = mk_secret_lookup_token (mk_account_get_uuid (account), MK_TOKEN_REFRESH, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (gone);
  g_assert_false (mk_auth_refresh (account, NULL, &error));
  g_assert_error (error, MK_AUTH_ERROR, MK_AUTH_ERROR_SIGN_IN_REQUIRED);
  g_clear_error (&error);

  /* An invalid one, the same. */
  g_assert_true (mk_secret_store_token (mk_account_get_uuid (account), MK_TOKEN_REFRESH, "not-a-token", NULL, &error));
  g_assert_false (mk_auth_refresh (account, NULL, &error));
  g_assert_error (error, MK_AUTH_ERROR, MK_AUTH_ERROR_SIGN_IN_REQUIRED);
  g_clear_error (&error);

  g_assert_true (mk_auth_sign_out (account, NULL, &error));
  g_clear_object (&store);
}

static void
test_wrong_state (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MkAccount) account = NULL;
  g_autoptr(MkSmartLogin) login = NULL;
  g_autoptr(MkTestBrowser) browser = mk_test_browser_new (MK_TEST_BROWSER_FORGE_STATE, cert_file);
  g_autoptr(MkSecretToken) access = NULL;

  if (mk_test_skip_if (skip_reason))
    return;

  account = new_account ();
  login = start_login (account);
  mk_test_browser_open (browser, mk_smart_login_get_authorize_url (login));
  g_assert_false (mk_smart_login_wait (login, NULL, &error));
  g_assert_error (error, MK_AUTH_ERROR, MK_AUTH_ERROR_STATE_MISMATCH);
  mk_test_browser_join (browser);

  g_assert_null (browser->error);
  g_assert_cmpuint (browser->status, ==, 400);
  g_assert_nonnull (strstr (browser->page, "refused"));

  g_clear_error (&error);
  access = mk_secret_lookup_token (mk_account_get_uuid (account), MK_TOKEN_ACCESS, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (access);
  g_assert_null (mk_account_get_subject_id (account));
}

static void
test_access_denied (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MkAccount) account = NULL;
  g_autoptr(MkSmartLogin) login = NULL;
  g_autoptr(MkTestBrowser) browser = mk_test_browser_new (MK_TEST_BROWSER_DENY, cert_file);
  g_autofree char *redirect_uri = NULL;

  if (mk_test_skip_if (skip_reason))
    return;

  account = new_account ();
  login = start_login (account);
  /* The browser goes back to the redirect_uri of the authorize URL. */
  redirect_uri = mk_test_authorize_param (mk_smart_login_get_authorize_url (login), "redirect_uri");
  g_assert_cmpstr (redirect_uri, ==, mk_smart_login_get_redirect_uri (login));
  mk_test_browser_open (browser, mk_smart_login_get_authorize_url (login));
  g_assert_false (mk_smart_login_wait (login, NULL, &error));
  g_assert_error (error, MK_AUTH_ERROR, MK_AUTH_ERROR_DENIED);
  mk_test_browser_join (browser);
  g_assert_cmpuint (browser->status, ==, 200);
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_timeout_and_cancel (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MkAccount) account = NULL;
  g_autoptr(MkSmartLogin) login = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  if (mk_test_skip_if (skip_reason))
    return;

  account = new_account ();
  login = start_login (account);
  mk_smart_login_set_timeout (login, 1);
  g_assert_false (mk_smart_login_wait (login, NULL, &error));
  g_assert_error (error, MK_AUTH_ERROR, MK_AUTH_ERROR_TIMEOUT);
  g_clear_error (&error);
  g_clear_object (&login);

  login = start_login (account);
  g_timeout_add (50, cancel_cb, cancellable);
  g_assert_false (mk_smart_login_wait (login, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  skip_reason = mk_test_smart_skip_reason ();
  if (skip_reason == NULL)
    {
      tmp_dir = g_dir_make_tmp ("medkarta-smart-XXXXXX", &error);
      g_assert_no_error (error);
      server = mk_test_smart_server_start (tmp_dir, CLIENT_ID, PATIENT_ID, NULL, NULL);
      cert_file = server->cert_file;
      fhir_base = server->fhir_base;
    }

  g_test_add_func ("/smart/discover", test_discover);
  g_test_add_func ("/smart/login-and-refresh", test_login_and_refresh);
  g_test_add_func ("/smart/wrong-state", test_wrong_state);
  g_test_add_func ("/smart/access-denied", test_access_denied);
  g_test_add_func ("/smart/timeout-and-cancel", test_timeout_and_cancel);

  ret = g_test_run ();

  mk_test_smart_server_stop (server);
  if (tmp_dir != NULL)
    mk_test_remove_tree (tmp_dir);

  return ret;
}
