/* mk-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define MK_TYPE_APPLICATION (mk_application_get_type ())
G_DECLARE_FINAL_TYPE (MkApplication, mk_application, MK, APPLICATION, AdwApplication)

MkApplication *mk_application_new (void);

G_END_DECLS
