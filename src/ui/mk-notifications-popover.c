/* mk-notifications-popover.c — the recent notifications, under the bell
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mk-notification-item.h"
#include "mk-notification-log.h"
#include "mk-notifications-popover.h"
#include "mk-ui-template.h"
#include "mk-window.h"

/* How many past notifications the list shows. */
#define RECENT_LIMIT 50

struct _MkNotificationsPopover
{
  GtkPopover    parent_instance;

  MkStore      *store;

  /* Template widgets */
  GtkStack     *stack;
  GtkListView  *list_view;
  GListStore   *items;
};

G_DEFINE_FINAL_TYPE (MkNotificationsPopover, mk_notifications_popover, GTK_TYPE_POPOVER)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static MkStore *
mk_notifications_popover_find_store (MkNotificationsPopover *self)
{
  GtkRoot *root;

  if (self->store != NULL)
    return self->store;

  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (MK_IS_WINDOW (root))
    return mk_window_get_store (MK_WINDOW (root));

  return NULL;
}

void
mk_notifications_popover_reload (MkNotificationsPopover *self)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  MkStore *store;

  g_return_if_fail (MK_IS_NOTIFICATIONS_POPOVER (self));

  items = g_ptr_array_new_with_free_func (g_object_unref);
  store = mk_notifications_popover_find_store (self);
  if (store != NULL)
    {
      records = mk_store_list_notifications (store, RECENT_LIMIT, &error);
      if (records == NULL)
        g_warning ("Cannot list the recent notifications: %s", error->message);
    }

  for (guint i = 0; records != NULL && i < records->len; i++)
    g_ptr_array_add (items, mk_notification_item_new (g_ptr_array_index (records, i)));

  g_list_store_splice (self->items, 0, g_list_model_get_n_items (G_LIST_MODEL (self->items)),
                       items->pdata, items->len);
  gtk_stack_set_visible_child_name (self->stack, items->len > 0 ? "list" : "empty");
}

void
mk_notifications_popover_activate (MkNotificationsPopover *self,
                                   guint                   position)
{
  g_autoptr(MkNotificationItem) item = NULL;
  const char *resource;

  g_return_if_fail (MK_IS_NOTIFICATIONS_POPOVER (self));

  item = g_list_model_get_item (G_LIST_MODEL (self->items), position);
  if (item == NULL)
    return;

  resource = mk_notification_item_get_resource (item);
  gtk_popover_popdown (GTK_POPOVER (self));
  if (resource != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "app.open", "s", resource);
}

static void
on_list_activate (MkNotificationsPopover *self,
                  guint                   position)
{
  mk_notifications_popover_activate (self, position);
}

static void
mk_notifications_popover_show (GtkWidget *widget)
{
  mk_notifications_popover_reload (MK_NOTIFICATIONS_POPOVER (widget));

  GTK_WIDGET_CLASS (mk_notifications_popover_parent_class)->show (widget);
}

static void
mk_notifications_popover_dispose (GObject *object)
{
  MkNotificationsPopover *self = MK_NOTIFICATIONS_POPOVER (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MK_TYPE_NOTIFICATIONS_POPOVER);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (mk_notifications_popover_parent_class)->dispose (object);
}

static void
mk_notifications_popover_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  MkNotificationsPopover *self = MK_NOTIFICATIONS_POPOVER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mk_notifications_popover_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  MkNotificationsPopover *self = MK_NOTIFICATIONS_POPOVER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      mk_notifications_popover_set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mk_notifications_popover_class_init (MkNotificationsPopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mk_notifications_popover_dispose;
  object_class->get_property = mk_notifications_popover_get_property;
  object_class->set_property = mk_notifications_popover_set_property;

  widget_class->show = mk_notifications_popover_show;

  properties [PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, MK_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (MK_TYPE_NOTIFICATION_ITEM);

  mk_ui_class_set_template (widget_class, "mk-notifications-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, MkNotificationsPopover, stack);
  gtk_widget_class_bind_template_child (widget_class, MkNotificationsPopover, list_view);
  gtk_widget_class_bind_template_child (widget_class, MkNotificationsPopover, items);
  gtk_widget_class_bind_template_callback (widget_class, on_list_activate);
}

static void
mk_notifications_popover_init (MkNotificationsPopover *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

GtkWidget *
mk_notifications_popover_new (void)
{
  return g_object_new (MK_TYPE_NOTIFICATIONS_POPOVER, NULL);
}

void
mk_notifications_popover_set_store (MkNotificationsPopover *self,
                                    MkStore                *store)
{
  g_return_if_fail (MK_IS_NOTIFICATIONS_POPOVER (self));
  g_return_if_fail (store == NULL || MK_IS_STORE (store));

  if (g_set_object (&self->store, store))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

MkStore *
mk_notifications_popover_get_store (MkNotificationsPopover *self)
{
  g_return_val_if_fail (MK_IS_NOTIFICATIONS_POPOVER (self), NULL);

  return self->store;
}

GListModel *
mk_notifications_popover_get_model (MkNotificationsPopover *self)
{
  g_return_val_if_fail (MK_IS_NOTIFICATIONS_POPOVER (self), NULL);

  return G_LIST_MODEL (self->items);
}

gboolean
mk_notifications_popover_is_empty (MkNotificationsPopover *self)
{
  g_return_val_if_fail (MK_IS_NOTIFICATIONS_POPOVER (self), TRUE);

  return g_list_model_get_n_items (G_LIST_MODEL (self->items)) == 0;
}
