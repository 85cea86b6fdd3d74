/* mk-booking-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mk-booking-dialog.h"
#include "mk-edits.h"
#include "mk-fhir-types.h"
#include "mk-format.h"
#include "mk-resource-list.h"
#include "mk-row-util.h"
#include "mk-ui-template.h"

struct _MkBookingDialog
{
  AdwWindow           parent_instance;

  MkStore            *store;
  MkClock            *clock;
  char               *patient_ref;
  MkResourceList     *slots;
  GtkSingleSelection *selection;

  /* Template widgets */
  GtkStack           *stack;
  GtkListView        *list_view;
  AdwEntryRow        *reason_row;
};

G_DEFINE_FINAL_TYPE (MkBookingDialog, mk_booking_dialog, ADW_TYPE_WINDOW)

enum { PROP_0, PROP_STORE, PROP_CLOCK, PROP_PATIENT_REF, N_PROPS };
static GParamSpec *properties [N_PROPS];

enum { BOOKED, N_SIGNALS };
static guint signals [N_SIGNALS];

/* ---- rows ------------------------------------------------------------------- */

static void
actor_name (MkStore    *store,
            const char *reference,
            char      **name,
            char      **specialty)
{
  g_autofree char *type = mk_fhir_reference_dup_type (reference);
  MkFhirReference ref = { (char *) reference, NULL };

  if (g_strcmp0 (type, "PractitionerRole") == 0)
    {
      g_autoptr(MkResource) resource = mk_store_resolve_reference (store, reference, NULL);
      g_autoptr(MkPractitionerRole) role = NULL;

      if (resource != NULL)
        role = mk_practitioner_role_read (mk_resource_get_object (resource), NULL);
      if (role != NULL)
        {
          if (*name == NULL)
            *name = mk_row_util_dup_reference_name (store, &role->practitioner);
          if (*specialty == NULL)
            *specialty = g_strdup (role->specialty);
        }
    }
  else if (g_strcmp0 (type, "Practitioner") == 0 && *name == NULL)
    *name = mk_row_util_dup_reference_name (store, &ref);
}

char *
mk_booking_dialog_dup_slot_doctor (MkStore    *store,
                                   MkResource *slot_resource)
{
  g_autoptr(MkSlot) slot = NULL;
  g_autoptr(MkResource) schedule = NULL;
  g_autofree char *name = NULL;
  g_autofree char *specialty = NULL;

  g_return_val_if_fail (MK_IS_STORE (store), NULL);
  g_return_val_if_fail (MK_IS_RESOURCE (slot_resource), NULL);

  slot = mk_slot_read (mk_resource_get_object (slot_resource), NULL);
  if (slot == NULL)
    return NULL;
  specialty = g_strdup (slot->specialty != NULL ? slot->specialty : slot->service_type);

  if (slot->schedule.reference != NULL)
    schedule = mk_store_resolve_reference (store, slot->schedule.reference, NULL);
  if (schedule != NULL)
    {
      JsonObject *object = mk_resource_get_object (schedule);
      JsonArray *actors = json_object_get_array_member (object, "actor");

      for (guint i = 0; actors != NULL && i < json_array_get_length (actors); i++)
        {
          JsonNode *node = json_array_get_element (actors, i);
          const char *reference;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            continue;
          reference = json_object_get_string_member_with_default (json_node_get_object (node),
                                                                  "reference", NULL);
          if (reference != NULL)
            actor_name (store, reference, &name, &specialty);
        }
    }

  if (name != NULL && specialty != NULL)
    /* Translators: a doctor and their specialty, "Ivanova A. P. · Therapist" */
    return g_strdup_printf (C_("booking", "%s · %s"), name, specialty);
  return g_strdup (name != NULL ? name : specialty);
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *when = gtk_label_new (NULL);
  GtkWidget *doctor = gtk_label_new (NULL);

  gtk_widget_set_margin_top (box, 9);
  gtk_widget_set_margin_bottom (box, 9);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_label_set_xalign (GTK_LABEL (when), 0);
  gtk_label_set_xalign (GTK_LABEL (doctor), 0);
  gtk_label_set_wrap (GTK_LABEL (doctor), TRUE);
  gtk_widget_add_css_class (when, "heading");
  gtk_widget_add_css_class (doctor, "dim-label");
  gtk_box_append (GTK_BOX (box), when);
  gtk_box_append (GTK_BOX (box), doctor);
  gtk_list_item_set_child (item, box);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  user_data)
{
  MkBookingDialog *self = user_data;
  MkResource *resource = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *when = gtk_widget_get_first_child (box);
  GtkWidget *doctor = gtk_widget_get_next_sibling (when);
  g_autoptr(MkSlot) slot = mk_slot_read (mk_resource_get_object (resource), NULL);
  g_autoptr(GDateTime) start = slot != NULL ? mk_slot_dup_start (slot) : NULL;
  g_autoptr(GDateTime) local = start != NULL ? g_date_time_to_local (start) : NULL;
  g_autofree char *when_text = local != NULL ? mk_format_date_time (local) : NULL;
  g_autofree char *doctor_text = mk_booking_dialog_dup_slot_doctor (self->store, resource);

  gtk_label_set_text (GTK_LABEL (when), when_text != NULL ? when_text : mk_resource_get_id (resource));
  gtk_label_set_text (GTK_LABEL (doctor), doctor_text != NULL ? doctor_text : "");
  gtk_widget_set_visible (doctor, doctor_text != NULL);
}

