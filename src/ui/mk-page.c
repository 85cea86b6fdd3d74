/* mk-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the five views share: the store they show and the clock they ask
 * for now. A subclass chains up in constructed() first; from then on the
 * clock is never NULL.
 */
#include "config.h"

#include "mk-page.h"

typedef struct
{
  MkStore *store;
  MkClock *clock;
} MkPagePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (MkPage, mk_page, ADW_TYPE_BIN)

enum { PROP_0, PROP_STORE, PROP_CLOCK, N_PROPS };
static GParamSpec *properties [N_PROPS];

static void
mk_page_constructed (GObject *object)
{
  MkPage *self = MK_PAGE (object);
  MkPagePrivate *priv = mk_page_get_instance_private (self);

  G_OBJECT_CLASS (mk_page_parent_class)->constructed (object);

  if (priv->clock == NULL)
    priv->clock = g_object_ref (mk_clock_get_default ());
}

static void
mk_page_dispose (GObject *object)
{
  MkPage *self = MK_PAGE (object);
  MkPagePrivate *priv = mk_page_get_instance_private (self);

  g_clear_object (&priv->store);
  g_clear_object (&priv->clock);

  G_OBJECT_CLASS (mk_page_parent_class)->dispose (object);
}

static void
mk_page_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  MkPage *self = MK_PAGE (object);
  MkPagePrivate *priv = mk_page_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, priv->store);
      break;
    case PROP_CLOCK:
      g_value_set_object (value, priv->clock);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mk_page_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  MkPage *self = MK_PAGE (object);
  MkPagePrivate *priv = mk_page_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_STORE:
      priv->store = g_value_dup_object (value);
      break;
    case PROP_CLOCK:
      priv->clock = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mk_page_class_init (MkPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = mk_page_constructed;
  object_class->dispose = mk_page_dispose;
  object_class->get_property = mk_page_get_property;
  object_class->set_property = mk_page_set_property;

  properties [PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, MK_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties [PROP_CLOCK] =
    g_param_spec_object ("clock", NULL, NULL, MK_TYPE_CLOCK,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mk_page_init (MkPage *self)
{
}

/* The store the page shows; NULL when there is no card. */
MkStore *
mk_page_get_store (MkPage *self)
{
  MkPagePrivate *priv;

  g_return_val_if_fail (MK_IS_PAGE (self), NULL);

  priv = mk_page_get_instance_private (self);
  return priv->store;
}

/* The clock the page asks for now (the default clock unless one was given). */
MkClock *
mk_page_get_clock (MkPage *self)
{
  MkPagePrivate *priv;

  g_return_val_if_fail (MK_IS_PAGE (self), NULL);

  priv = mk_page_get_instance_private (self);
  return priv->clock;
}

MkResource *
mk_page_find_patient (MkPage  *self,
                      GError **error)
{
  MkStore *store = mk_page_get_store (self);
  g_autofree char *reference = NULL;
  g_autoptr(MkQuery) query = NULL;
  g_autoptr(GPtrArray) page = NULL;

  if (store == NULL)
    return NULL;

  reference = mk_store_get_meta (store, "patient", NULL);
  if (reference != NULL && *reference != '\0')
    {
      g_autoptr(GError) local_error = NULL;
      MkResource *resource = mk_store_resolve_reference (store, reference, &local_error);

      if (resource != NULL)
        return resource;
      if (!g_error_matches (local_error, MK_STORE_ERROR, MK_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }

  query = mk_query_new ();
  mk_query_add_type (query, "Patient");
  page = mk_store_query_page (store, query, 0, 1, error);
  if (page == NULL || page->len == 0)
    return NULL;

  return g_object_ref (g_ptr_array_index (page, 0));
}

void
mk_page_scope_query (MkPage  *self,
                     MkQuery *query)
{
  g_autoptr(MkResource) patient = mk_page_find_patient (self, NULL);

  if (patient != NULL)
    {
      g_autofree char *subject = g_strconcat ("Patient/", mk_resource_get_id (patient), NULL);

      mk_query_set_subject (query, subject);
    }
}

MkQuery *
mk_page_new_query (MkPage *self)
{
  MkQuery *query = mk_query_new ();

  mk_page_scope_query (self, query);
  return query;
}
