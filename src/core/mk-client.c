/* mk-client.c — HTTPS to a FHIR server (libsoup 3)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One SoupSession per client, used synchronously in the thread that created
 * it. Certificates are verified by the system's trust; a clinic's own CA
 * (ca_file) is honoured through SoupMessage::accept-certificate, which only
 * accepts a certificate that the system rejected for no other reason than an
 * unknown issuer and that verifies completely (chain, dates, host) against
 * that CA. Design notes: docs/sync.md, "Transport".
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "mk-client.h"
#include "mk-format.h"

#define DEFAULT_MAX_ATTEMPTS   5
#define DEFAULT_BASE_DELAY_MS  500
#define DEFAULT_MAX_DELAY_MS   30000
#define DEFAULT_TIMEOUT_S      30
#define MAX_DETAIL_CHARS       600
#define FHIR_JSON              "application/fhir+json"

struct _MkClient
{
  GObject       parent_instance;

  SoupSession  *session;
  GUri         *base;          /* https, path without a trailing slash */
  char         *base_url;
  GTlsDatabase *ca_db;         /* the user's extra CA, or NULL */
  char         *token;

  guint         max_attempts;
  guint         base_delay_ms;
  guint         max_delay_ms;
  GRand        *rand;
};

G_DEFINE_FINAL_TYPE (MkClient, mk_client, G_TYPE_OBJECT)

G_DEFINE_QUARK (mk-client-error-quark, mk_client_error)

/* How a failed attempt may be repeated. */
typedef enum
{
  FAILURE_FINAL,       /* never retried (TLS, 4xx, cancelled, bad answer) */
  FAILURE_NOT_SENT,    /* the request cannot have reached the server */
  FAILURE_TRANSIENT,   /* may have reached it: retried when idempotent */
} FailureKind;

/* What the accept-certificate handler saw for one message. */
typedef struct
{
  MkClient             *self;
  GUri                 *uri;
  GCancellable         *cancellable;
  GTlsCertificate      *certificate;
  GTlsCertificateFlags  errors;
} TlsCheck;

void
mk_response_free (MkResponse *response)
{
  if (response == NULL)
    return;

  g_free (response->content_type);
  g_free (response->location);
  g_free (response->etag);
  g_free (response->date);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_clear_pointer (&response->json, json_node_unref);
  g_free (response);
}

static void
mk_client_finalize (GObject *object)
{
  MkClient *self = MK_CLIENT (object);

  g_clear_object (&self->session);
  g_clear_pointer (&self->base, g_uri_unref);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_object (&self->ca_db);
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->rand, g_rand_free);

  G_OBJECT_CLASS (mk_client_parent_class)->finalize (object);
}

static void
mk_client_class_init (MkClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mk_client_finalize;
}

static void
mk_client_init (MkClient *self)
{
  self->max_attempts = DEFAULT_MAX_ATTEMPTS;
  self->base_delay_ms = DEFAULT_BASE_DELAY_MS;
  self->max_delay_ms = DEFAULT_MAX_DELAY_MS;
  self->rand = g_rand_new ();
}

static int
uri_port (GUri *uri)
{
  int port = g_uri_get_port (uri);

  return port > 0 ? port : 443;
}

static gboolean
same_origin (GUri *a,
             GUri *b)
{
  return g_ascii_strcasecmp (g_uri_get_scheme (a), g_uri_get_scheme (b)) == 0 &&
         g_ascii_strcasecmp (g_uri_get_host (a), g_uri_get_host (b)) == 0 &&
         uri_port (a) == uri_port (b);
}

