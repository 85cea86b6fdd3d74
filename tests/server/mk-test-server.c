/* mk-test-server.c — a small FHIR R4 server over HTTPS for tests and demos
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * HTTP, TLS, the bearer token, fault injection and request counting live
 * here; the FHIR interactions over SQLite are in mk-test-store.c and the
 * certificates in mk-test-tls.c.
 */
#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "mk-demo.h"
#include <glib/gstdio.h>
#include "mk-test-server.h"
#include "mk-test-store.h"

/* Generated with the demo resources compiled into medkarta-core. */
GResource *mk_demo_get_resource (void);

#define FHIR_PREFIX       "/fhir"
#define FHIR_CONTENT_TYPE "application/fhir+json; charset=utf-8"

typedef struct
{
  MkTestFault  fault;
  char        *prefix;     /* absolute path prefix, or NULL */
  guint        remaining;  /* 0: forever */
} Fault;

static void
fault_free (Fault *fault)
{
  g_free (fault->prefix);
  g_free (fault);
}

struct _MkTestServer
{
  GObject        parent_instance;

  MkTestStore   *store;

  /* Set before start, read-only afterwards. */
  MkTestTlsMode  tls_mode;
  char          *tls_dir;
  gboolean       own_tls_dir;
  guint          requested_port;
  char          *ca_file;
  GTlsCertificate *certificate;
  char          *base_url;
  guint          port;

  /* The server thread. */
  GThread       *thread;
  GMainContext  *context;
  GMainLoop     *loop;
  GError        *start_error;
  gboolean       started;
  GCond          started_cond;

  /* Shared with the server thread, under @lock. */
  GMutex         lock;
  char          *token;
  gboolean       token_expired;
  GList         *faults;    /* of Fault */
  guint          delay_ms;
  gboolean       no_post_search;
  GHashTable    *counts;    /* "METHOD /path" → count */
};

G_DEFINE_FINAL_TYPE (MkTestServer, mk_test_server, G_TYPE_OBJECT)

static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
    }
  g_remove (path);
}

static void
mk_test_server_finalize (GObject *object)
{
  MkTestServer *self = MK_TEST_SERVER (object);

  mk_test_server_stop (self);

  if (self->own_tls_dir && self->tls_dir != NULL)
    remove_tree (self->tls_dir);
  g_free (self->tls_dir);
  g_free (self->ca_file);
  g_clear_object (&self->certificate);
  g_free (self->base_url);
  g_clear_pointer (&self->store, mk_test_store_free);
  g_free (self->token);
  g_list_free_full (self->faults, (GDestroyNotify) fault_free);
  g_clear_pointer (&self->counts, g_hash_table_unref);
  g_clear_error (&self->start_error);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->started_cond);

  G_OBJECT_CLASS (mk_test_server_parent_class)->finalize (object);
}

static void
mk_test_server_class_init (MkTestServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mk_test_server_finalize;
}

static void
mk_test_server_init (MkTestServer *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->started_cond);
  self->delay_ms = 2000;
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

