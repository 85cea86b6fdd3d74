/* mk-demo.c — the embedded demo card, dated relative to the day it is opened
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The template (resources/demo/demo-card.json, written by
 * build-aux/gen-demo.py) is a FHIR Bundle whose dates are tokens such as
 * "@date(-400)" and whose document bytes are "@file(files/x.pdf)"; the
 * grammar is in resources/demo/README.md. Every token is a whole JSON string
 * value; this file walks the parsed tree and replaces them.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "mk-demo.h"
/* Generated from resources/demo/medkarta-demo.gresource.xml. Using it by name
 * also keeps its object file (and the resource) in every static link. */
#include "mk-demo-resources.h"

#define DEMO_RESOURCE_PATH "/io/github/medkarta/Medkarta/demo/"
#define DEMO_CARD_PATH     DEMO_RESOURCE_PATH "demo-card.json"

/* Days a token may move away from the anchor: about 270 years. */
#define MAX_DAY_OFFSET 99999

G_DEFINE_QUARK (mk-demo-error-quark, mk_demo_error)

typedef struct
{
  GDate       anchor;   /* the anchor's local calendar day */
  GTimeZone  *zone;     /* the local zone */
  GHashTable *files;    /* "files/x.pdf" → GBytes */
} Expander;

static void
expander_clear (Expander *self)
{
  g_clear_pointer (&self->zone, g_time_zone_unref);
  g_clear_pointer (&self->files, g_hash_table_unref);
}

static gboolean
parse_days (const char  *text,
            int         *days)
{
  const char *p = text;
  gboolean negative = FALSE;
  gint64 value = 0;

  if (*p == '+' || *p == '-')
    negative = *p++ == '-';
  if (!g_ascii_isdigit (*p))
    return FALSE;
  for (; g_ascii_isdigit (*p); p++)
    {
      value = value * 10 + (*p - '0');
      if (value > MAX_DAY_OFFSET)
        return FALSE;
    }
  if (*p != '\0')
    return FALSE;

  *days = negative ? (int) -value : (int) value;
  return TRUE;
}

/* "HH:MM", two digits each. */
static gboolean
parse_hour_minute (const char *text,
                   int        *hour,
                   int        *minute)
{
  if (strlen (text) != 5 || text[2] != ':' ||
      !g_ascii_isdigit (text[0]) || !g_ascii_isdigit (text[1]) ||
      !g_ascii_isdigit (text[3]) || !g_ascii_isdigit (text[4]))
    return FALSE;

  *hour = (text[0] - '0') * 10 + (text[1] - '0');
  *minute = (text[3] - '0') * 10 + (text[4] - '0');
  return *hour < 24 && *minute < 60;
}

/* "files/" + a plain file name: no directories, nothing hidden. */
static gboolean
is_file_argument (const char *text)
{
  const char *name;

  if (!g_str_has_prefix (text, "files/"))
    return FALSE;
  name = text + strlen ("files/");
  if (*name == '\0' || *name == '.')
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '_' && *p != '-')
      return FALSE;
  return TRUE;
}

static void
shifted_day (const Expander *self,
             int             days,
             GDate          *out)
{
  *out = self->anchor;
  if (days > 0)
    g_date_add_days (out, days);
  else if (days < 0)
    g_date_subtract_days (out, -days);
}

static GDateTime *
local_time (const Expander *self,
            int             days,
            int             hour,
            int             minute)
{
  GDate day;

  shifted_day (self, days, &day);
  /* A wall time skipped by a DST change moves forward (GLib's rule). */
  return g_date_time_new (self->zone,
                          g_date_get_year (&day), g_date_get_month (&day), g_date_get_day (&day),
                          hour, minute, 0);
}

