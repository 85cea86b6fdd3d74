/* mk-test-tls.c — certificates made for one run of the test FHIR server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GnuTLS x509 API only: a self-signed CA and a server certificate signed by
 * it, both ECDSA P-256 (quick to generate).
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "mk-test-tls.h"

#define DAY_SECONDS (24 * 60 * 60)

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_crt_t, gnutls_x509_crt_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_privkey_t, gnutls_x509_privkey_deinit, NULL)

static gboolean
check (int       ret,
       const char *what,
       GError  **error)
{
  if (ret >= 0)
    return TRUE;

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               "GnuTLS: %s: %s", what, gnutls_strerror (ret));
  return FALSE;
}

static gboolean
new_key (gnutls_x509_privkey_t  *key,
         GError                **error)
{
  return check (gnutls_x509_privkey_init (key), "key init", error) &&
         check (gnutls_x509_privkey_generate (*key, GNUTLS_PK_ECDSA,
                                              GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0),
                "key generation", error);
}

static gboolean
set_common (gnutls_x509_crt_t      crt,
            gnutls_x509_privkey_t  key,
            const char            *common_name,
            time_t                 not_before,
            time_t                 not_after,
            GError               **error)
{
  guint8 serial[16];
  guint8 key_id[64];
  size_t key_id_size = sizeof key_id;

  for (guint i = 0; i < sizeof serial; i++)
    serial[i] = g_random_int_range (0, 256);
  serial[0] &= 0x7f;  /* positive */
  serial[0] |= 0x01;

  return check (gnutls_x509_crt_set_version (crt, 3), "version", error) &&
         check (gnutls_x509_crt_set_serial (crt, serial, sizeof serial), "serial", error) &&
         check (gnutls_x509_crt_set_activation_time (crt, not_before), "activation", error) &&
         check (gnutls_x509_crt_set_expiration_time (crt, not_after), "expiration", error) &&
         check (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0,
                                               "Medkarta test server", 20), "O", error) &&
         check (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0,
                                               common_name, strlen (common_name)), "CN", error) &&
         check (gnutls_x509_crt_set_key (crt, key), "key", error) &&
         check (gnutls_x509_privkey_get_key_id (key, 0, key_id, &key_id_size), "key id", error) &&
         check (gnutls_x509_crt_set_subject_key_id (crt, key_id, key_id_size), "subject key id", error);
}

static char *
export_crt (gnutls_x509_crt_t   crt,
            GError            **error)
{
  gnutls_datum_t out = { NULL, 0 };
  char *pem;

  if (!check (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &out), "certificate export", error))
    return NULL;
  pem = g_strndup ((const char *) out.data, out.size);
  gnutls_free (out.data);
  return pem;
}

static char *
export_key (gnutls_x509_privkey_t   key,
            GError                **error)
{
  gnutls_datum_t out = { NULL, 0 };
  char *pem;

  /* PKCS#8 ("BEGIN PRIVATE KEY"): what GTlsCertificate reads. */
  if (!check (gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL,
                                                 GNUTLS_PKCS_PLAIN, &out),
              "key export", error))
    return NULL;
  pem = g_strndup ((const char *) out.data, out.size);
  gnutls_free (out.data);
  return pem;
}

static gboolean
import_pem (const char  *path,
            gboolean     is_key,
            gpointer     target,
            GError     **error)
{
  g_autofree char *text = NULL;
  gsize length = 0;
  gnutls_datum_t datum;

  if (!g_file_get_contents (path, &text, &length, error))
    return FALSE;
  datum.data = (unsigned char *) text;
  datum.size = length;

  if (is_key)
    return check (gnutls_x509_privkey_init (target), "key init", error) &&
           check (gnutls_x509_privkey_import (*(gnutls_x509_privkey_t *) target, &datum,
                                              GNUTLS_X509_FMT_PEM), path, error);

  return check (gnutls_x509_crt_init (target), "certificate init", error) &&
         check (gnutls_x509_crt_import (*(gnutls_x509_crt_t *) target, &datum,
                                        GNUTLS_X509_FMT_PEM), path, error);
}

