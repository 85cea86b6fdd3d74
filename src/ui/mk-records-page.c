/* mk-records-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mk-list-util.h"
#include "mk-record-row.h"
#include "mk-records-page.h"
#include "mk-resource-list.h"
#include "mk-row-util.h"
#include "mk-ui-template.h"

struct _MkRecordsPage
{
  MkPage          parent_instance;

  MkResourceList *list;

  GtkSearchEntry *search_entry;
  GtkDropDown    *kind_dropdown;
  GtkDropDown    *period_dropdown;
  GtkStack       *stack;
  GtkListView    *list_view;
  AdwStatusPage  *empty_page;
};

G_DEFINE_FINAL_TYPE (MkRecordsPage, mk_records_page, MK_TYPE_PAGE)

/* Everything the "All Records" filter shows: prescriptions have their own
 * page, so only current medications show (under Allergies & Medications). */
static const char * const all_kinds[] = {
  "visit", "diagnosis", "lab", "vital", "observation", "report",
  "vaccination", "medbook", "procedure", "allergy", NULL,
};

MkQuery *
mk_records_page_build_query (MkRecordsFilter  filter,
                             MkRecordsPeriod  period,
                             const char      *text,
                             MkClock         *clock)
{
  g_autoptr(MkQuery) query = mk_query_new ();
  g_autofree char *from = NULL;

  switch (filter)
    {
    case MK_RECORDS_FILTER_VISITS:
      mk_query_add_kind (query, "visit");
      mk_query_add_kind (query, "diagnosis");
      break;
    case MK_RECORDS_FILTER_LAB:
      mk_query_add_kind (query, "lab");
      break;
    case MK_RECORDS_FILTER_VACCINATIONS:
      mk_query_add_kind (query, "vaccination");
      break;
    case MK_RECORDS_FILTER_MEDBOOK:
      mk_query_add_kind (query, "medbook");
      break;
    case MK_RECORDS_FILTER_MEDICATIONS:
      /* The medication card: allergies and what is taken now. The status
       * column holds clinicalStatus for allergies and status for
       * MedicationRequest, so "active" means current for both. */
      mk_query_add_kind (query, "allergy");
      mk_query_add_kind (query, "prescription");
      mk_query_add_status (query, "active");
      break;
    case MK_RECORDS_FILTER_ALL:
    default:
      for (guint i = 0; all_kinds[i] != NULL; i++)
        mk_query_add_kind (query, all_kinds[i]);
      break;
    }

  if (clock != NULL && period == MK_RECORDS_PERIOD_12_MONTHS)
    from = mk_row_util_dup_months_ago (clock, 12);
  else if (clock != NULL && period == MK_RECORDS_PERIOD_3_YEARS)
    from = mk_row_util_dup_months_ago (clock, 36);
  if (from != NULL)
    mk_query_set_date_range (query, from, NULL);

  mk_query_set_text (query, text);
  mk_query_set_sort (query, MK_QUERY_SORT_DATE_DESC);

  return g_steal_pointer (&query);
}

static gboolean
mk_records_page_has_filter (MkRecordsPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  return gtk_drop_down_get_selected (self->kind_dropdown) != MK_RECORDS_FILTER_ALL ||
         gtk_drop_down_get_selected (self->period_dropdown) != MK_RECORDS_PERIOD_ALL ||
         (text != NULL && *text != '\0');
}

static void
mk_records_page_update_empty (MkRecordsPage *self)
{
  gboolean empty;

  empty = self->list == NULL || g_list_model_get_n_items (G_LIST_MODEL (self->list)) == 0;

  if (empty && mk_records_page_has_filter (self))
    mk_list_util_set_status (self->empty_page, "system-search-symbolic", _("No Results"),
                             _("Try another search or filter"));
  else if (empty)
    mk_list_util_set_status (self->empty_page, "x-office-document-symbolic", _("No Records Yet"),
                             _("Visits, results and vaccinations appear here after the card is synchronized"));

  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "list");
}

static void
mk_records_page_apply_filters (MkRecordsPage *self)
{
  MkClock *clock = mk_page_get_clock (MK_PAGE (self));
  g_autoptr(MkQuery) query = NULL;

  if (self->list == NULL)
    return;

  query = mk_records_page_build_query (gtk_drop_down_get_selected (self->kind_dropdown),
                                       gtk_drop_down_get_selected (self->period_dropdown),
                                       gtk_editable_get_text (GTK_EDITABLE (self->search_entry)),
                                       clock);
  mk_page_scope_query (MK_PAGE (self), query);
  mk_resource_list_set_query (self->list, query);
  mk_records_page_update_empty (self);
}

static void
on_filters_changed (MkRecordsPage *self)
{
  mk_records_page_apply_filters (self);
}

static void
on_stop_search (MkRecordsPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

static void
on_items_changed (MkRecordsPage *self)
{
  mk_records_page_update_empty (self);
}

static void
on_copy_response (AdwMessageDialog *dialog,
                  const char       *response,
                  gpointer          user_data)
{
  const char *text = user_data;

  if (g_strcmp0 (response, "copy") == 0)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (dialog)), text);
}

