/* mk-sync.c — one sync run: connect, pull, reconcile, push, pull again
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The pull and the reconcile are in mk-sync-pull.c, the push in
 * mk-sync-push.c. Design: docs/sync.md.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "mk-auth.h"
#include "mk-outbox.h"
#include "mk-secret.h"
#include "mk-sync-private.h"

struct _MkSync
{
  GObject             parent_instance;

  MkStore            *store;
  MkAccount          *account;
  MkClock            *clock;

  GMutex              lock;          /* guards the settings below */
  char               *access_token;
  guint               page_size;
  gboolean            always_reconcile;
  guint               retry_attempts;  /* 0 = the client's default policy */
  guint               retry_base_ms;
  guint               retry_max_ms;
  gint                running;       /* atomic: one run at a time */

  MkSyncProgressFunc  progress;
  gpointer            progress_data;
  GDestroyNotify      progress_destroy;
};

G_DEFINE_FINAL_TYPE (MkSync, mk_sync, G_TYPE_OBJECT)

G_DEFINE_QUARK (mk-sync-error-quark, mk_sync_error)

static void
wipe_token (char **token)
{
  if (*token != NULL)
    {
      explicit_bzero (*token, strlen (*token));
      g_clear_pointer (token, g_free);
    }
}

static void
mk_sync_finalize (GObject *object)
{
  MkSync *self = MK_SYNC (object);

  if (self->progress_destroy != NULL)
    self->progress_destroy (self->progress_data);
  wipe_token (&self->access_token);
  g_clear_object (&self->store);
  g_clear_object (&self->account);
  g_clear_object (&self->clock);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (mk_sync_parent_class)->finalize (object);
}

static void
mk_sync_class_init (MkSyncClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mk_sync_finalize;
}

static void
mk_sync_init (MkSync *self)
{
  g_mutex_init (&self->lock);
  self->page_size = MK_SYNC_DEFAULT_PAGE_SIZE;
}

