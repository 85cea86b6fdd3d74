/* mk-record-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mk-fhir-types.h"
#include "mk-format.h"
#include "mk-record-row.h"
#include "mk-row-util.h"
#include "mk-status-pill.h"
#include "mk-ui-template.h"

struct _MkRecordRow
{
  MkRow         parent_instance;

  GtkImage     *icon;
  GtkLabel     *title_label;
  GtkLabel     *subtitle_label;
  GtkLabel     *details_label;
  MkStatusPill *pill;
};

G_DEFINE_FINAL_TYPE (MkRecordRow, mk_record_row, MK_TYPE_ROW)

/* What one row shows; filled by the per-type functions below. */
typedef struct
{
  const char        *icon_name;
  char              *title;
  char              *subtitle;
  char              *details;
  char              *status;
  MkStatusPillStyle  status_style;
  const char        *status_icon;
} RowText;

static void
row_text_clear (RowText *text)
{
  g_clear_pointer (&text->title, g_free);
  g_clear_pointer (&text->subtitle, g_free);
  g_clear_pointer (&text->details, g_free);
  g_clear_pointer (&text->status, g_free);
}

/* Joins the non-empty strings of a NULL-terminated list with " · " (a list
 * separator, not a sentence). NULL ends the list: callers pass absent parts
 * through or_empty(). */
