/* mk-resource.h — one FHIR resource as stored in the mirror
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define MK_TYPE_RESOURCE (mk_resource_get_type ())
G_DECLARE_FINAL_TYPE (MkResource, mk_resource, MK, RESOURCE, GObject)

/* The stored row: the server's JSON exactly as received plus the derived,
 * indexed columns (see MkResourceIndex). Immutable once created. */
MkResource  *mk_resource_new              (const char *resource_type,
                                           const char *id,
                                           const char *version_id,
                                           const char *last_updated,
                                           const char *json,
                                           const char *date,
                                           const char *status,
                                           const char *kind,
                                           const char *code,
                                           const char *subject);

const char  *mk_resource_get_resource_type (MkResource *self);
const char  *mk_resource_get_id            (MkResource *self);
const char  *mk_resource_get_version_id    (MkResource *self);
const char  *mk_resource_get_last_updated  (MkResource *self);
/* The lossless JSON text. */
const char  *mk_resource_get_json          (MkResource *self);
/* Derived columns (may be NULL). */
const char  *mk_resource_get_date          (MkResource *self);
const char  *mk_resource_get_status        (MkResource *self);
const char  *mk_resource_get_kind          (MkResource *self);
const char  *mk_resource_get_code          (MkResource *self);
const char  *mk_resource_get_subject       (MkResource *self);

/* The parsed JSON object, parsed on first use and owned by @self.
 * Never NULL for a resource that came from the store (the store only
 * accepts valid JSON objects). */
JsonObject  *mk_resource_get_object        (MkResource *self);

G_END_DECLS
