/* mk-prescription-row.h — one e-prescription in the prescriptions list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mk-fhir-types.h"
#include "mk-row.h"

G_BEGIN_DECLS

#define MK_TYPE_PRESCRIPTION_ROW (mk_prescription_row_get_type ())
G_DECLARE_FINAL_TYPE (MkPrescriptionRow, mk_prescription_row, MK, PRESCRIPTION_ROW, MkRow)

/* "store" resolves the prescriber; "clock" gives the now the state is
 * computed for. Both construct-only. */
GtkWidget           *mk_prescription_row_new          (MkStore           *store,
                                                       MkClock           *clock);
/* Shows its MkRow:resource, a MedicationRequest. */

/* For tests: what the row shows. */
MkPrescriptionState  mk_prescription_row_get_state    (MkPrescriptionRow *self);
const char          *mk_prescription_row_get_status   (MkPrescriptionRow *self);
const char          *mk_prescription_row_get_title    (MkPrescriptionRow *self);
const char          *mk_prescription_row_get_validity (MkPrescriptionRow *self);
const char          *mk_prescription_row_get_code     (MkPrescriptionRow *self);

G_END_DECLS
