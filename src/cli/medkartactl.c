/* medkartactl.c — the command-line tool: parse, dispatch, map errors to exit codes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * medkartactl [--data-dir DIR] COMMAND [--data-dir DIR] [OPTION…] [ARGS…]
 *
 * The global options are parsed up to the command name (strict POSIX), then
 * the command's own GOptionContext parses the rest; --data-dir is accepted
 * by both, so it may come before or after the command name.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>

#include "mk-cli.h"

static const MkCliCommand commands[] = {
  { "import", N_("FILE"),
    N_("Import a FHIR Bundle, NDJSON or a single resource (“-” reads standard input)"),
    MK_CLI_OPTION_NONE, 1, 1, mk_cli_command_import },
  { "status", "",
    N_("Show what the mirror holds"),
    MK_CLI_OPTION_JSON, 0, 0, mk_cli_command_status },
  { "get", N_("TYPE/ID"),
    N_("Print one stored resource as JSON"),
    MK_CLI_OPTION_NONE, 1, 1, mk_cli_command_get },
  { "search", N_("TEXT…"),
    N_("Search the whole card for text"),
    MK_CLI_OPTION_JSON | MK_CLI_OPTION_LIMIT, 1, G_MAXUINT, mk_cli_command_search },
  { "demo", "",
    N_("Replace the card with the demo card"),
    MK_CLI_OPTION_NONE, 0, 0, mk_cli_command_demo },
  { "reminders", "",
    N_("List the reminders due now or at --at; --fire records them as shown"),
    MK_CLI_OPTION_JSON, 0, 0, mk_cli_command_reminders },
  { "book", N_("SLOT_ID"),
    N_("Book a visit in a free time slot (sent on the next sync)"),
    MK_CLI_OPTION_REASON, 1, 1, mk_cli_command_book },
  { "cancel", N_("APPOINTMENT_ID"),
    N_("Cancel a visit (sent on the next sync)"),
    MK_CLI_OPTION_REASON, 1, 1, mk_cli_command_cancel },
  { "outbox", "",
    N_("List the edits waiting to be sent"),
    MK_CLI_OPTION_JSON, 0, 0, mk_cli_command_outbox },
  { "account", "add",  /* a literal sub-command: not translated */
    N_("Connect the card to a clinic server: --server URL, --patient ID or --practitioner ID"),
    MK_CLI_OPTION_NONE, 1, 1, mk_cli_command_account },
  { "sync", "",
    N_("Bring the card and the clinic server in step (pull, then send local edits)"),
    MK_CLI_OPTION_JSON, 0, 0, mk_cli_command_sync },
  { "help", N_("[COMMAND]"),
    N_("Show this help, or the help of a command"),
    MK_CLI_OPTION_NONE, 0, 1, NULL },
};

static const MkCliCommand *
find_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (commands[i].name, name) == 0)
      return &commands[i];

  return NULL;
}

static char *
describe_commands (void)
{
  GString *text = g_string_new (_("Commands:"));

  g_string_append_c (text, '\n');
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (text, "  %-8s %s\n", commands[i].name, _(commands[i].summary));

  g_string_append_c (text, '\n');
  /* Translators: keep COMMAND and --help as they are */
  g_string_append (text, _("Run “medkartactl COMMAND --help” for the options of a command."));
  g_string_append_c (text, '\n');
  g_string_append (text, _("Exit status: 0 success, 1 failure, 2 wrong usage."));

  return g_string_free (text, FALSE);
}

static GOptionEntry *
data_dir_entry (MkCli *cli)
{
  static GOptionEntry entry[2];

  entry[0] = (GOptionEntry) {
    "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &cli->data_dir,
    N_("The account directory holding medkarta.db "
       "(default: $XDG_DATA_HOME/medkarta/default)"),
    N_("DIR"),
  };
  return entry;
}

