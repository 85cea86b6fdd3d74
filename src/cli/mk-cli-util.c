/* mk-cli-util.c — helpers shared by the medkartactl commands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "mk-cli.h"

G_DEFINE_QUARK (mk-cli-error-quark, mk_cli_error)

/* The account directory: --data-dir, else $XDG_DATA_HOME/medkarta/default. */
char *
mk_cli_get_data_dir (MkCli *cli)
{
  if (cli->data_dir != NULL && *cli->data_dir != '\0')
    return g_strdup (cli->data_dir);

  return g_build_filename (g_get_user_data_dir (), "medkarta", "default", NULL);
}

MkStore *
mk_cli_open_store (MkCli   *cli,
                   GError **error)
{
  g_autofree char *data_dir = mk_cli_get_data_dir (cli);
  MkStore *store;

  store = mk_store_open_in_dir (data_dir, error);
  if (store == NULL)
    {
      g_autofree char *display = g_filename_display_name (data_dir);

      /* Translators: %s is a directory; the text after the colon is the reason */
      g_prefix_error (error, _("Cannot open the card in %s: "), display);
    }

  return store;
}

static gboolean
read_stdin (char   **data,
            gsize   *length,
            GError **error)
{
  g_autoptr(GString) buffer = g_string_new (NULL);
  char chunk[8192];
  size_t n;

  while ((n = fread (chunk, 1, sizeof chunk, stdin)) > 0)
    g_string_append_len (buffer, chunk, n);

  if (ferror (stdin))
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   /* Translators: %s is the operating system's reason */
                   _("Cannot read standard input: %s"), g_strerror (saved_errno));
      return FALSE;
    }

  *length = buffer->len;
  *data = g_string_free (g_steal_pointer (&buffer), FALSE);
  return TRUE;
}

/* Reads the whole of @path, or standard input when @path is "-". */
gboolean
mk_cli_read_input (const char  *path,
                   char       **data,
                   gsize       *length,
                   GError     **error)
{
  g_return_val_if_fail (path != NULL, FALSE);

  if (strcmp (path, "-") == 0)
    return read_stdin (data, length, error);

  return g_file_get_contents (path, data, length, error);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The string keys of @table, sorted; free the array (not the keys). */
const char **
mk_cli_sorted_keys (GHashTable *table,
                    guint      *n_keys)
{
  const char **keys = (const char **) g_hash_table_get_keys_as_array (table, n_keys);

  qsort (keys, *n_keys, sizeof (char *), compare_strings);
  return keys;
}

/* printf() to stdout plus a newline, so translatable strings carry no "\n". */
void
mk_cli_print_line (const char *format,
                   ...)
{
  g_autofree char *line = NULL;
  va_list args;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);

  g_print ("%s\n", line);
}

/* Prints "Type: N" lines sorted by type. @counts maps a resource type to
 * GUINT_TO_POINTER (count). */
void
mk_cli_print_counts (GHashTable *counts)
{
  guint n_types = 0;
  g_autofree const char **types = NULL;

  if (counts == NULL)
    return;

  types = mk_cli_sorted_keys (counts, &n_types);
  for (guint i = 0; i < n_types; i++)
    {
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, types[i]));

      /* Translators: a line of the per-type summary; %s is a FHIR resource
       * type (not translated, e.g. "Observation"), %u how many of them */
      mk_cli_print_line (_("%s: %u"), types[i], count);
    }
}

/* Writes UTF-8 text to stdout unchanged (JSON must not go through the
 * locale conversion of g_print()). */
void
mk_cli_write_stdout (const char *text)
{
  fputs (text, stdout);
  fflush (stdout);
}

void
mk_cli_print_json_node (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);

  mk_cli_write_stdout (text);
  mk_cli_write_stdout ("\n");
}

/* Adds member @name: @value, or null when @value is NULL. */
void
mk_cli_add_string_or_null (JsonBuilder *builder,
                           const char  *name,
                           const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* A copy of @text (NULL: "") on one line: tabs and line breaks become
 * spaces. */
char *
mk_cli_one_line (const char *text)
{
  char *copy = g_strdup (text != NULL ? text : "");

  g_strdelimit (copy, "\t\r\n", ' ');
  return copy;
}

static void
append_newline_indent (GString *out,
                       guint    depth)
{
  g_string_append_c (out, '\n');
  for (guint i = 0; i < depth; i++)
    g_string_append (out, "  ");
}

static const char *
skip_space (const char *p)
{
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
    p++;
  return p;
}

/* Re-indents valid JSON text without parsing its values, so numbers keep
 * their exact digits ("5.30" stays "5.30"; JsonGenerator would print a
 * double such as 36.6 as 36.600000000000001). */
char *
mk_cli_pretty_json_text (const char *json)
{
  GString *out = g_string_sized_new (strlen (json) * 2);
  guint depth = 0;
  const char *p = json;

  while (*p != '\0')
    {
      char c = *p;

      switch (c)
        {
        case ' ': case '\t': case '\n': case '\r':
          p++;
          break;

        case '"':
          g_string_append_c (out, '"');
          for (p++; *p != '\0' && *p != '"'; p++)
            {
              g_string_append_c (out, *p);
              if (*p == '\\' && p[1] != '\0')
                g_string_append_c (out, *++p);
            }
          if (*p == '"')
            {
              g_string_append_c (out, '"');
              p++;
            }
          break;

        case '{': case '[':
          {
            char close = c == '{' ? '}' : ']';
            const char *next = skip_space (p + 1);

            g_string_append_c (out, c);
            if (*next == close)
              {
                g_string_append_c (out, close);
                p = next + 1;
              }
            else
              {
                depth++;
                append_newline_indent (out, depth);
                p++;
              }
          }
          break;

        case '}': case ']':
          if (depth > 0)
            depth--;
          append_newline_indent (out, depth);
          g_string_append_c (out, c);
          p++;
          break;

        case ',':
          g_string_append_c (out, ',');
          append_newline_indent (out, depth);
          p++;
          break;

        case ':':
          g_string_append (out, ": ");
          p++;
          break;

        default:
          g_string_append_c (out, c);
          p++;
          break;
        }
    }

  return g_string_free (out, FALSE);
}
