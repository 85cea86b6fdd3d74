/* mk-fhir.h — generic helpers to read FHIR R4 JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The typed readers (mk-fhir-types.h) are built on these. All getters are
 * tolerant of absent members (they succeed and return NULL / FALSE in
 * *present) and strict about JSON types: a member that is present with the
 * wrong JSON type fails with MK_FHIR_ERROR_INVALID. JSON null counts as
 * absent.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define MK_FHIR_ERROR (mk_fhir_error_quark ())

typedef enum
{
  MK_FHIR_ERROR_INVALID,        /* a member has the wrong JSON type or an unparsable value */
  MK_FHIR_ERROR_WRONG_TYPE,     /* resourceType is not the one the reader expects */
  MK_FHIR_ERROR_INVALID_DATA,   /* attachment/Binary data is not valid base64 */
} MkFhirError;

GQuark mk_fhir_error_quark (void);

/* Identifier systems, extensions and code systems (docs/fhir-mapping.md). */
#define MK_FHIR_BASE                     "https://medkarta.github.io/fhir/"
#define MK_FHIR_SYSTEM_SNILS             "urn:oid:1.2.643.100.3"
#define MK_FHIR_SYSTEM_OMS               "https://medkarta.github.io/fhir/sid/oms"
#define MK_FHIR_SYSTEM_PASSPORT          "https://medkarta.github.io/fhir/sid/passport-rf"
#define MK_FHIR_SYSTEM_INN_PERSON        "urn:oid:1.2.643.3.131.1.1"
#define MK_FHIR_SYSTEM_INN_ORGANIZATION  "urn:oid:1.2.643.100.4"
#define MK_FHIR_SYSTEM_OGRN              "urn:oid:1.2.643.100.1"
#define MK_FHIR_SYSTEM_ERX_CODE          "https://medkarta.github.io/fhir/sid/erx-code"
#define MK_FHIR_SYSTEM_BOOKING_CODE      "https://medkarta.github.io/fhir/sid/booking-code"
#define MK_FHIR_SYSTEM_V2_0203           "http://terminology.hl7.org/CodeSystem/v2-0203"
#define MK_FHIR_SYSTEM_ICD10             "http://hl7.org/fhir/sid/icd-10"
#define MK_FHIR_SYSTEM_LOINC             "http://loinc.org"
#define MK_FHIR_SYSTEM_RECORD_KIND       "https://medkarta.github.io/fhir/CodeSystem/record-kind"
#define MK_FHIR_EXT_VALID_UNTIL          "https://medkarta.github.io/fhir/StructureDefinition/valid-until"
#define MK_FHIR_EXT_PRESCRIPTION_STAGE   "https://medkarta.github.io/fhir/StructureDefinition/prescription-stage"
#define MK_FHIR_EXT_PHARMACY             "https://medkarta.github.io/fhir/StructureDefinition/pharmacy"

/* ---- typed member getters ------------------------------------------- */

/* *out is borrowed from @object (NULL when absent). */
gboolean    mk_fhir_get_string        (JsonObject   *object,
                                       const char   *member,
                                       const char  **out,
                                       GError      **error);
gboolean    mk_fhir_get_object        (JsonObject   *object,
                                       const char   *member,
                                       JsonObject  **out,
                                       GError      **error);
gboolean    mk_fhir_get_array         (JsonObject   *object,
                                       const char   *member,
                                       JsonArray   **out,
                                       GError      **error);
/* The first element of an array member, which must be an object
 * (NULL when the member is absent or the array is empty). */
gboolean    mk_fhir_get_first_object  (JsonObject   *object,
                                       const char   *member,
                                       JsonObject  **out,
                                       GError      **error);
/* Numbers: JSON integer or double. @present may be NULL. */
gboolean    mk_fhir_get_number        (JsonObject   *object,
                                       const char   *member,
                                       double       *out,
                                       gboolean     *present,
                                       GError      **error);
/* Integers: a JSON integer (a double with a fraction is an error). */
gboolean    mk_fhir_get_int           (JsonObject   *object,
                                       const char   *member,
                                       gint64       *out,
                                       gboolean     *present,
                                       GError      **error);
