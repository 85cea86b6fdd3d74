/* mk-cli-commands.c — the medkartactl commands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "mk-account.h"
#include "mk-cli.h"
#include "mk-clock.h"
#include "mk-demo.h"
#include "mk-outbox.h"

/* import ---------------------------------------------------------------- */

static void
print_import_summary (GHashTable *stored,
                      guint       n_stored,
                      guint       n_unchanged)
{
  mk_cli_print_counts (stored);

  mk_cli_print_line (ngettext ("Stored %u resource", "Stored %u resources", n_stored),
                     n_stored);
  if (n_unchanged > 0)
    mk_cli_print_line (ngettext ("%u resource unchanged (same or newer version already stored)",
                                 "%u resources unchanged (same or newer version already stored)",
                                 n_unchanged),
                       n_unchanged);
}

gboolean
mk_cli_command_import (MkCli   *cli,
                       GError **error)
{
  const char *path = cli->args[0];
  g_autofree char *display = NULL;
  g_autofree char *data = NULL;
  g_autoptr(MkStore) store = NULL;
  g_autoptr(MkImportStats) stats = NULL;
  gsize length = 0;

  if (strcmp (path, "-") == 0)
    display = g_strdup (_("standard input"));
  else
    display = g_filename_display_name (path);

  /* Read first: a missing file must not create an empty store. */
  if (!mk_cli_read_input (path, &data, &length, error))
    {
      /* Translators: %s is a file name; the reason follows the colon */
      g_prefix_error (error, _("Cannot import %s: "), display);
      return FALSE;
    }

  store = mk_cli_open_store (cli, error);
  if (store == NULL)
    return FALSE;

  if (!mk_store_import_json (store, data, length, &stats, error))
    {
      g_prefix_error (error, _("Cannot import %s: "), display);
      return FALSE;
    }

  print_import_summary (stats->stored, stats->n_stored, stats->n_unchanged);
  return TRUE;
}

/* status ---------------------------------------------------------------- */

/* Everything "status" reports, gathered once and rendered as JSON or text.
 * A new field goes here, into status_collect() and into both printers. */
typedef struct
{
  char       *data_dir;
  int         schema_version;
  GHashTable *resources;   /* resourceType → GUINT_TO_POINTER (count) */
  guint       total;
  guint       outbox;          /* edits waiting to be sent */
  guint       outbox_failed;   /* edits the server refused */
  guint       conflicts;       /* edits the server changed meanwhile */
  char       *last_sync;       /* ISO 8601 UTC, or NULL */
  char       *server;          /* base URL, or NULL */
} MkCliStatus;

static void
mk_cli_status_free (MkCliStatus *status)
{
  g_free (status->data_dir);
  g_free (status->last_sync);
  g_free (status->server);
  g_clear_pointer (&status->resources, g_hash_table_unref);
  g_free (status);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkCliStatus, mk_cli_status_free)

