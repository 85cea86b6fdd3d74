/* mk-appointments-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two lists over the store. Upcoming is one SQL query (status booked,
 * pending, arrived or checked-in and start ≥ now, ascending). Past is "every
 * other appointment", which one MkQuery cannot say (a cancelled visit next
 * week is past, a booked one is not), so it is every appointment newest
 * first with a GtkCustomFilter dropping the upcoming ones — a patient has
 * few appointments, and both lists still page from SQLite.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mk-appointment-card.h"
#include "mk-appointment-row.h"
#include "mk-booking-dialog.h"
#include "mk-appointments-page.h"
#include "mk-list-util.h"
#include "mk-resource-list.h"
#include "mk-ui-template.h"

struct _MkAppointmentsPage
{
  MkPage              parent_instance;

  char               *now_utc;      /* "YYYY-MM-DDTHH:MM:SSZ", like the date column */
  MkResourceList     *upcoming;
  MkResourceList     *all;
  GtkCustomFilter    *past_filter;
  GtkFilterListModel *past;
  GtkNoSelection     *upcoming_selection;
  GtkNoSelection     *past_selection;

  GtkToggleButton    *upcoming_button;
  GtkToggleButton    *past_button;
  GtkWidget          *book_button;
  GtkStack           *stack;
  GtkListView        *list_view;
  AdwStatusPage      *empty_page;
};

G_DEFINE_FINAL_TYPE (MkAppointmentsPage, mk_appointments_page, MK_TYPE_PAGE)

static const char * const upcoming_statuses[] = {
  "booked", "pending", "arrived", "checked-in", NULL,
};

static gboolean
is_upcoming (MkResource *resource,
             const char *now_utc)
{
  const char *date = mk_resource_get_date (resource);

  return date != NULL && g_strcmp0 (date, now_utc) >= 0 &&
         g_strv_contains (upcoming_statuses, mk_resource_get_status (resource) != NULL
                                             ? mk_resource_get_status (resource) : "");
}

static gboolean
past_filter_func (gpointer item,
                  gpointer user_data)
{
  MkAppointmentsPage *self = user_data;

  return !is_upcoming (MK_RESOURCE (item), self->now_utc);
}

static MkQuery *
build_upcoming_query (MkAppointmentsPage *self,
                      const char         *now_utc)
{
  MkQuery *query = mk_page_new_query (MK_PAGE (self));

  mk_query_add_type (query, "Appointment");
  for (guint i = 0; upcoming_statuses[i] != NULL; i++)
    mk_query_add_status (query, upcoming_statuses[i]);
  mk_query_set_date_range (query, now_utc, NULL);
  mk_query_set_sort (query, MK_QUERY_SORT_DATE_ASC);

  return query;
}

static void
mk_appointments_page_update_now (MkAppointmentsPage *self)
{
  MkClock *clock = mk_page_get_clock (MK_PAGE (self));
  g_autoptr(GDateTime) now = mk_clock_get_now (clock);
  g_autoptr(GDateTime) utc = g_date_time_to_utc (now);

  g_free (self->now_utc);
  self->now_utc = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

static gboolean
mk_appointments_page_showing_past (MkAppointmentsPage *self)
{
  return gtk_toggle_button_get_active (self->past_button);
}

static GListModel *
mk_appointments_page_current_model (MkAppointmentsPage *self)
{
  MkStore *store = mk_page_get_store (MK_PAGE (self));

  if (store == NULL)
    return NULL;
  return mk_appointments_page_showing_past (self) ? G_LIST_MODEL (self->past)
                                                   : G_LIST_MODEL (self->upcoming);
}

static void
mk_appointments_page_update_empty (MkAppointmentsPage *self)
{
  GListModel *model = mk_appointments_page_current_model (self);
  gboolean empty = model == NULL || g_list_model_get_n_items (model) == 0;

  if (empty && mk_appointments_page_showing_past (self))
    mk_list_util_set_status (self->empty_page, NULL, _("No Past Visits"),
                             _("Visits you had appear here"));
  else if (empty)
    mk_list_util_set_status (self->empty_page, NULL, _("No Upcoming Visits"),
                             _("Booked visits appear here"));

  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "list");
}

