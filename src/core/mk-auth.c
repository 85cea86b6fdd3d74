/* mk-auth.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "mk-auth.h"
#include "mk-secret.h"

#define HTTP_TIMEOUT_SECONDS 30
#define DEFAULT_BROWSER_TIMEOUT_SECONDS 300

G_DEFINE_QUARK (mk-auth-error-quark, mk_auth_error)

/* ------------------------------------------------------------------ */
/* Small helpers                                                        */

static char *
base64url_encode (const guint8 *data,
                  gsize         len)
{
  char *text = g_base64_encode (data, len);
  char *end;

  for (char *p = text; *p != '\0'; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
    }

  end = strchr (text, '=');
  if (end != NULL)
    *end = '\0';

  return text;
}

static void
wipe_free (gpointer data)
{
  mk_secret_free_token (data);
}

/* A random base64url string of @n_bytes bytes of entropy, from GnuTLS's
 * cryptographic generator. */
static char *
random_token (gsize n_bytes)
{
  guint8 buf[64];
  char *text;

  g_assert (n_bytes <= sizeof buf);
  if (gnutls_rnd (GNUTLS_RND_KEY, buf, n_bytes) != 0)
    g_error ("The system's random number generator failed");

  text = base64url_encode (buf, n_bytes);
  memset (buf, 0, sizeof buf);
  return text;
}

static char *
pkce_challenge (const char *verifier)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;

  g_checksum_update (checksum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &len);

  return base64url_encode (digest, len);
}

static gboolean
is_https (const char *url)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;

  return uri != NULL && g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 &&
         g_uri_get_host (uri) != NULL && g_uri_get_userinfo (uri) == NULL;
}

static gboolean
constant_time_equal (const char *a,
                     const char *b)
{
  gsize len_a = strlen (a);
  guint8 diff = len_a != strlen (b);

  for (gsize i = 0; i < len_a && b[i] != '\0'; i++)
    diff |= (guint8) (a[i] ^ b[i]);

  return diff == 0;
}

/* ------------------------------------------------------------------ */
/* HTTPS, with the same rules as MkClient: always verified, an extra CA    */

/* Called only when the system's CAs did not accept the certificate: accept
 * it when it chains up to the account's own CA file and names the host. */
static gboolean
accept_certificate_cb (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  const char *ca_file = user_data;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GSocketConnectable) identity = NULL;
  GUri *uri = soup_message_get_uri (msg);
  GTlsCertificateFlags flags;

  database = g_tls_file_database_new (ca_file, NULL);
  if (database == NULL)
    return FALSE;

  identity = g_network_address_new (g_uri_get_host (uri),
                                    g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : 443);
  flags = g_tls_database_verify_chain (database, certificate,
                                       G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER,
                                       identity, NULL, G_TLS_DATABASE_VERIFY_NONE,
                                       NULL, NULL);
  return flags == 0;
}

static SoupSession *
new_session (void)
{
  return soup_session_new_with_options ("timeout", HTTP_TIMEOUT_SECONDS,
                                        "user-agent", "Medkarta/" PACKAGE_VERSION,
                                        NULL);
}

static void
set_transport_error (GError     **error,
                     GError      *transport_error,
                     const char  *url)
{
  g_autoptr(GError) owned = transport_error;
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *host = uri != NULL ? g_uri_get_host (uri) : url;

  if (g_error_matches (owned, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_steal_pointer (&owned));
  else if (owned->domain == G_TLS_ERROR)
    g_set_error (error, MK_AUTH_ERROR, MK_AUTH_ERROR_TLS,
                 /* Translators: %s is a server's host name, then a technical detail */
                 _("The certificate of %s is not trusted: %s"), host, owned->message);
  else
    g_set_error (error, MK_AUTH_ERROR, MK_AUTH_ERROR_NETWORK,
                 /* Translators: %s is a server's host name, then a technical detail */
                 _("Cannot reach %s: %s"), host, owned->message);
}

static void
free_closure_data (gpointer  data,
                   GClosure *closure)
{
  g_free (data);
}

/* Sends @msg and returns the body, whatever the status. */
static GBytes *
send_message (SoupSession   *session,
              SoupMessage   *msg,
              const char    *ca_file,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autofree char *url = g_uri_to_string (soup_message_get_uri (msg));
  GError *transport_error = NULL;
  GBytes *body;

  if (ca_file != NULL)
    g_signal_connect_data (msg, "accept-certificate", G_CALLBACK (accept_certificate_cb),
                           g_strdup (ca_file), free_closure_data, 0);

  body = soup_session_send_and_read (session, msg, cancellable, &transport_error);
  if (body == NULL)
    {
      set_transport_error (error, transport_error, url);
      return NULL;
    }

  return body;
}

static JsonObject *
parse_json_object (GBytes  *body,
                   GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len = 0;
  const char *data = g_bytes_get_data (body, &len);
  JsonNode *root;

  if (!json_parser_load_from_data (parser, data != NULL ? data : "", len, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, MK_AUTH_ERROR, MK_AUTH_ERROR_INVALID_RESPONSE,
                           _("The server’s answer is not valid JSON"));
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

static const char *
get_string (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static char **
get_strv (JsonObject *object,
          const char *member)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode *node = json_object_get_member (object, member);

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (item));
        }
    }

  return g_strv_builder_end (builder);
}

