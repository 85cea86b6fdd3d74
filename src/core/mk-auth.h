/* mk-auth.h — signing in to a clinic server: SMART on FHIR standalone
 * launch (authorization code + PKCE S256, system browser, loopback
 * redirect), a bearer token from an administrator, and token refresh
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * No GTK. Tokens go to the Secret Service (mk-secret.h) and nowhere else;
 * nothing here logs a token, a code or a PKCE verifier. Design: docs/auth.md.
 */
#pragma once

#include <gio/gio.h>

#include "mk-account.h"

G_BEGIN_DECLS

#define MK_AUTH_ERROR (mk_auth_error_quark ())
typedef enum
{
  MK_AUTH_ERROR_NOT_SUPPORTED,     /* no SMART configuration, or no code flow with PKCE S256 */
  MK_AUTH_ERROR_NETWORK,           /* cannot reach the server */
  MK_AUTH_ERROR_TLS,               /* the server's certificate is not trusted */
  MK_AUTH_ERROR_INVALID_RESPONSE,  /* the server's answer is not what OAuth 2.0 / SMART says */
  MK_AUTH_ERROR_STATE_MISMATCH,    /* the redirect's state is not the one we sent */
  MK_AUTH_ERROR_DENIED,            /* the user (or the server) declined: error=access_denied */
  MK_AUTH_ERROR_REFUSED,           /* the server refused the sign-in; its error in the message */
  MK_AUTH_ERROR_TIMEOUT,           /* the browser did not come back in time */
  MK_AUTH_ERROR_SIGN_IN_REQUIRED,  /* no usable token and no way to refresh: sign in again */
} MkAuthError;

GQuark mk_auth_error_quark (void);

/* The scopes asked for (SMART v1 syntax, understood by v2 servers too). */
#define MK_AUTH_SCOPE_PATIENT      "launch/patient openid fhirUser offline_access patient/*.read patient/*.write"
#define MK_AUTH_SCOPE_PRACTITIONER "openid fhirUser offline_access user/*.*"

/* What [base]/.well-known/smart-configuration says. */
typedef struct
{
  char  *authorization_endpoint;
  char  *token_endpoint;
  char  *revocation_endpoint;      /* or NULL */
  char **capabilities;             /* never NULL */
  char **code_challenge_methods;   /* never NULL; empty when the server did not say */
} MkSmartConfiguration;

void                  mk_smart_configuration_free (MkSmartConfiguration *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkSmartConfiguration, mk_smart_configuration_free)

/* Reads the SMART configuration of the FHIR server at @base_url (https
 * only, certificates verified, @ca_file trusted in addition to the system's
 * CAs). Fails with MK_AUTH_ERROR_NOT_SUPPORTED when the server has none, or
 * when it does not offer the authorization code flow with PKCE S256. */
MkSmartConfiguration *mk_auth_discover        (const char           *base_url,
                                               const char           *ca_file,
                                               GCancellable         *cancellable,
                                               GError              **error);
void                  mk_auth_discover_async  (const char           *base_url,
                                               const char           *ca_file,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
MkSmartConfiguration *mk_auth_discover_finish (GAsyncResult         *result,
                                               GError              **error);

/* Bearer method: stores @token (given by an administrator) as the access
 * token, forgets any refresh token, and sets the account's method. Save the
 * account afterwards. */
gboolean  mk_auth_set_bearer_token    (MkAccount      *account,
                                       const char     *token,
                                       GCancellable   *cancellable,
                                       GError        **error);
/* The access token from the Secret Service; MK_AUTH_ERROR_SIGN_IN_REQUIRED
 * when there is none. Free with mk_secret_free_token(). */
char     *mk_auth_lookup_access_token (MkAccount      *account,
                                       GCancellable   *cancellable,
                                       GError        **error);
/* Forgets the account's tokens. */
gboolean  mk_auth_sign_out            (MkAccount      *account,
                                       GCancellable   *cancellable,
                                       GError        **error);

/* After a 401: one refresh_token grant at the account's token endpoint; the
 * new tokens replace the old ones in the Secret Service. A refused refresh
 * (or a bearer account, or no refresh token) → MK_AUTH_ERROR_SIGN_IN_REQUIRED
 * and the refresh token is forgotten, so callers never loop. Call it once
 * per 401, then stop. Reads @account only; safe in a worker thread. */
gboolean  mk_auth_refresh             (MkAccount            *account,
                                       GCancellable         *cancellable,
                                       GError              **error);
void      mk_auth_refresh_async       (MkAccount            *account,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
gboolean  mk_auth_refresh_finish      (GAsyncResult         *result,
                                       GError              **error);

/* One SMART standalone launch.
 *
 *   login = mk_smart_login_new (account, config);
 *   mk_smart_login_start (login, &error);            // loopback listener
 *   open mk_smart_login_get_authorize_url (login) in the browser;
 *   mk_smart_login_wait_async (login, …) / mk_smart_login_wait (login, …);
 *   mk_account_save (account, store, …);              // subject, method, endpoint
 *
 * The listener runs in the thread-default main context of the caller of
 * _start(); _wait() iterates that context, _wait_async() needs it running.
 * On success the tokens are in the Secret Service and the account holds the
 * auth method, the token endpoint and the subject from the token response
 * (`patient`, else `fhirUser`). */
#define MK_TYPE_SMART_LOGIN (mk_smart_login_get_type ())
G_DECLARE_FINAL_TYPE (MkSmartLogin, mk_smart_login, MK, SMART_LOGIN, GObject)

MkSmartLogin *mk_smart_login_new               (MkAccount                  *account,
                                                const MkSmartConfiguration *config);
/* How long to wait for the browser to come back; default 300 s. */
void          mk_smart_login_set_timeout       (MkSmartLogin        *self,
                                                guint                seconds);
gboolean      mk_smart_login_start             (MkSmartLogin        *self,
                                                GError             **error);
/* http://127.0.0.1:<port>/callback */
const char   *mk_smart_login_get_redirect_uri  (MkSmartLogin        *self);
const char   *mk_smart_login_get_authorize_url (MkSmartLogin        *self);
void          mk_smart_login_wait_async        (MkSmartLogin        *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean      mk_smart_login_wait_finish       (MkSmartLogin        *self,
                                                GAsyncResult        *result,
                                                GError             **error);
gboolean      mk_smart_login_wait              (MkSmartLogin        *self,
                                                GCancellable        *cancellable,
                                                GError             **error);
/* From the token response, after success (NULL when absent). */
const char   *mk_smart_login_get_patient       (MkSmartLogin        *self);
const char   *mk_smart_login_get_fhir_user     (MkSmartLogin        *self);
/* Seconds, or 0 when the server did not say. */
gint64        mk_smart_login_get_expires_in    (MkSmartLogin        *self);

/* For the command line: discovery, login, the URL printed to stderr and
 * handed to g_app_info_launch_default_for_uri(), waiting in the calling
 * thread. Save the account afterwards. */
gboolean      mk_auth_smart_sign_in            (MkAccount           *account,
                                                GCancellable        *cancellable,
                                                GError             **error);

G_END_DECLS