MkClient *
mk_client_new (const char  *base_url,
               const char  *ca_file,
               GError     **error)
{
  g_autoptr(MkClient) self = NULL;
  g_autoptr(GUri) parsed = NULL;
  g_autofree char *path = NULL;
  g_autofree char *user_agent = NULL;

  g_return_val_if_fail (base_url != NULL, NULL);

  parsed = g_uri_parse (base_url, SOUP_HTTP_URI_FLAGS, NULL);
  if (parsed == NULL || g_uri_get_host (parsed) == NULL || *g_uri_get_host (parsed) == '\0')
    {
      g_set_error (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_INVALID_URL,
                   /* Translators: %s is what the user typed as the server address */
                   _("“%s” is not a server address."), base_url);
      return NULL;
    }
  if (g_ascii_strcasecmp (g_uri_get_scheme (parsed), "https") != 0)
    {
      g_set_error_literal (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_INVALID_URL,
                           _("The server address must start with https:// so that the connection is encrypted."));
      return NULL;
    }

  self = g_object_new (MK_TYPE_CLIENT, NULL);

  /* Keep the base's path, without a trailing slash; drop query and fragment. */
  path = g_strdup (g_uri_get_path (parsed));
  while (path[0] != '\0' && path[strlen (path) - 1] == '/')
    path[strlen (path) - 1] = '\0';
  self->base = g_uri_build (g_uri_get_flags (parsed), "https", NULL,
                            g_uri_get_host (parsed), g_uri_get_port (parsed),
                            path, NULL, NULL);
  self->base_url = g_uri_to_string (self->base);

  if (ca_file != NULL && *ca_file != '\0')
    {
      g_autoptr(GError) local_error = NULL;
      GList *certificates;

      certificates = g_tls_certificate_list_new_from_file (ca_file, &local_error);
      if (certificates == NULL && local_error == NULL)
        local_error = g_error_new_literal (G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
                                           _("The file holds no certificate."));
      g_list_free_full (certificates, g_object_unref);
      if (local_error == NULL)
        self->ca_db = g_tls_file_database_new (ca_file, &local_error);
      if (local_error != NULL)
        {
          g_set_error (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_TLS,
                       /* Translators: %s is the reason (a sentence) */
                       _("The certificate authority file cannot be used: %s"),
                       local_error->message);
          return NULL;
        }
    }

  user_agent = g_strdup_printf ("Medkarta/%s", PACKAGE_VERSION);
  self->session = soup_session_new_with_options ("user-agent", user_agent,
                                                 "timeout", DEFAULT_TIMEOUT_S,
                                                 "max-conns-per-host", 2,
                                                 NULL);
  /* Authentication is our bearer header; libsoup's manager has no business here. */
  soup_session_remove_feature_by_type (self->session, SOUP_TYPE_AUTH_MANAGER);

  return g_steal_pointer (&self);
}

const char *
mk_client_get_base_url (MkClient *self)
{
  g_return_val_if_fail (MK_IS_CLIENT (self), NULL);

  return self->base_url;
}

void
mk_client_set_access_token (MkClient   *self,
                            const char *token)
{
  g_return_if_fail (MK_IS_CLIENT (self));

  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);
  self->token = (token != NULL && *token != '\0') ? g_strdup (token) : NULL;
}

void
mk_client_set_retry_policy (MkClient *self,
                            guint     max_attempts,
                            guint     base_delay_ms,
                            guint     max_delay_ms)
{
  g_return_if_fail (MK_IS_CLIENT (self));

  self->max_attempts = MAX (max_attempts, 1);
  self->base_delay_ms = base_delay_ms;
  self->max_delay_ms = max_delay_ms;
}

void
mk_client_set_timeout (MkClient *self,
                       guint     seconds)
{
  g_return_if_fail (MK_IS_CLIENT (self));

  soup_session_set_timeout (self->session, seconds);
}

void
mk_client_set_rand_seed (MkClient *self,
                         guint32   seed)
{
  g_return_if_fail (MK_IS_CLIENT (self));

  g_rand_set_seed (self->rand, seed);
}

/* --- URLs ---------------------------------------------------------------- */