/* ------------------------------------------------------------------ */
/* Discovery                                                            */

void
mk_smart_configuration_free (MkSmartConfiguration *config)
{
  if (config == NULL)
    return;

  g_free (config->authorization_endpoint);
  g_free (config->token_endpoint);
  g_free (config->revocation_endpoint);
  g_strfreev (config->capabilities);
  g_strfreev (config->code_challenge_methods);
  g_free (config);
}

MkSmartConfiguration *
mk_auth_discover (const char    *base_url,
                  const char    *ca_file,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(MkSmartConfiguration) config = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GString) url = NULL;
  g_auto(GStrv) grant_types = NULL;

  g_return_val_if_fail (base_url != NULL, NULL);

  if (!is_https (base_url))
    {
      g_set_error_literal (error, MK_AUTH_ERROR, MK_AUTH_ERROR_NOT_SUPPORTED,
                           _("The server address must be a web address that starts with https://"));
      return NULL;
    }

  url = g_string_new (base_url);
  while (url->len > 0 && url->str[url->len - 1] == '/')
    g_string_truncate (url, url->len - 1);
  g_string_append (url, "/.well-known/smart-configuration");

  session = new_session ();
  msg = soup_message_new ("GET", url->str);
  if (msg == NULL)
    {
      g_set_error_literal (error, MK_AUTH_ERROR, MK_AUTH_ERROR_NOT_SUPPORTED,
                           _("The server address must be a web address that starts with https://"));
      return NULL;
    }
  soup_message_headers_append (soup_message_get_request_headers (msg),
                               "Accept", "application/json");

  body = send_message (session, msg, ca_file, cancellable, error);
  if (body == NULL)
    return NULL;

  if (soup_message_get_status (msg) != SOUP_STATUS_OK ||
      (object = parse_json_object (body, &local_error)) == NULL)
    {
      g_set_error_literal (error, MK_AUTH_ERROR, MK_AUTH_ERROR_NOT_SUPPORTED,
                           _("This server does not offer SMART on FHIR sign-in; "
                             "ask the clinic for an access token instead"));
      return NULL;
    }

  config = g_new0 (MkSmartConfiguration, 1);
  config->authorization_endpoint = g_strdup (get_string (object, "authorization_endpoint"));
  config->token_endpoint = g_strdup (get_string (object, "token_endpoint"));
  config->revocation_endpoint = g_strdup (get_string (object, "revocation_endpoint"));
  config->capabilities = get_strv (object, "capabilities");
  config->code_challenge_methods = get_strv (object, "code_challenge_methods_supported");
  grant_types = get_strv (object, "grant_types_supported");

  if (!is_https (config->authorization_endpoint) || !is_https (config->token_endpoint))
    {
      g_set_error_literal (error, MK_AUTH_ERROR, MK_AUTH_ERROR_INVALID_RESPONSE,
                           _("The server’s SMART configuration has no secure "
                             "authorization and token addresses"));
      return NULL;
    }

  /* What servers do not list they may still do; what they list must
   * include the authorization code grant with PKCE S256. */
  if ((config->code_challenge_methods[0] != NULL &&
       !g_strv_contains ((const char * const *) config->code_challenge_methods, "S256")) ||
      (grant_types[0] != NULL &&
       !g_strv_contains ((const char * const *) grant_types, "authorization_code")))
    {
      g_set_error_literal (error, MK_AUTH_ERROR, MK_AUTH_ERROR_NOT_SUPPORTED,
                           _("The server does not offer the secure sign-in Medkarta "
                             "needs (authorization code with PKCE S256)"));
      return NULL;
    }

  return g_steal_pointer (&config);
}

typedef struct
{
  char *base_url;
  char *ca_file;
} DiscoverData;

static void
discover_data_free (gpointer data)
{
  DiscoverData *d = data;

  g_free (d->base_url);
  g_free (d->ca_file);
  g_free (d);
}

static void
discover_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  DiscoverData *d = task_data;
  GError *error = NULL;
  MkSmartConfiguration *config;

  config = mk_auth_discover (d->base_url, d->ca_file, cancellable, &error);
  if (config == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, config, (GDestroyNotify) mk_smart_configuration_free);
}

void
mk_auth_discover_async (const char          *base_url,
                        const char          *ca_file,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  DiscoverData *d;

  g_return_if_fail (base_url != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, mk_auth_discover_async);
  d = g_new0 (DiscoverData, 1);
  d->base_url = g_strdup (base_url);
  d->ca_file = g_strdup (ca_file);
  g_task_set_task_data (task, d, discover_data_free);
  g_task_run_in_thread (task, discover_thread);
}

MkSmartConfiguration *
mk_auth_discover_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* The token endpoint                                                   */

typedef struct
{
  char   *access_token;
  char   *refresh_token;
  gint64  expires_in;
  char   *patient;
  char   *fhir_user;
} TokenResponse;

static void
token_response_free (TokenResponse *response)
{
  if (response == NULL)
    return;

  mk_secret_free_token (response->access_token);
  mk_secret_free_token (response->refresh_token);
  g_free (response->patient);
  g_free (response->fhir_user);
  g_free (response);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TokenResponse, token_response_free)

