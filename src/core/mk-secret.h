/* mk-secret.h — tokens in the Secret Service (libsecret), nowhere else
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Items are stored with the schema "io.github.medkarta.Medkarta.Token" and
 * the attributes account (the account's UUID) and kind. Never logged, never
 * written to SQLite, GSettings or a command line.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  MK_TOKEN_ACCESS,
  MK_TOKEN_REFRESH,
} MkTokenKind;

#define MK_SECRET_ERROR (mk_secret_error_quark ())
typedef enum
{
  MK_SECRET_ERROR_UNAVAILABLE,   /* no Secret Service on the session bus, or it is locked */
  MK_SECRET_ERROR_FAILED,
} MkSecretError;

GQuark    mk_secret_error_quark (void);

gboolean  mk_secret_store_token  (const char    *account_uuid,
                                  MkTokenKind    kind,
                                  const char    *token,
                                  GCancellable  *cancellable,
                                  GError       **error);
/* NULL without error when there is no such token. Free with
 * mk_secret_free_token() (wipes the memory). */
char     *mk_secret_lookup_token (const char    *account_uuid,
                                  MkTokenKind    kind,
                                  GCancellable  *cancellable,
                                  GError       **error);
/* The same, with the item labelled "Medkarta token for <host of @server_url>"
 * (no personal data in labels: they are visible without unlocking). */
gboolean  mk_secret_store_token_for_server (const char  *account_uuid,
                                  const char    *server_url,
                                  MkTokenKind    kind,
                                  const char    *token,
                                  GCancellable  *cancellable,
                                  GError       **error);
/* Removes one token (no error when there is none). */
gboolean  mk_secret_clear_token  (const char    *account_uuid,
                                  MkTokenKind    kind,
                                  GCancellable  *cancellable,
                                  GError       **error);
/* Removes every token of the account (no error when there is none). */
gboolean  mk_secret_clear_tokens (const char    *account_uuid,
                                  GCancellable  *cancellable,
                                  GError       **error);
typedef char MkSecretToken;   /* for g_autoptr(MkSecretToken) */
void      mk_secret_free_token   (char          *token);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkSecretToken, mk_secret_free_token)

G_END_DECLS
