/* mk-status-pill.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mk-status-pill.h"

struct _MkStatusPill
{
  GtkWidget          parent_instance;

  GtkWidget         *box;
  GtkImage          *icon;
  GtkLabel          *label;
  MkStatusPillStyle  style;
};

G_DEFINE_FINAL_TYPE (MkStatusPill, mk_status_pill, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_LABEL, N_PROPS };
static GParamSpec *properties [N_PROPS];

static const char * const style_classes[] = {
  [MK_STATUS_PILL_NEUTRAL] = "dim",
  [MK_STATUS_PILL_SUCCESS] = "success",
  [MK_STATUS_PILL_WARNING] = "warning",
  [MK_STATUS_PILL_ERROR] = "error",
};

static void
mk_status_pill_dispose (GObject *object)
{
  MkStatusPill *self = MK_STATUS_PILL (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);

  G_OBJECT_CLASS (mk_status_pill_parent_class)->dispose (object);
}

static void
mk_status_pill_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  MkStatusPill *self = MK_STATUS_PILL (object);

  switch (prop_id)
    {
    case PROP_LABEL:
      g_value_set_string (value, mk_status_pill_get_label (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mk_status_pill_class_init (MkStatusPillClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mk_status_pill_dispose;
  object_class->get_property = mk_status_pill_get_property;

  properties [PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "mkstatuspill");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_STATUS);
}

static void
mk_status_pill_init (MkStatusPill *self)
{
  self->box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  gtk_widget_add_css_class (self->box, "status-pill");
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  self->icon = GTK_IMAGE (gtk_image_new ());
  gtk_widget_set_visible (GTK_WIDGET (self->icon), FALSE);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->icon));

  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->label));

  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
mk_status_pill_new (void)
{
  return g_object_new (MK_TYPE_STATUS_PILL, NULL);
}

void
mk_status_pill_set (MkStatusPill      *self,
                    const char        *label,
                    MkStatusPillStyle  style,
                    const char        *icon_name)
{
  g_return_if_fail (MK_IS_STATUS_PILL (self));
  g_return_if_fail (style <= MK_STATUS_PILL_ERROR);

  for (guint i = 0; i < G_N_ELEMENTS (style_classes); i++)
    gtk_widget_remove_css_class (self->box, style_classes[i]);
  gtk_widget_add_css_class (self->box, style_classes[style]);
  self->style = style;

  gtk_label_set_label (self->label, label != NULL ? label : "");
  gtk_image_set_from_icon_name (self->icon, icon_name);
  gtk_widget_set_visible (GTK_WIDGET (self->icon), icon_name != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self), label != NULL && *label != '\0');

  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_LABEL]);
}

const char *
mk_status_pill_get_label (MkStatusPill *self)
{
  g_return_val_if_fail (MK_IS_STATUS_PILL (self), NULL);

  return gtk_label_get_label (self->label);
}

MkStatusPillStyle
mk_status_pill_get_style (MkStatusPill *self)
{
  g_return_val_if_fail (MK_IS_STATUS_PILL (self), MK_STATUS_PILL_NEUTRAL);

  return self->style;
}
