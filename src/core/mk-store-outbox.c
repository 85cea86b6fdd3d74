/* mk-store-outbox.c — local edits waiting for the server, conflicts, sync watermarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The outbox side of the store module (the SQL lives here, next to
 * mk-store.c). An edit is one transaction: the local row (resource.local = 1,
 * written through the same path as imports so derived columns and FTS stay
 * right) and its outbox entry. Pulled data never overwrites a row with a
 * pending or conflicting entry; the push result does. See docs/sync.md.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "mk-outbox.h"
#include "mk-store-private.h"

#define ENTRY_COLUMNS "seq, type, id, op, json, if_match, if_none_exist, created, " \
                      "attempts, last_error, state, server_json"

void
mk_outbox_entry_free (MkOutboxEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->resource_type);
  g_free (entry->id);
  g_free (entry->json);
  g_free (entry->if_match);
  g_free (entry->if_none_exist);
  g_free (entry->created);
  g_free (entry->last_error);
  g_free (entry->server_json);
  g_free (entry);
}

/* ---------------------------------------------------------------------- */
/* Codes as stored in the outbox table */

static const char *
op_to_string (MkOutboxOp op)
{
  switch (op)
    {
    case MK_OUTBOX_CREATE: return "create";
    case MK_OUTBOX_UPDATE: return "update";
    case MK_OUTBOX_DELETE: return "delete";
    default: g_return_val_if_reached ("update");
    }
}

static MkOutboxOp
op_from_string (const char *op)
{
  if (g_strcmp0 (op, "create") == 0)
    return MK_OUTBOX_CREATE;
  if (g_strcmp0 (op, "delete") == 0)
    return MK_OUTBOX_DELETE;
  return MK_OUTBOX_UPDATE;
}

static const char *
state_to_string (MkOutboxState state)
{
  switch (state)
    {
    case MK_OUTBOX_PENDING: return "pending";
    case MK_OUTBOX_FAILED: return "failed";
    case MK_OUTBOX_CONFLICT: return "conflict";
    default: g_return_val_if_reached ("pending");
    }
}

static MkOutboxState
state_from_string (const char *state)
{
  if (g_strcmp0 (state, "failed") == 0)
    return MK_OUTBOX_FAILED;
  if (g_strcmp0 (state, "conflict") == 0)
    return MK_OUTBOX_CONFLICT;
  return MK_OUTBOX_PENDING;
}

/* ---------------------------------------------------------------------- */
/* JSON helpers */

/* Parses @json as a resource: an object with a non-empty string
 * resourceType and a valid id. @version_id may be NULL. */
static JsonNode *
parse_resource (const char  *json,
                const char **resource_type,
                const char **id,
                const char **version_id,
                GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) parse_error = NULL;
  JsonObject *object;
  JsonNode *node;
  JsonNode *meta;

  if (json == NULL || !json_parser_load_from_data (parser, json, -1, &parse_error))
    {
      g_set_error (error, MK_STORE_ERROR, MK_STORE_ERROR_INVALID_JSON,
                   _("The data is not valid JSON: %s"),
                   parse_error != NULL ? parse_error->message : "NULL");
      return NULL;
    }

  node = json_parser_get_root (parser);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, MK_STORE_ERROR, MK_STORE_ERROR_INVALID_RESOURCE,
                   _("A resource must be a JSON object"));
      return NULL;
    }

  object = json_node_get_object (node);
  *resource_type = json_object_get_string_member_with_default (object, "resourceType", NULL);
  *id = json_object_get_string_member_with_default (object, "id", NULL);
  if (*resource_type == NULL || **resource_type == '\0')
    {
      g_set_error (error, MK_STORE_ERROR, MK_STORE_ERROR_INVALID_RESOURCE,
                   _("A resource has no “resourceType” text"));
      return NULL;
    }
  if (*id == NULL || **id == '\0' || strchr (*id, '/') != NULL)
    {
      g_set_error (error, MK_STORE_ERROR, MK_STORE_ERROR_INVALID_RESOURCE,
                   /* Translators: %s is a FHIR resource type, e.g. Patient */
                   _("A %s resource has no valid “id”"), *resource_type);
      return NULL;
    }

  if (version_id != NULL)
    {
      *version_id = NULL;
      meta = json_object_get_member (object, "meta");
      if (meta != NULL && JSON_NODE_HOLDS_OBJECT (meta))
        *version_id = json_object_get_string_member_with_default (json_node_get_object (meta),
                                                                  "versionId", NULL);
    }

  /* The strings point into the node, which outlives the parser. */
  return json_node_ref (node);
}

/* @json with "id" set to @id and meta.versionId to @version_id (each when
 * not NULL). */
