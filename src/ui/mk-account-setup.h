/* mk-account-setup.h — connect a clinic server: address, discovery, sign-in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Server address (https only, checked as typed) and an optional CA file →
 * Discover (GET metadata: is it FHIR R4? and .well-known/smart-configuration)
 * → the login method found: SMART ("Sign in with the browser") or a bearer
 * token from an administrator → who I am (pre-filled from the SMART token
 * response) → Save. Tokens go to the Secret Service only.
 *
 * Signals: "account-created" (const char *account_id) after Save made a new
 * account; "signed-in" after signing in again to the account of an existing
 * store (mk_account_setup_new_sign_in()). The dialog then closes itself.
 * "open-uri" (const char *uri) → gboolean: the SMART sign-in page to open
 * in the browser, once the loopback listener waits for the redirect. A
 * handler that opens or shows it some other way returns TRUE; when none
 * does, the dialog calls gtk_show_uri().
 */
#pragma once

#include <adwaita.h>

#include "mk-store.h"

G_BEGIN_DECLS

typedef enum
{
  MK_ACCOUNT_SETUP_UNKNOWN,   /* not discovered yet */
  MK_ACCOUNT_SETUP_SMART,
  MK_ACCOUNT_SETUP_BEARER,
} MkAccountSetupMethod;

#define MK_TYPE_ACCOUNT_SETUP (mk_account_setup_get_type ())
G_DECLARE_FINAL_TYPE (MkAccountSetup, mk_account_setup, MK, ACCOUNT_SETUP, AdwWindow)

GtkWidget  *mk_account_setup_new          (GtkWindow      *parent);
/* Signing in again to the account kept in @store. */
GtkWidget  *mk_account_setup_new_sign_in  (GtkWindow      *parent,
                                           MkStore        *store);

/* For tests (the same as typing). */
void        mk_account_setup_set_url      (MkAccountSetup *self,
                                           const char     *url);
void        mk_account_setup_set_ca_file  (MkAccountSetup *self,
                                           const char     *path);
void        mk_account_setup_set_token    (MkAccountSetup *self,
                                           const char     *token);
void        mk_account_setup_set_account_name (MkAccountSetup *self,
                                           const char     *name);
void        mk_account_setup_set_resource_id (MkAccountSetup *self,
                                           const char     *id);
/* What discovery found; UNKNOWN until it finished. */
MkAccountSetupMethod mk_account_setup_get_method (MkAccountSetup *self);
/* TRUE while discovery or a browser sign-in is under way. */
gboolean    mk_account_setup_get_busy     (MkAccountSetup *self);
/* The inline error shown, or NULL. */
const char *mk_account_setup_get_error    (MkAccountSetup *self);

G_END_DECLS
