/* mk-fhir.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "mk-fhir.h"

G_DEFINE_QUARK (mk-fhir-error-quark, mk_fhir_error)

/* ---- typed member getters ---------------------------------------------- */

static JsonNode *
lookup_member (JsonObject *object,
               const char *member)
{
  JsonNode *node;

  if (object == NULL || member == NULL)
    return NULL;

  node = json_object_get_member (object, member);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;

  return node;
}

static gboolean
set_wrong_type (const char  *member,
                GError     **error)
{
  g_set_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID,
               /* Translators: %s is the name of a field in a FHIR resource, e.g. “status” */
               _("The FHIR field “%s” has the wrong type"),
               member);
  return FALSE;
}

static gboolean
node_get_string (JsonNode     *node,
                 const char   *member,
                 const char  **out,
                 GError      **error)
{
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      if (json_array_get_length (array) == 0)
        {
          *out = NULL;
          return TRUE;
        }
      node = json_array_get_element (array, 0);
      if (JSON_NODE_HOLDS_NULL (node))
        {
          *out = NULL;
          return TRUE;
        }
    }

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      *out = NULL;
      return set_wrong_type (member, error);
    }

  *out = json_node_get_string (node);
  return TRUE;
}

gboolean
mk_fhir_get_string (JsonObject   *object,
                    const char   *member,
                    const char  **out,
                    GError      **error)
{
  JsonNode *node = lookup_member (object, member);

  *out = NULL;
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return set_wrong_type (member, error);

  *out = json_node_get_string (node);
  return TRUE;
}

gboolean
mk_fhir_dup_string (JsonObject  *object,
                    const char  *member,
                    char       **out,
                    GError     **error)
{
  const char *value = NULL;

  g_clear_pointer (out, g_free);
  if (!mk_fhir_get_string (object, member, &value, error))
    return FALSE;

  *out = g_strdup (value);
  return TRUE;
}

gboolean
mk_fhir_get_object (JsonObject   *object,
                    const char   *member,
                    JsonObject  **out,
                    GError      **error)
{
  JsonNode *node = lookup_member (object, member);

  *out = NULL;
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return set_wrong_type (member, error);

  *out = json_node_get_object (node);
  return TRUE;
}

gboolean
mk_fhir_get_array (JsonObject   *object,
                   const char   *member,
                   JsonArray   **out,
                   GError      **error)
{
  JsonNode *node = lookup_member (object, member);

  *out = NULL;
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return set_wrong_type (member, error);

  *out = json_node_get_array (node);
  return TRUE;
}

gboolean
mk_fhir_array_get_object (JsonArray   *array,
                          guint        index_,
                          JsonObject **out,
                          GError     **error)
{
  JsonNode *node;

  *out = NULL;
  if (array == NULL || index_ >= json_array_get_length (array))
    return TRUE;

  node = json_array_get_element (array, index_);
  if (JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID,
                   _("An element of a FHIR list has the wrong type"));
      return FALSE;
    }

  *out = json_node_get_object (node);
  return TRUE;
}

gboolean
mk_fhir_get_first_object (JsonObject   *object,
                          const char   *member,
                          JsonObject  **out,
                          GError      **error)
{
  JsonArray *array = NULL;

  *out = NULL;
  if (!mk_fhir_get_array (object, member, &array, error))
    return FALSE;

  if (!mk_fhir_array_get_object (array, 0, out, NULL))
    return set_wrong_type (member, error);

  return TRUE;
}

static gboolean
node_get_number (JsonNode   *node,
                 const char *member,
                 double     *out,
                 gboolean   *present,
                 GError    **error)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return set_wrong_type (member, error);

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    *out = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *out = json_node_get_double (node);
  else
    return set_wrong_type (member, error);

  if (present != NULL)
    *present = TRUE;
  return TRUE;
}

