/* mk-test-server.h — a small FHIR R4 server over HTTPS for tests and demos
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The server runs a SoupServer in its own thread with its own GMainContext,
 * so a test may talk to it with synchronous calls from its own thread. All
 * the setters below are thread-safe and may be called at any time, except
 * those marked "before start". See docs/test-server.md.
 */
#pragma once

#include <glib-object.h>

#include "mk-test-tls.h"

G_BEGIN_DECLS

typedef enum
{
  MK_TEST_FAULT_STATUS_500,           /* 500 with an OperationOutcome */
  MK_TEST_FAULT_STATUS_503,           /* 503 with Retry-After: 1 */
  MK_TEST_FAULT_STATUS_429,           /* 429 with Retry-After: 1 */
  MK_TEST_FAULT_DELAY,                /* the request is carried out, the answer waits
                                       * mk_test_server_set_delay() ms (a lost answer) */
  MK_TEST_FAULT_RESET,                /* the connection is closed without an answer;
                                       * nothing is carried out */
  MK_TEST_FAULT_TRUNCATE,             /* the request is carried out; Content-Length
                                       * declared, half the body sent, connection closed */
  MK_TEST_FAULT_INVALID_JSON,         /* 200, a FHIR content type, a broken body */
  MK_TEST_FAULT_WRONG_CONTENT_TYPE,   /* 200 text/html */
  MK_TEST_FAULT_CONFLICT_412,         /* the next matching PUT gets 412 (other methods
                                       * pass and do not use it up) */
  MK_TEST_FAULT_STATUS_404,           /* 404 with an OperationOutcome (an unknown type) */
  MK_TEST_FAULT_OUTCOME_200,          /* 200, a FHIR content type, an OperationOutcome
                                       * instead of what was asked for */
} MkTestFault;

#define MK_TYPE_TEST_SERVER (mk_test_server_get_type ())
G_DECLARE_FINAL_TYPE (MkTestServer, mk_test_server, MK, TEST_SERVER, GObject)

/* @db_path: the server's SQLite file, NULL for an in-memory database. */
MkTestServer *mk_test_server_new               (const char     *db_path,
                                                GError        **error);

/* Before start. */
void          mk_test_server_set_tls_mode      (MkTestServer   *self,
                                                MkTestTlsMode   mode);
/* Before start: where the CA (ca.pem, ca-key.pem) is written or reused;
 * default: a temporary directory removed with the server. */
void          mk_test_server_set_tls_dir       (MkTestServer   *self,
                                                const char     *dir);
/* Before start: the port to listen on, 0 (default) for any free one. */
void          mk_test_server_set_port          (MkTestServer   *self,
                                                guint           port);

/* Listens on 127.0.0.1 over HTTPS. */
gboolean      mk_test_server_start             (MkTestServer   *self,
                                                GError        **error);
void          mk_test_server_stop              (MkTestServer   *self);

/* "https://127.0.0.1:PORT/fhir" once started. */
const char   *mk_test_server_get_base_url      (MkTestServer   *self);
guint         mk_test_server_get_port          (MkTestServer   *self);
/* The PEM file of the CA that signed the server's certificate (for
 * UNTRUSTED it did not: the certificate is self-signed). */
const char   *mk_test_server_get_ca_file       (MkTestServer   *self);

/* Requests without "Authorization: Bearer @token" get 401 (metadata stays
 * open). NULL: no check. Setting a token ends an expiry. */
void          mk_test_server_set_token         (MkTestServer   *self,
                                                const char     *token);
/* The current token is refused (401) until a new one is set. */
void          mk_test_server_expire_token      (MkTestServer   *self);

/* @path_prefix: NULL for any request; "/fhir/Patient" (absolute) or
 * "Patient" (below the FHIR base). @count: how many requests it hits, 0 for
 * all of them until cleared. Faults apply in the order added. */
void          mk_test_server_add_fault         (MkTestServer   *self,
                                                MkTestFault     fault,
                                                const char     *path_prefix,
                                                guint           count);
void          mk_test_server_clear_faults      (MkTestServer   *self);
/* Whether searches by POST (Type/_search) are answered; default TRUE.
 * FALSE: 405, as from a server that offers searches by GET only. */
void          mk_test_server_set_post_search   (MkTestServer   *self,
                                                gboolean        enabled);
/* The DELAY fault's delay; default 2000 ms. */
void          mk_test_server_set_delay         (MkTestServer   *self,
                                                guint           delay_ms);

/* Requests received (faulted and refused ones included). @method NULL for
 * any; @path_prefix as for faults, NULL for any. */
guint         mk_test_server_get_request_count (MkTestServer   *self,
                                                const char     *method,
                                                const char     *path_prefix);
void          mk_test_server_reset_request_counts (MkTestServer *self);

/* A Bundle, NDJSON or one resource; ids kept, versionId and lastUpdated
 * assigned when absent. One transaction. */
gboolean      mk_test_server_load_json         (MkTestServer   *self,
                                                const char     *json,
                                                GError        **error);
gboolean      mk_test_server_load_demo         (MkTestServer   *self,
                                                GDateTime      *anchor,
                                                GError        **error);
/* A new version of the resource, as if changed on the server. */
gboolean      mk_test_server_touch             (MkTestServer   *self,
                                                const char     *type,
                                                const char     *id,
                                                GError        **error);
gboolean      mk_test_server_delete            (MkTestServer   *self,
                                                const char     *type,
                                                const char     *id,
                                                GError        **error);
/* The current JSON of a resource, NULL when unknown or deleted. */
char         *mk_test_server_get_resource      (MkTestServer   *self,
                                                const char     *type,
                                                const char     *id);
/* Resources not deleted, of @type or of any type (NULL). */
guint         mk_test_server_count_resources   (MkTestServer   *self,
                                                const char     *type);

G_END_DECLS