static GBytes *
lookup_file (Expander    *self,
             const char  *path,
             GError     **error)
{
  g_autofree char *resource_path = NULL;
  GBytes *bytes;

  bytes = g_hash_table_lookup (self->files, path);
  if (bytes != NULL)
    return bytes;

  resource_path = g_strconcat (DEMO_RESOURCE_PATH, path, NULL);
  bytes = g_resource_lookup_data (mk_demo_get_resource (), resource_path,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  if (bytes == NULL)
    {
      g_set_error (error, MK_DEMO_ERROR, MK_DEMO_ERROR_MISSING_FILE,
                   _("The demo card refers to a missing file “%s”"), path);
      return NULL;
    }

  g_hash_table_insert (self->files, g_strdup (path), bytes);
  return bytes;
}

static char *
sha1_base64 (GBytes *bytes)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 digest[20];
  gsize digest_len = sizeof digest;
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  g_checksum_update (checksum, data, size);
  g_checksum_get_digest (checksum, digest, &digest_len);
  return g_base64_encode (digest, digest_len);
}

/* Replaces the token in @node (a string value starting with '@'). */
static gboolean
expand_token (Expander    *self,
              JsonNode    *node,
              const char  *token,
              GError     **error)
{
  g_autofree char *name = NULL;
  g_autofree char *argument = NULL;
  const char *open = strchr (token, '(');
  gsize len = strlen (token);

  if (open == NULL || len < 3 || token[len - 1] != ')')
    goto invalid;

  name = g_strndup (token + 1, open - token - 1);
  argument = g_strndup (open + 1, token + len - 1 - open - 1);

  if (g_str_equal (name, "date"))
    {
      g_autofree char *text = NULL;
      GDate day;
      int days;

      if (!parse_days (argument, &days))
        goto invalid;
      shifted_day (self, days, &day);
      text = g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (&day),
                              g_date_get_month (&day), g_date_get_day (&day));
      json_node_set_string (node, text);
      return TRUE;
    }

  if (g_str_equal (name, "datetime") || g_str_equal (name, "instant"))
    {
      g_autoptr(GDateTime) local = NULL;
      g_autofree char *text = NULL;
      g_auto(GStrv) parts = g_strsplit (argument, ", ", 2);
      int days, hour, minute;

      if (g_strv_length (parts) != 2 ||
          !parse_days (parts[0], &days) ||
          !parse_hour_minute (parts[1], &hour, &minute))
        goto invalid;

      local = local_time (self, days, hour, minute);
      if (local == NULL)
        goto invalid;

      if (g_str_equal (name, "datetime"))
        {
          text = g_date_time_format (local, "%Y-%m-%dT%H:%M:%S%:z");
        }
      else
        {
          g_autoptr(GDateTime) utc = g_date_time_to_utc (local);
          text = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
        }
      json_node_set_string (node, text);
      return TRUE;
    }

  if (g_str_equal (name, "file") || g_str_equal (name, "size") || g_str_equal (name, "sha1"))
    {
      GBytes *bytes;

      if (!is_file_argument (argument))
        goto invalid;
      bytes = lookup_file (self, argument, error);
      if (bytes == NULL)
        return FALSE;

      if (g_str_equal (name, "size"))
        {
          json_node_set_int (node, (gint64) g_bytes_get_size (bytes));
        }
      else
        {
          g_autofree char *text = NULL;

          if (g_str_equal (name, "sha1"))
            {
              text = sha1_base64 (bytes);
            }
          else
            {
              gsize size;
              const guchar *data = g_bytes_get_data (bytes, &size);
              text = g_base64_encode (data, size);
            }
          json_node_set_string (node, text);
        }
      return TRUE;
    }

invalid:
  g_set_error (error, MK_DEMO_ERROR, MK_DEMO_ERROR_INVALID_TOKEN,
               _("The demo card has an invalid token “%s”"), token);
  return FALSE;
}

static gboolean
expand_node (Expander    *self,
             JsonNode    *node,
             GError     **error)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        JsonObjectIter iter;
        JsonNode *member;

        json_object_iter_init (&iter, object);
        while (json_object_iter_next (&iter, NULL, &member))
          if (!expand_node (self, member, error))
            return FALSE;
        return TRUE;
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        for (guint i = 0; i < n; i++)
          if (!expand_node (self, json_array_get_element (array, i), error))
            return FALSE;
        return TRUE;
      }

    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        {
          const char *text = json_node_get_string (node);

          if (text != NULL && text[0] == '@')
            {
              g_autofree char *token = g_strdup (text);
              return expand_token (self, node, token, error);
            }
        }
      return TRUE;

    case JSON_NODE_NULL:
    default:
      return TRUE;
    }
}

