/* mk-store.h — the offline SQLite mirror; the one place that owns SQL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "mk-query.h"
#include "mk-resource.h"

G_BEGIN_DECLS

#define MK_STORE_ERROR (mk_store_error_quark ())

typedef enum
{
  MK_STORE_ERROR_OPEN,              /* cannot open or create the database file */
  MK_STORE_ERROR_SQL,               /* SQLite failed; message has the detail */
  MK_STORE_ERROR_INVALID_JSON,      /* not JSON, or not the JSON shape expected */
  MK_STORE_ERROR_INVALID_RESOURCE,  /* a resource without resourceType/id, or a field of the wrong type */
  MK_STORE_ERROR_NOT_FOUND,         /* no such resource */
  MK_STORE_ERROR_NEWER_SCHEMA,      /* the file was written by a newer Medkarta */
} MkStoreError;

GQuark mk_store_error_quark (void);

/* The file name of the store inside an account's data directory. */
#define MK_STORE_FILE_NAME "medkarta.db"

/* What one import did. */
typedef struct
{
  GHashTable *stored;     /* resourceType (char*) → GUINT_TO_POINTER (count) inserted or replaced */
  guint       n_stored;   /* inserted or replaced */
  guint       n_unchanged;/* skipped: same or older versionId already stored */
} MkImportStats;

void mk_import_stats_free (MkImportStats *stats);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkImportStats, mk_import_stats_free)

/* One full-text search hit. */
typedef struct
{
  char   *resource_type;
  char   *id;
  char   *snippet;   /* plain text around the match; matched terms wrapped in [ ] */
  double  rank;      /* lower is better (bm25) */
} MkSearchHit;

void mk_search_hit_free (MkSearchHit *hit);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkSearchHit, mk_search_hit_free)

#define MK_TYPE_STORE (mk_store_get_type ())
G_DECLARE_FINAL_TYPE (MkStore, mk_store, MK, STORE, GObject)

/* Opens (creating with mode 0600 and migrating to the current schema) the
 * SQLite file at @path. The parent directory is created (0700) if missing. */
MkStore       *mk_store_open                (const char     *path,
                                             GError        **error);
/* Opens DATA_DIR/medkarta.db. */
MkStore       *mk_store_open_in_dir         (const char     *data_dir,
                                             GError        **error);
const char    *mk_store_get_path            (MkStore        *self);
int            mk_store_get_schema_version  (MkStore        *self);
/* The newest schema version this build knows. */
int            mk_store_get_latest_schema_version (void);

/* Imports a FHIR Bundle (collection, batch, transaction, searchset,
 * history — entry[].resource), a single resource, or NDJSON (one resource
 * per line) in ONE transaction: on any error nothing is stored.
 * A resource replaces the stored one only when its meta.versionId is newer
 * (numeric compare when both are numbers, else differs and lastUpdated is
 * not older); without a versionId it always replaces.
 * Emits ::changed once after the commit when something was stored. */
gboolean       mk_store_import_json         (MkStore        *self,
                                             const char     *data,
                                             gssize          length,
                                             MkImportStats **stats,
                                             GError        **error);
/* The same for a JSON document already parsed: @root must be the parse of
 * @data (whose text is what gets stored); saves a second parse when the
 * caller (the sync's client) has already checked and parsed it. */
gboolean       mk_store_import_parsed       (MkStore        *self,
                                             JsonNode       *root,
                                             const char     *data,
                                             gsize           length,
                                             MkImportStats **stats,
                                             GError        **error);

/* The stored JSON text: the resource object as received, re-serialized
 * compactly; every member (unknown fields, extensions) kept. */
char          *mk_store_get_json            (MkStore        *self,
                                             const char     *resource_type,
                                             const char     *id,
                                             GError        **error);
MkResource    *mk_store_get_resource        (MkStore        *self,
                                             const char     *resource_type,
                                             const char     *id,
                                             GError        **error);
/* Resolves a FHIR reference "Type/id" (relative) to the stored resource. */
MkResource    *mk_store_resolve_reference   (MkStore        *self,
                                             const char     *reference,
                                             GError        **error);

/* resourceType (char*) → GUINT_TO_POINTER (count), deleted rows excluded. */
GHashTable    *mk_store_count_by_type       (MkStore        *self,
                                             GError        **error);
guint          mk_store_count_outbox        (MkStore        *self,
                                             GError        **error);

/* Full-text search over every resource; at most @limit hits, best first.
 * Case-insensitive, е/ё folded, prefix match on the last word. */
GPtrArray     *mk_store_search              (MkStore        *self,
                                             const char     *text,
                                             guint           limit,
                                             GError        **error);

/* Paged queries, for GListModels (MkResourceList). */
guint          mk_store_query_count         (MkStore        *self,
                                             MkQuery        *query,
                                             GError        **error);
/* A GPtrArray of MkResource, in the query's order. */
GPtrArray     *mk_store_query_page          (MkStore        *self,
                                             MkQuery        *query,
                                             guint           offset,
                                             guint           limit,
                                             GError        **error);

/* A file (Binary) a stored DocumentReference points at. */
typedef struct
{
  char *binary_id;  /* the Binary's id on the server */
  char *hash;       /* attachment.hash: the base64 SHA-1 of the content, or NULL */
} MkDocumentFile;

void mk_document_file_free (MkDocumentFile *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkDocumentFile, mk_document_file_free)

/* The files that stored DocumentReferences point at (attachment.url
 * "Binary/<id>", or an absolute URL ending in "/Binary/<id>") and that the
 * mirror does not hold: a GPtrArray of MkDocumentFile, each Binary once,
 * with the hash of the first document (newest first) that names it. One
 * query; an empty array when nothing is missing. */
GPtrArray     *mk_store_list_missing_files  (MkStore        *self,
                                             GError        **error);
/* The hash the stored documents give for Binary/@binary_id (the first
 * document, newest first); NULL with *@found FALSE when no document points
 * at it, NULL with *@found TRUE when it gives no hash. */
char          *mk_store_get_file_hash       (MkStore        *self,
                                             const char     *binary_id,
                                             gboolean       *found,
                                             GError        **error);

/* Small key/value settings kept inside the store (server URL, patient id,
 * demo anchor date…). Never tokens. */
char          *mk_store_get_meta            (MkStore        *self,
                                             const char     *key,
                                             GError        **error);
gboolean       mk_store_set_meta            (MkStore        *self,
                                             const char     *key,
                                             const char     *value,
                                             GError        **error);

/* Removes every resource (and the FTS index rows); used to rebuild the demo. */
gboolean       mk_store_clear_resources     (MkStore        *self,
                                             GError        **error);

/* Transactions spanning several calls (e.g. clear + import for the demo).
 * They nest (an inner begin is a savepoint) and hold the store's lock, so
 * other threads wait until the outermost commit or rollback. ::changed is
 * emitted once, after the outermost commit, if anything changed. */
gboolean       mk_store_begin               (MkStore        *self,
                                             GError        **error);
gboolean       mk_store_commit              (MkStore        *self,
                                             GError        **error);
void           mk_store_rollback            (MkStore        *self);

/* Signal "changed" (no arguments): emitted after a transaction that changed
 * resources has committed, so lists reload. */

G_END_DECLS