/* ---- booking ---------------------------------------------------------------- */

static void
update_actions (MkBookingDialog *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "booking.book",
                                 self->selection != NULL &&
                                 gtk_single_selection_get_selected_item (self->selection) != NULL &&
                                 self->patient_ref != NULL);
}

static void
update_empty (MkBookingDialog *self)
{
  gboolean empty = self->slots == NULL || g_list_model_get_n_items (G_LIST_MODEL (self->slots)) == 0;

  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "list");
  update_actions (self);
}

static void
book_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  MkBookingDialog *self = MK_BOOKING_DIALOG (widget);
  MkResource *slot = gtk_single_selection_get_selected_item (self->selection);
  g_autofree char *reason = NULL;
  g_autofree char *appointment_id = NULL;
  g_autoptr(GError) error = NULL;

  if (slot == NULL || self->patient_ref == NULL)
    return;

  reason = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->reason_row))));
  if (!mk_edits_book_slot (self->store, self->clock, mk_resource_get_id (slot), self->patient_ref,
                           *reason != '\0' ? reason : NULL, &appointment_id, &error))
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Cannot Book This Time"),
                                                  error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  g_signal_emit (self, signals[BOOKED], 0, appointment_id);
  gtk_window_close (GTK_WINDOW (self));
}

static void
mk_booking_dialog_constructed (GObject *object)
{
  MkBookingDialog *self = MK_BOOKING_DIALOG (object);
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  G_OBJECT_CLASS (mk_booking_dialog_parent_class)->constructed (object);

  if (self->clock == NULL)
    self->clock = g_object_ref (mk_clock_get_default ());

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  gtk_list_view_set_factory (self->list_view, factory);

  if (self->store != NULL)
    {
      g_autoptr(MkQuery) query = mk_query_new ();
      g_autoptr(GDateTime) now = mk_clock_get_now (self->clock);
      g_autoptr(GDateTime) utc = g_date_time_to_utc (now);
      g_autofree char *now_utc = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");

      mk_query_add_type (query, "Slot");
      mk_query_add_status (query, "free");
      mk_query_set_date_range (query, now_utc, NULL);
      mk_query_set_sort (query, MK_QUERY_SORT_DATE_ASC);
      self->slots = mk_resource_list_new (self->store, query);
      self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->slots)));
      gtk_single_selection_set_autoselect (self->selection, FALSE);
      gtk_single_selection_set_can_unselect (self->selection, TRUE);
      gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
      gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

      g_signal_connect_object (self->slots, "items-changed", G_CALLBACK (update_empty), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->selection, "notify::selected", G_CALLBACK (update_actions), self,
                               G_CONNECT_SWAPPED);
    }

  update_empty (self);
}