gboolean    mk_fhir_get_boolean       (JsonObject   *object,
                                       const char   *member,
                                       gboolean     *out,
                                       gboolean     *present,
                                       GError      **error);
/* Element @index_ of @array as an object (error if it is not one). */
gboolean    mk_fhir_array_get_object  (JsonArray    *array,
                                       guint         index_,
                                       JsonObject  **out,
                                       GError      **error);

/* Newly allocated copy of a string member (NULL when absent). */
gboolean    mk_fhir_dup_string        (JsonObject   *object,
                                       const char   *member,
                                       char        **out,
                                       GError      **error);

/* Dotted paths, e.g. "dosageInstruction.timing.repeat.boundsPeriod.start":
 * each step is a member; when a member is an array its FIRST element is
 * used (so "name.given" is name[0].given[0]). Absent anywhere → success
 * with NULL. A step of the wrong JSON type → MK_FHIR_ERROR_INVALID. */
gboolean    mk_fhir_get_path_node     (JsonObject   *object,
                                       const char   *path,
                                       JsonNode    **out,
                                       GError      **error);
gboolean    mk_fhir_get_path_object   (JsonObject   *object,
                                       const char   *path,
                                       JsonObject  **out,
                                       GError      **error);
/* Borrowed string at @path. */
gboolean    mk_fhir_get_path_string   (JsonObject   *object,
                                       const char   *path,
                                       const char  **out,
                                       GError      **error);
/* Newly allocated string at @path. */
gboolean    mk_fhir_dup_path_string   (JsonObject   *object,
                                       const char   *path,
                                       char        **out,
                                       GError      **error);
/* Number at @path. */
gboolean    mk_fhir_get_path_number   (JsonObject   *object,
                                       const char   *path,
                                       double       *out,
                                       gboolean     *present,
                                       GError      **error);

/* Checks resourceType == @expected (MK_FHIR_ERROR_WRONG_TYPE otherwise). */
gboolean    mk_fhir_check_resource_type (JsonObject *resource,
                                         const char *expected,
                                         GError    **error);

/* ---- data types -------------------------------------------------------- */

/* A Reference: "Practitioner/p1" (or an absolute URL) plus its display. */
typedef struct
{
  char *reference;   /* NULL when absent */
  char *display;     /* NULL when absent */
} MkFhirReference;

/* Reads a Reference object (@ref may be NULL: then @out is cleared). */
gboolean         mk_fhir_reference_read       (JsonObject            *ref,
                                               MkFhirReference       *out,
                                               GError               **error);
/* Reads the Reference at @path (a member or a dotted path) of @object. */
gboolean         mk_fhir_get_reference        (JsonObject            *object,
                                               const char            *member,
                                               MkFhirReference       *out,
                                               GError               **error);
void             mk_fhir_reference_clear      (MkFhirReference       *ref);
MkFhirReference *mk_fhir_reference_copy       (const MkFhirReference *ref);
void             mk_fhir_reference_free       (MkFhirReference       *ref);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkFhirReference, mk_fhir_reference_free)
/* "Practitioner" for "Practitioner/p1" or ".../fhir/Practitioner/p1/_history/2". */
char            *mk_fhir_reference_dup_type   (const char            *reference);
/* "p1" for the same. */
char            *mk_fhir_reference_dup_id     (const char            *reference);
/* Reads an array of References into a new GPtrArray of MkFhirReference*
 * (never NULL on success, possibly empty). When @inner is non-NULL each array
 * element is an object whose member @inner is the Reference
 * (e.g. Encounter.diagnosis[].condition). */
GPtrArray       *mk_fhir_get_reference_array  (JsonObject            *object,
                                               const char            *member,
                                               const char            *inner,
                                               GError               **error);

/* CodeableConcept text → first coding display → first coding code
 * (newly allocated, NULL if none). Tolerant: wrong types are skipped. */
char        *mk_fhir_codeable_concept_dup_display (JsonObject *concept);
/* The code of the first coding with @system (any system when NULL).
 * Borrowed from @concept. */
