/* mk-prescription-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mk-format.h"
#include "mk-prescription-row.h"
#include "mk-row-util.h"
#include "mk-status-pill.h"
#include "mk-ui-template.h"

struct _MkPrescriptionRow
{
  MkRow                parent_instance;

  MkPrescriptionState  state;

  GtkImage            *icon;
  GtkLabel            *title_label;
  GtkLabel            *subtitle_label;
  GtkLabel            *validity_label;
  GtkLabel            *code_label;
  GtkLabel            *details_label;
  MkStatusPill        *pill;
};

G_DEFINE_FINAL_TYPE (MkPrescriptionRow, mk_prescription_row, MK_TYPE_ROW)

static void
set_state_pill (MkStatusPill        *pill,
                MkPrescriptionState  state)
{
  MkStatusPillStyle style = MK_STATUS_PILL_NEUTRAL;
  const char *icon = NULL;

  switch (state)
    {
    case MK_PRESCRIPTION_STATE_ISSUED:
    case MK_PRESCRIPTION_STATE_SENT:
      style = MK_STATUS_PILL_SUCCESS;
      icon = "emblem-ok-symbolic";
      break;
    case MK_PRESCRIPTION_STATE_EXPIRING:
      style = MK_STATUS_PILL_WARNING;
      icon = "dialog-warning-symbolic";
      break;
    case MK_PRESCRIPTION_STATE_EXPIRED:
      style = MK_STATUS_PILL_ERROR;
      icon = "dialog-error-symbolic";
      break;
    case MK_PRESCRIPTION_STATE_DRAFT:
    case MK_PRESCRIPTION_STATE_SIGNED:
    case MK_PRESCRIPTION_STATE_DISPENSED:
    case MK_PRESCRIPTION_STATE_CANCELLED:
    default:
      break;
    }

  mk_status_pill_set (pill, mk_prescription_state_to_label (state), style, icon);
}

/* "For 10 days", "12.11.2026 – 21.11.2026", or NULL. */
static char *
dup_intake_period (const MkMedicationRequest *request)
{
  if (request->period_start != NULL && request->period_end != NULL)
    {
      g_autofree char *start = mk_format_fhir_date (request->period_start);
      g_autofree char *end = mk_format_fhir_date (request->period_end);

      /* Translators: the period a drug is taken, from a date to a date */
      return g_strdup_printf (C_("intake period", "%s – %s"), start, end);
    }

  if (request->duration > 0 &&
      (request->duration_unit == NULL || g_str_equal (request->duration_unit, "d")))
    {
      g_autofree char *days = mk_format_days ((int) request->duration);

      /* Translators: %s is a number of days, e.g. "10 days" */
      return g_strdup_printf (C_("intake period", "For %s"), days);
    }

  if (request->period_start != NULL)
    {
      g_autofree char *start = mk_format_fhir_date (request->period_start);

      /* Translators: %s is the date intake starts */
      return g_strdup_printf (C_("intake period", "From %s"), start);
    }

  return NULL;
}

