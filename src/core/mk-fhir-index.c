/* mk-fhir-index.c — the derived, indexed columns of a resource
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mk-fhir-index.h"
#include "mk-store.h"

#define ICD10_SYSTEM "http://hl7.org/fhir/sid/icd-10"
#define RECORD_KIND_SYSTEM "https://medkarta.github.io/fhir/CodeSystem/record-kind"

/* Typed member access that records the first type error in the context and
 * turns every later access into a no-op, so the extraction code below reads
 * straight through and the error is checked once at the end. */
typedef struct
{
  const char *type;
  const char *id;
  GError     *error;
  GString    *text;
} Ctx;

static JsonNode *
ctx_member (Ctx        *ctx,
            JsonObject *object,
            const char *member)
{
  JsonNode *node;

  if (ctx->error != NULL || object == NULL)
    return NULL;

  node = json_object_get_member (object, member);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;

  return node;
}

static const char *
ctx_string (Ctx        *ctx,
            JsonObject *object,
            const char *member)
{
  JsonNode *node = ctx_member (ctx, object, member);

  if (node == NULL)
    return NULL;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (&ctx->error, MK_STORE_ERROR, MK_STORE_ERROR_INVALID_RESOURCE,
                   /* Translators: %s/%s is a FHIR resource type and id, the
                    * last %s a JSON member name, e.g. “status” */
                   _("%s/%s: field “%s” must be a string"),
                   ctx->type, ctx->id, member);
      return NULL;
    }

  return json_node_get_string (node);
}

static JsonObject *
ctx_object (Ctx        *ctx,
            JsonObject *object,
            const char *member)
{
  JsonNode *node = ctx_member (ctx, object, member);

  if (node == NULL)
    return NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (&ctx->error, MK_STORE_ERROR, MK_STORE_ERROR_INVALID_RESOURCE,
                   /* Translators: %s/%s is a FHIR resource type and id, the
                    * last %s a JSON member name, e.g. “subject” */
                   _("%s/%s: field “%s” must be an object"),
                   ctx->type, ctx->id, member);
      return NULL;
    }

  return json_node_get_object (node);
}

static JsonArray *
ctx_array (Ctx        *ctx,
           JsonObject *object,
           const char *member)
{
  JsonNode *node = ctx_member (ctx, object, member);

  if (node == NULL)
    return NULL;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (&ctx->error, MK_STORE_ERROR, MK_STORE_ERROR_INVALID_RESOURCE,
                   /* Translators: %s/%s is a FHIR resource type and id, the
                    * last %s a JSON member name, e.g. “coding” */
                   _("%s/%s: field “%s” must be an array"),
                   ctx->type, ctx->id, member);
      return NULL;
    }

  return json_node_get_array (node);
}

static guint
ctx_array_length (JsonArray *array)
{
  return array != NULL ? json_array_get_length (array) : 0;
}

/* The @index-th element of @array (the value of @member), which must be an object. */
static JsonObject *
ctx_element (Ctx        *ctx,
             JsonArray  *array,
             guint       index,
             const char *member)
{
  JsonNode *node;

  if (ctx->error != NULL || array == NULL || index >= json_array_get_length (array))
    return NULL;

  node = json_array_get_element (array, index);
  if (JSON_NODE_HOLDS_NULL (node))
    return NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (&ctx->error, MK_STORE_ERROR, MK_STORE_ERROR_INVALID_RESOURCE,
                   /* Translators: %s/%s is a FHIR resource type and id, the
                    * last %s a JSON member name, e.g. “coding” */
                   _("%s/%s: the items of “%s” must be objects"),
                   ctx->type, ctx->id, member);
      return NULL;
    }

  return json_node_get_object (node);
}

static void
text_add (Ctx        *ctx,
          const char *value)
{
  if (value == NULL || *value == '\0')
    return;

  if (ctx->text->len > 0)
    g_string_append_c (ctx->text, ' ');
  g_string_append (ctx->text, value);
}

static void
text_add_string (Ctx        *ctx,
                 JsonObject *object,
                 const char *member)
{
  text_add (ctx, ctx_string (ctx, object, member));
}

/* ---------------------------------------------------------------------- */