MkTestServer *
mk_test_server_new (const char  *db_path,
                    GError     **error)
{
  g_autoptr(MkTestServer) self = g_object_new (MK_TYPE_TEST_SERVER, NULL);

  self->store = mk_test_store_new (db_path, error);
  if (self->store == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

void
mk_test_server_set_tls_mode (MkTestServer  *self,
                             MkTestTlsMode  mode)
{
  g_return_if_fail (MK_IS_TEST_SERVER (self));
  g_return_if_fail (self->thread == NULL);

  self->tls_mode = mode;
}

void
mk_test_server_set_tls_dir (MkTestServer *self,
                            const char   *dir)
{
  g_return_if_fail (MK_IS_TEST_SERVER (self));
  g_return_if_fail (self->thread == NULL);

  if (self->own_tls_dir && self->tls_dir != NULL)
    remove_tree (self->tls_dir);
  g_free (self->tls_dir);
  self->tls_dir = g_strdup (dir);
  self->own_tls_dir = FALSE;
}

void
mk_test_server_set_port (MkTestServer *self,
                         guint         port)
{
  g_return_if_fail (MK_IS_TEST_SERVER (self));
  g_return_if_fail (self->thread == NULL);

  self->requested_port = port;
}

const char *
mk_test_server_get_base_url (MkTestServer *self)
{
  g_return_val_if_fail (MK_IS_TEST_SERVER (self), NULL);

  return self->base_url;
}

guint
mk_test_server_get_port (MkTestServer *self)
{
  g_return_val_if_fail (MK_IS_TEST_SERVER (self), 0);

  return self->port;
}

const char *
mk_test_server_get_ca_file (MkTestServer *self)
{
  g_return_val_if_fail (MK_IS_TEST_SERVER (self), NULL);

  return self->ca_file;
}

/* ------------------------------------------------------------ switches */

void
mk_test_server_set_token (MkTestServer *self,
                          const char   *token)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (MK_IS_TEST_SERVER (self));

  locker = g_mutex_locker_new (&self->lock);
  g_free (self->token);
  self->token = g_strdup (token);
  self->token_expired = FALSE;
}

void
mk_test_server_expire_token (MkTestServer *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (MK_IS_TEST_SERVER (self));

  locker = g_mutex_locker_new (&self->lock);
  self->token_expired = TRUE;
}

/* "Patient" → "/fhir/Patient"; absolute prefixes are kept. */
static char *
absolute_prefix (const char *prefix)
{
  if (prefix == NULL)
    return NULL;
  if (*prefix == '/')
    return g_strdup (prefix);
  return g_strconcat (FHIR_PREFIX "/", prefix, NULL);
}

void
mk_test_server_add_fault (MkTestServer *self,
                          MkTestFault   fault,
                          const char   *path_prefix,
                          guint         count)
{
  g_autoptr(GMutexLocker) locker = NULL;
  Fault *entry;

  g_return_if_fail (MK_IS_TEST_SERVER (self));

  entry = g_new0 (Fault, 1);
  entry->fault = fault;
  entry->prefix = absolute_prefix (path_prefix);
  entry->remaining = count;

  locker = g_mutex_locker_new (&self->lock);
  self->faults = g_list_append (self->faults, entry);
}

void
mk_test_server_clear_faults (MkTestServer *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (MK_IS_TEST_SERVER (self));

  locker = g_mutex_locker_new (&self->lock);
  g_list_free_full (g_steal_pointer (&self->faults), (GDestroyNotify) fault_free);
}

void
mk_test_server_set_post_search (MkTestServer *self,
                                gboolean      enabled)
{
  g_return_if_fail (MK_IS_TEST_SERVER (self));

  g_mutex_lock (&self->lock);
  self->no_post_search = !enabled;
  g_mutex_unlock (&self->lock);
}

void
mk_test_server_set_delay (MkTestServer *self,
                          guint         delay_ms)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (MK_IS_TEST_SERVER (self));

  locker = g_mutex_locker_new (&self->lock);
  self->delay_ms = delay_ms;
}

guint
mk_test_server_get_request_count (MkTestServer *self,
                                  const char   *method,
                                  const char   *path_prefix)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *prefix = absolute_prefix (path_prefix);
  GHashTableIter iter;
  gpointer key, value;
  guint total = 0;

  g_return_val_if_fail (MK_IS_TEST_SERVER (self), 0);

  locker = g_mutex_locker_new (&self->lock);
  g_hash_table_iter_init (&iter, self->counts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *space = strchr (key, ' ');
      gsize method_length = space - (const char *) key;

      if (method != NULL && (strlen (method) != method_length ||
                             strncmp (key, method, method_length) != 0))
        continue;
      if (prefix != NULL && !g_str_has_prefix (space + 1, prefix))
        continue;
      total += GPOINTER_TO_UINT (value);
    }
  return total;
}

void
mk_test_server_reset_request_counts (MkTestServer *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (MK_IS_TEST_SERVER (self));

  locker = g_mutex_locker_new (&self->lock);
  g_hash_table_remove_all (self->counts);
}

/* ---------------------------------------------------------------- data */

gboolean
mk_test_server_load_json (MkTestServer  *self,
                          const char    *json,
                          GError       **error)
{
  g_return_val_if_fail (MK_IS_TEST_SERVER (self), FALSE);

  return mk_test_store_load (self->store, json, error);
}

