/* mk-client.h — HTTPS to a FHIR server (libsoup 3): TLS always verified,
 * retries with backoff, errors the UI can put in a sentence
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Synchronous calls, meant for a worker thread: create the client in the
 * thread that uses it (MkSync does). Every call honours @cancellable.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define MK_CLIENT_ERROR (mk_client_error_quark ())
typedef enum
{
  MK_CLIENT_ERROR_INVALID_URL,       /* not https://, or not a URL */
  MK_CLIENT_ERROR_NETWORK,           /* cannot connect / reset, after the retries */
  MK_CLIENT_ERROR_TIMEOUT,           /* after the retries */
  MK_CLIENT_ERROR_TLS,               /* untrusted, expired or wrong-host certificate: the
                                      * message names the problem, the certificate's subject
                                      * and its expiry */
  MK_CLIENT_ERROR_UNAUTHORIZED,      /* 401: the caller refreshes the token once */
  MK_CLIENT_ERROR_FORBIDDEN,         /* 403 */
  MK_CLIENT_ERROR_NOT_FOUND,         /* 404, 410 */
  MK_CLIENT_ERROR_PRECONDITION,      /* 412: a conflict */
  MK_CLIENT_ERROR_REFUSED,           /* other 4xx: the OperationOutcome's diagnostics in the message */
  MK_CLIENT_ERROR_SERVER,            /* 5xx after the retries */
  MK_CLIENT_ERROR_INVALID_RESPONSE,  /* truncated body, invalid JSON, wrong content type */
} MkClientError;

GQuark mk_client_error_quark (void);

typedef struct
{
  guint   status;
  char   *content_type;
  char   *location;       /* Location / Content-Location header */
  char   *etag;
  char   *date;           /* the server's Date header, as ISO 8601 UTC */
  GBytes *body;
  JsonNode *json;         /* the 2xx body, already parsed and checked (NULL when
                           * there is no body); saves parsing it a second time */
} MkResponse;

void mk_response_free (MkResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkResponse, mk_response_free)

#define MK_TYPE_CLIENT (mk_client_get_type ())
G_DECLARE_FINAL_TYPE (MkClient, mk_client, MK, CLIENT, GObject)

/* @base_url: the FHIR base, https only. @ca_file: an extra trusted CA (PEM)
 * added to the system's, or NULL. There is no way to turn verification off. */
MkClient   *mk_client_new               (const char     *base_url,
                                         const char     *ca_file,
                                         GError        **error);
const char *mk_client_get_base_url      (MkClient       *self);
/* The bearer token sent with every request (NULL for none). Copied; never logged. */
void        mk_client_set_access_token  (MkClient       *self,
                                         const char     *token);
/* Retry policy for timeouts, resets, 5xx, 429 and 503 (Retry-After honoured,
 * capped at @max_delay_ms): exponential backoff from @base_delay_ms with full
 * jitter, at most @max_attempts tries. Defaults: 5, 500 ms, 30 s. */
void        mk_client_set_retry_policy  (MkClient       *self,
                                         guint           max_attempts,
                                         guint           base_delay_ms,
                                         guint           max_delay_ms);
void        mk_client_set_timeout       (MkClient       *self,
                                         guint           seconds);
/* Seeds the jitter's random source (tests make backoff reproducible). */
void        mk_client_set_rand_seed     (MkClient       *self,
                                         guint32         seed);

/* @path_or_url: relative to the base ("Patient?_count=50") or an absolute
 * URL on the same server (a Bundle's next link, used as is). @headers: NULL
 * or extra header pairs, NULL-terminated ("If-Match", "W/\"2\"", NULL);
 * a "Content-Type" pair sets @body's type (default FHIR JSON). Retried on
 * transient faults when idempotent: GET, PUT, DELETE, a search by POST
 * (Type/_search) and a conditional create (If-None-Exist). Returns the
 * response for 2xx (and 304); other statuses → GError as above, with the
 * response body's OperationOutcome diagnostics in the message. A 2xx JSON body is checked to be complete, valid JSON of a FHIR content type. */
MkResponse *mk_client_request           (MkClient            *self,
                                         const char          *method,
                                         const char          *path_or_url,
                                         const char * const  *headers,
                                         GBytes              *body,
                                         GCancellable        *cancellable,
                                         GError             **error);

G_END_DECLS
