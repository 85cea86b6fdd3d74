/* mk-list-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mk-list-util.h"

typedef struct
{
  MkPage *page;   /* not owned: the page owns the list view */
  GType   row_type;
} RowFactory;

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           RowFactory               *row_factory)
{
  gtk_list_item_set_child (item, g_object_new (row_factory->row_type,
                                               "store", mk_page_get_store (row_factory->page),
                                               "clock", mk_page_get_clock (row_factory->page),
                                               NULL));
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  mk_row_set_resource (MK_ROW (gtk_list_item_get_child (item)), gtk_list_item_get_item (item));
}

static void
unbind_row (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  mk_row_set_resource (MK_ROW (gtk_list_item_get_child (item)), NULL);
}

void
mk_list_util_set_row_factory (GtkListView       *list_view,
                              MkPage            *page,
                              GType              row_type)
{
  g_autoptr(GtkListItemFactory) factory = NULL;
  RowFactory *row_factory;

  g_return_if_fail (GTK_IS_LIST_VIEW (list_view));
  g_return_if_fail (MK_IS_PAGE (page));
  g_return_if_fail (g_type_is_a (row_type, MK_TYPE_ROW));

  factory = gtk_signal_list_item_factory_new ();
  row_factory = g_new0 (RowFactory, 1);
  row_factory->page = page;
  row_factory->row_type = row_type;
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
