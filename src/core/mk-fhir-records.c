/* mk-fhir-records.c — Encounter, Condition, Observation, DiagnosticReport,
 * Immunization, Procedure (incl. medical-book exams), AllergyIntolerance
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "mk-fhir-types.h"

/* Joins the displays of the CodeableConcepts in array @member with @sep. */
static gboolean
join_concept_displays (JsonObject  *object,
                       const char  *member,
                       const char  *sep,
                       GString     *result,
                       GError     **error)
{
  JsonArray *concepts = NULL;

  if (!mk_fhir_get_array (object, member, &concepts, error))
    return FALSE;

  for (guint i = 0; concepts != NULL && i < json_array_get_length (concepts); i++)
    {
      JsonObject *concept = NULL;
      g_autofree char *display = NULL;

      if (!mk_fhir_array_get_object (concepts, i, &concept, error))
        return FALSE;
      display = mk_fhir_codeable_concept_dup_display (concept);
      if (display == NULL)
        continue;
      if (result->len > 0)
        g_string_append (result, sep);
      g_string_append (result, display);
    }

  return TRUE;
}

static char *
string_or_null (GString *string)
{
  if (string->len == 0)
    {
      g_string_free (string, TRUE);
      return NULL;
    }

  return g_string_free (string, FALSE);
}

/* The first of several date members present: "effectiveDateTime",
 * "effectivePeriod.start", … */
static gboolean
dup_first_string (JsonObject          *object,
                  const char * const  *paths,
                  char               **out,
                  GError             **error)
{
  g_clear_pointer (out, g_free);

  for (guint i = 0; paths[i] != NULL; i++)
    {
      if (!mk_fhir_dup_path_string (object, paths[i], out, error))
        return FALSE;
      if (*out != NULL)
        return TRUE;
    }

  return TRUE;
}

/* ---- Encounter ---------------------------------------------------------- */

void
mk_encounter_free (MkEncounter *encounter)
{
  if (encounter == NULL)
    return;

  g_free (encounter->id);
  g_free (encounter->status);
  g_free (encounter->class_code);
  g_free (encounter->class_display);
  g_free (encounter->type);
  g_free (encounter->start);
  g_free (encounter->end);
  mk_fhir_reference_clear (&encounter->service_provider);
  mk_fhir_reference_clear (&encounter->practitioner);
  g_free (encounter->reason);
  g_clear_pointer (&encounter->diagnoses, g_ptr_array_unref);
  g_free (encounter);
}

static gboolean
read_encounter_participant (JsonObject       *resource,
                            MkFhirReference  *out,
                            GError          **error)
{
  JsonArray *participants = NULL;

  if (!mk_fhir_get_array (resource, "participant", &participants, error))
    return FALSE;

  for (guint i = 0; participants != NULL && i < json_array_get_length (participants); i++)
    {
      JsonObject *participant = NULL;
      MkFhirReference ref = { NULL, NULL };
      g_autofree char *type = NULL;

      if (!mk_fhir_array_get_object (participants, i, &participant, error)
          || !mk_fhir_get_reference (participant, "individual", &ref, error))
        return FALSE;

      type = mk_fhir_reference_dup_type (ref.reference);
      if ((ref.reference != NULL || ref.display != NULL)
          && (type == NULL
              || g_str_equal (type, "Practitioner")
              || g_str_equal (type, "PractitionerRole")))
        {
          *out = ref;
          return TRUE;
        }
      mk_fhir_reference_clear (&ref);
    }

  return TRUE;
}

