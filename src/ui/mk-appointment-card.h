/* mk-appointment-card.h — the visit card: everything about one appointment
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mk-clock.h"
#include "mk-store.h"

G_BEGIN_DECLS

typedef enum
{
  MK_APPOINTMENT_CARD_DOCTOR,
  MK_APPOINTMENT_CARD_SPECIALTY,
  MK_APPOINTMENT_CARD_INSTITUTION,
  MK_APPOINTMENT_CARD_ADDRESS,
  MK_APPOINTMENT_CARD_WHEN,
  MK_APPOINTMENT_CARD_DURATION,
  MK_APPOINTMENT_CARD_STATUS,
  MK_APPOINTMENT_CARD_TYPE,
  MK_APPOINTMENT_CARD_CODE,
  MK_APPOINTMENT_CARD_INSTRUCTION,
  MK_APPOINTMENT_CARD_CANCELLATION,
} MkAppointmentCardField;

#define MK_TYPE_APPOINTMENT_CARD (mk_appointment_card_get_type ())
G_DECLARE_FINAL_TYPE (MkAppointmentCard, mk_appointment_card, MK, APPOINTMENT_CARD, AdwWindow)

/* A modal window (Escape closes it) showing @appointment (an Appointment
 * resource); @store resolves the doctor, clinic and address. Both
 * construct-only properties: "store", "appointment". */
MkAppointmentCard *mk_appointment_card_new       (MkStore           *store,
                                                  MkResource        *appointment);
/* The same with "clock" (construct-only; NULL: the default clock), the
 * "now" of the cancellation cut-off. */
MkAppointmentCard *mk_appointment_card_new_with_clock (MkStore      *store,
                                                  MkResource        *appointment,
                                                  MkClock           *clock);
MkResource        *mk_appointment_card_get_appointment (MkAppointmentCard *self);
/* Cancels the visit (mk_edits_cancel_appointment(), works offline) and
 * asks the window for a sync; what the dialog of "Cancel Visit…" does. */
gboolean           mk_appointment_card_cancel    (MkAppointmentCard      *self,
                                                  const char             *reason,
                                                  GError                **error);
/* For tests: the Cancel Visit button (insensitive, with the reason as its
 * tooltip, when the visit cannot be cancelled) and whether the card shows
 * the change as not sent yet. */
GtkWidget         *mk_appointment_card_get_cancel_button (MkAppointmentCard *self);
gboolean           mk_appointment_card_get_waiting (MkAppointmentCard   *self);
/* For tests: the value a field shows (NULL when the field is hidden). */
const char        *mk_appointment_card_get_field (MkAppointmentCard      *self,
                                                  MkAppointmentCardField  field);

G_END_DECLS
