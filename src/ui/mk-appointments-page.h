/* mk-appointments-page.h — Appointments
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mk-clock.h"
#include "mk-store.h"

G_BEGIN_DECLS

#define MK_TYPE_APPOINTMENTS_PAGE (mk_appointments_page_get_type ())
G_DECLARE_FINAL_TYPE (MkAppointmentsPage, mk_appointments_page, MK, APPOINTMENTS_PAGE, AdwBin)

/* Properties "store" and "clock" are construct-only. */
GtkWidget *mk_appointments_page_new       (MkStore *store,
                                MkClock *clock);
MkStore   *mk_appointments_page_get_store (MkAppointmentsPage *self);
MkClock   *mk_appointments_page_get_clock (MkAppointmentsPage *self);

G_END_DECLS
