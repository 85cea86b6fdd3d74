/* test-client.c — MkClient: TLS verification, URLs, errors, retries
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A tiny HTTPS SoupServer on 127.0.0.1 (port 0) runs in its own thread with
 * its own GMainContext; its certificates are made here with GnuTLS: a test
 * CA, and from it a good certificate for 127.0.0.1, an expired one and one
 * for another host. Each path of the server plays one fault.
 */
#include "config.h"

#include <string.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "mk-client.h"
#include "mk-format.h"
#include "mk-test-util.h"

#define TOKEN "s3cr3t-T0ken-never-shown"

/* --- Certificates ---------------------------------------------------------- */

typedef enum
{
  CERT_GOOD,
  CERT_EXPIRED,
  CERT_WRONG_HOST,
  CERT_OTHER_CA,
  N_CERTS
} CertKind;

static char *tmp_dir;
static char *ca_path;
static char *other_ca_path;
static GTlsCertificate *server_certs[N_CERTS];

static void
write_datum (GString              *pem,
             const gnutls_datum_t *datum)
{
  g_string_append_len (pem, (const char *) datum->data, datum->size);
}

static gnutls_x509_privkey_t
new_key (void)
{
  gnutls_x509_privkey_t key;

  g_assert_cmpint (gnutls_x509_privkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                                 GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0),
                   ==, 0);
  return key;
}

static gnutls_x509_crt_t
new_crt (const char            *dn,
         gnutls_x509_privkey_t  key,
         time_t                 not_before,
         time_t                 not_after,
         guint                  serial)
{
  gnutls_x509_crt_t crt;
  guint8 serial_bytes[4] = { 0x10, 0, 0, (guint8) serial };
  const char *err = NULL;

  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_version (crt, 3), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_serial (crt, serial_bytes, sizeof serial_bytes), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_dn (crt, dn, &err), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_key (crt, key), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_activation_time (crt, not_before), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_expiration_time (crt, not_after), ==, 0);
  return crt;
}

/* A self-signed CA; writes its PEM to @path. */
static void
make_ca (const char             *name,
         const char             *path,
         gnutls_x509_crt_t      *out_crt,
         gnutls_x509_privkey_t  *out_key)
{
  g_autofree char *dn = g_strdup_printf ("CN=%s,O=Medkarta Tests", name);
  g_autoptr(GError) error = NULL;
  gnutls_x509_privkey_t key = new_key ();
  time_t now = time (NULL);
  gnutls_x509_crt_t crt = new_crt (dn, key, now - 3600, now + 10 * 365 * 86400, 1);
  gnutls_datum_t pem;

  g_assert_cmpint (gnutls_x509_crt_set_basic_constraints (crt, 1, -1), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &pem), ==, 0);
  g_file_set_contents (path, (const char *) pem.data, pem.size, &error);
  g_assert_no_error (error);
  gnutls_free (pem.data);

  *out_crt = crt;
  *out_key = key;
}

/* A server certificate (with its key) for @ip or @dns, signed by the CA. */
static GTlsCertificate *
make_server_cert (gnutls_x509_crt_t      ca_crt,
                  gnutls_x509_privkey_t  ca_key,
                  const char            *ip,
                  const char            *dns,
                  time_t                 not_before,
                  time_t                 not_after,
                  guint                  serial)
{
  g_autofree char *dn = g_strdup_printf ("CN=%s,O=Medkarta Tests", ip != NULL ? ip : dns);
  g_autoptr(GString) pem = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  gnutls_x509_privkey_t key = new_key ();
  gnutls_x509_crt_t crt = new_crt (dn, key, not_before, not_after, serial);
  gnutls_datum_t datum;
  GTlsCertificate *certificate;

  if (ip != NULL)
    {
      GInetAddress *address = g_inet_address_new_from_string (ip);
      g_assert_cmpint (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_IPADDRESS,
                                                             g_inet_address_to_bytes (address),
                                                             g_inet_address_get_native_size (address),
                                                             GNUTLS_FSAN_SET), ==, 0);
      g_object_unref (address);
    }
  else
    g_assert_cmpint (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, dns,
                                                           strlen (dns), GNUTLS_FSAN_SET), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_basic_constraints (crt, 0, -1), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_sign2 (crt, ca_crt, ca_key, GNUTLS_DIG_SHA256, 0), ==, 0);

  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &datum), ==, 0);
  write_datum (pem, &datum);
  gnutls_free (datum.data);
  g_assert_cmpint (gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL,
                                                      GNUTLS_PKCS_PLAIN, &datum), ==, 0);
  write_datum (pem, &datum);
  gnutls_free (datum.data);

  gnutls_x509_crt_deinit (crt);
  gnutls_x509_privkey_deinit (key);

  certificate = g_tls_certificate_new_from_pem (pem->str, pem->len, &error);
  g_assert_no_error (error);
  return certificate;
}