gboolean
mk_fhir_get_number (JsonObject  *object,
                    const char  *member,
                    double      *out,
                    gboolean    *present,
                    GError     **error)
{
  JsonNode *node = lookup_member (object, member);

  *out = 0.0;
  if (present != NULL)
    *present = FALSE;
  if (node == NULL)
    return TRUE;

  return node_get_number (node, member, out, present, error);
}

gboolean
mk_fhir_get_int (JsonObject  *object,
                 const char  *member,
                 gint64      *out,
                 gboolean    *present,
                 GError     **error)
{
  JsonNode *node = lookup_member (object, member);
  GType type;

  *out = 0;
  if (present != NULL)
    *present = FALSE;
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return set_wrong_type (member, error);

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    *out = json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE
           && json_node_get_double (node) == (double) (gint64) json_node_get_double (node))
    *out = (gint64) json_node_get_double (node);
  else
    return set_wrong_type (member, error);

  if (present != NULL)
    *present = TRUE;
  return TRUE;
}

gboolean
mk_fhir_get_boolean (JsonObject  *object,
                     const char  *member,
                     gboolean    *out,
                     gboolean    *present,
                     GError     **error)
{
  JsonNode *node = lookup_member (object, member);

  *out = FALSE;
  if (present != NULL)
    *present = FALSE;
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return set_wrong_type (member, error);

  *out = json_node_get_boolean (node);
  if (present != NULL)
    *present = TRUE;
  return TRUE;
}

gboolean
mk_fhir_check_resource_type (JsonObject  *resource,
                             const char  *expected,
                             GError     **error)
{
  const char *type = NULL;

  if (resource == NULL)
    {
      g_set_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID,
                   _("The FHIR resource is empty"));
      return FALSE;
    }

  if (!mk_fhir_get_string (resource, "resourceType", &type, error))
    return FALSE;

  if (type != NULL && g_strcmp0 (type, expected) != 0)
    {
      g_set_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_WRONG_TYPE,
                   /* Translators: both are FHIR resource type names, e.g. “Expected a Patient, got an Observation” */
                   _("Expected a FHIR %s resource, got %s"),
                   expected, type);
      return FALSE;
    }

  return TRUE;
}

/* ---- dotted paths ------------------------------------------------------ */

gboolean
mk_fhir_get_path_node (JsonObject  *object,
                       const char  *path,
                       JsonNode   **out,
                       GError     **error)
{
  g_auto(GStrv) steps = NULL;
  JsonObject *current = object;

  *out = NULL;
  g_return_val_if_fail (path != NULL, FALSE);

  steps = g_strsplit (path, ".", -1);
  for (guint i = 0; steps[i] != NULL; i++)
    {
      JsonNode *node = lookup_member (current, steps[i]);

      if (node == NULL)
        return TRUE;

      if (steps[i + 1] == NULL)
        {
          *out = node;
          return TRUE;
        }

      if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);

          if (json_array_get_length (array) == 0)
            return TRUE;
          node = json_array_get_element (array, 0);
          if (JSON_NODE_HOLDS_NULL (node))
            return TRUE;
        }

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return set_wrong_type (steps[i], error);

      current = json_node_get_object (node);
    }

  return TRUE;
}

static const char *
path_last_step (const char *path)
{
  const char *dot = strrchr (path, '.');

  return dot != NULL ? dot + 1 : path;
}

