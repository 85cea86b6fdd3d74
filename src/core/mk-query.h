/* mk-query.h — what a list shows: a filter over the mirror
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  MK_QUERY_SORT_DATE_DESC,   /* newest first (default); rows without a date last */
  MK_QUERY_SORT_DATE_ASC,    /* oldest first; rows without a date last */
} MkQuerySort;

#define MK_TYPE_QUERY (mk_query_get_type ())
typedef struct _MkQuery MkQuery;

GType        mk_query_get_type       (void) G_GNUC_CONST;
MkQuery     *mk_query_new            (void);
MkQuery     *mk_query_ref            (MkQuery            *self);
void         mk_query_unref          (MkQuery            *self);
MkQuery     *mk_query_copy           (const MkQuery      *self);

/* Resource types are OR'ed; no type = every type. */
void         mk_query_add_type       (MkQuery            *self,
                                      const char         *resource_type);
/* Kinds are OR'ed (see mk-fhir-index.h); none = any kind. */
void         mk_query_add_kind       (MkQuery            *self,
                                      const char         *kind);
/* Statuses are OR'ed; none = any status. */
void         mk_query_add_status     (MkQuery            *self,
                                      const char         *status);
void         mk_query_set_code       (MkQuery            *self,
                                      const char         *code);
void         mk_query_set_subject    (MkQuery            *self,
                                      const char         *reference);
/* Inclusive ISO 8601 bounds compared against the derived date column;
 * NULL leaves that side open. "2024-01-01" .. "2024-12-31" covers the year. */
void         mk_query_set_date_range (MkQuery            *self,
                                      const char         *from,
                                      const char         *to);
/* Free text the user typed; matched against the FTS index
 * (case-insensitive, е/ё folded). NULL or "" = no text filter. */
void         mk_query_set_text       (MkQuery            *self,
                                      const char         *text);
void         mk_query_set_sort       (MkQuery            *self,
                                      MkQuerySort         sort);

const char * const *mk_query_get_types    (const MkQuery *self);
const char * const *mk_query_get_kinds    (const MkQuery *self);
const char * const *mk_query_get_statuses (const MkQuery *self);
const char  *mk_query_get_code       (const MkQuery      *self);
const char  *mk_query_get_subject    (const MkQuery      *self);
const char  *mk_query_get_date_from  (const MkQuery      *self);
const char  *mk_query_get_date_to    (const MkQuery      *self);
const char  *mk_query_get_text       (const MkQuery      *self);
MkQuerySort  mk_query_get_sort       (const MkQuery      *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkQuery, mk_query_unref)

G_END_DECLS