MkEncounter *
mk_encounter_read (JsonObject  *resource,
                   GError     **error)
{
  g_autoptr(MkEncounter) encounter = g_new0 (MkEncounter, 1);
  GString *reason = g_string_new (NULL);
  JsonObject *class_coding = NULL;

  if (!mk_fhir_check_resource_type (resource, "Encounter", error)
      || !mk_fhir_dup_string (resource, "id", &encounter->id, error)
      || !mk_fhir_dup_string (resource, "status", &encounter->status, error)
      || !mk_fhir_get_object (resource, "class", &class_coding, error)
      || !mk_fhir_dup_string (class_coding, "code", &encounter->class_code, error)
      || !mk_fhir_dup_string (class_coding, "display", &encounter->class_display, error)
      || !mk_fhir_get_concept_display (resource, "type", &encounter->type, error)
      || !mk_fhir_dup_path_string (resource, "period.start", &encounter->start, error)
      || !mk_fhir_dup_path_string (resource, "period.end", &encounter->end, error)
      || !mk_fhir_get_reference (resource, "serviceProvider", &encounter->service_provider, error)
      || !read_encounter_participant (resource, &encounter->practitioner, error)
      || !join_concept_displays (resource, "reasonCode", "; ", reason, error))
    {
      g_string_free (reason, TRUE);
      return NULL;
    }

  encounter->reason = string_or_null (reason);
  if (encounter->class_display == NULL)
    encounter->class_display = g_strdup (encounter->class_code);

  encounter->diagnoses = mk_fhir_get_reference_array (resource, "diagnosis", "condition", error);
  if (encounter->diagnoses == NULL)
    return NULL;

  return g_steal_pointer (&encounter);
}

/* ---- Condition ---------------------------------------------------------- */

void
mk_condition_free (MkCondition *condition)
{
  if (condition == NULL)
    return;

  g_free (condition->id);
  g_free (condition->icd10);
  g_free (condition->display);
  g_free (condition->clinical_status);
  g_free (condition->verification_status);
  g_free (condition->category);
  g_free (condition->onset);
  g_free (condition->recorded_date);
  mk_fhir_reference_clear (&condition->encounter);
  mk_fhir_reference_clear (&condition->asserter);
  mk_fhir_reference_clear (&condition->recorder);
  g_free (condition->note);
  g_free (condition);
}

MkCondition *
mk_condition_read (JsonObject  *resource,
                   GError     **error)
{
  static const char * const onset_paths[] = {
    "onsetDateTime", "onsetPeriod.start", "onsetString", NULL
  };
  g_autoptr(MkCondition) condition = g_new0 (MkCondition, 1);

  if (!mk_fhir_check_resource_type (resource, "Condition", error)
      || !mk_fhir_dup_string (resource, "id", &condition->id, error)
      || !mk_fhir_get_concept_code (resource, "code", MK_FHIR_SYSTEM_ICD10, &condition->icd10, error)
      || !mk_fhir_get_concept_display (resource, "code", &condition->display, error)
      || !mk_fhir_get_concept_code (resource, "clinicalStatus", NULL, &condition->clinical_status, error)
      || !mk_fhir_get_concept_code (resource, "verificationStatus", NULL,
                                    &condition->verification_status, error)
      || !mk_fhir_get_concept_display (resource, "category", &condition->category, error)
      || !dup_first_string (resource, onset_paths, &condition->onset, error)
      || !mk_fhir_dup_string (resource, "recordedDate", &condition->recorded_date, error)
      || !mk_fhir_get_reference (resource, "encounter", &condition->encounter, error)
      || !mk_fhir_get_reference (resource, "asserter", &condition->asserter, error)
      || !mk_fhir_get_reference (resource, "recorder", &condition->recorder, error))
    return NULL;

  if (condition->icd10 == NULL)
    {
      if (!mk_fhir_get_concept_code (resource, "code", NULL, &condition->icd10, error))
        return NULL;
    }
  condition->note = mk_fhir_annotations_join (resource, "note");

  return g_steal_pointer (&condition);
}

/* ---- Observation -------------------------------------------------------- */