static void
make_certificates (void)
{
  g_autoptr(GError) error = NULL;
  gnutls_x509_crt_t ca_crt, other_crt;
  gnutls_x509_privkey_t ca_key, other_key;
  time_t now = time (NULL);

  tmp_dir = g_dir_make_tmp ("medkarta-client-XXXXXX", &error);
  g_assert_no_error (error);
  ca_path = g_build_filename (tmp_dir, "ca.pem", NULL);
  other_ca_path = g_build_filename (tmp_dir, "other-ca.pem", NULL);

  make_ca ("Medkarta Test CA", ca_path, &ca_crt, &ca_key);
  make_ca ("Another Test CA", other_ca_path, &other_crt, &other_key);

  server_certs[CERT_GOOD] = make_server_cert (ca_crt, ca_key, "127.0.0.1", NULL,
                                              now - 3600, now + 30 * 86400, 2);
  server_certs[CERT_EXPIRED] = make_server_cert (ca_crt, ca_key, "127.0.0.1", NULL,
                                                 now - 10 * 86400, now - 2 * 86400, 3);
  server_certs[CERT_WRONG_HOST] = make_server_cert (ca_crt, ca_key, NULL, "other.invalid",
                                                    now - 3600, now + 30 * 86400, 4);
  server_certs[CERT_OTHER_CA] = make_server_cert (other_crt, other_key, "127.0.0.1", NULL,
                                                  now - 3600, now + 30 * 86400, 5);

  gnutls_x509_crt_deinit (ca_crt);
  gnutls_x509_privkey_deinit (ca_key);
  gnutls_x509_crt_deinit (other_crt);
  gnutls_x509_privkey_deinit (other_key);
}

/* The certificate's expiry as the client shows it. */
static char *
expected_expiry (GTlsCertificate *certificate)
{
  g_autoptr(GDateTime) not_after = NULL;
  g_autoptr(GDateTime) local = NULL;

  g_object_get (certificate, "not-valid-after", &not_after, NULL);
  local = g_date_time_to_local (not_after);
  return mk_format_date (local);
}

/* --- The server ------------------------------------------------------------ */

typedef struct
{
  GThread         *thread;
  GMainContext    *context;
  GMainLoop       *loop;
  GTlsCertificate *certificate;

  GMutex           lock;
  GCond            cond;
  gboolean         ready;
  guint16          port;
  GHashTable      *counts;          /* path → requests seen */
  char            *authorization;   /* of the last request */
  char            *method;
  char            *query;
  char            *request_type;
  char            *request_body;
  char            *if_none_exist;
  GPtrArray       *paused;          /* messages never answered */
} TestServer;

static guint
server_count (TestServer *ts,
              const char *path)
{
  guint n;

  g_mutex_lock (&ts->lock);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (ts->counts, path));
  g_mutex_unlock (&ts->lock);
  return n;
}

static void
respond_json (SoupServerMessage *msg,
              guint              status,
              const char        *json)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/fhir+json; charset=utf-8",
                                    SOUP_MEMORY_COPY, json, strlen (json));
}

static void
respond_outcome (SoupServerMessage *msg,
                 guint              status,
                 const char        *diagnostics)
{
  g_autofree char *json =
    g_strdup_printf ("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                     "\"code\":\"processing\",\"diagnostics\":\"%s\"}]}", diagnostics);

  respond_json (msg, status, json);
}

/* Sends @raw on the stolen connection, then closes it (no HTTP framing). */
static void
respond_raw_and_close (SoupServerMessage *msg,
                       const char        *raw)
{
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);
  GOutputStream *out = g_io_stream_get_output_stream (stream);

  if (raw != NULL)
    g_output_stream_write_all (out, raw, strlen (raw), NULL, NULL, NULL);
  g_output_stream_flush (out, NULL, NULL);
  g_io_stream_close (stream, NULL, NULL);
}

