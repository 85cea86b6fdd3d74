/* mk-welcome-page.h — the first-run page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define MK_TYPE_WELCOME_PAGE (mk_welcome_page_get_type ())
G_DECLARE_FINAL_TYPE (MkWelcomePage, mk_welcome_page, MK, WELCOME_PAGE, AdwBin)

/* The buttons activate win.open-demo and win.connect-server. */
GtkWidget *mk_welcome_page_new (void);

G_END_DECLS
