/* mk-ui-template.c — the .ui templates of the app's widget classes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mk-ui-resources.h"
#include "mk-ui-template.h"

void
mk_ui_class_set_template (GtkWidgetClass *widget_class,
                          const char     *ui_file)
{
  g_autofree char *path = g_strconcat ("/io/github/medkarta/Medkarta/ui/", ui_file, NULL);

  /* The resources live in a static library: referencing them keeps them
   * linked in (their constructor registers them). */
  (void) mk_ui_get_resource ();
  gtk_widget_class_set_template_from_resource (widget_class, path);
}
