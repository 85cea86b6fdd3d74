/* mk-record-row.h — one medical record in the records list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mk-row.h"

G_BEGIN_DECLS

#define MK_TYPE_RECORD_ROW (mk_record_row_get_type ())
G_DECLARE_FINAL_TYPE (MkRecordRow, mk_record_row, MK, RECORD_ROW, MkRow)

/* @store resolves references (a visit's diagnoses, doctor, institution);
 * @clock decides whether a vaccination or exam is still valid.
 * Both construct-only, both may be NULL. */
GtkWidget   *mk_record_row_new          (MkStore     *store,
                                         MkClock     *clock);
/* Shows its MkRow:resource: an Encounter, Condition, Observation,
 * DiagnosticReport, Immunization, Procedure, AllergyIntolerance or
 * MedicationRequest. */

/* For tests: the texts the row shows ("" when hidden). */
const char  *mk_record_row_get_title    (MkRecordRow *self);
const char  *mk_record_row_get_subtitle (MkRecordRow *self);
const char  *mk_record_row_get_details  (MkRecordRow *self);
const char  *mk_record_row_get_status   (MkRecordRow *self);

G_END_DECLS