static char *
join_parts (const char *first,
            ...)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *part = first;
  va_list args;

  va_start (args, first);
  for (;;)
    {
      if (part != NULL && *part != '\0')
        {
          if (out->len > 0)
            g_string_append (out, " · ");
          g_string_append (out, part);
        }
      part = va_arg (args, const char *);
      if (part == NULL)
        break;
    }
  va_end (args);

  if (out->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static inline const char *
or_empty (const char *value)
{
  return value != NULL ? value : "";
}

static char *
dup_date (const char *fhir_date)
{
  return fhir_date != NULL ? mk_format_fhir_date (fhir_date) : NULL;
}

static char *
dup_condition_title (const MkCondition *condition)
{
  if (condition->display != NULL && condition->icd10 != NULL)
    /* Translators: a diagnosis and its ICD-10 code, e.g. "Acute bronchitis (J20.9)" */
    return g_strdup_printf (C_("diagnosis", "%s (%s)"), condition->display, condition->icd10);
  if (condition->display != NULL)
    return g_strdup (condition->display);
  return g_strdup (condition->icd10);
}

static char *
dup_valid_until (const char *valid_until)
{
  g_autofree char *date = NULL;

  if (valid_until == NULL)
    return NULL;

  date = mk_format_fhir_date (valid_until);
  /* Translators: %s is a date */
  return g_strdup_printf (_("Valid until %s"), date);
}

static void
set_expired_pill (MkRecordRow *self,
                  const char  *valid_until,
                  RowText     *text)
{
  if (valid_until == NULL)
    return;

  if (mk_row_util_date_has_passed (valid_until, mk_row_get_clock (MK_ROW (self))))
    {
      /* Translators: a vaccination or a medical exam is no longer valid */
      text->status = g_strdup (C_("record", "Expired"));
      text->status_style = MK_STATUS_PILL_WARNING;
      text->status_icon = "dialog-warning-symbolic";
    }
  else
    {
      /* Translators: a vaccination or a medical exam is still valid */
      text->status = g_strdup (C_("record", "Valid"));
      text->status_style = MK_STATUS_PILL_SUCCESS;
      text->status_icon = "emblem-ok-symbolic";
    }
}

static void
describe_encounter (MkRecordRow *self,
                    JsonObject  *object,
                    RowText     *text)
{
  MkStore *store = mk_row_get_store (MK_ROW (self));
  g_autoptr(MkEncounter) encounter = mk_encounter_read (object, NULL);
  g_autofree char *doctor = NULL;
  g_autofree char *institution = NULL;
  g_autofree char *date = NULL;
  g_autoptr(GString) diagnoses = g_string_new (NULL);

  text->icon_name = "x-office-calendar-symbolic";
  if (encounter == NULL)
    return;

  /* The visit's diagnoses: resolve each Condition for its ICD-10 code,
   * falling back to the reference's display. */
  for (guint i = 0; i < encounter->diagnoses->len; i++)
    {
      const MkFhirReference *ref = g_ptr_array_index (encounter->diagnoses, i);
      g_autoptr(MkResource) resource = NULL;
      g_autofree char *title = NULL;

      if (store != NULL && ref->reference != NULL)
        resource = mk_store_resolve_reference (store, ref->reference, NULL);
      if (resource != NULL)
        {
          g_autoptr(MkCondition) condition = mk_condition_read (mk_resource_get_object (resource), NULL);

          if (condition != NULL)
            title = dup_condition_title (condition);
        }
      if (title == NULL)
        title = g_strdup (ref->display);
      if (title == NULL)
        continue;

      if (diagnoses->len > 0)
        g_string_append (diagnoses, "; ");
      g_string_append (diagnoses, title);
    }

  if (diagnoses->len > 0)
    text->title = g_strdup (diagnoses->str);
  else if (encounter->reason != NULL)
    text->title = g_strdup (encounter->reason);
  else if (encounter->type != NULL)
    text->title = g_strdup (encounter->type);
  else
    text->title = g_strdup (C_("record", "Visit"));

  doctor = mk_row_util_dup_reference_name (store, &encounter->practitioner);
  institution = mk_row_util_dup_reference_name (store, &encounter->service_provider);
  text->subtitle = join_parts (or_empty (doctor), or_empty (institution), NULL);

  date = dup_date (encounter->start);
  text->details = join_parts (or_empty (date), or_empty (encounter->type), NULL);

  if (g_strcmp0 (encounter->class_code, "VR") == 0)
    {
      text->status = g_strdup (C_("visit type", "Telemedicine"));
      text->status_style = MK_STATUS_PILL_NEUTRAL;
    }
}

static void
describe_condition (MkRecordRow *self,
                    JsonObject  *object,
                    RowText     *text)
{
  g_autoptr(MkCondition) condition = mk_condition_read (object, NULL);
  g_autofree char *date = NULL;
  g_autofree char *doctor = NULL;

  text->icon_name = "dialog-information-symbolic";
  if (condition == NULL)
    return;

  text->title = dup_condition_title (condition);
  doctor = mk_row_util_dup_reference_name (mk_row_get_store (MK_ROW (self)), &condition->asserter);
  /* Not condition->category: servers send the HL7 terminology's English
   * display ("Encounter Diagnosis"), which reads wrong in a Russian list. */
  text->subtitle = join_parts (C_("record", "Diagnosis"), or_empty (doctor), NULL);
  date = dup_date (condition->recorded_date != NULL ? condition->recorded_date : condition->onset);
  text->details = date != NULL ? g_steal_pointer (&date) : NULL;

  if (g_strcmp0 (condition->clinical_status, "resolved") == 0 ||
      g_strcmp0 (condition->clinical_status, "inactive") == 0 ||
      g_strcmp0 (condition->clinical_status, "remission") == 0)
    {
      /* Translators: a diagnosis that no longer applies */
      text->status = g_strdup (C_("diagnosis", "Resolved"));
      text->status_style = MK_STATUS_PILL_NEUTRAL;
    }
}

static void
describe_observation (MkRecordRow *self,
                      JsonObject  *object,
                      RowText     *text)
{
  g_autoptr(MkObservation) observation = mk_observation_read (object, NULL);
  g_autofree char *value = NULL;
  g_autofree char *range = NULL;
  g_autofree char *range_text = NULL;
  g_autofree char *date = NULL;
  MkObservationFlag flag;

  text->icon_name = "view-list-symbolic";
  if (observation == NULL)
    return;

  text->title = g_strdup (observation->code_display != NULL ? observation->code_display : observation->code);

  value = mk_format_observation_value (observation);
  range = mk_format_reference_range (observation);
  if (range != NULL && *range != '\0')
    /* Translators: %s is a reference range such as "3.5–5.0 mmol/L" */
    range_text = g_strdup_printf (_("Reference range: %s"), range);
  text->subtitle = join_parts (or_empty (value), or_empty (range_text), NULL);

  date = dup_date (observation->effective != NULL ? observation->effective : observation->issued);
  text->details = date != NULL ? g_steal_pointer (&date) : NULL;

  flag = mk_observation_get_flag (observation);
  switch (flag)
    {
    case MK_OBSERVATION_FLAG_HIGH:
      text->status_style = MK_STATUS_PILL_WARNING;
      text->status_icon = "go-up-symbolic";
      break;
    case MK_OBSERVATION_FLAG_LOW:
      text->status_style = MK_STATUS_PILL_WARNING;
      text->status_icon = "go-down-symbolic";
      break;
    case MK_OBSERVATION_FLAG_CRITICAL_HIGH:
      text->status_style = MK_STATUS_PILL_ERROR;
      text->status_icon = "go-up-symbolic";
      break;
    case MK_OBSERVATION_FLAG_CRITICAL_LOW:
      text->status_style = MK_STATUS_PILL_ERROR;
      text->status_icon = "go-down-symbolic";
      break;
    case MK_OBSERVATION_FLAG_ABNORMAL:
      text->status_style = MK_STATUS_PILL_WARNING;
      text->status_icon = "dialog-warning-symbolic";
      break;
    case MK_OBSERVATION_FLAG_NONE:
    case MK_OBSERVATION_FLAG_NORMAL:
    default:
      /* In range: no badge, the value speaks for itself. */
      return;
    }
  text->status = g_strdup (mk_observation_flag_to_label (flag));
}

static void
describe_report (MkRecordRow *self,
                 JsonObject  *object,
                 RowText     *text)
{
  g_autoptr(MkDiagnosticReport) report = mk_diagnostic_report_read (object, NULL);
  g_autofree char *date = NULL;
  g_autofree char *performer = NULL;

  text->icon_name = "x-office-document-symbolic";
  if (report == NULL)
    return;

  text->title = g_strdup (report->code_display != NULL ? report->code_display : report->code);
  text->subtitle = g_strdup (report->conclusion);
  date = dup_date (report->effective != NULL ? report->effective : report->issued);
  performer = mk_row_util_dup_reference_name (mk_row_get_store (MK_ROW (self)), &report->performer);
  text->details = join_parts (or_empty (date), or_empty (performer), NULL);
}

static void
describe_immunization (MkRecordRow *self,
                       JsonObject  *object,
                       RowText     *text)
{
  g_autoptr(MkImmunization) immunization = mk_immunization_read (object, NULL);
  g_autofree char *date = NULL;
  g_autofree char *valid = NULL;

  text->icon_name = "emblem-ok-symbolic";
  if (immunization == NULL)
    return;

  text->title = g_strdup (immunization->vaccine != NULL ? immunization->vaccine : immunization->vaccine_code);
  text->subtitle = g_strdup (immunization->target_disease);
  date = dup_date (immunization->occurrence);
  valid = dup_valid_until (immunization->valid_until);
  text->details = join_parts (or_empty (date), or_empty (valid), NULL);
  set_expired_pill (self, immunization->valid_until, text);
}

static void
describe_procedure (MkRecordRow *self,
                    JsonObject  *object,
                    RowText     *text)
{
  g_autoptr(MkProcedure) procedure = mk_procedure_read (object, NULL);
  g_autofree char *date = NULL;
  g_autofree char *valid = NULL;
  g_autofree char *conclusion = NULL;

  text->icon_name = "x-office-document-symbolic";
  if (procedure == NULL)
    return;

  text->title = g_strdup (procedure->code_display != NULL ? procedure->code_display : procedure->code);
  if (procedure->outcome != NULL)
    /* Translators: %s is an exam's conclusion, e.g. "Fit for work" */
    conclusion = g_strdup_printf (_("Conclusion: %s"), procedure->outcome);
  text->subtitle = join_parts (or_empty (conclusion), or_empty (procedure->is_medbook_exam ? C_("record", "Medical book") : NULL), NULL);
  date = dup_date (procedure->performed);
  valid = dup_valid_until (procedure->valid_until);
  text->details = join_parts (or_empty (date), or_empty (valid), NULL);
  set_expired_pill (self, procedure->valid_until, text);
}

static void
describe_allergy (MkRecordRow *self,
                  JsonObject  *object,
                  RowText     *text)
{
  g_autoptr(MkAllergyIntolerance) allergy = mk_allergy_intolerance_read (object, NULL);
  g_autofree char *date = NULL;

  text->icon_name = "dialog-warning-symbolic";
  if (allergy == NULL)
    return;

  text->title = g_strdup (allergy->substance);
  text->subtitle = join_parts (or_empty (allergy->type != NULL && g_str_equal (allergy->type, "intolerance")
                                         ? C_("record", "Intolerance") : C_("record", "Allergy")),
                               or_empty (allergy->manifestation), NULL);
  date = dup_date (allergy->recorded_date != NULL ? allergy->recorded_date : allergy->onset);
  text->details = date != NULL ? g_steal_pointer (&date) : NULL;

  if (g_strcmp0 (allergy->criticality, "high") == 0)
    {
      /* Translators: AllergyIntolerance.criticality "high" */
      text->status = g_strdup (C_("criticality", "High risk"));
      text->status_style = MK_STATUS_PILL_ERROR;
      text->status_icon = "dialog-warning-symbolic";
    }
  else if (g_strcmp0 (allergy->criticality, "low") == 0)
    {
      /* Translators: AllergyIntolerance.criticality "low" */
      text->status = g_strdup (C_("criticality", "Low risk"));
      text->status_style = MK_STATUS_PILL_NEUTRAL;
    }
  else if (g_strcmp0 (allergy->criticality, "unable-to-assess") == 0)
    {
      /* Translators: AllergyIntolerance.criticality "unable-to-assess" */
      text->status = g_strdup (C_("criticality", "Risk unknown"));
      text->status_style = MK_STATUS_PILL_NEUTRAL;
    }
}

static void
describe_medication (MkRecordRow *self,
                     JsonObject  *object,
                     RowText     *text)
{
  g_autoptr(MkMedicationRequest) request = mk_medication_request_read (object, NULL);
  g_autofree char *date = NULL;
  g_autofree char *doctor = NULL;

  text->icon_name = "emblem-documents-symbolic";
  if (request == NULL)
    return;

  text->title = g_strdup (request->medication);
  text->subtitle = g_strdup (request->dosage_text);
  date = dup_date (request->authored_on);
  doctor = mk_row_util_dup_reference_name (mk_row_get_store (MK_ROW (self)), &request->requester);
  text->details = join_parts (or_empty (date), or_empty (doctor), NULL);
  /* Translators: a medication the patient is currently taking */
  text->status = g_strdup (C_("record", "Current"));
  text->status_style = MK_STATUS_PILL_SUCCESS;
}

static void
mk_record_row_update (MkRow *row)
{
  MkRecordRow *self = MK_RECORD_ROW (row);
  MkResource *resource = mk_row_get_resource (row);
  RowText text = { NULL, };
  const char *type = NULL;
  JsonObject *object = NULL;

  if (resource != NULL)
    {
      type = mk_resource_get_resource_type (resource);
      object = mk_resource_get_object (resource);
    }

  if (type == NULL)
    ;
  else if (g_str_equal (type, "Encounter"))
    describe_encounter (self, object, &text);
  else if (g_str_equal (type, "Condition"))
    describe_condition (self, object, &text);
  else if (g_str_equal (type, "Observation"))
    describe_observation (self, object, &text);
  else if (g_str_equal (type, "DiagnosticReport"))
    describe_report (self, object, &text);
  else if (g_str_equal (type, "Immunization"))
    describe_immunization (self, object, &text);
  else if (g_str_equal (type, "Procedure"))
    describe_procedure (self, object, &text);
  else if (g_str_equal (type, "AllergyIntolerance"))
    describe_allergy (self, object, &text);
  else if (g_str_equal (type, "MedicationRequest"))
    describe_medication (self, object, &text);

  if (text.title == NULL && type != NULL)
    text.title = g_strdup (type);

  gtk_image_set_from_icon_name (self->icon, text.icon_name);
  mk_row_util_set_label (self->title_label, text.title);
  mk_row_util_set_label (self->subtitle_label, text.subtitle);
  mk_row_util_set_label (self->details_label, text.details);
  mk_status_pill_set (self->pill, text.status, text.status_style, text.status_icon);

  row_text_clear (&text);
}

static void
mk_record_row_dispose (GObject *object)
{
  MkRecordRow *self = MK_RECORD_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MK_TYPE_RECORD_ROW);

  G_OBJECT_CLASS (mk_record_row_parent_class)->dispose (object);
}

