/* mk-server-dialog.h — "Connect to a clinic server": creates an account
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define MK_TYPE_SERVER_DIALOG (mk_server_dialog_get_type ())
G_DECLARE_FINAL_TYPE (MkServerDialog, mk_server_dialog, MK, SERVER_DIALOG, AdwWindow)

/* Signal "account-created" (const char *account_id): emitted after Save
 * created the account directory and its store and registered the account
 * in GSettings; the dialog closes itself afterwards. */
GtkWidget  *mk_server_dialog_new          (GtkWindow      *parent);

/* For tests and the window: fill and save without the UI. */
void        mk_server_dialog_set_url      (MkServerDialog *self,
                                           const char     *url);
void        mk_server_dialog_set_account_name (MkServerDialog *self,
                                           const char     *name);
/* @is_doctor: FALSE = patient, TRUE = doctor (practitioner). */
void        mk_server_dialog_set_role     (MkServerDialog *self,
                                           gboolean        is_doctor);
void        mk_server_dialog_set_resource_id (MkServerDialog *self,
                                           const char     *id);
/* TRUE when the form can be saved (URL https://, name and id non-empty). */
gboolean    mk_server_dialog_is_valid     (MkServerDialog *self);
/* Creates the account; returns its id (owned by the caller) or NULL with
 * @error set. */
char       *mk_server_dialog_save         (MkServerDialog *self,
                                           GError        **error);

/* Checks a server base URL; returns NULL when valid, else a translated
 * sentence saying what is wrong. */
char       *mk_server_dialog_check_url    (const char     *url);

/* A new account directory name made from @name, unique among the accounts
 * in @settings (may be NULL) and the directories of the data root. */
char       *mk_server_dialog_make_account_id (const char  *name,
                                           GSettings      *settings);
/* Adds @account_id to the "accounts" and makes it the active one. */
void        mk_server_dialog_register_account (GSettings  *settings,
                                           const char     *account_id);

G_END_DECLS
