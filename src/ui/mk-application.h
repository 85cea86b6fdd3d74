/* mk-application.h — the Medkarta application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mk-clock.h"
#include "mk-notifier.h"
#include "mk-store.h"

G_BEGIN_DECLS

#define MK_TYPE_APPLICATION (mk_application_get_type ())
G_DECLARE_FINAL_TYPE (MkApplication, mk_application, MK, APPLICATION, AdwApplication)

/* The account directory name of the demo card. */
#define MK_DEMO_ACCOUNT "demo"

MkApplication *mk_application_new                (void);

/* The application settings (schema io.github.medkarta.Medkarta), or NULL
 * when the schema is not installed. Owned by @self. */
GSettings     *mk_application_get_settings       (MkApplication *self);
/* A new GSettings for the application schema, or NULL when it is not
 * installed (all GSettings of one schema share the backend). */
GSettings     *mk_application_create_settings    (void);
MkClock       *mk_application_get_clock          (MkApplication *self);
/* Turns the open card's reminders into desktop notifications; created at
 * start-up, follows the main window's store. */
MkNotifier    *mk_application_get_notifier       (MkApplication *self);

/* g_get_user_data_dir()/medkarta: the parent of every account directory. */
char          *mk_application_dup_data_root      (void);

/* Opens (creating) the demo card in DATA_ROOT/demo/ and makes sure it is
 * anchored on the day @clock says is today. */
MkStore       *mk_application_open_demo_store    (MkClock       *clock,
                                                  GError       **error);
/* Opens DATA_ROOT/<account>/medkarta.db. */
MkStore       *mk_application_open_account_store (const char    *account,
                                                  GError       **error);

G_END_DECLS
