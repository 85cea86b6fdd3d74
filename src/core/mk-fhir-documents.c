/* mk-fhir-documents.c — DocumentReference, Binary
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "mk-fhir-types.h"

/* Strict base64: the alphabet, whitespace between groups, correct padding.
 * g_base64_decode() itself accepts anything, so check first. */
static GBytes *
decode_base64 (const char  *text,
               GError     **error)
{
  g_autoptr(GString) clean = g_string_new (NULL);
  gsize pad = 0;
  guchar *data;
  gsize len = 0;

  for (const char *p = text; *p != '\0'; p++)
    {
      char c = *p;

      if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
        continue;
      if (c == '=')
        pad++;
      else if (pad > 0
               || !(g_ascii_isalnum (c) || c == '+' || c == '/'))
        goto invalid;
      g_string_append_c (clean, c);
    }

  if (clean->len % 4 != 0 || pad > 2)
    goto invalid;

  if (clean->len == 0)
    return g_bytes_new (NULL, 0);

  data = g_base64_decode (clean->str, &len);
  return g_bytes_new_take (data, len);

invalid:
  g_set_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID_DATA,
               _("The file content in the record is damaged (not valid base64)"));
  return NULL;
}

/* ---- DocumentReference -------------------------------------------------- */

void
mk_document_reference_free (MkDocumentReference *document)
{
  if (document == NULL)
    return;

  g_free (document->id);
  g_free (document->status);
  g_free (document->doc_status);
  g_free (document->type_code);
  g_free (document->type);
  g_free (document->category);
  g_free (document->date);
  g_free (document->description);
  mk_fhir_reference_clear (&document->author);
  mk_fhir_reference_clear (&document->custodian);
  mk_fhir_reference_clear (&document->encounter);
  g_free (document->content_type);
  g_free (document->title);
  g_free (document->url);
  g_free (document->hash);
  g_free (document->creation);
  g_free (document->data);
  g_free (document->language);
  g_free (document);
}

MkDocumentReference *
mk_document_reference_read (JsonObject  *resource,
                            GError     **error)
{
  g_autoptr(MkDocumentReference) document = g_new0 (MkDocumentReference, 1);
  JsonObject *attachment = NULL;
  gboolean has_size = FALSE;

  if (!mk_fhir_check_resource_type (resource, "DocumentReference", error)
      || !mk_fhir_dup_string (resource, "id", &document->id, error)
      || !mk_fhir_dup_string (resource, "status", &document->status, error)
      || !mk_fhir_dup_string (resource, "docStatus", &document->doc_status, error)
      || !mk_fhir_get_concept_code (resource, "type", NULL, &document->type_code, error)
      || !mk_fhir_get_concept_display (resource, "type", &document->type, error)
      || !mk_fhir_get_concept_display (resource, "category", &document->category, error)
      || !mk_fhir_dup_string (resource, "date", &document->date, error)
      || !mk_fhir_dup_string (resource, "description", &document->description, error)
      || !mk_fhir_get_reference (resource, "author", &document->author, error)
      || !mk_fhir_get_reference (resource, "custodian", &document->custodian, error)
      || !mk_fhir_get_reference (resource, "context.encounter", &document->encounter, error)
      || !mk_fhir_get_path_object (resource, "content.attachment", &attachment, error)
      || !mk_fhir_dup_string (attachment, "contentType", &document->content_type, error)
      || !mk_fhir_get_int (attachment, "size", &document->size, &has_size, error)
      || !mk_fhir_dup_string (attachment, "title", &document->title, error)
      || !mk_fhir_dup_string (attachment, "url", &document->url, error)
      || !mk_fhir_dup_string (attachment, "hash", &document->hash, error)
      || !mk_fhir_dup_string (attachment, "creation", &document->creation, error)
      || !mk_fhir_dup_string (attachment, "data", &document->data, error)
      || !mk_fhir_dup_string (attachment, "language", &document->language, error))
    return NULL;

  if (!has_size || document->size < 0)
    document->size = -1;

  return g_steal_pointer (&document);
}

char *
mk_document_reference_dup_binary_id (const MkDocumentReference *document)
{
  g_autofree char *type = NULL;

  g_return_val_if_fail (document != NULL, NULL);

  type = mk_fhir_reference_dup_type (document->url);
  if (g_strcmp0 (type, "Binary") != 0)
    return NULL;

  return mk_fhir_reference_dup_id (document->url);
}

GBytes *
mk_document_reference_decode_data (const MkDocumentReference  *document,
                                   GError                    **error)
{
  g_return_val_if_fail (document != NULL, NULL);

  if (document->data == NULL)
    {
      g_set_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID,
                   _("The document has no embedded file content"));
      return NULL;
    }

  return decode_base64 (document->data, error);
}

/* ---- Binary ------------------------------------------------------------- */

void
mk_binary_free (MkBinary *binary)
{
  if (binary == NULL)
    return;

  g_free (binary->id);
  g_free (binary->content_type);
  g_clear_pointer (&binary->data, g_bytes_unref);
  mk_fhir_reference_clear (&binary->security_context);
  g_free (binary);
}

MkBinary *
mk_binary_read (JsonObject  *resource,
                GError     **error)
{
  g_autoptr(MkBinary) binary = g_new0 (MkBinary, 1);
  const char *data = NULL;

  if (!mk_fhir_check_resource_type (resource, "Binary", error)
      || !mk_fhir_dup_string (resource, "id", &binary->id, error)
      || !mk_fhir_dup_string (resource, "contentType", &binary->content_type, error)
      || !mk_fhir_get_reference (resource, "securityContext", &binary->security_context, error)
      || !mk_fhir_get_string (resource, "data", &data, error))
    return NULL;

  if (data == NULL)
    binary->data = g_bytes_new (NULL, 0);
  else if ((binary->data = decode_base64 (data, error)) == NULL)
    return NULL;

  return g_steal_pointer (&binary);
}