/* The details of one record: the row's texts in a dialog, with Copy. */
static void
on_list_activate (MkRecordsPage *self,
                  guint          position)
{
  MkStore *store = mk_page_get_store (MK_PAGE (self));
  MkClock *clock = mk_page_get_clock (MK_PAGE (self));
  g_autoptr(MkResource) resource = NULL;
  GtkWidget *row;
  GtkWidget *dialog;
  GtkRoot *root;
  g_autoptr(GString) body = g_string_new (NULL);
  const char *parts[3];
  char *copy_text;

  resource = g_list_model_get_item (G_LIST_MODEL (self->list), position);
  if (resource == NULL)
    return;

  row = g_object_ref_sink (mk_record_row_new (store, clock));
  mk_row_set_resource (MK_ROW (row), resource);
  parts[0] = mk_record_row_get_subtitle (MK_RECORD_ROW (row));
  parts[1] = mk_record_row_get_details (MK_RECORD_ROW (row));
  parts[2] = mk_record_row_get_status (MK_RECORD_ROW (row));
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      if (parts[i] == NULL || *parts[i] == '\0')
        continue;
      if (body->len > 0)
        g_string_append_c (body, '\n');
      g_string_append (body, parts[i]);
    }

  root = gtk_widget_get_root (GTK_WIDGET (self));
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   mk_record_row_get_title (MK_RECORD_ROW (row)),
                                   body->str);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    /* Translators: copies the record's text to the clipboard */
                                    "copy", _("_Copy"),
                                    "close", _("_Close"),
                                    NULL);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");

  copy_text = g_strdup_printf ("%s\n%s", mk_record_row_get_title (MK_RECORD_ROW (row)), body->str);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_copy_response),
                         copy_text, (GClosureNotify) (void (*) (void)) g_free, 0);
  g_object_unref (row);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
mk_records_page_constructed (GObject *object)
{
  MkRecordsPage *self = MK_RECORDS_PAGE (object);
  MkStore *store = mk_page_get_store (MK_PAGE (self));
  g_autoptr(MkQuery) query = NULL;

  G_OBJECT_CLASS (mk_records_page_parent_class)->constructed (object);

  mk_list_util_set_row_factory (self->list_view, MK_PAGE (self), MK_TYPE_RECORD_ROW);

  if (store != NULL)
    {
      query = mk_records_page_build_query (MK_RECORDS_FILTER_ALL, MK_RECORDS_PERIOD_ALL, NULL,
                                           mk_page_get_clock (MK_PAGE (self)));
      mk_page_scope_query (MK_PAGE (self), query);
      self->list = mk_resource_list_new (store, query);
      g_signal_connect_object (self->list, "items-changed",
                               G_CALLBACK (on_items_changed), self, G_CONNECT_SWAPPED);
      mk_list_util_set_model (self->list_view, G_LIST_MODEL (self->list));
    }

  mk_records_page_update_empty (self);
}

static void
mk_records_page_dispose (GObject *object)
{
  MkRecordsPage *self = MK_RECORDS_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MK_TYPE_RECORDS_PAGE);
  g_clear_object (&self->list);

  G_OBJECT_CLASS (mk_records_page_parent_class)->dispose (object);
}

static void
mk_records_page_class_init (MkRecordsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = mk_records_page_constructed;
  object_class->dispose = mk_records_page_dispose;

  mk_ui_class_set_template (widget_class, "mk-records-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MkRecordsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, MkRecordsPage, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MkRecordsPage, period_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MkRecordsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, MkRecordsPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, MkRecordsPage, empty_page);
  gtk_widget_class_bind_template_callback (widget_class, on_filters_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search);
  gtk_widget_class_bind_template_callback (widget_class, on_list_activate);
}

static void
mk_records_page_init (MkRecordsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
mk_records_page_new (MkStore *store,
                     MkClock *clock)
{
  return g_object_new (MK_TYPE_RECORDS_PAGE, "store", store, "clock", clock, NULL);
}

void
mk_records_page_focus_search (MkRecordsPage *self)
{
  g_return_if_fail (MK_IS_RECORDS_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

GListModel *
mk_records_page_get_model (MkRecordsPage *self)
{
  g_return_val_if_fail (MK_IS_RECORDS_PAGE (self), NULL);
  return G_LIST_MODEL (self->list);
}

void
mk_records_page_set_filter (MkRecordsPage   *self,
                            MkRecordsFilter  filter)
{
  g_return_if_fail (MK_IS_RECORDS_PAGE (self));
  gtk_drop_down_set_selected (self->kind_dropdown, filter);
}

void
mk_records_page_set_period (MkRecordsPage   *self,
                            MkRecordsPeriod  period)
{
  g_return_if_fail (MK_IS_RECORDS_PAGE (self));
  gtk_drop_down_set_selected (self->period_dropdown, period);
}

void
mk_records_page_set_search_text (MkRecordsPage *self,
                                 const char    *text)
{
  g_return_if_fail (MK_IS_RECORDS_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
  /* Do not wait for the entry's search delay. */
  mk_records_page_apply_filters (self);
}

gboolean
mk_records_page_is_empty (MkRecordsPage *self)
{
  g_return_val_if_fail (MK_IS_RECORDS_PAGE (self), FALSE);
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "empty") == 0;
}
