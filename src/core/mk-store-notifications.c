/* mk-store-notifications.c — the notification log and what the reminder
 * engine reads from the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part of the store module (see mk-store-private.h): the SQL for
 * notification_log and the few queries MkReminders needs. docs/reminders.md
 * describes how the log is used.
 */
#include "config.h"

#include <string.h>

#include "mk-notification-log.h"
#include "mk-store-private.h"

#define RECORD_COLUMNS "key, kind, resource, title, body, due, fired_at, state"

static const char * const state_names[] = {
  [MK_NOTIFICATION_SHOWN] = "shown",
  [MK_NOTIFICATION_WITHDRAWN] = "withdrawn",
  [MK_NOTIFICATION_MERGED] = "merged",
};

const char *
mk_notification_state_to_string (MkNotificationState state)
{
  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (state_names), NULL);

  return state_names[state];
}

gboolean
mk_notification_state_from_string (const char          *name,
                                   MkNotificationState *state)
{
  for (guint i = 0; i < G_N_ELEMENTS (state_names); i++)
    if (g_strcmp0 (name, state_names[i]) == 0)
      {
        if (state != NULL)
          *state = i;
        return TRUE;
      }

  return FALSE;
}

void
mk_notification_record_free (MkNotificationRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->key);
  g_free (record->kind);
  g_free (record->resource);
  g_free (record->title);
  g_free (record->body);
  g_free (record->due);
  g_free (record->fired_at);
  g_free (record);
}

static MkNotificationRecord *
record_from_row (sqlite3_stmt *stmt)
{
  MkNotificationRecord *record = g_new0 (MkNotificationRecord, 1);
  const char *state = (const char *) sqlite3_column_text (stmt, 7);

  record->key = mk_store_column_dup (stmt, 0);
  record->kind = mk_store_column_dup (stmt, 1);
  record->resource = mk_store_column_dup (stmt, 2);
  record->title = mk_store_column_dup (stmt, 3);
  record->body = mk_store_column_dup (stmt, 4);
  record->due = mk_store_column_dup (stmt, 5);
  record->fired_at = mk_store_column_dup (stmt, 6);
  if (!mk_notification_state_from_string (state, &record->state))
    record->state = MK_NOTIFICATION_SHOWN;

  return record;
}

/* Steps @stmt to the end, collecting one record per row. */
static GPtrArray *
collect_records (MkStore       *self,
                 sqlite3_stmt  *stmt,
                 GError       **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) mk_notification_record_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (records, record_from_row (stmt));

  if (rc != SQLITE_DONE)
    {
      mk_store_set_sql_error (self, error);
      return NULL;
    }

  return g_steal_pointer (&records);
}

gboolean
mk_store_record_notification (MkStore                    *self,
                              const MkNotificationRecord *record,
                              gboolean                   *inserted,
                              GError                    **error)
{
  g_autoptr(MkCachedStmt) stmt = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (MK_IS_STORE (self), FALSE);
  g_return_val_if_fail (record != NULL && record->key != NULL, FALSE);
  g_return_val_if_fail (record->fired_at != NULL, FALSE);

  if (inserted != NULL)
    *inserted = FALSE;

  mk_store_lock (self);
  stmt = mk_store_prepare (self,
                           "INSERT OR IGNORE INTO notification_log (" RECORD_COLUMNS ") "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                           error);
  if (stmt != NULL)
    {
      mk_store_bind_text (stmt, 1, record->key);
      mk_store_bind_text (stmt, 2, record->kind);
      mk_store_bind_text (stmt, 3, record->resource);
      mk_store_bind_text (stmt, 4, record->title);
      mk_store_bind_text (stmt, 5, record->body);
      mk_store_bind_text (stmt, 6, record->due);
      mk_store_bind_text (stmt, 7, record->fired_at);
      mk_store_bind_text (stmt, 8, mk_notification_state_to_string (record->state));

      if (sqlite3_step (stmt) == SQLITE_DONE)
        {
          ok = TRUE;
          /* One statement, the key is the primary key: only the caller
           * whose insert changed a row owns the notification. */
          if (inserted != NULL)
            *inserted = sqlite3_changes (sqlite3_db_handle (stmt)) > 0;
        }
      else
        mk_store_set_sql_error (self, error);
    }

  g_clear_pointer (&stmt, mk_cached_stmt_reset);
  mk_store_unlock (self);
  return ok;
}