static char *
rewrite_resource (const char *json,
                  const char *id,
                  const char *version_id)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  JsonObject *object;
  JsonNode *meta;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return g_strdup (json);

  object = json_node_get_object (node);
  if (id != NULL)
    json_object_set_string_member (object, "id", id);

  if (version_id != NULL)
    {
      meta = json_object_get_member (object, "meta");
      if (meta == NULL || !JSON_NODE_HOLDS_OBJECT (meta))
        {
          json_object_set_object_member (object, "meta", json_object_new ());
          meta = json_object_get_member (object, "meta");
        }
      json_object_set_string_member (json_node_get_object (meta), "versionId", version_id);
    }

  return json_to_string (node, FALSE);
}

static char *
weak_etag (const char *version_id)
{
  return version_id != NULL ? g_strdup_printf ("W/\"%s\"", version_id) : NULL;
}

/* ---------------------------------------------------------------------- */
/* Rows */

static gboolean
step_done (MkStore       *self,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return mk_store_set_sql_error (self, error);
  return TRUE;
}

/* Ends a write transaction: commits when @ok, else (or when the commit
 * fails) rolls back. *@stmt, when @stmt is not NULL and it still holds one,
 * is reset first, so that no statement is pending at the end. */
static gboolean
end_write (MkStore       *self,
           MkCachedStmt **stmt,
           gboolean       ok,
           GError       **error)
{
  if (stmt != NULL && *stmt != NULL)
    mk_cached_stmt_reset (g_steal_pointer (stmt));
  if (ok && mk_store_commit (self, error))
    return TRUE;
  mk_store_rollback (self);
  return FALSE;
}

static void
set_entry_not_found (GError **error,
                     gint64   seq)
{
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, seq);

  g_set_error (error, MK_STORE_ERROR, MK_STORE_ERROR_NOT_FOUND,
               /* Translators: %s is the number of a queued edit */
               _("There is no queued edit number %s"), number);
}

static MkOutboxEntry *
entry_from_row (sqlite3_stmt *stmt)
{
  MkOutboxEntry *entry = g_new0 (MkOutboxEntry, 1);

  entry->seq = sqlite3_column_int64 (stmt, 0);
  entry->resource_type = mk_store_column_dup (stmt, 1);
  entry->id = mk_store_column_dup (stmt, 2);
  entry->op = op_from_string ((const char *) sqlite3_column_text (stmt, 3));
  entry->json = mk_store_column_dup (stmt, 4);
  entry->if_match = mk_store_column_dup (stmt, 5);
  entry->if_none_exist = mk_store_column_dup (stmt, 6);
  entry->created = mk_store_column_dup (stmt, 7);
  entry->attempts = (guint) sqlite3_column_int64 (stmt, 8);
  entry->last_error = mk_store_column_dup (stmt, 9);
  entry->state = state_from_string ((const char *) sqlite3_column_text (stmt, 10));
  entry->server_json = mk_store_column_dup (stmt, 11);
  return entry;
}

/* Call with the store locked. */
static MkOutboxEntry *
read_entry (MkStore  *self,
            gint64    seq,
            GError  **error)
{
  g_autoptr(MkCachedStmt) stmt = mk_store_prepare (self, "SELECT " ENTRY_COLUMNS
                                                   " FROM outbox WHERE seq = ?1", error);
  int rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, seq);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return entry_from_row (stmt);

  if (rc == SQLITE_DONE)
    set_entry_not_found (error, seq);
  else
    mk_store_set_sql_error (self, error);
  return NULL;
}

/* Removes the FTS row of a resource row. */
static gboolean
delete_fts_row (MkStore     *self,
                const char  *resource_type,
                const char  *id,
                GError     **error)
{
  g_autoptr(MkCachedStmt) fts = NULL;

  fts = mk_store_prepare (self, "DELETE FROM resource_fts WHERE rowid = "
                                "(SELECT fts_rowid FROM resource WHERE type = ?1 AND id = ?2)",
                          error);
  if (fts == NULL)
    return FALSE;
  mk_store_bind_text (fts, 1, resource_type);
  mk_store_bind_text (fts, 2, id);
  return step_done (self, fts, error);
}

/* Removes a resource row and its FTS row. */
static gboolean
delete_resource_row (MkStore     *self,
                     const char  *resource_type,
                     const char  *id,
                     GError     **error)
{
  g_autoptr(MkCachedStmt) row = NULL;

  if (!delete_fts_row (self, resource_type, id, error))
    return FALSE;

  row = mk_store_prepare (self, "DELETE FROM resource WHERE type = ?1 AND id = ?2", error);
  if (row == NULL)
    return FALSE;
  mk_store_bind_text (row, 1, resource_type);
  mk_store_bind_text (row, 2, id);
  return step_done (self, row, error);
}