static GUri *
resolve_url (MkClient    *self,
             const char  *path_or_url,
             GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *joined = NULL;

  if (g_uri_peek_scheme (path_or_url) != NULL)
    {
      uri = g_uri_parse (path_or_url, SOUP_HTTP_URI_FLAGS, NULL);
      if (uri == NULL || g_uri_get_host (uri) == NULL)
        {
          g_set_error_literal (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_INVALID_URL,
                               _("The server gave a link that is not a web address."));
          return NULL;
        }
      if (!same_origin (uri, self->base))
        {
          g_set_error (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_INVALID_URL,
                       /* Translators: %s is a host name, e.g. “fhir.example.org” */
                       _("The server gave a link to another server (%s); it was not followed."),
                       g_uri_get_host (uri));
          return NULL;
        }
      return g_steal_pointer (&uri);
    }

  while (*path_or_url == '/')
    path_or_url++;
  joined = *path_or_url != '\0'
    ? g_strconcat (self->base_url, "/", path_or_url, NULL)
    : g_strdup (self->base_url);
  uri = g_uri_parse (joined, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL)
    {
      g_set_error_literal (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_INVALID_URL,
                           _("The request does not make a valid web address."));
      return NULL;
    }
  return g_steal_pointer (&uri);
}

/* --- TLS ----------------------------------------------------------------- */

static gboolean
on_accept_certificate (SoupMessage          *message,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  TlsCheck *check = user_data;
  g_autoptr(GSocketConnectable) identity = NULL;
  g_autoptr(GError) local_error = NULL;
  GTlsCertificateFlags ca_errors;

  g_set_object (&check->certificate, certificate);
  check->errors = errors;

  if (check->self->ca_db == NULL || (errors & G_TLS_CERTIFICATE_UNKNOWN_CA) == 0)
    return FALSE;

  /* The full verification against the clinic's CA: chain, dates and host. */
  identity = g_network_address_new (g_uri_get_host (check->uri), uri_port (check->uri));
  ca_errors = g_tls_database_verify_chain (check->self->ca_db, certificate,
                                           G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER,
                                           identity, NULL, G_TLS_DATABASE_VERIFY_NONE,
                                           check->cancellable, &local_error);
  if (local_error != NULL)
    {
      g_debug ("Verifying against the extra CA failed: %s", local_error->message);
      return FALSE;
    }
  if (ca_errors != 0)
    {
      /* The clinic's CA knows the issuer: its findings are the precise ones. */
      if ((ca_errors & G_TLS_CERTIFICATE_UNKNOWN_CA) == 0)
        check->errors = ca_errors;
      return FALSE;
    }

  /* Accept only when the system's sole objection was the unknown issuer. */
  if (errors != G_TLS_CERTIFICATE_UNKNOWN_CA)
    return FALSE;
  check->errors = 0;
  return TRUE;
}