/* The fhirUser claim of an OpenID Connect ID token. The token came straight
 * from the token endpoint over verified TLS, which OpenID Connect Core
 * §3.1.3.7 accepts in place of checking its signature. */
static char *
fhir_user_from_id_token (const char *id_token)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GString) payload = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonObject) claims = NULL;
  g_autofree guchar *decoded = NULL;
  gsize len = 0;

  if (id_token == NULL)
    return NULL;

  parts = g_strsplit (id_token, ".", 4);
  if (g_strv_length (parts) != 3)
    return NULL;

  payload = g_string_new (parts[1]);
  g_strdelimit (payload->str, "-", '+');
  g_strdelimit (payload->str, "_", '/');
  while (payload->len % 4 != 0)
    g_string_append_c (payload, '=');

  decoded = g_base64_decode (payload->str, &len);
  bytes = g_bytes_new (decoded, len);
  claims = parse_json_object (bytes, NULL);
  if (claims == NULL)
    return NULL;

  return g_strdup (get_string (claims, "fhirUser"));
}

/* POSTs a form to the token endpoint. The form holds a code, a verifier or
 * a refresh token: its memory is wiped once sent. Errors: network/TLS as
 * usual; MK_AUTH_ERROR_REFUSED for a 4xx OAuth error (the server's error
 * code and description in the message). */
static TokenResponse *
token_request (const char    *token_endpoint,
               const char    *ca_file,
               char          *form,   /* (transfer full) */
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(SoupSession) session = new_session ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) request_body = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(TokenResponse) response = NULL;
  const char *token_type;
  guint status;

  request_body = g_bytes_new_with_free_func (form, strlen (form), wipe_free, form);

  msg = soup_message_new ("POST", token_endpoint);
  if (msg == NULL || !is_https (token_endpoint))
    {
      g_set_error_literal (error, MK_AUTH_ERROR, MK_AUTH_ERROR_INVALID_RESPONSE,
                           _("The server’s SMART configuration has no secure "
                             "authorization and token addresses"));
      return NULL;
    }

  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded",
                                            request_body);
  soup_message_headers_append (soup_message_get_request_headers (msg),
                               "Accept", "application/json");

  body = send_message (session, msg, ca_file, cancellable, error);
  if (body == NULL)
    return NULL;

  status = soup_message_get_status (msg);
  object = parse_json_object (body, NULL);

  if (status >= 400 && status < 500)
    {
      const char *code = object != NULL ? get_string (object, "error") : NULL;
      const char *description = object != NULL ? get_string (object, "error_description") : NULL;

      g_set_error (error, MK_AUTH_ERROR, MK_AUTH_ERROR_REFUSED,
                   /* Translators: the first %s is an OAuth error code such as
                    * invalid_grant, the second the server's explanation */
                   _("The server refused the sign-in (%s: %s)"),
                   code != NULL ? code : soup_message_get_reason_phrase (msg),
                   description != NULL ? description : "");
      return NULL;
    }

  if (status != SOUP_STATUS_OK || object == NULL ||
      get_string (object, "access_token") == NULL ||
      ((token_type = get_string (object, "token_type")) != NULL &&
       g_ascii_strcasecmp (token_type, "bearer") != 0))
    {
      g_set_error (error, MK_AUTH_ERROR, MK_AUTH_ERROR_INVALID_RESPONSE,
                   /* Translators: %u is an HTTP status code */
                   _("The server’s token answer is not usable (HTTP %u)"), status);
      return NULL;
    }

  response = g_new0 (TokenResponse, 1);
  response->access_token = g_strdup (get_string (object, "access_token"));
  response->refresh_token = g_strdup (get_string (object, "refresh_token"));
  if (json_object_has_member (object, "expires_in"))
    response->expires_in = json_object_get_int_member_with_default (object, "expires_in", 0);
  response->patient = g_strdup (get_string (object, "patient"));
  response->fhir_user = g_strdup (get_string (object, "fhirUser"));
  if (response->fhir_user == NULL)
    response->fhir_user = fhir_user_from_id_token (get_string (object, "id_token"));

  return g_steal_pointer (&response);
}

