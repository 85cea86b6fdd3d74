/* mk-appointment-card.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mk-appointment-card.h"
#include "mk-appointment-row.h"
#include "mk-edits.h"
#include "mk-fhir-types.h"
#include "mk-format.h"
#include "mk-sync-controller.h"
#include "mk-ui-template.h"

#define N_FIELDS (MK_APPOINTMENT_CARD_CANCELLATION + 1)

struct _MkAppointmentCard
{
  AdwWindow       parent_instance;

  MkStore        *store;
  MkResource     *appointment;
  MkClock        *clock;

  AdwWindowTitle *window_title;
  AdwActionRow   *rows[N_FIELDS];
  AdwActionRow   *sync_row;
  GtkWidget      *cancel_button;
};

G_DEFINE_FINAL_TYPE (MkAppointmentCard, mk_appointment_card, ADW_TYPE_WINDOW)

enum { PROP_0, PROP_STORE, PROP_APPOINTMENT, PROP_CLOCK, N_PROPS };
static GParamSpec *properties [N_PROPS];

static void
set_field (MkAppointmentCard      *self,
           MkAppointmentCardField  field,
           const char             *value)
{
  AdwActionRow *row = self->rows[field];
  gboolean visible = value != NULL && *value != '\0';

  adw_action_row_set_subtitle (row, visible ? value : "");
  gtk_widget_set_visible (GTK_WIDGET (row), visible);
}

/* The "Not sent yet" row and the Cancel Visit button. */
static void
mk_appointment_card_update_edits (MkAppointmentCard *self)
{
  g_autoptr(GError) error = NULL;
  MkOutboxState state = MK_OUTBOX_PENDING;
  const char *id = self->appointment != NULL ? mk_resource_get_id (self->appointment) : NULL;
  gboolean waiting = FALSE;
  gboolean can_cancel = FALSE;

  if (self->store != NULL && id != NULL)
    {
      waiting = mk_sync_controller_find_edit (self->store, "Appointment", id, &state);
      can_cancel = mk_edits_can_cancel_appointment (self->store, self->clock, id, &error);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->sync_row), waiting);
  if (waiting)
    adw_action_row_set_subtitle (self->sync_row,
                                 state == MK_OUTBOX_CONFLICT ? _("The clinic changed this visit meanwhile: review the change")
                                 : state == MK_OUTBOX_FAILED ? _("The clinic refused this change")
                                 : _("Waiting to be sent; it goes out on the next sync"));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "appointment.cancel", can_cancel);
  gtk_widget_set_tooltip_text (self->cancel_button,
                               can_cancel ? NULL : error != NULL ? error->message : NULL);
}

static void
mk_appointment_card_update (MkAppointmentCard *self)
{
  g_autoptr(MkAppointment) appointment = NULL;
  g_autofree char *doctor = NULL;
  g_autofree char *specialty = NULL;
  g_autofree char *institution = NULL;
  g_autofree char *address = NULL;
  g_autofree char *when = NULL;
  g_autofree char *duration = NULL;
  gint64 minutes = -1;

  if (self->appointment != NULL)
    appointment = mk_appointment_read (mk_resource_get_object (self->appointment), NULL);

  if (appointment == NULL)
    {
      for (guint i = 0; i < N_FIELDS; i++)
        set_field (self, i, NULL);
      return;
    }

  mk_appointment_row_dup_doctor (self->store, appointment, &doctor, &specialty);
  mk_appointment_row_dup_place (self->store, appointment, TRUE, &institution, &address);
  when = mk_appointment_row_dup_when (appointment);

  minutes = appointment->minutes_duration;
  if (minutes < 0)
    {
      g_autoptr(GDateTime) start = mk_appointment_dup_start (appointment);
      g_autoptr(GDateTime) end = mk_appointment_dup_end (appointment);

      if (start != NULL && end != NULL)
        minutes = g_date_time_difference (end, start) / G_TIME_SPAN_MINUTE;
    }
  if (minutes > 0)
    duration = g_strdup_printf (ngettext ("%d minute", "%d minutes", (unsigned long) minutes),
                                (int) minutes);

  adw_window_title_set_subtitle (self->window_title, doctor != NULL ? doctor : "");

  set_field (self, MK_APPOINTMENT_CARD_DOCTOR, doctor);
  set_field (self, MK_APPOINTMENT_CARD_SPECIALTY, specialty);
  set_field (self, MK_APPOINTMENT_CARD_INSTITUTION, institution);
  set_field (self, MK_APPOINTMENT_CARD_ADDRESS, appointment->is_telemedicine ? NULL : address);
  set_field (self, MK_APPOINTMENT_CARD_WHEN, when);
  set_field (self, MK_APPOINTMENT_CARD_DURATION, duration);
  set_field (self, MK_APPOINTMENT_CARD_STATUS,
             appointment->status != NULL ? mk_appointment_status_to_label (appointment->status) : NULL);
  set_field (self, MK_APPOINTMENT_CARD_TYPE,
             appointment->is_telemedicine ? C_("visit type", "Telemedicine")
                                          : C_("visit type", "In person"));
  set_field (self, MK_APPOINTMENT_CARD_CODE, appointment->booking_code);
  set_field (self, MK_APPOINTMENT_CARD_INSTRUCTION, appointment->patient_instruction);
  set_field (self, MK_APPOINTMENT_CARD_CANCELLATION,
             g_strcmp0 (appointment->status, "cancelled") == 0 ? appointment->cancelation_reason : NULL);
  mk_appointment_card_update_edits (self);
}

