/* mk-booking-dialog.h — book a visit from a free slot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Lists the card's free Slots from now on (date and time, doctor and
 * specialty from the Schedule's actors), takes an optional reason and
 * books the chosen one with mk_edits_book_slot(): the visit is in the card
 * at once, waiting to be sent, and goes out on the next sync (it works
 * offline). Signal "booked" (const char *appointment_id) after a booking;
 * the dialog then closes itself. Action booking.book.
 */
#pragma once

#include <adwaita.h>

#include "mk-clock.h"
#include "mk-store.h"

G_BEGIN_DECLS

#define MK_TYPE_BOOKING_DIALOG (mk_booking_dialog_get_type ())
G_DECLARE_FINAL_TYPE (MkBookingDialog, mk_booking_dialog, MK, BOOKING_DIALOG, AdwWindow)

/* @patient_ref: "Patient/<id>", who the visit is for. */
GtkWidget  *mk_booking_dialog_new         (GtkWindow       *parent,
                                           MkStore         *store,
                                           MkClock         *clock,
                                           const char      *patient_ref);

/* The free slots listed (MkResource items). */
GListModel *mk_booking_dialog_get_slots   (MkBookingDialog *self);
/* Selects the slot with @slot_id; FALSE when it is not listed. */
gboolean    mk_booking_dialog_select_slot (MkBookingDialog *self,
                                           const char      *slot_id);
void        mk_booking_dialog_set_reason  (MkBookingDialog *self,
                                           const char      *reason);
/* "Doctor · Specialty" for a Slot, from its Schedule's actors (NULL when
 * the card does not know them). */
char       *mk_booking_dialog_dup_slot_doctor (MkStore     *store,
                                           MkResource      *slot);

G_END_DECLS