void
mk_observation_free (MkObservation *observation)
{
  if (observation == NULL)
    return;

  g_free (observation->id);
  g_free (observation->status);
  g_free (observation->category);
  g_free (observation->code);
  g_free (observation->code_display);
  g_free (observation->effective);
  g_free (observation->issued);
  g_free (observation->comparator);
  g_free (observation->unit);
  g_free (observation->value_text);
  g_free (observation->range_unit);
  g_free (observation->range_text);
  g_free (observation->interpretation);
  g_free (observation->interpretation_display);
  mk_fhir_reference_clear (&observation->performer);
  mk_fhir_reference_clear (&observation->encounter);
  g_free (observation->note);
  g_free (observation);
}

static char *
number_to_text (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.10g", value));
}

static gboolean
read_observation_value (JsonObject     *resource,
                        MkObservation  *observation,
                        GError        **error)
{
  JsonObject *quantity = NULL;
  const char *string_value = NULL;
  JsonObject *concept = NULL;
  gint64 integer = 0;
  gboolean has_integer = FALSE;
  gboolean boolean = FALSE;
  gboolean has_boolean = FALSE;

  if (!mk_fhir_get_object (resource, "valueQuantity", &quantity, error)
      || !mk_fhir_get_string (resource, "valueString", &string_value, error)
      || !mk_fhir_get_object (resource, "valueCodeableConcept", &concept, error)
      || !mk_fhir_get_int (resource, "valueInteger", &integer, &has_integer, error)
      || !mk_fhir_get_boolean (resource, "valueBoolean", &boolean, &has_boolean, error))
    return FALSE;

  if (quantity != NULL)
    {
      if (!mk_fhir_get_number (quantity, "value", &observation->value, &observation->has_value, error)
          || !mk_fhir_dup_string (quantity, "comparator", &observation->comparator, error)
          || !mk_fhir_dup_string (quantity, "unit", &observation->unit, error))
        return FALSE;
      if (observation->unit == NULL
          && !mk_fhir_dup_string (quantity, "code", &observation->unit, error))
        return FALSE;

      if (observation->has_value)
        {
          g_autofree char *number = number_to_text (observation->value);

          observation->value_text = g_strconcat (observation->comparator ? observation->comparator : "",
                                                 observation->comparator ? " " : "",
                                                 number,
                                                 observation->unit ? " " : "",
                                                 observation->unit ? observation->unit : "",
                                                 NULL);
        }
    }
  else if (has_integer)
    {
      observation->has_value = TRUE;
      observation->value = (double) integer;
      observation->value_text = g_strdup_printf ("%" G_GINT64_FORMAT, integer);
    }
  else if (string_value != NULL)
    observation->value_text = g_strdup (string_value);
  else if (concept != NULL)
    observation->value_text = mk_fhir_codeable_concept_dup_display (concept);
  else if (has_boolean)
    observation->value_text = g_strdup (boolean ? "true" : "false");

  return TRUE;
}

static gboolean
read_reference_range (JsonObject     *resource,
                      MkObservation  *observation,
                      GError        **error)
{
  JsonObject *range = NULL;
  JsonObject *low = NULL;
  JsonObject *high = NULL;

  if (!mk_fhir_get_first_object (resource, "referenceRange", &range, error))
    return FALSE;
  if (range == NULL)
    return TRUE;

  if (!mk_fhir_get_object (range, "low", &low, error)
      || !mk_fhir_get_object (range, "high", &high, error)
      || !mk_fhir_get_number (low, "value", &observation->low, &observation->has_low, error)
      || !mk_fhir_get_number (high, "value", &observation->high, &observation->has_high, error)
      || !mk_fhir_dup_string (range, "text", &observation->range_text, error)
      || !mk_fhir_dup_string (low, "unit", &observation->range_unit, error))
    return FALSE;

  if (observation->range_unit == NULL
      && !mk_fhir_dup_string (high, "unit", &observation->range_unit, error))
    return FALSE;

  return TRUE;
}

