/* mk-cli-sync.c — medkartactl account add, medkartactl sync
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "mk-account.h"
#include "mk-auth.h"
#include "mk-cli.h"
#include "mk-outbox.h"
#include "mk-secret.h"
#include "mk-sync.h"

/* account add ----------------------------------------------------------- */

static char *opt_server;
static char *opt_patient;
static char *opt_practitioner;
static char *opt_ca_file;
static char *opt_name;
static gboolean opt_token_stdin;
static gboolean opt_smart;

GOptionEntry *
mk_cli_account_entries (void)
{
  static GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &opt_server,
      N_("The clinic’s FHIR base URL (https://…)"), N_("URL") },
    { "patient", 0, 0, G_OPTION_ARG_STRING, &opt_patient,
      N_("Whose card: the Patient id on the server"), N_("ID") },
    { "practitioner", 0, 0, G_OPTION_ARG_STRING, &opt_practitioner,
      N_("A doctor’s account: the Practitioner id on the server"), N_("ID") },
    { "token-stdin", 0, 0, G_OPTION_ARG_NONE, &opt_token_stdin,
      N_("Read the access token from standard input (kept in the Secret Service)"), NULL },
    { "smart", 0, 0, G_OPTION_ARG_NONE, &opt_smart,
      N_("Sign in with SMART on FHIR in the web browser"), NULL },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_ca_file,
      N_("Also trust the certificate authority in this PEM file"), N_("PEM") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &opt_name,
      N_("A name for the account"), N_("NAME") },
    { NULL }
  };

  return entries;
}

static void
clear_account_options (void)
{
  g_clear_pointer (&opt_server, g_free);
  g_clear_pointer (&opt_patient, g_free);
  g_clear_pointer (&opt_practitioner, g_free);
  g_clear_pointer (&opt_ca_file, g_free);
  g_clear_pointer (&opt_name, g_free);
}

/* The token from standard input, without the line end; wiped by the caller. */
static char *
read_token (GError **error)
{
  GString *text = g_string_new (NULL);
  char buffer[4096];
  size_t n;

  while ((n = fread (buffer, 1, sizeof buffer, stdin)) > 0)
    g_string_append_len (text, buffer, n);
  explicit_bzero (buffer, sizeof buffer);

  g_strstrip (text->str);
  if (text->str[0] == '\0' || strchr (text->str, '\n') != NULL)
    {
      explicit_bzero (text->str, text->allocated_len);
      g_string_free (text, TRUE);
      g_set_error_literal (error, MK_CLI_ERROR, MK_CLI_ERROR_FAILED,
                           _("No access token on standard input (one line expected)"));
      return NULL;
    }

  return g_string_free (text, FALSE);
}