gboolean
mk_fhir_get_path_object (JsonObject   *object,
                         const char   *path,
                         JsonObject  **out,
                         GError      **error)
{
  JsonNode *node = NULL;

  *out = NULL;
  if (!mk_fhir_get_path_node (object, path, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      if (json_array_get_length (array) == 0)
        return TRUE;
      node = json_array_get_element (array, 0);
      if (JSON_NODE_HOLDS_NULL (node))
        return TRUE;
    }

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return set_wrong_type (path_last_step (path), error);

  *out = json_node_get_object (node);
  return TRUE;
}

gboolean
mk_fhir_get_path_string (JsonObject   *object,
                         const char   *path,
                         const char  **out,
                         GError      **error)
{
  JsonNode *node = NULL;

  *out = NULL;
  if (!mk_fhir_get_path_node (object, path, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;

  return node_get_string (node, path_last_step (path), out, error);
}

gboolean
mk_fhir_dup_path_string (JsonObject  *object,
                         const char  *path,
                         char       **out,
                         GError     **error)
{
  const char *value = NULL;

  g_clear_pointer (out, g_free);
  if (!mk_fhir_get_path_string (object, path, &value, error))
    return FALSE;

  *out = g_strdup (value);
  return TRUE;
}

gboolean
mk_fhir_get_path_number (JsonObject  *object,
                         const char  *path,
                         double      *out,
                         gboolean    *present,
                         GError     **error)
{
  JsonNode *node = NULL;

  *out = 0.0;
  if (present != NULL)
    *present = FALSE;
  if (!mk_fhir_get_path_node (object, path, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;

  return node_get_number (node, path_last_step (path), out, present, error);
}

/* ---- references -------------------------------------------------------- */

gboolean
mk_fhir_reference_read (JsonObject       *ref,
                        MkFhirReference  *out,
                        GError          **error)
{
  mk_fhir_reference_clear (out);
  if (ref == NULL)
    return TRUE;

  if (!mk_fhir_dup_string (ref, "reference", &out->reference, error)
      || !mk_fhir_dup_string (ref, "display", &out->display, error))
    {
      mk_fhir_reference_clear (out);
      return FALSE;
    }

  return TRUE;
}

gboolean
mk_fhir_get_reference (JsonObject       *object,
                       const char       *member,
                       MkFhirReference  *out,
                       GError          **error)
{
  JsonObject *ref = NULL;

  mk_fhir_reference_clear (out);
  if (!mk_fhir_get_path_object (object, member, &ref, error))
    return FALSE;

  return mk_fhir_reference_read (ref, out, error);
}

void
mk_fhir_reference_clear (MkFhirReference *ref)
{
  if (ref == NULL)
    return;

  g_clear_pointer (&ref->reference, g_free);
  g_clear_pointer (&ref->display, g_free);
}

MkFhirReference *
mk_fhir_reference_copy (const MkFhirReference *ref)
{
  MkFhirReference *copy = g_new0 (MkFhirReference, 1);

  if (ref != NULL)
    {
      copy->reference = g_strdup (ref->reference);
      copy->display = g_strdup (ref->display);
    }

  return copy;
}

void
mk_fhir_reference_free (MkFhirReference *ref)
{
  if (ref == NULL)
    return;

  mk_fhir_reference_clear (ref);
  g_free (ref);
}

/* Splits "…/Type/id[/_history/vid]" into its type and id steps. */
static gboolean
reference_split (const char  *reference,
                 char       **type,
                 char       **id)
{
  g_auto(GStrv) parts = NULL;
  guint n;

  if (reference == NULL || *reference == '\0' || *reference == '#'
      || g_str_has_prefix (reference, "urn:"))
    return FALSE;

  parts = g_strsplit (reference, "/", -1);
  n = g_strv_length (parts);
  if (n >= 4 && g_strcmp0 (parts[n - 2], "_history") == 0)
    n -= 2;
  if (n < 2 || *parts[n - 2] == '\0' || *parts[n - 1] == '\0')
    return FALSE;

  if (type != NULL)
    *type = g_strdup (parts[n - 2]);
  if (id != NULL)
    *id = g_strdup (parts[n - 1]);
  return TRUE;
}

char *
mk_fhir_reference_dup_type (const char *reference)
{
  char *type = NULL;

  reference_split (reference, &type, NULL);
  return type;
}

char *
mk_fhir_reference_dup_id (const char *reference)
{
  char *id = NULL;

  reference_split (reference, NULL, &id);
  return id;
}

GPtrArray *
mk_fhir_get_reference_array (JsonObject  *object,
                             const char  *member,
                             const char  *inner,
                             GError     **error)
{
  g_autoptr(GPtrArray) refs = g_ptr_array_new_with_free_func ((GDestroyNotify) mk_fhir_reference_free);
  JsonArray *array = NULL;

  if (!mk_fhir_get_array (object, member, &array, error))
    return NULL;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      g_autoptr(MkFhirReference) ref = g_new0 (MkFhirReference, 1);
      JsonObject *element = NULL;
      JsonObject *ref_object = NULL;

      if (!mk_fhir_array_get_object (array, i, &element, NULL))
        {
          set_wrong_type (member, error);
          return NULL;
        }
      if (element == NULL)
        continue;

      if (inner != NULL)
        {
          if (!mk_fhir_get_object (element, inner, &ref_object, error))
            return NULL;
        }
      else
        ref_object = element;

      if (ref_object == NULL)
        continue;
      if (!mk_fhir_reference_read (ref_object, ref, error))
        return NULL;
      if (ref->reference == NULL && ref->display == NULL)
        continue;

      g_ptr_array_add (refs, g_steal_pointer (&ref));
    }

  return g_steal_pointer (&refs);
}

/* ---- CodeableConcept --------------------------------------------------- */

static const char *
tolerant_string (JsonObject *object,
                 const char *member)
{
  const char *value = NULL;

  if (!mk_fhir_get_string (object, member, &value, NULL))
    return NULL;
  if (value != NULL && *value == '\0')
    return NULL;
  return value;
}

char *
mk_fhir_codeable_concept_dup_display (JsonObject *concept)
{
  JsonArray *codings = NULL;
  const char *text;
  const char *first_code = NULL;

  if (concept == NULL)
    return NULL;

  text = tolerant_string (concept, "text");
  if (text != NULL)
    return g_strdup (text);

  if (!mk_fhir_get_array (concept, "coding", &codings, NULL) || codings == NULL)
    return NULL;

  for (guint i = 0; i < json_array_get_length (codings); i++)
    {
      JsonObject *coding = NULL;
      const char *display;

      if (!mk_fhir_array_get_object (codings, i, &coding, NULL) || coding == NULL)
        continue;

      display = tolerant_string (coding, "display");
      if (display != NULL)
        return g_strdup (display);
      if (first_code == NULL)
        first_code = tolerant_string (coding, "code");
    }

  return g_strdup (first_code);
}

static JsonObject *
find_coding (JsonObject *concept,
             const char *system,
             const char *code)
{
  JsonArray *codings = NULL;

  if (concept == NULL
      || !mk_fhir_get_array (concept, "coding", &codings, NULL) || codings == NULL)
    return NULL;

  for (guint i = 0; i < json_array_get_length (codings); i++)
    {
      JsonObject *coding = NULL;
      const char *coding_code;

      if (!mk_fhir_array_get_object (codings, i, &coding, NULL) || coding == NULL)
        continue;

      coding_code = tolerant_string (coding, "code");
      if (coding_code == NULL)
        continue;
      if (system != NULL && g_strcmp0 (tolerant_string (coding, "system"), system) != 0)
        continue;
      if (code != NULL && strcmp (code, coding_code) != 0)
        continue;

      return coding;
    }

  return NULL;
}

const char *
mk_fhir_codeable_concept_get_code (JsonObject *concept,
                                   const char *system)
{
  JsonObject *coding = find_coding (concept, system, NULL);

  return coding != NULL ? tolerant_string (coding, "code") : NULL;
}

gboolean
mk_fhir_codeable_concept_has_code (JsonObject *concept,
                                   const char *system,
                                   const char *code)
{
  return find_coding (concept, system, code) != NULL;
}

gboolean
mk_fhir_get_concept_display (JsonObject  *object,
                             const char  *member,
                             char       **out,
                             GError     **error)
{
  JsonObject *concept = NULL;

  g_clear_pointer (out, g_free);
  if (!mk_fhir_get_path_object (object, member, &concept, error))
    return FALSE;

  *out = mk_fhir_codeable_concept_dup_display (concept);
  return TRUE;
}

gboolean
mk_fhir_get_concept_code (JsonObject  *object,
                          const char  *member,
                          const char  *system,
                          char       **out,
                          GError     **error)
{
  JsonObject *concept = NULL;

  g_clear_pointer (out, g_free);
  if (!mk_fhir_get_path_object (object, member, &concept, error))
    return FALSE;

  *out = g_strdup (mk_fhir_codeable_concept_get_code (concept, system));
  return TRUE;
}

/* ---- names, addresses, telecom ----------------------------------------- */

static const char *
tolerant_array_string (JsonObject *object,
                       const char *member,
                       guint       index_)
{
  JsonArray *array = NULL;
  JsonNode *node;

  if (!mk_fhir_get_array (object, member, &array, NULL) || array == NULL
      || index_ >= json_array_get_length (array))
    return NULL;

  node = json_array_get_element (array, index_);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

void
mk_fhir_human_name_get_parts (JsonObject  *name,
                              const char **family,
                              const char **given,
                              const char **patronymic)
{
  if (family != NULL)
    *family = tolerant_string (name, "family");
  if (given != NULL)
    *given = tolerant_array_string (name, "given", 0);
  if (patronymic != NULL)
    *patronymic = tolerant_array_string (name, "given", 1);
}

char *
mk_fhir_human_name_format (JsonObject *name)
{
  const char *family, *given, *patronymic;
  GString *result;

  if (name == NULL)
    return NULL;

  mk_fhir_human_name_get_parts (name, &family, &given, &patronymic);
  if (family == NULL && given == NULL && patronymic == NULL)
    return g_strdup (tolerant_string (name, "text"));

  result = g_string_new (NULL);
  for (guint i = 0; i < 3; i++)
    {
      const char *part = i == 0 ? family : i == 1 ? given : patronymic;

      if (part == NULL || *part == '\0')
        continue;
      if (result->len > 0)
        g_string_append_c (result, ' ');
      g_string_append (result, part);
    }

  return g_string_free (result, FALSE);
}

JsonObject *
mk_fhir_pick_human_name (JsonObject *resource)
{
  JsonArray *names = NULL;
  JsonObject *first = NULL;

  if (!mk_fhir_get_array (resource, "name", &names, NULL) || names == NULL)
    return NULL;

  for (guint i = 0; i < json_array_get_length (names); i++)
    {
      JsonObject *name = NULL;

      if (!mk_fhir_array_get_object (names, i, &name, NULL) || name == NULL)
        continue;
      if (g_strcmp0 (tolerant_string (name, "use"), "official") == 0)
        return name;
      if (first == NULL && g_strcmp0 (tolerant_string (name, "use"), "old") != 0)
        first = name;
    }

  return first;
}

char *
mk_fhir_address_format (JsonObject *address)
{
  static const char * const parts[] = { "postalCode", "state", "district", "city" };
  const char *text;
  GString *result;

  if (address == NULL)
    return NULL;

  text = tolerant_string (address, "text");
  if (text != NULL)
    return g_strdup (text);

  result = g_string_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      const char *value = tolerant_string (address, parts[i]);

      if (value == NULL)
        continue;
      if (result->len > 0)
        g_string_append (result, ", ");
      g_string_append (result, value);
    }
  for (guint i = 0; ; i++)
    {
      JsonArray *lines = NULL;
      const char *line;

      if (!mk_fhir_get_array (address, "line", &lines, NULL) || lines == NULL
          || i >= json_array_get_length (lines))
        break;
      line = tolerant_array_string (address, "line", i);
      if (line == NULL || *line == '\0')
        continue;
      if (result->len > 0)
        g_string_append (result, ", ");
      g_string_append (result, line);
    }

  if (result->len == 0)
    {
      g_string_free (result, TRUE);
      return NULL;
    }

  return g_string_free (result, FALSE);
}

const char *
mk_fhir_telecom_lookup (JsonObject *resource,
                        const char *system)
{
  JsonArray *telecom = NULL;

  if (!mk_fhir_get_array (resource, "telecom", &telecom, NULL) || telecom == NULL)
    return NULL;

  for (guint i = 0; i < json_array_get_length (telecom); i++)
    {
      JsonObject *point = NULL;
      const char *value;

      if (!mk_fhir_array_get_object (telecom, i, &point, NULL) || point == NULL)
        continue;
      if (g_strcmp0 (tolerant_string (point, "system"), system) != 0)
        continue;
      value = tolerant_string (point, "value");
      if (value != NULL)
        return value;
    }

  return NULL;
}

/* ---- identifiers and extensions ---------------------------------------- */

JsonObject *
mk_fhir_find_identifier (JsonObject         *resource,
                         const char * const *systems,
                         const char         *type_code)
{
  JsonArray *identifiers = NULL;

  if (!mk_fhir_get_array (resource, "identifier", &identifiers, NULL) || identifiers == NULL)
    return NULL;

  /* A matching system wins over a matching type code. */
  for (guint pass = 0; pass < 2; pass++)
    {
      for (guint i = 0; i < json_array_get_length (identifiers); i++)
        {
          JsonObject *identifier = NULL;
          JsonObject *type = NULL;

          if (!mk_fhir_array_get_object (identifiers, i, &identifier, NULL) || identifier == NULL)
            continue;
          if (tolerant_string (identifier, "value") == NULL)
            continue;

          if (pass == 0 && systems != NULL)
            {
              const char *system = tolerant_string (identifier, "system");

              if (system != NULL && g_strv_contains (systems, system))
                return identifier;
            }
          else if (pass == 1 && type_code != NULL
                   && mk_fhir_get_object (identifier, "type", &type, NULL) && type != NULL
                   && (mk_fhir_codeable_concept_has_code (type, MK_FHIR_SYSTEM_V2_0203, type_code)
                       || (find_coding (type, NULL, type_code) != NULL
                           && tolerant_string (find_coding (type, NULL, type_code), "system") == NULL)))
            return identifier;
        }
    }

  return NULL;
}

const char *
mk_fhir_identifier_lookup (JsonObject         *resource,
                           const char * const *systems,
                           const char         *type_code)
{
  JsonObject *identifier = mk_fhir_find_identifier (resource, systems, type_code);

  return identifier != NULL ? tolerant_string (identifier, "value") : NULL;
}

JsonObject *
mk_fhir_find_extension (JsonObject *element,
                        const char *url)
{
  JsonArray *extensions = NULL;

  if (!mk_fhir_get_array (element, "extension", &extensions, NULL) || extensions == NULL)
    return NULL;

  for (guint i = 0; i < json_array_get_length (extensions); i++)
    {
      JsonObject *extension = NULL;

      if (!mk_fhir_array_get_object (extensions, i, &extension, NULL) || extension == NULL)
        continue;
      if (g_strcmp0 (tolerant_string (extension, "url"), url) == 0)
        return extension;
    }

  return NULL;
}

const char *
mk_fhir_extension_get_string (JsonObject *element,
                              const char *url)
{
  static const char * const members[] = {
    "valueString", "valueCode", "valueDate", "valueDateTime", "valueUri",
    "valueId", "valueInstant", "valueMarkdown", "valueUrl", "valueCanonical",
  };
  JsonObject *extension = mk_fhir_find_extension (element, url);

  if (extension == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      const char *value = tolerant_string (extension, members[i]);

      if (value != NULL)
        return value;
    }

  return NULL;
}

char *
mk_fhir_annotations_join (JsonObject *object,
                          const char *member)
{
  JsonArray *notes = NULL;
  GString *result;

  if (!mk_fhir_get_array (object, member, &notes, NULL) || notes == NULL)
    return NULL;

  result = g_string_new (NULL);
  for (guint i = 0; i < json_array_get_length (notes); i++)
    {
      JsonObject *note = NULL;
      const char *text;

      if (!mk_fhir_array_get_object (notes, i, &note, NULL) || note == NULL)
        continue;
      text = tolerant_string (note, "text");
      if (text == NULL)
        continue;
      if (result->len > 0)
        g_string_append_c (result, '\n');
      g_string_append (result, text);
    }

  if (result->len == 0)
    {
      g_string_free (result, TRUE);
      return NULL;
    }

  return g_string_free (result, FALSE);
}

/* ---- dates ------------------------------------------------------------- */

static gboolean
parse_digits (const char *s,
              guint       n,
              int        *out)
{
  int value = 0;

  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (s[i]))
        return FALSE;
      value = value * 10 + (s[i] - '0');
    }

  *out = value;
  return TRUE;
}

/* Parses "YYYY", "YYYY-MM" or "YYYY-MM-DD" exactly (nothing after). */
static gboolean
parse_date_only (const char *value,
                 int        *year,
                 int        *month,
                 int        *day)
{
  gsize len = strlen (value);

  *month = 1;
  *day = 1;

  if (len != 4 && len != 7 && len != 10)
    return FALSE;
  if (!parse_digits (value, 4, year) || *year < 1)
    return FALSE;
  if (len >= 7 && (value[4] != '-' || !parse_digits (value + 5, 2, month)))
    return FALSE;
  if (len == 10 && (value[7] != '-' || !parse_digits (value + 8, 2, day)))
    return FALSE;

  return g_date_valid_dmy (*day, *month, *year);
}

static gboolean
set_bad_date (GError **error)
{
  g_set_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID,
               _("The FHIR date is not valid"));
  return FALSE;
}

GDateTime *
mk_fhir_parse_date_time (const char  *value,
                         GError     **error)
{
  int year, month, day;
  GDateTime *result;
  g_autoptr(GTimeZone) local = NULL;

  if (value == NULL)
    {
      set_bad_date (error);
      return NULL;
    }

  /* The local zone only where the value has none: looking it up is not
   * free (GLib 2.74 reads it again each time when TZ is not set), and
   * most FHIR instants carry their offset. */
  if (parse_date_only (value, &year, &month, &day))
    {
      local = g_time_zone_new_local ();
      return g_date_time_new (local, year, month, day, 0, 0, 0);
    }

  /* A dateTime must at least have a real full date and a time. */
  {
    char date_part[11];

    if (strlen (value) < 16 || value[10] != 'T')
      {
        set_bad_date (error);
        return NULL;
      }
    memcpy (date_part, value, 10);
    date_part[10] = '\0';
    if (!parse_date_only (date_part, &year, &month, &day))
      {
        set_bad_date (error);
        return NULL;
      }
  }

  if (strpbrk (value + 10, "Z+-") == NULL)
    local = g_time_zone_new_local ();
  result = g_date_time_new_from_iso8601 (value, local);
  if (result == NULL)
    set_bad_date (error);

  return result;
}

gboolean
mk_fhir_parse_date (const char  *value,
                    GDate       *out,
                    GError     **error)
{
  int year, month, day;
  g_autoptr(GDateTime) date_time = NULL;
  g_autoptr(GDateTime) local = NULL;

  g_date_clear (out, 1);

  if (value != NULL && parse_date_only (value, &year, &month, &day))
    {
      g_date_set_dmy (out, day, month, year);
      return TRUE;
    }

  date_time = mk_fhir_parse_date_time (value, error);
  if (date_time == NULL)
    return FALSE;

  local = g_date_time_to_local (date_time);
  g_date_set_dmy (out,
                  g_date_time_get_day_of_month (local),
                  g_date_time_get_month (local),
                  g_date_time_get_year (local));
  return TRUE;
}

gboolean
mk_fhir_date_is_partial (const char *value)
{
  int year, month, day;

  return value != NULL
         && (strlen (value) == 4 || strlen (value) == 7)
         && parse_date_only (value, &year, &month, &day);
}

char *
mk_fhir_date_to_string (const GDate *date)
{
  g_return_val_if_fail (date != NULL && g_date_valid (date), NULL);

  return g_strdup_printf ("%04u-%02u-%02u",
                          (guint) g_date_get_year (date),
                          (guint) g_date_get_month (date),
                          (guint) g_date_get_day (date));
}
