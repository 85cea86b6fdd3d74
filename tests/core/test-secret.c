/* test-secret.c — tokens in the Secret Service: the real gnome-keyring of
 * the test session (build-aux/test-session.sh)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <libsecret/secret.h>

#include "mk-account.h"
#include "mk-auth.h"
#include "mk-secret.h"
#include "mk-test-util.h"

static gboolean
have_keyring (void)
{
  if (g_getenv ("MEDKARTA_TEST_KEYRING") == NULL)
    {
      g_test_skip ("no test keyring: run under build-aux/test-session.sh");
      return FALSE;
    }
  return TRUE;
}

static char *
new_uuid (void)
{
  return g_uuid_string_random ();
}

static void
test_round_trip (void)
{
  g_autofree char *uuid = new_uuid ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MkSecretToken) token = NULL;
  g_autoptr(MkSecretToken) refresh = NULL;

  if (!have_keyring ())
    return;

  token = mk_secret_lookup_token (uuid, MK_TOKEN_ACCESS, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (token);

  g_assert_true (mk_secret_store_token (uuid, MK_TOKEN_ACCESS, "access-one", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (mk_secret_store_token (uuid, MK_TOKEN_REFRESH, "refresh-one", NULL, &error));
  g_assert_no_error (error);

  token = mk_secret_lookup_token (uuid, MK_TOKEN_ACCESS, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, "access-one");
  refresh = mk_secret_lookup_token (uuid, MK_TOKEN_REFRESH, NULL, &error);
  g_assert_cmpstr (refresh, ==, "refresh-one");

  /* Storing again replaces. */
  g_assert_true (mk_secret_store_token (uuid, MK_TOKEN_ACCESS, "access-two", NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&token, mk_secret_free_token);
  token = mk_secret_lookup_token (uuid, MK_TOKEN_ACCESS, NULL, &error);
  g_assert_cmpstr (token, ==, "access-two");

  /* One kind, then all. */
  g_assert_true (mk_secret_clear_token (uuid, MK_TOKEN_REFRESH, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&refresh, mk_secret_free_token);
  refresh = mk_secret_lookup_token (uuid, MK_TOKEN_REFRESH, NULL, &error);
  g_assert_null (refresh);
  g_clear_pointer (&token, mk_secret_free_token);
  token = mk_secret_lookup_token (uuid, MK_TOKEN_ACCESS, NULL, &error);
  g_assert_cmpstr (token, ==, "access-two");

  g_assert_true (mk_secret_clear_tokens (uuid, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&token, mk_secret_free_token);
  token = mk_secret_lookup_token (uuid, MK_TOKEN_ACCESS, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (token);

  /* Clearing nothing is not an error. */
  g_assert_true (mk_secret_clear_tokens (uuid, NULL, &error));
  g_assert_no_error (error);
}

static void
test_accounts_apart (void)
{
  g_autofree char *a = new_uuid ();
  g_autofree char *b = new_uuid ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MkSecretToken) token_a = NULL;
  g_autoptr(MkSecretToken) token_b = NULL;

  if (!have_keyring ())
    return;

  g_assert_true (mk_secret_store_token (a, MK_TOKEN_ACCESS, "token-of-a", NULL, &error));
  g_assert_no_error (error);
  token_b = mk_secret_lookup_token (b, MK_TOKEN_ACCESS, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (token_b);

  g_assert_true (mk_secret_store_token (b, MK_TOKEN_ACCESS, "token-of-b", NULL, &error));
  g_assert_true (mk_secret_clear_tokens (b, NULL, &error));
  g_assert_no_error (error);

  token_a = mk_secret_lookup_token (a, MK_TOKEN_ACCESS, NULL, &error);
  g_assert_cmpstr (token_a, ==, "token-of-a");
  g_assert_true (mk_secret_clear_tokens (a, NULL, &error));
}

static void
test_label (void)
{
  g_autofree char *uuid = new_uuid ();
  g_autoptr(GError) error = NULL;
  GList *items;

  if (!have_keyring ())
    return;

  g_assert_true (mk_secret_store_token_for_server (uuid, "https://fhir.clinic.example:8443/r4",
                                                   MK_TOKEN_ACCESS, "labelled", NULL, &error));
  g_assert_no_error (error);

  items = secret_password_search_sync (mk_test_token_schema (), SECRET_SEARCH_ALL, NULL, &error,
                                       "account", uuid, "kind", "access", NULL);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  {
    g_autofree char *label = secret_retrievable_get_label (items->data);
    g_assert_cmpstr (label, ==, "Medkarta token for fhir.clinic.example");
  }
  g_list_free_full (items, g_object_unref);
  g_assert_true (mk_secret_clear_tokens (uuid, NULL, &error));
}

/* The bearer method, and no token in the store file (nor its WAL). */
static void
test_not_in_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autofree char *wal = NULL;
  g_autoptr(MkStore) store = NULL;
  g_autoptr(MkAccount) account = NULL;
  g_autoptr(MkSecretToken) token = NULL;
  const char *secret = "bearer-7f3a9c1e-not-for-sqlite";

  if (!have_keyring ())
    return;

  dir = g_dir_make_tmp ("medkarta-secret-XXXXXX", &error);
  g_assert_no_error (error);
  store = mk_store_open_in_dir (dir, &error);
  g_assert_no_error (error);

  account = mk_account_new ("https://clinic.example/fhir", MK_ACCOUNT_ROLE_PATIENT, "p1", &error);
  g_assert_no_error (error);
  mk_account_set_auth_method (account, MK_AUTH_METHOD_SMART);
  g_assert_true (mk_auth_set_bearer_token (account, secret, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (mk_account_get_auth_method (account), ==, MK_AUTH_METHOD_BEARER);
  g_assert_true (mk_account_save (account, store, &error));
  g_assert_no_error (error);

  token = mk_auth_lookup_access_token (account, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, secret);

  /* An administrator's token cannot be refreshed. */
  g_assert_false (mk_auth_refresh (account, NULL, &error));
  g_assert_error (error, MK_AUTH_ERROR, MK_AUTH_ERROR_SIGN_IN_REQUIRED);
  g_clear_error (&error);

  db = g_build_filename (dir, MK_STORE_FILE_NAME, NULL);
  wal = g_strconcat (db, "-wal", NULL);
  /* The check can see: the account's UUID is there. */
  g_assert_true (mk_test_file_contains (db, mk_account_get_uuid (account)) ||
                 mk_test_file_contains (wal, mk_account_get_uuid (account)));
  g_assert_false (mk_test_file_contains (db, secret));
  g_assert_false (mk_test_file_contains (wal, secret));

  g_assert_true (mk_auth_sign_out (account, NULL, &error));
  g_assert_null (mk_auth_lookup_access_token (account, NULL, &error));
  g_assert_error (error, MK_AUTH_ERROR, MK_AUTH_ERROR_SIGN_IN_REQUIRED);

  g_clear_object (&store);
  mk_test_remove_tree (dir);
}

static void
test_free_token (void)
{
  mk_secret_free_token (NULL);
  mk_secret_free_token (g_strdup ("wiped"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/secret/round-trip", test_round_trip);
  g_test_add_func ("/secret/accounts-apart", test_accounts_apart);
  g_test_add_func ("/secret/label", test_label);
  g_test_add_func ("/secret/not-in-store", test_not_in_store);
  g_test_add_func ("/secret/free-token", test_free_token);

  return g_test_run ();
}
