/* mk-list-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mk-list-util.h"

typedef struct
{
  MkPage            *page;   /* not owned: the page owns the list view */
  MkListUtilRowFunc  create_row;
} RowFactory;

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           RowFactory               *row_factory)
{
  gtk_list_item_set_child (item, row_factory->create_row (row_factory->page));
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  g_object_set (gtk_list_item_get_child (item), "resource", gtk_list_item_get_item (item), NULL);
}

static void
unbind_row (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  g_object_set (gtk_list_item_get_child (item), "resource", NULL, NULL);
}

void
mk_list_util_set_row_factory (GtkListView       *list_view,
                              MkPage            *page,
                              MkListUtilRowFunc  create_row)
{
  g_autoptr(GtkListItemFactory) factory = NULL;
  RowFactory *row_factory;

  g_return_if_fail (GTK_IS_LIST_VIEW (list_view));
  g_return_if_fail (MK_IS_PAGE (page));
  g_return_if_fail (create_row != NULL);

  factory = gtk_signal_list_item_factory_new ();
  row_factory = g_new0 (RowFactory, 1);
  row_factory->page = page;
  row_factory->create_row = create_row;
  g_signal_connect_data (factory, "setup", G_CALLBACK (setup_row), row_factory,
                         (GClosureNotify) (void (*) (void)) g_free, 0);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row), NULL);
  gtk_list_view_set_factory (list_view, factory);
}

void
mk_list_util_set_model (GtkListView *list_view,
                        GListModel  *model)
{
  GtkNoSelection *selection;

  g_return_if_fail (GTK_IS_LIST_VIEW (list_view));
  g_return_if_fail (G_IS_LIST_MODEL (model));

  selection = gtk_no_selection_new (g_object_ref (model));
  gtk_list_view_set_model (list_view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);
}

void
mk_list_util_set_status (AdwStatusPage *status_page,
                         const char    *icon_name,
                         const char    *title,
                         const char    *description)
{
  g_return_if_fail (ADW_IS_STATUS_PAGE (status_page));

  if (icon_name != NULL)
    adw_status_page_set_icon_name (status_page, icon_name);
  adw_status_page_set_title (status_page, title);
  adw_status_page_set_description (status_page, description);
}