static void
set_tls_error (GError          **error,
               const TlsCheck   *check,
               const GError     *tls_error)
{
  g_autofree char *subject = NULL;
  g_autofree char *until = NULL;
  g_autoptr(GDateTime) not_after = NULL;
  g_autoptr(GDateTime) not_before = NULL;
  GTlsCertificateFlags flags = check->errors;
  const char *host = g_uri_get_host (check->uri);

  if (check->certificate == NULL || flags == 0)
    {
      g_set_error (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_TLS,
                   /* Translators: %s is the reason (a sentence from the TLS library) */
                   _("A secure connection to the server could not be set up: %s"),
                   tls_error != NULL ? tls_error->message : "");
      return;
    }

  g_object_get (check->certificate,
                "subject-name", &subject,
                "not-valid-after", &not_after,
                "not-valid-before", &not_before,
                NULL);
  if (subject == NULL)
    subject = g_strdup ("?");
  if (not_after != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (not_after);
      until = mk_format_date (local);
    }
  else
    until = g_strdup ("?");

  if (flags & G_TLS_CERTIFICATE_REVOKED)
    g_set_error (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_TLS,
                 /* Translators: the first %s is the certificate's subject
                  * (e.g. “CN=fhir.example.org,O=Clinic”), the second its expiry date */
                 _("The server’s certificate has been revoked (subject %s, valid until %s)."),
                 subject, until);
  else if (flags & G_TLS_CERTIFICATE_EXPIRED)
    g_set_error (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_TLS,
                 /* Translators: the first %s is the certificate's subject
                  * (e.g. “CN=fhir.example.org,O=Clinic”), the second its expiry date */
                 _("The server’s certificate has expired (subject %s, valid until %s)."),
                 subject, until);
  else if (flags & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    {
      g_autoptr(GDateTime) local = not_before != NULL ? g_date_time_to_local (not_before) : NULL;
      g_autofree char *from = local != NULL ? mk_format_date (local) : g_strdup ("?");

      g_set_error (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_TLS,
                   /* Translators: the first %s is the certificate's subject
                    * (e.g. “CN=fhir.example.org,O=Clinic”), the second the date it
                    * becomes valid, the third its expiry date */
                   _("The server’s certificate is not valid yet (subject %s, valid from %s until %s)."),
                   subject, from, until);
    }
  else if (flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
    g_set_error (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_TLS,
                 /* Translators: the first %s is the host name the app connected to, the
                  * second the certificate's subject, the third its expiry date */
                 _("The server’s certificate is not for %s (subject %s, valid until %s)."),
                 host, subject, until);
  else if (flags & G_TLS_CERTIFICATE_UNKNOWN_CA)
    g_set_error (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_TLS,
                 /* Translators: the first %s is the certificate's subject
                  * (e.g. “CN=fhir.example.org,O=Clinic”), the second its expiry date */
                 _("The server’s certificate is not trusted (subject %s, valid until %s)."),
                 subject, until);
  else if (flags & G_TLS_CERTIFICATE_INSECURE)
    g_set_error (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_TLS,
                 /* Translators: the first %s is the certificate's subject
                  * (e.g. “CN=fhir.example.org,O=Clinic”), the second its expiry date */
                 _("The server’s certificate uses an insecure algorithm (subject %s, valid until %s)."),
                 subject, until);
  else
    g_set_error (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_TLS,
                 /* Translators: the first %s is the certificate's subject
                  * (e.g. “CN=fhir.example.org,O=Clinic”), the second its expiry date */
                 _("The server’s certificate could not be verified (subject %s, valid until %s)."),
                 subject, until);
}

/* --- Answers ------------------------------------------------------------- */

static gboolean
is_json_type (const char *content_type)
{
  return content_type != NULL &&
         (g_ascii_strcasecmp (content_type, FHIR_JSON) == 0 ||
          g_ascii_strcasecmp (content_type, "application/json") == 0 ||
          g_ascii_strcasecmp (content_type, "application/json+fhir") == 0);
}

/* The OperationOutcome's issue[].diagnostics (or details.text), or NULL. */
static char *
outcome_detail (const char *content_type,
                GBytes     *body)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GString) text = NULL;
  JsonObject *root;
  JsonArray *issues;
  gsize size;
  const char *data;

  if (body == NULL || !is_json_type (content_type))
    return NULL;

  data = g_bytes_get_data (body, &size);
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, size, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;

  root = json_node_get_object (json_parser_get_root (parser));
  if (g_strcmp0 (json_object_get_string_member_with_default (root, "resourceType", ""),
                 "OperationOutcome") != 0 ||
      !json_object_has_member (root, "issue") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "issue")))
    return NULL;

  text = g_string_new (NULL);
  issues = json_object_get_array_member (root, "issue");
  for (guint i = 0; i < json_array_get_length (issues); i++)
    {
      JsonNode *node = json_array_get_element (issues, i);
      JsonObject *issue;
      const char *said = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      issue = json_node_get_object (node);
      said = json_object_get_string_member_with_default (issue, "diagnostics", NULL);
      if (said == NULL && json_object_has_member (issue, "details") &&
          JSON_NODE_HOLDS_OBJECT (json_object_get_member (issue, "details")))
        said = json_object_get_string_member_with_default (json_object_get_object_member (issue, "details"),
                                                           "text", NULL);
      if (said == NULL || *said == '\0')
        continue;
      if (text->len > 0)
        g_string_append (text, "; ");
      g_string_append (text, said);
    }

  if (text->len == 0)
    return NULL;
  if (g_utf8_strlen (text->str, -1) > MAX_DETAIL_CHARS)
    {
      g_autofree char *cut = g_utf8_substring (text->str, 0, MAX_DETAIL_CHARS);
      return g_strconcat (cut, "…", NULL);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
set_status_error (GError     **error,
                  guint        status,
                  const char  *content_type,
                  GBytes      *body)
{
  g_autofree char *detail = outcome_detail (content_type, body);
  g_autofree char *sentence = NULL;
  MkClientError code;

  if (status == 401)
    {
      code = MK_CLIENT_ERROR_UNAUTHORIZED;
      sentence = g_strdup (_("The server did not accept the sign-in (HTTP 401)."));
    }
  else if (status == 403)
    {
      code = MK_CLIENT_ERROR_FORBIDDEN;
      sentence = g_strdup (_("The server does not allow this (HTTP 403)."));
    }
  else if (status == 404 || status == 410)
    {
      code = MK_CLIENT_ERROR_NOT_FOUND;
      /* Translators: %u is the HTTP status, 404 or 410 */
      sentence = g_strdup_printf (_("The server has no such record (HTTP %u)."), status);
    }
  else if (status == 412)
    {
      code = MK_CLIENT_ERROR_PRECONDITION;
      sentence = g_strdup (_("The record was changed on the server in the meantime (HTTP 412)."));
    }
  else if (status >= 500 && status != 501)
    {
      code = MK_CLIENT_ERROR_SERVER;
      /* Translators: %u is the HTTP status, e.g. 500 */
      sentence = g_strdup_printf (_("The server failed to answer (HTTP %u)."), status);
    }
  else if (status >= 300 && status < 400)
    {
      code = MK_CLIENT_ERROR_INVALID_RESPONSE;
      /* Translators: %u is the HTTP status, e.g. 302 */
      sentence = g_strdup_printf (_("The server redirected the request elsewhere (HTTP %u)."), status);
    }
  else
    {
      code = MK_CLIENT_ERROR_REFUSED;
      /* Translators: %u is the HTTP status, e.g. 422 */
      sentence = g_strdup_printf (_("The server refused the request (HTTP %u)."), status);
    }

  if (detail != NULL)
    /* Translators: the first %s is one of the sentences about a refused
       request, the second the server's own explanation (not translated) */
    g_set_error (error, MK_CLIENT_ERROR, code, _("%s The server says: “%s”"), sentence, detail);
  else
    g_set_error_literal (error, MK_CLIENT_ERROR, code, sentence);
}

static gboolean
is_retryable_status (guint status)
{
  /* 501 Not Implemented is an answer, not a failure: it will not change. */
  return (status >= 500 && status != 501) || status == 429;
}

/* Retry-After in milliseconds (seconds or an HTTP date, the latter measured
 * against the server's own Date when it sent one), or -1. */
static gint64
parse_retry_after (SoupMessageHeaders *headers)
{
  const char *value = soup_message_headers_get_one (headers, "Retry-After");
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) now = NULL;
  const char *date;
  char *end = NULL;
  guint64 seconds;

  if (value == NULL)
    return -1;
  while (g_ascii_isspace (*value))
    value++;

  if (g_ascii_isdigit (*value))
    {
      seconds = g_ascii_strtoull (value, &end, 10);
      while (end != NULL && g_ascii_isspace (*end))
        end++;
      if (end == NULL || *end != '\0')
        return -1;
      return (gint64) MIN (seconds, G_MAXINT32) * 1000;
    }

  when = soup_date_time_new_from_http_string (value);
  if (when == NULL)
    return -1;
  date = soup_message_headers_get_one (headers, "Date");
  if (date != NULL)
    now = soup_date_time_new_from_http_string (date);
  if (now == NULL)
    now = g_date_time_new_now_utc ();
  return MAX (g_date_time_difference (when, now) / 1000, 0);
}