static void
mk_prescription_row_update (MkRow *row)
{
  MkPrescriptionRow *self = MK_PRESCRIPTION_ROW (row);
  MkResource *resource = mk_row_get_resource (row);
  g_autoptr(MkMedicationRequest) request = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *intake = NULL;
  g_autofree char *validity = NULL;
  g_autofree char *details = NULL;
  g_autofree char *prescriber = NULL;
  g_autofree char *issued = NULL;
  MkClock *clock;

  if (resource != NULL)
    request = mk_medication_request_read (mk_resource_get_object (resource), NULL);

  if (request == NULL)
    {
      mk_row_util_set_label (self->title_label, NULL);
      mk_row_util_set_label (self->subtitle_label, NULL);
      mk_row_util_set_label (self->validity_label, NULL);
      mk_row_util_set_label (self->code_label, NULL);
      mk_row_util_set_label (self->details_label, NULL);
      mk_status_pill_set (self->pill, NULL, MK_STATUS_PILL_NEUTRAL, NULL);
      return;
    }

  clock = mk_row_get_clock (row);
  now = mk_clock_get_now (clock != NULL ? clock : mk_clock_get_default ());
  self->state = mk_medication_request_get_state (request, now);

  gtk_image_set_from_icon_name (self->icon, "emblem-documents-symbolic");
  mk_row_util_set_label (self->title_label, request->medication);

  intake = dup_intake_period (request);
  if (request->dosage_text != NULL && intake != NULL)
    /* Translators: a dosage and an intake period, e.g. "1 tablet twice a day, for 10 days" */
    subtitle = g_strdup_printf (C_("dosage and intake period", "%s, %s"), request->dosage_text, intake);
  else
    subtitle = g_strdup (request->dosage_text != NULL ? request->dosage_text : intake);
  mk_row_util_set_label (self->subtitle_label, subtitle);

  if (request->validity_end != NULL)
    {
      g_autofree char *end = mk_format_fhir_date (request->validity_end);

      /* Translators: %s is a date, e.g. "Valid until 26.11.2026" */
      validity = g_strdup_printf (_("Valid until %s"), end);
    }
  mk_row_util_set_label (self->validity_label, validity);
  mk_row_util_set_label (self->code_label, request->prescription_code);

  prescriber = mk_row_util_dup_reference_name (mk_row_get_store (row), &request->requester);
  if (request->authored_on != NULL)
    issued = mk_format_fhir_date (request->authored_on);
  if (prescriber != NULL && issued != NULL)
    /* Translators: who issued a prescription and when, e.g. "Ivanov I. I., 20.11.2026" */
    details = g_strdup_printf (C_("prescriber", "%s, %s"), prescriber, issued);
  else
    details = g_strdup (prescriber != NULL ? prescriber : issued);
  mk_row_util_set_label (self->details_label, details);

  set_state_pill (self->pill, self->state);
}

static void
mk_prescription_row_dispose (GObject *object)
{
  MkPrescriptionRow *self = MK_PRESCRIPTION_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MK_TYPE_PRESCRIPTION_ROW);

  G_OBJECT_CLASS (mk_prescription_row_parent_class)->dispose (object);
}

static void
mk_prescription_row_class_init (MkPrescriptionRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  MkRowClass *row_class = MK_ROW_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mk_prescription_row_dispose;
  row_class->update = mk_prescription_row_update;
  /* Always recompute: the state depends on the clock, not only the resource. */
  row_class->always_update = TRUE;

  g_type_ensure (MK_TYPE_STATUS_PILL);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  mk_ui_class_set_template (widget_class, "mk-prescription-row.ui");
  gtk_widget_class_bind_template_child (widget_class, MkPrescriptionRow, icon);
  gtk_widget_class_bind_template_child (widget_class, MkPrescriptionRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, MkPrescriptionRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, MkPrescriptionRow, validity_label);
  gtk_widget_class_bind_template_child (widget_class, MkPrescriptionRow, code_label);
  gtk_widget_class_bind_template_child (widget_class, MkPrescriptionRow, details_label);
  gtk_widget_class_bind_template_child (widget_class, MkPrescriptionRow, pill);
}

static void
mk_prescription_row_init (MkPrescriptionRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
mk_prescription_row_new (MkStore *store,
                         MkClock *clock)
{
  return g_object_new (MK_TYPE_PRESCRIPTION_ROW, "store", store, "clock", clock, NULL);
}

MkPrescriptionState
mk_prescription_row_get_state (MkPrescriptionRow *self)
{
  g_return_val_if_fail (MK_IS_PRESCRIPTION_ROW (self), MK_PRESCRIPTION_STATE_DRAFT);
  return self->state;
}

const char *
mk_prescription_row_get_status (MkPrescriptionRow *self)
{
  g_return_val_if_fail (MK_IS_PRESCRIPTION_ROW (self), NULL);
  return mk_status_pill_get_label (self->pill);
}

const char *
mk_prescription_row_get_title (MkPrescriptionRow *self)
{
  g_return_val_if_fail (MK_IS_PRESCRIPTION_ROW (self), NULL);
  return gtk_label_get_label (self->title_label);
}

const char *
mk_prescription_row_get_validity (MkPrescriptionRow *self)
{
  g_return_val_if_fail (MK_IS_PRESCRIPTION_ROW (self), NULL);
  return gtk_label_get_label (self->validity_label);
}

const char *
mk_prescription_row_get_code (MkPrescriptionRow *self)
{
  g_return_val_if_fail (MK_IS_PRESCRIPTION_ROW (self), NULL);
  return gtk_label_get_label (self->code_label);
}