gboolean
mk_appointment_card_cancel (MkAppointmentCard  *self,
                            const char         *reason,
                            GError            **error)
{
  g_autoptr(MkResource) updated = NULL;
  GtkWindow *parent;

  g_return_val_if_fail (MK_IS_APPOINTMENT_CARD (self), FALSE);

  if (!mk_edits_cancel_appointment (self->store, self->clock, mk_resource_get_id (self->appointment),
                                    reason != NULL && *reason != '\0' ? reason : NULL, error))
    return FALSE;

  updated = mk_store_get_resource (self->store, "Appointment", mk_resource_get_id (self->appointment), NULL);
  if (updated != NULL)
    g_set_object (&self->appointment, updated);
  mk_appointment_card_update (self);

  /* Send it now when the card can sync (nothing happens offline). */
  parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  if (parent != NULL)
    gtk_widget_activate_action (GTK_WIDGET (parent), "win.sync", NULL);
  return TRUE;
}

static void
on_cancel_response (AdwMessageDialog  *dialog,
                    const char        *response,
                    MkAppointmentCard *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "reason-entry");
  g_autofree char *reason = NULL;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "cancel-visit") != 0)
    return;

  reason = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  if (!mk_appointment_card_cancel (self, reason, &error))
    {
      GtkWidget *message = adw_message_dialog_new (GTK_WINDOW (self), _("Cannot Cancel the Visit"),
                                                   error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (message), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (message));
    }
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  MkAppointmentCard *self = MK_APPOINTMENT_CARD (widget);
  GtkWidget *dialog;
  GtkWidget *entry;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Cancel This Visit?"),
                                   _("The clinic is told on the next sync. You can give a reason."));
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Reason (optional)"));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  g_object_set_data (G_OBJECT (dialog), "reason-entry", entry);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep Visit"),
                                    "cancel-visit", _("_Cancel Visit"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "cancel-visit",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_cancel_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
mk_appointment_card_constructed (GObject *object)
{
  MkAppointmentCard *self = MK_APPOINTMENT_CARD (object);

  G_OBJECT_CLASS (mk_appointment_card_parent_class)->constructed (object);

  if (self->clock == NULL)
    self->clock = g_object_ref (mk_clock_get_default ());
  mk_appointment_card_update (self);
}

static void
mk_appointment_card_dispose (GObject *object)
{
  MkAppointmentCard *self = MK_APPOINTMENT_CARD (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MK_TYPE_APPOINTMENT_CARD);
  g_clear_object (&self->appointment);
  g_clear_object (&self->store);
  g_clear_object (&self->clock);

  G_OBJECT_CLASS (mk_appointment_card_parent_class)->dispose (object);
}

static void
mk_appointment_card_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  MkAppointmentCard *self = MK_APPOINTMENT_CARD (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_APPOINTMENT:
      g_value_set_object (value, self->appointment);
      break;
    case PROP_CLOCK:
      g_value_set_object (value, self->clock);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mk_appointment_card_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  MkAppointmentCard *self = MK_APPOINTMENT_CARD (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_APPOINTMENT:
      self->appointment = g_value_dup_object (value);
      break;
    case PROP_CLOCK:
      self->clock = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mk_appointment_card_class_init (MkAppointmentCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = mk_appointment_card_constructed;
  object_class->dispose = mk_appointment_card_dispose;
  object_class->get_property = mk_appointment_card_get_property;
  object_class->set_property = mk_appointment_card_set_property;

  properties [PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, MK_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties [PROP_APPOINTMENT] =
    g_param_spec_object ("appointment", NULL, NULL, MK_TYPE_RESOURCE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties [PROP_CLOCK] =
    g_param_spec_object ("clock", NULL, NULL, MK_TYPE_CLOCK,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  mk_ui_class_set_template (widget_class, "mk-appointment-card.ui");
  gtk_widget_class_bind_template_child (widget_class, MkAppointmentCard, window_title);
  gtk_widget_class_bind_template_child (widget_class, MkAppointmentCard, sync_row);
  gtk_widget_class_bind_template_child (widget_class, MkAppointmentCard, cancel_button);
  gtk_widget_class_bind_template_child_full (widget_class, "doctor_row", FALSE,
                                             G_STRUCT_OFFSET (MkAppointmentCard, rows[MK_APPOINTMENT_CARD_DOCTOR]));
  gtk_widget_class_bind_template_child_full (widget_class, "specialty_row", FALSE,
                                             G_STRUCT_OFFSET (MkAppointmentCard, rows[MK_APPOINTMENT_CARD_SPECIALTY]));
  gtk_widget_class_bind_template_child_full (widget_class, "institution_row", FALSE,
                                             G_STRUCT_OFFSET (MkAppointmentCard, rows[MK_APPOINTMENT_CARD_INSTITUTION]));
  gtk_widget_class_bind_template_child_full (widget_class, "address_row", FALSE,
                                             G_STRUCT_OFFSET (MkAppointmentCard, rows[MK_APPOINTMENT_CARD_ADDRESS]));
  gtk_widget_class_bind_template_child_full (widget_class, "when_row", FALSE,
                                             G_STRUCT_OFFSET (MkAppointmentCard, rows[MK_APPOINTMENT_CARD_WHEN]));
  gtk_widget_class_bind_template_child_full (widget_class, "duration_row", FALSE,
                                             G_STRUCT_OFFSET (MkAppointmentCard, rows[MK_APPOINTMENT_CARD_DURATION]));
  gtk_widget_class_bind_template_child_full (widget_class, "status_row", FALSE,
                                             G_STRUCT_OFFSET (MkAppointmentCard, rows[MK_APPOINTMENT_CARD_STATUS]));
  gtk_widget_class_bind_template_child_full (widget_class, "type_row", FALSE,
                                             G_STRUCT_OFFSET (MkAppointmentCard, rows[MK_APPOINTMENT_CARD_TYPE]));
  gtk_widget_class_bind_template_child_full (widget_class, "code_row", FALSE,
                                             G_STRUCT_OFFSET (MkAppointmentCard, rows[MK_APPOINTMENT_CARD_CODE]));
  gtk_widget_class_bind_template_child_full (widget_class, "instruction_row", FALSE,
                                             G_STRUCT_OFFSET (MkAppointmentCard, rows[MK_APPOINTMENT_CARD_INSTRUCTION]));
  gtk_widget_class_bind_template_child_full (widget_class, "cancellation_row", FALSE,
                                             G_STRUCT_OFFSET (MkAppointmentCard, rows[MK_APPOINTMENT_CARD_CANCELLATION]));

  gtk_widget_class_install_action (widget_class, "appointment.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
mk_appointment_card_init (MkAppointmentCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

MkAppointmentCard *
mk_appointment_card_new (MkStore    *store,
                         MkResource *appointment)
{
  return g_object_new (MK_TYPE_APPOINTMENT_CARD, "store", store, "appointment", appointment, NULL);
}

MkAppointmentCard *
mk_appointment_card_new_with_clock (MkStore    *store,
                                    MkResource *appointment,
                                    MkClock    *clock)
{
  return g_object_new (MK_TYPE_APPOINTMENT_CARD,
                       "store", store, "appointment", appointment, "clock", clock,
                       NULL);
}

GtkWidget *
mk_appointment_card_get_cancel_button (MkAppointmentCard *self)
{
  g_return_val_if_fail (MK_IS_APPOINTMENT_CARD (self), NULL);
  return self->cancel_button;
}

gboolean
mk_appointment_card_get_waiting (MkAppointmentCard *self)
{
  g_return_val_if_fail (MK_IS_APPOINTMENT_CARD (self), FALSE);
  return gtk_widget_get_visible (GTK_WIDGET (self->sync_row));
}

MkResource *
mk_appointment_card_get_appointment (MkAppointmentCard *self)
{
  g_return_val_if_fail (MK_IS_APPOINTMENT_CARD (self), NULL);
  return self->appointment;
}

const char *
mk_appointment_card_get_field (MkAppointmentCard      *self,
                               MkAppointmentCardField  field)
{
  g_return_val_if_fail (MK_IS_APPOINTMENT_CARD (self), NULL);
  g_return_val_if_fail (field < N_FIELDS, NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->rows[field])))
    return NULL;
  return adw_action_row_get_subtitle (self->rows[field]);
}