static char *
http_date_to_iso8601 (const char *value)
{
  g_autoptr(GDateTime) parsed = NULL;
  g_autoptr(GDateTime) utc = NULL;

  if (value == NULL)
    return NULL;
  parsed = soup_date_time_new_from_http_string (value);
  if (parsed == NULL)
    return NULL;
  utc = g_date_time_to_utc (parsed);
  return g_date_time_format_iso8601 (utc);
}

/* Reads the whole body; FALSE with @error on a cut-off answer. */
static GBytes *
read_body (SoupMessage   *message,
           GInputStream  *stream,
           GCancellable  *cancellable,
           GError       **error)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (message);
  g_autoptr(GByteArray) data = g_byte_array_new ();
  guint8 buffer[16384];

  for (;;)
    {
      gssize n = g_input_stream_read (stream, buffer, sizeof buffer, cancellable, error);

      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      g_byte_array_append (data, buffer, n);
    }

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_one (headers, "Content-Encoding") == NULL &&
      (goffset) data->len != soup_message_headers_get_content_length (headers))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                           "Content-Length mismatch");
      return NULL;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}

static MkClientError
network_error_code (const GError *error,
                    FailureKind  *kind)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      *kind = FAILURE_TRANSIENT;
      return MK_CLIENT_ERROR_TIMEOUT;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND) ||
      error->domain == G_RESOLVER_ERROR)
    {
      *kind = FAILURE_NOT_SENT;
      return MK_CLIENT_ERROR_NETWORK;
    }
  if (g_error_matches (error, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_PARSING) ||
      g_error_matches (error, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_ENCODING))
    {
      *kind = FAILURE_TRANSIENT;
      return MK_CLIENT_ERROR_INVALID_RESPONSE;
    }
  *kind = FAILURE_TRANSIENT;
  return MK_CLIENT_ERROR_NETWORK;
}

