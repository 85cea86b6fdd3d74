/* mk-row-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mk-row-util.h"

static char *
dup_resource_name (MkStore    *store,
                   const char *reference,
                   gboolean    short_name,
                   guint       depth)
{
  g_autoptr(MkResource) resource = NULL;
  const char *type;
  JsonObject *object;

  if (store == NULL || reference == NULL || depth > 1)
    return NULL;

  resource = mk_store_resolve_reference (store, reference, NULL);
  if (resource == NULL)
    return NULL;

  type = mk_resource_get_resource_type (resource);
  object = mk_resource_get_object (resource);

  if (g_strcmp0 (type, "Practitioner") == 0)
    {
      g_autoptr(MkPractitioner) practitioner = mk_practitioner_read (object, NULL);

      return practitioner != NULL ? g_strdup (practitioner->full_name) : NULL;
    }
  else if (g_strcmp0 (type, "PractitionerRole") == 0)
    {
      g_autoptr(MkPractitionerRole) role = mk_practitioner_role_read (object, NULL);

      char *name;

      if (role == NULL)
        return NULL;
      name = dup_resource_name (store, role->practitioner.reference, short_name, depth + 1);
      if (name == NULL)
        name = g_strdup (role->practitioner.display);
      return name;
    }
  else if (g_strcmp0 (type, "Organization") == 0)
    {
      g_autoptr(MkOrganization) organization = mk_organization_read (object, NULL);

      if (organization == NULL)
        return NULL;
      /* Official names run to two lines («Государственное бюджетное
       * учреждение здравоохранения…»): lists show the alias. */
      if (short_name && organization->alias != NULL && *organization->alias != '\0')
        return g_strdup (organization->alias);
      return g_strdup (organization->name);
    }
  else
    {
      const char *name = NULL;

      /* Location, HealthcareService: a plain "name" */
      if (mk_fhir_get_string (object, "name", &name, NULL))
        return g_strdup (name);
    }

  return NULL;
}

static char *
dup_reference_name (MkStore               *store,
                    const MkFhirReference *reference,
                    gboolean               short_name)
{
  char *name;

  if (reference == NULL)
    return NULL;

  /* The stored resource's full name first: a display is often shortened
   * ("Кузнецова И. В."). */
  name = dup_resource_name (store, reference->reference, short_name, 0);
  if (name == NULL && reference->display != NULL && *reference->display != '\0')
    name = g_strdup (reference->display);

  return name;
}

char *
mk_row_util_dup_reference_name (MkStore               *store,
                                const MkFhirReference *reference)
{
  return dup_reference_name (store, reference, TRUE);
}

char *
mk_row_util_dup_reference_full_name (MkStore               *store,
                                     const MkFhirReference *reference)
{
  return dup_reference_name (store, reference, FALSE);
}

void
mk_row_util_set_label (GtkLabel   *label,
                       const char *text)
{
  gboolean visible = text != NULL && *text != '\0';

  gtk_label_set_label (label, visible ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), visible);
}

char *
mk_row_util_dup_months_ago (MkClock *clock,
                            int      months)
{
  g_autoptr(GDateTime) now = mk_clock_get_now (clock);
  g_autoptr(GDateTime) then = g_date_time_add_months (now, -months);

  return g_date_time_format (then, "%Y-%m-%d");
}

gboolean
mk_row_util_date_has_passed (const char *value,
                             MkClock    *clock)
{
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *today = NULL;
  GDate date;
  g_autofree char *day = NULL;

  if (value == NULL || clock == NULL || !mk_fhir_parse_date (value, &date, NULL))
    return FALSE;

  now = mk_clock_get_now (clock);
  today = g_date_time_format (now, "%Y-%m-%d");
  day = mk_fhir_date_to_string (&date);

  return g_strcmp0 (day, today) < 0;
}