MkObservation *
mk_observation_read (JsonObject  *resource,
                     GError     **error)
{
  static const char * const effective_paths[] = {
    "effectiveDateTime", "effectivePeriod.start", "effectiveInstant", NULL
  };
  g_autoptr(MkObservation) observation = g_new0 (MkObservation, 1);
  JsonObject *interpretation = NULL;

  if (!mk_fhir_check_resource_type (resource, "Observation", error)
      || !mk_fhir_dup_string (resource, "id", &observation->id, error)
      || !mk_fhir_dup_string (resource, "status", &observation->status, error)
      || !mk_fhir_get_concept_code (resource, "category", NULL, &observation->category, error)
      || !mk_fhir_get_concept_code (resource, "code", MK_FHIR_SYSTEM_LOINC, &observation->code, error)
      || !mk_fhir_get_concept_display (resource, "code", &observation->code_display, error)
      || !dup_first_string (resource, effective_paths, &observation->effective, error)
      || !mk_fhir_dup_string (resource, "issued", &observation->issued, error)
      || !read_observation_value (resource, observation, error)
      || !read_reference_range (resource, observation, error)
      || !mk_fhir_get_path_object (resource, "interpretation", &interpretation, error)
      || !mk_fhir_get_reference (resource, "performer", &observation->performer, error)
      || !mk_fhir_get_reference (resource, "encounter", &observation->encounter, error))
    return NULL;

  if (observation->code == NULL
      && !mk_fhir_get_concept_code (resource, "code", NULL, &observation->code, error))
    return NULL;

  observation->interpretation = g_strdup (mk_fhir_codeable_concept_get_code (interpretation, NULL));
  observation->interpretation_display = mk_fhir_codeable_concept_dup_display (interpretation);
  observation->note = mk_fhir_annotations_join (resource, "note");

  return g_steal_pointer (&observation);
}

MkObservationFlag
mk_observation_get_flag (const MkObservation *observation)
{
  static const struct {
    const char        *code;
    MkObservationFlag  flag;
  } codes[] = {
    { "N", MK_OBSERVATION_FLAG_NORMAL },
    { "L", MK_OBSERVATION_FLAG_LOW },
    { "<", MK_OBSERVATION_FLAG_LOW },
    { "H", MK_OBSERVATION_FLAG_HIGH },
    { ">", MK_OBSERVATION_FLAG_HIGH },
    { "LL", MK_OBSERVATION_FLAG_CRITICAL_LOW },
    { "LU", MK_OBSERVATION_FLAG_CRITICAL_LOW },
    { "HH", MK_OBSERVATION_FLAG_CRITICAL_HIGH },
    { "HU", MK_OBSERVATION_FLAG_CRITICAL_HIGH },
    { "A", MK_OBSERVATION_FLAG_ABNORMAL },
    { "AA", MK_OBSERVATION_FLAG_ABNORMAL },
    { "POS", MK_OBSERVATION_FLAG_ABNORMAL },
    { "NEG", MK_OBSERVATION_FLAG_NORMAL },
  };

  g_return_val_if_fail (observation != NULL, MK_OBSERVATION_FLAG_NONE);

  if (observation->interpretation != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
        if (g_str_equal (observation->interpretation, codes[i].code))
          return codes[i].flag;
    }

  if (!observation->has_value || (!observation->has_low && !observation->has_high))
    return MK_OBSERVATION_FLAG_NONE;

  if (observation->has_low && observation->value < observation->low)
    return MK_OBSERVATION_FLAG_LOW;
  if (observation->has_high && observation->value > observation->high)
    return MK_OBSERVATION_FLAG_HIGH;

  return MK_OBSERVATION_FLAG_NORMAL;
}

const char *
mk_observation_flag_to_label (MkObservationFlag flag)
{
  switch (flag)
    {
    case MK_OBSERVATION_FLAG_NORMAL:
      return C_("lab result", "Normal");
    case MK_OBSERVATION_FLAG_LOW:
      return C_("lab result", "Low");
    case MK_OBSERVATION_FLAG_HIGH:
      return C_("lab result", "High");
    case MK_OBSERVATION_FLAG_CRITICAL_LOW:
      return C_("lab result", "Critically low");
    case MK_OBSERVATION_FLAG_CRITICAL_HIGH:
      return C_("lab result", "Critically high");
    case MK_OBSERVATION_FLAG_ABNORMAL:
      return C_("lab result", "Abnormal");
    case MK_OBSERVATION_FLAG_NONE:
    default:
      return "";
    }
}