const char  *mk_fhir_codeable_concept_get_code    (JsonObject *concept,
                                                   const char *system);
/* TRUE if some coding has @code (and @system when non-NULL). */
gboolean     mk_fhir_codeable_concept_has_code    (JsonObject *concept,
                                                   const char *system,
                                                   const char *code);
/* Display of the CodeableConcept at @member (a member or dotted path; an
 * array means its first element). Newly allocated in *out. */
gboolean     mk_fhir_get_concept_display          (JsonObject  *object,
                                                   const char  *member,
                                                   char       **out,
                                                   GError     **error);
/* Code (first coding with @system, any system when NULL) of the
 * CodeableConcept at @member (path rules as above). Newly allocated. */
gboolean     mk_fhir_get_concept_code             (JsonObject  *object,
                                                   const char  *member,
                                                   const char  *system,
                                                   char       **out,
                                                   GError     **error);

/* HumanName: family, given[0] and patronymic (given[1]) — any may be NULL. */
void         mk_fhir_human_name_get_parts (JsonObject  *name,
                                           const char **family,
                                           const char **given,
                                           const char **patronymic);
/* "Фамилия Имя Отчество" from the parts, or name.text when there are none
 * (newly allocated, NULL if nothing). */
char        *mk_fhir_human_name_format    (JsonObject  *name);
/* The name to show from resource.name[]: the "official" one, else the
 * first usual/any. Borrowed; NULL if none. */
JsonObject  *mk_fhir_pick_human_name      (JsonObject  *resource);

/* Address as one line: text if present, else
 * "postalCode, state, district, city, line…" (newly allocated). */
char        *mk_fhir_address_format       (JsonObject  *address);

/* The first ContactPoint value with @system ("phone", "email"); borrowed. */
const char  *mk_fhir_telecom_lookup       (JsonObject  *resource,
                                           const char  *system);

/* The first identifier whose system is one of @systems (NULL-terminated,
 * may be NULL) or whose type has a v2-0203 coding @type_code (may be NULL).
 * Borrowed; NULL if none. */
JsonObject  *mk_fhir_find_identifier      (JsonObject         *resource,
                                           const char * const *systems,
                                           const char         *type_code);
/* The value of that identifier (borrowed). */
const char  *mk_fhir_identifier_lookup    (JsonObject         *resource,
                                           const char * const *systems,
                                           const char         *type_code);

/* The extension object with @url in element.extension[] (borrowed). */
JsonObject  *mk_fhir_find_extension       (JsonObject  *element,
                                           const char  *url);
/* Its primitive value as a string: valueString, valueCode, valueDate,
 * valueDateTime, valueUri, valueId, valueInstant, valueMarkdown (borrowed). */
const char  *mk_fhir_extension_get_string (JsonObject  *element,
                                           const char  *url);

/* Joins annotation texts of member @member (an Annotation array, e.g. note)
 * with "\n" (newly allocated, NULL if none). */
char        *mk_fhir_annotations_join     (JsonObject  *object,
                                           const char  *member);

/* ---- dates ------------------------------------------------------------- */

/* A FHIR date / dateTime / instant as a GDateTime:
 *   "2024", "2024-05", "2024-05-17"  → local midnight of the first day;
 *   "2024-05-17T10:30:00+03:00" / "…Z" → that instant, in its own offset;
 *   a dateTime without an offset       → local time.
 * MK_FHIR_ERROR_INVALID on anything else. */
GDateTime   *mk_fhir_parse_date_time      (const char  *value,
                                           GError     **error);
/* The calendar date of a FHIR date/dateTime (partial dates → first day). */
gboolean     mk_fhir_parse_date           (const char  *value,
                                           GDate       *out,
                                           GError     **error);
/* TRUE if @value is only a year or a year-month. */
gboolean     mk_fhir_date_is_partial      (const char  *value);
/* "YYYY-MM-DD" of a GDate (newly allocated). */
char        *mk_fhir_date_to_string       (const GDate *date);

G_END_DECLS
