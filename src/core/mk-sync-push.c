/* mk-sync-push.c — the outbox, in order: conditional creates, updates with
 * If-Match, deletes; conflicts kept, refusals shown, transient failures retried
 * on the next sync
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Design: docs/sync.md.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "mk-outbox.h"
#include "mk-sync-private.h"

/* The body of a create: the server assigns the id and the version, so the
 * local id (a client UUID, kept in the identifier that If-None-Exist names)
 * and meta's versionId/lastUpdated are left out — some servers refuse a
 * create that carries an id. */
/* TRUE when two versions of a resource say the same, apart from what the
 * server manages (meta) and the generated narrative (text). */
static gboolean
same_content (const char *mine,
              const char *theirs)
{
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) b = NULL;

  if (mine == NULL || theirs == NULL)
    return FALSE;
  a = json_from_string (mine, NULL);
  b = json_from_string (theirs, NULL);
  if (a == NULL || b == NULL || !JSON_NODE_HOLDS_OBJECT (a) || !JSON_NODE_HOLDS_OBJECT (b))
    return FALSE;

  json_object_remove_member (json_node_get_object (a), "meta");
  json_object_remove_member (json_node_get_object (a), "text");
  json_object_remove_member (json_node_get_object (b), "meta");
  json_object_remove_member (json_node_get_object (b), "text");
  return json_node_equal (a, b);
}

static GBytes *
create_body (const char  *json,
             GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  char *text;

  if (!json_parser_load_from_data (parser, json, -1, error))
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, MK_SYNC_ERROR, MK_SYNC_ERROR_INVALID_RESPONSE,
                           _("A queued edit is not a FHIR resource"));
      return NULL;
    }

  object = json_node_get_object (json_parser_get_root (parser));
  json_object_remove_member (object, "id");
  if (json_object_has_member (object, "meta") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "meta")))
    {
      JsonObject *meta = json_object_get_object_member (object, "meta");

      json_object_remove_member (meta, "versionId");
      json_object_remove_member (meta, "lastUpdated");
      if (json_object_get_size (meta) == 0)
        json_object_remove_member (object, "meta");
    }

  text = json_to_string (json_parser_get_root (parser), FALSE);
  return g_bytes_new_take (text, strlen (text));
}

/* The server's current version of @type/@id, as JSON text. */
static char *
read_current (MkSyncRun   *run,
              const char  *path,
              const char  *type,
              GError     **error)
{
  g_autoptr(MkResponse) response = NULL;
  JsonObject *object;

  response = mk_sync_run_request (run, "GET", path, NULL, NULL, error);
  if (response == NULL)
    return NULL;

  object = mk_sync_response_object (response, type, error);
  if (object == NULL)
    return NULL;

  return mk_sync_object_to_json (object);
}

/* The resource the server made of an accepted edit: the body when it
 * returned one (Prefer: return=representation), else a read of the
 * Location (or of the resource itself for an update). */
static char *
server_answer (MkSyncRun      *run,
               MkOutboxEntry  *entry,
               MkResponse     *response,
               GError        **error)
{
  if (response->json != NULL && JSON_NODE_HOLDS_OBJECT (response->json))
    {
      JsonObject *object = json_node_get_object (response->json);

      if (g_strcmp0 (json_object_get_string_member_with_default (object, "resourceType", NULL),
                     entry->resource_type) == 0 &&
          json_object_has_member (object, "id"))
        return mk_sync_object_to_json (object);
    }

  if (response->location != NULL)
    return read_current (run, response->location, entry->resource_type, error);

  if (entry->op == MK_OUTBOX_UPDATE)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s", entry->resource_type, entry->id);

      return read_current (run, path, entry->resource_type, error);
    }

  g_set_error_literal (error, MK_SYNC_ERROR, MK_SYNC_ERROR_INVALID_RESPONSE,
                       _("The server accepted a new record but did not say where it is"));
  return NULL;
}

typedef enum
{
  PUSH_NEXT,   /* go on with the next entry */
  PUSH_STOP,   /* stop pushing, the error is set */
} PushResult;