static void
server_handler (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  TestServer *ts = user_data;
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (msg);
  g_autoptr(GBytes) body = NULL;
  guint n;

  g_mutex_lock (&ts->lock);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (ts->counts, path)) + 1;
  g_hash_table_replace (ts->counts, g_strdup (path), GUINT_TO_POINTER (n));
  g_free (ts->authorization);
  ts->authorization = g_strdup (soup_message_headers_get_one (request_headers, "Authorization"));
  g_free (ts->method);
  ts->method = g_strdup (soup_server_message_get_method (msg));
  g_free (ts->query);
  ts->query = g_strdup (g_uri_get_query (soup_server_message_get_uri (msg)));
  g_free (ts->request_type);
  ts->request_type = g_strdup (soup_message_headers_get_one (request_headers, "Content-Type"));
  g_free (ts->if_none_exist);
  ts->if_none_exist = g_strdup (soup_message_headers_get_one (request_headers, "If-None-Exist"));
  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_free (ts->request_body);
  ts->request_body = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_mutex_unlock (&ts->lock);

  if (g_str_equal (path, "/fhir/Patient/1"))
    {
      soup_message_headers_replace (response_headers, "ETag", "W/\"3\"");
      soup_message_headers_replace (response_headers, "Content-Location",
                                    "Patient/1/_history/3");
      soup_message_headers_replace (response_headers, "Date", "Mon, 23 Nov 2026 10:00:00 GMT");
      respond_json (msg, 200, "{\"resourceType\":\"Patient\",\"id\":\"1\",\"meta\":{\"versionId\":\"3\"}}");
    }
  else if (g_str_equal (path, "/fhir/Appointment"))
    {
      soup_message_headers_replace (response_headers, "Location", "Appointment/9/_history/1");
      respond_json (msg, 201, "{\"resourceType\":\"Appointment\",\"id\":\"9\"}");
    }
  else if (g_str_equal (path, "/fhir/empty"))
    soup_server_message_set_status (msg, 204, NULL);
  else if (g_str_equal (path, "/fhir/retry-after"))
    {
      if (n == 1)
        {
          soup_message_headers_replace (response_headers, "Retry-After", "1");
          respond_outcome (msg, 503, "Busy");
        }
      else
        respond_json (msg, 200, "{\"resourceType\":\"Bundle\",\"type\":\"searchset\"}");
    }
  else if (g_str_equal (path, "/fhir/busy"))
    {
      soup_message_headers_replace (response_headers, "Retry-After", "10");
      respond_outcome (msg, 503, "Busy for a while");
    }
  else if (g_str_equal (path, "/fhir/fail500"))
    respond_outcome (msg, 500, "Database is down");
  else if (g_str_equal (path, "/fhir/slow"))
    {
      /* Never answered: the client's timeout fires. */
      soup_server_message_pause (msg);
      g_ptr_array_add (ts->paused, g_object_ref (msg));
    }
  else if (g_str_equal (path, "/fhir/reset"))
    {
      if (n == 1)
        respond_raw_and_close (msg, NULL);
      else
        respond_json (msg, 200, "{\"resourceType\":\"Patient\",\"id\":\"2\"}");
    }
  else if (g_str_equal (path, "/fhir/truncated"))
    respond_raw_and_close (msg,
                           "HTTP/1.1 200 OK\r\n"
                           "Content-Type: application/fhir+json\r\n"
                           "Content-Length: 400\r\n"
                           "\r\n"
                           "{\"resourceType\":\"Bundle\",\"entry\":[");
  else if (g_str_equal (path, "/fhir/badjson"))
    respond_json (msg, 200, "{\"resourceType\":\"Patient\",\"id\":");
  else if (g_str_equal (path, "/fhir/html"))
    {
      const char *html = "<html><body>Login</body></html>";
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, html, strlen (html));
    }
  else if (g_str_equal (path, "/fhir/conflict"))
    respond_outcome (msg, 412, "Version 4 is current, not 3");
  else if (g_str_equal (path, "/fhir/unauth"))
    respond_outcome (msg, 401, "Token expired");
  else if (g_str_equal (path, "/fhir/invalid"))
    respond_outcome (msg, 422, "Appointment.status is required");
  else
    respond_outcome (msg, 404, "No such path");
}

