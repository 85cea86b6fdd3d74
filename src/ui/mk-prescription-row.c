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
#include "mk-ui-resources.h"

struct _MkPrescriptionRow
{
  GtkWidget            parent_instance;

  MkStore             *store;
  MkClock             *clock;
  MkResource          *resource;
  MkPrescriptionState  state;

  GtkImage            *icon;
  GtkLabel            *title_label;
  GtkLabel            *subtitle_label;
  GtkLabel            *validity_label;
  GtkLabel            *code_label;
  GtkLabel            *details_label;
  MkStatusPill        *pill;
};

G_DEFINE_FINAL_TYPE (MkPrescriptionRow, mk_prescription_row, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_STORE, PROP_CLOCK, PROP_RESOURCE, N_PROPS };
static GParamSpec *properties [N_PROPS];

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
mk_prescription_row_update (MkPrescriptionRow *self)
{
  g_autoptr(MkMedicationRequest) request = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *intake = NULL;
  g_autofree char *validity = NULL;
  g_autofree char *details = NULL;
  g_autofree char *prescriber = NULL;
  g_autofree char *issued = NULL;

  if (self->resource != NULL)
    request = mk_medication_request_read (mk_resource_get_object (self->resource), NULL);

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

  now = mk_clock_get_now (self->clock != NULL ? self->clock : mk_clock_get_default ());
  self->state = mk_medication_request_get_state (request, now);

  gtk_image_set_from_icon_name (self->icon, "emblem-documents-symbolic");
  mk_row_util_set_label (self->title_label, request->medication);

  intake = dup_intake_period (request);
  if (request->dosage_text != NULL && intake != NULL)
    /* Translators: a dosage and an intake period, e.g. "1 tablet twice a day, for 10 days" */
    subtitle = g_strdup_printf (C_("dosage", "%s, %s"), request->dosage_text, intake);
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

  prescriber = mk_row_util_dup_reference_name (self->store, &request->requester);
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
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), MK_TYPE_PRESCRIPTION_ROW);
  /* The template's root box is not bound to a field: unparent it too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->resource);
  g_clear_object (&self->store);
  g_clear_object (&self->clock);

  G_OBJECT_CLASS (mk_prescription_row_parent_class)->dispose (object);
}

static void
mk_prescription_row_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  MkPrescriptionRow *self = MK_PRESCRIPTION_ROW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_CLOCK:
      g_value_set_object (value, self->clock);
      break;
    case PROP_RESOURCE:
      g_value_set_object (value, self->resource);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mk_prescription_row_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  MkPrescriptionRow *self = MK_PRESCRIPTION_ROW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_CLOCK:
      self->clock = g_value_dup_object (value);
      break;
    case PROP_RESOURCE:
      mk_prescription_row_set_resource (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mk_prescription_row_class_init (MkPrescriptionRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mk_prescription_row_dispose;
  object_class->get_property = mk_prescription_row_get_property;
  object_class->set_property = mk_prescription_row_set_property;

  properties [PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, MK_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties [PROP_CLOCK] =
    g_param_spec_object ("clock", NULL, NULL, MK_TYPE_CLOCK,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties [PROP_RESOURCE] =
    g_param_spec_object ("resource", NULL, NULL, MK_TYPE_RESOURCE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (MK_TYPE_STATUS_PILL);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  /* The resources live in a static library: referencing them keeps them
   * linked in (their constructor registers them). */
  (void) mk_ui_get_resource ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/medkarta/Medkarta/ui/mk-prescription-row.ui");
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

void
mk_prescription_row_set_resource (MkPrescriptionRow *self,
                                  MkResource        *resource)
{
  g_return_if_fail (MK_IS_PRESCRIPTION_ROW (self));
  g_return_if_fail (resource == NULL || MK_IS_RESOURCE (resource));

  /* Always recompute: the state depends on the clock, not only the resource. */
  g_set_object (&self->resource, resource);
  mk_prescription_row_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_RESOURCE]);
}

MkResource *
mk_prescription_row_get_resource (MkPrescriptionRow *self)
{
  g_return_val_if_fail (MK_IS_PRESCRIPTION_ROW (self), NULL);
  return self->resource;
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