static void
mk_record_row_class_init (MkRecordRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  MkRowClass *row_class = MK_ROW_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mk_record_row_dispose;
  row_class->update = mk_record_row_update;

  g_type_ensure (MK_TYPE_STATUS_PILL);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  mk_ui_class_set_template (widget_class, "mk-record-row.ui");
  gtk_widget_class_bind_template_child (widget_class, MkRecordRow, icon);
  gtk_widget_class_bind_template_child (widget_class, MkRecordRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, MkRecordRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, MkRecordRow, details_label);
  gtk_widget_class_bind_template_child (widget_class, MkRecordRow, pill);
}

static void
mk_record_row_init (MkRecordRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
mk_record_row_new (MkStore *store,
                   MkClock *clock)
{
  return g_object_new (MK_TYPE_RECORD_ROW, "store", store, "clock", clock, NULL);
}

const char *
mk_record_row_get_title (MkRecordRow *self)
{
  g_return_val_if_fail (MK_IS_RECORD_ROW (self), NULL);
  return gtk_label_get_label (self->title_label);
}

const char *
mk_record_row_get_subtitle (MkRecordRow *self)
{
  g_return_val_if_fail (MK_IS_RECORD_ROW (self), NULL);
  return gtk_label_get_label (self->subtitle_label);
}

const char *
mk_record_row_get_details (MkRecordRow *self)
{
  g_return_val_if_fail (MK_IS_RECORD_ROW (self), NULL);
  return gtk_label_get_label (self->details_label);
}

const char *
mk_record_row_get_status (MkRecordRow *self)
{
  g_return_val_if_fail (MK_IS_RECORD_ROW (self), NULL);
  return mk_status_pill_get_label (self->pill);
}
