/* mk-fhir-visits.c — Appointment, Slot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mk-fhir-types.h"

static const char * const booking_code_systems[] = { MK_FHIR_SYSTEM_BOOKING_CODE, NULL };

/* ---- Appointment -------------------------------------------------------- */

void
mk_appointment_free (MkAppointment *appointment)
{
  if (appointment == NULL)
    return;

  g_free (appointment->id);
  g_free (appointment->status);
  g_free (appointment->start);
  g_free (appointment->end);
  g_free (appointment->service_type);
  g_free (appointment->specialty);
  g_free (appointment->appointment_type);
  mk_fhir_reference_clear (&appointment->practitioner);
  mk_fhir_reference_clear (&appointment->location);
  mk_fhir_reference_clear (&appointment->organization);
  mk_fhir_reference_clear (&appointment->slot);
  g_free (appointment->description);
  g_free (appointment->comment);
  g_free (appointment->patient_instruction);
  g_free (appointment->booking_code);
  g_free (appointment->cancelation_reason);
  g_free (appointment->created);
  g_free (appointment);
}

/* Sorts participant actors by their reference type. */
static gboolean
read_participants (JsonObject     *resource,
                   MkAppointment  *appointment,
                   GError        **error)
{
  JsonArray *participants = NULL;

  if (!mk_fhir_get_array (resource, "participant", &participants, error))
    return FALSE;

  for (guint i = 0; participants != NULL && i < json_array_get_length (participants); i++)
    {
      JsonObject *participant = NULL;
      MkFhirReference actor = { NULL, NULL };
      MkFhirReference *target = NULL;
      g_autofree char *type = NULL;

      if (!mk_fhir_array_get_object (participants, i, &participant, error)
          || !mk_fhir_get_reference (participant, "actor", &actor, error))
        return FALSE;

      type = mk_fhir_reference_dup_type (actor.reference);
      if (type == NULL)
        ;
      else if (g_str_equal (type, "Practitioner") || g_str_equal (type, "PractitionerRole"))
        target = &appointment->practitioner;
      else if (g_str_equal (type, "Location"))
        target = &appointment->location;
      else if (g_str_equal (type, "Organization") || g_str_equal (type, "HealthcareService"))
        target = &appointment->organization;

      /* The first actor of each kind wins; a Practitioner beats a
       * PractitionerRole for the doctor's name. */
      if (target != NULL
          && (target->reference == NULL
              || (target == &appointment->practitioner
                  && g_str_equal (type, "Practitioner")
                  && g_str_has_prefix (target->reference, "PractitionerRole/"))))
        {
          mk_fhir_reference_clear (target);
          *target = actor;
        }
      else
        mk_fhir_reference_clear (&actor);
    }

  return TRUE;
}

MkAppointment *
mk_appointment_read (JsonObject  *resource,
                     GError     **error)
{
  g_autoptr(MkAppointment) appointment = g_new0 (MkAppointment, 1);
  JsonObject *appointment_type = NULL;
  gboolean has_duration = FALSE;

  if (!mk_fhir_check_resource_type (resource, "Appointment", error)
      || !mk_fhir_dup_string (resource, "id", &appointment->id, error)
      || !mk_fhir_dup_string (resource, "status", &appointment->status, error)
      || !mk_fhir_dup_string (resource, "start", &appointment->start, error)
      || !mk_fhir_dup_string (resource, "end", &appointment->end, error)
      || !mk_fhir_get_int (resource, "minutesDuration", &appointment->minutes_duration,
                           &has_duration, error)
      || !mk_fhir_get_concept_display (resource, "serviceType", &appointment->service_type, error)
      || !mk_fhir_get_concept_display (resource, "specialty", &appointment->specialty, error)
      || !mk_fhir_get_object (resource, "appointmentType", &appointment_type, error)
      || !read_participants (resource, appointment, error)
      || !mk_fhir_get_reference (resource, "slot", &appointment->slot, error)
      || !mk_fhir_dup_string (resource, "description", &appointment->description, error)
      || !mk_fhir_dup_string (resource, "comment", &appointment->comment, error)
      || !mk_fhir_dup_string (resource, "patientInstruction", &appointment->patient_instruction, error)
      || !mk_fhir_get_concept_display (resource, "cancelationReason", &appointment->cancelation_reason, error)
      || !mk_fhir_dup_string (resource, "created", &appointment->created, error))
    return NULL;

  if (!has_duration)
    appointment->minutes_duration = -1;
  appointment->appointment_type = g_strdup (mk_fhir_codeable_concept_get_code (appointment_type, NULL));
  appointment->is_telemedicine = mk_fhir_codeable_concept_has_code (appointment_type, NULL, "VR");
  appointment->booking_code = g_strdup (mk_fhir_identifier_lookup (resource, booking_code_systems, NULL));

  return g_steal_pointer (&appointment);
}