gboolean
mk_test_server_load_demo (MkTestServer  *self,
                          GDateTime     *anchor,
                          GError       **error)
{
  g_autoptr(GBytes) template = NULL;
  g_autofree char *card = NULL;
  gsize size = 0;
  const char *data;

  g_return_val_if_fail (MK_IS_TEST_SERVER (self), FALSE);
  g_return_val_if_fail (anchor != NULL, FALSE);

  template = g_resource_lookup_data (mk_demo_get_resource (),
                                     "/io/github/medkarta/Medkarta/demo/demo-card.json",
                                     G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (template == NULL)
    return FALSE;
  data = g_bytes_get_data (template, &size);
  card = mk_demo_expand (data, size, anchor, error);
  return card != NULL && mk_test_store_load (self->store, card, error);
}

gboolean
mk_test_server_touch (MkTestServer  *self,
                      const char    *type,
                      const char    *id,
                      GError       **error)
{
  g_return_val_if_fail (MK_IS_TEST_SERVER (self), FALSE);

  return mk_test_store_touch (self->store, type, id, error);
}

gboolean
mk_test_server_delete (MkTestServer  *self,
                       const char    *type,
                       const char    *id,
                       GError       **error)
{
  g_return_val_if_fail (MK_IS_TEST_SERVER (self), FALSE);

  return mk_test_store_delete (self->store, type, id, error);
}

char *
mk_test_server_get_resource (MkTestServer *self,
                             const char   *type,
                             const char   *id)
{
  g_return_val_if_fail (MK_IS_TEST_SERVER (self), NULL);

  return mk_test_store_get (self->store, type, id);
}

guint
mk_test_server_count_resources (MkTestServer *self,
                                const char   *type)
{
  g_return_val_if_fail (MK_IS_TEST_SERVER (self), 0);

  return mk_test_store_count (self->store, type);
}

/* ------------------------------------------------------------- serving */

/* Counts the request and takes the first fault that applies to it.
 * Returns FALSE when none does. */
static gboolean
take_fault (MkTestServer *self,
            const char   *method,
            const char   *path,
            MkTestFault  *fault,
            guint        *delay_ms)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  char *key = g_strdup_printf ("%s %s", method, path);
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, key));

  g_hash_table_replace (self->counts, key, GUINT_TO_POINTER (count + 1));
  *delay_ms = self->delay_ms;

  for (GList *l = self->faults; l != NULL; l = l->next)
    {
      Fault *entry = l->data;

      if (entry->prefix != NULL && !g_str_has_prefix (path, entry->prefix))
        continue;
      if (entry->fault == MK_TEST_FAULT_CONFLICT_412 && !g_str_equal (method, "PUT"))
        continue;

      *fault = entry->fault;
      if (entry->remaining > 0 && --entry->remaining == 0)
        {
          fault_free (entry);
          self->faults = g_list_delete_link (self->faults, l);
        }
      return TRUE;
    }
  return FALSE;
}

static gboolean
authorized (MkTestServer      *self,
            SoupServerMessage *msg)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  const char *header;

  if (self->token == NULL)
    return TRUE;
  if (self->token_expired)
    return FALSE;
  header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                         "Authorization");
  return header != NULL && g_str_has_prefix (header, "Bearer ") &&
         g_str_equal (header + strlen ("Bearer "), self->token);
}

static void
set_date (SoupServerMessage *msg)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = soup_date_time_to_string (now, SOUP_DATE_HTTP);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Date", date);
}

static void
send_reply (SoupServerMessage *msg,
            MkTestReply       *reply)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_server_message_set_status (msg, reply->status, NULL);
  set_date (msg);
  if (reply->etag != NULL)
    soup_message_headers_replace (headers, "ETag", reply->etag);
  if (reply->last_modified != NULL)
    {
      g_autofree char *text = soup_date_time_to_string (reply->last_modified, SOUP_DATE_HTTP);

      soup_message_headers_replace (headers, "Last-Modified", text);
    }
  if (reply->location != NULL)
    soup_message_headers_replace (headers, "Location", reply->location);
  if (reply->body != NULL)
    soup_server_message_set_response (msg, FHIR_CONTENT_TYPE, SOUP_MEMORY_COPY,
                                      reply->body, strlen (reply->body));
}

