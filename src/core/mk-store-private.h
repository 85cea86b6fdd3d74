/* mk-store-private.h — shared by the files of the store module
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The store module (mk-store.c and the mk-store-*.c files beside it) is the
 * one place that owns SQL. Nothing outside src/core/mk-store*.c includes
 * this header.
 */
#pragma once

#include <sqlite3.h>

#include "mk-store.h"

G_BEGIN_DECLS

/* A cached statement, reset (not finalized) when it goes out of scope. */
typedef sqlite3_stmt MkCachedStmt;

void          mk_cached_stmt_reset   (MkCachedStmt  *stmt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkCachedStmt, mk_cached_stmt_reset)

/* A cached prepared statement for @sql, reset and with no bindings. Call
 * with the store locked (mk_store_lock() or inside mk_store_begin()). */
MkCachedStmt *mk_store_prepare       (MkStore       *self,
                                      const char    *sql,
                                      GError       **error);
/* Prepares @sql (?1 = @resource_type, ?2 = @id) and steps it once: TRUE
 * with *@row the statement on its first row, or NULL when there is none;
 * FALSE with the SQL error. */
gboolean      mk_store_step_ref      (MkStore       *self,
                                      const char    *sql,
                                      const char    *resource_type,
                                      const char    *id,
                                      MkCachedStmt **row,
                                      GError       **error);
gboolean      mk_store_exec          (MkStore       *self,
                                      const char    *sql,
                                      GError       **error);
/* Sets MK_STORE_ERROR_SQL from SQLite's last error; returns FALSE. */
gboolean      mk_store_set_sql_error (MkStore       *self,
                                      GError       **error);
void          mk_store_bind_text     (sqlite3_stmt  *stmt,
                                      int            index,
                                      const char    *value);
char         *mk_store_column_dup    (sqlite3_stmt  *stmt,
                                      int            column);
/* An MkResource from the row of a statement whose first ten columns are
 * type, id, version_id, last_updated, json, date, status, kind, code,
 * subject. */
MkResource   *mk_store_resource_from_row (sqlite3_stmt *stmt);

/* The store's recursive lock: every public call takes it. */
void          mk_store_lock          (MkStore       *self);
void          mk_store_unlock        (MkStore       *self);
/* Inside a transaction: resources changed, emit ::changed after commit. */
void          mk_store_mark_changed  (MkStore       *self);

/* Stores one resource (@json: an object with resourceType and id) without
 * the upsert rule, as a local edit (@local, resource.local = 1) or as the
 * server's answer (local = 0); derived columns and FTS follow. Its own
 * (nested) transaction; ::changed after the outermost commit. */
gboolean      mk_store_put_resource_json (MkStore     *self,
                                          const char  *json,
                                          gboolean     local,
                                          GError     **error);

G_END_DECLS