static GDateTime *
parse_or_null (const char *value)
{
  if (value == NULL)
    return NULL;

  return mk_fhir_parse_date_time (value, NULL);
}

GDateTime *
mk_appointment_dup_start (const MkAppointment *appointment)
{
  g_return_val_if_fail (appointment != NULL, NULL);

  return parse_or_null (appointment->start);
}

GDateTime *
mk_appointment_dup_end (const MkAppointment *appointment)
{
  g_return_val_if_fail (appointment != NULL, NULL);

  return parse_or_null (appointment->end);
}

const char *
mk_appointment_status_to_label (const char *status)
{
  if (status == NULL)
    return "";
  if (g_str_equal (status, "booked"))
    return C_("appointment status", "Booked");
  if (g_str_equal (status, "fulfilled"))
    return C_("appointment status", "Fulfilled");
  if (g_str_equal (status, "cancelled"))
    return C_("appointment status", "Cancelled");
  if (g_str_equal (status, "noshow"))
    return C_("appointment status", "No-show");
  if (g_str_equal (status, "proposed"))
    return C_("appointment status", "Proposed");
  if (g_str_equal (status, "pending"))
    return C_("appointment status", "Pending");
  if (g_str_equal (status, "arrived"))
    return C_("appointment status", "Arrived");
  if (g_str_equal (status, "checked-in"))
    return C_("appointment status", "Checked in");
  if (g_str_equal (status, "waitlist"))
    return C_("appointment status", "Waitlisted");
  if (g_str_equal (status, "entered-in-error"))
    return C_("appointment status", "Entered in error");

  return status;
}

/* ---- Slot --------------------------------------------------------------- */

void
mk_slot_free (MkSlot *slot)
{
  if (slot == NULL)
    return;

  g_free (slot->id);
  g_free (slot->status);
  g_free (slot->start);
  g_free (slot->end);
  mk_fhir_reference_clear (&slot->schedule);
  g_free (slot->service_type);
  g_free (slot->specialty);
  g_free (slot->appointment_type);
  g_free (slot->comment);
  g_free (slot);
}

MkSlot *
mk_slot_read (JsonObject  *resource,
              GError     **error)
{
  g_autoptr(MkSlot) slot = g_new0 (MkSlot, 1);

  if (!mk_fhir_check_resource_type (resource, "Slot", error)
      || !mk_fhir_dup_string (resource, "id", &slot->id, error)
      || !mk_fhir_dup_string (resource, "status", &slot->status, error)
      || !mk_fhir_dup_string (resource, "start", &slot->start, error)
      || !mk_fhir_dup_string (resource, "end", &slot->end, error)
      || !mk_fhir_get_reference (resource, "schedule", &slot->schedule, error)
      || !mk_fhir_get_concept_display (resource, "serviceType", &slot->service_type, error)
      || !mk_fhir_get_concept_display (resource, "specialty", &slot->specialty, error)
      || !mk_fhir_get_concept_code (resource, "appointmentType", NULL, &slot->appointment_type, error)
      || !mk_fhir_get_boolean (resource, "overbooked", &slot->overbooked, NULL, error)
      || !mk_fhir_dup_string (resource, "comment", &slot->comment, error))
    return NULL;

  return g_steal_pointer (&slot);
}

GDateTime *
mk_slot_dup_start (const MkSlot *slot)
{
  g_return_val_if_fail (slot != NULL, NULL);

  return parse_or_null (slot->start);
}

GDateTime *
mk_slot_dup_end (const MkSlot *slot)
{
  g_return_val_if_fail (slot != NULL, NULL);

  return parse_or_null (slot->end);
}

const char *
mk_slot_status_to_label (const char *status)
{
  if (status == NULL)
    return "";
  if (g_str_equal (status, "free"))
    return C_("slot status", "Free");
  if (g_str_equal (status, "busy"))
    return C_("slot status", "Busy");
  if (g_str_equal (status, "busy-unavailable"))
    return C_("slot status", "Unavailable");
  if (g_str_equal (status, "busy-tentative"))
    return C_("slot status", "Tentative");
  if (g_str_equal (status, "entered-in-error"))
    return C_("slot status", "Entered in error");

  return status;
}
