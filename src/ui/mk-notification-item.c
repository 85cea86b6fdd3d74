/* mk-notification-item.c — one recent notification, as a list item
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mk-format.h"
#include "mk-notification-item.h"

struct _MkNotificationItem
{
  GObject              parent_instance;

  char                *key;
  char                *title;
  char                *body;
  char                *resource;
  char                *time;
  MkNotificationState  state;
};

G_DEFINE_FINAL_TYPE (MkNotificationItem, mk_notification_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KEY,
  PROP_TITLE,
  PROP_BODY,
  PROP_RESOURCE,
  PROP_TIME,
  PROP_STATE,
  PROP_STATE_LABEL,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static void
mk_notification_item_finalize (GObject *object)
{
  MkNotificationItem *self = MK_NOTIFICATION_ITEM (object);

  g_free (self->key);
  g_free (self->title);
  g_free (self->body);
  g_free (self->resource);
  g_free (self->time);

  G_OBJECT_CLASS (mk_notification_item_parent_class)->finalize (object);
}

static void
mk_notification_item_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  MkNotificationItem *self = MK_NOTIFICATION_ITEM (object);

  switch (prop_id)
    {
    case PROP_KEY:
      g_value_set_string (value, self->key);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_BODY:
      g_value_set_string (value, self->body);
      break;
    case PROP_RESOURCE:
      g_value_set_string (value, self->resource);
      break;
    case PROP_TIME:
      g_value_set_string (value, self->time);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_STATE_LABEL:
      g_value_set_string (value, mk_notification_item_get_state_label (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mk_notification_item_class_init (MkNotificationItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mk_notification_item_finalize;
  object_class->get_property = mk_notification_item_get_property;

  properties [PROP_KEY] =
    g_param_spec_string ("key", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties [PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties [PROP_BODY] =
    g_param_spec_string ("body", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties [PROP_RESOURCE] =
    g_param_spec_string ("resource", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties [PROP_TIME] =
    g_param_spec_string ("time", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties [PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, MK_NOTIFICATION_SHOWN, MK_NOTIFICATION_MERGED,
                      MK_NOTIFICATION_SHOWN, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties [PROP_STATE_LABEL] =
    g_param_spec_string ("state-label", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mk_notification_item_init (MkNotificationItem *self)
{
}

MkNotificationItem *
mk_notification_item_new (const MkNotificationRecord *record)
{
  MkNotificationItem *self;

  g_return_val_if_fail (record != NULL, NULL);

  self = g_object_new (MK_TYPE_NOTIFICATION_ITEM, NULL);
  self->key = g_strdup (record->key);
  self->title = g_strdup (record->title);
  self->body = g_strdup (record->body);
  self->resource = g_strdup (record->resource);
  self->time = record->fired_at != NULL ? mk_format_fhir_date_time (record->fired_at) : NULL;
  self->state = record->state;

  return self;
}

const char *
mk_notification_item_get_key (MkNotificationItem *self)
{
  g_return_val_if_fail (MK_IS_NOTIFICATION_ITEM (self), NULL);
  return self->key;
}

const char *
mk_notification_item_get_title (MkNotificationItem *self)
{
  g_return_val_if_fail (MK_IS_NOTIFICATION_ITEM (self), NULL);
  return self->title;
}

const char *
mk_notification_item_get_body (MkNotificationItem *self)
{
  g_return_val_if_fail (MK_IS_NOTIFICATION_ITEM (self), NULL);
  return self->body;
}

const char *
mk_notification_item_get_resource (MkNotificationItem *self)
{
  g_return_val_if_fail (MK_IS_NOTIFICATION_ITEM (self), NULL);
  return self->resource;
}

const char *
mk_notification_item_get_time (MkNotificationItem *self)
{
  g_return_val_if_fail (MK_IS_NOTIFICATION_ITEM (self), NULL);
  return self->time;
}

MkNotificationState
mk_notification_item_get_state (MkNotificationItem *self)
{
  g_return_val_if_fail (MK_IS_NOTIFICATION_ITEM (self), MK_NOTIFICATION_SHOWN);
  return self->state;
}

const char *
mk_notification_item_get_state_label (MkNotificationItem *self)
{
  g_return_val_if_fail (MK_IS_NOTIFICATION_ITEM (self), NULL);

  switch (self->state)
    {
    case MK_NOTIFICATION_WITHDRAWN:
      /* Translators: the state of a past notification: no longer true
       * (the visit was cancelled or moved…) */
      return C_("notification state", "Withdrawn");
    case MK_NOTIFICATION_MERGED:
      /* Translators: the state of a past notification: it was missed while
       * the computer was off and shown in a summary instead */
      return C_("notification state", "In a summary");
    case MK_NOTIFICATION_SHOWN:
    default:
      /* Translators: the state of a past notification */
      return C_("notification state", "Shown");
    }
}
