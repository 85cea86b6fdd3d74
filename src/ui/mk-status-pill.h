/* mk-status-pill.h — a small status badge: icon + text, never colour alone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  MK_STATUS_PILL_NEUTRAL,   /* .status-pill.dim */
  MK_STATUS_PILL_SUCCESS,   /* .status-pill.success */
  MK_STATUS_PILL_WARNING,   /* .status-pill.warning */
  MK_STATUS_PILL_ERROR,     /* .status-pill.error */
} MkStatusPillStyle;

#define MK_TYPE_STATUS_PILL (mk_status_pill_get_type ())
G_DECLARE_FINAL_TYPE (MkStatusPill, mk_status_pill, MK, STATUS_PILL, GtkWidget)

GtkWidget   *mk_status_pill_new       (void);
/* Shows @label with @style and an optional @icon_name; a NULL or empty
 * @label hides the pill. */
void         mk_status_pill_set       (MkStatusPill      *self,
                                       const char        *label,
                                       MkStatusPillStyle  style,
                                       const char        *icon_name);
/* The text shown ("" while hidden). */
const char  *mk_status_pill_get_label (MkStatusPill      *self);
MkStatusPillStyle mk_status_pill_get_style (MkStatusPill *self);

G_END_DECLS