static void
set_network_error (GError       **error,
                   MkClientError  code,
                   GUri          *uri,
                   const GError  *cause)
{
  if (code == MK_CLIENT_ERROR_TIMEOUT)
    g_set_error (error, MK_CLIENT_ERROR, code,
                 /* Translators: %s is the server's host name */
                 _("The server %s did not answer in time."), g_uri_get_host (uri));
  else if (code == MK_CLIENT_ERROR_INVALID_RESPONSE)
    g_set_error (error, MK_CLIENT_ERROR, code,
                 /* Translators: the first %s is the host name, the second the reason */
                 _("The server %s sent an answer that cannot be read: %s"),
                 g_uri_get_host (uri), cause->message);
  else
    g_set_error (error, MK_CLIENT_ERROR, code,
                 /* Translators: the first %s is the host name, the second the reason */
                 _("Could not talk to the server %s: %s"), g_uri_get_host (uri), cause->message);
}

/* One request on the wire. */
static MkResponse *
send_once (MkClient            *self,
           const char          *method,
           GUri                *uri,
           const char * const  *headers,
           GBytes              *body,
           GCancellable        *cancellable,
           FailureKind         *kind,
           gint64              *retry_after_ms,
           GError             **error)
{
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GBytes) response_body = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(MkResponse) response = NULL;
  SoupMessageHeaders *request_headers;
  SoupMessageHeaders *response_headers;
  TlsCheck check = { self, uri, cancellable, NULL, 0 };
  const char *body_type = FHIR_JSON "; charset=utf-8";
  gulong handler;
  guint status;
  const char *content_type;

  *kind = FAILURE_FINAL;
  *retry_after_ms = -1;

  message = soup_message_new_from_uri (method, uri);
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  request_headers = soup_message_get_request_headers (message);
  soup_message_headers_replace (request_headers, "Accept", FHIR_JSON);
  if (self->token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", self->token, NULL);
      soup_message_headers_replace (request_headers, "Authorization", value);
      memset (value, 0, strlen (value));
    }
  for (guint i = 0; headers != NULL && headers[i] != NULL && headers[i + 1] != NULL; i += 2)
    {
      if (g_ascii_strcasecmp (headers[i], "Content-Type") == 0)
        body_type = headers[i + 1];
      else
        soup_message_headers_replace (request_headers, headers[i], headers[i + 1]);
    }
  if (body != NULL)
    soup_message_set_request_body_from_bytes (message, body_type, body);

  handler = g_signal_connect (message, "accept-certificate",
                              G_CALLBACK (on_accept_certificate), &check);
  stream = soup_session_send (self->session, message, cancellable, &local_error);
  g_signal_handler_disconnect (message, handler);

  if (stream == NULL)
    {
      MkClientError code;

      g_debug ("%s %s: %s", method, g_uri_get_path (uri), local_error->message);
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          g_clear_object (&check.certificate);
          return NULL;
        }
      if (check.errors != 0 ||
          (local_error->domain == G_TLS_ERROR &&
           !g_error_matches (local_error, G_TLS_ERROR, G_TLS_ERROR_EOF) &&
           !g_error_matches (local_error, G_TLS_ERROR, G_TLS_ERROR_MISC)))
        {
          set_tls_error (error, &check, local_error);
          g_clear_object (&check.certificate);
          return NULL;
        }
      g_clear_object (&check.certificate);
      code = network_error_code (local_error, kind);
      set_network_error (error, code, uri, local_error);
      return NULL;
    }
  g_clear_object (&check.certificate);

  status = soup_message_get_status (message);
  response_headers = soup_message_get_response_headers (message);
  content_type = soup_message_headers_get_content_type (response_headers, NULL);
  g_debug ("%s %s: HTTP %u", method, g_uri_get_path (uri), status);

  response_body = read_body (message, stream, cancellable, &local_error);
  g_input_stream_close (stream, NULL, NULL);
  if (response_body == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      *kind = FAILURE_TRANSIENT;
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        set_network_error (error, MK_CLIENT_ERROR_TIMEOUT, uri, local_error);
      else
        g_set_error (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_INVALID_RESPONSE,
                     /* Translators: %s is the server's host name */
                     _("The answer from the server %s was cut off."), g_uri_get_host (uri));
      return NULL;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (status) && status != SOUP_STATUS_NOT_MODIFIED)
    {
      if (is_retryable_status (status))
        {
          *kind = FAILURE_TRANSIENT;
          if (status == 429 || status == 503)
            *retry_after_ms = parse_retry_after (response_headers);
        }
      set_status_error (error, status, content_type, response_body);
      return NULL;
    }

  response = g_new0 (MkResponse, 1);
  response->status = status;
  response->content_type = g_strdup (content_type);
  response->location = g_strdup (soup_message_headers_get_one (response_headers, "Location"));
  if (response->location == NULL)
    response->location = g_strdup (soup_message_headers_get_one (response_headers, "Content-Location"));
  response->etag = g_strdup (soup_message_headers_get_one (response_headers, "ETag"));
  response->date = http_date_to_iso8601 (soup_message_headers_get_one (response_headers, "Date"));

  if (g_bytes_get_size (response_body) > 0 && SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_autoptr(JsonParser) parser = NULL;
      gsize size;
      const char *data = g_bytes_get_data (response_body, &size);

      if (content_type == NULL)
        {
          g_set_error_literal (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_INVALID_RESPONSE,
                               _("The server’s answer has no content type; FHIR JSON was expected."));
          return NULL;
        }
      if (!is_json_type (content_type))
        {
          g_set_error (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_INVALID_RESPONSE,
                       /* Translators: %s is a content type such as “text/html” */
                       _("The server answered with %s instead of FHIR JSON."),
                       content_type);
          return NULL;
        }
      parser = json_parser_new_immutable ();
      if (!json_parser_load_from_data (parser, data, size, &local_error))
        {
          g_set_error (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_INVALID_RESPONSE,
                       /* Translators: %s is the JSON parser's explanation */
                       _("The server’s answer is not valid JSON: %s"), local_error->message);
          return NULL;
        }
      response->json = json_parser_steal_root (parser);
    }
  response->body = g_steal_pointer (&response_body);

  return g_steal_pointer (&response);
}

