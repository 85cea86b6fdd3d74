/* mk-cli-edits.c — medkartactl book, cancel and outbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The edits only touch the store (a local row and an outbox entry), so
 * they work offline; "medkartactl sync" sends them.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mk-account.h"
#include "mk-cli.h"
#include "mk-clock.h"
#include "mk-edits.h"
#include "mk-outbox.h"

/* book ------------------------------------------------------------------ */

gboolean
mk_cli_command_book (MkCli   *cli,
                     GError **error)
{
  g_autoptr(MkStore) store = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *patient = NULL;
  g_autofree char *appointment_id = NULL;

  store = mk_cli_open_store (cli, error);
  if (store == NULL)
    return FALSE;

  patient = mk_store_get_meta (store, MK_ACCOUNT_META_PATIENT, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (patient == NULL || *patient == '\0')
    {
      g_set_error (error, MK_CLI_ERROR, MK_CLI_ERROR_FAILED,
                   _("Cannot book: the card does not say whose it is (no patient in this account)"));
      return FALSE;
    }

  if (!mk_edits_book_slot (store, mk_clock_get_default (), cli->args[0], patient, cli->reason,
                           &appointment_id, error))
    {
      /* Translators: the reason follows the colon */
      g_prefix_error (error, _("Cannot book: "));
      return FALSE;
    }

  /* The id on its own line first, for scripts. */
  g_print ("Appointment/%s\n", appointment_id);
  mk_cli_print_line ("%s", _("Queued; it will be sent on the next sync"));
  return TRUE;
}

/* cancel ---------------------------------------------------------------- */

gboolean
mk_cli_command_cancel (MkCli   *cli,
                       GError **error)
{
  g_autoptr(MkStore) store = NULL;

  store = mk_cli_open_store (cli, error);
  if (store == NULL)
    return FALSE;

  if (!mk_edits_cancel_appointment (store, mk_clock_get_default (), cli->args[0], cli->reason,
                                    error))
    {
      /* Translators: the reason follows the colon */
      g_prefix_error (error, _("Cannot cancel: "));
      return FALSE;
    }

  mk_cli_print_line ("%s", _("Queued; it will be sent on the next sync"));
  return TRUE;
}

/* outbox ---------------------------------------------------------------- */

static const char *
state_code (MkOutboxState state)
{
  switch (state)
    {
    case MK_OUTBOX_FAILED: return "failed";
    case MK_OUTBOX_CONFLICT: return "conflict";
    case MK_OUTBOX_PENDING:
    default: return "pending";
    }
}

static const char *
state_label (MkOutboxState state)
{
  switch (state)
    {
    /* Translators: the state of an edit the server refused (it stays editable) */
    case MK_OUTBOX_FAILED: return C_("outbox", "refused");
    /* Translators: the state of an edit the server changed meanwhile */
    case MK_OUTBOX_CONFLICT: return C_("outbox", "conflict");
    case MK_OUTBOX_PENDING:
    /* Translators: the state of an edit waiting to be sent to the server */
    default: return C_("outbox", "waiting");
    }
}

static const char *
op_code (MkOutboxOp op)
{
  switch (op)
    {
    case MK_OUTBOX_CREATE: return "create";
    case MK_OUTBOX_DELETE: return "delete";
    case MK_OUTBOX_UPDATE:
    default: return "update";
    }
}

static void
print_outbox_json (GPtrArray *entries)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < entries->len; i++)
    {
      MkOutboxEntry *entry = g_ptr_array_index (entries, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "seq");
      json_builder_add_int_value (builder, entry->seq);
      mk_cli_add_string_or_null (builder, "type", entry->resource_type);
      mk_cli_add_string_or_null (builder, "id", entry->id);
      mk_cli_add_string_or_null (builder, "op", op_code (entry->op));
      mk_cli_add_string_or_null (builder, "state", state_code (entry->state));
      mk_cli_add_string_or_null (builder, "created", entry->created);
      json_builder_set_member_name (builder, "attempts");
      json_builder_add_int_value (builder, entry->attempts);
      mk_cli_add_string_or_null (builder, "if_match", entry->if_match);
      mk_cli_add_string_or_null (builder, "if_none_exist", entry->if_none_exist);
      mk_cli_add_string_or_null (builder, "last_error", entry->last_error);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  mk_cli_print_json_node (root);
}

gboolean
mk_cli_command_outbox (MkCli   *cli,
                       GError **error)
{
  g_autoptr(MkStore) store = NULL;
  g_autoptr(GPtrArray) entries = NULL;

  store = mk_cli_open_store (cli, error);
  if (store == NULL)
    return FALSE;

  entries = mk_store_list_outbox (store, -1, error);
  if (entries == NULL)
    return FALSE;

  if (cli->json)
    {
      print_outbox_json (entries);
      return TRUE;
    }

  if (entries->len == 0)
    {
      g_printerr ("%s\n", _("No edits are waiting to be sent"));
      return TRUE;
    }

  /* One edit per line, tab-separated: number, state, operation, reference,
   * time queued (UTC), and the server's last answer when there is one. */
  for (guint i = 0; i < entries->len; i++)
    {
      MkOutboxEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *last_error = mk_cli_one_line (entry->last_error);

      g_print ("%" G_GINT64_FORMAT "\t%s\t%s\t%s/%s\t%s%s%s\n",
               entry->seq, state_label (entry->state), op_code (entry->op),
               entry->resource_type, entry->id, entry->created,
               entry->last_error != NULL ? "\t" : "", last_error);
    }

  return TRUE;
}