/* ---- DiagnosticReport --------------------------------------------------- */

void
mk_diagnostic_report_free (MkDiagnosticReport *report)
{
  if (report == NULL)
    return;

  g_free (report->id);
  g_free (report->status);
  g_free (report->category);
  g_free (report->code);
  g_free (report->code_display);
  g_free (report->effective);
  g_free (report->issued);
  g_free (report->conclusion);
  mk_fhir_reference_clear (&report->performer);
  mk_fhir_reference_clear (&report->encounter);
  g_clear_pointer (&report->results, g_ptr_array_unref);
  g_free (report);
}

MkDiagnosticReport *
mk_diagnostic_report_read (JsonObject  *resource,
                           GError     **error)
{
  static const char * const effective_paths[] = {
    "effectiveDateTime", "effectivePeriod.start", NULL
  };
  g_autoptr(MkDiagnosticReport) report = g_new0 (MkDiagnosticReport, 1);
  JsonArray *forms = NULL;

  if (!mk_fhir_check_resource_type (resource, "DiagnosticReport", error)
      || !mk_fhir_dup_string (resource, "id", &report->id, error)
      || !mk_fhir_dup_string (resource, "status", &report->status, error)
      || !mk_fhir_get_concept_display (resource, "category", &report->category, error)
      || !mk_fhir_get_concept_code (resource, "code", MK_FHIR_SYSTEM_LOINC, &report->code, error)
      || !mk_fhir_get_concept_display (resource, "code", &report->code_display, error)
      || !dup_first_string (resource, effective_paths, &report->effective, error)
      || !mk_fhir_dup_string (resource, "issued", &report->issued, error)
      || !mk_fhir_dup_string (resource, "conclusion", &report->conclusion, error)
      || !mk_fhir_get_reference (resource, "performer", &report->performer, error)
      || !mk_fhir_get_reference (resource, "encounter", &report->encounter, error)
      || !mk_fhir_get_array (resource, "presentedForm", &forms, error))
    return NULL;

  if (report->code == NULL
      && !mk_fhir_get_concept_code (resource, "code", NULL, &report->code, error))
    return NULL;

  report->n_presented_forms = forms != NULL ? json_array_get_length (forms) : 0;
  report->results = mk_fhir_get_reference_array (resource, "result", NULL, error);
  if (report->results == NULL)
    return NULL;

  return g_steal_pointer (&report);
}

/* ---- Immunization ------------------------------------------------------- */

void
mk_immunization_free (MkImmunization *immunization)
{
  if (immunization == NULL)
    return;

  g_free (immunization->id);
  g_free (immunization->status);
  g_free (immunization->vaccine_code);
  g_free (immunization->vaccine);
  g_free (immunization->occurrence);
  g_free (immunization->dose_number);
  g_free (immunization->series_doses);
  g_free (immunization->target_disease);
  g_free (immunization->lot_number);
  g_free (immunization->manufacturer);
  mk_fhir_reference_clear (&immunization->performer);
  mk_fhir_reference_clear (&immunization->location);
  g_free (immunization->valid_until);
  g_free (immunization->note);
  g_free (immunization);
}

/* positiveInt or string member @prefix + "PositiveInt" / "String" as text. */
static gboolean
dup_int_or_string (JsonObject  *object,
                   const char  *prefix,
                   char       **out,
                   GError     **error)
{
  g_autofree char *int_member = g_strconcat (prefix, "PositiveInt", NULL);
  g_autofree char *string_member = g_strconcat (prefix, "String", NULL);
  gint64 value = 0;
  gboolean present = FALSE;

  g_clear_pointer (out, g_free);
  if (!mk_fhir_get_int (object, int_member, &value, &present, error))
    return FALSE;
  if (present)
    {
      *out = g_strdup_printf ("%" G_GINT64_FORMAT, value);
      return TRUE;
    }

  return mk_fhir_dup_string (object, string_member, out, error);
}

