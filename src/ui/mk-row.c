/* mk-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the four list rows share: the store and clock they are made with,
 * the resource they show, and disposing a template whose root is not bound
 * to a field. A subclass fills in MkRowClass.update.
 */
#include "config.h"

#include "mk-row.h"

typedef struct
{
  MkStore    *store;
  MkClock    *clock;
  MkResource *resource;
} MkRowPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (MkRow, mk_row, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_STORE, PROP_CLOCK, PROP_RESOURCE, N_PROPS };
static GParamSpec *properties [N_PROPS];

static void
mk_row_dispose (GObject *object)
{
  MkRow *self = MK_ROW (object);
  MkRowPrivate *priv = mk_row_get_instance_private (self);
  GtkWidget *child;

  /* The subclass has disposed its template; the template's root box is
   * not bound to a field: unparent it too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&priv->resource);
  g_clear_object (&priv->store);
  g_clear_object (&priv->clock);

  G_OBJECT_CLASS (mk_row_parent_class)->dispose (object);
}

static void
mk_row_get_property (GObject    *object,
                     guint       prop_id,
                     GValue     *value,
                     GParamSpec *pspec)
{
  MkRow *self = MK_ROW (object);
  MkRowPrivate *priv = mk_row_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, priv->store);
      break;
    case PROP_CLOCK:
      g_value_set_object (value, priv->clock);
      break;
    case PROP_RESOURCE:
      g_value_set_object (value, priv->resource);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mk_row_set_property (GObject      *object,
                     guint         prop_id,
                     const GValue *value,
                     GParamSpec   *pspec)
{
  MkRow *self = MK_ROW (object);
  MkRowPrivate *priv = mk_row_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_STORE:
      priv->store = g_value_dup_object (value);
      break;
    case PROP_CLOCK:
      priv->clock = g_value_dup_object (value);
      break;
    case PROP_RESOURCE:
      mk_row_set_resource (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mk_row_class_init (MkRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mk_row_dispose;
  object_class->get_property = mk_row_get_property;
  object_class->set_property = mk_row_set_property;

  properties [PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, MK_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties [PROP_CLOCK] =
    g_param_spec_object ("clock", NULL, NULL, MK_TYPE_CLOCK,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties [PROP_RESOURCE] =
    g_param_spec_object ("resource", NULL, NULL, MK_TYPE_RESOURCE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mk_row_init (MkRow *self)
{
}

MkStore *
mk_row_get_store (MkRow *self)
{
  MkRowPrivate *priv;

  g_return_val_if_fail (MK_IS_ROW (self), NULL);

  priv = mk_row_get_instance_private (self);
  return priv->store;
}

MkClock *
mk_row_get_clock (MkRow *self)
{
  MkRowPrivate *priv;

  g_return_val_if_fail (MK_IS_ROW (self), NULL);

  priv = mk_row_get_instance_private (self);
  return priv->clock;
}

MkResource *
mk_row_get_resource (MkRow *self)
{
  MkRowPrivate *priv;

  g_return_val_if_fail (MK_IS_ROW (self), NULL);

  priv = mk_row_get_instance_private (self);
  return priv->resource;
}

void
mk_row_set_resource (MkRow      *self,
                     MkResource *resource)
{
  MkRowPrivate *priv;
  MkRowClass *klass;

  g_return_if_fail (MK_IS_ROW (self));
  g_return_if_fail (resource == NULL || MK_IS_RESOURCE (resource));

  priv = mk_row_get_instance_private (self);
  klass = MK_ROW_GET_CLASS (self);

  if (!g_set_object (&priv->resource, resource) && !klass->always_update)
    return;

  if (klass->update != NULL)
    klass->update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_RESOURCE]);
}