static void
send_outcome (SoupServerMessage *msg,
              guint              status,
              const char        *code,
              const char        *diagnostics)
{
  g_autoptr(MkTestReply) reply = mk_test_reply_outcome (status, code, diagnostics);

  send_reply (msg, reply);
}

/* Takes the connection away from libsoup, with its socket. */
static GIOStream *
steal_connection (SoupServerMessage  *msg,
                  GSocket           **socket)
{
  GSocket *msg_socket = soup_server_message_get_socket (msg);

  *socket = msg_socket != NULL ? g_object_ref (msg_socket) : NULL;
  return soup_server_message_steal_connection (msg);
}

/* Drops the connection without a TLS close_notify, as a network failure
 * would: the client sees the socket end, not an orderly close. */
static void
close_abruptly (GIOStream *stream,
                GSocket   *socket)
{
  if (socket != NULL)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);
  g_clear_object (&socket);
}

/* Closes the connection: the client gets no answer at all. */
static void
reset_connection (SoupServerMessage *msg)
{
  GSocket *socket = NULL;
  g_autoptr(GIOStream) stream = steal_connection (msg, &socket);

  close_abruptly (stream, socket);
}

/* Sends the head and half of @reply's body, then closes the connection. */
static void
truncate_reply (SoupServerMessage *msg,
                MkTestReply       *reply)
{
  GSocket *socket = NULL;
  g_autoptr(GIOStream) stream = steal_connection (msg, &socket);
  const char *body = reply->body != NULL ? reply->body : "{\"resourceType\":\"Bundle\"}";
  gsize length = strlen (body);
  g_autoptr(GString) head = g_string_new (NULL);
  GOutputStream *output;

  if (stream == NULL)
    {
      close_abruptly (NULL, socket);
      return;
    }
  g_string_append_printf (head, "HTTP/1.1 %u %s\r\nContent-Type: " FHIR_CONTENT_TYPE "\r\n"
                                "Content-Length: %" G_GSIZE_FORMAT "\r\nConnection: close\r\n\r\n",
                          reply->status, soup_status_get_phrase (reply->status), length);
  output = g_io_stream_get_output_stream (stream);
  if (g_output_stream_write_all (output, head->str, head->len, NULL, NULL, NULL))
    g_output_stream_write_all (output, body, length / 2, NULL, NULL, NULL);
  g_output_stream_flush (output, NULL, NULL);
  close_abruptly (stream, socket);
}

typedef struct
{
  SoupServerMessage *msg;
  gulong             finished_id;
  gboolean           finished;
} Delayed;

static void
delayed_finished (SoupServerMessage *msg,
                  Delayed           *delayed)
{
  delayed->finished = TRUE;
}

static gboolean
delayed_resume (gpointer data)
{
  Delayed *delayed = data;

  if (!delayed->finished)
    soup_server_message_unpause (delayed->msg);
  return G_SOURCE_REMOVE;
}

static void
delayed_free (gpointer data)
{
  Delayed *delayed = data;

  g_signal_handler_disconnect (delayed->msg, delayed->finished_id);
  g_object_unref (delayed->msg);
  g_free (delayed);
}

static void
delay_reply (SoupServerMessage *msg,
             guint              delay_ms)
{
  Delayed *delayed = g_new0 (Delayed, 1);
  g_autoptr(GSource) source = g_timeout_source_new (delay_ms);

  delayed->msg = g_object_ref (msg);
  delayed->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (delayed_finished), delayed);
  soup_server_message_pause (msg);
  g_source_set_callback (source, delayed_resume, delayed, delayed_free);
  g_source_attach (source, g_main_context_get_thread_default ());
}

/* name, value, … of the raw query, decoded ('+' is kept as is). */
/* Appends the name, value pairs of @query (URL query or form body; a form
 * body's '+' is a space) to @pairs. */
static void
append_query (GPtrArray  *pairs,
              const char *query,
              gboolean    form)
{
  g_auto(GStrv) parts = NULL;

  if (query == NULL)
    return;
  parts = g_strsplit (query, "&", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *equals = strchr (parts[i], '=');
      char *name, *value;

      if (*parts[i] == '\0')
        continue;
      if (equals != NULL)
        *equals = '\0';
      if (form)
        g_strdelimit (parts[i], "+", ' ');
      if (form && equals != NULL)
        g_strdelimit (equals + 1, "+", ' ');
      name = g_uri_unescape_string (parts[i], NULL);
      value = g_uri_unescape_string (equals != NULL ? equals + 1 : "", NULL);
      g_ptr_array_add (pairs, name != NULL ? name : g_strdup (parts[i]));
      g_ptr_array_add (pairs, value != NULL ? value : g_strdup (equals != NULL ? equals + 1 : ""));
    }
}