static void
on_section_toggled (MkAppointmentsPage *self)
{
  MkStore *store = mk_page_get_store (MK_PAGE (self));

  if (store == NULL)
    return;

  gtk_list_view_set_model (self->list_view,
                           mk_appointments_page_showing_past (self)
                             ? GTK_SELECTION_MODEL (self->past_selection)
                             : GTK_SELECTION_MODEL (self->upcoming_selection));
  mk_appointments_page_update_empty (self);
}

static void
on_items_changed (MkAppointmentsPage *self)
{
  mk_appointments_page_update_empty (self);
}

static void
on_list_activate (MkAppointmentsPage *self,
                  guint               position)
{
  MkStore *store = mk_page_get_store (MK_PAGE (self));
  g_autoptr(MkResource) resource = NULL;
  MkAppointmentCard *card;
  GtkRoot *root;

  resource = g_list_model_get_item (mk_appointments_page_current_model (self), position);
  if (resource == NULL)
    return;

  card = mk_appointment_card_new_with_clock (store, resource, mk_page_get_clock (MK_PAGE (self)));
  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (card), GTK_WINDOW (root));
  gtk_window_present (GTK_WINDOW (card));
}

static void
on_booked (MkAppointmentsPage *self,
           const char         *appointment_id)
{
  mk_appointments_page_show_past (self, FALSE);
  mk_appointments_page_refresh (self);
  /* Send it now when the card can sync (nothing happens offline). */
  gtk_widget_activate_action (GTK_WIDGET (self), "win.sync", NULL);
}

static void
book_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  MkAppointmentsPage *self = MK_APPOINTMENTS_PAGE (widget);
  MkStore *store = mk_page_get_store (MK_PAGE (self));
  g_autoptr(MkResource) patient = NULL;
  g_autofree char *patient_ref = NULL;
  GtkWidget *dialog;
  GtkRoot *root;

  if (store == NULL)
    return;

  patient = mk_page_find_patient (MK_PAGE (self), NULL);
  if (patient != NULL)
    patient_ref = g_strconcat ("Patient/", mk_resource_get_id (patient), NULL);
  else
    patient_ref = mk_store_get_meta (store, "patient", NULL);

  root = gtk_widget_get_root (GTK_WIDGET (self));
  dialog = mk_booking_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, store,
                                  mk_page_get_clock (MK_PAGE (self)), patient_ref);
  g_signal_connect_object (dialog, "booked", G_CALLBACK (on_booked), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_map (MkAppointmentsPage *self)
{
  mk_appointments_page_refresh (self);
}

static void
mk_appointments_page_constructed (GObject *object)
{
  MkAppointmentsPage *self = MK_APPOINTMENTS_PAGE (object);
  MkStore *store = mk_page_get_store (MK_PAGE (self));

  G_OBJECT_CLASS (mk_appointments_page_parent_class)->constructed (object);

  mk_appointments_page_update_now (self);

  mk_list_util_set_row_factory (self->list_view, MK_PAGE (self), MK_TYPE_APPOINTMENT_ROW);

  if (store != NULL)
    {
      g_autoptr(MkQuery) upcoming_query = build_upcoming_query (self, self->now_utc);
      g_autoptr(MkQuery) all_query = mk_page_new_query (MK_PAGE (self));

      mk_query_add_type (all_query, "Appointment");
      mk_query_set_sort (all_query, MK_QUERY_SORT_DATE_DESC);

      self->upcoming = mk_resource_list_new (store, upcoming_query);
      self->all = mk_resource_list_new (store, all_query);
      self->past_filter = gtk_custom_filter_new (past_filter_func, self, NULL);
      self->past = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->all)),
                                              g_object_ref (GTK_FILTER (self->past_filter)));
      self->upcoming_selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->upcoming)));
      self->past_selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->past)));

      g_signal_connect_object (self->upcoming, "items-changed",
                               G_CALLBACK (on_items_changed), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->past, "items-changed",
                               G_CALLBACK (on_items_changed), self, G_CONNECT_SWAPPED);
    }

  /* Booking is for cards connected to a clinic server. */
  if (store != NULL)
    {
      g_autofree char *server_url = mk_store_get_meta (store, "server-url", NULL);

      gtk_widget_set_visible (self->book_button, server_url != NULL && *server_url != '\0');
    }

  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
  on_section_toggled (self);
  mk_appointments_page_update_empty (self);
}

