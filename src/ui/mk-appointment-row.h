/* mk-appointment-row.h — one visit in the appointments list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mk-fhir-types.h"
#include "mk-row.h"

G_BEGIN_DECLS

#define MK_TYPE_APPOINTMENT_ROW (mk_appointment_row_get_type ())
G_DECLARE_FINAL_TYPE (MkAppointmentRow, mk_appointment_row, MK, APPOINTMENT_ROW, MkRow)

/* "store" (construct-only) resolves the doctor and the clinic. */
GtkWidget   *mk_appointment_row_new          (MkStore          *store);

/* For tests: what the row shows. */
const char  *mk_appointment_row_get_title    (MkAppointmentRow *self);
const char  *mk_appointment_row_get_subtitle (MkAppointmentRow *self);
const char  *mk_appointment_row_get_status   (MkAppointmentRow *self);

/* Shared with MkAppointmentCard: the start as local date and time, with the
 * clinic's own time and zone added when its offset differs from the local
 * one. Newly allocated; NULL without a start. */
char        *mk_appointment_row_dup_when         (const MkAppointment *appointment);
/* The doctor's name and the specialty, resolving a PractitionerRole. */
void         mk_appointment_row_dup_doctor       (MkStore             *store,
                                              const MkAppointment *appointment,
                                              char               **name,
                                              char               **specialty);
/* The institution (Location's managing Organization or the Organization
 * participant) and the address (the Location's, else the Organization's).
 * @full_name: the official name rather than the short one lists show. */
void         mk_appointment_row_dup_place        (MkStore             *store,
                                              const MkAppointment *appointment,
                                              gboolean             full_name,
                                              char               **institution,
                                              char               **address);

G_END_DECLS