/* Marks a row deleted (hidden from every read) and drops its FTS row. */
static gboolean
hide_resource_row (MkStore     *self,
                   const char  *resource_type,
                   const char  *id,
                   gboolean     local,
                   gboolean    *changed,
                   GError     **error)
{
  g_autoptr(MkCachedStmt) row = NULL;
  int rc;

  if (!delete_fts_row (self, resource_type, id, error))
    return FALSE;

  row = mk_store_prepare (self, "UPDATE resource SET deleted = 1, fts_rowid = NULL, "
                                "  local = ?3 OR local "
                                "WHERE type = ?1 AND id = ?2 AND deleted = 0 RETURNING 1",
                          error);
  if (row == NULL)
    return FALSE;
  mk_store_bind_text (row, 1, resource_type);
  mk_store_bind_text (row, 2, id);
  sqlite3_bind_int (row, 3, local);
  rc = sqlite3_step (row);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return mk_store_set_sql_error (self, error);

  *changed = rc == SQLITE_ROW;
  return TRUE;
}

/* Runs a one-row outbox UPDATE (?1 = seq, ending in RETURNING seq) inside
 * its own transaction; NOT_FOUND when there is no such entry. */
static gboolean
update_entry (MkStore     *self,
              gint64       seq,
              const char  *sql,
              const char  *text2,
              const char  *text3,
              GError     **error)
{
  g_autoptr(MkCachedStmt) stmt = NULL;
  int rc;

  if (!mk_store_begin (self, error))
    return FALSE;

  stmt = mk_store_prepare (self, sql, error);
  if (stmt == NULL)
    goto fail;

  sqlite3_bind_int64 (stmt, 1, seq);
  mk_store_bind_text (stmt, 2, text2);
  mk_store_bind_text (stmt, 3, text3);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      set_entry_not_found (error, seq);
      goto fail;
    }
  if (rc != SQLITE_ROW)
    {
      mk_store_set_sql_error (self, error);
      goto fail;
    }

  return end_write (self, &stmt, TRUE, error);

fail:
  return end_write (self, &stmt, FALSE, error);
}

/* ---------------------------------------------------------------------- */
/* Queueing */

static char *
format_utc (GDateTime *time)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (time);

  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

/* The stored row's version (for If-Match); NOT_FOUND when there is no
 * visible row. Call with the store locked. */
static gboolean
read_stored_version (MkStore     *self,
                     const char  *resource_type,
                     const char  *id,
                     gboolean    *exists,
                     char       **version_id,
                     GError     **error)
{
  g_autoptr(MkCachedStmt) row = NULL;

  if (!mk_store_step_ref (self, "SELECT version_id FROM resource "
                                "WHERE type = ?1 AND id = ?2 AND deleted = 0",
                          resource_type, id, &row, error))
    return FALSE;

  *exists = row != NULL;
  *version_id = *exists ? mk_store_column_dup (row, 0) : NULL;
  return TRUE;
}

/* A second edit of a resource whose update has not been tried yet replaces
 * that update (same base version, one PUT). Returns its seq, or 0. */
static gboolean
find_coalescable_update (MkStore     *self,
                         const char  *resource_type,
                         const char  *id,
                         gint64      *seq,
                         GError     **error)
{
  g_autoptr(MkCachedStmt) row = NULL;

  *seq = 0;
  if (!mk_store_step_ref (self, "SELECT seq, op, state, attempts FROM outbox "
                                "WHERE type = ?1 AND id = ?2 ORDER BY seq DESC LIMIT 1",
                          resource_type, id, &row, error))
    return FALSE;

  if (row != NULL &&
      g_strcmp0 ((const char *) sqlite3_column_text (row, 1), "update") == 0 &&
      g_strcmp0 ((const char *) sqlite3_column_text (row, 2), "pending") == 0 &&
      sqlite3_column_int64 (row, 3) == 0)
    *seq = sqlite3_column_int64 (row, 0);

  return TRUE;
}

