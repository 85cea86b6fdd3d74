/* mk-resource-list.h — a GListModel of MkResource paged from the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mk-store.h"

G_BEGIN_DECLS

#define MK_TYPE_RESOURCE_LIST (mk_resource_list_get_type ())
G_DECLARE_FINAL_TYPE (MkResourceList, mk_resource_list, MK, RESOURCE_LIST, GObject)

/* Items are fetched from SQLite a page at a time when first asked for and
 * kept in a small cache; the list never loads a whole table. It reloads
 * itself (emitting items-changed) when the store emits ::changed.
 * Properties: "store" (MkStore, construct-only), "query" (MkQuery boxed),
 * "n-items" (guint, notified). */
MkResourceList *mk_resource_list_new       (MkStore        *store,
                                            MkQuery        *query);
MkStore        *mk_resource_list_get_store (MkResourceList *self);
MkQuery        *mk_resource_list_get_query (MkResourceList *self);
/* Replaces the filter and emits items-changed (0, old, new). */
void            mk_resource_list_set_query (MkResourceList *self,
                                            MkQuery        *query);
void            mk_resource_list_reload    (MkResourceList *self);

G_END_DECLS
