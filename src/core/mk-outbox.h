/* mk-outbox.h — local edits waiting for the server, conflicts, sync watermarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Implemented in mk-store-outbox.c (the store module owns all SQL).
 * Design: docs/sync.md.
 */
#pragma once

#include "mk-store.h"

G_BEGIN_DECLS

typedef enum
{
  MK_OUTBOX_PENDING,    /* waiting to be pushed */
  MK_OUTBOX_FAILED,     /* the server refused it (4xx, OperationOutcome): shown, editable, not retried */
  MK_OUTBOX_CONFLICT,   /* 412: the server changed it meanwhile; the user chooses */
} MkOutboxState;

typedef enum
{
  MK_OUTBOX_CREATE,     /* conditional create: POST with If-None-Exist */
  MK_OUTBOX_UPDATE,     /* PUT with If-Match: W/"<version the edit was based on>" */
  MK_OUTBOX_DELETE,
} MkOutboxOp;

typedef struct
{
  gint64         seq;            /* order of the edits */
  char          *resource_type;
  char          *id;             /* the local id (a client UUID for creates) */
  MkOutboxOp     op;
  char          *json;           /* the edited resource (NULL for a delete) */
  char          *if_match;       /* W/"3" for updates, NULL otherwise */
  char          *if_none_exist;  /* e.g. identifier=urn:ietf:rfc:3986|urn:uuid:… for creates */
  char          *created;        /* ISO 8601 UTC, from MkClock */
  guint          attempts;
  char          *last_error;     /* the server's diagnostics, shown as detail */
  MkOutboxState  state;
  char          *server_json;    /* on a conflict: the server's current version */
} MkOutboxEntry;

void mk_outbox_entry_free (MkOutboxEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkOutboxEntry, mk_outbox_entry_free)

/* Stores @json (a resource with resourceType and id) as the local version of
 * that resource AND appends an outbox entry, in one transaction; emits
 * ::changed. The row is flagged local until the server's answer replaces it.
 * For MK_OUTBOX_UPDATE, if_match is taken from the stored row's versionId.
 * @created is the edit's time (from MkClock). Returns the entry's seq. */
gboolean   mk_store_queue_edit          (MkStore        *self,
                                         MkOutboxOp      op,
                                         const char     *json,
                                         const char     *if_none_exist,
                                         GDateTime      *created,
                                         gint64         *seq,
                                         GError        **error);

/* Stores @json as a local version of a resource WITHOUT an outbox entry,
 * for a change the server makes by itself as a consequence of a queued
 * edit (a Slot becomes busy when its Appointment is created). The row is
 * flagged local, but with no entry waiting the next pull that brings a
 * newer version replaces it. Emits ::changed. */
gboolean   mk_store_put_local           (MkStore        *self,
                                         const char     *json,
                                         GError        **error);

/* The rows flagged local that no edit waits for any more, as "Type/id" in
 * order: no outbox entry of their own, and none (in any state) whose
 * resource refers to them. These are the marks of mk_store_put_local()
 * once the edit that caused them is through: a Slot marked busy by a
 * booking the server accepted. A server that does not make that change
 * itself (no booking rule) never gives the row a new version, so the pull
 * would keep the mark for ever; the sync reads each of them again and
 * stores it with mk_store_replace_local(). A booking still queued, refused
 * or in conflict keeps its mark. */
GPtrArray *mk_store_list_stale_local    (MkStore        *self,
                                         GError        **error);
/* @json: the server's current version of a row listed by
 * mk_store_list_stale_local(), just read. It replaces the row whatever its
 * version and clears the local flag; when the row is no longer such a mark
 * (an edit of it was queued meanwhile, a pull replaced it) the import rule
 * applies instead. Emits ::changed. */
gboolean   mk_store_replace_local       (MkStore        *self,
                                         const char     *json,
                                         GError        **error);

/* Entries in seq order; @state_filter < 0 lists every state. Edits of one
 * resource must be pushed in order: an entry waits while an earlier entry
 * of the same resource is FAILED or in CONFLICT. When an entry is
 * accepted, the later entries of the same resource are moved on top of the
 * server's answer (id of a create, meta.versionId and If-Match). A second
 * update of a resource whose update was not tried yet replaces that entry
 * (same seq). */
GPtrArray *mk_store_list_outbox         (MkStore        *self,
                                         int             state_filter,
                                         GError        **error);
/* One entry as it stands now (NULL with MK_STORE_ERROR_NOT_FOUND when it
 * is gone). A push loop working from a list should re-read each entry
 * before sending it: accepting an earlier edit of the same resource
 * rewrites the later ones. */
MkOutboxEntry *mk_store_get_outbox_entry (MkStore       *self,
                                         gint64          seq,
                                         GError        **error);
guint      mk_store_count_outbox_state  (MkStore        *self,
                                         MkOutboxState   state,
                                         GError        **error);

/* The server accepted entry @seq: in one transaction, remove the entry and
 * store @server_json (the server's answer, with its own id, versionId and
 * lastUpdated) as the resource, clearing the local flag. When the server
 * gave a create another id than the local one, the local row is replaced by
 * the server's. Emits ::changed. */
gboolean   mk_store_outbox_accepted     (MkStore        *self,
                                         gint64          seq,
                                         const char     *server_json,
                                         GError        **error);
/* Counts one more attempt and keeps @message (a transient failure: retried). */
gboolean   mk_store_outbox_attempted    (MkStore        *self,
                                         gint64          seq,
                                         const char     *message,
                                         GError        **error);
/* The server refused the edit for good (validation): state FAILED with the
 * server's diagnostics; the local row stays as the user left it. */
gboolean   mk_store_outbox_refused      (MkStore        *self,
                                         gint64          seq,
                                         const char     *diagnostics,
                                         GError        **error);
/* 412: keeps both versions — the local edit in the entry and @server_json
 * in server_json — and sets state CONFLICT. Nothing is overwritten. */
gboolean   mk_store_outbox_conflict     (MkStore        *self,
                                         gint64          seq,
                                         const char     *server_json,
                                         GError        **error);

typedef enum
{
  MK_CONFLICT_KEEP_MINE,    /* re-queue the local edit on top of the server's version */
  MK_CONFLICT_KEEP_SERVER,  /* drop the local edit; the server's version becomes the row */
} MkConflictChoice;

gboolean   mk_store_resolve_conflict    (MkStore         *self,
                                         gint64           seq,
                                         MkConflictChoice choice,
                                         GError         **error);

/* Sync watermarks, per key (a resource type, or "_history"): the server's
 * time of the last page committed and the next page's opaque URL while a
 * pull is under way. Set them inside the transaction that imports the page
 * (mk_store_begin … mk_store_import_json … mk_store_set_sync_state …
 * mk_store_commit) so a crash loses at most the page in flight. */
gboolean   mk_store_get_sync_state      (MkStore        *self,
                                         const char     *key,
                                         char          **since,
                                         char          **next_url,
                                         GError        **error);
gboolean   mk_store_set_sync_state      (MkStore        *self,
                                         const char     *key,
                                         const char     *since,
                                         const char     *next_url,
                                         GError        **error);
gboolean   mk_store_clear_sync_state    (MkStore        *self,
                                         GError        **error);

/* Reconcile: the ids of @resource_type stored (not deleted), and marking a
 * resource deleted on the server (hidden from every read; ::changed). */
GPtrArray *mk_store_list_ids            (MkStore        *self,
                                         const char     *resource_type,
                                         GError        **error);
gboolean   mk_store_mark_deleted        (MkStore        *self,
                                         const char     *resource_type,
                                         const char     *id,
                                         GError        **error);

G_END_DECLS
