/* mk-fhir-profile.c — Patient, Practitioner, PractitionerRole, Organization
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "mk-fhir-types.h"

static const char * const snils_systems[] = { MK_FHIR_SYSTEM_SNILS, NULL };
static const char * const oms_systems[] = { MK_FHIR_SYSTEM_OMS, NULL };
static const char * const passport_systems[] = { MK_FHIR_SYSTEM_PASSPORT, NULL };
static const char * const inn_person_systems[] = { MK_FHIR_SYSTEM_INN_PERSON, NULL };
static const char * const inn_org_systems[] = { MK_FHIR_SYSTEM_INN_ORGANIZATION, MK_FHIR_SYSTEM_INN_PERSON, NULL };
static const char * const ogrn_systems[] = { MK_FHIR_SYSTEM_OGRN, NULL };

/* The identifier value with separators (spaces, hyphens) dropped. */
static char *
dup_identifier_digits (JsonObject         *resource,
                       const char * const *systems,
                       const char         *type_code)
{
  const char *value = mk_fhir_identifier_lookup (resource, systems, type_code);
  GString *digits;

  if (value == NULL)
    return NULL;

  digits = g_string_new (NULL);
  for (const char *p = value; *p != '\0'; p++)
    if (*p != ' ' && *p != '-')
      g_string_append_c (digits, *p);

  return g_string_free (digits, FALSE);
}

/* Reads name[] into the parts; the JSON types are checked first. */
static gboolean
read_name (JsonObject  *resource,
           char       **family,
           char       **given,
           char       **patronymic,
           char       **full_name,
           GError     **error)
{
  JsonArray *names = NULL;
  JsonObject *name;
  const char *f, *g, *p;

  if (!mk_fhir_get_array (resource, "name", &names, error))
    return FALSE;

  for (guint i = 0; names != NULL && i < json_array_get_length (names); i++)
    {
      JsonObject *element = NULL;
      const char *ignored = NULL;
      JsonArray *given_array = NULL;

      if (!mk_fhir_array_get_object (names, i, &element, error))
        return FALSE;
      if (element != NULL
          && (!mk_fhir_get_string (element, "family", &ignored, error)
              || !mk_fhir_get_array (element, "given", &given_array, error)))
        return FALSE;
    }

  name = mk_fhir_pick_human_name (resource);
  if (name == NULL)
    return TRUE;

  mk_fhir_human_name_get_parts (name, &f, &g, &p);
  *family = g_strdup (f);
  *given = g_strdup (g);
  *patronymic = g_strdup (p);
  *full_name = mk_fhir_human_name_format (name);
  return TRUE;
}

/* ---- Patient ------------------------------------------------------------ */

void
mk_patient_free (MkPatient *patient)
{
  if (patient == NULL)
    return;

  g_free (patient->id);
  g_free (patient->family);
  g_free (patient->given);
  g_free (patient->patronymic);
  g_free (patient->full_name);
  g_free (patient->birth_date);
  g_free (patient->gender);
  g_free (patient->snils);
  g_free (patient->oms);
  g_free (patient->passport_series);
  g_free (patient->passport_number);
  g_free (patient->inn);
  g_free (patient->phone);
  g_free (patient->email);
  g_free (patient->registration_address);
  g_free (patient->actual_address);
  mk_fhir_reference_clear (&patient->general_practitioner);
  g_free (patient);
}

static gboolean
read_patient_addresses (JsonObject  *resource,
                        MkPatient   *patient,
                        GError     **error)
{
  JsonArray *addresses = NULL;
  JsonObject *first = NULL;

  if (!mk_fhir_get_array (resource, "address", &addresses, error))
    return FALSE;

  for (guint i = 0; addresses != NULL && i < json_array_get_length (addresses); i++)
    {
      JsonObject *address = NULL;
      const char *use = NULL;

      if (!mk_fhir_array_get_object (addresses, i, &address, error)
          || (address != NULL && !mk_fhir_get_string (address, "use", &use, error)))
        return FALSE;
      if (address == NULL)
        continue;

      if (first == NULL)
        first = address;
      if (g_strcmp0 (use, "home") == 0 && patient->registration_address == NULL)
        patient->registration_address = mk_fhir_address_format (address);
      else if (g_strcmp0 (use, "temp") == 0 && patient->actual_address == NULL)
        patient->actual_address = mk_fhir_address_format (address);
    }

  if (patient->registration_address == NULL && first != NULL)
    {
      const char *use = NULL;

      mk_fhir_get_string (first, "use", &use, NULL);
      if (g_strcmp0 (use, "temp") != 0)
        patient->registration_address = mk_fhir_address_format (first);
    }

  return TRUE;
}

MkPatient *
mk_patient_read (JsonObject  *resource,
                 GError     **error)
{
  g_autoptr(MkPatient) patient = g_new0 (MkPatient, 1);
  g_autofree char *passport = NULL;

  if (!mk_fhir_check_resource_type (resource, "Patient", error)
      || !mk_fhir_dup_string (resource, "id", &patient->id, error)
      || !read_name (resource, &patient->family, &patient->given, &patient->patronymic,
                     &patient->full_name, error)
      || !mk_fhir_dup_string (resource, "birthDate", &patient->birth_date, error)
      || !mk_fhir_dup_string (resource, "gender", &patient->gender, error)
      || !read_patient_addresses (resource, patient, error)
      || !mk_fhir_get_reference (resource, "generalPractitioner",
                                 &patient->general_practitioner, error))
    return NULL;

  patient->snils = dup_identifier_digits (resource, snils_systems, "SB");
  patient->oms = dup_identifier_digits (resource, oms_systems, "MC");
  patient->inn = dup_identifier_digits (resource, inn_person_systems, "TAX");
  passport = dup_identifier_digits (resource, passport_systems, "PPN");
  if (passport != NULL && strlen (passport) == 10)
    {
      patient->passport_series = g_strndup (passport, 4);
      patient->passport_number = g_strdup (passport + 4);
    }
  else if (passport != NULL)
    {
      /* Not the 4 + 6 layout: keep it whole as the number. */
      patient->passport_number = g_steal_pointer (&passport);
    }

  patient->phone = g_strdup (mk_fhir_telecom_lookup (resource, "phone"));
  patient->email = g_strdup (mk_fhir_telecom_lookup (resource, "email"));

  return g_steal_pointer (&patient);
}