/* Access token, then the refresh token (or none: any old one is removed). */
static gboolean
store_tokens (const char     *account_uuid,
              const char     *server_url,
              TokenResponse  *response,
              gboolean        keep_old_refresh,
              GCancellable   *cancellable,
              GError        **error)
{
  if (!mk_secret_store_token_for_server (account_uuid, server_url, MK_TOKEN_ACCESS,
                                         response->access_token, cancellable, error))
    return FALSE;

  if (response->refresh_token != NULL)
    return mk_secret_store_token_for_server (account_uuid, server_url, MK_TOKEN_REFRESH,
                                             response->refresh_token, cancellable, error);

  if (!keep_old_refresh)
    return mk_secret_clear_token (account_uuid, MK_TOKEN_REFRESH, cancellable, error);

  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Bearer tokens and refresh                                            */

static void
set_sign_in_required (GError **error)
{
  g_set_error_literal (error, MK_AUTH_ERROR, MK_AUTH_ERROR_SIGN_IN_REQUIRED,
                       _("The clinic server no longer accepts the saved sign-in. Sign in again"));
}

gboolean
mk_auth_set_bearer_token (MkAccount     *account,
                          const char    *token,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_return_val_if_fail (MK_IS_ACCOUNT (account), FALSE);
  g_return_val_if_fail (token != NULL, FALSE);

  if (*token == '\0')
    {
      g_set_error_literal (error, MK_AUTH_ERROR, MK_AUTH_ERROR_SIGN_IN_REQUIRED,
                           _("The access token is empty"));
      return FALSE;
    }

  if (!mk_secret_store_token_for_server (mk_account_get_uuid (account),
                                         mk_account_get_server_url (account),
                                         MK_TOKEN_ACCESS, token, cancellable, error) ||
      !mk_secret_clear_token (mk_account_get_uuid (account), MK_TOKEN_REFRESH,
                              cancellable, error))
    return FALSE;

  mk_account_set_auth_method (account, MK_AUTH_METHOD_BEARER);
  return TRUE;
}

char *
mk_auth_lookup_access_token (MkAccount     *account,
                             GCancellable  *cancellable,
                             GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  char *token;

  g_return_val_if_fail (MK_IS_ACCOUNT (account), NULL);

  token = mk_secret_lookup_token (mk_account_get_uuid (account), MK_TOKEN_ACCESS,
                                  cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (token == NULL)
    {
      g_set_error_literal (error, MK_AUTH_ERROR, MK_AUTH_ERROR_SIGN_IN_REQUIRED,
                           _("There is no saved sign-in for this account. Sign in again"));
      return NULL;
    }

  return token;
}

gboolean
mk_auth_sign_out (MkAccount     *account,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_return_val_if_fail (MK_IS_ACCOUNT (account), FALSE);

  return mk_secret_clear_tokens (mk_account_get_uuid (account), cancellable, error);
}

typedef struct
{
  char         *uuid;
  char         *server_url;
  char         *ca_file;
  char         *client_id;
  char         *token_endpoint;
  MkAuthMethod  method;
} RefreshData;

static void
refresh_data_free (gpointer data)
{
  RefreshData *d = data;

  g_free (d->uuid);
  g_free (d->server_url);
  g_free (d->ca_file);
  g_free (d->client_id);
  g_free (d->token_endpoint);
  g_free (d);
}

static RefreshData *
refresh_data_new (MkAccount *account)
{
  RefreshData *d = g_new0 (RefreshData, 1);

  d->uuid = g_strdup (mk_account_get_uuid (account));
  d->server_url = g_strdup (mk_account_get_server_url (account));
  d->ca_file = g_strdup (mk_account_get_ca_file (account));
  d->client_id = g_strdup (mk_account_get_client_id (account));
  d->token_endpoint = g_strdup (mk_account_get_token_endpoint (account));
  d->method = mk_account_get_auth_method (account);

  return d;
}

static gboolean
refresh_with_data (RefreshData   *d,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(MkSecretToken) refresh_token = NULL;
  g_autoptr(TokenResponse) response = NULL;
  g_autofree char *discovered_endpoint = NULL;
  const char *token_endpoint = d->token_endpoint;

  /* An administrator's token cannot be renewed by us. */
  if (d->method != MK_AUTH_METHOD_SMART)
    {
      set_sign_in_required (error);
      return FALSE;
    }

  refresh_token = mk_secret_lookup_token (d->uuid, MK_TOKEN_REFRESH, cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (refresh_token == NULL)
    {
      set_sign_in_required (error);
      return FALSE;
    }

  if (token_endpoint == NULL)
    {
      g_autoptr(MkSmartConfiguration) config = NULL;

      config = mk_auth_discover (d->server_url, d->ca_file, cancellable, error);
      if (config == NULL)
        return FALSE;
      token_endpoint = discovered_endpoint = g_strdup (config->token_endpoint);
    }

  response = token_request (token_endpoint, d->ca_file,
                            soup_form_encode ("grant_type", "refresh_token",
                                              "refresh_token", refresh_token,
                                              "client_id", d->client_id,
                                              NULL),
                            cancellable, &local_error);
  if (response == NULL)
    {
      if (g_error_matches (local_error, MK_AUTH_ERROR, MK_AUTH_ERROR_REFUSED))
        {
          /* Refused for good: forget it, so nobody tries it again. */
          if (!mk_secret_clear_token (d->uuid, MK_TOKEN_REFRESH, cancellable, error))
            return FALSE;
          set_sign_in_required (error);
          return FALSE;
        }

      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  /* A server that does not rotate refresh tokens sends none back: the old
   * one stays valid. */
  return store_tokens (d->uuid, d->server_url, response, TRUE, cancellable, error);
}

gboolean
mk_auth_refresh (MkAccount     *account,
                 GCancellable  *cancellable,
                 GError       **error)
{
  RefreshData *d;
  gboolean ret;

  g_return_val_if_fail (MK_IS_ACCOUNT (account), FALSE);

  d = refresh_data_new (account);
  ret = refresh_with_data (d, cancellable, error);
  refresh_data_free (d);

  return ret;
}

static void
refresh_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;

  if (refresh_with_data (task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
mk_auth_refresh_async (MkAccount           *account,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MK_IS_ACCOUNT (account));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, mk_auth_refresh_async);
  g_task_set_task_data (task, refresh_data_new (account), refresh_data_free);
  g_task_run_in_thread (task, refresh_thread);
}

gboolean
mk_auth_refresh_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* MkSmartLogin                                                         */

struct _MkSmartLogin
{
  GObject               parent_instance;

  MkAccount            *account;
  MkSmartConfiguration *config;      /* a copy */
  guint                 timeout_seconds;

  GMainContext         *context;     /* where the listener and the wait run */
  SoupServer           *server;
  char                 *redirect_uri;
  char                 *authorize_url;
  char                 *state;
  char                 *verifier;    /* secret: wiped on finalize */

  /* What the browser brought back (once); ready once the page was sent. */
  gboolean              answered;
  gboolean              answer_ready;
  char                 *code;        /* secret: wiped on finalize */
  GError               *callback_error;

  GTask                *task;        /* the pending wait */
  GSource              *timeout_source;
  gulong                cancelled_id;
  gboolean              exchanging;

  char                 *patient;
  char                 *fhir_user;
  gint64                expires_in;
};

G_DEFINE_FINAL_TYPE (MkSmartLogin, mk_smart_login, G_TYPE_OBJECT)

static void
stop_listening (MkSmartLogin *self)
{
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);

  if (self->timeout_source != NULL)
    {
      g_source_destroy (self->timeout_source);
      g_clear_pointer (&self->timeout_source, g_source_unref);
    }
}

static void
mk_smart_login_dispose (GObject *object)
{
  MkSmartLogin *self = MK_SMART_LOGIN (object);

  stop_listening (self);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (mk_smart_login_parent_class)->dispose (object);
}

static void
mk_smart_login_finalize (GObject *object)
{
  MkSmartLogin *self = MK_SMART_LOGIN (object);

  g_assert (self->task == NULL);

  g_clear_pointer (&self->config, mk_smart_configuration_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->redirect_uri, g_free);
  g_clear_pointer (&self->authorize_url, g_free);
  g_clear_pointer (&self->state, g_free);
  g_clear_pointer (&self->verifier, mk_secret_free_token);
  g_clear_pointer (&self->code, mk_secret_free_token);
  g_clear_error (&self->callback_error);
  g_clear_pointer (&self->patient, g_free);
  g_clear_pointer (&self->fhir_user, g_free);

  G_OBJECT_CLASS (mk_smart_login_parent_class)->finalize (object);
}

static void
mk_smart_login_class_init (MkSmartLoginClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mk_smart_login_dispose;
  object_class->finalize = mk_smart_login_finalize;
}

static void
mk_smart_login_init (MkSmartLogin *self)
{
  self->timeout_seconds = DEFAULT_BROWSER_TIMEOUT_SECONDS;
}

MkSmartLogin *
mk_smart_login_new (MkAccount                  *account,
                    const MkSmartConfiguration *config)
{
  MkSmartLogin *self;

  g_return_val_if_fail (MK_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (config != NULL, NULL);

  self = g_object_new (MK_TYPE_SMART_LOGIN, NULL);
  self->account = g_object_ref (account);
  self->config = g_new0 (MkSmartConfiguration, 1);
  self->config->authorization_endpoint = g_strdup (config->authorization_endpoint);
  self->config->token_endpoint = g_strdup (config->token_endpoint);
  self->config->revocation_endpoint = g_strdup (config->revocation_endpoint);
  self->config->capabilities = g_strdupv (config->capabilities);
  self->config->code_challenge_methods = g_strdupv (config->code_challenge_methods);

  return self;
}

void
mk_smart_login_set_timeout (MkSmartLogin *self,
                            guint         seconds)
{
  g_return_if_fail (MK_IS_SMART_LOGIN (self));
  g_return_if_fail (seconds > 0);

  self->timeout_seconds = seconds;
}

const char *
mk_smart_login_get_redirect_uri (MkSmartLogin *self)
{
  g_return_val_if_fail (MK_IS_SMART_LOGIN (self), NULL);
  return self->redirect_uri;
}

const char *
mk_smart_login_get_authorize_url (MkSmartLogin *self)
{
  g_return_val_if_fail (MK_IS_SMART_LOGIN (self), NULL);
  return self->authorize_url;
}

const char *
mk_smart_login_get_patient (MkSmartLogin *self)
{
  g_return_val_if_fail (MK_IS_SMART_LOGIN (self), NULL);
  return self->patient;
}

const char *
mk_smart_login_get_fhir_user (MkSmartLogin *self)
{
  g_return_val_if_fail (MK_IS_SMART_LOGIN (self), NULL);
  return self->fhir_user;
}

gint64
mk_smart_login_get_expires_in (MkSmartLogin *self)
{
  g_return_val_if_fail (MK_IS_SMART_LOGIN (self), 0);
  return self->expires_in;
}

static void maybe_proceed (MkSmartLogin *self);

static void
respond_page (SoupServerMessage *msg,
              guint              status,
              const char        *title,
              const char        *text)
{
  g_autofree char *page = NULL;
  g_autofree char *escaped_title = g_markup_escape_text (title, -1);
  g_autofree char *escaped_text = g_markup_escape_text (text, -1);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  page = g_strdup_printf ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                          "<title>%s</title></head>"
                          "<body style=\"font-family: sans-serif; margin: 3em\">"
                          "<h1>%s</h1><p>%s</p></body></html>\n",
                          escaped_title, escaped_title, escaped_text);

  soup_message_headers_append (headers, "Cache-Control", "no-store");
  soup_message_headers_append (headers, "Referrer-Policy", "no-referrer");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY,
                                    page, strlen (page));
}

static gboolean
answer_ready_idle_cb (gpointer user_data)
{
  MkSmartLogin *self = user_data;

  self->answer_ready = TRUE;
  maybe_proceed (self);
  return G_SOURCE_REMOVE;
}

static void
answer_sent_cb (SoupServerMessage *msg,
                gpointer           user_data)
{
  MkSmartLogin *self = user_data;
  g_autoptr(GSource) source = g_idle_source_new ();

  /* Out of libsoup's I/O code before touching the server. */
  g_source_set_callback (source, answer_ready_idle_cb, g_object_ref (self), g_object_unref);
  g_source_attach (source, self->context);
}

static void
callback_handler (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  MkSmartLogin *self = user_data;
  const char *code = query != NULL ? g_hash_table_lookup (query, "code") : NULL;
  const char *state = query != NULL ? g_hash_table_lookup (query, "state") : NULL;
  const char *oauth_error = query != NULL ? g_hash_table_lookup (query, "error") : NULL;

  if (g_strcmp0 (soup_server_message_get_method (msg), "GET") != 0)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      return;
    }

  if (self->answered)
    {
      respond_page (msg, SOUP_STATUS_GONE,
                    _("Sign-in already finished"),
                    _("Medkarta has already received an answer for this sign-in. "
                      "You can close this window."));
      return;
    }

  self->answered = TRUE;

  if (state == NULL || !constant_time_equal (state, self->state))
    {
      g_set_error_literal (&self->callback_error, MK_AUTH_ERROR, MK_AUTH_ERROR_STATE_MISMATCH,
                           _("The sign-in answer does not belong to the sign-in Medkarta "
                             "started, so it was refused. Start the sign-in again"));
      respond_page (msg, SOUP_STATUS_BAD_REQUEST,
                    _("Sign-in refused"),
                    _("This answer does not belong to the sign-in Medkarta started, "
                      "so Medkarta refused it. You can close this window and start "
                      "the sign-in again."));
    }
  else if (g_strcmp0 (oauth_error, "access_denied") == 0)
    {
      g_set_error_literal (&self->callback_error, MK_AUTH_ERROR, MK_AUTH_ERROR_DENIED,
                           _("The sign-in was cancelled or access was not allowed"));
      respond_page (msg, SOUP_STATUS_OK,
                    _("Sign-in cancelled"),
                    _("Access was not allowed. You can close this window."));
    }
  else if (oauth_error != NULL || code == NULL || *code == '\0')
    {
      const char *description = query != NULL ? g_hash_table_lookup (query, "error_description") : NULL;

      g_set_error (&self->callback_error, MK_AUTH_ERROR, MK_AUTH_ERROR_REFUSED,
                   _("The server refused the sign-in (%s: %s)"),
                   oauth_error != NULL ? oauth_error : "no code",
                   description != NULL ? description : "");
      respond_page (msg, SOUP_STATUS_OK,
                    _("Sign-in failed"),
                    _("The clinic server did not let Medkarta sign in. You can close "
                      "this window; Medkarta shows the reason."));
    }
  else
    {
      self->code = g_strdup (code);
      respond_page (msg, SOUP_STATUS_OK,
                    _("Signed in to Medkarta"),
                    _("Medkarta received the sign-in. You can close this window."));
    }

  /* Go on once the page is out: stopping the listener earlier would cut
   * the browser off. */
  g_signal_connect_object (msg, "finished", G_CALLBACK (answer_sent_cb), self, 0);
}

gboolean
mk_smart_login_start (MkSmartLogin  *self,
                      GError       **error)
{
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GString) url = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *reference = NULL;
  GSList *uris;
  int port;
  const char *scope;
  struct { const char *name; const char *value; } params[9];

  g_return_val_if_fail (MK_IS_SMART_LOGIN (self), FALSE);
  g_return_val_if_fail (self->server == NULL && self->authorize_url == NULL, FALSE);

  self->context = g_main_context_ref_thread_default ();
  self->server = soup_server_new ("server-header", "Medkarta", NULL);
  soup_server_add_handler (self->server, "/callback", callback_handler, self, NULL);

  /* Loopback only, a port chosen by the system (RFC 8252 §7.3). */
  address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  if (!soup_server_listen (self->server, address, 0, error))
    {
      g_clear_object (&self->server);
      return FALSE;
    }

  uris = soup_server_get_uris (self->server);
  port = uris != NULL ? g_uri_get_port (uris->data) : -1;
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  if (port <= 0)
    {
      stop_listening (self);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _("Cannot receive the sign-in answer on this computer"));
      return FALSE;
    }

  self->redirect_uri = g_strdup_printf ("http://127.0.0.1:%d/callback", port);
  self->state = random_token (16);
  self->verifier = random_token (32);   /* 43 characters */
  challenge = pkce_challenge (self->verifier);

  scope = mk_account_get_role (self->account) == MK_ACCOUNT_ROLE_PRACTITIONER
          ? MK_AUTH_SCOPE_PRACTITIONER : MK_AUTH_SCOPE_PATIENT;

  params[0].name = "response_type";          params[0].value = "code";
  params[1].name = "client_id";              params[1].value = mk_account_get_client_id (self->account);
  params[2].name = "redirect_uri";           params[2].value = self->redirect_uri;
  params[3].name = "scope";                  params[3].value = scope;
  params[4].name = "state";                  params[4].value = self->state;
  params[5].name = "aud";                    params[5].value = mk_account_get_server_url (self->account);
  params[6].name = "code_challenge";         params[6].value = challenge;
  params[7].name = "code_challenge_method";  params[7].value = "S256";
  params[8].name = NULL;                     params[8].value = NULL;

  url = g_string_new (self->config->authorization_endpoint);
  for (guint i = 0; params[i].name != NULL; i++)
    {
      g_string_append_c (url, i == 0 && strchr (url->str, '?') == NULL ? '?' : '&');
      g_string_append (url, params[i].name);
      g_string_append_c (url, '=');
      g_string_append_uri_escaped (url, params[i].value, NULL, FALSE);
    }

  self->authorize_url = g_string_free (g_steal_pointer (&url), FALSE);
  return TRUE;
}