static MkCliStatus *
status_collect (MkCli   *cli,
                GError **error)
{
  g_autoptr(MkCliStatus) status = g_new0 (MkCliStatus, 1);
  g_autoptr(MkStore) store = NULL;
  GHashTableIter iter;
  gpointer value;
  g_autoptr(GError) local_error = NULL;

  status->data_dir = mk_cli_get_data_dir (cli);

  store = mk_cli_open_store (cli, error);
  if (store == NULL)
    return NULL;

  status->schema_version = mk_store_get_schema_version (store);

  status->resources = mk_store_count_by_type (store, error);
  if (status->resources == NULL)
    return NULL;

  g_hash_table_iter_init (&iter, status->resources);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    status->total += GPOINTER_TO_UINT (value);

  status->outbox = mk_store_count_outbox_state (store, MK_OUTBOX_PENDING, &local_error);
  if (local_error == NULL)
    status->outbox_failed = mk_store_count_outbox_state (store, MK_OUTBOX_FAILED, &local_error);
  if (local_error == NULL)
    status->conflicts = mk_store_count_outbox_state (store, MK_OUTBOX_CONFLICT, &local_error);
  if (local_error == NULL)
    status->last_sync = mk_store_get_meta (store, MK_ACCOUNT_META_LAST_SYNC, &local_error);
  if (local_error == NULL)
    status->server = mk_store_get_meta (store, MK_ACCOUNT_META_SERVER_URL, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return g_steal_pointer (&status);
}

static void
status_print_json (MkCliStatus *status)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *data_dir_utf8 = g_filename_display_name (status->data_dir);
  guint n_types = 0;
  g_autofree const char **types = mk_cli_sorted_keys (status->resources, &n_types);

  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "resources");
  json_builder_begin_object (builder);
  for (guint i = 0; i < n_types; i++)
    {
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (status->resources, types[i]));

      json_builder_set_member_name (builder, types[i]);
      json_builder_add_int_value (builder, count);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "total");
  json_builder_add_int_value (builder, status->total);
  json_builder_set_member_name (builder, "outbox");
  json_builder_add_int_value (builder, status->outbox);
  json_builder_set_member_name (builder, "outbox_failed");
  json_builder_add_int_value (builder, status->outbox_failed);
  json_builder_set_member_name (builder, "conflicts");
  json_builder_add_int_value (builder, status->conflicts);
  mk_cli_add_string_or_null (builder, "last_sync", status->last_sync);
  mk_cli_add_string_or_null (builder, "server", status->server);
  json_builder_set_member_name (builder, "schema_version");
  json_builder_add_int_value (builder, status->schema_version);
  json_builder_set_member_name (builder, "data_dir");
  json_builder_add_string_value (builder, data_dir_utf8);

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  mk_cli_print_json_node (root);
}

static void
status_print_text (MkCliStatus *status)
{
  g_autofree char *data_dir = g_filename_display_name (status->data_dir);

  /* Translators: %s is a directory */
  mk_cli_print_line (_("Data directory: %s"), data_dir);
  /* Translators: the version of the database layout, a number */
  mk_cli_print_line (_("Schema version: %d"), status->schema_version);
  mk_cli_print_line (ngettext ("%u resource in the mirror", "%u resources in the mirror",
                               status->total),
                     status->total);
  mk_cli_print_counts (status->resources);
  mk_cli_print_line (ngettext ("%u local edit waiting to be sent",
                               "%u local edits waiting to be sent",
                               status->outbox),
                     status->outbox);
  if (status->outbox_failed > 0)
    mk_cli_print_line (ngettext ("%u local edit refused by the server",
                                 "%u local edits refused by the server",
                                 status->outbox_failed),
                       status->outbox_failed);
  if (status->conflicts > 0)
    mk_cli_print_line (ngettext ("%u conflict to resolve",
                                 "%u conflicts to resolve",
                                 status->conflicts),
                       status->conflicts);
  if (status->server != NULL)
    /* Translators: %s is the FHIR server's address */
    mk_cli_print_line (_("Server: %s"), status->server);
  if (status->last_sync != NULL)
    /* Translators: %s is a date and time (ISO 8601, UTC) */
    mk_cli_print_line (_("Last sync: %s"), status->last_sync);
}

gboolean
mk_cli_command_status (MkCli   *cli,
                       GError **error)
{
  g_autoptr(MkCliStatus) status = status_collect (cli, error);

  if (status == NULL)
    return FALSE;

  if (cli->json)
    status_print_json (status);
  else
    status_print_text (status);

  return TRUE;
}

/* get ------------------------------------------------------------------- */

static gboolean
parse_reference (const char  *reference,
                 char       **type,
                 char       **id,
                 GError     **error)
{
  const char *slash = strchr (reference, '/');

  if (slash == NULL || slash == reference || slash[1] == '\0' || strchr (slash + 1, '/') != NULL)
    {
      g_set_error (error, MK_CLI_ERROR, MK_CLI_ERROR_USAGE,
                   /* Translators: %s is what the user typed; keep TYPE/ID as is */
                   _("“%s” is not a reference of the form TYPE/ID, e.g. Patient/123"),
                   reference);
      return FALSE;
    }

  *type = g_strndup (reference, slash - reference);
  *id = g_strdup (slash + 1);
  return TRUE;
}