static PushResult
push_entry (MkSyncRun      *run,
            MkOutboxEntry  *entry,
            GError        **error)
{
  g_autoptr(MkResponse) response = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *answer = NULL;
  const char *headers[7] = { NULL };
  const char *method;
  guint n = 0;

  switch (entry->op)
    {
    case MK_OUTBOX_CREATE:
      method = "POST";
      path = g_strdup (entry->resource_type);
      body = create_body (entry->json, &local_error);
      if (body == NULL)
        goto refused;
      if (entry->if_none_exist != NULL)
        {
          headers[n++] = "If-None-Exist";
          headers[n++] = entry->if_none_exist;
        }
      headers[n++] = "Prefer";
      headers[n++] = "return=representation";
      break;

    case MK_OUTBOX_UPDATE:
      method = "PUT";
      path = g_strdup_printf ("%s/%s", entry->resource_type, entry->id);
      body = g_bytes_new (entry->json, strlen (entry->json));
      if (entry->if_match != NULL)
        {
          headers[n++] = "If-Match";
          headers[n++] = entry->if_match;
        }
      headers[n++] = "Prefer";
      headers[n++] = "return=representation";
      break;

    case MK_OUTBOX_DELETE:
    default:
      method = "DELETE";
      path = g_strdup_printf ("%s/%s", entry->resource_type, entry->id);
      if (entry->if_match != NULL)
        {
          headers[n++] = "If-Match";
          headers[n++] = entry->if_match;
        }
      break;
    }

  response = mk_sync_run_request (run, method, path, headers, body, &local_error);

  if (response == NULL && entry->op == MK_OUTBOX_DELETE &&
      g_error_matches (local_error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_NOT_FOUND))
    {
      /* Already gone on the server: what the edit wanted. */
      g_clear_error (&local_error);
      if (!mk_store_outbox_accepted (run->store, entry->seq, NULL, error))
        return PUSH_STOP;
      run->stats->pushed++;
      return PUSH_NEXT;
    }

  if (response != NULL)
    {
      if (entry->op != MK_OUTBOX_DELETE)
        {
          answer = server_answer (run, entry, response, &local_error);
          if (answer == NULL)
            goto transient;
        }
      if (!mk_store_outbox_accepted (run->store, entry->seq, answer, error))
        return PUSH_STOP;
      run->stats->pushed++;
      return PUSH_NEXT;
    }

  if (g_error_matches (local_error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_PRECONDITION))
    {
      g_autofree char *current = NULL;
      g_autofree char *current_path = g_strdup_printf ("%s/%s", entry->resource_type, entry->id);

      /* The server changed it meanwhile: keep both versions for the user. */
      g_clear_error (&local_error);
      current = read_current (run, current_path, entry->resource_type, &local_error);
      if (current == NULL)
        goto transient;
      /* Our own update, whose answer was lost (the connection broke, or
       * medkartactl was killed, after the server applied it): the retry
       * meets its own new version. Not a conflict. */
      if (same_content (entry->json, current))
        {
          if (!mk_store_outbox_accepted (run->store, entry->seq, current, error))
            return PUSH_STOP;
          run->stats->pushed++;
          return PUSH_NEXT;
        }
      if (!mk_store_outbox_conflict (run->store, entry->seq, current, error))
        return PUSH_STOP;
      run->stats->conflicts++;
      return PUSH_NEXT;
    }

  if (g_error_matches (local_error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_REFUSED) ||
      g_error_matches (local_error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_FORBIDDEN) ||
      g_error_matches (local_error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_NOT_FOUND))
    goto refused;

transient:
  /* Cancelled, signed out, TLS: not the edit's fault — stop, count nothing. */
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_error_matches (local_error, MK_SYNC_ERROR, MK_SYNC_ERROR_SIGN_IN_REQUIRED) ||
      g_error_matches (local_error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_TLS) ||
      g_error_matches (local_error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_INVALID_URL))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return PUSH_STOP;
    }

  /* Network, time-out, 5xx, a broken answer: tried again on the next
   * sync, and nothing after it goes first. */
  if (!mk_store_outbox_attempted (run->store, entry->seq, local_error->message, error))
    return PUSH_STOP;
  g_propagate_error (error, g_steal_pointer (&local_error));
  return PUSH_STOP;

