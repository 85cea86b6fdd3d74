/* mk-fhir-index.h — derive the indexed columns of a resource from its JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * No SQL here: MkStore calls mk_fhir_index_resource() inside the import
 * transaction and stores the result next to the lossless JSON.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* "kind" vocabulary (what the views filter on):
 *   Encounter → "visit"            Condition → "diagnosis"
 *   Observation → "lab" (category laboratory), "vital" (vital-signs), "observation" (other)
 *   DiagnosticReport → "report"    Immunization → "vaccination"
 *   Procedure → "medbook" (category record-kind#medbook-exam), else "procedure"
 *   AllergyIntolerance → "allergy" MedicationRequest → "prescription"
 *   Appointment → "appointment"    Slot → "slot"   DocumentReference → "document"
 *   anything else → NULL
 */
typedef struct
{
  char *date;     /* primary clinical date: "YYYY-MM-DD" or UTC "YYYY-MM-DDTHH:MM:SSZ"; NULL if none */
  char *status;   /* the resource's status code, e.g. "booked", "active", "final" */
  char *kind;     /* see above */
  char *code;     /* primary code: ICD-10 for Condition, LOINC for Observation, type code for DocumentReference */
  char *subject;  /* "Patient/<id>" the resource is about, if any */
  char *text;     /* human text for full-text search (names, displays, notes) */
} MkResourceIndex;

void     mk_resource_index_clear (MkResourceIndex *index);

/* Fills @index from a resource object that already has resourceType and id.
 * Returns FALSE with MK_STORE_ERROR_INVALID_RESOURCE when a field the index
 * needs has the wrong JSON type (e.g. "status": 5). */
gboolean mk_fhir_index_resource  (JsonObject      *resource,
                                  MkResourceIndex *index,
                                  GError         **error);

/* Normalises a FHIR date/dateTime/instant for the date column: a value with
 * a time becomes UTC "YYYY-MM-DDTHH:MM:SSZ"; "YYYY", "YYYY-MM" and
 * "YYYY-MM-DD" stay as they are; an unparsable value is returned unchanged. */
char    *mk_fhir_index_normalize_date (const char *value);

G_END_DECLS
