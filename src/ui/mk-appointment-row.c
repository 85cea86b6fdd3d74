/* mk-appointment-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mk-appointment-row.h"
#include "mk-format.h"
#include "mk-row-util.h"
#include "mk-sync-controller.h"
#include "mk-status-pill.h"
#include "mk-ui-template.h"

struct _MkAppointmentRow
{
  MkRow         parent_instance;

  GtkImage     *icon;
  GtkLabel     *title_label;
  GtkLabel     *subtitle_label;
  GtkLabel     *details_label;
  MkStatusPill *pill;
};

G_DEFINE_FINAL_TYPE (MkAppointmentRow, mk_appointment_row, MK_TYPE_ROW)

char *
mk_appointment_row_dup_when (const MkAppointment *appointment)
{
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *local_text = NULL;

  g_return_val_if_fail (appointment != NULL, NULL);

  start = mk_appointment_dup_start (appointment);
  if (start == NULL)
    return NULL;

  local = g_date_time_to_local (start);
  local_text = mk_format_date_time (local);

  if (g_date_time_get_utc_offset (start) != g_date_time_get_utc_offset (local))
    {
      g_autofree char *clinic_time = mk_format_time (start);
      g_autofree char *offset = g_date_time_format (start, "%:::z");

      /* Translators: a visit's local date and time, then the time in the
       * clinic's own zone, e.g. "Nov 24, 2026 10:30 (12:30 clinic time, UTC+05)" */
      return g_strdup_printf (_("%s (%s clinic time, UTC%s)"), local_text, clinic_time, offset);
    }

  return g_steal_pointer (&local_text);
}

static char *
dup_object_name (MkResource *resource)
{
  const char *name = NULL;

  if (resource != NULL && mk_fhir_get_string (mk_resource_get_object (resource), "name", &name, NULL))
    return g_strdup (name);
  return NULL;
}

void
mk_appointment_row_dup_doctor (MkStore             *store,
                           const MkAppointment *appointment,
                           char               **name,
                           char               **specialty)
{
  g_autofree char *type = NULL;

  *name = NULL;
  *specialty = g_strdup (appointment->specialty);

  type = mk_fhir_reference_dup_type (appointment->practitioner.reference);
  if (store != NULL && g_strcmp0 (type, "PractitionerRole") == 0)
    {
      g_autoptr(MkResource) resource = mk_store_resolve_reference (store, appointment->practitioner.reference, NULL);
      g_autoptr(MkPractitionerRole) role = NULL;

      if (resource != NULL)
        role = mk_practitioner_role_read (mk_resource_get_object (resource), NULL);
      if (role != NULL)
        {
          *name = mk_row_util_dup_reference_name (store, &role->practitioner);
          if (*specialty == NULL)
            *specialty = g_strdup (role->specialty);
        }
    }

  if (*name == NULL)
    *name = mk_row_util_dup_reference_name (store, &appointment->practitioner);
}

void
mk_appointment_row_dup_place (MkStore             *store,
                              const MkAppointment *appointment,
                              gboolean             full_name,
                              char               **institution,
                              char               **address)
{
  char *(*dup_name) (MkStore *, const MkFhirReference *) =
    full_name ? mk_row_util_dup_reference_full_name : mk_row_util_dup_reference_name;
  g_autoptr(MkResource) location = NULL;

  *institution = NULL;
  *address = NULL;

  if (store != NULL && appointment->location.reference != NULL)
    location = mk_store_resolve_reference (store, appointment->location.reference, NULL);

  if (location != NULL)
    {
      JsonObject *object = mk_resource_get_object (location);
      JsonObject *address_object = NULL;
      MkFhirReference managing = { NULL, };

      if (mk_fhir_get_object (object, "address", &address_object, NULL) && address_object != NULL)
        *address = mk_fhir_address_format (address_object);
      if (mk_fhir_get_reference (object, "managingOrganization", &managing, NULL))
        *institution = dup_name (store, &managing);
      mk_fhir_reference_clear (&managing);
    }

  if (*institution == NULL)
    *institution = dup_name (store, &appointment->organization);

  if (*address == NULL && store != NULL && appointment->organization.reference != NULL)
    {
      g_autoptr(MkResource) resource = mk_store_resolve_reference (store, appointment->organization.reference, NULL);
      g_autoptr(MkOrganization) organization = NULL;

      if (resource != NULL && g_strcmp0 (mk_resource_get_resource_type (resource), "Organization") == 0)
        organization = mk_organization_read (mk_resource_get_object (resource), NULL);
      if (organization != NULL)
        *address = g_strdup (organization->address);
    }

  /* A location without an organization: show the location's own name. */
  if (*institution == NULL)
    *institution = location != NULL ? dup_object_name (location)
                                     : g_strdup (appointment->location.display);
}