MkImmunization *
mk_immunization_read (JsonObject  *resource,
                      GError     **error)
{
  static const char * const occurrence_paths[] = {
    "occurrenceDateTime", "occurrenceString", NULL
  };
  g_autoptr(MkImmunization) immunization = g_new0 (MkImmunization, 1);
  JsonObject *protocol = NULL;

  if (!mk_fhir_check_resource_type (resource, "Immunization", error)
      || !mk_fhir_dup_string (resource, "id", &immunization->id, error)
      || !mk_fhir_dup_string (resource, "status", &immunization->status, error)
      || !mk_fhir_get_concept_code (resource, "vaccineCode", NULL, &immunization->vaccine_code, error)
      || !mk_fhir_get_concept_display (resource, "vaccineCode", &immunization->vaccine, error)
      || !dup_first_string (resource, occurrence_paths, &immunization->occurrence, error)
      || !mk_fhir_get_first_object (resource, "protocolApplied", &protocol, error)
      || !dup_int_or_string (protocol, "doseNumber", &immunization->dose_number, error)
      || !dup_int_or_string (protocol, "seriesDoses", &immunization->series_doses, error)
      || !mk_fhir_get_concept_display (protocol, "targetDisease", &immunization->target_disease, error)
      || !mk_fhir_dup_string (resource, "lotNumber", &immunization->lot_number, error)
      || !mk_fhir_dup_path_string (resource, "manufacturer.display", &immunization->manufacturer, error)
      || !mk_fhir_get_reference (resource, "performer.actor", &immunization->performer, error)
      || !mk_fhir_get_reference (resource, "location", &immunization->location, error))
    return NULL;

  immunization->valid_until = g_strdup (mk_fhir_extension_get_string (resource, MK_FHIR_EXT_VALID_UNTIL));
  immunization->note = mk_fhir_annotations_join (resource, "note");

  return g_steal_pointer (&immunization);
}

/* ---- Procedure ---------------------------------------------------------- */

void
mk_procedure_free (MkProcedure *procedure)
{
  if (procedure == NULL)
    return;

  g_free (procedure->id);
  g_free (procedure->status);
  g_free (procedure->code);
  g_free (procedure->code_display);
  g_free (procedure->category);
  g_free (procedure->performed);
  g_free (procedure->performed_end);
  mk_fhir_reference_clear (&procedure->performer);
  mk_fhir_reference_clear (&procedure->location);
  mk_fhir_reference_clear (&procedure->encounter);
  g_free (procedure->outcome);
  g_free (procedure->note);
  g_free (procedure->valid_until);
  g_free (procedure);
}

MkProcedure *
mk_procedure_read (JsonObject  *resource,
                   GError     **error)
{
  static const char * const performed_paths[] = {
    "performedDateTime", "performedPeriod.start", "performedString", NULL
  };
  g_autoptr(MkProcedure) procedure = g_new0 (MkProcedure, 1);
  JsonObject *category = NULL;

  if (!mk_fhir_check_resource_type (resource, "Procedure", error)
      || !mk_fhir_dup_string (resource, "id", &procedure->id, error)
      || !mk_fhir_dup_string (resource, "status", &procedure->status, error)
      || !mk_fhir_get_concept_code (resource, "code", NULL, &procedure->code, error)
      || !mk_fhir_get_concept_display (resource, "code", &procedure->code_display, error)
      || !mk_fhir_get_object (resource, "category", &category, error)
      || !dup_first_string (resource, performed_paths, &procedure->performed, error)
      || !mk_fhir_dup_path_string (resource, "performedPeriod.end", &procedure->performed_end, error)
      || !mk_fhir_get_reference (resource, "performer.actor", &procedure->performer, error)
      || !mk_fhir_get_reference (resource, "location", &procedure->location, error)
      || !mk_fhir_get_reference (resource, "encounter", &procedure->encounter, error)
      || !mk_fhir_get_concept_display (resource, "outcome", &procedure->outcome, error))
    return NULL;

  procedure->category = mk_fhir_codeable_concept_dup_display (category);
  procedure->is_medbook_exam = mk_fhir_codeable_concept_has_code (category, MK_FHIR_SYSTEM_RECORD_KIND,
                                                                  "medbook-exam");
  procedure->note = mk_fhir_annotations_join (resource, "note");
  procedure->valid_until = g_strdup (mk_fhir_extension_get_string (resource, MK_FHIR_EXT_VALID_UNTIL));

  return g_steal_pointer (&procedure);
}

