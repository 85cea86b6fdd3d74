/* mk-ui-template.h — the .ui templates of the app's widget classes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Sets @widget_class's template to resources/ui/@ui_file (compiled in as
 * /io/github/medkarta/Medkarta/ui/@ui_file). */
void mk_ui_class_set_template (GtkWidgetClass *widget_class,
                               const char     *ui_file);

G_END_DECLS