char *
mk_fhir_index_normalize_date (const char *value)
{
  g_autoptr(GTimeZone) utc = NULL;
  g_autoptr(GDateTime) dt = NULL;
  g_autoptr(GDateTime) in_utc = NULL;

  if (value == NULL || *value == '\0')
    return NULL;

  /* "YYYY", "YYYY-MM" and "YYYY-MM-DD" stay as they are. */
  if (strchr (value, 'T') == NULL)
    return g_strdup (value);

  utc = g_time_zone_new_utc ();
  dt = g_date_time_new_from_iso8601 (value, utc);
  if (dt == NULL)
    return g_strdup (value);

  in_utc = g_date_time_to_utc (dt);
  return g_date_time_format (in_utc, "%Y-%m-%dT%H:%M:%SZ");
}

/* Sets index->date from the first present value; later candidates are still
 * type-checked by the callers only if reached. */
static void
set_date (Ctx             *ctx,
          MkResourceIndex *index,
          const char      *value)
{
  if (index->date != NULL || value == NULL || *value == '\0')
    return;

  index->date = mk_fhir_index_normalize_date (value);
}

static const char *
period_start (Ctx        *ctx,
              JsonObject *object,
              const char *member)
{
  return ctx_string (ctx, ctx_object (ctx, object, member), "start");
}

/* Adds the text, displays and codes of a CodeableConcept to the search text;
 * returns the first coding's code (or the one in @prefer_system). */
static const char *
codeable_concept (Ctx        *ctx,
                  JsonObject *concept,
                  const char *prefer_system)
{
  JsonArray *coding;
  const char *first = NULL;
  const char *preferred = NULL;

  if (concept == NULL)
    return NULL;

  text_add_string (ctx, concept, "text");
  coding = ctx_array (ctx, concept, "coding");
  for (guint i = 0; i < ctx_array_length (coding); i++)
    {
      JsonObject *c = ctx_element (ctx, coding, i, "coding");
      const char *code = ctx_string (ctx, c, "code");
      const char *system = ctx_string (ctx, c, "system");

      text_add_string (ctx, c, "display");
      text_add (ctx, code);

      if (first == NULL)
        first = code;
      if (preferred == NULL && prefer_system != NULL && g_strcmp0 (system, prefer_system) == 0)
        preferred = code;
    }

  return preferred != NULL ? preferred : first;
}

static void
codeable_concept_list (Ctx        *ctx,
                       JsonObject *object,
                       const char *member)
{
  JsonArray *list = ctx_array (ctx, object, member);

  for (guint i = 0; i < ctx_array_length (list); i++)
    codeable_concept (ctx, ctx_element (ctx, list, i, member), NULL);
}

static gboolean
concept_has_code (Ctx        *ctx,
                  JsonObject *concept,
                  const char *system_suffix,
                  const char *code)
{
  JsonArray *coding = ctx_array (ctx, concept, "coding");

  for (guint i = 0; i < ctx_array_length (coding); i++)
    {
      JsonObject *c = ctx_element (ctx, coding, i, "coding");
      const char *system = ctx_string (ctx, c, "system");

      if (g_strcmp0 (ctx_string (ctx, c, "code"), code) == 0 &&
          (system_suffix == NULL || (system != NULL && g_str_has_suffix (system, system_suffix))))
        return TRUE;
    }

  return FALSE;
}

/* category may be one CodeableConcept (Procedure in R4) or a list (Observation). */
static gboolean
category_has_code (Ctx        *ctx,
                   JsonObject *resource,
                   const char *system_suffix,
                   const char *code)
{
  JsonNode *node = ctx_member (ctx, resource, "category");

  if (node == NULL)
    return FALSE;

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *list = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (list); i++)
        if (concept_has_code (ctx, ctx_element (ctx, list, i, "category"), system_suffix, code))
          return TRUE;
      return FALSE;
    }

  return concept_has_code (ctx, ctx_object (ctx, resource, "category"), system_suffix, code);
}

