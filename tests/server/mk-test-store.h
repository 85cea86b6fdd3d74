/* mk-test-store.h — the test FHIR server's resources in SQLite and the
 * FHIR R4 interactions over them (no HTTP here)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Thread-safe: every call takes the store's lock, so the server thread and
 * the test thread may both use one store.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _MkTestStore MkTestStore;

/* What the HTTP layer sends back. */
typedef struct
{
  guint      status;
  char      *body;           /* JSON text, or NULL for no body */
  char      *etag;           /* W/"n" or NULL */
  GDateTime *last_modified;  /* or NULL */
  char      *location;       /* absolute URL or NULL */
} MkTestReply;

void mk_test_reply_free (MkTestReply *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkTestReply, mk_test_reply_free)

/* One request as the HTTP layer saw it. */
typedef struct
{
  const char  *method;
  char       **segments;       /* the path below /fhir, split at '/' */
  GPtrArray   *query;          /* name, value, name, value… (decoded) */
  const char  *if_match;
  const char  *if_none_exist;
  const char  *body;
  gsize        body_length;
  const char  *base_url;       /* https://127.0.0.1:PORT/fhir */
  gboolean     force_conflict; /* answer a PUT with 412 whatever If-Match says */
} MkTestRequest;

MkTestStore *mk_test_store_new     (const char   *path,
                                    GError      **error);
void         mk_test_store_free    (MkTestStore  *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkTestStore, mk_test_store_free)

/* A FHIR Bundle (its entries' resources), NDJSON, or one resource. */
gboolean     mk_test_store_load    (MkTestStore  *store,
                                    const char   *text,
                                    GError      **error);
gboolean     mk_test_store_touch   (MkTestStore  *store,
                                    const char   *type,
                                    const char   *id,
                                    GError      **error);
gboolean     mk_test_store_delete  (MkTestStore  *store,
                                    const char   *type,
                                    const char   *id,
                                    GError      **error);
/* The current version's JSON (NULL when unknown or deleted). */
char        *mk_test_store_get     (MkTestStore  *store,
                                    const char   *type,
                                    const char   *id);
guint        mk_test_store_count   (MkTestStore  *store,
                                    const char   *type);

MkTestReply *mk_test_store_handle  (MkTestStore         *store,
                                    const MkTestRequest *request);

/* An OperationOutcome reply. */
MkTestReply *mk_test_reply_outcome (guint         status,
                                    const char   *code,
                                    const char   *diagnostics);

G_END_DECLS