static gpointer
server_thread (gpointer data)
{
  TestServer *ts = data;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (ts->context);

  server = soup_server_new ("tls-certificate", ts->certificate, NULL);
  soup_server_add_handler (server, "/fhir", server_handler, ts, NULL);
  address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  soup_server_listen (server, address, SOUP_SERVER_LISTEN_HTTPS, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  g_assert_nonnull (uris);

  g_mutex_lock (&ts->lock);
  ts->port = (guint16) g_uri_get_port (uris->data);
  ts->ready = TRUE;
  g_cond_signal (&ts->cond);
  g_mutex_unlock (&ts->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (ts->loop);

  soup_server_disconnect (server);
  g_ptr_array_set_size (ts->paused, 0);
  g_clear_object (&server);
  while (g_main_context_iteration (ts->context, FALSE))
    ;

  g_main_context_pop_thread_default (ts->context);
  return NULL;
}

static TestServer *
test_server_start (CertKind kind)
{
  TestServer *ts = g_new0 (TestServer, 1);

  g_mutex_init (&ts->lock);
  g_cond_init (&ts->cond);
  ts->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ts->paused = g_ptr_array_new_with_free_func (g_object_unref);
  ts->certificate = g_object_ref (server_certs[kind]);
  ts->context = g_main_context_new ();
  ts->loop = g_main_loop_new (ts->context, FALSE);
  ts->thread = g_thread_new ("test-server", server_thread, ts);

  g_mutex_lock (&ts->lock);
  while (!ts->ready)
    g_cond_wait (&ts->cond, &ts->lock);
  g_mutex_unlock (&ts->lock);

  return ts;
}

static char *
test_server_url (TestServer *ts,
                 const char *path)
{
  return g_strdup_printf ("https://127.0.0.1:%u%s", ts->port, path);
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
test_server_stop (TestServer *ts)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  /* Quit from inside the loop: a quit before g_main_loop_run() would be lost. */
  g_source_set_callback (source, quit_loop, ts->loop, NULL);
  g_source_attach (source, ts->context);
  g_thread_join (ts->thread);

  g_main_loop_unref (ts->loop);
  g_main_context_unref (ts->context);
  g_object_unref (ts->certificate);
  g_hash_table_unref (ts->counts);
  g_ptr_array_unref (ts->paused);
  g_free (ts->authorization);
  g_free (ts->method);
  g_free (ts->query);
  g_free (ts->request_type);
  g_free (ts->request_body);
  g_free (ts->if_none_exist);
  g_mutex_clear (&ts->lock);
  g_cond_clear (&ts->cond);
  g_free (ts);
}

/* A client for @ts's /fhir base, trusting the test CA, quick to retry. */
static MkClient *
new_client (TestServer *ts)
{
  g_autofree char *base = test_server_url (ts, "/fhir");
  g_autoptr(GError) error = NULL;
  MkClient *client = mk_client_new (base, ca_path, &error);

  g_assert_no_error (error);
  mk_client_set_access_token (client, TOKEN);
  mk_client_set_retry_policy (client, 3, 1, 5);
  mk_client_set_rand_seed (client, 42);
  return client;
}

static MkResponse *
get (MkClient    *client,
     const char  *path,
     GError     **error)
{
  return mk_client_request (client, "GET", path, NULL, NULL, NULL, error);
}

/* GETs @path, which must fail with @code; returns the error. */
static GError *
get_error (MkClient   *client,
           const char *path,
           int         code)
{
  GError *error = NULL;
  MkResponse *response = get (client, path, &error);

  g_assert_null (response);
  g_assert_error (error, MK_CLIENT_ERROR, code);
  return error;
}

static void
assert_no_token (const GError *error)
{
  g_assert_nonnull (error);
  g_assert_null (strstr (error->message, TOKEN));
}

/* --- Tests ----------------------------------------------------------------- */

static void
test_get_with_ca_file (void)
{
  TestServer *ts = test_server_start (CERT_GOOD);
  g_autoptr(MkClient) client = new_client (ts);
  g_autoptr(GError) error = NULL;
  g_autoptr(MkResponse) response = NULL;
  JsonObject *object;

  response = get (client, "Patient/1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (response->content_type, ==, "application/fhir+json");
  g_assert_cmpstr (response->etag, ==, "W/\"3\"");
  g_assert_cmpstr (response->location, ==, "Patient/1/_history/3");
  g_assert_cmpstr (response->date, ==, "2026-11-23T10:00:00Z");
  g_assert_nonnull (response->body);
  g_assert_nonnull (response->json);
  object = json_node_get_object (response->json);
  g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, "1");

  g_mutex_lock (&ts->lock);
  g_assert_cmpstr (ts->authorization, ==, "Bearer " TOKEN);
  g_mutex_unlock (&ts->lock);

  g_clear_object (&client);
  test_server_stop (ts);
}

static void
test_base_path_join (void)
{
  TestServer *ts = test_server_start (CERT_GOOD);
  g_autofree char *base = test_server_url (ts, "/fhir/");
  g_autofree char *next = test_server_url (ts, "/fhir/Patient/1?page=2");
  g_autofree char *expected_base = test_server_url (ts, "/fhir");
  g_autoptr(MkClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MkResponse) first = NULL;
  g_autoptr(MkResponse) second = NULL;
  g_autoptr(MkResponse) third = NULL;

  client = mk_client_new (base, ca_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mk_client_get_base_url (client), ==, expected_base);

  first = get (client, "Patient/1?_elements=id", &error);
  g_assert_no_error (error);
  g_mutex_lock (&ts->lock);
  g_assert_cmpstr (ts->query, ==, "_elements=id");
  g_assert_null (ts->authorization);
  g_mutex_unlock (&ts->lock);

  /* A next link on the same server is used as is. */
  second = get (client, next, &error);
  g_assert_no_error (error);
  g_mutex_lock (&ts->lock);
  g_assert_cmpstr (ts->query, ==, "page=2");
  g_mutex_unlock (&ts->lock);

  /* A leading slash still stays under the base. */
  third = get (client, "/Patient/1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (server_count (ts, "/fhir/Patient/1"), ==, 3);

  g_clear_object (&client);
  test_server_stop (ts);
}

static void
test_untrusted (void)
{
  TestServer *ts = test_server_start (CERT_GOOD);
  g_autofree char *base = test_server_url (ts, "/fhir");
  g_autofree char *expiry = expected_expiry (server_certs[CERT_GOOD]);
  g_autoptr(MkClient) client = NULL;
  g_autoptr(GError) error = NULL;

  client = mk_client_new (base, NULL, &error);
  g_assert_no_error (error);
  mk_client_set_access_token (client, TOKEN);
  error = get_error (client, "Patient/1", MK_CLIENT_ERROR_TLS);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "not trusted"));
  g_assert_nonnull (strstr (error->message, "CN=127.0.0.1"));
  g_assert_nonnull (strstr (error->message, expiry));
  assert_no_token (error);
  /* Nothing reached the handler, and TLS failures are not retried. */
  g_assert_cmpuint (server_count (ts, "/fhir/Patient/1"), ==, 0);
  g_clear_object (&client);

  /* Another CA than the one the user added: still not trusted. */
  g_clear_error (&error);
  client = mk_client_new (base, other_ca_path, &error);
  g_assert_no_error (error);
  error = get_error (client, "Patient/1", MK_CLIENT_ERROR_TLS);
  g_assert_nonnull (strstr (error->message, "not trusted"));

  g_clear_object (&client);
  test_server_stop (ts);
}

static void
test_other_ca_server (void)
{
  TestServer *ts = test_server_start (CERT_OTHER_CA);
  g_autoptr(MkClient) client = new_client (ts);
  g_autoptr(GError) error = NULL;

  error = get_error (client, "Patient/1", MK_CLIENT_ERROR_TLS);
  g_assert_nonnull (strstr (error->message, "not trusted"));

  g_clear_object (&client);
  test_server_stop (ts);
}

static void
test_expired (void)
{
  TestServer *ts = test_server_start (CERT_EXPIRED);
  g_autoptr(MkClient) client = new_client (ts);
  g_autofree char *expiry = expected_expiry (server_certs[CERT_EXPIRED]);
  g_autoptr(GError) error = NULL;

  error = get_error (client, "Patient/1", MK_CLIENT_ERROR_TLS);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "has expired"));
  g_assert_nonnull (strstr (error->message, "CN=127.0.0.1"));
  g_assert_nonnull (strstr (error->message, expiry));
  g_assert_cmpuint (server_count (ts, "/fhir/Patient/1"), ==, 0);

  g_clear_object (&client);
  test_server_stop (ts);
}