static void
complete_wait (MkSmartLogin *self,
               GError       *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  stop_listening (self);
  if (self->cancelled_id != 0)
    {
      g_cancellable_disconnect (g_task_get_cancellable (task), self->cancelled_id);
      self->cancelled_id = 0;
    }

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

typedef struct
{
  char *uuid;
  char *server_url;
  char *ca_file;
  char *token_endpoint;
  char *form;   /* secret */
} ExchangeData;

static void
exchange_data_free (gpointer data)
{
  ExchangeData *d = data;

  g_free (d->uuid);
  g_free (d->server_url);
  g_free (d->ca_file);
  g_free (d->token_endpoint);
  mk_secret_free_token (d->form);
  g_free (d);
}

static void
exchange_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  ExchangeData *d = task_data;
  GError *error = NULL;
  TokenResponse *response;

  response = token_request (d->token_endpoint, d->ca_file, g_steal_pointer (&d->form),
                            cancellable, &error);
  if (response == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (!store_tokens (d->uuid, d->server_url, response, FALSE, cancellable, &error))
    {
      token_response_free (response);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, response, (GDestroyNotify) token_response_free);
}

/* "Patient/123", "Practitioner/9" or an absolute URL ending so. */
static gboolean
parse_fhir_user (const char     *fhir_user,
                 MkAccountRole  *role,
                 char          **id)
{
  g_auto(GStrv) parts = NULL;
  guint n;

  if (fhir_user == NULL)
    return FALSE;

  parts = g_strsplit (fhir_user, "/", -1);
  n = g_strv_length (parts);
  if (n < 2)
    return FALSE;

  if (g_str_equal (parts[n - 2], "Patient"))
    *role = MK_ACCOUNT_ROLE_PATIENT;
  else if (g_str_equal (parts[n - 2], "Practitioner"))
    *role = MK_ACCOUNT_ROLE_PRACTITIONER;
  else
    return FALSE;

  *id = g_strdup (parts[n - 1]);
  return TRUE;
}

static void
exchange_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(MkSmartLogin) self = user_data;
  g_autoptr(TokenResponse) response = NULL;
  g_autofree char *user_id = NULL;
  MkAccountRole user_role = MK_ACCOUNT_ROLE_PATIENT;
  GError *error = NULL;

  self->exchanging = FALSE;
  response = g_task_propagate_pointer (G_TASK (result), &error);

  if (self->task == NULL)   /* cancelled or timed out meanwhile */
    {
      g_clear_error (&error);
      return;
    }

  if (response == NULL)
    {
      complete_wait (self, error);
      return;
    }

  self->patient = g_strdup (response->patient);
  self->fhir_user = g_strdup (response->fhir_user);
  self->expires_in = response->expires_in;

  mk_account_set_auth_method (self->account, MK_AUTH_METHOD_SMART);
  mk_account_set_token_endpoint (self->account, self->config->token_endpoint);

  /* Who signed in: the patient in context, else the user themself. */
  if (mk_account_is_valid_id (response->patient) &&
      mk_account_get_role (self->account) == MK_ACCOUNT_ROLE_PATIENT)
    mk_account_set_subject (self->account, MK_ACCOUNT_ROLE_PATIENT, response->patient);
  else if (parse_fhir_user (response->fhir_user, &user_role, &user_id) && mk_account_is_valid_id (user_id))
    mk_account_set_subject (self->account, user_role, user_id);
  else if (mk_account_is_valid_id (response->patient))
    mk_account_set_subject (self->account, MK_ACCOUNT_ROLE_PATIENT, response->patient);

  complete_wait (self, NULL);
}