/* ---- Organization ------------------------------------------------------- */

void
mk_organization_free (MkOrganization *organization)
{
  if (organization == NULL)
    return;

  g_free (organization->id);
  g_free (organization->name);
  g_free (organization->alias);
  g_free (organization->type);
  g_free (organization->address);
  g_free (organization->phone);
  g_free (organization->email);
  g_free (organization->inn);
  g_free (organization->ogrn);
  g_free (organization);
}

MkOrganization *
mk_organization_read (JsonObject  *resource,
                      GError     **error)
{
  g_autoptr(MkOrganization) organization = g_new0 (MkOrganization, 1);
  JsonObject *address = NULL;

  if (!mk_fhir_check_resource_type (resource, "Organization", error)
      || !mk_fhir_dup_string (resource, "id", &organization->id, error)
      || !mk_fhir_dup_string (resource, "name", &organization->name, error)
      || !mk_fhir_dup_path_string (resource, "alias", &organization->alias, error)
      || !mk_fhir_get_concept_display (resource, "type", &organization->type, error)
      || !mk_fhir_get_first_object (resource, "address", &address, error))
    return NULL;

  organization->address = mk_fhir_address_format (address);
  organization->phone = g_strdup (mk_fhir_telecom_lookup (resource, "phone"));
  organization->email = g_strdup (mk_fhir_telecom_lookup (resource, "email"));
  organization->inn = dup_identifier_digits (resource, inn_org_systems, "TAX");
  organization->ogrn = dup_identifier_digits (resource, ogrn_systems, NULL);

  return g_steal_pointer (&organization);
}

/* ---- Practitioner ------------------------------------------------------- */

void
mk_practitioner_free (MkPractitioner *practitioner)
{
  if (practitioner == NULL)
    return;

  g_free (practitioner->id);
  g_free (practitioner->family);
  g_free (practitioner->given);
  g_free (practitioner->patronymic);
  g_free (practitioner->full_name);
  g_free (practitioner->gender);
  g_free (practitioner->phone);
  g_free (practitioner->email);
  g_free (practitioner->inn);
  g_free (practitioner->snils);
  g_free (practitioner->qualification);
  g_free (practitioner);
}

MkPractitioner *
mk_practitioner_read (JsonObject  *resource,
                      GError     **error)
{
  g_autoptr(MkPractitioner) practitioner = g_new0 (MkPractitioner, 1);

  if (!mk_fhir_check_resource_type (resource, "Practitioner", error)
      || !mk_fhir_dup_string (resource, "id", &practitioner->id, error)
      || !read_name (resource, &practitioner->family, &practitioner->given,
                     &practitioner->patronymic, &practitioner->full_name, error)
      || !mk_fhir_dup_string (resource, "gender", &practitioner->gender, error)
      || !mk_fhir_get_concept_display (resource, "qualification.code",
                                       &practitioner->qualification, error))
    return NULL;

  practitioner->phone = g_strdup (mk_fhir_telecom_lookup (resource, "phone"));
  practitioner->email = g_strdup (mk_fhir_telecom_lookup (resource, "email"));
  practitioner->inn = dup_identifier_digits (resource, inn_person_systems, "TAX");
  practitioner->snils = dup_identifier_digits (resource, snils_systems, "SB");

  return g_steal_pointer (&practitioner);
}

/* ---- PractitionerRole --------------------------------------------------- */

void
mk_practitioner_role_free (MkPractitionerRole *role)
{
  if (role == NULL)
    return;

  g_free (role->id);
  mk_fhir_reference_clear (&role->practitioner);
  mk_fhir_reference_clear (&role->organization);
  g_free (role->role);
  g_free (role->specialty);
  g_free (role->phone);
  g_free (role);
}

MkPractitionerRole *
mk_practitioner_role_read (JsonObject  *resource,
                           GError     **error)
{
  g_autoptr(MkPractitionerRole) role = g_new0 (MkPractitionerRole, 1);
  gboolean has_active = FALSE;

  if (!mk_fhir_check_resource_type (resource, "PractitionerRole", error)
      || !mk_fhir_dup_string (resource, "id", &role->id, error)
      || !mk_fhir_get_boolean (resource, "active", &role->active, &has_active, error)
      || !mk_fhir_get_reference (resource, "practitioner", &role->practitioner, error)
      || !mk_fhir_get_reference (resource, "organization", &role->organization, error)
      || !mk_fhir_get_concept_display (resource, "code", &role->role, error)
      || !mk_fhir_get_concept_display (resource, "specialty", &role->specialty, error))
    return NULL;

  if (!has_active)
    role->active = TRUE;
  role->phone = g_strdup (mk_fhir_telecom_lookup (resource, "phone"));

  return g_steal_pointer (&role);
}
