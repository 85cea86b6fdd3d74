/* mk-notification-item.h — one recent notification, as a list item
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "mk-notification-log.h"

G_BEGIN_DECLS

#define MK_TYPE_NOTIFICATION_ITEM (mk_notification_item_get_type ())
G_DECLARE_FINAL_TYPE (MkNotificationItem, mk_notification_item, MK, NOTIFICATION_ITEM, GObject)

/* Read-only properties: "key", "title", "body", "resource" ("Type/id" or
 * NULL), "time" (when it was shown, formatted in the local zone), "state"
 * (MkNotificationState as int) and "state-label" (translated). */
MkNotificationItem  *mk_notification_item_new             (const MkNotificationRecord *record);

const char          *mk_notification_item_get_key         (MkNotificationItem *self);
const char          *mk_notification_item_get_title       (MkNotificationItem *self);
const char          *mk_notification_item_get_body        (MkNotificationItem *self);
const char          *mk_notification_item_get_resource    (MkNotificationItem *self);
const char          *mk_notification_item_get_time        (MkNotificationItem *self);
MkNotificationState  mk_notification_item_get_state       (MkNotificationItem *self);
const char          *mk_notification_item_get_state_label (MkNotificationItem *self);

G_END_DECLS
