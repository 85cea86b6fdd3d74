/* mk-account.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "mk-account.h"

struct _MkAccount
{
  GObject        parent_instance;

  char          *uuid;
  char          *server_url;
  MkAccountRole  role;
  char          *subject_id;   /* bare FHIR id, or NULL before a SMART sign-in */
  char          *name;
  char          *ca_file;
  MkAuthMethod   auth_method;
  char          *client_id;
  char          *token_endpoint;
};

G_DEFINE_FINAL_TYPE (MkAccount, mk_account, G_TYPE_OBJECT)
G_DEFINE_QUARK (mk-account-error-quark, mk_account_error)

static void
mk_account_finalize (GObject *object)
{
  MkAccount *self = MK_ACCOUNT (object);

  g_clear_pointer (&self->uuid, g_free);
  g_clear_pointer (&self->server_url, g_free);
  g_clear_pointer (&self->subject_id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->ca_file, g_free);
  g_clear_pointer (&self->client_id, g_free);
  g_clear_pointer (&self->token_endpoint, g_free);

  G_OBJECT_CLASS (mk_account_parent_class)->finalize (object);
}

static void
mk_account_class_init (MkAccountClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mk_account_finalize;
}

static void
mk_account_init (MkAccount *self)
{
  self->auth_method = MK_AUTH_METHOD_BEARER;
}

static gboolean
check_server_url (const char  *url,
                  GError     **error)
{
  g_autoptr(GUri) uri = NULL;

  if (url != NULL)
    uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  if (uri == NULL ||
      g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") != 0 ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error_literal (error, MK_ACCOUNT_ERROR, MK_ACCOUNT_ERROR_INVALID_URL,
                           _("The server address must be a web address that starts with https://"));
      return FALSE;
    }

  if (g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error_literal (error, MK_ACCOUNT_ERROR, MK_ACCOUNT_ERROR_INVALID_URL,
                           _("The server address must not contain a user name or password"));
      return FALSE;
    }

  return TRUE;
}

gboolean
mk_account_is_valid_id (const char *id)
{
  gsize len = 0;

  if (id == NULL)
    return FALSE;

  for (const char *p = id; *p != '\0'; p++, len++)
    {
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
        return FALSE;
    }

  return len >= 1 && len <= 64;
}

MkAccount *
mk_account_new (const char     *server_url,
                MkAccountRole   role,
                const char     *subject_id,
                GError        **error)
{
  MkAccount *self;

  g_return_val_if_fail (role == MK_ACCOUNT_ROLE_PATIENT ||
                        role == MK_ACCOUNT_ROLE_PRACTITIONER, NULL);

  if (!check_server_url (server_url, error))
    return NULL;

  if (subject_id != NULL && !mk_account_is_valid_id (subject_id))
    {
      g_set_error_literal (error, MK_ACCOUNT_ERROR, MK_ACCOUNT_ERROR_INVALID_SUBJECT,
                           _("The ID may hold only Latin letters, digits, “-” and “.”, "
                             "at most 64 of them"));
      return NULL;
    }

  self = g_object_new (MK_TYPE_ACCOUNT, NULL);
  self->uuid = g_uuid_string_random ();
  self->server_url = g_strdup (server_url);
  self->role = role;
  self->subject_id = g_strdup (subject_id);

  return self;
}

/* "Patient/123" (or a bare "123") → "123"; NULL when it is not a FHIR id. */
static char *
id_from_reference (const char *reference,
                   const char *type)
{
  const char *id = reference;
  gsize type_len = strlen (type);

  if (reference == NULL)
    return NULL;

  if (g_str_has_prefix (reference, type) && reference[type_len] == '/')
    id = reference + type_len + 1;

  return mk_account_is_valid_id (id) ? g_strdup (id) : NULL;
}

