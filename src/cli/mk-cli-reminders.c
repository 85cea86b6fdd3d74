/* mk-cli-reminders.c — medkartactl reminders: what is due at a moment
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * medkartactl reminders [--at ISO-8601] [--json] [--fire]
 *
 * Lists what MkReminders says is due at --at (a fake clock) or now (the
 * default clock, which honours MEDKARTA_NOW); --fire records the items as
 * shown, exactly as the app does, so a second identical call lists nothing.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mk-cli.h"
#include "mk-clock.h"
#include "mk-format.h"
#include "mk-reminders.h"

static char *opt_at;
static gboolean opt_fire;

GOptionEntry *
mk_cli_reminders_entries (void)
{
  static GOptionEntry entries[] = {
    { "at", 0, 0, G_OPTION_ARG_STRING, &opt_at,
      N_("List what is due at this moment (ISO 8601, e.g. 2026-11-23T10:00:00+03:00)"),
      N_("TIME") },
    { "fire", 0, 0, G_OPTION_ARG_NONE, &opt_fire,
      N_("Record the listed items as shown, so they are not listed again"), NULL },
    { NULL }
  };

  return entries;
}

static void
print_json (const MkReminder *item)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GDateTime) utc = g_date_time_to_utc (item->due);
  g_autofree char *due = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "key");
  json_builder_add_string_value (builder, item->key);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, mk_reminder_kind_to_string (item->kind));
  mk_cli_add_string_or_null (builder, "resource", item->resource);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, item->title);
  json_builder_set_member_name (builder, "body");
  json_builder_add_string_value (builder, item->body);
  json_builder_set_member_name (builder, "due");
  json_builder_add_string_value (builder, due);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  mk_cli_write_stdout (text);
  mk_cli_write_stdout ("\n");
}

static void
print_text (const MkReminder *item)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (item->due);
  g_autofree char *due = mk_format_date_time (local);
  g_auto(GStrv) lines = g_strsplit (item->body != NULL ? item->body : "", "\n", -1);
  g_autofree char *body = g_strjoinv ("; ", lines);

  /* Translators: one due reminder in “medkartactl reminders”: %1$s is the
   * date and time it became due, %2$s its title, %3$s its text */
  mk_cli_print_line (_("%1$s  %2$s: %3$s"), due, item->title, body);
}

gboolean
mk_cli_command_reminders (MkCli   *cli,
                          GError **error)
{
  g_autoptr(MkClock) clock = NULL;
  g_autoptr(MkStore) store = NULL;
  g_autoptr(MkReminders) reminders = NULL;
  g_autoptr(GPtrArray) items = NULL;

  if (opt_at != NULL)
    {
      g_autoptr(GTimeZone) local = g_time_zone_new_local ();
      g_autoptr(GDateTime) at = g_date_time_new_from_iso8601 (opt_at, local);

      if (at == NULL)
        {
          g_set_error (error, MK_CLI_ERROR, MK_CLI_ERROR_USAGE,
                       /* Translators: %s is what the user typed after --at */
                       _("“%s” is not a date and time: use ISO 8601, "
                         "e.g. 2026-11-23T10:00:00+03:00"),
                       opt_at);
          return FALSE;
        }
      clock = mk_clock_new_fake (at);
    }
  else
    {
      clock = g_object_ref (mk_clock_get_default ());
    }

  store = mk_cli_open_store (cli, error);
  if (store == NULL)
    return FALSE;

  reminders = mk_reminders_new (store, clock);
  items = opt_fire ? mk_reminders_fire (reminders, error) : mk_reminders_list_due (reminders, error);
  if (items == NULL)
    return FALSE;

  for (guint i = 0; i < items->len; i++)
    {
      const MkReminder *item = g_ptr_array_index (items, i);

      if (cli->json)
        print_json (item);
      else
        print_text (item);
    }

  if (!cli->json && items->len == 0)
    mk_cli_print_line ("%s", _("Nothing is due."));

  return TRUE;
}