static void
set_status_pill (MkStatusPill *pill,
                 const char   *status)
{
  MkStatusPillStyle style = MK_STATUS_PILL_NEUTRAL;
  const char *icon = NULL;

  if (g_strcmp0 (status, "booked") == 0 || g_strcmp0 (status, "arrived") == 0 ||
      g_strcmp0 (status, "checked-in") == 0)
    {
      style = MK_STATUS_PILL_SUCCESS;
      icon = "x-office-calendar-symbolic";
    }
  else if (g_strcmp0 (status, "cancelled") == 0)
    {
      style = MK_STATUS_PILL_ERROR;
      icon = "window-close-symbolic";
    }
  else if (g_strcmp0 (status, "noshow") == 0)
    {
      style = MK_STATUS_PILL_WARNING;
      icon = "dialog-warning-symbolic";
    }
  else if (g_strcmp0 (status, "fulfilled") == 0)
    {
      icon = "emblem-ok-symbolic";
    }

  mk_status_pill_set (pill, status != NULL ? mk_appointment_status_to_label (status) : NULL, style, icon);
}

static void
mk_appointment_row_update (MkRow *row)
{
  MkAppointmentRow *self = MK_APPOINTMENT_ROW (row);
  MkResource *resource = mk_row_get_resource (row);
  g_autoptr(MkAppointment) appointment = NULL;
  g_autofree char *when = NULL;
  g_autofree char *doctor = NULL;
  g_autofree char *specialty = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *institution = NULL;
  g_autofree char *address = NULL;

  if (resource != NULL)
    appointment = mk_appointment_read (mk_resource_get_object (resource), NULL);

  if (appointment == NULL)
    {
      mk_row_util_set_label (self->title_label, NULL);
      mk_row_util_set_label (self->subtitle_label, NULL);
      mk_row_util_set_label (self->details_label, NULL);
      mk_status_pill_set (self->pill, NULL, MK_STATUS_PILL_NEUTRAL, NULL);
      return;
    }

  gtk_image_set_from_icon_name (self->icon, appointment->is_telemedicine ? "camera-web-symbolic"
                                                                         : "x-office-calendar-symbolic");
  when = mk_appointment_row_dup_when (appointment);
  mk_row_util_set_label (self->title_label, when);

  mk_appointment_row_dup_doctor (mk_row_get_store (row), appointment, &doctor, &specialty);
  if (doctor != NULL && specialty != NULL)
    /* Translators: a doctor's name and specialty, e.g. "Petrova A. S., cardiologist" */
    subtitle = g_strdup_printf (C_("doctor", "%s, %s"), doctor, specialty);
  else
    subtitle = g_strdup (doctor != NULL ? doctor : specialty);
  mk_row_util_set_label (self->subtitle_label, subtitle);

  mk_appointment_row_dup_place (mk_row_get_store (row), appointment, FALSE, &institution, &address);
  if (appointment->is_telemedicine)
    mk_row_util_set_label (self->details_label, C_("visit type", "Telemedicine"));
  else
    mk_row_util_set_label (self->details_label, institution);

  set_status_pill (self->pill, appointment->status);

  /* A local edit the server has not taken yet. */
  if (mk_row_get_store (row) != NULL &&
      mk_sync_controller_find_edit (mk_row_get_store (row), "Appointment", appointment->id, NULL))
    {
      g_autofree char *label =
        /* Translators: a visit's status and that the change was not sent to the clinic yet, "Booked, waiting to be sent" */
        g_strdup_printf (C_("visit status", "%s, waiting to be sent"),
                         appointment->status != NULL ? mk_appointment_status_to_label (appointment->status) : "");

      mk_status_pill_set (self->pill, label, MK_STATUS_PILL_WARNING, "emblem-synchronizing-symbolic");
    }
}

static void
mk_appointment_row_dispose (GObject *object)
{
  MkAppointmentRow *self = MK_APPOINTMENT_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MK_TYPE_APPOINTMENT_ROW);

  G_OBJECT_CLASS (mk_appointment_row_parent_class)->dispose (object);
}

static void
mk_appointment_row_class_init (MkAppointmentRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  MkRowClass *row_class = MK_ROW_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mk_appointment_row_dispose;
  row_class->update = mk_appointment_row_update;

  g_type_ensure (MK_TYPE_STATUS_PILL);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  mk_ui_class_set_template (widget_class, "mk-appointment-row.ui");
  gtk_widget_class_bind_template_child (widget_class, MkAppointmentRow, icon);
  gtk_widget_class_bind_template_child (widget_class, MkAppointmentRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, MkAppointmentRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, MkAppointmentRow, details_label);
  gtk_widget_class_bind_template_child (widget_class, MkAppointmentRow, pill);
}

static void
mk_appointment_row_init (MkAppointmentRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
mk_appointment_row_new (MkStore *store)
{
  return g_object_new (MK_TYPE_APPOINTMENT_ROW, "store", store, NULL);
}

const char *
mk_appointment_row_get_title (MkAppointmentRow *self)
{
  g_return_val_if_fail (MK_IS_APPOINTMENT_ROW (self), NULL);
  return gtk_label_get_label (self->title_label);
}

const char *
mk_appointment_row_get_subtitle (MkAppointmentRow *self)
{
  g_return_val_if_fail (MK_IS_APPOINTMENT_ROW (self), NULL);
  return gtk_label_get_label (self->subtitle_label);
}

const char *
mk_appointment_row_get_status (MkAppointmentRow *self)
{
  g_return_val_if_fail (MK_IS_APPOINTMENT_ROW (self), NULL);
  return mk_status_pill_get_label (self->pill);
}
