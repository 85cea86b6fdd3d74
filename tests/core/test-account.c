/* test-account.c — accounts: validation, store meta round trip, the server
 * dialog's keys
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>

#include "mk-account.h"
#include "mk-test-util.h"

typedef struct
{
  char    *dir;
  MkStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->store = mk_test_open_store ("medkarta-account-XXXXXX", NULL, &fixture->dir, NULL, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->store);
  mk_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static void
test_new_validates (void)
{
  const char *bad_urls[] = {
    "http://clinic.example/fhir", "ftp://clinic.example/", "not a url", "",
    "https://user:secret@clinic.example/fhir", "https:///fhir",
  };
  const char *bad_ids[] = { "", "a/b", "Patient/1", "с кириллицей",
    "0123456789012345678901234567890123456789012345678901234567890123456789" };
  g_autoptr(MkAccount) a = NULL;
  g_autoptr(MkAccount) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *reference = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad_urls); i++)
    {
      g_autoptr(MkAccount) account = mk_account_new (bad_urls[i], MK_ACCOUNT_ROLE_PATIENT, "1", &error);

      g_assert_null (account);
      g_assert_error (error, MK_ACCOUNT_ERROR, MK_ACCOUNT_ERROR_INVALID_URL);
      g_clear_error (&error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad_ids); i++)
    {
      g_autoptr(MkAccount) account = mk_account_new ("https://clinic.example/fhir",
                                                     MK_ACCOUNT_ROLE_PATIENT, bad_ids[i], &error);

      g_assert_null (account);
      g_assert_error (error, MK_ACCOUNT_ERROR, MK_ACCOUNT_ERROR_INVALID_SUBJECT);
      g_clear_error (&error);
    }

  a = mk_account_new ("https://clinic.example/fhir", MK_ACCOUNT_ROLE_PATIENT, "pat-1.2", &error);
  g_assert_no_error (error);
  b = mk_account_new ("HTTPS://clinic.example:8443/fhir/R4", MK_ACCOUNT_ROLE_PRACTITIONER, NULL, &error);
  g_assert_no_error (error);

  g_assert_true (g_uuid_string_is_valid (mk_account_get_uuid (a)));
  g_assert_true (g_uuid_string_is_valid (mk_account_get_uuid (b)));
  g_assert_cmpstr (mk_account_get_uuid (a), !=, mk_account_get_uuid (b));
  reference = mk_account_dup_subject_reference (a);
  g_assert_cmpstr (reference, ==, "Patient/pat-1.2");
  g_assert_null (mk_account_dup_subject_reference (b));
  g_assert_cmpint (mk_account_get_auth_method (a), ==, MK_AUTH_METHOD_BEARER);
  g_assert_cmpstr (mk_account_get_client_id (a), ==, MK_ACCOUNT_DEFAULT_CLIENT_ID);
}

static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(MkAccount) account = NULL;
  g_autoptr(MkAccount) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *patient = NULL;
  g_autofree char *practitioner = NULL;

  account = mk_account_new ("https://clinic.example/fhir", MK_ACCOUNT_ROLE_PATIENT, "42", &error);
  g_assert_no_error (error);
  mk_account_set_name (account, "Поликлиника № 3");
  mk_account_set_ca_file (account, "/etc/clinic-ca.pem");
  mk_account_set_auth_method (account, MK_AUTH_METHOD_SMART);
  mk_account_set_client_id (account, "medkarta-at-clinic");
  mk_account_set_token_endpoint (account, "https://auth.clinic.example/token");
  g_assert_true (mk_account_save (account, fixture->store, &error));
  g_assert_no_error (error);

  patient = mk_store_get_meta (fixture->store, MK_ACCOUNT_META_PATIENT, &error);
  g_assert_cmpstr (patient, ==, "Patient/42");

  loaded = mk_account_load (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mk_account_get_uuid (loaded), ==, mk_account_get_uuid (account));
  g_assert_cmpstr (mk_account_get_server_url (loaded), ==, "https://clinic.example/fhir");
  g_assert_cmpint (mk_account_get_role (loaded), ==, MK_ACCOUNT_ROLE_PATIENT);
  g_assert_cmpstr (mk_account_get_subject_id (loaded), ==, "42");
  g_assert_cmpstr (mk_account_get_name (loaded), ==, "Поликлиника № 3");
  g_assert_cmpstr (mk_account_get_ca_file (loaded), ==, "/etc/clinic-ca.pem");
  g_assert_cmpint (mk_account_get_auth_method (loaded), ==, MK_AUTH_METHOD_SMART);
  g_assert_cmpstr (mk_account_get_client_id (loaded), ==, "medkarta-at-clinic");
  g_assert_cmpstr (mk_account_get_token_endpoint (loaded), ==, "https://auth.clinic.example/token");

  /* A SMART sign-in may find out the user is a doctor. */
  mk_account_set_subject (loaded, MK_ACCOUNT_ROLE_PRACTITIONER, "doc-7");
  mk_account_set_ca_file (loaded, NULL);
  g_assert_true (mk_account_save (loaded, fixture->store, &error));
  g_assert_no_error (error);
  g_clear_pointer (&patient, g_free);
  patient = mk_store_get_meta (fixture->store, MK_ACCOUNT_META_PATIENT, &error);
  g_assert_no_error (error);
  g_assert_null (patient);
  practitioner = mk_store_get_meta (fixture->store, MK_ACCOUNT_META_PRACTITIONER, &error);
  g_assert_cmpstr (practitioner, ==, "Practitioner/doc-7");

  g_clear_object (&account);
  account = mk_account_load (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mk_account_get_role (account), ==, MK_ACCOUNT_ROLE_PRACTITIONER);
  g_assert_cmpstr (mk_account_get_subject_id (account), ==, "doc-7");
  g_assert_null (mk_account_get_ca_file (account));
}