/* The FHIR interaction's reply, or NULL with an answer already sent. */
static MkTestReply *
run_request (MkTestServer      *self,
             SoupServerMessage *msg,
             const char        *path,
             gboolean           force_conflict)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(GPtrArray) query = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) segments = g_ptr_array_new ();
  g_auto(GStrv) parts = NULL;
  MkTestRequest request = { 0 };
  gsize body_length = 0;

  if (!g_str_equal (path, FHIR_PREFIX) && !g_str_has_prefix (path, FHIR_PREFIX "/"))
    return mk_test_reply_outcome (404, "not-found", "The FHIR base is /fhir");

  parts = g_strsplit (path + strlen (FHIR_PREFIX), "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      g_ptr_array_add (segments, parts[i]);
  g_ptr_array_add (segments, NULL);

  append_query (query, g_uri_get_query (soup_server_message_get_uri (msg)), FALSE);
  /* A search by POST: the parameters are the form body (FHIR search, 3.1.1.3). */
  if (g_str_equal (soup_server_message_get_method (msg), "POST") && segments->len == 3 &&
      g_str_equal (segments->pdata[1], "_search"))
    {
      g_autofree char *form = NULL;
      const char *content_type = soup_message_headers_get_content_type (headers, NULL);

      if (g_strcmp0 (content_type, "application/x-www-form-urlencoded") != 0)
        return mk_test_reply_outcome (415, "not-supported",
                                      "A search by POST takes application/x-www-form-urlencoded");
      form = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
      append_query (query, form, TRUE);
    }

  if (!(segments->len == 1 ||
        (segments->len == 2 && g_str_equal (segments->pdata[0], "metadata"))) &&
      !authorized (self, msg))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "WWW-Authenticate",
                                    "Bearer realm=\"medkarta-test\", error=\"invalid_token\"");
      return mk_test_reply_outcome (401, "login", "Unauthorized");
    }

  request.method = soup_server_message_get_method (msg);
  request.segments = (char **) segments->pdata;
  request.query = query;
  request.if_match = soup_message_headers_get_one (headers, "If-Match");
  request.if_none_exist = soup_message_headers_get_one (headers, "If-None-Exist");
  request.body = g_bytes_get_data (body, &body_length);
  request.body_length = body_length;
  request.base_url = self->base_url;
  request.force_conflict = force_conflict;

  return mk_test_store_handle (self->store, &request);
}

static void
handle_request (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  MkTestServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  g_autoptr(MkTestReply) reply = NULL;
  MkTestFault fault = 0;
  guint delay_ms = 0;
  gboolean faulted = take_fault (self, method, path, &fault, &delay_ms);

  if (faulted)
    {
      switch (fault)
        {
        case MK_TEST_FAULT_STATUS_500:
          send_outcome (msg, 500, "exception", "Internal server error (injected)");
          return;

        case MK_TEST_FAULT_STATUS_503:
        case MK_TEST_FAULT_STATUS_429:
          soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                        "Retry-After", "1");
          if (fault == MK_TEST_FAULT_STATUS_503)
            send_outcome (msg, 503, "transient", "Service unavailable (injected)");
          else
            send_outcome (msg, 429, "throttled", "Too many requests (injected)");
          return;

        case MK_TEST_FAULT_RESET:
          reset_connection (msg);
          return;

        case MK_TEST_FAULT_STATUS_404:
          send_outcome (msg, 404, "not-supported", "Unknown resource type (injected)");
          return;

        case MK_TEST_FAULT_OUTCOME_200:
          send_outcome (msg, 200, "informational", "Not what was asked for (injected)");
          return;

        case MK_TEST_FAULT_INVALID_JSON:
          soup_server_message_set_status (msg, 200, NULL);
          set_date (msg);
          soup_server_message_set_response (msg, FHIR_CONTENT_TYPE, SOUP_MEMORY_STATIC,
                                            "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":",
                                            strlen ("{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":"));
          return;

        case MK_TEST_FAULT_WRONG_CONTENT_TYPE:
          soup_server_message_set_status (msg, 200, NULL);
          set_date (msg);
          soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_STATIC,
                                            "<html><body>Captive portal</body></html>",
                                            strlen ("<html><body>Captive portal</body></html>"));
          return;

        case MK_TEST_FAULT_DELAY:
        case MK_TEST_FAULT_TRUNCATE:
        case MK_TEST_FAULT_CONFLICT_412:
        default:
          break;
        }
    }

  if (g_str_equal (method, "POST") && g_str_has_suffix (path, "/_search"))
    {
      gboolean refused;

      g_mutex_lock (&self->lock);
      refused = self->no_post_search;
      g_mutex_unlock (&self->lock);
      if (refused)
        {
          send_outcome (msg, 405, "not-supported", "Searches by POST are not supported here");
          return;
        }
    }

  reply = run_request (self, msg, path, faulted && fault == MK_TEST_FAULT_CONFLICT_412);

  if (faulted && fault == MK_TEST_FAULT_TRUNCATE)
    {
      truncate_reply (msg, reply);
      return;
    }
  send_reply (msg, reply);
  if (faulted && fault == MK_TEST_FAULT_DELAY)
    delay_reply (msg, delay_ms);
}