static void
test_wrong_host (void)
{
  TestServer *ts = test_server_start (CERT_WRONG_HOST);
  g_autoptr(MkClient) client = new_client (ts);
  g_autoptr(GError) error = NULL;

  error = get_error (client, "Patient/1", MK_CLIENT_ERROR_TLS);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "is not for 127.0.0.1"));
  g_assert_nonnull (strstr (error->message, "CN=other.invalid"));
  g_assert_cmpuint (server_count (ts, "/fhir/Patient/1"), ==, 0);

  g_clear_object (&client);
  test_server_stop (ts);
}

static void
test_invalid_urls (void)
{
  TestServer *ts = test_server_start (CERT_GOOD);
  g_autoptr(MkClient) client = new_client (ts);
  g_autoptr(MkClient) plain = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *other_port = NULL;

  plain = mk_client_new ("http://127.0.0.1/fhir", NULL, &error);
  g_assert_null (plain);
  g_assert_error (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_INVALID_URL);
  g_clear_error (&error);

  plain = mk_client_new ("not a url", NULL, &error);
  g_assert_null (plain);
  g_assert_error (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_INVALID_URL);
  g_clear_error (&error);

  plain = mk_client_new ("https://127.0.0.1/fhir", "/nonexistent/ca.pem", &error);
  g_assert_null (plain);
  g_assert_error (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_TLS);
  g_clear_error (&error);

  /* Next links that leave the server are refused: the token stays home. */
  error = get_error (client, "https://other.invalid/fhir/Patient?page=2",
                     MK_CLIENT_ERROR_INVALID_URL);
  assert_no_token (error);
  g_clear_error (&error);

  other_port = g_strdup_printf ("https://127.0.0.1:%u/fhir/Patient/1", ts->port == 65535 ? 1 : ts->port + 1);
  error = get_error (client, other_port, MK_CLIENT_ERROR_INVALID_URL);
  g_clear_error (&error);

  error = get_error (client, "http://127.0.0.1/fhir/Patient/1", MK_CLIENT_ERROR_INVALID_URL);

  g_assert_cmpuint (server_count (ts, "/fhir/Patient/1"), ==, 0);

  g_clear_object (&client);
  test_server_stop (ts);
}

