/* mk-appointment-card.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mk-appointment-card.h"
#include "mk-appointment-row.h"
#include "mk-fhir-types.h"
#include "mk-format.h"
#include "mk-ui-resources.h"

#define N_FIELDS (MK_APPOINTMENT_CARD_CANCELLATION + 1)

struct _MkAppointmentCard
{
  AdwWindow       parent_instance;

  MkStore        *store;
  MkResource     *appointment;

  AdwWindowTitle *window_title;
  AdwActionRow   *rows[N_FIELDS];
};

G_DEFINE_FINAL_TYPE (MkAppointmentCard, mk_appointment_card, ADW_TYPE_WINDOW)

enum { PROP_0, PROP_STORE, PROP_APPOINTMENT, N_PROPS };
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
}

static void
mk_appointment_card_constructed (GObject *object)
{
  MkAppointmentCard *self = MK_APPOINTMENT_CARD (object);

  G_OBJECT_CLASS (mk_appointment_card_parent_class)->constructed (object);

  mk_appointment_card_update (self);
}

static void
mk_appointment_card_dispose (GObject *object)
{
  MkAppointmentCard *self = MK_APPOINTMENT_CARD (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MK_TYPE_APPOINTMENT_CARD);
  g_clear_object (&self->appointment);
  g_clear_object (&self->store);

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
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The resources live in a static library: referencing them keeps them
   * linked in (their constructor registers them). */
  (void) mk_ui_get_resource ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/medkarta/Medkarta/ui/mk-appointment-card.ui");
  gtk_widget_class_bind_template_child (widget_class, MkAppointmentCard, window_title);
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
