/* mk-appointments-page.h — Appointments
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mk-page.h"

G_BEGIN_DECLS

#define MK_TYPE_APPOINTMENTS_PAGE (mk_appointments_page_get_type ())
G_DECLARE_FINAL_TYPE (MkAppointmentsPage, mk_appointments_page, MK, APPOINTMENTS_PAGE, MkPage)

/* @store and @clock set the MkPage properties "store" and "clock". */
GtkWidget *mk_appointments_page_new       (MkStore *store,
                                           MkClock *clock);
/* Re-reads now from the clock and re-splits upcoming and past visits
 * (done each time the page is shown). */
void        mk_appointments_page_refresh   (MkAppointmentsPage *self);
/* Opens the visit card of the Appointment with @id; returns the card
 * (owned by GTK) or NULL when there is no such appointment. */
GtkWindow  *mk_appointments_page_open_card (MkAppointmentsPage *self,
                                            const char         *id);

/* Accessors for tests. Upcoming: booked/pending/arrived/checked-in visits
 * starting at or after now, soonest first. Past: every other appointment,
 * newest first. */
GListModel *mk_appointments_page_get_upcoming_model (MkAppointmentsPage *self);
GListModel *mk_appointments_page_get_past_model     (MkAppointmentsPage *self);
/* Which section the list shows. */
void        mk_appointments_page_show_past (MkAppointmentsPage *self,
                                            gboolean            past);
gboolean    mk_appointments_page_is_empty  (MkAppointmentsPage *self);

G_END_DECLS
