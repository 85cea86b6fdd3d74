/* mk-edits.h — the edits a person makes to their card: book a visit, cancel one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * No GTK: used by medkartactl and by the UI. Every edit only touches the
 * store (the local row and an outbox entry, in one transaction), so it works
 * offline; the sync engine pushes it on the next sync and the server's
 * answer replaces the local row. Design: docs/sync.md.
 */
#pragma once

#include "mk-clock.h"
#include "mk-store.h"

G_BEGIN_DECLS

#define MK_EDITS_ERROR (mk_edits_error_quark ())

typedef enum
{
  MK_EDITS_ERROR_NOT_FOUND,        /* no such Slot or Appointment in the card */
  MK_EDITS_ERROR_SLOT_NOT_FREE,    /* the slot is busy (or otherwise not bookable) */
  MK_EDITS_ERROR_PAST,             /* the slot or visit has already begun */
  MK_EDITS_ERROR_NOT_CANCELLABLE,  /* the visit is cancelled, took place, or was a no-show */
  MK_EDITS_ERROR_TOO_LATE,         /* past the cancellation cut-off */
  MK_EDITS_ERROR_INVALID,          /* the stored resource lacks what the edit needs */
} MkEditsError;

GQuark mk_edits_error_quark (void);

/* How long before its start a visit can still be cancelled when the server
 * gives no cut-off of its own (DOMAIN.md §3.3). */
#define MK_EDITS_CANCEL_CUTOFF (2 * G_TIME_SPAN_HOUR)

/* The If-None-Exist search of a create carrying client UUID @uuid:
 * "identifier=urn:ietf:rfc:3986|urn:uuid:<uuid>". */
char     *mk_edits_if_none_exist_for_uuid (const char  *uuid);

/* Books the free Slot @slot_id for @patient_ref ("Patient/<id>"): a FHIR R4
 * Appointment (status booked, start/end of the slot, the slot, the patient
 * and the Schedule's actors as participants, @reason as reasonCode text, a
 * client UUID identifier, created = now) queued as MK_OUTBOX_CREATE with
 * If-None-Exist on that identifier, so a retried create never duplicates.
 * The Slot is stored busy as a local row WITHOUT an outbox entry: the server
 * marks it busy itself when the Appointment is created, and the next pull
 * replaces the local row. One transaction. @appointment_id_out: the new
 * Appointment's local id (the UUID). */
gboolean  mk_edits_book_slot              (MkStore     *store,
                                           MkClock     *clock,
                                           const char  *slot_id,
                                           const char  *patient_ref,
                                           const char  *reason,
                                           char       **appointment_id_out,
                                           GError     **error);

/* Whether Appointment @appointment_id can be cancelled now: it exists, is
 * not cancelled, fulfilled, a no-show or entered in error, and starts at
 * least MK_EDITS_CANCEL_CUTOFF after now. FALSE with the reason. */
gboolean  mk_edits_can_cancel_appointment (MkStore     *store,
                                           MkClock     *clock,
                                           const char  *appointment_id,
                                           GError     **error);

/* Cancels Appointment @appointment_id: status cancelled, cancelationReason
 * (patient; @reason as its text, may be NULL), queued as MK_OUTBOX_UPDATE
 * with If-Match on the stored version. Refused as
 * mk_edits_can_cancel_appointment() says. */
gboolean  mk_edits_cancel_appointment     (MkStore     *store,
                                           MkClock     *clock,
                                           const char  *appointment_id,
                                           const char  *reason,
                                           GError     **error);

G_END_DECLS