static void
test_post_body (void)
{
  TestServer *ts = test_server_start (CERT_GOOD);
  g_autoptr(MkClient) client = new_client (ts);
  g_autoptr(GError) error = NULL;
  g_autoptr(MkResponse) response = NULL;
  g_autoptr(MkResponse) empty = NULL;
  const char *json = "{\"resourceType\":\"Appointment\",\"status\":\"booked\"}";
  g_autoptr(GBytes) body = g_bytes_new_static (json, strlen (json));
  const char * const headers[] = { "If-None-Exist", "identifier=urn:uuid:1234", NULL };

  response = mk_client_request (client, "POST", "Appointment", headers, body, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 201);
  g_assert_cmpstr (response->location, ==, "Appointment/9/_history/1");
  g_mutex_lock (&ts->lock);
  g_assert_cmpstr (ts->method, ==, "POST");
  g_assert_cmpstr (ts->request_type, ==, "application/fhir+json; charset=utf-8");
  g_assert_cmpstr (ts->request_body, ==, json);
  g_assert_cmpstr (ts->if_none_exist, ==, "identifier=urn:uuid:1234");
  g_mutex_unlock (&ts->lock);

  empty = mk_client_request (client, "DELETE", "empty", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (empty->status, ==, 204);
  g_assert_null (empty->json);

  g_clear_object (&client);
  test_server_stop (ts);
}

static void
test_retry_after (void)
{
  TestServer *ts = test_server_start (CERT_GOOD);
  g_autoptr(MkClient) client = new_client (ts);
  g_autoptr(GError) error = NULL;
  g_autoptr(MkResponse) response = NULL;
  gint64 start;

  mk_client_set_retry_policy (client, 3, 1, 2000);
  start = g_get_monotonic_time ();
  response = get (client, "retry-after", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, G_USEC_PER_SEC);
  g_assert_cmpuint (server_count (ts, "/fhir/retry-after"), ==, 2);

  g_clear_object (&client);
  test_server_stop (ts);
}

static void
test_server_errors (void)
{
  TestServer *ts = test_server_start (CERT_GOOD);
  g_autoptr(MkClient) client = new_client (ts);
  g_autoptr(GError) error = NULL;
  g_autoptr(MkResponse) response = NULL;
  const char *json = "{\"resourceType\":\"Appointment\"}";
  g_autoptr(GBytes) body = g_bytes_new_static (json, strlen (json));
  const char * const conditional[] = { "If-None-Exist", "identifier=x", NULL };

  mk_client_set_retry_policy (client, 4, 1, 5);
  error = get_error (client, "fail500", MK_CLIENT_ERROR_SERVER);
  g_assert_nonnull (strstr (error->message, "Database is down"));
  assert_no_token (error);
  g_assert_cmpuint (server_count (ts, "/fhir/fail500"), ==, 4);
  g_clear_error (&error);

  /* A plain POST may have been applied: never repeated. */
  response = mk_client_request (client, "POST", "fail500", NULL, body, NULL, &error);
  g_assert_error (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_SERVER);
  g_assert_cmpuint (server_count (ts, "/fhir/fail500"), ==, 5);
  g_clear_error (&error);

  /* A conditional create is safe to repeat. */
  response = mk_client_request (client, "POST", "fail500", conditional, body, NULL, &error);
  g_assert_error (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_SERVER);
  g_assert_cmpuint (server_count (ts, "/fhir/fail500"), ==, 9);

  g_clear_object (&client);
  test_server_stop (ts);
}

static void
test_timeout (void)
{
  TestServer *ts = test_server_start (CERT_GOOD);
  g_autoptr(MkClient) client = new_client (ts);
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  mk_client_set_timeout (client, 1);
  mk_client_set_retry_policy (client, 2, 1, 5);
  error = get_error (client, "slow", MK_CLIENT_ERROR_TIMEOUT);
  g_assert_cmpuint (server_count (ts, "/fhir/slow"), ==, 2);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);

  g_clear_object (&client);
  test_server_stop (ts);
}

