/* mk-background.h — running in the background: autostart entry or portal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* TRUE inside a Flatpak sandbox (/.flatpak-info exists). */
gboolean  mk_background_is_sandboxed       (void);

/* $XDG_CONFIG_HOME/autostart/<app id>.desktop */
char     *mk_background_dup_autostart_path (void);

/* Starts Medkarta in the background at log-in (@enable) or stops doing so:
 * under Flatpak by asking the Background portal, elsewhere by writing or
 * removing the XDG autostart entry. */
gboolean  mk_background_set_autostart      (gboolean   enable,
                                            GError   **error);

G_END_DECLS