static void
mk_booking_dialog_dispose (GObject *object)
{
  MkBookingDialog *self = MK_BOOKING_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MK_TYPE_BOOKING_DIALOG);
  g_clear_object (&self->selection);
  g_clear_object (&self->slots);
  g_clear_object (&self->store);
  g_clear_object (&self->clock);
  g_clear_pointer (&self->patient_ref, g_free);

  G_OBJECT_CLASS (mk_booking_dialog_parent_class)->dispose (object);
}

static void
mk_booking_dialog_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  MkBookingDialog *self = MK_BOOKING_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_CLOCK:
      g_value_set_object (value, self->clock);
      break;
    case PROP_PATIENT_REF:
      g_value_set_string (value, self->patient_ref);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mk_booking_dialog_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  MkBookingDialog *self = MK_BOOKING_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_CLOCK:
      self->clock = g_value_dup_object (value);
      break;
    case PROP_PATIENT_REF:
      self->patient_ref = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mk_booking_dialog_class_init (MkBookingDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = mk_booking_dialog_constructed;
  object_class->dispose = mk_booking_dialog_dispose;
  object_class->get_property = mk_booking_dialog_get_property;
  object_class->set_property = mk_booking_dialog_set_property;

  properties [PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, MK_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties [PROP_CLOCK] =
    g_param_spec_object ("clock", NULL, NULL, MK_TYPE_CLOCK,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties [PROP_PATIENT_REF] =
    g_param_spec_string ("patient-ref", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals [BOOKED] =
    g_signal_new ("booked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  mk_ui_class_set_template (widget_class, "mk-booking-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, MkBookingDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, MkBookingDialog, list_view);
  gtk_widget_class_bind_template_child (widget_class, MkBookingDialog, reason_row);

  gtk_widget_class_install_action (widget_class, "booking.book", NULL, book_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
mk_booking_dialog_init (MkBookingDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
mk_booking_dialog_new (GtkWindow  *parent,
                       MkStore    *store,
                       MkClock    *clock,
                       const char *patient_ref)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (MK_IS_STORE (store), NULL);

  return g_object_new (MK_TYPE_BOOKING_DIALOG,
                       "transient-for", parent,
                       "store", store,
                       "clock", clock,
                       "patient-ref", patient_ref,
                       NULL);
}

GListModel *
mk_booking_dialog_get_slots (MkBookingDialog *self)
{
  g_return_val_if_fail (MK_IS_BOOKING_DIALOG (self), NULL);
  return G_LIST_MODEL (self->slots);
}

gboolean
mk_booking_dialog_select_slot (MkBookingDialog *self,
                               const char      *slot_id)
{
  GListModel *model;

  g_return_val_if_fail (MK_IS_BOOKING_DIALOG (self), FALSE);

  model = G_LIST_MODEL (self->slots);
  for (guint i = 0; model != NULL && i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(MkResource) resource = g_list_model_get_item (model, i);

      if (g_strcmp0 (mk_resource_get_id (resource), slot_id) == 0)
        {
          gtk_single_selection_set_selected (self->selection, i);
          return TRUE;
        }
    }
  return FALSE;
}

void
mk_booking_dialog_set_reason (MkBookingDialog *self,
                              const char      *reason)
{
  g_return_if_fail (MK_IS_BOOKING_DIALOG (self));
  gtk_editable_set_text (GTK_EDITABLE (self->reason_row), reason != NULL ? reason : "");
}