gboolean
mk_store_queue_edit (MkStore     *self,
                     MkOutboxOp   op,
                     const char  *json,
                     const char  *if_none_exist,
                     GDateTime   *created,
                     gint64      *seq,
                     GError     **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *created_text = NULL;
  g_autofree char *stored_vid = NULL;
  g_autofree char *if_match = NULL;
  g_autoptr(MkCachedStmt) stmt = NULL;
  const char *resource_type;
  const char *id;
  gboolean exists = FALSE;
  gint64 coalesce_seq = 0;
  gint64 new_seq = 0;

  g_return_val_if_fail (MK_IS_STORE (self), FALSE);
  g_return_val_if_fail (op == MK_OUTBOX_CREATE || op == MK_OUTBOX_UPDATE ||
                        op == MK_OUTBOX_DELETE, FALSE);
  g_return_val_if_fail (created != NULL, FALSE);

  node = parse_resource (json, &resource_type, &id, NULL, error);
  if (node == NULL)
    return FALSE;

  created_text = format_utc (created);

  if (!mk_store_begin (self, error))
    return FALSE;

  if (!read_stored_version (self, resource_type, id, &exists, &stored_vid, error))
    goto fail;

  if (op == MK_OUTBOX_CREATE && exists)
    {
      g_set_error (error, MK_STORE_ERROR, MK_STORE_ERROR_INVALID_RESOURCE,
                   /* Translators: %s/%s is a FHIR resource type and id */
                   _("%s/%s is already in the medical card"), resource_type, id);
      goto fail;
    }
  if (op != MK_OUTBOX_CREATE && !exists)
    {
      g_set_error (error, MK_STORE_ERROR, MK_STORE_ERROR_NOT_FOUND,
                   /* Translators: %s/%s is a FHIR resource type and id */
                   _("%s/%s is not in the medical card"), resource_type, id);
      goto fail;
    }

  if (op != MK_OUTBOX_CREATE)
    if_match = weak_etag (stored_vid);

  if (op == MK_OUTBOX_UPDATE &&
      !find_coalescable_update (self, resource_type, id, &coalesce_seq, error))
    goto fail;

  /* The local row. */
  if (op == MK_OUTBOX_DELETE)
    {
      gboolean changed = FALSE;

      if (!hide_resource_row (self, resource_type, id, TRUE, &changed, error))
        goto fail;
      mk_store_mark_changed (self);
    }
  else if (!mk_store_put_resource_json (self, json, TRUE, error))
    {
      goto fail;
    }

  /* The entry. */
  if (coalesce_seq > 0)
    {
      stmt = mk_store_prepare (self, "UPDATE outbox SET json = ?2, created = ?3 WHERE seq = ?1",
                               error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, coalesce_seq);
      mk_store_bind_text (stmt, 2, json);
      mk_store_bind_text (stmt, 3, created_text);
      new_seq = coalesce_seq;
    }
  else
    {
      stmt = mk_store_prepare (self, "INSERT INTO outbox (type, id, op, json, if_match, "
                                     "  if_none_exist, created, attempts, state) "
                                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, 'pending') "
                                     "RETURNING seq",
                               error);
      if (stmt == NULL)
        goto fail;
      mk_store_bind_text (stmt, 1, resource_type);
      mk_store_bind_text (stmt, 2, id);
      mk_store_bind_text (stmt, 3, op_to_string (op));
      mk_store_bind_text (stmt, 4, op == MK_OUTBOX_DELETE ? NULL : json);
      mk_store_bind_text (stmt, 5, if_match);
      mk_store_bind_text (stmt, 6, op == MK_OUTBOX_CREATE ? if_none_exist : NULL);
      mk_store_bind_text (stmt, 7, created_text);
    }

  switch (sqlite3_step (stmt))
    {
    case SQLITE_ROW:
      new_seq = sqlite3_column_int64 (stmt, 0);
      G_GNUC_FALLTHROUGH;
    case SQLITE_DONE:
      break;
    default:
      mk_store_set_sql_error (self, error);
      goto fail;
    }

  if (!end_write (self, &stmt, TRUE, error))
    return FALSE;

  if (seq != NULL)
    *seq = new_seq;
  return TRUE;

fail:
  return end_write (self, &stmt, FALSE, error);
}

gboolean
mk_store_put_local (MkStore     *self,
                    const char  *json,
                    GError     **error)
{
  g_autoptr(JsonNode) node = NULL;
  const char *type, *id;

  g_return_val_if_fail (MK_IS_STORE (self), FALSE);

  node = parse_resource (json, &type, &id, NULL, error);
  if (node == NULL)
    return FALSE;

  return mk_store_put_resource_json (self, json, TRUE, error);
}

/* A row (r) flagged local that no edit waits for: no outbox entry of its
 * own, and no entry whose resource has a reference to it (relative, or an
 * absolute URL ending in /Type/id). The partial index resource_local finds
 * the local rows without a scan. */
#define STALE_LOCAL_CONDITION \
  "r.local = 1 AND r.deleted = 0" \
  " AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.type = r.type AND o.id = r.id)" \
  " AND NOT EXISTS (SELECT 1 FROM outbox o, json_tree (o.json) t" \
  "   WHERE o.json IS NOT NULL AND t.key = 'reference' AND t.type = 'text'" \
  "     AND (t.atom = r.type || '/' || r.id" \
  "          OR substr (t.atom, -(length (r.type) + length (r.id) + 2))" \
  "             = '/' || r.type || '/' || r.id))"