static void
mk_appointments_page_dispose (GObject *object)
{
  MkAppointmentsPage *self = MK_APPOINTMENTS_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MK_TYPE_APPOINTMENTS_PAGE);
  g_clear_object (&self->upcoming_selection);
  g_clear_object (&self->past_selection);
  g_clear_object (&self->past);
  g_clear_object (&self->past_filter);
  g_clear_object (&self->upcoming);
  g_clear_object (&self->all);
  g_clear_pointer (&self->now_utc, g_free);

  G_OBJECT_CLASS (mk_appointments_page_parent_class)->dispose (object);
}

static void
mk_appointments_page_class_init (MkAppointmentsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = mk_appointments_page_constructed;
  object_class->dispose = mk_appointments_page_dispose;

  mk_ui_class_set_template (widget_class, "mk-appointments-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MkAppointmentsPage, upcoming_button);
  gtk_widget_class_bind_template_child (widget_class, MkAppointmentsPage, past_button);
  gtk_widget_class_bind_template_child (widget_class, MkAppointmentsPage, book_button);
  gtk_widget_class_bind_template_child (widget_class, MkAppointmentsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, MkAppointmentsPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, MkAppointmentsPage, empty_page);
  gtk_widget_class_bind_template_callback (widget_class, on_section_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_list_activate);

  gtk_widget_class_install_action (widget_class, "appointments.book", NULL, book_action);
}

static void
mk_appointments_page_init (MkAppointmentsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
mk_appointments_page_new (MkStore *store,
                          MkClock *clock)
{
  return g_object_new (MK_TYPE_APPOINTMENTS_PAGE, "store", store, "clock", clock, NULL);
}

void
mk_appointments_page_refresh (MkAppointmentsPage *self)
{
  g_autoptr(MkQuery) query = NULL;

  g_return_if_fail (MK_IS_APPOINTMENTS_PAGE (self));

  if (mk_page_get_store (MK_PAGE (self)) == NULL)
    return;

  mk_appointments_page_update_now (self);
  query = build_upcoming_query (self, self->now_utc);
  mk_resource_list_set_query (self->upcoming, query);
  gtk_filter_changed (GTK_FILTER (self->past_filter), GTK_FILTER_CHANGE_DIFFERENT);
  mk_appointments_page_update_empty (self);
}

GtkWindow *
mk_appointments_page_open_card (MkAppointmentsPage *self,
                                const char         *id)
{
  g_autoptr(MkResource) resource = NULL;
  MkAppointmentCard *card;
  MkStore *store;
  GtkRoot *root;

  g_return_val_if_fail (MK_IS_APPOINTMENTS_PAGE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  store = mk_page_get_store (MK_PAGE (self));
  if (store == NULL)
    return NULL;
  resource = mk_store_get_resource (store, "Appointment", id, NULL);
  if (resource == NULL)
    return NULL;

  card = mk_appointment_card_new_with_clock (store, resource, mk_page_get_clock (MK_PAGE (self)));
  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (card), GTK_WINDOW (root));
  gtk_window_present (GTK_WINDOW (card));

  return GTK_WINDOW (card);
}

GListModel *
mk_appointments_page_get_upcoming_model (MkAppointmentsPage *self)
{
  g_return_val_if_fail (MK_IS_APPOINTMENTS_PAGE (self), NULL);
  return G_LIST_MODEL (self->upcoming);
}

GListModel *
mk_appointments_page_get_past_model (MkAppointmentsPage *self)
{
  g_return_val_if_fail (MK_IS_APPOINTMENTS_PAGE (self), NULL);
  return G_LIST_MODEL (self->past);
}

void
mk_appointments_page_show_past (MkAppointmentsPage *self,
                                gboolean            past)
{
  g_return_if_fail (MK_IS_APPOINTMENTS_PAGE (self));
  gtk_toggle_button_set_active (past ? self->past_button : self->upcoming_button, TRUE);
}

gboolean
mk_appointments_page_is_empty (MkAppointmentsPage *self)
{
  g_return_val_if_fail (MK_IS_APPOINTMENTS_PAGE (self), FALSE);
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "empty") == 0;
}
