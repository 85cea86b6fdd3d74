/* mk-test-tls.h — certificates made for one run of the test FHIR server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  MK_TEST_TLS_VALID,       /* signed by the CA, for 127.0.0.1 and localhost */
  MK_TEST_TLS_UNTRUSTED,   /* self-signed, not from the CA */
  MK_TEST_TLS_EXPIRED,     /* signed by the CA, notAfter in the past */
  MK_TEST_TLS_WRONG_HOST,  /* signed by the CA, for "other.invalid" only */
} MkTestTlsMode;

/* Makes sure @dir holds a CA (ca.pem, ca-key.pem; reused when both are
 * already there, so a standalone server can keep one CA across runs) and
 * returns a fresh ECDSA P-256 server certificate and key for @mode as PEM.
 * @ca_file is set to the CA certificate's path. */
gboolean mk_test_tls_make (const char     *dir,
                           MkTestTlsMode   mode,
                           char          **ca_file,
                           char          **cert_pem,
                           char          **key_pem,
                           GError        **error);

G_END_DECLS
