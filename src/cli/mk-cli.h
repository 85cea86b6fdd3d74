/* mk-cli.h — shared pieces of medkartactl: the command table and helpers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "mk-store.h"

G_BEGIN_DECLS

/* Exit codes of medkartactl (documented in docs/cli.md). */
#define MK_CLI_EXIT_OK      0
#define MK_CLI_EXIT_FAILURE 1   /* runtime error: I/O, invalid data, not found */
#define MK_CLI_EXIT_USAGE   2   /* bad command line */

#define MK_CLI_ERROR (mk_cli_error_quark ())

typedef enum
{
  MK_CLI_ERROR_USAGE,     /* the command line is wrong: exit 2 and show the usage */
  MK_CLI_ERROR_FAILED,    /* any other failure: exit 1 */
} MkCliError;

GQuark mk_cli_error_quark (void);

/* Which of the shared options a command accepts (--data-dir always). */
typedef enum
{
  MK_CLI_OPTION_NONE  = 0,
  MK_CLI_OPTION_JSON  = 1 << 0,   /* --json */
  MK_CLI_OPTION_LIMIT = 1 << 1,   /* --limit N */
  MK_CLI_OPTION_REASON = 1 << 2,  /* --reason TEXT */
} MkCliOptionFlags;

/* The parsed command line handed to a command. */
typedef struct
{
  char     *data_dir;   /* --data-dir (filename encoding), NULL = the default account */
  gboolean  json;       /* --json */
  int       limit;      /* --limit, MK_CLI_DEFAULT_LIMIT unless given */
  char     *reason;     /* --reason (UTF-8), NULL unless given */
  char    **args;       /* positional arguments after the command name (NULL-terminated) */
} MkCli;

#define MK_CLI_DEFAULT_LIMIT 20

typedef gboolean (*MkCliHandler) (MkCli   *cli,
                                  GError **error);

typedef struct
{
  const char       *name;
  const char       *parameters;  /* marked with N_, translated when shown: the positional arguments in the usage */
  const char       *summary;     /* marked with N_, translated when shown: one line for the command list */
  MkCliOptionFlags  options;
  guint             min_args;
  guint             max_args;
  MkCliHandler      handler;
} MkCliCommand;

/* mk-cli-util.c */
char     *mk_cli_get_data_dir        (MkCli             *cli);
MkStore  *mk_cli_open_store          (MkCli             *cli,
                                      GError           **error);
gboolean  mk_cli_read_input          (const char        *path,
                                      char             **data,
                                      gsize             *length,
                                      GError           **error);
const char **mk_cli_sorted_keys      (GHashTable        *table,
                                      guint             *n_keys);
void      mk_cli_print_line          (const char        *format,
                                      ...) G_GNUC_PRINTF (1, 2);
void      mk_cli_print_counts        (GHashTable        *counts);
void      mk_cli_write_stdout        (const char        *text);
void      mk_cli_print_json_node     (JsonNode          *node);
char     *mk_cli_pretty_json_text    (const char        *json);
void      mk_cli_add_string_or_null  (JsonBuilder       *builder,
                                      const char        *name,
                                      const char        *value);
char     *mk_cli_one_line            (const char        *text);

/* mk-cli-commands.c */
gboolean  mk_cli_command_import      (MkCli             *cli,
                                      GError           **error);
gboolean  mk_cli_command_status      (MkCli             *cli,
                                      GError           **error);
gboolean  mk_cli_command_get         (MkCli             *cli,
                                      GError           **error);
gboolean  mk_cli_command_search      (MkCli             *cli,
                                      GError           **error);
gboolean  mk_cli_command_demo        (MkCli             *cli,
                                      GError           **error);

/* mk-cli-reminders.c */
gboolean      mk_cli_command_reminders (MkCli           *cli,
                                        GError         **error);
GOptionEntry *mk_cli_reminders_entries (void);

/* mk-cli-edits.c */
gboolean  mk_cli_command_book        (MkCli             *cli,
                                      GError           **error);
gboolean  mk_cli_command_cancel      (MkCli             *cli,
                                      GError           **error);
gboolean  mk_cli_command_outbox      (MkCli             *cli,
                                      GError           **error);

/* mk-cli-sync.c */
gboolean      mk_cli_command_account   (MkCli           *cli,
                                        GError         **error);
gboolean      mk_cli_command_sync      (MkCli           *cli,
                                        GError         **error);
GOptionEntry *mk_cli_account_entries   (void);

G_END_DECLS
