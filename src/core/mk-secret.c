/* mk-secret.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "mk-secret.h"

G_DEFINE_QUARK (mk-secret-error-quark, mk_secret_error)

static const SecretSchema *
token_schema (void)
{
  static const SecretSchema schema = {
    "io.github.medkarta.Medkarta.Token", SECRET_SCHEMA_NONE,
    {
      { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

static const char *
kind_to_string (MkTokenKind kind)
{
  return kind == MK_TOKEN_REFRESH ? "refresh" : "access";
}

/* libsecret's and D-Bus's errors → ours. Cancellation stays as it is. */
static void
propagate_secret_error (GError  **error,
                        GError   *secret_error)
{
  g_autoptr(GError) owned = secret_error;
  gboolean unavailable;

  if (g_error_matches (owned, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&owned));
      return;
    }

  unavailable = owned->domain == G_DBUS_ERROR ||
                owned->domain == G_IO_ERROR ||
                g_error_matches (owned, SECRET_ERROR, SECRET_ERROR_IS_LOCKED) ||
                g_error_matches (owned, SECRET_ERROR, SECRET_ERROR_NO_SUCH_OBJECT);

  if (unavailable)
    g_set_error (error, MK_SECRET_ERROR, MK_SECRET_ERROR_UNAVAILABLE,
                 /* Translators: %s is a technical detail from the system */
                 _("The system keyring cannot be used: it is missing or locked. "
                   "Unlock it or sign in to your desktop session, then try again (%s)"),
                 owned->message);
  else
    g_set_error (error, MK_SECRET_ERROR, MK_SECRET_ERROR_FAILED,
                 /* Translators: %s is a technical detail from the system */
                 _("The system keyring failed: %s"), owned->message);
}

static char *
dup_host (const char *url)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;

  return uri != NULL && g_uri_get_host (uri) != NULL ? g_strdup (g_uri_get_host (uri)) : NULL;
}

gboolean
mk_secret_store_token (const char    *account_uuid,
                       MkTokenKind    kind,
                       const char    *token,
                       GCancellable  *cancellable,
                       GError       **error)
{
  return mk_secret_store_token_for_server (account_uuid, NULL, kind, token, cancellable, error);
}

gboolean
mk_secret_store_token_for_server (const char    *account_uuid,
                                  const char    *server_url,
                                  MkTokenKind    kind,
                                  const char    *token,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  g_autofree char *host = dup_host (server_url);
  g_autofree char *label = NULL;
  GError *secret_error = NULL;

  g_return_val_if_fail (account_uuid != NULL && *account_uuid != '\0', FALSE);
  g_return_val_if_fail (token != NULL && *token != '\0', FALSE);

  if (host != NULL)
    /* Translators: the keyring item's name, as seen in Passwords and Keys;
     * %s is the clinic server's host name */
    label = g_strdup_printf (_("Medkarta token for %s"), host);
  else
    label = g_strdup (_("Medkarta token"));

  if (!secret_password_store_sync (token_schema (), SECRET_COLLECTION_DEFAULT, label, token,
                                   cancellable, &secret_error,
                                   "account", account_uuid,
                                   "kind", kind_to_string (kind),
                                   NULL))
    {
      propagate_secret_error (error, secret_error);
      return FALSE;
    }

  return TRUE;
}

char *
mk_secret_lookup_token (const char    *account_uuid,
                        MkTokenKind    kind,
                        GCancellable  *cancellable,
                        GError       **error)
{
  GError *secret_error = NULL;
  char *secret;
  char *copy;

  g_return_val_if_fail (account_uuid != NULL && *account_uuid != '\0', NULL);

  secret = secret_password_lookup_nonpageable_sync (token_schema (), cancellable, &secret_error,
                                                    "account", account_uuid,
                                                    "kind", kind_to_string (kind),
                                                    NULL);
  if (secret_error != NULL)
    {
      propagate_secret_error (error, secret_error);
      return NULL;
    }

  if (secret == NULL)
    return NULL;

  copy = g_strdup (secret);
  secret_password_free (secret);
  return copy;
}

gboolean
mk_secret_clear_token (const char    *account_uuid,
                       MkTokenKind    kind,
                       GCancellable  *cancellable,
                       GError       **error)
{
  GError *secret_error = NULL;

  g_return_val_if_fail (account_uuid != NULL && *account_uuid != '\0', FALSE);

  /* FALSE without an error: there was nothing to remove. */
  if (!secret_password_clear_sync (token_schema (), cancellable, &secret_error,
                                   "account", account_uuid,
                                   "kind", kind_to_string (kind),
                                   NULL) &&
      secret_error != NULL)
    {
      propagate_secret_error (error, secret_error);
      return FALSE;
    }

  return TRUE;
}

gboolean
mk_secret_clear_tokens (const char    *account_uuid,
                        GCancellable  *cancellable,
                        GError       **error)
{
  GError *secret_error = NULL;

  g_return_val_if_fail (account_uuid != NULL && *account_uuid != '\0', FALSE);

  if (!secret_password_clear_sync (token_schema (), cancellable, &secret_error,
                                   "account", account_uuid,
                                   NULL) &&
      secret_error != NULL)
    {
      propagate_secret_error (error, secret_error);
      return FALSE;
    }

  return TRUE;
}

void
mk_secret_free_token (char *token)
{
  /* Called through a volatile pointer, so the compiler cannot drop the
   * wipe of memory that is freed right after. */
  static void *(* volatile wipe) (void *, int, size_t) = memset;

  if (token == NULL)
    return;

  wipe (token, 0, strlen (token));
  g_free (token);
}