static gboolean
get_meta (MkStore     *store,
          const char  *key,
          char       **value,
          GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  *value = mk_store_get_meta (store, key, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

MkAccount *
mk_account_load (MkStore  *store,
                 GError  **error)
{
  g_autoptr(MkAccount) self = NULL;
  g_autofree char *server_url = NULL;
  g_autofree char *patient = NULL;
  g_autofree char *practitioner = NULL;
  g_autofree char *auth = NULL;

  g_return_val_if_fail (MK_IS_STORE (store), NULL);

  if (!get_meta (store, MK_ACCOUNT_META_SERVER_URL, &server_url, error))
    return NULL;

  if (server_url == NULL)
    {
      g_set_error_literal (error, MK_STORE_ERROR, MK_STORE_ERROR_NOT_FOUND,
                           _("This medical card is not connected to a clinic server"));
      return NULL;
    }

  if (!check_server_url (server_url, error))
    return NULL;

  self = g_object_new (MK_TYPE_ACCOUNT, NULL);
  self->server_url = g_steal_pointer (&server_url);

  if (!get_meta (store, MK_ACCOUNT_META_UUID, &self->uuid, error) ||
      !get_meta (store, MK_ACCOUNT_META_NAME, &self->name, error) ||
      !get_meta (store, MK_ACCOUNT_META_PATIENT, &patient, error) ||
      !get_meta (store, MK_ACCOUNT_META_PRACTITIONER, &practitioner, error) ||
      !get_meta (store, MK_ACCOUNT_META_CA_FILE, &self->ca_file, error) ||
      !get_meta (store, MK_ACCOUNT_META_AUTH, &auth, error) ||
      !get_meta (store, MK_ACCOUNT_META_CLIENT_ID, &self->client_id, error) ||
      !get_meta (store, MK_ACCOUNT_META_TOKEN_URL, &self->token_endpoint, error))
    return NULL;

  if (practitioner != NULL)
    {
      self->role = MK_ACCOUNT_ROLE_PRACTITIONER;
      self->subject_id = id_from_reference (practitioner, "Practitioner");
    }
  else
    {
      self->role = MK_ACCOUNT_ROLE_PATIENT;
      self->subject_id = id_from_reference (patient, "Patient");
    }

  if (g_strcmp0 (auth, "smart") == 0)
    self->auth_method = MK_AUTH_METHOD_SMART;

  /* Accounts made before there were tokens (the server dialog) get their
   * stable id on first use. */
  if (self->uuid == NULL)
    {
      self->uuid = g_uuid_string_random ();
      if (!mk_store_set_meta (store, MK_ACCOUNT_META_UUID, self->uuid, error))
        return NULL;
    }

  return g_steal_pointer (&self);
}

gboolean
mk_account_save (MkAccount  *self,
                 MkStore    *store,
                 GError    **error)
{
  g_autofree char *reference = NULL;
  gboolean practitioner;

  g_return_val_if_fail (MK_IS_ACCOUNT (self), FALSE);
  g_return_val_if_fail (MK_IS_STORE (store), FALSE);

  practitioner = self->role == MK_ACCOUNT_ROLE_PRACTITIONER;
  reference = mk_account_dup_subject_reference (self);

  if (!mk_store_begin (store, error))
    return FALSE;

  if (!mk_store_set_meta (store, MK_ACCOUNT_META_SERVER_URL, self->server_url, error) ||
      !mk_store_set_meta (store, MK_ACCOUNT_META_UUID, self->uuid, error) ||
      !mk_store_set_meta (store, MK_ACCOUNT_META_NAME, self->name, error) ||
      !mk_store_set_meta (store, MK_ACCOUNT_META_PATIENT, practitioner ? NULL : reference, error) ||
      !mk_store_set_meta (store, MK_ACCOUNT_META_PRACTITIONER, practitioner ? reference : NULL, error) ||
      !mk_store_set_meta (store, MK_ACCOUNT_META_CA_FILE, self->ca_file, error) ||
      !mk_store_set_meta (store, MK_ACCOUNT_META_AUTH,
                          self->auth_method == MK_AUTH_METHOD_SMART ? "smart" : "bearer", error) ||
      !mk_store_set_meta (store, MK_ACCOUNT_META_CLIENT_ID, self->client_id, error) ||
      !mk_store_set_meta (store, MK_ACCOUNT_META_TOKEN_URL, self->token_endpoint, error))
    {
      mk_store_rollback (store);
      return FALSE;
    }

  return mk_store_commit (store, error);
}

const char *
mk_account_get_uuid (MkAccount *self)
{
  g_return_val_if_fail (MK_IS_ACCOUNT (self), NULL);
  return self->uuid;
}

const char *
mk_account_get_server_url (MkAccount *self)
{
  g_return_val_if_fail (MK_IS_ACCOUNT (self), NULL);
  return self->server_url;
}

MkAccountRole
mk_account_get_role (MkAccount *self)
{
  g_return_val_if_fail (MK_IS_ACCOUNT (self), MK_ACCOUNT_ROLE_PATIENT);
  return self->role;
}

const char *
mk_account_get_subject_id (MkAccount *self)
{
  g_return_val_if_fail (MK_IS_ACCOUNT (self), NULL);
  return self->subject_id;
}

void
mk_account_set_subject (MkAccount     *self,
                        MkAccountRole  role,
                        const char    *subject_id)
{
  g_return_if_fail (MK_IS_ACCOUNT (self));
  g_return_if_fail (subject_id == NULL || mk_account_is_valid_id (subject_id));

  self->role = role;
  g_free (self->subject_id);
  self->subject_id = g_strdup (subject_id);
}

char *
mk_account_dup_subject_reference (MkAccount *self)
{
  g_return_val_if_fail (MK_IS_ACCOUNT (self), NULL);

  if (self->subject_id == NULL)
    return NULL;

  return g_strconcat (self->role == MK_ACCOUNT_ROLE_PRACTITIONER ? "Practitioner/" : "Patient/",
                      self->subject_id, NULL);
}

const char *
mk_account_get_name (MkAccount *self)
{
  g_return_val_if_fail (MK_IS_ACCOUNT (self), NULL);
  return self->name;
}

void
mk_account_set_name (MkAccount  *self,
                     const char *name)
{
  g_return_if_fail (MK_IS_ACCOUNT (self));

  g_free (self->name);
  self->name = g_strdup (name);
}

const char *
mk_account_get_ca_file (MkAccount *self)
{
  g_return_val_if_fail (MK_IS_ACCOUNT (self), NULL);
  return self->ca_file;
}

void
mk_account_set_ca_file (MkAccount  *self,
                        const char *path)
{
  g_return_if_fail (MK_IS_ACCOUNT (self));

  g_free (self->ca_file);
  self->ca_file = (path != NULL && *path != '\0') ? g_strdup (path) : NULL;
}

MkAuthMethod
mk_account_get_auth_method (MkAccount *self)
{
  g_return_val_if_fail (MK_IS_ACCOUNT (self), MK_AUTH_METHOD_BEARER);
  return self->auth_method;
}

void
mk_account_set_auth_method (MkAccount    *self,
                            MkAuthMethod  method)
{
  g_return_if_fail (MK_IS_ACCOUNT (self));
  self->auth_method = method;
}

const char *
mk_account_get_client_id (MkAccount *self)
{
  g_return_val_if_fail (MK_IS_ACCOUNT (self), NULL);
  return self->client_id != NULL ? self->client_id : MK_ACCOUNT_DEFAULT_CLIENT_ID;
}

void
mk_account_set_client_id (MkAccount  *self,
                          const char *client_id)
{
  g_return_if_fail (MK_IS_ACCOUNT (self));

  g_free (self->client_id);
  self->client_id = (client_id != NULL && *client_id != '\0') ? g_strdup (client_id) : NULL;
}

const char *
mk_account_get_token_endpoint (MkAccount *self)
{
  g_return_val_if_fail (MK_IS_ACCOUNT (self), NULL);
  return self->token_endpoint;
}

void
mk_account_set_token_endpoint (MkAccount  *self,
                               const char *url)
{
  g_return_if_fail (MK_IS_ACCOUNT (self));

  g_free (self->token_endpoint);
  self->token_endpoint = g_strdup (url);
}