/* Waits @ms, returning early (FALSE, G_IO_ERROR_CANCELLED) on cancellation. */
static gboolean
wait_cancellable (guint          ms,
                  GCancellable  *cancellable,
                  GError       **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;
  gboolean have_fd = FALSE;
  GPollFD fd = { 0, };

  if (cancellable != NULL)
    have_fd = g_cancellable_make_pollfd (cancellable, &fd);

  for (;;)
    {
      gint64 now;
      gint64 remaining_ms;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          if (have_fd)
            g_cancellable_release_fd (cancellable);
          return FALSE;
        }
      now = g_get_monotonic_time ();
      if (now >= deadline)
        break;
      remaining_ms = (deadline - now + 999) / 1000;
      if (have_fd)
        g_poll (&fd, 1, (int) MIN (remaining_ms, G_MAXINT));
      else if (cancellable != NULL)
        g_usleep (MIN (remaining_ms, 20) * 1000);
      else
        g_usleep (remaining_ms * 1000);
    }

  if (have_fd)
    g_cancellable_release_fd (cancellable);
  return TRUE;
}

static gboolean
is_idempotent (const char         *method,
               const char         *path,
               const char * const *headers)
{
  if (g_str_equal (method, "GET") || g_str_equal (method, "HEAD") ||
      g_str_equal (method, "PUT") || g_str_equal (method, "DELETE") ||
      g_str_equal (method, "OPTIONS"))
    return TRUE;

  /* A search by POST (Type/_search) reads only. */
  if (g_str_equal (method, "POST") && g_str_has_suffix (path, "/_search"))
    return TRUE;

  /* A conditional create is safe to repeat: the server finds the first one. */
  if (g_str_equal (method, "POST"))
    for (guint i = 0; headers != NULL && headers[i] != NULL && headers[i + 1] != NULL; i += 2)
      if (g_ascii_strcasecmp (headers[i], "If-None-Exist") == 0)
        return TRUE;

  return FALSE;
}