static void
human_names (Ctx        *ctx,
             JsonObject *resource)
{
  JsonArray *names = ctx_array (ctx, resource, "name");

  for (guint i = 0; i < ctx_array_length (names); i++)
    {
      JsonObject *name = ctx_element (ctx, names, i, "name");
      const char *text = ctx_string (ctx, name, "text");
      JsonArray *given;

      if (text != NULL)
        {
          text_add (ctx, text);
          continue;
        }

      text_add_string (ctx, name, "family");
      given = ctx_array (ctx, name, "given");
      for (guint j = 0; j < ctx_array_length (given); j++)
        {
          JsonNode *node = json_array_get_element (given, j);

          if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
            text_add (ctx, json_node_get_string (node));
          else if (ctx->error == NULL && !JSON_NODE_HOLDS_NULL (node))
            g_set_error (&ctx->error, MK_STORE_ERROR, MK_STORE_ERROR_INVALID_RESOURCE,
                         _("%s/%s: field “%s” must be a string"),
                         ctx->type, ctx->id, "given");
        }
    }
}

static void
notes (Ctx        *ctx,
       JsonObject *resource)
{
  JsonArray *list = ctx_array (ctx, resource, "note");

  for (guint i = 0; i < ctx_array_length (list); i++)
    text_add_string (ctx, ctx_element (ctx, list, i, "note"), "text");
}

static void
quantity (Ctx        *ctx,
          JsonObject *resource,
          const char *member)
{
  JsonObject *q = ctx_object (ctx, resource, member);
  JsonNode *value = ctx_member (ctx, q, "value");

  if (value != NULL)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      if (!JSON_NODE_HOLDS_VALUE (value) ||
          (json_node_get_value_type (value) != G_TYPE_INT64 &&
           json_node_get_value_type (value) != G_TYPE_DOUBLE))
        {
          g_set_error (&ctx->error, MK_STORE_ERROR, MK_STORE_ERROR_INVALID_RESOURCE,
                       /* Translators: %s/%s is a FHIR resource type and id, the
                        * last %s a JSON member name, e.g. “value” */
                       _("%s/%s: field “%s” must be a number"),
                       ctx->type, ctx->id, "value");
          return;
        }

      if (json_node_get_value_type (value) == G_TYPE_INT64)
        g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, json_node_get_int (value));
      else
        {
          static const char * const formats[] = { "%.15g", "%.16g", "%.17g" };
          double d = json_node_get_double (value);

          /* The shortest text that reads back as the same number: 5.3, not
           * 5.2999999999999998 (g_ascii_dtostr prints 17 digits). */
          for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
            {
              g_ascii_formatd (buf, sizeof buf, formats[i], d);
              if (g_ascii_strtod (buf, NULL) == d)
                break;
            }
        }
      text_add (ctx, buf);
    }

  {
    const char *unit = ctx_string (ctx, q, "unit");

    text_add (ctx, unit != NULL ? unit : ctx_string (ctx, q, "code"));
  }
}

/* "Patient/1", or the last "Type/id" of an absolute URL (dropping _history). */
static char *
normalize_reference (const char *reference)
{
  g_auto(GStrv) parts = NULL;
  guint n;

  if (reference == NULL || *reference == '\0' || *reference == '#')
    return NULL;

  if (!g_str_has_prefix (reference, "http://") && !g_str_has_prefix (reference, "https://"))
    return g_strdup (reference);

  parts = g_strsplit (reference, "/", -1);
  n = g_strv_length (parts);
  if (n >= 4 && g_strcmp0 (parts[n - 2], "_history") == 0)
    n -= 2;
  if (n < 2)
    return g_strdup (reference);

  return g_strdup_printf ("%s/%s", parts[n - 2], parts[n - 1]);
}

static char *
reference_of (Ctx        *ctx,
              JsonObject *resource,
              const char *member)
{
  JsonObject *ref = ctx_object (ctx, resource, member);

  text_add_string (ctx, ref, "display");
  return normalize_reference (ctx_string (ctx, ref, "reference"));
}

/* ---------------------------------------------------------------------- */

void
mk_resource_index_clear (MkResourceIndex *index)
{
  if (index == NULL)
    return;

  g_clear_pointer (&index->date, g_free);
  g_clear_pointer (&index->status, g_free);
  g_clear_pointer (&index->kind, g_free);
  g_clear_pointer (&index->code, g_free);
  g_clear_pointer (&index->subject, g_free);
  g_clear_pointer (&index->text, g_free);
}

