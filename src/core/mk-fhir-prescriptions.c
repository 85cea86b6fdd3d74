/* mk-fhir-prescriptions.c — MedicationRequest and the prescription state
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "mk-fhir-types.h"

static const char * const erx_systems[] = { MK_FHIR_SYSTEM_ERX_CODE, NULL };

void
mk_medication_request_free (MkMedicationRequest *request)
{
  if (request == NULL)
    return;

  g_free (request->id);
  g_free (request->status);
  g_free (request->intent);
  g_free (request->medication);
  g_free (request->medication_code);
  mk_fhir_reference_clear (&request->medication_reference);
  g_free (request->dosage_text);
  g_free (request->period_start);
  g_free (request->period_end);
  g_free (request->duration_unit);
  g_free (request->authored_on);
  mk_fhir_reference_clear (&request->requester);
  g_free (request->prescription_code);
  g_free (request->validity_start);
  g_free (request->validity_end);
  g_free (request->stage);
  g_free (request->pharmacy);
  g_free (request->reason);
  g_free (request->note);
  g_free (request);
}

static char *
format_plain_number (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  /* The locale's decimal separator, no trailing zeros. */
  g_snprintf (buffer, sizeof buffer, "%.10g", value);
  return g_strdup (buffer);
}

/* "1 tablet, 2 times a day" from doseAndRate[0].doseQuantity and
 * timing.repeat when dosageInstruction[0].text is absent. */
static gboolean
build_dosage_text (JsonObject  *dosage,
                   char       **out,
                   GError     **error)
{
  JsonObject *dose = NULL;
  JsonObject *repeat = NULL;
  g_autofree char *dose_text = NULL;
  g_autofree char *timing_text = NULL;
  double dose_value = 0, period = 0;
  gint64 frequency = 0;
  gboolean has_dose = FALSE, has_frequency = FALSE, has_period = FALSE;
  const char *dose_unit = NULL;
  const char *period_unit = NULL;

  *out = NULL;
  if (dosage == NULL)
    return TRUE;

  if (!mk_fhir_get_path_object (dosage, "doseAndRate.doseQuantity", &dose, error)
      || !mk_fhir_get_number (dose, "value", &dose_value, &has_dose, error)
      || !mk_fhir_get_string (dose, "unit", &dose_unit, error)
      || !mk_fhir_get_path_object (dosage, "timing.repeat", &repeat, error)
      || !mk_fhir_get_int (repeat, "frequency", &frequency, &has_frequency, error)
      || !mk_fhir_get_number (repeat, "period", &period, &has_period, error)
      || !mk_fhir_get_string (repeat, "periodUnit", &period_unit, error))
    return FALSE;

  if (has_dose)
    {
      g_autofree char *number = format_plain_number (dose_value);

      dose_text = dose_unit != NULL ? g_strdup_printf ("%s %s", number, dose_unit)
                                    : g_steal_pointer (&number);
    }

  if (has_frequency && frequency > 0 && (!has_period || period == 1)
      && g_strcmp0 (period_unit, "d") == 0)
    timing_text = g_strdup_printf (ngettext ("%d time a day", "%d times a day", (gulong) frequency),
                                   (int) frequency);
  else if (has_frequency && frequency > 0 && (!has_period || period == 1)
           && g_strcmp0 (period_unit, "wk") == 0)
    timing_text = g_strdup_printf (ngettext ("%d time a week", "%d times a week", (gulong) frequency),
                                   (int) frequency);
  else if ((!has_frequency || frequency == 1) && has_period && period >= 1
           && period == (double) (int) period && g_strcmp0 (period_unit, "h") == 0)
    timing_text = g_strdup_printf (ngettext ("every %d hour", "every %d hours", (gulong) period),
                                   (int) period);

  if (dose_text != NULL && timing_text != NULL)
    /* Translators: a dosage: the first %s is a dose ("1 tablet"), the second
     * how often ("2 times a day") */
    *out = g_strdup_printf (C_("dosage", "%s, %s"), dose_text, timing_text);
  else if (dose_text != NULL)
    *out = g_steal_pointer (&dose_text);
  else
    *out = g_steal_pointer (&timing_text);

  return TRUE;
}