char *
mk_demo_expand (const char  *template_json,
                gssize       length,
                GDateTime   *anchor,
                GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  Expander expander = { 0 };
  gboolean ok;

  g_return_val_if_fail (template_json != NULL, NULL);
  g_return_val_if_fail (anchor != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!json_parser_load_from_data (parser, template_json, length, &local_error))
    {
      g_set_error (error, MK_DEMO_ERROR, MK_DEMO_ERROR_INVALID_JSON,
                   _("The demo card is not valid JSON: %s"), local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, MK_DEMO_ERROR, MK_DEMO_ERROR_INVALID_JSON,
                           _("The demo card is empty"));
      return NULL;
    }

  local = g_date_time_to_local (anchor);
  g_date_clear (&expander.anchor, 1);
  g_date_set_dmy (&expander.anchor,
                  g_date_time_get_day_of_month (local),
                  g_date_time_get_month (local),
                  g_date_time_get_year (local));
  expander.zone = g_time_zone_new_local ();
  expander.files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) g_bytes_unref);

  ok = expand_node (&expander, root, error);
  expander_clear (&expander);
  if (!ok)
    return NULL;

  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static char *
local_day_string (GDateTime *time)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (time);

  return g_date_time_format (local, "%Y-%m-%d");
}

gboolean
mk_demo_write (MkStore    *store,
               GDateTime  *anchor,
               GError    **error)
{
  g_autoptr(GBytes) template_bytes = NULL;
  g_autoptr(MkImportStats) stats = NULL;
  g_autofree char *card = NULL;
  g_autofree char *anchor_day = NULL;
  const char *data;
  gsize size;

  g_return_val_if_fail (MK_IS_STORE (store), FALSE);
  g_return_val_if_fail (anchor != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  template_bytes = g_resource_lookup_data (mk_demo_get_resource (), DEMO_CARD_PATH,
                                           G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  if (template_bytes == NULL)
    {
      g_set_error (error, MK_DEMO_ERROR, MK_DEMO_ERROR_MISSING_FILE,
                   _("The demo card refers to a missing file “%s”"), "demo-card.json");
      return FALSE;
    }

  /* Everything that can fail on our side fails here, before the store is touched. */
  data = g_bytes_get_data (template_bytes, &size);
  card = mk_demo_expand (data, size, anchor, error);
  if (card == NULL)
    return FALSE;

  /* One store transaction: a failed import leaves the old card and meta. */
  anchor_day = local_day_string (anchor);
  if (!mk_store_begin (store, error))
    return FALSE;
  if (!mk_store_clear_resources (store, error) ||
      !mk_store_import_json (store, card, -1, &stats, error) ||
      !mk_store_set_meta (store, "patient", "Patient/" MK_DEMO_PATIENT_ID, error) ||
      !mk_store_set_meta (store, "demo-anchor", anchor_day, error) ||
      !mk_store_commit (store, error))
    {
      mk_store_rollback (store);
      return FALSE;
    }

  g_debug ("Demo card written for %s: %u resources", anchor_day, stats->n_stored);
  return TRUE;
}

gboolean
mk_demo_ensure (MkStore    *store,
                GDateTime  *now,
                GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *today = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *patient = NULL;

  g_return_val_if_fail (MK_IS_STORE (store), FALSE);
  g_return_val_if_fail (now != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  stored = mk_store_get_meta (store, "demo-anchor", &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  today = local_day_string (now);
  if (g_strcmp0 (stored, today) != 0)
    return mk_demo_write (store, now, error);

  /* Same day: still rewrite if the card was removed behind our back. */
  patient = mk_store_get_json (store, "Patient", MK_DEMO_PATIENT_ID, &local_error);
  if (patient != NULL)
    return TRUE;
  if (!g_error_matches (local_error, MK_STORE_ERROR, MK_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return mk_demo_write (store, now, error);
}