static void
maybe_proceed (MkSmartLogin *self)
{
  g_autoptr(GTask) exchange = NULL;
  ExchangeData *d;

  if (self->task == NULL || !self->answer_ready || self->exchanging)
    return;

  if (self->callback_error != NULL)
    {
      complete_wait (self, g_steal_pointer (&self->callback_error));
      return;
    }

  d = g_new0 (ExchangeData, 1);
  d->uuid = g_strdup (mk_account_get_uuid (self->account));
  d->server_url = g_strdup (mk_account_get_server_url (self->account));
  d->ca_file = g_strdup (mk_account_get_ca_file (self->account));
  d->token_endpoint = g_strdup (self->config->token_endpoint);
  d->form = soup_form_encode ("grant_type", "authorization_code",
                              "code", self->code,
                              "redirect_uri", self->redirect_uri,
                              "client_id", mk_account_get_client_id (self->account),
                              "code_verifier", self->verifier,
                              NULL);
  g_clear_pointer (&self->code, mk_secret_free_token);

  /* The browser is back: from here on the token request's own timeout
   * applies. */
  if (self->timeout_source != NULL)
    {
      g_source_destroy (self->timeout_source);
      g_clear_pointer (&self->timeout_source, g_source_unref);
    }

  self->exchanging = TRUE;
  exchange = g_task_new (NULL, g_task_get_cancellable (self->task),
                         exchange_done_cb, g_object_ref (self));
  g_task_set_source_tag (exchange, maybe_proceed);
  g_task_set_task_data (exchange, d, exchange_data_free);
  g_task_run_in_thread (exchange, exchange_thread);
}