MkMedicationRequest *
mk_medication_request_read (JsonObject  *resource,
                            GError     **error)
{
  g_autoptr(MkMedicationRequest) request = g_new0 (MkMedicationRequest, 1);
  JsonObject *dosage = NULL;
  JsonObject *bounds_duration = NULL;
  JsonObject *dispense = NULL;
  gboolean has_repeats = FALSE;

  if (!mk_fhir_check_resource_type (resource, "MedicationRequest", error)
      || !mk_fhir_dup_string (resource, "id", &request->id, error)
      || !mk_fhir_dup_string (resource, "status", &request->status, error)
      || !mk_fhir_dup_string (resource, "intent", &request->intent, error)
      || !mk_fhir_get_concept_display (resource, "medicationCodeableConcept", &request->medication, error)
      || !mk_fhir_get_concept_code (resource, "medicationCodeableConcept", NULL,
                                    &request->medication_code, error)
      || !mk_fhir_get_reference (resource, "medicationReference", &request->medication_reference, error)
      || !mk_fhir_get_first_object (resource, "dosageInstruction", &dosage, error)
      || !mk_fhir_dup_string (dosage, "text", &request->dosage_text, error)
      || !mk_fhir_dup_path_string (dosage, "timing.repeat.boundsPeriod.start", &request->period_start, error)
      || !mk_fhir_dup_path_string (dosage, "timing.repeat.boundsPeriod.end", &request->period_end, error)
      || !mk_fhir_get_path_object (dosage, "timing.repeat.boundsDuration", &bounds_duration, error)
      || !mk_fhir_get_number (bounds_duration, "value", &request->duration, NULL, error)
      || !mk_fhir_dup_string (bounds_duration, "code", &request->duration_unit, error)
      || !mk_fhir_dup_string (resource, "authoredOn", &request->authored_on, error)
      || !mk_fhir_get_reference (resource, "requester", &request->requester, error)
      || !mk_fhir_get_object (resource, "dispenseRequest", &dispense, error)
      || !mk_fhir_dup_path_string (dispense, "validityPeriod.start", &request->validity_start, error)
      || !mk_fhir_dup_path_string (dispense, "validityPeriod.end", &request->validity_end, error)
      || !mk_fhir_get_int (dispense, "numberOfRepeatsAllowed", &request->number_of_repeats_allowed,
                           &has_repeats, error)
      || !mk_fhir_get_concept_display (resource, "reasonCode", &request->reason, error))
    return NULL;

  if (request->duration_unit == NULL
      && !mk_fhir_dup_string (bounds_duration, "unit", &request->duration_unit, error))
    return NULL;
  if (request->medication == NULL)
    request->medication = g_strdup (request->medication_reference.display);
  if (request->dosage_text == NULL
      && !build_dosage_text (dosage, &request->dosage_text, error))
    return NULL;
  if (!has_repeats)
    request->number_of_repeats_allowed = -1;

  request->prescription_code = g_strdup (mk_fhir_identifier_lookup (resource, erx_systems, NULL));
  request->stage = g_strdup (mk_fhir_extension_get_string (resource, MK_FHIR_EXT_PRESCRIPTION_STAGE));
  request->pharmacy = g_strdup (mk_fhir_extension_get_string (resource, MK_FHIR_EXT_PHARMACY));
  request->note = mk_fhir_annotations_join (resource, "note");

  return g_steal_pointer (&request);
}

GDateTime *
mk_medication_request_dup_validity_end (const MkMedicationRequest *request)
{
  GDate date;

  g_return_val_if_fail (request != NULL, NULL);

  if (request->validity_end == NULL)
    return NULL;

  /* A date (even a partial one) is valid through the end of its last day. */
  if (strchr (request->validity_end, 'T') == NULL)
    {
      g_autoptr(GTimeZone) local = g_time_zone_new_local ();
      g_autoptr(GDateTime) midnight = NULL;
      size_t len = strlen (request->validity_end);

      if (!mk_fhir_parse_date (request->validity_end, &date, NULL))
        return NULL;

      if (len == 4)
        g_date_add_years (&date, 1);
      else if (len == 7)
        g_date_add_months (&date, 1);
      else
        g_date_add_days (&date, 1);

      return g_date_time_new (local, g_date_get_year (&date), g_date_get_month (&date),
                              g_date_get_day (&date), 0, 0, 0);
    }

  return mk_fhir_parse_date_time (request->validity_end, NULL);
}

MkPrescriptionState
mk_medication_request_get_state (const MkMedicationRequest *request,
                                 GDateTime                 *now)
{
  const char *status;
  g_autoptr(GDateTime) end = NULL;

  g_return_val_if_fail (request != NULL, MK_PRESCRIPTION_STATE_DRAFT);
  g_return_val_if_fail (now != NULL, MK_PRESCRIPTION_STATE_DRAFT);

  status = request->status != NULL ? request->status : "";

  if (g_str_equal (status, "cancelled")
      || g_str_equal (status, "entered-in-error")
      || g_str_equal (status, "stopped"))
    return MK_PRESCRIPTION_STATE_CANCELLED;

  if (g_str_equal (status, "completed"))
    return MK_PRESCRIPTION_STATE_DISPENSED;

  if (g_str_equal (status, "draft"))
    return g_strcmp0 (request->stage, "signed") == 0 ? MK_PRESCRIPTION_STATE_SIGNED
                                                     : MK_PRESCRIPTION_STATE_DRAFT;

  end = mk_medication_request_dup_validity_end (request);
  if (end != NULL)
    {
      GTimeSpan left = g_date_time_difference (end, now);

      if (left <= 0)
        return MK_PRESCRIPTION_STATE_EXPIRED;
      if (left <= MK_PRESCRIPTION_EXPIRING_DAYS * G_TIME_SPAN_DAY)
        return MK_PRESCRIPTION_STATE_EXPIRING;
    }

  return g_strcmp0 (request->stage, "sent") == 0 ? MK_PRESCRIPTION_STATE_SENT
                                                 : MK_PRESCRIPTION_STATE_ISSUED;
}

const char *
mk_prescription_state_to_label (MkPrescriptionState state)
{
  switch (state)
    {
    case MK_PRESCRIPTION_STATE_DRAFT:
      return C_("prescription state", "Draft");
    case MK_PRESCRIPTION_STATE_SIGNED:
      return C_("prescription state", "Signed");
    case MK_PRESCRIPTION_STATE_ISSUED:
      return C_("prescription state", "Issued");
    case MK_PRESCRIPTION_STATE_SENT:
      return C_("prescription state", "Sent to pharmacy");
    case MK_PRESCRIPTION_STATE_DISPENSED:
      return C_("prescription state", "Dispensed");
    case MK_PRESCRIPTION_STATE_EXPIRING:
      return C_("prescription state", "Expiring soon");
    case MK_PRESCRIPTION_STATE_EXPIRED:
      return C_("prescription state", "Expired");
    case MK_PRESCRIPTION_STATE_CANCELLED:
      return C_("prescription state", "Cancelled");
    default:
      g_return_val_if_reached ("");
    }
}