/* What src/ui/mk-server-dialog.c writes. */
static void
test_load_dialog_keys (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(MkAccount) first = NULL;
  g_autoptr(MkAccount) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;

  g_assert_true (mk_store_set_meta (fixture->store, "server-url", "https://fhir.clinic.example/r4", &error));
  g_assert_true (mk_store_set_meta (fixture->store, "account-name", "Clinic", &error));
  g_assert_true (mk_store_set_meta (fixture->store, "practitioner", "Practitioner/p-1", &error));
  g_assert_no_error (error);

  first = mk_account_load (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mk_account_get_role (first), ==, MK_ACCOUNT_ROLE_PRACTITIONER);
  g_assert_cmpstr (mk_account_get_subject_id (first), ==, "p-1");
  g_assert_cmpstr (mk_account_get_name (first), ==, "Clinic");
  g_assert_cmpint (mk_account_get_auth_method (first), ==, MK_AUTH_METHOD_BEARER);
  g_assert_true (g_uuid_string_is_valid (mk_account_get_uuid (first)));

  /* The UUID made on first load was saved. */
  uuid = mk_store_get_meta (fixture->store, MK_ACCOUNT_META_UUID, &error);
  g_assert_cmpstr (uuid, ==, mk_account_get_uuid (first));
  second = mk_account_load (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mk_account_get_uuid (second), ==, mk_account_get_uuid (first));
}

static void
test_load_not_an_account (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(MkAccount) account = NULL;
  g_autoptr(GError) error = NULL;

  account = mk_account_load (fixture->store, &error);
  g_assert_null (account);
  g_assert_error (error, MK_STORE_ERROR, MK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (mk_store_set_meta (fixture->store, "server-url", "http://plain.example/", &error));
  account = mk_account_load (fixture->store, &error);
  g_assert_null (account);
  g_assert_error (error, MK_ACCOUNT_ERROR, MK_ACCOUNT_ERROR_INVALID_URL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/account/new-validates", test_new_validates);
  g_test_add ("/account/round-trip", Fixture, NULL, fixture_set_up, test_round_trip, fixture_tear_down);
  g_test_add ("/account/load-dialog-keys", Fixture, NULL, fixture_set_up, test_load_dialog_keys, fixture_tear_down);
  g_test_add ("/account/load-not-an-account", Fixture, NULL, fixture_set_up, test_load_not_an_account, fixture_tear_down);

  return g_test_run ();
}