static gboolean
timeout_cb (gpointer user_data)
{
  MkSmartLogin *self = user_data;

  g_clear_pointer (&self->timeout_source, g_source_unref);
  if (self->task != NULL)
    complete_wait (self, g_error_new_literal (MK_AUTH_ERROR, MK_AUTH_ERROR_TIMEOUT,
                                              _("The sign-in in the browser took too long. "
                                                "Start it again")));
  return G_SOURCE_REMOVE;
}

static gboolean
cancelled_idle_cb (gpointer user_data)
{
  MkSmartLogin *self = user_data;
  GError *error = NULL;

  if (self->task != NULL && !self->exchanging)
    {
      g_cancellable_set_error_if_cancelled (g_task_get_cancellable (self->task), &error);
      complete_wait (self, error);
    }

  return G_SOURCE_REMOVE;
}

static void
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  MkSmartLogin *self = user_data;
  g_autoptr(GSource) source = g_idle_source_new ();

  /* May run in any thread: finish in ours. While the code is being
   * exchanged, the exchange sees the cancellation itself. */
  g_source_set_callback (source, cancelled_idle_cb, g_object_ref (self), g_object_unref);
  g_source_attach (source, self->context);
}

void
mk_smart_login_wait_async (MkSmartLogin        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MK_IS_SMART_LOGIN (self));
  g_return_if_fail (self->task == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mk_smart_login_wait_async);

  if (self->authorize_url == NULL || self->server == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               "mk_smart_login_start() was not called, or failed");
      return;
    }

  self->task = g_steal_pointer (&task);

  self->timeout_source = g_timeout_source_new_seconds (self->timeout_seconds);
  g_source_set_callback (self->timeout_source, timeout_cb, self, NULL);
  g_source_attach (self->timeout_source, self->context);

  if (cancellable != NULL)
    self->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), self, NULL);

  maybe_proceed (self);
}

