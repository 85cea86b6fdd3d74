/* test-smart.c — SMART on FHIR standalone launch against oidc-provider, an
 * independent OAuth 2.0 server from npm (tests/auth/smart-server.mjs), over
 * HTTPS on 127.0.0.1 with a certificate made for the run. The test plays the
 * browser: it follows the authorize URL's redirects (the server signs the
 * account in and consents by itself) to the app's loopback listener.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <libsoup/soup.h>

#include "mk-account.h"
#include "mk-auth.h"
#include "mk-secret.h"
#include "mk-test-util.h"

#define CLIENT_ID "medkarta-test"
#define PATIENT_ID "pat-1042"
#define NPM_CI_TIMEOUT_SECONDS 240
#define START_TIMEOUT_SECONDS 30

static char *skip_reason;
static char *tmp_dir;
static char *cert_file;
static char *fhir_base;
static GSubprocess *server;
static GDataInputStream *server_out;   /* kept open: the server may print more */

/* ------------------------------------------------------------------ */
/* Set-up: npm ci into the build tree, a certificate, the server        */

static gboolean
wait_timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}
/* The npm packages live in <build>/tests/auth/npm; installed again when the
 * lock file changed. */
static void
line_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **line = user_data;
  g_autoptr(GError) error = NULL;

  *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, &error);
  if (*line == NULL)
    *line = g_strdup ("");
}

static gboolean
start_server (const char  *npm_dir,
              GError     **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autofree char *key = g_build_filename (tmp_dir, "key.pem", NULL);
  g_autofree char *line = NULL;
  gboolean timed_out = FALSE;
  guint timeout_id;

  g_subprocess_launcher_set_cwd (launcher, npm_dir);
  server = g_subprocess_launcher_spawn (launcher, error, "node", "smart-server.mjs",
                                        cert_file, key, CLIENT_ID, PATIENT_ID, NULL);
  if (server == NULL)
    return FALSE;

  server_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  timeout_id = g_timeout_add_seconds (START_TIMEOUT_SECONDS, wait_timeout_cb, &timed_out);
  g_data_input_stream_read_line_async (server_out, G_PRIORITY_DEFAULT, NULL, line_read_cb, &line);
  while (line == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (line == NULL || !g_str_has_prefix (line, "listening on "))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the SMART server did not start");
      return FALSE;
    }
  g_source_remove (timeout_id);

  fhir_base = g_strdup (line + strlen ("listening on "));
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* The browser                                                          */

typedef struct
{
  char     *url;
  gboolean  tamper_state;
  guint     status;     /* of the last page */
  char     *page;
  char     *error;
} Browser;

static gpointer
browser_thread (gpointer data)
{
  Browser *browser = data;
  g_autoptr(GTlsDatabase) trust = g_tls_file_database_new (cert_file, NULL);
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 20,
                                                                  "tls-database", trust,
                                                                  NULL);
  g_autofree char *url = g_strdup (browser->url);

  soup_session_add_feature_by_type (session, SOUP_TYPE_COOKIE_JAR);

  for (guint hop = 0; hop < 20; hop++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(GError) error = NULL;
      const char *location;

      soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
      body = soup_session_send_and_read (session, msg, NULL, &error);
      if (body == NULL)
        {
          browser->error = g_strdup (error->message);
          return NULL;
        }

      location = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Location");
      if (!SOUP_STATUS_IS_REDIRECTION (soup_message_get_status (msg)) || location == NULL)
        {
          browser->status = soup_message_get_status (msg);
          browser->page = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
          return NULL;
        }

      {
        g_autofree char *base = g_uri_to_string (soup_message_get_uri (msg));

        g_free (url);
        url = g_uri_resolve_relative (base, location, G_URI_FLAGS_NONE, NULL);
      }
      g_assert_nonnull (url);

      /* An attacker's redirect: the right code, somebody else's state. */
      if (browser->tamper_state && g_str_has_prefix (url, "http://127.0.0.1:"))
        {
          g_autoptr(GRegex) regex = g_regex_new ("state=[^&]*", 0, 0, NULL);
          char *tampered = g_regex_replace_literal (regex, url, -1, 0, "state=forged", 0, NULL);

          g_free (url);
          url = tampered;
        }
    }

  browser->error = g_strdup ("too many redirects");
  return NULL;
}

static void
browser_free (Browser *browser)
{
  g_free (browser->url);
  g_free (browser->page);
  g_free (browser->error);
  g_free (browser);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Browser, browser_free)

/* ------------------------------------------------------------------ */
/* Tests                                                                */

static gboolean
check_ready (void)
{
  if (skip_reason != NULL)
    {
      g_test_skip (skip_reason);
      return FALSE;
    }
  return TRUE;
}

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

