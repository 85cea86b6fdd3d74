/* mk-records-page.h — Medical records
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mk-clock.h"
#include "mk-store.h"

G_BEGIN_DECLS

#define MK_TYPE_RECORDS_PAGE (mk_records_page_get_type ())
G_DECLARE_FINAL_TYPE (MkRecordsPage, mk_records_page, MK, RECORDS_PAGE, AdwBin)

/* Properties "store" and "clock" are construct-only. */
GtkWidget *mk_records_page_new       (MkStore *store,
                           MkClock *clock);
MkStore   *mk_records_page_get_store (MkRecordsPage *self);
MkClock   *mk_records_page_get_clock (MkRecordsPage *self);
/* Moves the keyboard focus to the search entry (Ctrl+F). */
void       mk_records_page_focus_search (MkRecordsPage *self);

G_END_DECLS