static void
free_token (char *token)
{
  if (token != NULL)
    {
      explicit_bzero (token, strlen (token));
      g_free (token);
    }
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (char, free_token)

static gboolean
account_add (MkCli   *cli,
             GError **error)
{
  g_autoptr(MkStore) store = NULL;
  g_autoptr(MkAccount) old = NULL;
  g_autoptr(MkAccount) account = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(char) token = NULL;
  g_autofree char *ca_file = NULL;
  MkAccountRole role;
  const char *subject;

  if (opt_server == NULL)
    {
      g_set_error_literal (error, MK_CLI_ERROR, MK_CLI_ERROR_USAGE,
                           _("--server is required"));
      return FALSE;
    }
  if (opt_patient != NULL && opt_practitioner != NULL)
    {
      g_set_error_literal (error, MK_CLI_ERROR, MK_CLI_ERROR_USAGE,
                           _("Give either --patient or --practitioner, not both"));
      return FALSE;
    }
  if (opt_patient == NULL && opt_practitioner == NULL && !opt_smart)
    {
      g_set_error_literal (error, MK_CLI_ERROR, MK_CLI_ERROR_USAGE,
                           _("Give --patient ID or --practitioner ID"));
      return FALSE;
    }
  if (opt_smart && opt_token_stdin)
    {
      g_set_error_literal (error, MK_CLI_ERROR, MK_CLI_ERROR_USAGE,
                           _("Give either --smart or --token-stdin, not both"));
      return FALSE;
    }

  if (opt_ca_file != NULL)
    {
      ca_file = g_canonicalize_filename (opt_ca_file, NULL);
      if (!g_file_test (ca_file, G_FILE_TEST_IS_REGULAR))
        {
          g_autofree char *display = g_filename_display_name (opt_ca_file);

          g_set_error (error, MK_CLI_ERROR, MK_CLI_ERROR_FAILED,
                       /* Translators: %s is a file name */
                       _("No certificate file %s"), display);
          return FALSE;
        }
    }

  /* Read the token before touching anything, so a missing one changes nothing. */
  if (opt_token_stdin)
    {
      token = read_token (error);
      if (token == NULL)
        return FALSE;
    }

  role = opt_practitioner != NULL ? MK_ACCOUNT_ROLE_PRACTITIONER : MK_ACCOUNT_ROLE_PATIENT;
  subject = opt_practitioner != NULL ? opt_practitioner : opt_patient;

  account = mk_account_new (opt_server, role, subject, error);
  if (account == NULL)
    return FALSE;

  store = mk_cli_open_store (cli, error);
  if (store == NULL)
    return FALSE;

  old = mk_account_load (store, &local_error);
  if (old == NULL && !g_error_matches (local_error, MK_STORE_ERROR, MK_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (old != NULL &&
      g_strcmp0 (mk_account_get_server_url (old), mk_account_get_server_url (account)) == 0 &&
      mk_account_get_role (old) == role &&
      (subject == NULL || g_strcmp0 (mk_account_get_subject_id (old), subject) == 0))
    {
      /* The same account: keep its identity (and its tokens unless replaced). */
      g_set_object (&account, old);
    }
  else if (old != NULL)
    {
      /* Another server or person: the old watermarks and tokens mean nothing here. */
      if (!mk_secret_clear_tokens (mk_account_get_uuid (old), NULL, &local_error))
        g_debug ("Cannot clear the old account’s tokens: %s", local_error->message);
      if (!mk_store_clear_sync_state (store, error) ||
          !mk_store_set_meta (store, MK_SYNC_META_SERVER_TYPES, NULL, error) ||
          !mk_store_set_meta (store, MK_SYNC_META_SERVER_HISTORY, NULL, error) ||
          !mk_store_set_meta (store, MK_SYNC_META_LAST_RECONCILE, NULL, error) ||
          !mk_store_set_meta (store, MK_SYNC_META_PATIENTS, NULL, error) ||
          !mk_store_set_meta (store, MK_SYNC_META_REFS_RESOLVED, NULL, error))
        return FALSE;
    }

  if (opt_name != NULL)
    mk_account_set_name (account, opt_name);
  if (ca_file != NULL)
    mk_account_set_ca_file (account, ca_file);

  if (token != NULL && !mk_auth_set_bearer_token (account, token, NULL, error))
    return FALSE;

  if (!mk_account_save (account, store, error))
    return FALSE;

  if (opt_smart)
    {
      if (!mk_auth_smart_sign_in (account, NULL, error) ||
          !mk_account_save (account, store, error))
        return FALSE;
    }

  /* Translators: %s is the server's URL */
  g_printerr (_("Account saved for %s\n"), mk_account_get_server_url (account));
  return TRUE;
}

gboolean
mk_cli_command_account (MkCli   *cli,
                        GError **error)
{
  gboolean ok;

  if (g_strcmp0 (cli->args[0], "add") != 0)
    {
      g_set_error (error, MK_CLI_ERROR, MK_CLI_ERROR_USAGE,
                   /* Translators: %s is what the user typed; keep "add" as is */
                   _("Unknown account command “%s” (try “add”)"), cli->args[0]);
      clear_account_options ();
      return FALSE;
    }

  ok = account_add (cli, error);
  clear_account_options ();
  return ok;
}

/* sync ------------------------------------------------------------------ */

static const char *
phase_text (MkSyncPhase phase)
{
  switch (phase)
    {
    case MK_SYNC_PHASE_CONNECTING:
      return _("Connecting");
    case MK_SYNC_PHASE_PULLING:
      return _("Receiving");
    case MK_SYNC_PHASE_RECONCILING:
      return _("Checking for deletions");
    case MK_SYNC_PHASE_PUSHING:
      return _("Sending");
    case MK_SYNC_PHASE_DONE:
    default:
      return _("Done");
    }
}

/* One line per page or phase on stderr: types and counts, never contents. */
static void
print_progress (MkSyncPhase        phase,
                const char        *resource_type,
                const MkSyncStats *stats,
                gpointer           user_data)
{
  if (resource_type != NULL && phase == MK_SYNC_PHASE_PULLING)
    {
      g_autofree char *pages = g_strdup_printf (ngettext ("%u page", "%u pages", stats->pages),
                                                stats->pages);
      g_autofree char *resources = g_strdup_printf (ngettext ("%u resource", "%u resources",
                                                              stats->fetched),
                                                    stats->fetched);

      /* Translators: progress of a sync: "Receiving Observation (3 pages, 120 resources)";
       * the counts are of the whole sync so far */
      g_printerr (_("%s %s (%s, %s)\n"), phase_text (phase), resource_type, pages, resources);
    }
  else if (resource_type != NULL)
    /* Translators: progress of a sync: "Sending Appointment" */
    g_printerr (C_("sync progress", "%s %s\n"), phase_text (phase), resource_type);
  else
    g_printerr ("%s\n", phase_text (phase));
}

static void
print_summary (const MkSyncStats *stats,
               gboolean           json,
               gboolean           ok)
{
  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      struct { const char *name; guint value; } members[] = {
        { "fetched", stats->fetched },
        { "updated", stats->updated },
        { "deleted", stats->deleted },
        { "pushed", stats->pushed },
        { "conflicts", stats->conflicts },
        { "failed", stats->failed },
        { "pages", stats->pages },
        { "requests", stats->requests },
      };

      json_builder_begin_object (builder);
      for (guint i = 0; i < G_N_ELEMENTS (members); i++)
        {
          json_builder_set_member_name (builder, members[i].name);
          json_builder_add_int_value (builder, members[i].value);
        }
      json_builder_set_member_name (builder, "ok");
      json_builder_add_boolean_value (builder, ok);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      mk_cli_print_json_node (root);
      return;
    }

  mk_cli_print_line (
    /* Translators: the summary of a sync; keep the numbers' order */
    _("fetched %u, updated %u, deleted %u, pushed %u, conflicts %u"),
    stats->fetched, stats->updated, stats->deleted, stats->pushed, stats->conflicts);
  if (stats->failed > 0)
    mk_cli_print_line (ngettext ("%u edit refused by the server",
                                 "%u edits refused by the server", stats->failed),
                       stats->failed);
}

gboolean
mk_cli_command_sync (MkCli   *cli,
                     GError **error)
{
  g_autoptr(MkStore) store = NULL;
  g_autoptr(MkAccount) account = NULL;
  g_autoptr(MkSync) sync = NULL;
  g_autoptr(GError) local_error = NULL;
  MkSyncStats stats = { 0 };
  gboolean ok;

  store = mk_cli_open_store (cli, error);
  if (store == NULL)
    return FALSE;

  account = mk_account_load (store, &local_error);
  if (account == NULL)
    {
      if (g_error_matches (local_error, MK_STORE_ERROR, MK_STORE_ERROR_NOT_FOUND))
        g_set_error_literal (error, MK_CLI_ERROR, MK_CLI_ERROR_FAILED,
                             /* Translators: keep the command as is */
                             _("This card is not connected to a server; "
                               "add one with “medkartactl account add”"));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  sync = mk_sync_new (store, account, NULL);
  mk_sync_set_progress_func (sync, print_progress, NULL, NULL);
  {
    /* A tuning knob (docs/cli.md): the _count of each search page. */
    const char *page_size = g_getenv ("MEDKARTA_SYNC_PAGE_SIZE");
    guint64 n = 0;

    if (page_size != NULL &&
        g_ascii_string_to_unsigned (page_size, 10, 1, 1000, &n, NULL))
      mk_sync_set_page_size (sync, (guint) n);
  }

  ok = mk_sync_run (sync, &stats, NULL, &local_error);
  print_summary (&stats, cli->json, ok);

  if (!ok)
    {
      /* One line, whatever the server or the TLS library said. */
      g_autofree char *line = g_strdup (local_error->message);

      g_strdelimit (line, "\r\n", ' ');
      g_set_error (error, MK_CLI_ERROR, MK_CLI_ERROR_FAILED,
                   /* Translators: %s says why */
                   _("Sync failed: %s"), line);
      return FALSE;
    }

  return TRUE;
}