/* memmem() is a GNU extension */
static gboolean
bytes_contain (const char *data,
               gsize       len,
               const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; n <= len && i <= len - n; i++)
    {
      if (memcmp (data + i, needle, n) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  return g_file_get_contents (path, &data, &len, NULL) &&
         bytes_contain (data, len, needle);
}

static void
test_discover (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MkSmartConfiguration) config = NULL;
  g_autofree char *issuer = NULL;
  g_autofree char *elsewhere = NULL;

  if (!check_ready ())
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
  g_autoptr(Browser) browser = g_new0 (Browser, 1);
  g_autoptr(GThread) thread = NULL;
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
  const char *query;

  if (!check_ready ())
    return;

  account = new_account ();
  login = start_login (account);

  g_assert_true (g_str_has_prefix (mk_smart_login_get_redirect_uri (login), "http://127.0.0.1:"));
  query = strchr (mk_smart_login_get_authorize_url (login), '?');
  g_assert_nonnull (query);
  params = g_uri_parse_params (query + 1, -1, "&", G_URI_PARAMS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (params, "response_type"), ==, "code");
  g_assert_cmpstr (g_hash_table_lookup (params, "client_id"), ==, CLIENT_ID);
  g_assert_cmpstr (g_hash_table_lookup (params, "redirect_uri"), ==, mk_smart_login_get_redirect_uri (login));
  g_assert_cmpstr (g_hash_table_lookup (params, "scope"), ==, MK_AUTH_SCOPE_PATIENT);
  g_assert_cmpstr (g_hash_table_lookup (params, "aud"), ==, fhir_base);
  g_assert_cmpstr (g_hash_table_lookup (params, "code_challenge_method"), ==, "S256");
  g_assert_cmpuint (strlen (g_hash_table_lookup (params, "code_challenge")), ==, 43);
  g_assert_cmpuint (strlen (g_hash_table_lookup (params, "state")), >=, 16);

  browser->url = g_strdup (mk_smart_login_get_authorize_url (login));
  thread = g_thread_new ("browser", browser_thread, browser);
  g_assert_true (mk_smart_login_wait (login, NULL, &error));
  g_assert_no_error (error);
  g_thread_join (g_steal_pointer (&thread));

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
  g_assert_true (file_contains (db, PATIENT_ID) || file_contains (wal, PATIENT_ID));
  g_assert_false (file_contains (db, access) || file_contains (wal, access));
  g_assert_false (file_contains (db, refresh) || file_contains (wal, refresh));

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
  g_autoptr(Browser) browser = g_new0 (Browser, 1);
  g_autoptr(GThread) thread = NULL;
  g_autoptr(MkSecretToken) access = NULL;

  if (!check_ready ())
    return;

  account = new_account ();
  login = start_login (account);
  browser->url = g_strdup (mk_smart_login_get_authorize_url (login));
  browser->tamper_state = TRUE;
  thread = g_thread_new ("browser", browser_thread, browser);
  g_assert_false (mk_smart_login_wait (login, NULL, &error));
  g_assert_error (error, MK_AUTH_ERROR, MK_AUTH_ERROR_STATE_MISMATCH);
  g_thread_join (g_steal_pointer (&thread));

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
  g_autoptr(Browser) browser = g_new0 (Browser, 1);
  g_autoptr(GThread) thread = NULL;
  g_autoptr(GHashTable) params = NULL;

  if (!check_ready ())
    return;

  account = new_account ();
  login = start_login (account);
  params = g_uri_parse_params (strchr (mk_smart_login_get_authorize_url (login), '?') + 1, -1,
                               "&", G_URI_PARAMS_NONE, NULL);
  browser->url = g_strdup_printf ("%s?error=access_denied&state=%s",
                                  mk_smart_login_get_redirect_uri (login),
                                  (const char *) g_hash_table_lookup (params, "state"));
  thread = g_thread_new ("browser", browser_thread, browser);
  g_assert_false (mk_smart_login_wait (login, NULL, &error));
  g_assert_error (error, MK_AUTH_ERROR, MK_AUTH_ERROR_DENIED);
  g_thread_join (g_steal_pointer (&thread));
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

  if (!check_ready ())
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
  g_autofree char *npm_dir = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("MEDKARTA_TEST_KEYRING") == NULL)
    skip_reason = g_strdup ("no test keyring: run under build-aux/test-session.sh");
  else if (g_find_program_in_path ("node") == NULL || g_find_program_in_path ("npm") == NULL)
    skip_reason = g_strdup ("node and npm are needed for the SMART server (oidc-provider)");
  else if (g_find_program_in_path ("certtool") == NULL)
    skip_reason = g_strdup ("certtool (gnutls-bin) is needed for the test certificate");

  if (skip_reason == NULL)
    {
      tmp_dir = g_dir_make_tmp ("medkarta-smart-XXXXXX", &error);
      g_assert_no_error (error);
      npm_dir = mk_test_prepare_npm ("auth", "smart-server.mjs", "oidc-provider/package.json",
                                 NPM_CI_TIMEOUT_SECONDS, &error);
      g_assert_no_error (error);
      g_assert_true (mk_test_make_certificate (tmp_dir, NULL, &cert_file, &error));
      g_assert_no_error (error);
      g_assert_true (start_server (npm_dir, &error));
      g_assert_no_error (error);
    }

  g_test_add_func ("/smart/discover", test_discover);
  g_test_add_func ("/smart/login-and-refresh", test_login_and_refresh);
  g_test_add_func ("/smart/wrong-state", test_wrong_state);
  g_test_add_func ("/smart/access-denied", test_access_denied);
  g_test_add_func ("/smart/timeout-and-cancel", test_timeout_and_cancel);

  ret = g_test_run ();

  if (server != NULL)
    {
      g_subprocess_force_exit (server);
      g_subprocess_wait (server, NULL, NULL);
      g_clear_object (&server);
    }
  g_clear_object (&server_out);
  if (tmp_dir != NULL)
    mk_test_remove_tree (tmp_dir);

  return ret;
}