static GOptionContext *
global_context_new (MkCli    *cli,
                    gboolean *version)
{
  GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, version, N_("Show the version and exit"), NULL },
    { NULL }
  };
  g_autofree char *description = describe_commands ();
  GOptionContext *context;

  context = g_option_context_new (_("COMMAND [ARGS…]"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("Inspect and fill the offline mirror of a Medkarta "
                                           "medical card."));
  g_option_context_set_description (context, description);
  g_option_context_set_strict_posix (context, TRUE);
  g_option_context_add_main_entries (context, data_dir_entry (cli), GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  return context;
}

static GOptionContext *
command_context_new (const MkCliCommand *command,
                     MkCli              *cli)
{
  GOptionEntry json_entries[] = {
    { "json", 'j', 0, G_OPTION_ARG_NONE, &cli->json, N_("Print JSON"), NULL },
    { NULL }
  };
  GOptionEntry limit_entries[] = {
    { "limit", 'n', 0, G_OPTION_ARG_INT, &cli->limit,
      N_("Show at most N hits (default: 20)"), N_("N") },
    { NULL }
  };
  GOptionEntry reason_entries[] = {
    { "reason", 'r', 0, G_OPTION_ARG_STRING, &cli->reason,
      N_("Why (stored with the visit)"), N_("TEXT") },
    { NULL }
  };
  GOptionEntry remaining_entries[] = {
    { G_OPTION_REMAINING, 0, 0,
      strcmp (command->name, "import") == 0 ? G_OPTION_ARG_FILENAME_ARRAY : G_OPTION_ARG_STRING_ARRAY,
      &cli->args, NULL, NULL },
    { NULL }
  };
  g_autofree char *parameters = NULL;
  GOptionContext *context;

  if (command->parameters[0] != '\0')
    parameters = g_strdup_printf ("%s %s", command->name, _(command->parameters));
  else
    parameters = g_strdup (command->name);

  context = g_option_context_new (parameters);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _(command->summary));
  g_option_context_add_main_entries (context, data_dir_entry (cli), GETTEXT_PACKAGE);
  if (command->options & MK_CLI_OPTION_JSON)
    g_option_context_add_main_entries (context, json_entries, GETTEXT_PACKAGE);
  if (command->options & MK_CLI_OPTION_LIMIT)
    g_option_context_add_main_entries (context, limit_entries, GETTEXT_PACKAGE);
  if (command->options & MK_CLI_OPTION_REASON)
    g_option_context_add_main_entries (context, reason_entries, GETTEXT_PACKAGE);
  if (strcmp (command->name, "reminders") == 0)
    g_option_context_add_main_entries (context, mk_cli_reminders_entries (), GETTEXT_PACKAGE);
  if (strcmp (command->name, "account") == 0)
    g_option_context_add_main_entries (context, mk_cli_account_entries (), GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, remaining_entries, GETTEXT_PACKAGE);

  return context;
}

/* A usage error: the message, then the usage of @context, on stderr. */
static int
usage_error (GOptionContext *context,
             const char     *message)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  g_printerr ("medkartactl: %s\n\n%s", message, help);
  return MK_CLI_EXIT_USAGE;
}

static int
run_help (MkCli          *cli,
          GOptionContext *global)
{
  g_autofree char *help = NULL;

  if (cli->args != NULL && cli->args[0] != NULL)
    {
      const MkCliCommand *command = find_command (cli->args[0]);
      g_autoptr(GOptionContext) context = NULL;

      if (command == NULL)
        {
          g_autofree char *message =
            /* Translators: %s is what the user typed */
            g_strdup_printf (_("Unknown command “%s”"), cli->args[0]);

          return usage_error (global, message);
        }

      context = command_context_new (command, cli);
      help = g_option_context_get_help (context, TRUE, NULL);
    }
  else
    {
      help = g_option_context_get_help (global, TRUE, NULL);
    }

  g_print ("%s", help);
  return MK_CLI_EXIT_OK;
}

static int
run (int    argc,
     char **argv)
{
  MkCli cli = { .limit = MK_CLI_DEFAULT_LIMIT };
  gboolean version = FALSE;
  g_autoptr(GOptionContext) global = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  const MkCliCommand *command;
  guint n_args;
  int status;

  global = global_context_new (&cli, &version);
  if (!g_option_context_parse (global, &argc, &argv, &error))
    {
      status = usage_error (global, error->message);
      goto out;
    }

  if (version)
    {
      g_print ("medkartactl %s\n", PACKAGE_VERSION);
      status = MK_CLI_EXIT_OK;
      goto out;
    }

  /* "medkartactl -- status": strict POSIX parsing leaves the "--" in place. */
  if (argc >= 2 && strcmp (argv[1], "--") == 0)
    {
      argv[1] = argv[0];
      argc -= 1;
      argv += 1;
    }

  if (argc < 2)
    {
      status = usage_error (global, _("No command given"));
      goto out;
    }

  command = find_command (argv[1]);
  if (command == NULL)
    {
      g_autofree char *message =
        /* Translators: %s is what the user typed */
        g_strdup_printf (_("Unknown command “%s”"), argv[1]);

      status = usage_error (global, message);
      goto out;
    }

  /* The command name stands in for argv[0] of the command's parser. */
  argc -= 1;
  argv += 1;
  context = command_context_new (command, &cli);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      status = usage_error (context, error->message);
      goto out;
    }

  n_args = cli.args != NULL ? g_strv_length (cli.args) : 0;
  if (n_args < command->min_args || n_args > command->max_args)
    {
      status = usage_error (context, n_args < command->min_args
                                     ? _("Missing argument")
                                     : _("Too many arguments"));
      goto out;
    }

  if (command->handler == NULL)
    {
      status = run_help (&cli, global);
      goto out;
    }

  if (command->handler (&cli, &error))
    status = MK_CLI_EXIT_OK;
  else if (g_error_matches (error, MK_CLI_ERROR, MK_CLI_ERROR_USAGE))
    status = usage_error (context, error->message);
  else
    {
      g_printerr ("medkartactl: %s\n", error->message);
      status = MK_CLI_EXIT_FAILURE;
    }

out:
  g_free (cli.data_dir);
  g_free (cli.reason);
  g_strfreev (cli.args);
  return status;
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_prgname ("medkartactl");

  return run (argc, argv);
}