static void
test_connection_reset (void)
{
  TestServer *ts = test_server_start (CERT_GOOD);
  g_autoptr(MkClient) client = new_client (ts);
  g_autoptr(GError) error = NULL;
  g_autoptr(MkResponse) response = NULL;

  response = get (client, "reset", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpuint (server_count (ts, "/fhir/reset"), ==, 2);

  g_clear_object (&client);
  test_server_stop (ts);
}

static void
test_connection_refused (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MkClient) client = NULL;
  g_autoptr(MkResponse) response = NULL;
  g_autofree char *base = NULL;
  const char *json = "{}";
  g_autoptr(GBytes) body = g_bytes_new_static (json, strlen (json));

  /* A port that is bound but not listening refuses connections. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  base = g_strdup_printf ("https://127.0.0.1:%u/fhir",
                          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

  client = mk_client_new (base, ca_path, &error);
  g_assert_no_error (error);
  mk_client_set_retry_policy (client, 3, 1, 5);
  response = mk_client_request (client, "POST", "Appointment", NULL, body, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_NETWORK);
}

static void
test_invalid_answers (void)
{
  TestServer *ts = test_server_start (CERT_GOOD);
  g_autoptr(MkClient) client = new_client (ts);
  g_autoptr(GError) error = NULL;

  error = get_error (client, "truncated", MK_CLIENT_ERROR_INVALID_RESPONSE);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  error = get_error (client, "badjson", MK_CLIENT_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, "not valid JSON"));
  g_test_message ("%s", error->message);
  g_assert_cmpuint (server_count (ts, "/fhir/badjson"), ==, 1);
  g_clear_error (&error);

  error = get_error (client, "html", MK_CLIENT_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, "text/html"));
  g_clear_error (&error);

  g_clear_object (&client);
  test_server_stop (ts);
}

static void
test_client_errors (void)
{
  TestServer *ts = test_server_start (CERT_GOOD);
  g_autoptr(MkClient) client = new_client (ts);
  g_autoptr(GError) error = NULL;
  g_autoptr(MkResponse) response = NULL;
  const char *json = "{\"resourceType\":\"Patient\",\"id\":\"1\"}";
  g_autoptr(GBytes) body = g_bytes_new_static (json, strlen (json));
  const char * const if_match[] = { "If-Match", "W/\"3\"", NULL };

  response = mk_client_request (client, "PUT", "conflict", if_match, body, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_PRECONDITION);
  g_assert_nonnull (strstr (error->message, "Version 4 is current, not 3"));
  g_assert_cmpuint (server_count (ts, "/fhir/conflict"), ==, 1);
  g_clear_error (&error);

  error = get_error (client, "unauth", MK_CLIENT_ERROR_UNAUTHORIZED);
  assert_no_token (error);
  g_assert_cmpuint (server_count (ts, "/fhir/unauth"), ==, 1);
  g_clear_error (&error);

  response = get (client, "invalid", &error);
  g_assert_error (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "Appointment.status is required"));
  g_clear_error (&error);

  response = get (client, "nowhere", &error);
  g_assert_error (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_NOT_FOUND);
  g_assert_cmpuint (server_count (ts, "/fhir/nowhere"), ==, 1);

  g_clear_object (&client);
  test_server_stop (ts);
}

static gint64 cancelled_at;

typedef struct
{
  TestServer   *ts;
  GCancellable *cancellable;
} CancelLater;

/* Cancels once the server has answered the first try (the client is then
 * in its Retry-After wait), whatever the machine's speed. */
static gpointer
cancel_later (gpointer data)
{
  CancelLater *later = data;
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (server_count (later->ts, "/fhir/busy") == 0 && g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
  g_usleep (200 * 1000);
  cancelled_at = g_get_monotonic_time ();   /* read after g_thread_join () */
  g_cancellable_cancel (later->cancellable);
  return NULL;
}

static void
test_cancel_backoff (void)
{
  TestServer *ts = test_server_start (CERT_GOOD);
  g_autoptr(MkClient) client = new_client (ts);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MkResponse) response = NULL;
  CancelLater later;
  GThread *canceller;
  gint64 returned_at;

  /* Retry-After: 10 → a long wait, cut short by the cancel. */
  mk_client_set_retry_policy (client, 3, 1, 10000);
  later.ts = ts;
  later.cancellable = cancellable;
  canceller = g_thread_new ("cancel", cancel_later, &later);
  response = mk_client_request (client, "GET", "busy", NULL, NULL, cancellable, &error);
  returned_at = g_get_monotonic_time ();
  g_thread_join (canceller);
  g_assert_null (response);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (returned_at - cancelled_at, <, 500 * 1000);
  g_assert_cmpuint (server_count (ts, "/fhir/busy"), ==, 1);

  g_clear_object (&client);
  test_server_stop (ts);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  make_certificates ();

  g_test_add_func ("/client/get-with-ca-file", test_get_with_ca_file);
  g_test_add_func ("/client/base-path-join", test_base_path_join);
  g_test_add_func ("/client/tls/untrusted", test_untrusted);
  g_test_add_func ("/client/tls/other-ca", test_other_ca_server);
  g_test_add_func ("/client/tls/expired", test_expired);
  g_test_add_func ("/client/tls/wrong-host", test_wrong_host);
  g_test_add_func ("/client/invalid-urls", test_invalid_urls);
  g_test_add_func ("/client/post-body", test_post_body);
  g_test_add_func ("/client/retry/retry-after", test_retry_after);
  g_test_add_func ("/client/retry/server-errors", test_server_errors);
  g_test_add_func ("/client/retry/timeout", test_timeout);
  g_test_add_func ("/client/retry/connection-reset", test_connection_reset);
  g_test_add_func ("/client/retry/connection-refused", test_connection_refused);
  g_test_add_func ("/client/invalid-answers", test_invalid_answers);
  g_test_add_func ("/client/client-errors", test_client_errors);
  g_test_add_func ("/client/retry/cancel-backoff", test_cancel_backoff);

  ret = g_test_run ();

  for (guint i = 0; i < N_CERTS; i++)
    g_clear_object (&server_certs[i]);
  mk_test_remove_tree (tmp_dir);
  g_free (ca_path);
  g_free (other_ca_path);
  g_free (tmp_dir);

  return ret;
}