static guint
backoff_delay (MkClient *self,
               guint     attempt,
               gint64    retry_after_ms)
{
  double cap;

  if (retry_after_ms >= 0)
    return (guint) MIN (retry_after_ms, (gint64) self->max_delay_ms);

  /* Full jitter: uniform in [0, min (max, base · 2^attempt)). */
  cap = MIN ((double) self->max_delay_ms, (double) self->base_delay_ms * (double) (1ull << MIN (attempt, 30)));
  if (cap <= 0)
    return 0;
  return (guint) g_rand_double_range (self->rand, 0, cap);
}

MkResponse *
mk_client_request (MkClient            *self,
                   const char          *method,
                   const char          *path_or_url,
                   const char * const  *headers,
                   GBytes              *body,
                   GCancellable        *cancellable,
                   GError             **error)
{
  g_autoptr(GUri) uri = NULL;
  gboolean idempotent;

  g_return_val_if_fail (MK_IS_CLIENT (self), NULL);
  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (path_or_url != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  uri = resolve_url (self, path_or_url, error);
  if (uri == NULL)
    return NULL;

  idempotent = is_idempotent (method, g_uri_get_path (uri), headers);

  for (guint attempt = 0; ; attempt++)
    {
      g_autoptr(GError) local_error = NULL;
      MkResponse *response;
      FailureKind kind;
      gint64 retry_after_ms;
      guint delay;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;

      response = send_once (self, method, uri, headers, body, cancellable,
                            &kind, &retry_after_ms, &local_error);
      if (response != NULL)
        return response;

      if (kind == FAILURE_FINAL ||
          (kind == FAILURE_TRANSIENT && !idempotent) ||
          attempt + 1 >= self->max_attempts)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      delay = backoff_delay (self, attempt, retry_after_ms);
      g_debug ("%s %s: attempt %u failed (error %d), retrying in %u ms",
               method, g_uri_get_path (uri), attempt + 1, local_error->code, delay);
      if (!wait_cancellable (delay, cancellable, error))
        return NULL;
    }
}
