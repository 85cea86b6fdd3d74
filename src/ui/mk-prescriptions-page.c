/* mk-prescriptions-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Filtering by state: "expiring soon" and "expired" are not FHIR statuses —
 * they are computed on the client from dispenseRequest.validityPeriod and
 * the MkClock's now (mk_medication_request_get_state), and the derived
 * status column cannot know them because they change with time, not with
 * the data. So the SQL query narrows by the FHIR status where the states
 * map to statuses (active/on-hold for Active, Expiring and Expired;
 * completed for Dispensed; …) and a GtkFilterListModel with a
 * GtkCustomFilter over the paged MkResourceList keeps the items whose
 * computed state matches. The custom filter reads every item of the
 * narrowed list, which is fine here: a patient has few prescriptions.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mk-fhir-types.h"
#include "mk-list-util.h"
#include "mk-prescription-row.h"
#include "mk-prescriptions-page.h"
#include "mk-resource-list.h"
#include "mk-ui-template.h"

struct _MkPrescriptionsPage
{
  MkPage              parent_instance;

  MkResourceList     *list;
  GtkFilterListModel *filter_model;
  GtkCustomFilter    *state_filter;
  GDateTime          *now;          /* the now states are computed for */

  GtkDropDown        *filter_dropdown;
  GtkStack           *stack;
  GtkListView        *list_view;
  AdwStatusPage      *empty_page;
};

G_DEFINE_FINAL_TYPE (MkPrescriptionsPage, mk_prescriptions_page, MK_TYPE_PAGE)

static MkQuery *
build_query (MkPrescriptionsPage   *self,
             MkPrescriptionsFilter  filter)
{
  MkQuery *query = mk_page_new_query (MK_PAGE (self));

  mk_query_add_type (query, "MedicationRequest");
  mk_query_set_sort (query, MK_QUERY_SORT_DATE_DESC);

  switch (filter)
    {
    case MK_PRESCRIPTIONS_FILTER_ACTIVE:
    case MK_PRESCRIPTIONS_FILTER_EXPIRING:
    case MK_PRESCRIPTIONS_FILTER_EXPIRED:
      mk_query_add_status (query, "active");
      mk_query_add_status (query, "on-hold");
      mk_query_add_status (query, "unknown");
      break;
    case MK_PRESCRIPTIONS_FILTER_DISPENSED:
      mk_query_add_status (query, "completed");
      break;
    case MK_PRESCRIPTIONS_FILTER_CANCELLED:
      mk_query_add_status (query, "cancelled");
      mk_query_add_status (query, "entered-in-error");
      mk_query_add_status (query, "stopped");
      break;
    case MK_PRESCRIPTIONS_FILTER_DRAFTS:
      mk_query_add_status (query, "draft");
      break;
    case MK_PRESCRIPTIONS_FILTER_ALL:
    default:
      break;
    }

  return query;
}

static gboolean
state_matches (gpointer item,
               gpointer user_data)
{
  MkPrescriptionsPage *self = user_data;
  g_autoptr(MkMedicationRequest) request = NULL;
  MkPrescriptionState state;

  request = mk_medication_request_read (mk_resource_get_object (MK_RESOURCE (item)), NULL);
  if (request == NULL)
    return FALSE;

  state = mk_medication_request_get_state (request, self->now);

  switch (gtk_drop_down_get_selected (self->filter_dropdown))
    {
    case MK_PRESCRIPTIONS_FILTER_ACTIVE:
      return state == MK_PRESCRIPTION_STATE_ISSUED ||
             state == MK_PRESCRIPTION_STATE_SENT ||
             state == MK_PRESCRIPTION_STATE_EXPIRING;
    case MK_PRESCRIPTIONS_FILTER_EXPIRING:
      return state == MK_PRESCRIPTION_STATE_EXPIRING;
    case MK_PRESCRIPTIONS_FILTER_EXPIRED:
      return state == MK_PRESCRIPTION_STATE_EXPIRED;
    default:
      return TRUE;
    }
}

static gboolean
filter_needs_state (MkPrescriptionsFilter filter)
{
  return filter == MK_PRESCRIPTIONS_FILTER_ACTIVE ||
         filter == MK_PRESCRIPTIONS_FILTER_EXPIRING ||
         filter == MK_PRESCRIPTIONS_FILTER_EXPIRED;
}

static void
mk_prescriptions_page_update_empty (MkPrescriptionsPage *self)
{
  gboolean empty;

  empty = self->filter_model == NULL ||
          g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)) == 0;

  if (empty && gtk_drop_down_get_selected (self->filter_dropdown) != MK_PRESCRIPTIONS_FILTER_ALL)
    mk_list_util_set_status (self->empty_page, "system-search-symbolic", _("No Results"),
                             _("No prescriptions in this state"));
  else if (empty)
    mk_list_util_set_status (self->empty_page, "emblem-documents-symbolic", _("No Prescriptions"),
                             _("Prescriptions from your doctors appear here"));

  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "list");
}

static void
mk_prescriptions_page_update_now (MkPrescriptionsPage *self)
{
  MkClock *clock = mk_page_get_clock (MK_PAGE (self));

  g_clear_pointer (&self->now, g_date_time_unref);
  self->now = mk_clock_get_now (clock);
}

static void
mk_prescriptions_page_apply_filter (MkPrescriptionsPage *self)
{
  MkPrescriptionsFilter filter = gtk_drop_down_get_selected (self->filter_dropdown);
  g_autoptr(MkQuery) query = NULL;

  if (self->list == NULL)
    return;

  mk_prescriptions_page_update_now (self);
  query = build_query (self, filter);
  /* Drop the custom filter first, so changing the query does not run it
   * against the old filter's expectations twice. */
  gtk_filter_list_model_set_filter (self->filter_model, NULL);
  mk_resource_list_set_query (self->list, query);
  if (filter_needs_state (filter))
    gtk_filter_list_model_set_filter (self->filter_model, GTK_FILTER (self->state_filter));

  mk_prescriptions_page_update_empty (self);
}