gboolean
mk_cli_command_get (MkCli   *cli,
                    GError **error)
{
  g_autofree char *type = NULL;
  g_autofree char *id = NULL;
  g_autofree char *json = NULL;
  g_autofree char *pretty = NULL;
  g_autoptr(MkStore) store = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!parse_reference (cli->args[0], &type, &id, error))
    return FALSE;

  store = mk_cli_open_store (cli, error);
  if (store == NULL)
    return FALSE;

  json = mk_store_get_json (store, type, id, &local_error);
  if (json == NULL)
    {
      if (local_error == NULL || g_error_matches (local_error, MK_STORE_ERROR,
                                                  MK_STORE_ERROR_NOT_FOUND))
        g_set_error (error, MK_CLI_ERROR, MK_CLI_ERROR_FAILED,
                     /* Translators: %s/%s is a resource type and id, e.g. Patient/123 */
                     _("No resource %s/%s in the mirror"), type, id);
      else
        g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                    /* Translators: %s/%s is a resource type and id */
                                    _("Cannot read %s/%s: "), type, id);
      return FALSE;
    }

  pretty = mk_cli_pretty_json_text (json);
  mk_cli_write_stdout (pretty);
  mk_cli_write_stdout ("\n");
  return TRUE;
}

/* search ---------------------------------------------------------------- */

gboolean
mk_cli_command_search (MkCli   *cli,
                       GError **error)
{
  g_autofree char *text = g_strjoinv (" ", cli->args);
  g_autoptr(MkStore) store = NULL;
  g_autoptr(GPtrArray) hits = NULL;

  if (cli->limit <= 0)
    {
      g_set_error (error, MK_CLI_ERROR, MK_CLI_ERROR_USAGE,
                   _("--limit must be a positive number"));
      return FALSE;
    }

  store = mk_cli_open_store (cli, error);
  if (store == NULL)
    return FALSE;

  hits = mk_store_search (store, text, cli->limit, error);
  if (hits == NULL)
    {
      g_prefix_error (error, _("Cannot search: "));
      return FALSE;
    }

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < hits->len; i++)
        {
          MkSearchHit *hit = g_ptr_array_index (hits, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "type");
          json_builder_add_string_value (builder, hit->resource_type);
          json_builder_set_member_name (builder, "id");
          json_builder_add_string_value (builder, hit->id);
          json_builder_set_member_name (builder, "snippet");
          json_builder_add_string_value (builder, hit->snippet != NULL ? hit->snippet : "");
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);

      root = json_builder_get_root (builder);
      mk_cli_print_json_node (root);
      return TRUE;
    }

  if (hits->len == 0)
    {
      /* Translators: %s is the text the user searched for */
      g_printerr (_("No matches for “%s”"), text);
      g_printerr ("\n");
      return TRUE;
    }

  for (guint i = 0; i < hits->len; i++)
    {
      MkSearchHit *hit = g_ptr_array_index (hits, i);
      g_autofree char *snippet = mk_cli_one_line (hit->snippet);

      /* A tab between the reference and the snippet, for scripts. */
      g_print ("%s/%s\t%s\n", hit->resource_type, hit->id, snippet);
    }

  return TRUE;
}

/* demo ------------------------------------------------------------------ */

gboolean
mk_cli_command_demo (MkCli   *cli,
                     GError **error)
{
  g_autoptr(MkStore) store = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GHashTable) counts = NULL;
  GHashTableIter iter;
  gpointer value;
  guint total = 0;

  store = mk_cli_open_store (cli, error);
  if (store == NULL)
    return FALSE;

  now = mk_clock_get_now (mk_clock_get_default ());
  if (!mk_demo_write (store, now, error))
    {
      g_prefix_error (error, _("Cannot write the demo card: "));
      return FALSE;
    }

  /* The demo replaces everything, so the card now holds exactly the demo. */
  counts = mk_store_count_by_type (store, error);
  if (counts == NULL)
    return FALSE;

  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    total += GPOINTER_TO_UINT (value);

  print_import_summary (counts, total, 0);
  return TRUE;
}
