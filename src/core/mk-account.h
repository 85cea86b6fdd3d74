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

#define MK_TYPE_ACCOUNT (mk_account_get_type ())
G_DECLARE_FINAL_TYPE (MkAccount, mk_account, MK, ACCOUNT, GObject)

/* A new account (not yet saved); @server_url must be https:// */
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

G_END_DECLS