static void
on_filter_changed (MkPrescriptionsPage *self)
{
  mk_prescriptions_page_apply_filter (self);
}

static void
on_items_changed (MkPrescriptionsPage *self)
{
  mk_prescriptions_page_update_empty (self);
}

static void
on_copy_response (AdwMessageDialog *dialog,
                  const char       *response,
                  gpointer          user_data)
{
  if (g_strcmp0 (response, "copy") == 0)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (dialog)), user_data);
}

/* Activating a prescription shows its code, ready to copy for a pharmacy. */
static void
on_list_activate (MkPrescriptionsPage *self,
                  guint                position)
{
  g_autoptr(MkResource) resource = NULL;
  g_autoptr(MkMedicationRequest) request = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;
  GtkRoot *root;

  resource = g_list_model_get_item (G_LIST_MODEL (self->filter_model), position);
  if (resource == NULL)
    return;
  request = mk_medication_request_read (mk_resource_get_object (resource), NULL);
  if (request == NULL || request->prescription_code == NULL)
    return;

  /* Translators: %s is an e-prescription code the pharmacy asks for */
  body = g_strdup_printf (_("Prescription code: %s"), request->prescription_code);
  root = gtk_widget_get_root (GTK_WIDGET (self));
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   request->medication, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "copy", _("_Copy Code"),
                                    "close", _("_Close"),
                                    NULL);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "copy");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_copy_response),
                         g_strdup (request->prescription_code),
                         (GClosureNotify) (void (*) (void)) g_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_map (MkPrescriptionsPage *self)
{
  mk_prescriptions_page_refresh (self);
}

static void
mk_prescriptions_page_constructed (GObject *object)
{
  MkPrescriptionsPage *self = MK_PRESCRIPTIONS_PAGE (object);
  MkStore *store = mk_page_get_store (MK_PAGE (self));
  g_autoptr(MkQuery) query = NULL;

  G_OBJECT_CLASS (mk_prescriptions_page_parent_class)->constructed (object);

  mk_prescriptions_page_update_now (self);

  mk_list_util_set_row_factory (self->list_view, MK_PAGE (self), MK_TYPE_PRESCRIPTION_ROW);

  if (store != NULL)
    {
      query = build_query (self, MK_PRESCRIPTIONS_FILTER_ALL);
      self->list = mk_resource_list_new (store, query);
      self->state_filter = gtk_custom_filter_new (state_matches, self, NULL);
      self->filter_model = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->list)), NULL);
      g_signal_connect_object (self->filter_model, "items-changed",
                               G_CALLBACK (on_items_changed), self, G_CONNECT_SWAPPED);
      mk_list_util_set_model (self->list_view, G_LIST_MODEL (self->filter_model));
    }

  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
  mk_prescriptions_page_update_empty (self);
}

static void
mk_prescriptions_page_dispose (GObject *object)
{
  MkPrescriptionsPage *self = MK_PRESCRIPTIONS_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MK_TYPE_PRESCRIPTIONS_PAGE);
  g_clear_object (&self->filter_model);
  g_clear_object (&self->state_filter);
  g_clear_object (&self->list);
  g_clear_pointer (&self->now, g_date_time_unref);

  G_OBJECT_CLASS (mk_prescriptions_page_parent_class)->dispose (object);
}

static void
mk_prescriptions_page_class_init (MkPrescriptionsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = mk_prescriptions_page_constructed;
  object_class->dispose = mk_prescriptions_page_dispose;

  mk_ui_class_set_template (widget_class, "mk-prescriptions-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MkPrescriptionsPage, filter_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MkPrescriptionsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, MkPrescriptionsPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, MkPrescriptionsPage, empty_page);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_list_activate);
}

static void
mk_prescriptions_page_init (MkPrescriptionsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
mk_prescriptions_page_new (MkStore *store,
                           MkClock *clock)
{
  return g_object_new (MK_TYPE_PRESCRIPTIONS_PAGE, "store", store, "clock", clock, NULL);
}

void
mk_prescriptions_page_refresh (MkPrescriptionsPage *self)
{
  g_return_if_fail (MK_IS_PRESCRIPTIONS_PAGE (self));

  if (self->list == NULL)
    return;

  mk_prescriptions_page_update_now (self);
  /* Rebinds the visible rows, so their state pills follow the clock… */
  mk_resource_list_reload (self->list);
  /* …and re-runs the computed-state filter. */
  gtk_filter_changed (GTK_FILTER (self->state_filter), GTK_FILTER_CHANGE_DIFFERENT);
  mk_prescriptions_page_update_empty (self);
}

GListModel *
mk_prescriptions_page_get_model (MkPrescriptionsPage *self)
{
  g_return_val_if_fail (MK_IS_PRESCRIPTIONS_PAGE (self), NULL);
  return G_LIST_MODEL (self->filter_model);
}

void
mk_prescriptions_page_set_filter (MkPrescriptionsPage   *self,
                                  MkPrescriptionsFilter  filter)
{
  g_return_if_fail (MK_IS_PRESCRIPTIONS_PAGE (self));
  gtk_drop_down_set_selected (self->filter_dropdown, filter);
}

gboolean
mk_prescriptions_page_is_empty (MkPrescriptionsPage *self)
{
  g_return_val_if_fail (MK_IS_PRESCRIPTIONS_PAGE (self), FALSE);
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "empty") == 0;
}
