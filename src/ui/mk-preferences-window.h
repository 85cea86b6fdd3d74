/* mk-preferences-window.h — notification and background preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define MK_TYPE_PREFERENCES_WINDOW (mk_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (MkPreferencesWindow, mk_preferences_window, MK, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* Every control is bound to the application's GSettings; without an
 * installed schema the controls are insensitive. Each control's widget
 * name is its settings key. */
GtkWidget *mk_preferences_window_new (GtkWindow *parent);

G_END_DECLS