gboolean
mk_store_has_notification (MkStore     *self,
                           const char  *key,
                           GError     **error)
{
  g_autoptr(MkCachedStmt) stmt = NULL;
  gboolean found = FALSE;
  int rc;

  g_return_val_if_fail (MK_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  mk_store_lock (self);
  stmt = mk_store_prepare (self, "SELECT 1 FROM notification_log WHERE key = ?1", error);
  if (stmt != NULL)
    {
      mk_store_bind_text (stmt, 1, key);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        found = TRUE;
      else if (rc != SQLITE_DONE)
        mk_store_set_sql_error (self, error);
    }

  g_clear_pointer (&stmt, mk_cached_stmt_reset);
  mk_store_unlock (self);
  return found;
}

gboolean
mk_store_set_notification_state (MkStore              *self,
                                 const char           *key,
                                 MkNotificationState   state,
                                 GError              **error)
{
  g_autoptr(MkCachedStmt) stmt = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (MK_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  mk_store_lock (self);
  stmt = mk_store_prepare (self, "UPDATE notification_log SET state = ?2 WHERE key = ?1", error);
  if (stmt != NULL)
    {
      mk_store_bind_text (stmt, 1, key);
      mk_store_bind_text (stmt, 2, mk_notification_state_to_string (state));
      if (sqlite3_step (stmt) == SQLITE_DONE)
        ok = TRUE;
      else
        mk_store_set_sql_error (self, error);
    }

  g_clear_pointer (&stmt, mk_cached_stmt_reset);
  mk_store_unlock (self);
  return ok;
}

/* Runs @sql (its one parameter ?1 is @text or, when @text is NULL,
 * @number) with the store locked and collects one record per row. */
static GPtrArray *
query_records (MkStore     *self,
               const char  *sql,
               const char  *text,
               gint64       number,
               GError     **error)
{
  g_autoptr(MkCachedStmt) stmt = NULL;
  GPtrArray *records = NULL;

  mk_store_lock (self);
  stmt = mk_store_prepare (self, sql, error);
  if (stmt != NULL)
    {
      if (text != NULL)
        mk_store_bind_text (stmt, 1, text);
      else
        sqlite3_bind_int64 (stmt, 1, number);
      records = collect_records (self, stmt, error);
    }

  g_clear_pointer (&stmt, mk_cached_stmt_reset);
  mk_store_unlock (self);
  return records;
}

GPtrArray *
mk_store_list_notifications (MkStore  *self,
                             guint     limit,
                             GError  **error)
{
  g_return_val_if_fail (MK_IS_STORE (self), NULL);

  return query_records (self,
                        "SELECT " RECORD_COLUMNS " FROM notification_log "
                        "ORDER BY fired_at DESC, rowid DESC LIMIT ?1",
                        NULL, limit, error);
}

GPtrArray *
mk_store_list_notifications_for (MkStore     *self,
                                 const char  *resource,
                                 GError     **error)
{
  g_return_val_if_fail (MK_IS_STORE (self), NULL);
  g_return_val_if_fail (resource != NULL, NULL);

  return query_records (self,
                        "SELECT " RECORD_COLUMNS " FROM notification_log "
                        "WHERE resource = ?1 AND state = 'shown' "
                        "ORDER BY fired_at DESC, rowid DESC",
                        resource, 0, error);
}

GPtrArray *
mk_store_list_notifications_in_state (MkStore              *self,
                                      MkNotificationState   state,
                                      GError              **error)
{
  g_return_val_if_fail (MK_IS_STORE (self), NULL);

  return query_records (self,
                        "SELECT " RECORD_COLUMNS " FROM notification_log "
                        "WHERE state = ?1 ORDER BY fired_at DESC, rowid DESC",
                        mk_notification_state_to_string (state), 0, error);
}

/* ---------------------------------------------------------------------- */
/* What the reminder engine reads */

/* Appends the placeholders "?n, ?n+1, …" for @values, numbering from *@n. */
static void
append_status_list (GString            *sql,
                    const char * const *values,
                    int                *n)
{
  for (guint i = 0; values[i] != NULL; i++)
    g_string_append_printf (sql, "%s?%d", i > 0 ? ", " : "", (*n)++);
}

static void
bind_list (sqlite3_stmt       *stmt,
           const char * const *values,
           int                *n)
{
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    mk_store_bind_text (stmt, (*n)++, values[i]);
}

GPtrArray *
mk_store_query_reminder_resources (MkStore                *self,
                                   const char             *resource_type,
                                   const MkReminderQuery  *query,
                                   GError                **error)
{
  g_autoptr(MkCachedStmt) stmt = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GString) sql = NULL;
  gboolean skip, news;
  int n = 2, rc;

  g_return_val_if_fail (MK_IS_STORE (self), NULL);
  g_return_val_if_fail (resource_type != NULL, NULL);
  g_return_val_if_fail (query != NULL, NULL);

  skip = query->skip_status != NULL && query->skip_status[0] != NULL;
  news = query->news_status != NULL && query->news_status[0] != NULL;

  /* Only the filters that are set, as plain comparisons, so SQLite can
   * use the (type, date) and (kind, date) indexes; one cached statement
   * per combination. The parameters follow the text's order. */
  sql = g_string_new ("SELECT type, id, version_id, last_updated, json, date, status, kind, "
                      "       code, subject FROM resource "
                      "WHERE type = ?1 AND deleted = 0");
  if (query->kind != NULL)
    g_string_append_printf (sql, " AND kind = ?%d", n++);
  if (query->date_from != NULL)
    g_string_append_printf (sql, " AND date >= ?%d", n++);
  if (query->updated_from != NULL)
    g_string_append_printf (sql, " AND last_updated >= ?%d", n++);
  if (skip)
    {
      g_string_append (sql, " AND (status IS NULL OR status NOT IN (");
      append_status_list (sql, query->skip_status, &n);
      g_string_append (sql, "))");
    }
  if (news)
    {
      g_string_append (sql, " AND (status IS NULL OR status NOT IN (");
      append_status_list (sql, query->news_status, &n);
      g_string_append (sql, ")");
      if (query->news_from != NULL)
        g_string_append_printf (sql, " OR last_updated >= ?%d", n++);
      g_string_append (sql, ")");
    }
  g_string_append (sql, " ORDER BY date, id");

  mk_store_lock (self);
  stmt = mk_store_prepare (self, sql->str, error);
  if (stmt == NULL)
    goto out;

  n = 1;
  mk_store_bind_text (stmt, n++, resource_type);
  if (query->kind != NULL)
    mk_store_bind_text (stmt, n++, query->kind);
  if (query->date_from != NULL)
    mk_store_bind_text (stmt, n++, query->date_from);
  if (query->updated_from != NULL)
    mk_store_bind_text (stmt, n++, query->updated_from);
  if (skip)
    bind_list (stmt, query->skip_status, &n);
  if (news)
    {
      bind_list (stmt, query->news_status, &n);
      if (query->news_from != NULL)
        mk_store_bind_text (stmt, n++, query->news_from);
    }

  items = g_ptr_array_new_with_free_func (g_object_unref);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (items, mk_store_resource_from_row (stmt));

  if (rc != SQLITE_DONE)
    {
      mk_store_set_sql_error (self, error);
      g_clear_pointer (&items, g_ptr_array_unref);
    }

out:
  g_clear_pointer (&stmt, mk_cached_stmt_reset);
  mk_store_unlock (self);
  return g_steal_pointer (&items);
}

GPtrArray *
mk_store_list_reminder_resources (MkStore     *self,
                                  const char  *resource_type,
                                  const char  *kind,
                                  const char  *date_from,
                                  const char  *updated_from,
                                  GError     **error)
{
  MkReminderQuery query = {
    .kind = kind,
    .date_from = date_from,
    .updated_from = updated_from,
  };

  return mk_store_query_reminder_resources (self, resource_type, &query, error);
}

gboolean
mk_store_get_resource_local (MkStore     *self,
                             const char  *resource_type,
                             const char  *id,
                             gboolean    *local,
                             GError     **error)
{
  g_autoptr(MkCachedStmt) stmt = NULL;
  gboolean ok = FALSE;
  int rc;

  g_return_val_if_fail (MK_IS_STORE (self), FALSE);
  g_return_val_if_fail (resource_type != NULL && id != NULL, FALSE);

  *local = FALSE;
  mk_store_lock (self);
  stmt = mk_store_prepare (self,
                           "SELECT EXISTS (SELECT 1 FROM resource "
                           "               WHERE type = ?1 AND id = ?2 AND local != 0) "
                           "    OR EXISTS (SELECT 1 FROM outbox WHERE type = ?1 AND id = ?2)",
                           error);
  if (stmt != NULL)
    {
      mk_store_bind_text (stmt, 1, resource_type);
      mk_store_bind_text (stmt, 2, id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *local = sqlite3_column_int (stmt, 0) != 0;
          ok = TRUE;
        }
      else
        mk_store_set_sql_error (self, error);
    }

  g_clear_pointer (&stmt, mk_cached_stmt_reset);
  mk_store_unlock (self);
  return ok;
}

gboolean
mk_store_get_outbox_conflicts (MkStore  *self,
                               guint    *count,
                               gint64   *max_seq,
                               GError  **error)
{
  g_autoptr(MkCachedStmt) stmt = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (MK_IS_STORE (self), FALSE);

  *count = 0;
  *max_seq = 0;
  mk_store_lock (self);
  stmt = mk_store_prepare (self,
                           "SELECT count(*), coalesce(max(seq), 0) FROM outbox "
                           "WHERE state = 'conflict'",
                           error);
  if (stmt != NULL)
    {
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          *count = sqlite3_column_int (stmt, 0);
          *max_seq = sqlite3_column_int64 (stmt, 1);
          ok = TRUE;
        }
      else
        mk_store_set_sql_error (self, error);
    }

  g_clear_pointer (&stmt, mk_cached_stmt_reset);
  mk_store_unlock (self);
  return ok;
}

