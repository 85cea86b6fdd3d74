/* mk-test-browser.h — the SMART sign-in tests' provider and browser:
 * oidc-provider from npm (tests/auth/smart-server.mjs, which signs the
 * account in and consents by itself), and a browser that follows its
 * authorize URL over HTTP up to the app's loopback redirect, in a thread of
 * its own
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  MK_TEST_BROWSER_SIGN_IN,        /* follows the provider's sign-in and consent */
  MK_TEST_BROWSER_FORGE_STATE,    /* the same, with somebody else's state at the end */
  MK_TEST_BROWSER_DENY,           /* goes straight back to the redirect_uri with
                                   * error=access_denied and the right state */
} MkTestBrowserMode;

typedef struct
{
  MkTestBrowserMode  mode;
  char              *ca_file;   /* the only CA it trusts */
  char              *url;       /* the authorize URL last opened */
  guint              n_opened;
  GThread           *thread;
  /* Once the thread ended: */
  guint              status;    /* of the last page */
  char              *page;
  char              *error;     /* why no page was reached, or NULL */
} MkTestBrowser;

MkTestBrowser *mk_test_browser_new   (MkTestBrowserMode  mode,
                                      const char        *ca_file);
/* Starts following @url in a new thread (none may be running). */
void           mk_test_browser_open  (MkTestBrowser     *browser,
                                      const char        *url);
/* Waits for the thread started by the last mk_test_browser_open(). */
void           mk_test_browser_join  (MkTestBrowser     *browser);
/* Joins the thread when one is running, then frees. */
void           mk_test_browser_free  (MkTestBrowser     *browser);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkTestBrowser, mk_test_browser_free)

/* The query parameters of the authorize URL @url, decoded (asserts it has
 * a query that parses). */
GHashTable    *mk_test_authorize_params (const char     *url);
/* One of them, or NULL. */
char          *mk_test_authorize_param (const char      *url,
                                        const char      *name);

/* tests/auth/smart-server.mjs: oidc-provider over HTTPS on 127.0.0.1. */
typedef struct
{
  GSubprocess      *process;
  GDataInputStream *out;        /* kept open: the server may print more */
  char             *cert_file;  /* its certificate, the CA to trust */
  char             *fhir_base;  /* <issuer>/fhir */
} MkTestSmartServer;

/* Starts the server (`npm ci` into the build tree first when needed) with a
 * certificate made in @tmp_dir: it signs @patient_id in for @client_id and,
 * when @upstream is not NULL, passes the FHIR requests that carry a valid
 * token on to @upstream (trusting @upstream_ca). Asserts that it starts. */
MkTestSmartServer *mk_test_smart_server_start (const char        *tmp_dir,
                                               const char        *client_id,
                                               const char        *patient_id,
                                               const char        *upstream,
                                               const char        *upstream_ca);
/* Stops the server and frees @server (nothing when NULL). */
void           mk_test_smart_server_stop  (MkTestSmartServer *server);

/* Why the tests with oidc-provider cannot run here (no test keyring, no
 * node/npm, no certtool), or NULL. */
char          *mk_test_smart_skip_reason (void);

G_END_DECLS