/* Loads the CA from @dir, or makes one and writes it there. */
static gboolean
ensure_ca (const char             *dir,
           gnutls_x509_crt_t      *ca_crt,
           gnutls_x509_privkey_t  *ca_key,
           GError                **error)
{
  g_autofree char *crt_path = g_build_filename (dir, "ca.pem", NULL);
  g_autofree char *key_path = g_build_filename (dir, "ca-key.pem", NULL);
  g_autofree char *crt_pem = NULL;
  g_autofree char *key_pem = NULL;
  time_t now = time (NULL);

  if (g_file_test (crt_path, G_FILE_TEST_EXISTS) && g_file_test (key_path, G_FILE_TEST_EXISTS))
    return import_pem (crt_path, FALSE, ca_crt, error) &&
           import_pem (key_path, TRUE, ca_key, error);

  if (!new_key (ca_key, error) ||
      !check (gnutls_x509_crt_init (ca_crt), "certificate init", error) ||
      !set_common (*ca_crt, *ca_key, "Medkarta Test CA", now - DAY_SECONDS,
                   now + 3650 * (time_t) DAY_SECONDS, error) ||
      !check (gnutls_x509_crt_set_basic_constraints (*ca_crt, 1, -1), "constraints", error) ||
      !check (gnutls_x509_crt_set_key_usage (*ca_crt, GNUTLS_KEY_KEY_CERT_SIGN |
                                             GNUTLS_KEY_CRL_SIGN |
                                             GNUTLS_KEY_DIGITAL_SIGNATURE), "key usage", error) ||
      !check (gnutls_x509_crt_sign2 (*ca_crt, *ca_crt, *ca_key, GNUTLS_DIG_SHA256, 0),
              "CA signature", error))
    return FALSE;

  crt_pem = export_crt (*ca_crt, error);
  key_pem = crt_pem != NULL ? export_key (*ca_key, error) : NULL;
  if (key_pem == NULL)
    return FALSE;

  /* The key first, private from the start; the CA file last, so a reader
   * that sees ca.pem also finds the key. */
  return g_file_set_contents_full (key_path, key_pem, -1, G_FILE_SET_CONTENTS_CONSISTENT,
                                   0600, error) &&
         g_file_set_contents_full (crt_path, crt_pem, -1, G_FILE_SET_CONTENTS_CONSISTENT,
                                   0644, error);
}

gboolean
mk_test_tls_make (const char     *dir,
                  MkTestTlsMode   mode,
                  char          **ca_file,
                  char          **cert_pem,
                  char          **key_pem,
                  GError        **error)
{
  g_auto(gnutls_x509_crt_t) ca_crt = NULL;
  g_auto(gnutls_x509_privkey_t) ca_key = NULL;
  g_auto(gnutls_x509_crt_t) crt = NULL;
  g_auto(gnutls_x509_privkey_t) key = NULL;
  g_autofree char *crt_text = NULL;
  g_autofree char *key_text = NULL;
  const guint8 loopback[4] = { 127, 0, 0, 1 };
  const char *host = mode == MK_TEST_TLS_WRONG_HOST ? "other.invalid" : "127.0.0.1";
  guint8 ca_key_id[64];
  size_t ca_key_id_size = sizeof ca_key_id;
  time_t now = time (NULL);
  time_t not_before = now - DAY_SECONDS;
  time_t not_after = now + 365 * (time_t) DAY_SECONDS;

  g_return_val_if_fail (dir != NULL, FALSE);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot create %s: %s", dir, g_strerror (saved_errno));
      return FALSE;
    }

  if (!ensure_ca (dir, &ca_crt, &ca_key, error))
    return FALSE;

  if (mode == MK_TEST_TLS_EXPIRED)
    {
      not_before = now - 30 * (time_t) DAY_SECONDS;
      not_after = now - 2 * (time_t) DAY_SECONDS;
    }

  if (!new_key (&key, error) ||
      !check (gnutls_x509_crt_init (&crt), "certificate init", error) ||
      !set_common (crt, key, host, not_before, not_after, error) ||
      !check (gnutls_x509_crt_set_basic_constraints (crt, 0, -1), "constraints", error) ||
      !check (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE), "key usage", error) ||
      !check (gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0), "purpose", error))
    return FALSE;

  if (mode == MK_TEST_TLS_WRONG_HOST)
    {
      if (!check (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, "other.invalid",
                                                        strlen ("other.invalid"), GNUTLS_FSAN_APPEND),
                  "alt name", error))
        return FALSE;
    }
  else if (!check (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_IPADDRESS, loopback,
                                                         sizeof loopback, GNUTLS_FSAN_APPEND),
                   "alt name", error) ||
           !check (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, "localhost",
                                                         strlen ("localhost"), GNUTLS_FSAN_APPEND),
                   "alt name", error))
    return FALSE;

  if (mode == MK_TEST_TLS_UNTRUSTED)
    {
      if (!check (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0), "signature", error))
        return FALSE;
    }
  else if (!check (gnutls_x509_crt_get_subject_key_id (ca_crt, ca_key_id, &ca_key_id_size, NULL),
                   "CA key id", error) ||
           !check (gnutls_x509_crt_set_authority_key_id (crt, ca_key_id, ca_key_id_size),
                   "authority key id", error) ||
           !check (gnutls_x509_crt_sign2 (crt, ca_crt, ca_key, GNUTLS_DIG_SHA256, 0),
                   "signature", error))
    return FALSE;

  crt_text = export_crt (crt, error);
  key_text = crt_text != NULL ? export_key (key, error) : NULL;
  if (key_text == NULL)
    return FALSE;

  *ca_file = g_build_filename (dir, "ca.pem", NULL);
  *cert_pem = g_steal_pointer (&crt_text);
  *key_pem = g_steal_pointer (&key_text);
  return TRUE;
}
