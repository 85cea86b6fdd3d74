/* mk-prescriptions-page.h — Prescriptions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mk-clock.h"
#include "mk-store.h"

G_BEGIN_DECLS

#define MK_TYPE_PRESCRIPTIONS_PAGE (mk_prescriptions_page_get_type ())
G_DECLARE_FINAL_TYPE (MkPrescriptionsPage, mk_prescriptions_page, MK, PRESCRIPTIONS_PAGE, AdwBin)

/* Properties "store" and "clock" are construct-only. */
GtkWidget *mk_prescriptions_page_new       (MkStore *store,
                                 MkClock *clock);
MkStore   *mk_prescriptions_page_get_store (MkPrescriptionsPage *self);
MkClock   *mk_prescriptions_page_get_clock (MkPrescriptionsPage *self);

G_END_DECLS
