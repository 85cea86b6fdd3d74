/* mk-account.h — who I am at which clinic server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An account = a server base URL + a Patient or Practitioner id + how to
 * sign in, kept in the account's own store (meta keys below). Credentials
 * are never here: they live in the Secret Service (mk-secret.h).
 */
#pragma once

#include "mk-store.h"

G_BEGIN_DECLS

typedef enum
{
  MK_ACCOUNT_ROLE_PATIENT,
  MK_ACCOUNT_ROLE_PRACTITIONER,
} MkAccountRole;

typedef enum
{
  MK_AUTH_METHOD_BEARER,   /* a token given by an administrator */
  MK_AUTH_METHOD_SMART,    /* SMART on FHIR standalone launch (code + PKCE) */
} MkAuthMethod;

/* Store meta keys (the UI's server dialog writes the first four). */
#define MK_ACCOUNT_META_SERVER_URL   "server-url"
#define MK_ACCOUNT_META_NAME         "account-name"
#define MK_ACCOUNT_META_PATIENT      "patient"        /* "Patient/<id>" */
#define MK_ACCOUNT_META_PRACTITIONER "practitioner"   /* "Practitioner/<id>" */
#define MK_ACCOUNT_META_UUID         "account-uuid"   /* stable id for the Secret Service */
#define MK_ACCOUNT_META_CA_FILE      "ca-file"        /* extra trusted CA (PEM), optional */
#define MK_ACCOUNT_META_AUTH         "auth-method"    /* "bearer" | "smart" */
#define MK_ACCOUNT_META_LAST_SYNC    "last-sync"      /* ISO 8601 UTC of the last successful sync */
#define MK_ACCOUNT_META_SYNC_ERROR   "sync-error"     /* the last failure's sentence, or unset */
#define MK_ACCOUNT_META_CLIENT_ID    "smart-client-id"      /* SMART: our client_id at this server */
#define MK_ACCOUNT_META_TOKEN_URL    "smart-token-endpoint" /* SMART: where refresh tokens go */

#define MK_ACCOUNT_ERROR (mk_account_error_quark ())
typedef enum
{
  MK_ACCOUNT_ERROR_INVALID_URL,      /* not an https:// URL, or one with a user name */
  MK_ACCOUNT_ERROR_INVALID_SUBJECT,  /* not a FHIR id */
} MkAccountError;

GQuark         mk_account_error_quark      (void);

#define MK_TYPE_ACCOUNT (mk_account_get_type ())
G_DECLARE_FINAL_TYPE (MkAccount, mk_account, MK, ACCOUNT, GObject)

/* A new account (not yet saved); @server_url must be https:// (no user
 * name or password in it). @subject_id is the bare FHIR id ("123"), or NULL
 * when a SMART sign-in will tell who the user is. */
MkAccount     *mk_account_new              (const char    *server_url,
                                            MkAccountRole  role,
                                            const char    *subject_id,
                                            GError       **error);
/* Reads the account kept in @store's meta; MK_STORE_ERROR_NOT_FOUND when
 * the store is not an account (e.g. the demo). */
MkAccount     *mk_account_load             (MkStore       *store,
                                            GError       **error);
gboolean       mk_account_save             (MkAccount     *self,
                                            MkStore       *store,
                                            GError       **error);

const char    *mk_account_get_uuid         (MkAccount     *self);
const char    *mk_account_get_server_url   (MkAccount     *self);
MkAccountRole  mk_account_get_role         (MkAccount     *self);
const char    *mk_account_get_subject_id   (MkAccount     *self);
/* TRUE for a FHIR id: [A-Za-z0-9\-.]{1,64} */
gboolean       mk_account_is_valid_id      (const char    *id);
/* @subject_id: a bare FHIR id (mk_account_is_valid_id()), or NULL. */
void           mk_account_set_subject      (MkAccount     *self,
                                            MkAccountRole  role,
                                            const char    *subject_id);
/* "Patient/<id>" or "Practitioner/<id>" */
char          *mk_account_dup_subject_reference (MkAccount *self);
const char    *mk_account_get_name         (MkAccount     *self);
void           mk_account_set_name         (MkAccount     *self,
                                            const char    *name);
const char    *mk_account_get_ca_file      (MkAccount     *self);
void           mk_account_set_ca_file      (MkAccount     *self,
                                            const char    *path);
MkAuthMethod   mk_account_get_auth_method  (MkAccount     *self);
void           mk_account_set_auth_method  (MkAccount     *self,
                                            MkAuthMethod   method);
/* SMART: the client_id registered at the server (default
 * MK_ACCOUNT_DEFAULT_CLIENT_ID) and the token endpoint found at sign-in. */
#define MK_ACCOUNT_DEFAULT_CLIENT_ID "io.github.medkarta.Medkarta"
const char    *mk_account_get_client_id    (MkAccount     *self);
void           mk_account_set_client_id    (MkAccount     *self,
                                            const char    *client_id);
const char    *mk_account_get_token_endpoint (MkAccount   *self);
void           mk_account_set_token_endpoint (MkAccount   *self,
                                            const char    *url);

G_END_DECLS