GHashTable *
mk_store_list_meta_with_prefix (MkStore     *self,
                                const char  *prefix,
                                GError     **error)
{
  g_autoptr(MkCachedStmt) stmt = NULL;
  g_autoptr(GHashTable) table = NULL;
  g_autofree char *upper = NULL;
  int rc;

  g_return_val_if_fail (MK_IS_STORE (self), NULL);
  g_return_val_if_fail (prefix != NULL && *prefix != '\0', NULL);

  /* [prefix, prefix + U+FFFF): a range the key index can use, no LIKE
   * escaping of the prefix. */
  upper = g_strconcat (prefix, "\xef\xbf\xbf", NULL);

  mk_store_lock (self);
  stmt = mk_store_prepare (self,
                           "SELECT key, value FROM meta WHERE key >= ?1 AND key < ?2",
                           error);
  if (stmt == NULL)
    goto out;

  mk_store_bind_text (stmt, 1, prefix);
  mk_store_bind_text (stmt, 2, upper);

  table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_insert (table, mk_store_column_dup (stmt, 0), mk_store_column_dup (stmt, 1));

  if (rc != SQLITE_DONE)
    {
      mk_store_set_sql_error (self, error);
      g_clear_pointer (&table, g_hash_table_unref);
    }

out:
  g_clear_pointer (&stmt, mk_cached_stmt_reset);
  mk_store_unlock (self);
  return g_steal_pointer (&table);
}
