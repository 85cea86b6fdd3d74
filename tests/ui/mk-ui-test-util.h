/* mk-ui-test-util.h — the fixture shared by the page tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "mk-clock.h"
#include "mk-query.h"
#include "mk-store.h"
#include "mk-test-util.h"

G_BEGIN_DECLS

void       mk_ui_test_init            (int         *argc,
                                       char      ***argv,
                                       const char  *tmp_template);
int        mk_ui_test_run             (void);

MkStore   *mk_ui_test_open_demo_store (void);
MkClock   *mk_ui_test_clock           (void);

void       mk_ui_test_spin            (void);
GtkWindow *mk_ui_test_show_in_window  (GtkWidget   *page);

guint      mk_ui_test_count_query     (MkStore     *store,
                                       MkQuery     *query);
gboolean   mk_ui_test_model_has_id    (GListModel  *model,
                                       const char  *id);

G_END_DECLS
