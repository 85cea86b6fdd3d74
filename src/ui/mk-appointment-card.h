/* mk-appointment-card.h — the visit card: everything about one appointment
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

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
MkResource        *mk_appointment_card_get_appointment (MkAppointmentCard *self);
/* For tests: the value a field shows (NULL when the field is hidden). */
const char        *mk_appointment_card_get_field (MkAppointmentCard      *self,
                                                  MkAppointmentCardField  field);

G_END_DECLS
