/* mk-notifications-popover.h — the recent notifications, under the bell
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "mk-store.h"

G_BEGIN_DECLS

#define MK_TYPE_NOTIFICATIONS_POPOVER (mk_notifications_popover_get_type ())
G_DECLARE_FINAL_TYPE (MkNotificationsPopover, mk_notifications_popover, MK, NOTIFICATIONS_POPOVER, GtkPopover)

GtkWidget  *mk_notifications_popover_new       (void);

/* The store whose notification log is listed; when NULL, the store of the
 * MkWindow the popover is in. */
void        mk_notifications_popover_set_store (MkNotificationsPopover *self,
                                                MkStore                *store);
MkStore    *mk_notifications_popover_get_store (MkNotificationsPopover *self);

/* Re-reads the log (done each time the popover is shown). */
void        mk_notifications_popover_reload    (MkNotificationsPopover *self);
/* The items (MkNotificationItem), newest first. */
GListModel *mk_notifications_popover_get_model (MkNotificationsPopover *self);
gboolean    mk_notifications_popover_is_empty  (MkNotificationsPopover *self);
/* Opens the item at @position (app.open) and closes the popover, as a
 * click on its row does. */
void        mk_notifications_popover_activate  (MkNotificationsPopover *self,
                                                guint                   position);

G_END_DECLS
