/* mk-test-util.h — helpers shared by the core, CLI and UI tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>
#include <libsoup/soup.h>

#include "mk-store.h"

G_BEGIN_DECLS

void       mk_test_remove_tree  (const char          *path);
/* Skips the test, saying @reason, unless @reason is NULL; TRUE when it did. */
gboolean   mk_test_skip_if      (const char          *reason);

/* A new store in a new temporary directory (@tmpl as for g_dir_make_tmp());
 * the file is dir/@subdir/medkarta.db, or dir/medkarta.db when @subdir is
 * NULL. Returns the directory in @dir and the file in @path (may be NULL);
 * ::changed increments *@n_changed when not NULL. */
MkStore   *mk_test_open_store   (const char          *tmpl,
                                 const char          *subdir,
                                 char               **dir,
                                 char               **path,
                                 guint               *n_changed);
/* Asserts that @store goes away with its last reference, then removes @dir. */
void       mk_test_close_store  (MkStore             *store,
                                 const char          *dir);

/* A new temporary directory (@tmpl as for g_dir_make_tmp()) in @tmp_dir,
 * and a data directory below it, not created, in @data_dir. */
void       mk_test_make_data_dir (const char         *tmpl,
                                  char              **tmp_dir,
                                  char              **data_dir);
/* Removes *@tmp_dir and everything below it, and frees both names. */
void       mk_test_clear_data_dir (char             **tmp_dir,
                                   char             **data_dir);

/* What one run of medkartactl did. */
typedef struct
{
  int   exit_status;
  char *out;
  char *err;
} MkTestRun;

void       mk_test_run_free     (MkTestRun           *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkTestRun, mk_test_run_free)

/* Runs $MEDKARTACTL with @argv (NULL-terminated, without argv[0]) and waits
 * for it to exit. @input is written to its stdin when not NULL, else stdin
 * is inherited; @env is NULL or NAME, VALUE pairs ending in a NULL NAME, a
 * NULL VALUE unsets NAME. */
MkTestRun *mk_test_run_ctl      (const char          *input,
                                 const char * const  *env,
                                 const char * const  *argv);
/* Fails the test with both outputs when @run did not exit with @expected. */
void       mk_test_assert_exit  (MkTestRun           *run,
                                 int                  expected);

/* Runs @argv in @cwd and waits at most @timeout seconds (then kills it);
 * FALSE with @error when it fails or times out. */
gboolean   mk_test_run_command  (const char * const  *argv,
                                 const char          *cwd,
                                 GSubprocessFlags     flags,
                                 guint                timeout,
                                 GError             **error);
/* Copies @from_dir/@name to @to_dir/@name. */
gboolean   mk_test_copy_file    (const char          *from_dir,
                                 const char          *to_dir,
                                 const char          *name,
                                 GError             **error);
/* The npm packages of tests/@subdir (package.json + package-lock.json) in
 * <build>/tests/@subdir/npm, installed with `npm ci` when the lock file
 * changed, with @script copied beside them. @installed: a path under
 * node_modules that must exist afterwards. Returns that directory. */
char      *mk_test_prepare_npm  (const char          *subdir,
                                 const char          *script,
                                 const char          *installed,
                                 guint                timeout,
                                 GError             **error);
/* A self-signed certificate for 127.0.0.1 made with certtool in @dir;
 * @key_file (may be NULL) and @cert_file get the paths. */
gboolean   mk_test_make_certificate (const char      *dir,
                                     char           **key_file,
                                     char           **cert_file,
                                     GError         **error);

/* Starts `node @argv…` (@argv: the script and its arguments, NULL-terminated)
 * in @npm_dir, its stdout a pipe, with @flags added; on Linux it gets
 * SIGTERM when the test goes, even when it aborts. Waits at most @timeout
 * seconds for its first line, "listening on URL". Returns the process, the
 * URL in @url and, when @out is not NULL, its stdout kept open (the server
 * may print more); FALSE with @error when it did not start. */
GSubprocess *mk_test_start_node_server (const char         *npm_dir,
                                        const char * const *argv,
                                        GSubprocessFlags    flags,
                                        guint               timeout,
                                        GDataInputStream  **out,
                                        char              **url,
                                        GError            **error);
/* Kills *@process, waits for it and clears it (nothing when NULL). */
void       mk_test_stop_process (GSubprocess        **process);

/* A session that trusts the certificates of @ca_file (asserts it loads);
 * @timeout in seconds. */
SoupSession *mk_test_new_session (const char         *ca_file,
                                  guint               timeout);

/* Whether the @len bytes at @data hold @needle (memmem() is a GNU extension). */
gboolean   mk_test_bytes_contain (const char         *data,
                                  gsize               len,
                                  const char         *needle);
/* Whether the file @path can be read and holds @needle. */
gboolean   mk_test_file_contains (const char         *path,
                                  const char         *needle);

/* The schema of Medkarta's tokens in the Secret Service (attributes
 * "account" and "kind"), spelled out here rather than taken from
 * src/core so that a change to it shows in the tests. */
const SecretSchema *mk_test_token_schema (void);
/* How many items of that schema the keyring holds, of every account. */
guint      mk_test_count_tokens (void);

G_END_DECLS