gboolean
mk_smart_login_wait_finish (MkSmartLogin  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
wait_sync_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

gboolean
mk_smart_login_wait (MkSmartLogin  *self,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (MK_IS_SMART_LOGIN (self), FALSE);
  g_return_val_if_fail (self->context != NULL, FALSE);

  g_main_context_push_thread_default (self->context);
  mk_smart_login_wait_async (self, cancellable, wait_sync_cb, &result);
  while (result == NULL)
    g_main_context_iteration (self->context, TRUE);
  g_main_context_pop_thread_default (self->context);

  return mk_smart_login_wait_finish (self, result, error);
}

gboolean
mk_auth_smart_sign_in (MkAccount     *account,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(MkSmartConfiguration) config = NULL;
  g_autoptr(MkSmartLogin) login = NULL;
  g_autoptr(GError) launch_error = NULL;

  g_return_val_if_fail (MK_IS_ACCOUNT (account), FALSE);

  config = mk_auth_discover (mk_account_get_server_url (account),
                             mk_account_get_ca_file (account), cancellable, error);
  if (config == NULL)
    return FALSE;

  login = mk_smart_login_new (account, config);
  if (!mk_smart_login_start (login, error))
    return FALSE;

  /* The URL holds no secret: the state is single-use and the challenge is
   * a hash of the verifier, which stays here. */
  g_printerr (_("Open this address in a web browser to sign in:\n%s\n"),
              mk_smart_login_get_authorize_url (login));
  if (!g_app_info_launch_default_for_uri (mk_smart_login_get_authorize_url (login),
                                          NULL, &launch_error))
    g_debug ("No browser could be started: %s", launch_error->message);

  return mk_smart_login_wait (login, cancellable, error);
}
