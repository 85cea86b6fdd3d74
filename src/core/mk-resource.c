/* mk-resource.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mk-resource.h"

struct _MkResource
{
  GObject     parent_instance;

  char       *resource_type;
  char       *id;
  char       *version_id;
  char       *last_updated;
  char       *json;
  char       *date;
  char       *status;
  char       *kind;
  char       *code;
  char       *subject;

  JsonNode   *node;   /* parsed lazily */
};

G_DEFINE_FINAL_TYPE (MkResource, mk_resource, G_TYPE_OBJECT)

static void
mk_resource_finalize (GObject *object)
{
  MkResource *self = MK_RESOURCE (object);

  g_free (self->resource_type);
  g_free (self->id);
  g_free (self->version_id);
  g_free (self->last_updated);
  g_free (self->json);
  g_free (self->date);
  g_free (self->status);
  g_free (self->kind);
  g_free (self->code);
  g_free (self->subject);
  g_clear_pointer (&self->node, json_node_unref);

  G_OBJECT_CLASS (mk_resource_parent_class)->finalize (object);
}

static void
mk_resource_class_init (MkResourceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mk_resource_finalize;
}

static void
mk_resource_init (MkResource *self)
{
}

MkResource *
mk_resource_new (const char *resource_type,
                 const char *id,
                 const char *version_id,
                 const char *last_updated,
                 const char *json,
                 const char *date,
                 const char *status,
                 const char *kind,
                 const char *code,
                 const char *subject)
{
  MkResource *self;

  g_return_val_if_fail (resource_type != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (json != NULL, NULL);

  self = g_object_new (MK_TYPE_RESOURCE, NULL);
  self->resource_type = g_strdup (resource_type);
  self->id = g_strdup (id);
  self->version_id = g_strdup (version_id);
  self->last_updated = g_strdup (last_updated);
  self->json = g_strdup (json);
  self->date = g_strdup (date);
  self->status = g_strdup (status);
  self->kind = g_strdup (kind);
  self->code = g_strdup (code);
  self->subject = g_strdup (subject);
  return self;
}

const char *
mk_resource_get_resource_type (MkResource *self)
{
  g_return_val_if_fail (MK_IS_RESOURCE (self), NULL);
  return self->resource_type;
}

const char *
mk_resource_get_id (MkResource *self)
{
  g_return_val_if_fail (MK_IS_RESOURCE (self), NULL);
  return self->id;
}

const char *
mk_resource_get_version_id (MkResource *self)
{
  g_return_val_if_fail (MK_IS_RESOURCE (self), NULL);
  return self->version_id;
}

const char *
mk_resource_get_last_updated (MkResource *self)
{
  g_return_val_if_fail (MK_IS_RESOURCE (self), NULL);
  return self->last_updated;
}

const char *
mk_resource_get_json (MkResource *self)
{
  g_return_val_if_fail (MK_IS_RESOURCE (self), NULL);
  return self->json;
}

const char *
mk_resource_get_date (MkResource *self)
{
  g_return_val_if_fail (MK_IS_RESOURCE (self), NULL);
  return self->date;
}

const char *
mk_resource_get_status (MkResource *self)
{
  g_return_val_if_fail (MK_IS_RESOURCE (self), NULL);
  return self->status;
}

const char *
mk_resource_get_kind (MkResource *self)
{
  g_return_val_if_fail (MK_IS_RESOURCE (self), NULL);
  return self->kind;
}

const char *
mk_resource_get_code (MkResource *self)
{
  g_return_val_if_fail (MK_IS_RESOURCE (self), NULL);
  return self->code;
}

const char *
mk_resource_get_subject (MkResource *self)
{
  g_return_val_if_fail (MK_IS_RESOURCE (self), NULL);
  return self->subject;
}

JsonObject *
mk_resource_get_object (MkResource *self)
{
  g_return_val_if_fail (MK_IS_RESOURCE (self), NULL);

  if (self->node == NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();
      g_autoptr(GError) error = NULL;
      JsonNode *root;

      if (!json_parser_load_from_data (parser, self->json, -1, &error))
        {
          /* Never log the JSON itself: it is medical data. */
          g_warning ("Stored %s resource is not valid JSON: %s",
                     self->resource_type, error->message);
          return NULL;
        }

      root = json_parser_get_root (parser);
      if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        {
          g_warning ("Stored %s resource is not a JSON object", self->resource_type);
          return NULL;
        }

      self->node = json_node_ref (root);
    }

  return json_node_get_object (self->node);
}
