/* mk-resource-list.c — a GListModel of MkResource paged from the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mk-resource-list.h"

#define PAGE_SIZE 50
#define MAX_PAGES 4

typedef struct
{
  guint      index;   /* page number */
  GPtrArray *items;   /* MkResource */
} Page;

struct _MkResourceList
{
  GObject   parent_instance;

  MkStore  *store;
  MkQuery  *query;
  guint     n_items;
  GQueue    pages;    /* Page*, most recently used first */
  gboolean  ready;    /* constructed */
};

static void mk_resource_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MkResourceList, mk_resource_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, mk_resource_list_model_init))

enum {
  PROP_0,
  PROP_STORE,
  PROP_QUERY,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static void
page_free (gpointer data)
{
  Page *page = data;

  g_ptr_array_unref (page->items);
  g_free (page);
}

static void
clear_pages (MkResourceList *self)
{
  g_queue_clear_full (&self->pages, page_free);
}

static guint
count_items (MkResourceList *self)
{
  g_autoptr(GError) error = NULL;
  guint n;

  if (self->store == NULL)
    return 0;

  n = mk_store_query_count (self->store, self->query, &error);
  if (error != NULL)
    {
      g_warning ("Could not count a list of resources: %s", error->message);
      return 0;
    }

  return n;
}

static void
refresh (MkResourceList *self)
{
  guint old_n = self->n_items;

  clear_pages (self);
  self->n_items = count_items (self);

  g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, self->n_items);
  if (old_n != self->n_items)
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_N_ITEMS]);
}

static void
on_store_changed (MkResourceList *self,
                  MkStore        *store)
{
  refresh (self);
}

static Page *
lookup_page (MkResourceList *self,
             guint           index)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *items;
  Page *page;

  for (GList *l = self->pages.head; l != NULL; l = l->next)
    {
      page = l->data;
      if (page->index == index)
        {
          if (l != self->pages.head)
            {
              g_queue_unlink (&self->pages, l);
              g_queue_push_head_link (&self->pages, l);
            }
          return page;
        }
    }

  items = mk_store_query_page (self->store, self->query, index * PAGE_SIZE, PAGE_SIZE, &error);
  if (items == NULL)
    {
      g_warning ("Could not read a page of resources: %s", error->message);
      return NULL;
    }

  page = g_new0 (Page, 1);
  page->index = index;
  page->items = items;
  g_queue_push_head (&self->pages, page);

  while (g_queue_get_length (&self->pages) > MAX_PAGES)
    page_free (g_queue_pop_tail (&self->pages));

  return page;
}

/* GListModel */

static GType
mk_resource_list_get_item_type (GListModel *model)
{
  return MK_TYPE_RESOURCE;
}

static guint
mk_resource_list_get_n_items (GListModel *model)
{
  return MK_RESOURCE_LIST (model)->n_items;
}

static gpointer
mk_resource_list_get_item (GListModel *model,
                           guint       position)
{
  MkResourceList *self = MK_RESOURCE_LIST (model);
  Page *page;
  guint offset;

  if (position >= self->n_items)
    return NULL;

  page = lookup_page (self, position / PAGE_SIZE);
  offset = position % PAGE_SIZE;
  if (page == NULL || offset >= page->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (page->items, offset));
}

static void
mk_resource_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = mk_resource_list_get_item_type;
  iface->get_n_items = mk_resource_list_get_n_items;
  iface->get_item = mk_resource_list_get_item;
}

/* GObject */

static void
mk_resource_list_constructed (GObject *object)
{
  MkResourceList *self = MK_RESOURCE_LIST (object);

  G_OBJECT_CLASS (mk_resource_list_parent_class)->constructed (object);

  if (self->query == NULL)
    self->query = mk_query_new ();

  if (self->store != NULL)
    g_signal_connect_object (self->store, "changed",
                             G_CALLBACK (on_store_changed), self, G_CONNECT_SWAPPED);

  self->n_items = count_items (self);
  self->ready = TRUE;
}

static void
mk_resource_list_finalize (GObject *object)
{
  MkResourceList *self = MK_RESOURCE_LIST (object);

  clear_pages (self);
  g_clear_pointer (&self->query, mk_query_unref);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (mk_resource_list_parent_class)->finalize (object);
}

static void
mk_resource_list_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  MkResourceList *self = MK_RESOURCE_LIST (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_QUERY:
      g_value_set_boxed (value, self->query);
      break;

    case PROP_N_ITEMS:
      g_value_set_uint (value, self->n_items);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mk_resource_list_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  MkResourceList *self = MK_RESOURCE_LIST (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    case PROP_QUERY:
      if (!self->ready)
        self->query = g_value_dup_boxed (value);
      else
        mk_resource_list_set_query (self, g_value_get_boxed (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mk_resource_list_class_init (MkResourceListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = mk_resource_list_constructed;
  object_class->finalize = mk_resource_list_finalize;
  object_class->get_property = mk_resource_list_get_property;
  object_class->set_property = mk_resource_list_set_property;

  properties [PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         MK_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties [PROP_QUERY] =
    g_param_spec_boxed ("query", NULL, NULL,
                        MK_TYPE_QUERY,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties [PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mk_resource_list_init (MkResourceList *self)
{
  g_queue_init (&self->pages);
}

MkResourceList *
mk_resource_list_new (MkStore *store,
                      MkQuery *query)
{
  g_return_val_if_fail (MK_IS_STORE (store), NULL);

  return g_object_new (MK_TYPE_RESOURCE_LIST,
                       "store", store,
                       "query", query,
                       NULL);
}

MkStore *
mk_resource_list_get_store (MkResourceList *self)
{
  g_return_val_if_fail (MK_IS_RESOURCE_LIST (self), NULL);

  return self->store;
}

MkQuery *
mk_resource_list_get_query (MkResourceList *self)
{
  g_return_val_if_fail (MK_IS_RESOURCE_LIST (self), NULL);

  return self->query;
}

void
mk_resource_list_set_query (MkResourceList *self,
                            MkQuery        *query)
{
  g_return_if_fail (MK_IS_RESOURCE_LIST (self));

  if (query == self->query && query != NULL)
    {
      /* The caller may have changed it in place: reload anyway. */
      refresh (self);
      return;
    }

  g_clear_pointer (&self->query, mk_query_unref);
  self->query = query != NULL ? mk_query_ref (query) : mk_query_new ();

  refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_QUERY]);
}

void
mk_resource_list_reload (MkResourceList *self)
{
  g_return_if_fail (MK_IS_RESOURCE_LIST (self));

  refresh (self);
}
