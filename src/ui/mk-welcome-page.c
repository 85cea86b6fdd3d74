/* mk-welcome-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mk-welcome-page.h"
#include "mk-ui-template.h"

struct _MkWelcomePage
{
  AdwBin         parent_instance;

  AdwStatusPage *status_page;
  GtkButton     *demo_button;
  GtkButton     *connect_button;
};

G_DEFINE_FINAL_TYPE (MkWelcomePage, mk_welcome_page, ADW_TYPE_BIN)

static void
mk_welcome_page_dispose (GObject *object)
{
  /* AdwBin keeps its own pointer to the child: drop it before the
   * template children go. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), MK_TYPE_WELCOME_PAGE);

  G_OBJECT_CLASS (mk_welcome_page_parent_class)->dispose (object);
}

static void
mk_welcome_page_class_init (MkWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mk_welcome_page_dispose;

  mk_ui_class_set_template (widget_class, "mk-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MkWelcomePage, status_page);
  gtk_widget_class_bind_template_child (widget_class, MkWelcomePage, demo_button);
  gtk_widget_class_bind_template_child (widget_class, MkWelcomePage, connect_button);
}

static void
mk_welcome_page_init (MkWelcomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
mk_welcome_page_new (void)
{
  return g_object_new (MK_TYPE_WELCOME_PAGE, NULL);
}