gboolean
mk_fhir_index_resource (JsonObject      *resource,
                        MkResourceIndex *index,
                        GError         **error)
{
  g_autoptr(GString) text = g_string_new (NULL);
  Ctx ctx = { NULL, NULL, NULL, text };
  const char *type;
  const char *kind = NULL;
  const char *code = NULL;
  const char *status = NULL;

  g_return_val_if_fail (resource != NULL, FALSE);
  g_return_val_if_fail (index != NULL, FALSE);

  memset (index, 0, sizeof *index);

  ctx.type = type = json_object_get_string_member_with_default (resource, "resourceType", "?");
  ctx.id = json_object_get_string_member_with_default (resource, "id", "?");

  status = ctx_string (&ctx, resource, "status");

  /* Who the resource is about. */
  if (json_object_has_member (resource, "subject"))
    index->subject = reference_of (&ctx, resource, "subject");
  if (index->subject == NULL && json_object_has_member (resource, "patient"))
    index->subject = reference_of (&ctx, resource, "patient");

  /* Text common to many types. */
  text_add_string (&ctx, resource, "description");
  notes (&ctx, resource);

  if (g_str_equal (type, "Patient"))
    {
      human_names (&ctx, resource);
      set_date (&ctx, index, ctx_string (&ctx, resource, "birthDate"));
    }
  else if (g_str_equal (type, "Practitioner") || g_str_equal (type, "RelatedPerson"))
    {
      human_names (&ctx, resource);
    }
  else if (g_str_equal (type, "Organization") || g_str_equal (type, "Location") ||
           g_str_equal (type, "HealthcareService"))
    {
      text_add_string (&ctx, resource, "name");
    }
  else if (g_str_equal (type, "Encounter"))
    {
      kind = "visit";
      set_date (&ctx, index, period_start (&ctx, resource, "period"));
      codeable_concept_list (&ctx, resource, "type");
      codeable_concept (&ctx, ctx_object (&ctx, resource, "serviceType"), NULL);
      codeable_concept_list (&ctx, resource, "reasonCode");
    }
  else if (g_str_equal (type, "Condition"))
    {
      kind = "diagnosis";
      set_date (&ctx, index, ctx_string (&ctx, resource, "recordedDate"));
      set_date (&ctx, index, ctx_string (&ctx, resource, "onsetDateTime"));
      code = codeable_concept (&ctx, ctx_object (&ctx, resource, "code"), ICD10_SYSTEM);
      if (status == NULL)
        {
          JsonObject *clinical = ctx_object (&ctx, resource, "clinicalStatus");

          status = ctx_string (&ctx, ctx_element (&ctx, ctx_array (&ctx, clinical, "coding"),
                                                  0, "coding"), "code");
        }
    }
  else if (g_str_equal (type, "Observation"))
    {
      if (category_has_code (&ctx, resource, NULL, "laboratory"))
        kind = "lab";
      else if (category_has_code (&ctx, resource, NULL, "vital-signs"))
        kind = "vital";
      else
        kind = "observation";

      set_date (&ctx, index, ctx_string (&ctx, resource, "effectiveDateTime"));
      set_date (&ctx, index, period_start (&ctx, resource, "effectivePeriod"));
      set_date (&ctx, index, ctx_string (&ctx, resource, "issued"));
      code = codeable_concept (&ctx, ctx_object (&ctx, resource, "code"), NULL);
      text_add_string (&ctx, resource, "valueString");
      quantity (&ctx, resource, "valueQuantity");
      codeable_concept (&ctx, ctx_object (&ctx, resource, "valueCodeableConcept"), NULL);
    }
  else if (g_str_equal (type, "DiagnosticReport"))
    {
      kind = "report";
      set_date (&ctx, index, ctx_string (&ctx, resource, "effectiveDateTime"));
      set_date (&ctx, index, period_start (&ctx, resource, "effectivePeriod"));
      set_date (&ctx, index, ctx_string (&ctx, resource, "issued"));
      code = codeable_concept (&ctx, ctx_object (&ctx, resource, "code"), NULL);
      text_add_string (&ctx, resource, "conclusion");
      codeable_concept_list (&ctx, resource, "conclusionCode");
    }
  else if (g_str_equal (type, "Immunization"))
    {
      kind = "vaccination";
      set_date (&ctx, index, ctx_string (&ctx, resource, "occurrenceDateTime"));
      code = codeable_concept (&ctx, ctx_object (&ctx, resource, "vaccineCode"), NULL);
    }
  else if (g_str_equal (type, "Procedure"))
    {
      kind = category_has_code (&ctx, resource, "record-kind", "medbook-exam") ? "medbook" : "procedure";
      set_date (&ctx, index, ctx_string (&ctx, resource, "performedDateTime"));
      set_date (&ctx, index, period_start (&ctx, resource, "performedPeriod"));
      code = codeable_concept (&ctx, ctx_object (&ctx, resource, "code"), NULL);
    }
  else if (g_str_equal (type, "AllergyIntolerance"))
    {
      kind = "allergy";
      set_date (&ctx, index, ctx_string (&ctx, resource, "recordedDate"));
      code = codeable_concept (&ctx, ctx_object (&ctx, resource, "code"), NULL);
      if (status == NULL)
        {
          JsonObject *clinical = ctx_object (&ctx, resource, "clinicalStatus");

          status = ctx_string (&ctx, ctx_element (&ctx, ctx_array (&ctx, clinical, "coding"),
                                                  0, "coding"), "code");
        }
    }
  else if (g_str_equal (type, "MedicationRequest"))
    {
      JsonArray *dosage;

      kind = "prescription";
      set_date (&ctx, index, ctx_string (&ctx, resource, "authoredOn"));
      code = codeable_concept (&ctx, ctx_object (&ctx, resource, "medicationCodeableConcept"), NULL);
      dosage = ctx_array (&ctx, resource, "dosageInstruction");
      for (guint i = 0; i < ctx_array_length (dosage); i++)
        text_add_string (&ctx, ctx_element (&ctx, dosage, i, "dosageInstruction"), "text");
    }
  else if (g_str_equal (type, "Appointment"))
    {
      JsonArray *participants;

      kind = "appointment";
      set_date (&ctx, index, ctx_string (&ctx, resource, "start"));
      text_add_string (&ctx, resource, "comment");
      text_add_string (&ctx, resource, "patientInstruction");
      codeable_concept_list (&ctx, resource, "serviceType");
      codeable_concept_list (&ctx, resource, "reasonCode");

      participants = ctx_array (&ctx, resource, "participant");
      for (guint i = 0; i < ctx_array_length (participants); i++)
        {
          JsonObject *participant = ctx_element (&ctx, participants, i, "participant");
          g_autofree char *ref = NULL;

          if (participant == NULL)
            continue;
          ref = reference_of (&ctx, participant, "actor");
          if (index->subject == NULL && ref != NULL && g_str_has_prefix (ref, "Patient/"))
            index->subject = g_steal_pointer (&ref);
        }
    }
  else if (g_str_equal (type, "Slot"))
    {
      kind = "slot";
      set_date (&ctx, index, ctx_string (&ctx, resource, "start"));
      codeable_concept_list (&ctx, resource, "serviceType");
      text_add_string (&ctx, resource, "comment");
    }
  else if (g_str_equal (type, "DocumentReference"))
    {
      JsonArray *content;

      kind = "document";
      code = codeable_concept (&ctx, ctx_object (&ctx, resource, "type"), NULL);
      set_date (&ctx, index, ctx_string (&ctx, resource, "date"));

      content = ctx_array (&ctx, resource, "content");
      for (guint i = 0; i < ctx_array_length (content); i++)
        {
          JsonObject *attachment = ctx_object (&ctx, ctx_element (&ctx, content, i, "content"),
                                               "attachment");

          text_add_string (&ctx, attachment, "title");
          if (i == 0)
            set_date (&ctx, index, ctx_string (&ctx, attachment, "creation"));
        }
      set_date (&ctx, index, period_start (&ctx, ctx_object (&ctx, resource, "context"), "period"));
    }
  else if (g_str_equal (type, "Consent"))
    {
      set_date (&ctx, index, ctx_string (&ctx, resource, "dateTime"));
      codeable_concept (&ctx, ctx_object (&ctx, resource, "scope"), NULL);
    }
  else if (g_str_equal (type, "AuditEvent"))
    {
      set_date (&ctx, index, ctx_string (&ctx, resource, "recorded"));
      codeable_concept (&ctx, ctx_object (&ctx, resource, "type"), NULL);
    }

  if (ctx.error != NULL)
    {
      mk_resource_index_clear (index);
      g_propagate_error (error, ctx.error);
      return FALSE;
    }

  index->kind = g_strdup (kind);
  index->code = g_strdup (code);
  index->status = g_strdup (status);
  index->text = text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;

  return TRUE;
}