/* ---- AllergyIntolerance ------------------------------------------------- */

void
mk_allergy_intolerance_free (MkAllergyIntolerance *allergy)
{
  if (allergy == NULL)
    return;

  g_free (allergy->id);
  g_free (allergy->clinical_status);
  g_free (allergy->verification_status);
  g_free (allergy->type);
  g_free (allergy->category);
  g_free (allergy->criticality);
  g_free (allergy->substance);
  g_free (allergy->manifestation);
  g_free (allergy->severity);
  g_free (allergy->onset);
  g_free (allergy->recorded_date);
  mk_fhir_reference_clear (&allergy->recorder);
  g_free (allergy->note);
  g_free (allergy);
}

static gboolean
read_reactions (JsonObject            *resource,
                MkAllergyIntolerance  *allergy,
                GError               **error)
{
  JsonArray *reactions = NULL;
  GString *manifestation = g_string_new (NULL);

  if (!mk_fhir_get_array (resource, "reaction", &reactions, error))
    goto fail;

  for (guint i = 0; reactions != NULL && i < json_array_get_length (reactions); i++)
    {
      JsonObject *reaction = NULL;

      if (!mk_fhir_array_get_object (reactions, i, &reaction, error)
          || !join_concept_displays (reaction, "manifestation", ", ", manifestation, error))
        goto fail;
      if (allergy->severity == NULL
          && !mk_fhir_dup_string (reaction, "severity", &allergy->severity, error))
        goto fail;
    }

  allergy->manifestation = string_or_null (manifestation);
  return TRUE;

fail:
  g_string_free (manifestation, TRUE);
  return FALSE;
}

MkAllergyIntolerance *
mk_allergy_intolerance_read (JsonObject  *resource,
                             GError     **error)
{
  static const char * const onset_paths[] = {
    "onsetDateTime", "onsetPeriod.start", "onsetString", NULL
  };
  g_autoptr(MkAllergyIntolerance) allergy = g_new0 (MkAllergyIntolerance, 1);

  if (!mk_fhir_check_resource_type (resource, "AllergyIntolerance", error)
      || !mk_fhir_dup_string (resource, "id", &allergy->id, error)
      || !mk_fhir_get_concept_code (resource, "clinicalStatus", NULL, &allergy->clinical_status, error)
      || !mk_fhir_get_concept_code (resource, "verificationStatus", NULL,
                                    &allergy->verification_status, error)
      || !mk_fhir_dup_string (resource, "type", &allergy->type, error)
      || !mk_fhir_dup_path_string (resource, "category", &allergy->category, error)
      || !mk_fhir_dup_string (resource, "criticality", &allergy->criticality, error)
      || !mk_fhir_get_concept_display (resource, "code", &allergy->substance, error)
      || !read_reactions (resource, allergy, error)
      || !dup_first_string (resource, onset_paths, &allergy->onset, error)
      || !mk_fhir_dup_string (resource, "recordedDate", &allergy->recorded_date, error)
      || !mk_fhir_get_reference (resource, "recorder", &allergy->recorder, error))
    return NULL;

  allergy->note = mk_fhir_annotations_join (resource, "note");

  return g_steal_pointer (&allergy);
}