static gpointer
server_thread (gpointer data)
{
  MkTestServer *self = data;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (self->context);

  server = soup_server_new ("tls-certificate", self->certificate,
                            "server-header", "medkarta-test-server",
                            NULL);
  soup_server_add_handler (server, NULL, handle_request, self, NULL);
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, self->requested_port);
  if (soup_server_listen (server, address, SOUP_SERVER_LISTEN_HTTPS, &error))
    {
      uris = soup_server_get_uris (server);
      self->port = uris != NULL ? g_uri_get_port (uris->data) : 0;
      g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
    }

  g_mutex_lock (&self->lock);
  self->start_error = g_steal_pointer (&error);
  self->started = TRUE;
  g_cond_signal (&self->started_cond);
  g_mutex_unlock (&self->lock);

  if (self->start_error == NULL)
    g_main_loop_run (self->loop);

  soup_server_disconnect (server);
  g_clear_object (&server);
  /* Let sources freed by the disconnection run their clean-ups here. */
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

gboolean
mk_test_server_start (MkTestServer  *self,
                      GError       **error)
{
  g_autofree char *cert_pem = NULL;
  g_autofree char *key_pem = NULL;
  g_autofree char *pem = NULL;

  g_return_val_if_fail (MK_IS_TEST_SERVER (self), FALSE);
  g_return_val_if_fail (self->thread == NULL, FALSE);

  if (self->tls_dir == NULL)
    {
      self->tls_dir = g_dir_make_tmp ("medkarta-test-server-XXXXXX", error);
      if (self->tls_dir == NULL)
        return FALSE;
      self->own_tls_dir = TRUE;
    }
  g_clear_pointer (&self->ca_file, g_free);
  if (!mk_test_tls_make (self->tls_dir, self->tls_mode, &self->ca_file, &cert_pem, &key_pem, error))
    return FALSE;
  pem = g_strconcat (cert_pem, key_pem, NULL);
  g_clear_object (&self->certificate);
  self->certificate = g_tls_certificate_new_from_pem (pem, -1, error);
  if (self->certificate == NULL)
    return FALSE;

  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->started = FALSE;
  self->thread = g_thread_new ("mk-test-server", server_thread, self);

  g_mutex_lock (&self->lock);
  while (!self->started)
    g_cond_wait (&self->started_cond, &self->lock);
  g_mutex_unlock (&self->lock);

  if (self->start_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->start_error));
      mk_test_server_stop (self);
      return FALSE;
    }

  g_free (self->base_url);
  self->base_url = g_strdup_printf ("https://127.0.0.1:%u" FHIR_PREFIX, self->port);
  return TRUE;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
mk_test_server_stop (MkTestServer *self)
{
  g_return_if_fail (MK_IS_TEST_SERVER (self));

  if (self->thread == NULL)
    return;

  g_main_context_invoke (self->context, quit_loop, self->loop);
  g_thread_join (g_steal_pointer (&self->thread));
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
}