refused:
  if (!mk_store_outbox_refused (run->store, entry->seq, local_error->message, error))
    return PUSH_STOP;
  run->stats->failed++;
  return PUSH_NEXT;
}

gboolean
mk_sync_push (MkSyncRun  *run,
              guint      *n_pushed,
              GError    **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  guint pushed_before = run->stats->pushed;

  *n_pushed = 0;
  entries = mk_store_list_outbox (run->store, MK_OUTBOX_PENDING, error);
  if (entries == NULL)
    return FALSE;

  for (guint i = 0; i < entries->len; i++)
    {
      MkOutboxEntry *entry = g_ptr_array_index (entries, i);

      if (g_cancellable_set_error_if_cancelled (run->cancellable, error))
        return FALSE;

      mk_sync_run_progress (run, MK_SYNC_PHASE_PUSHING, entry->resource_type);
      if (push_entry (run, entry, error) == PUSH_STOP)
        {
          *n_pushed = run->stats->pushed - pushed_before;
          return FALSE;
        }
    }

  *n_pushed = run->stats->pushed - pushed_before;
  return TRUE;
}

/* Reads again, by id, every row flagged local that no edit waits for any
 * more (mk_store_list_stale_local()), and stores the server's version in
 * its place. This is the slot a booking marked busy: a server with a
 * booking rule gives the slot a new version and the pull after the push
 * has already replaced the mark (nothing is left to read), a server
 * without one (Medplum) leaves the slot free and unchanged, and only this
 * read brings the mirror back in step. A resource the server no longer has
 * is marked deleted. Any other failure stops the sync; the mark stays
 * listed, so the next sync reads it again. */
gboolean
mk_sync_refresh_local (MkSyncRun  *run,
                       GError    **error)
{
  g_autoptr(GPtrArray) stale = NULL;

  stale = mk_store_list_stale_local (run->store, error);
  if (stale == NULL)
    return FALSE;

  for (guint i = 0; i < stale->len; i++)
    {
      const char *ref = g_ptr_array_index (stale, i);
      const char *slash = strchr (ref, '/');
      g_autofree char *type = g_strndup (ref, slash - ref);
      g_autofree char *escaped = g_uri_escape_string (slash + 1, NULL, FALSE);
      g_autofree char *path = g_strdup_printf ("%s/%s", type, escaped);
      g_autoptr(MkResponse) response = NULL;
      g_autoptr(GError) local_error = NULL;
      g_autofree char *json = NULL;
      JsonObject *object;

      if (g_cancellable_set_error_if_cancelled (run->cancellable, error))
        return FALSE;

      mk_sync_run_progress (run, MK_SYNC_PHASE_PULLING, type);
      response = mk_sync_run_request (run, "GET", path, NULL, NULL, &local_error);
      if (response == NULL &&
          g_error_matches (local_error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_NOT_FOUND))
        {
          if (!mk_store_mark_deleted (run->store, type, slash + 1, error))
            return FALSE;
          run->stats->deleted++;
          continue;
        }
      if (response == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      object = mk_sync_response_object (response, type, error);
      if (object == NULL)
        return FALSE;
      if (g_strcmp0 (json_object_get_string_member_with_default (object, "id", NULL), slash + 1) != 0)
        {
          g_set_error (error, MK_SYNC_ERROR, MK_SYNC_ERROR_INVALID_RESPONSE,
                       /* Translators: %s is a FHIR resource type such as "Bundle" */
                       _("The server’s answer is not a %s"), ref);
          return FALSE;
        }

      /* The server's bytes, as a pull would store them. */
      json = g_strndup (g_bytes_get_data (response->body, NULL), g_bytes_get_size (response->body));
      if (!mk_store_replace_local (run->store, json, error))
        return FALSE;
      run->stats->fetched++;
      run->stats->updated++;
    }

  return TRUE;
}