MkSync *
mk_sync_new (MkStore   *store,
             MkAccount *account,
             MkClock   *clock)
{
  MkSync *self;

  g_return_val_if_fail (MK_IS_STORE (store), NULL);
  g_return_val_if_fail (MK_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (clock == NULL || MK_IS_CLOCK (clock), NULL);

  self = g_object_new (MK_TYPE_SYNC, NULL);
  self->store = g_object_ref (store);
  self->account = g_object_ref (account);
  self->clock = clock != NULL ? g_object_ref (clock) : g_object_ref (mk_clock_get_default ());

  return self;
}

void
mk_sync_set_access_token (MkSync     *self,
                          const char *token)
{
  g_return_if_fail (MK_IS_SYNC (self));

  g_mutex_lock (&self->lock);
  wipe_token (&self->access_token);
  self->access_token = g_strdup (token);
  g_mutex_unlock (&self->lock);
}

void
mk_sync_set_progress_func (MkSync             *self,
                           MkSyncProgressFunc  func,
                           gpointer            user_data,
                           GDestroyNotify      destroy)
{
  g_return_if_fail (MK_IS_SYNC (self));

  if (self->progress_destroy != NULL)
    self->progress_destroy (self->progress_data);
  self->progress = func;
  self->progress_data = user_data;
  self->progress_destroy = destroy;
}

void
mk_sync_set_page_size (MkSync *self,
                       guint   page_size)
{
  g_return_if_fail (MK_IS_SYNC (self));

  self->page_size = page_size > 0 ? page_size : MK_SYNC_DEFAULT_PAGE_SIZE;
}

void
mk_sync_set_always_reconcile (MkSync   *self,
                              gboolean  always)
{
  g_return_if_fail (MK_IS_SYNC (self));

  self->always_reconcile = !!always;
}

void
mk_sync_set_retry_policy (MkSync *self,
                          guint   max_attempts,
                          guint   base_delay_ms,
                          guint   max_delay_ms)
{
  g_return_if_fail (MK_IS_SYNC (self));

  self->retry_attempts = max_attempts;
  self->retry_base_ms = base_delay_ms;
  self->retry_max_ms = max_delay_ms;
}

/* ---- helpers shared with mk-sync-pull.c and mk-sync-push.c ---- */

void
mk_sync_run_progress (MkSyncRun   *run,
                      MkSyncPhase  phase,
                      const char  *resource_type)
{
  MkSync *self = run->sync;

  if (self->progress != NULL)
    self->progress (phase, resource_type, run->stats, self->progress_data);
}

/* The one refresh attempt after a 401: a SMART account asks its token
 * endpoint for a new access token (mk_auth_refresh()); a bearer token
 * cannot be refreshed by us, so the Secret Service is read again in case an
 * administrator stored a new one meanwhile. TRUE when there is a different
 * token to try; never more than once per run. */
static gboolean
refresh_token (MkSyncRun *run)
{
  g_autoptr(GError) error = NULL;
  char *token;

  if (run->refreshed)
    return FALSE;
  run->refreshed = TRUE;

  if (mk_account_get_auth_method (run->account) == MK_AUTH_METHOD_SMART &&
      !mk_auth_refresh (run->account, run->cancellable, &error))
    {
      g_debug ("Token refresh failed: %s", error->message);
      return FALSE;
    }

  token = mk_secret_lookup_token (mk_account_get_uuid (run->account), MK_TOKEN_ACCESS,
                                  run->cancellable, &error);
  if (token == NULL)
    return FALSE;

  if (g_strcmp0 (token, run->access_token) == 0)
    {
      mk_secret_free_token (token);
      return FALSE;
    }

  wipe_token (&run->access_token);
  run->access_token = g_strdup (token);
  mk_secret_free_token (token);
  mk_client_set_access_token (run->client, run->access_token);

  return TRUE;
}

/* Counts a request and keeps the newest server time it brought. */
static void
note_request (MkSyncRun  *run,
              MkResponse *response)
{
  run->stats->requests++;
  if (response != NULL && response->date != NULL &&
      (run->server_time == NULL || strcmp (response->date, run->server_time) > 0))
    {
      g_free (run->server_time);
      run->server_time = g_strdup (response->date);
    }
}

MkResponse *
mk_sync_run_request (MkSyncRun          *run,
                     const char         *method,
                     const char         *path_or_url,
                     const char * const *headers,
                     GBytes             *body,
                     GError            **error)
{
  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      MkResponse *response = mk_client_request (run->client, method, path_or_url, headers, body,
                                                run->cancellable, &local_error);

      note_request (run, response);

      if (response != NULL)
        return response;

      if (!g_error_matches (local_error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_UNAUTHORIZED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      if (!refresh_token (run))
        {
          g_set_error_literal (error, MK_SYNC_ERROR, MK_SYNC_ERROR_SIGN_IN_REQUIRED,
                               _("The server no longer accepts the sign-in: sign in again"));
          return NULL;
        }
    }
}

/* ---- read-ahead ---- */

struct _MkReadAhead
{
  MkSyncRun          *run;
  char               *url;
  const char * const *headers;
  GThread            *thread;
  MkResponse         *response;
  GError             *error;
};

static gpointer
read_ahead_thread (gpointer data)
{
  MkReadAhead *ahead = data;

  /* Only the client: the run's counters are the run's thread's. */
  ahead->response = mk_client_request (ahead->run->client, "GET", ahead->url, ahead->headers, NULL,
                                       ahead->run->cancellable, &ahead->error);
  return NULL;
}

MkReadAhead *
mk_read_ahead_start (MkSyncRun          *run,
                     const char         *url,
                     const char * const *headers)
{
  MkReadAhead *ahead = g_new0 (MkReadAhead, 1);

  ahead->run = run;
  ahead->url = g_strdup (url);
  ahead->headers = headers;
  ahead->thread = g_thread_new ("medkarta-read-ahead", read_ahead_thread, ahead);
  return ahead;
}

gboolean
mk_read_ahead_is_for (MkReadAhead *ahead,
                      const char  *url)
{
  return strcmp (ahead->url, url) == 0;
}

void
mk_read_ahead_free (MkReadAhead *ahead)
{
  /* Not taken: the request was made all the same, and is counted. */
  if (ahead->thread != NULL)
    {
      g_thread_join (ahead->thread);
      note_request (ahead->run, ahead->response);
    }
  g_clear_pointer (&ahead->response, mk_response_free);
  g_clear_error (&ahead->error);
  g_free (ahead->url);
  g_free (ahead);
}

MkResponse *
mk_read_ahead_finish (MkSyncRun   *run,
                      MkReadAhead *ahead,
                      GError     **error)
{
  g_autoptr(MkReadAhead) owned = ahead;

  g_thread_join (g_steal_pointer (&owned->thread));
  note_request (run, owned->response);
  if (g_cancellable_set_error_if_cancelled (run->cancellable, error))
    return NULL;
  if (owned->response != NULL)
    return g_steal_pointer (&owned->response);
  if (g_error_matches (owned->error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_UNAUTHORIZED))
    return mk_sync_run_request (run, "GET", owned->url, owned->headers, NULL, error);
  g_propagate_error (error, g_steal_pointer (&owned->error));
  return NULL;
}

JsonObject *
mk_sync_response_object (MkResponse  *response,
                         const char  *expected_type,
                         GError     **error)
{
  JsonObject *object;
  const char *type;

  if (response->json == NULL || !JSON_NODE_HOLDS_OBJECT (response->json))
    {
      g_set_error_literal (error, MK_SYNC_ERROR, MK_SYNC_ERROR_INVALID_RESPONSE,
                           _("The server’s answer is not a FHIR resource"));
      return NULL;
    }

  object = json_node_get_object (response->json);
  type = json_object_get_string_member_with_default (object, "resourceType", NULL);
  if (type == NULL || (expected_type != NULL && strcmp (type, expected_type) != 0))
    {
      g_set_error (error, MK_SYNC_ERROR, MK_SYNC_ERROR_INVALID_RESPONSE,
                   /* Translators: %s is a FHIR resource type such as "Bundle" */
                   _("The server’s answer is not a %s"),
                   expected_type != NULL ? expected_type : "FHIR resource");
      return NULL;
    }

  return object;
}

char *
mk_sync_object_to_json (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  return json_to_string (node, FALSE);
}

/* ---- the run ---- */

static void
mk_sync_run_clear (MkSyncRun *run)
{
  g_clear_object (&run->client);
  g_clear_pointer (&run->server_time, g_free);
  g_clear_pointer (&run->today, g_date_time_unref);
  g_clear_pointer (&run->server_types, g_hash_table_unref);
  g_clear_pointer (&run->refs, g_hash_table_unref);
  wipe_token (&run->access_token);
}

static gboolean
connect_client (MkSyncRun  *run,
                GError    **error)
{
  MkSync *self = run->sync;
  const char *server_url = mk_account_get_server_url (run->account);

  if (server_url == NULL || *server_url == '\0')
    {
      g_set_error_literal (error, MK_SYNC_ERROR, MK_SYNC_ERROR_NO_ACCOUNT,
                           _("This card is not connected to a server"));
      return FALSE;
    }

  run->client = mk_client_new (server_url, mk_account_get_ca_file (run->account), error);
  if (run->client == NULL)
    return FALSE;
  if (self->retry_attempts > 0)
    mk_client_set_retry_policy (run->client, self->retry_attempts,
                                self->retry_base_ms, self->retry_max_ms);

  g_mutex_lock (&self->lock);
  run->access_token = g_strdup (self->access_token);
  g_mutex_unlock (&self->lock);

  if (run->access_token == NULL)
    {
      g_autoptr(GError) secret_error = NULL;
      char *token = mk_secret_lookup_token (mk_account_get_uuid (run->account), MK_TOKEN_ACCESS,
                                            run->cancellable, &secret_error);

      /* No token (or no Secret Service): try without; a 401 then says
       * "sign in again". */
      if (token != NULL)
        {
          run->access_token = g_strdup (token);
          mk_secret_free_token (token);
        }
      else if (secret_error != NULL)
        g_debug ("No access token from the Secret Service: %s", secret_error->message);
    }

  mk_client_set_access_token (run->client, run->access_token);
  return TRUE;
}

static void
record_outcome (MkSyncRun    *run,
                const GError *run_error)
{
  g_autoptr(GError) error = NULL;

  if (run_error == NULL || g_error_matches (run_error, MK_SYNC_ERROR, MK_SYNC_ERROR_NEEDS_ATTENTION))
    {
      g_autofree char *now = NULL;

      if (run->server_time != NULL)
        now = g_strdup (run->server_time);
      else
        {
          g_autoptr(GDateTime) local = mk_clock_get_now (run->sync->clock);
          g_autoptr(GDateTime) utc = g_date_time_to_utc (local);

          now = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
        }
      if (!mk_store_set_meta (run->store, MK_ACCOUNT_META_LAST_SYNC, now, &error))
        g_warning ("Cannot record the sync time: %s", error->message);
      g_clear_error (&error);
    }

  if (g_error_matches (run_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (!mk_store_set_meta (run->store, MK_ACCOUNT_META_SYNC_ERROR,
                          run_error != NULL ? run_error->message : NULL, &error))
    g_warning ("Cannot record the sync state: %s", error->message);
}

static gboolean
check_agreement (MkSyncRun  *run,
                 GError    **error)
{
  guint failed, conflicts, pending;
  guint n;

  failed = mk_store_count_outbox_state (run->store, MK_OUTBOX_FAILED, error);
  if (error != NULL && *error != NULL)
    return FALSE;
  conflicts = mk_store_count_outbox_state (run->store, MK_OUTBOX_CONFLICT, error);
  if (error != NULL && *error != NULL)
    return FALSE;
  pending = mk_store_count_outbox_state (run->store, MK_OUTBOX_PENDING, error);
  if (error != NULL && *error != NULL)
    return FALSE;

  n = failed + conflicts + pending;
  if (n == 0)
    return TRUE;

  g_set_error (error, MK_SYNC_ERROR, MK_SYNC_ERROR_NEEDS_ATTENTION,
               ngettext ("%u edit needs attention (refused by the server or in conflict)",
                         "%u edits need attention (refused by the server or in conflict)", n),
               n);
  return FALSE;
}

static gboolean fetch_missing_files (MkSyncRun  *run,
                                     GError    **error);

static gboolean
run_steps (MkSyncRun  *run,
           GError    **error)
{
  guint n_pushed = 0;

  mk_sync_run_progress (run, MK_SYNC_PHASE_CONNECTING, NULL);
  if (!connect_client (run, error))
    return FALSE;

  if (!mk_sync_read_capabilities (run, error))
    return FALSE;

  if (!mk_sync_pull (run, error))
    return FALSE;

  if (!mk_sync_reconcile (run, error))
    return FALSE;

  /* The documents' files, after their metadata: opening one works offline. */
  if (!fetch_missing_files (run, error))
    return FALSE;

  if (!mk_sync_push (run, &n_pushed, error))
    return FALSE;

  /* What the server made of the edits (the slot turning busy, …). */
  if (n_pushed > 0 && !mk_sync_pull (run, error))
    return FALSE;

  /* The local marks the server did not replace (a booked slot on a server
   * without a booking rule): read by id. Usually none, and one query. */
  if (!mk_sync_refresh_local (run, error))
    return FALSE;

  mk_sync_run_progress (run, MK_SYNC_PHASE_DONE, NULL);

  return check_agreement (run, error);
}

gboolean
mk_sync_run (MkSync        *self,
             MkSyncStats   *stats,
             GCancellable  *cancellable,
             GError       **error)
{
  MkSyncStats local_stats = { 0 };
  g_autoptr(GError) local_error = NULL;
  MkSyncRun run = { 0 };
  gboolean ok;

  g_return_val_if_fail (MK_IS_SYNC (self), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_atomic_int_compare_and_exchange (&self->running, 0, 1))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PENDING,
                           _("This card is already being synchronized"));
      return FALSE;
    }

  run.sync = self;
  run.store = self->store;
  run.account = self->account;
  run.stats = stats != NULL ? stats : &local_stats;
  run.cancellable = cancellable;
  run.page_size = self->page_size;
  run.today = mk_clock_get_now (self->clock);
  *run.stats = (MkSyncStats) { 0 };

  ok = run_steps (&run, &local_error);
  record_outcome (&run, local_error);
  mk_sync_run_clear (&run);
  g_atomic_int_set (&self->running, 0);

  if (!ok)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return ok;
}

gboolean
mk_sync_get_always_reconcile (MkSync *self)
{
  return self->always_reconcile;
}

static void
run_in_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  MkSync *self = source_object;
  MkSyncStats *stats = task_data;
  GError *error = NULL;

  if (mk_sync_run (self, stats, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
mk_sync_run_async (MkSync              *self,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MK_IS_SYNC (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mk_sync_run_async);
  g_task_set_task_data (task, g_new0 (MkSyncStats, 1), g_free);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, run_in_thread);
}

gboolean
mk_sync_run_finish (MkSync        *self,
                    GAsyncResult  *result,
                    MkSyncStats   *stats,
                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (stats != NULL)
    *stats = *(MkSyncStats *) g_task_get_task_data (G_TASK (result));

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- documents ---- */

static char *
sha1_base64 (GBytes *data)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 digest[20];
  gsize digest_len = sizeof digest;
  gconstpointer bytes;
  gsize length;

  bytes = g_bytes_get_data (data, &length);
  g_checksum_update (checksum, bytes, length);
  g_checksum_get_digest (checksum, digest, &digest_len);

  return g_base64_encode (digest, digest_len);
}

static GBytes *fetch_binary (MkSyncRun   *run,
                             const char  *binary_id,
                             const char  *expected,
                             char       **content_type,
                             GError     **error);

GBytes *
mk_sync_fetch_binary (MkSync        *self,
                      const char    *binary_id,
                      char         **content_type,
                      GCancellable  *cancellable,
                      GError       **error)
{
  MkSyncStats stats = { 0 };
  MkSyncRun run = { 0 };
  g_autoptr(GBytes) data = NULL;

  g_return_val_if_fail (MK_IS_SYNC (self), NULL);
  g_return_val_if_fail (binary_id != NULL, NULL);

  run.sync = self;
  run.store = self->store;
  run.account = self->account;
  run.stats = &stats;
  run.cancellable = cancellable;

  if (connect_client (&run, error))
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *expected = NULL;
      gboolean found;

      expected = mk_store_get_file_hash (self->store, binary_id, &found, &local_error);
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        data = fetch_binary (&run, binary_id, expected, content_type, error);
    }

  mk_sync_run_clear (&run);
  return g_steal_pointer (&data);
}

static const char * const binary_headers[] = { "Accept", "application/fhir+json", NULL };

static char *
binary_path (const char *binary_id)
{
  g_autofree char *escaped = g_uri_escape_string (binary_id, NULL, FALSE);

  return g_strdup_printf ("Binary/%s", escaped);
}

/* The file in the answer to GET Binary/@binary_id, checked against
 * @expected (the base64 SHA-1 its documents give; NULL: none given). */
static GBytes *
check_binary (MkResponse  *response,
              const char  *binary_id,
              const char  *expected,
              char       **content_type,
              GError     **error)
{
  g_autoptr(GBytes) data = NULL;
  JsonObject *binary;
  const char *encoded;
  gsize length = 0;
  guchar *decoded;

  binary = mk_sync_response_object (response, "Binary", error);
  if (binary == NULL)
    return NULL;

  encoded = json_object_get_string_member_with_default (binary, "data", "");
  decoded = *encoded != '\0' ? g_base64_decode (encoded, &length) : g_malloc0 (1);
  data = g_bytes_new_take (decoded, length);

  if (expected != NULL)
    {
      g_autofree char *actual = sha1_base64 (data);

      if (strcmp (actual, expected) != 0)
        {
          g_set_error (error, MK_SYNC_ERROR, MK_SYNC_ERROR_CHECKSUM,
                       /* Translators: %s is a file's id on the server */
                       _("The file %s from the server does not match its document "
                         "(SHA-1 differs): it was not saved"), binary_id);
          return NULL;
        }
    }

  if (content_type != NULL)
    *content_type = g_strdup (json_object_get_string_member_with_default (binary, "contentType", NULL));
  return g_steal_pointer (&data);
}

static gboolean
import_response (MkSyncRun   *run,
                 MkResponse  *response,
                 GError     **error)
{
  g_autoptr(MkImportStats) import_stats = NULL;
  gconstpointer body;
  gsize body_len;

  body = g_bytes_get_data (response->body, &body_len);
  return mk_store_import_parsed (run->store, response->json, body, body_len, &import_stats, error);
}

/* Checks the answer to GET Binary/@binary_id (check_binary()) and stores it. */
static GBytes *
store_binary (MkSyncRun   *run,
              MkResponse  *response,
              const char  *binary_id,
              const char  *expected,
              char       **content_type,
              GError     **error)
{
  g_autoptr(GBytes) data = check_binary (response, binary_id, expected, content_type, error);

  if (data == NULL || !import_response (run, response, error))
    return NULL;
  return g_steal_pointer (&data);
}

/* GETs Binary/@binary_id with @run's client and stores it (store_binary()). */
static GBytes *
fetch_binary (MkSyncRun   *run,
              const char  *binary_id,
              const char  *expected,
              char       **content_type,
              GError     **error)
{
  g_autofree char *path = binary_path (binary_id);
  g_autoptr(MkResponse) response = mk_sync_run_request (run, "GET", path, binary_headers, NULL, error);

  if (response == NULL)
    return NULL;
  return store_binary (run, response, binary_id, expected, content_type, error);
}

/* Checked files stored together: at most this many, or this many bytes. */
#define FILES_PER_TRANSACTION 50
#define FILE_BYTES_PER_TRANSACTION (8 * 1024 * 1024)

/* Stores the checked answers in @pending in one transaction and empties it. */
static gboolean
store_files (MkSyncRun  *run,
             GPtrArray  *pending,
             gsize      *pending_bytes,
             GError    **error)
{
  if (pending->len == 0)
    return TRUE;
  if (!mk_store_begin (run->store, error))
    return FALSE;
  for (guint i = 0; i < pending->len; i++)
    if (!import_response (run, g_ptr_array_index (pending, i), error))
      {
        mk_store_rollback (run->store);
        return FALSE;
      }
  if (!mk_store_commit (run->store, error))
    {
      mk_store_rollback (run->store);
      return FALSE;
    }
  run->stats->fetched += pending->len;
  run->stats->updated += pending->len;
  g_ptr_array_set_size (pending, 0);
  *pending_bytes = 0;
  return TRUE;
}

/* Fetches every Binary a stored DocumentReference points at and the mirror
 * lacks — the store lists them in one query, so a sync with nothing missing
 * does no file work. A file whose SHA-1 does not match its document is not
 * stored and does not stop the sync (still missing, it is tried again next
 * time); anything else (network, TLS, cancel) does. */
static gboolean
fetch_missing_files (MkSyncRun  *run,
                     GError    **error)
{
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(GPtrArray) pending = g_ptr_array_new_with_free_func ((GDestroyNotify) mk_response_free);
  g_autoptr(GError) stop_error = NULL;
  gsize pending_bytes = 0;
  gint64 start = g_get_monotonic_time ();

  missing = mk_store_list_missing_files (run->store, error);
  if (missing == NULL)
    return FALSE;
  g_debug ("Documents' files: %u missing (listed in %.1f ms)", missing->len,
           (g_get_monotonic_time () - start) / 1000.0);

  for (guint i = 0; i < missing->len; i++)
    {
      MkDocumentFile *file = g_ptr_array_index (missing, i);
      g_autofree char *path = binary_path (file->binary_id);
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GBytes) data = NULL;
      g_autoptr(MkResponse) response = NULL;

      if (g_cancellable_set_error_if_cancelled (run->cancellable, &stop_error))
        break;

      /* No read-ahead here: for files of a few hundred bytes a thread per
       * file cost more than it saved (1.82 s against 1.61 s for 1500
       * files, docs/benchmarks.md). */
      mk_sync_run_progress (run, MK_SYNC_PHASE_PULLING, "Binary");
      response = mk_sync_run_request (run, "GET", path, binary_headers, NULL, &local_error);
      if (response != NULL)
        data = check_binary (response, file->binary_id, file->hash, NULL, &local_error);
      if (data != NULL)
        {
          /* Checked files are stored a few at a time, in one transaction
           * (not across the requests: the store's lock would keep the
           * views waiting); a crash loses only files not yet stored, which
           * the next sync asks for again. */
          pending_bytes += g_bytes_get_size (response->body);
          g_ptr_array_add (pending, g_steal_pointer (&response));
          if ((pending->len >= FILES_PER_TRANSACTION || pending_bytes >= FILE_BYTES_PER_TRANSACTION) &&
              !store_files (run, pending, &pending_bytes, &stop_error))
            break;
          continue;
        }
      if (g_error_matches (local_error, MK_SYNC_ERROR, MK_SYNC_ERROR_CHECKSUM))
        {
          g_debug ("A document's file does not match its checksum; not stored");
          continue;
        }
      /* The server has no such file (yet): the document stays without it,
       * opening it says so, and the next sync asks again. Not a reason to
       * stop syncing everything else. */
      if (g_error_matches (local_error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_NOT_FOUND))
        {
          g_debug ("A document's file is not on the server; not stored");
          continue;
        }
      stop_error = g_steal_pointer (&local_error);
      break;
    }

  if (stop_error == NULL)
    return store_files (run, pending, &pending_bytes, error);

  /* What arrived is kept even when the run stops here (cancel, network);
   * the error reported is the one that stopped it. */
  if (!store_files (run, pending, &pending_bytes, NULL))
    g_debug ("The files that arrived could not be stored either");
  g_propagate_error (error, g_steal_pointer (&stop_error));
  return FALSE;
}