GPtrArray *
mk_store_list_stale_local (MkStore  *self,
                           GError  **error)
{
  g_autoptr(GPtrArray) refs = NULL;
  g_autoptr(MkCachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (MK_IS_STORE (self), NULL);

  mk_store_lock (self);
  stmt = mk_store_prepare (self, "SELECT r.type, r.id FROM resource r WHERE "
                                 STALE_LOCAL_CONDITION " ORDER BY r.type, r.id", error);
  if (stmt == NULL)
    {
      mk_store_unlock (self);
      return NULL;
    }

  refs = g_ptr_array_new_with_free_func (g_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (refs, g_strconcat ((const char *) sqlite3_column_text (stmt, 0), "/",
                                        (const char *) sqlite3_column_text (stmt, 1), NULL));
  if (rc != SQLITE_DONE)
    {
      mk_store_set_sql_error (self, error);
      g_clear_pointer (&refs, g_ptr_array_unref);
    }

  mk_cached_stmt_reset (g_steal_pointer (&stmt));
  mk_store_unlock (self);
  return g_steal_pointer (&refs);
}

gboolean
mk_store_replace_local (MkStore     *self,
                        const char  *json,
                        GError     **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(MkCachedStmt) stmt = NULL;
  const char *type, *id;
  gboolean stale;
  gboolean ok;
  int rc;

  g_return_val_if_fail (MK_IS_STORE (self), FALSE);
  g_return_val_if_fail (json != NULL, FALSE);

  node = parse_resource (json, &type, &id, NULL, error);
  if (node == NULL)
    return FALSE;

  if (!mk_store_begin (self, error))
    return FALSE;

  stmt = mk_store_prepare (self, "SELECT 1 FROM resource r WHERE r.type = ?1 AND r.id = ?2 AND "
                                 STALE_LOCAL_CONDITION, error);
  if (stmt == NULL)
    return end_write (self, NULL, FALSE, error);
  mk_store_bind_text (stmt, 1, type);
  mk_store_bind_text (stmt, 2, id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      mk_store_set_sql_error (self, error);
      return end_write (self, &stmt, FALSE, error);
    }
  stale = rc == SQLITE_ROW;
  mk_cached_stmt_reset (g_steal_pointer (&stmt));

  if (stale)
    ok = mk_store_put_resource_json (self, json, FALSE, error);
  else
    ok = mk_store_import_json (self, json, -1, NULL, error);

  return end_write (self, NULL, ok, error);
}

/* ---------------------------------------------------------------------- */
/* Reading the outbox */

GPtrArray *
mk_store_list_outbox (MkStore  *self,
                      int       state_filter,
                      GError  **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(MkCachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (MK_IS_STORE (self), NULL);

  mk_store_lock (self);
  if (state_filter < 0)
    stmt = mk_store_prepare (self, "SELECT " ENTRY_COLUMNS " FROM outbox ORDER BY seq", error);
  else
    stmt = mk_store_prepare (self, "SELECT " ENTRY_COLUMNS " FROM outbox "
                                   "WHERE state = ?1 ORDER BY seq", error);
  if (stmt == NULL)
    {
      mk_store_unlock (self);
      return NULL;
    }

  if (state_filter >= 0)
    mk_store_bind_text (stmt, 1, state_to_string (state_filter));

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) mk_outbox_entry_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (entries, entry_from_row (stmt));

  if (rc != SQLITE_DONE)
    g_clear_pointer (&entries, g_ptr_array_unref);
  if (entries == NULL)
    mk_store_set_sql_error (self, error);

  mk_cached_stmt_reset (g_steal_pointer (&stmt));
  mk_store_unlock (self);
  return g_steal_pointer (&entries);
}

MkOutboxEntry *
mk_store_get_outbox_entry (MkStore  *self,
                           gint64    seq,
                           GError  **error)
{
  MkOutboxEntry *entry;

  g_return_val_if_fail (MK_IS_STORE (self), NULL);

  mk_store_lock (self);
  entry = read_entry (self, seq, error);
  mk_store_unlock (self);

  return entry;
}

guint
mk_store_count_outbox_state (MkStore        *self,
                             MkOutboxState   state,
                             GError        **error)
{
  g_autoptr(MkCachedStmt) stmt = NULL;
  guint count = 0;

  g_return_val_if_fail (MK_IS_STORE (self), 0);

  mk_store_lock (self);
  stmt = mk_store_prepare (self, "SELECT count(*) FROM outbox WHERE state = ?1", error);
  if (stmt != NULL)
    {
      mk_store_bind_text (stmt, 1, state_to_string (state));
      if (sqlite3_step (stmt) == SQLITE_ROW)
        count = (guint) sqlite3_column_int64 (stmt, 0);
      else
        mk_store_set_sql_error (self, error);
      mk_cached_stmt_reset (g_steal_pointer (&stmt));
    }
  mk_store_unlock (self);

  return count;
}

/* ---------------------------------------------------------------------- */
/* Push results */

/* After entry for (@resource_type, @id) was accepted as version
 * @version_id: later edits of the same resource were based on the version
 * before it, so they now go on top of the accepted one (their JSON's id and
 * meta.versionId and their If-Match follow). Returns the last later edit's
 * JSON in @last_json (NULL for a delete) and whether there is one. */
static gboolean
rebase_later_entries (MkStore     *self,
                      gint64       after_seq,
                      const char  *resource_type,
                      const char  *id,
                      const char  *version_id,
                      gboolean    *have_later,
                      char       **last_json,
                      GError     **error)
{
  g_autoptr(GPtrArray) later = g_ptr_array_new_with_free_func ((GDestroyNotify) mk_outbox_entry_free);
  g_autofree char *if_match = weak_etag (version_id);
  int rc;

  {
    g_autoptr(MkCachedStmt) stmt = mk_store_prepare (self, "SELECT " ENTRY_COLUMNS " FROM outbox "
                                                     "WHERE type = ?1 AND id = ?2 AND seq > ?3 "
                                                     "ORDER BY seq", error);
    if (stmt == NULL)
      return FALSE;
    mk_store_bind_text (stmt, 1, resource_type);
    mk_store_bind_text (stmt, 2, id);
    sqlite3_bind_int64 (stmt, 3, after_seq);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      g_ptr_array_add (later, entry_from_row (stmt));
    if (rc != SQLITE_DONE)
      return mk_store_set_sql_error (self, error);
  }

  *have_later = later->len > 0;
  *last_json = NULL;

  for (guint i = 0; i < later->len; i++)
    {
      MkOutboxEntry *entry = g_ptr_array_index (later, i);
      g_autofree char *json = NULL;
      g_autoptr(MkCachedStmt) stmt = NULL;

      if (entry->json != NULL)
        json = rewrite_resource (entry->json, id, version_id);

      stmt = mk_store_prepare (self, "UPDATE outbox SET json = ?2, if_match = ?3 WHERE seq = ?1",
                               error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, entry->seq);
      mk_store_bind_text (stmt, 2, json);
      mk_store_bind_text (stmt, 3, entry->op == MK_OUTBOX_CREATE ? entry->if_match : if_match);
      if (!step_done (self, stmt, error))
        return FALSE;

      g_free (*last_json);
      *last_json = g_steal_pointer (&json);
    }

  return TRUE;
}

static gboolean
delete_entry (MkStore  *self,
              gint64    seq,
              GError  **error)
{
  g_autoptr(MkCachedStmt) stmt = mk_store_prepare (self, "DELETE FROM outbox WHERE seq = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, seq);
  return step_done (self, stmt, error);
}

static gboolean
clear_local_flag (MkStore     *self,
                  const char  *resource_type,
                  const char  *id,
                  GError     **error)
{
  g_autoptr(MkCachedStmt) stmt = mk_store_prepare (self, "UPDATE resource SET local = 0 "
                                                   "WHERE type = ?1 AND id = ?2", error);

  if (stmt == NULL)
    return FALSE;
  mk_store_bind_text (stmt, 1, resource_type);
  mk_store_bind_text (stmt, 2, id);
  return step_done (self, stmt, error);
}

gboolean
mk_store_outbox_accepted (MkStore     *self,
                          gint64       seq,
                          const char  *server_json,
                          GError     **error)
{
  g_autoptr(MkOutboxEntry) entry = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *last_json = NULL;
  const char *server_type = NULL;
  const char *server_id = NULL;
  const char *server_vid = NULL;
  const char *id;
  gboolean have_later = FALSE;

  g_return_val_if_fail (MK_IS_STORE (self), FALSE);

  if (server_json != NULL)
    {
      node = parse_resource (server_json, &server_type, &server_id, &server_vid, error);
      if (node == NULL)
        return FALSE;
    }

  if (!mk_store_begin (self, error))
    return FALSE;

  entry = read_entry (self, seq, error);
  if (entry == NULL)
    goto fail;

  if (server_type != NULL && !g_str_equal (server_type, entry->resource_type))
    {
      g_set_error (error, MK_STORE_ERROR, MK_STORE_ERROR_INVALID_RESOURCE,
                   /* Translators: %1$s is the resource type the server sent back,
                    * %2$s the type of the edit that was sent (FHIR resource types) */
                   _("The server answered with a %1$s resource for a %2$s edit"),
                   server_type, entry->resource_type);
      goto fail;
    }

  if (!delete_entry (self, seq, error))
    goto fail;

  id = entry->id;
  if (entry->op == MK_OUTBOX_CREATE && server_id != NULL && !g_str_equal (server_id, entry->id))
    {
      g_autoptr(MkCachedStmt) stmt = NULL;

      /* The server named the new resource: the local row goes, and later
       * edits of it follow the server's id. */
      if (!delete_resource_row (self, entry->resource_type, entry->id, error))
        goto fail;

      stmt = mk_store_prepare (self, "UPDATE outbox SET id = ?3 WHERE type = ?1 AND id = ?2",
                               error);
      if (stmt == NULL)
        goto fail;
      mk_store_bind_text (stmt, 1, entry->resource_type);
      mk_store_bind_text (stmt, 2, entry->id);
      mk_store_bind_text (stmt, 3, server_id);
      if (!step_done (self, stmt, error))
        goto fail;

      id = server_id;
    }

  if (entry->op != MK_OUTBOX_DELETE &&
      !rebase_later_entries (self, seq, entry->resource_type, id, server_vid,
                             &have_later, &last_json, error))
    goto fail;

  if (have_later)
    {
      /* The row keeps showing the newest local edit. */
      if (last_json != NULL && !mk_store_put_resource_json (self, last_json, TRUE, error))
        goto fail;
    }
  else if (entry->op == MK_OUTBOX_DELETE || server_json == NULL)
    {
      if (!clear_local_flag (self, entry->resource_type, id, error))
        goto fail;
    }
  else if (!mk_store_put_resource_json (self, server_json, FALSE, error))
    {
      goto fail;
    }

  mk_store_mark_changed (self);
  return end_write (self, NULL, TRUE, error);

fail:
  return end_write (self, NULL, FALSE, error);
}

gboolean
mk_store_outbox_attempted (MkStore     *self,
                           gint64       seq,
                           const char  *message,
                           GError     **error)
{
  g_return_val_if_fail (MK_IS_STORE (self), FALSE);

  return update_entry (self, seq,
                       "UPDATE outbox SET attempts = attempts + 1, last_error = ?2 "
                       "WHERE seq = ?1 RETURNING seq",
                       message, NULL, error);
}

gboolean
mk_store_outbox_refused (MkStore     *self,
                         gint64       seq,
                         const char  *diagnostics,
                         GError     **error)
{
  g_return_val_if_fail (MK_IS_STORE (self), FALSE);

  return update_entry (self, seq,
                       "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, "
                       "  state = 'failed' WHERE seq = ?1 RETURNING seq",
                       diagnostics, NULL, error);
}

gboolean
mk_store_outbox_conflict (MkStore     *self,
                          gint64       seq,
                          const char  *server_json,
                          GError     **error)
{
  g_autoptr(JsonNode) node = NULL;
  const char *type, *id;

  g_return_val_if_fail (MK_IS_STORE (self), FALSE);

  node = parse_resource (server_json, &type, &id, NULL, error);
  if (node == NULL)
    return FALSE;

  return update_entry (self, seq,
                       "UPDATE outbox SET attempts = attempts + 1, server_json = ?2, "
                       "  state = 'conflict' WHERE seq = ?1 RETURNING seq",
                       server_json, NULL, error);
}

gboolean
mk_store_resolve_conflict (MkStore          *self,
                           gint64            seq,
                           MkConflictChoice  choice,
                           GError          **error)
{
  g_autoptr(MkOutboxEntry) entry = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(MkCachedStmt) stmt = NULL;
  g_autofree char *if_match = NULL;
  g_autofree char *json = NULL;
  const char *type, *id, *server_vid;

  g_return_val_if_fail (MK_IS_STORE (self), FALSE);
  g_return_val_if_fail (choice == MK_CONFLICT_KEEP_MINE || choice == MK_CONFLICT_KEEP_SERVER, FALSE);

  if (!mk_store_begin (self, error))
    return FALSE;

  entry = read_entry (self, seq, error);
  if (entry == NULL)
    goto fail;

  if (entry->state != MK_OUTBOX_CONFLICT || entry->server_json == NULL)
    {
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, seq);

      g_set_error (error, MK_STORE_ERROR, MK_STORE_ERROR_NOT_FOUND,
                   /* Translators: %s is the number of a queued edit */
                   _("Queued edit number %s is not in conflict"), number);
      goto fail;
    }

  node = parse_resource (entry->server_json, &type, &id, &server_vid, error);
  if (node == NULL)
    goto fail;

  if (choice == MK_CONFLICT_KEEP_SERVER)
    {
      if (!delete_entry (self, seq, error) ||
          !mk_store_put_resource_json (self, entry->server_json, FALSE, error))
        goto fail;
    }
  else
    {
      /* The local edit goes again, on top of the server's version. */
      if_match = weak_etag (server_vid);
      if (entry->json != NULL)
        json = rewrite_resource (entry->json, NULL, server_vid);

      stmt = mk_store_prepare (self, "UPDATE outbox SET state = 'pending', if_match = ?2, "
                                     "  json = ?3, server_json = NULL, last_error = NULL, "
                                     "  attempts = 0 WHERE seq = ?1", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, seq);
      mk_store_bind_text (stmt, 2, if_match);
      mk_store_bind_text (stmt, 3, json);
      if (!step_done (self, stmt, error))
        goto fail;
      mk_cached_stmt_reset (g_steal_pointer (&stmt));

      if (json != NULL && !mk_store_put_resource_json (self, json, TRUE, error))
        goto fail;
    }

  mk_store_mark_changed (self);
  return end_write (self, &stmt, TRUE, error);

fail:
  return end_write (self, &stmt, FALSE, error);
}

/* ---------------------------------------------------------------------- */
/* Sync watermarks */

gboolean
mk_store_get_sync_state (MkStore     *self,
                         const char  *key,
                         char       **since,
                         char       **next_url,
                         GError     **error)
{
  g_autoptr(MkCachedStmt) stmt = NULL;
  gboolean ok = TRUE;
  int rc;

  g_return_val_if_fail (MK_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if (since != NULL)
    *since = NULL;
  if (next_url != NULL)
    *next_url = NULL;

  mk_store_lock (self);
  stmt = mk_store_prepare (self, "SELECT since, next_url FROM sync_state WHERE type = ?1", error);
  if (stmt == NULL)
    {
      mk_store_unlock (self);
      return FALSE;
    }

  mk_store_bind_text (stmt, 1, key);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      if (since != NULL)
        *since = mk_store_column_dup (stmt, 0);
      if (next_url != NULL)
        *next_url = mk_store_column_dup (stmt, 1);
    }
  else if (rc != SQLITE_DONE)
    {
      ok = mk_store_set_sql_error (self, error);
    }

  mk_cached_stmt_reset (g_steal_pointer (&stmt));
  mk_store_unlock (self);
  return ok;
}

gboolean
mk_store_set_sync_state (MkStore     *self,
                         const char  *key,
                         const char  *since,
                         const char  *next_url,
                         GError     **error)
{
  g_autoptr(MkCachedStmt) stmt = NULL;

  g_return_val_if_fail (MK_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if (!mk_store_begin (self, error))
    return FALSE;

  stmt = mk_store_prepare (self, "INSERT INTO sync_state (type, since, next_url) VALUES (?1, ?2, ?3) "
                                 "ON CONFLICT (type) DO UPDATE SET since = excluded.since, "
                                 "  next_url = excluded.next_url", error);
  if (stmt == NULL)
    goto fail;
  mk_store_bind_text (stmt, 1, key);
  mk_store_bind_text (stmt, 2, since);
  mk_store_bind_text (stmt, 3, next_url);
  if (!step_done (self, stmt, error))
    goto fail;

  return end_write (self, &stmt, TRUE, error);

fail:
  return end_write (self, &stmt, FALSE, error);
}

gboolean
mk_store_clear_sync_state (MkStore  *self,
                           GError  **error)
{
  g_return_val_if_fail (MK_IS_STORE (self), FALSE);

  if (!mk_store_begin (self, error))
    return FALSE;

  return end_write (self, NULL, mk_store_exec (self, "DELETE FROM sync_state", error), error);
}

/* ---------------------------------------------------------------------- */
/* Reconcile */

GPtrArray *
mk_store_list_ids (MkStore     *self,
                   const char  *resource_type,
                   GError     **error)
{
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(MkCachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (MK_IS_STORE (self), NULL);
  g_return_val_if_fail (resource_type != NULL, NULL);

  mk_store_lock (self);
  /* Local rows waiting in the outbox are left out: a local create is not
   * on the server yet, and the push decides what becomes of them. */
  stmt = mk_store_prepare (self, "SELECT r.id FROM resource r "
                                 "WHERE r.type = ?1 AND r.deleted = 0 AND NOT (r.local AND "
                                 "  EXISTS (SELECT 1 FROM outbox o WHERE o.type = r.type "
                                 "          AND o.id = r.id)) "
                                 "ORDER BY r.id", error);
  if (stmt == NULL)
    {
      mk_store_unlock (self);
      return NULL;
    }

  mk_store_bind_text (stmt, 1, resource_type);
  ids = g_ptr_array_new_with_free_func (g_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (ids, mk_store_column_dup (stmt, 0));

  if (rc != SQLITE_DONE)
    {
      mk_store_set_sql_error (self, error);
      g_clear_pointer (&ids, g_ptr_array_unref);
    }

  mk_cached_stmt_reset (g_steal_pointer (&stmt));
  mk_store_unlock (self);
  return g_steal_pointer (&ids);
}

gboolean
mk_store_mark_deleted (MkStore     *self,
                       const char  *resource_type,
                       const char  *id,
                       GError     **error)
{
  gboolean changed = FALSE;
  gboolean ok;

  g_return_val_if_fail (MK_IS_STORE (self), FALSE);
  g_return_val_if_fail (resource_type != NULL, FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  if (!mk_store_begin (self, error))
    return FALSE;

  ok = hide_resource_row (self, resource_type, id, FALSE, &changed, error);
  if (changed)
    mk_store_mark_changed (self);

  return end_write (self, NULL, ok, error);
}
