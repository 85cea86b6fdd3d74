/* mk-fhir-types.h — typed, read-only views of FHIR R4 resources
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Plain structs built from a resource's JSON on demand (the JSON in the
 * store stays the lossless truth). Every string field is newly allocated
 * and NULL when absent; dates are kept as the FHIR strings ("2024-05-17",
 * "2024-05-17T10:30:00+03:00") — parse with mk_fhir_parse_date_time() and
 * show with mk-format.h. Codes are FHIR codes ("booked", "active"), not
 * labels; the *_to_label() functions give translated labels.
 *
 * Every mk_<thing>_read() takes the resource object, returns a new struct,
 * or NULL with MK_FHIR_ERROR_WRONG_TYPE (other resourceType) or
 * MK_FHIR_ERROR_INVALID (a member of the wrong JSON type). Missing optional
 * members are fine. A resource without resourceType is accepted.
 */
#pragma once

#include "mk-fhir.h"

G_BEGIN_DECLS

/* ======================= Profile (mk-fhir-profile.c) ===================== */

typedef struct
{
  char            *id;
  char            *family;
  char            *given;
  char            *patronymic;          /* name.given[1] */
  char            *full_name;           /* "Фамилия Имя Отчество" */
  char            *birth_date;          /* "YYYY-MM-DD" */
  char            *gender;              /* "male", "female", "other", "unknown" */
  /* identifiers, digits only as stored (docs/fhir-mapping.md) */
  char            *snils;               /* 11 digits */
  char            *oms;                 /* 16 digits */
  char            *passport_series;     /* 4 digits (first 4 of the stored 10) */
  char            *passport_number;     /* 6 digits */
  char            *inn;                 /* 12 digits */
  char            *phone;               /* telecom system "phone", as stored */
  char            *email;               /* telecom system "email" */
  /* address.use "home" = registration (адрес регистрации),
   * address.use "temp" = actual (фактический адрес); without a use the
   * first address is the registration one. */
  char            *registration_address;
  char            *actual_address;
  MkFhirReference  general_practitioner; /* attached polyclinic (Organization) */
} MkPatient;

MkPatient *mk_patient_read (JsonObject *resource, GError **error);
void       mk_patient_free (MkPatient  *patient);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkPatient, mk_patient_free)

typedef struct
{
  char *id;
  char *name;
  char *alias;           /* first alias (short name), if any */
  char *type;            /* type[0] display: "поликлиника", … */
  char *address;         /* address[0] as one line */
  char *phone;
  char *email;
  char *inn;             /* 10 digits (organization ИНН) */
  char *ogrn;            /* 13 digits */
} MkOrganization;

MkOrganization *mk_organization_read (JsonObject     *resource, GError **error);
void            mk_organization_free (MkOrganization *organization);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkOrganization, mk_organization_free)

typedef struct
{
  char *id;
  char *family;
  char *given;
  char *patronymic;
  char *full_name;
  char *gender;
  char *phone;
  char *email;
  char *inn;
  char *snils;
  char *qualification;   /* qualification[0].code display */
} MkPractitioner;

MkPractitioner *mk_practitioner_read (JsonObject     *resource, GError **error);
void            mk_practitioner_free (MkPractitioner *practitioner);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkPractitioner, mk_practitioner_free)

typedef struct
{
  char            *id;
  gboolean         active;         /* TRUE when absent */
  MkFhirReference  practitioner;
  MkFhirReference  organization;
  char            *role;           /* code[0] display */
  char            *specialty;      /* specialty[0] display */
  char            *phone;
} MkPractitionerRole;

MkPractitionerRole *mk_practitioner_role_read (JsonObject         *resource, GError **error);
void                mk_practitioner_role_free (MkPractitionerRole *role);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkPractitionerRole, mk_practitioner_role_free)

/* ====================== Records (mk-fhir-records.c) ====================== */

typedef struct
{
  char            *id;
  char            *status;             /* planned, in-progress, finished, cancelled, … */
  char            *class_code;         /* class.code: AMB, IMP, EMER, VR, HH */
  char            *class_display;      /* class.display (or code) */
  char            *type;               /* type[0] display */
  char            *start;              /* period.start */
  char            *end;                /* period.end */
  MkFhirReference  service_provider;   /* institution */
  MkFhirReference  practitioner;       /* first participant.individual */
  char            *reason;             /* reasonCode displays joined with "; " */
  GPtrArray       *diagnoses;          /* MkFhirReference*: diagnosis[].condition (never NULL) */
} MkEncounter;

MkEncounter *mk_encounter_read (JsonObject  *resource, GError **error);
void         mk_encounter_free (MkEncounter *encounter);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkEncounter, mk_encounter_free)

typedef struct
{
  char            *id;
  char            *icd10;              /* code.coding with system icd-10, else first code */
  char            *display;            /* code display */
  char            *clinical_status;    /* active, recurrence, relapse, inactive, remission, resolved */
  char            *verification_status;/* confirmed, provisional, … */
  char            *category;           /* category[0] display */
  char            *onset;              /* onsetDateTime or onsetPeriod.start */
  char            *recorded_date;
  MkFhirReference  encounter;
  MkFhirReference  asserter;
  MkFhirReference  recorder;
  char            *note;
} MkCondition;

MkCondition *mk_condition_read (JsonObject  *resource, GError **error);
void         mk_condition_free (MkCondition *condition);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkCondition, mk_condition_free)

typedef enum
{
  MK_OBSERVATION_FLAG_NONE,          /* nothing to compare against */
  MK_OBSERVATION_FLAG_NORMAL,
  MK_OBSERVATION_FLAG_LOW,
  MK_OBSERVATION_FLAG_HIGH,
  MK_OBSERVATION_FLAG_CRITICAL_LOW,
  MK_OBSERVATION_FLAG_CRITICAL_HIGH,
  MK_OBSERVATION_FLAG_ABNORMAL,
} MkObservationFlag;

typedef struct
{
  char            *id;
  char            *status;             /* registered, preliminary, final, amended, … */
  char            *category;           /* category[0] code: laboratory, vital-signs, … */
  char            *code;               /* LOINC code (or first code) */
  char            *code_display;       /* test name */
  char            *effective;          /* effectiveDateTime / effectivePeriod.start / effectiveInstant */
  char            *issued;
  /* value */
  gboolean         has_value;          /* valueQuantity.value or valueInteger present */
  double           value;
  char            *comparator;         /* valueQuantity.comparator: "<", "<=", ">=", ">" */
  char            *unit;               /* valueQuantity.unit (or code) */
  char            *value_text;         /* textual value, locale-independent: "5.4 mmol/L",
                                          valueString, valueCodeableConcept display,
                                          valueBoolean "true"/"false" */
  /* referenceRange[0] */
  gboolean         has_low;
  double           low;
  gboolean         has_high;
  double           high;
  char            *range_unit;         /* low.unit or high.unit */
  char            *range_text;         /* referenceRange[0].text */
  /* interpretation[0] */
  char            *interpretation;     /* v3 ObservationInterpretation code: L, H, LL, HH, N, A, … */
  char            *interpretation_display;
  MkFhirReference  performer;          /* performer[0] */
  MkFhirReference  encounter;
  char            *note;
} MkObservation;

MkObservation     *mk_observation_read     (JsonObject          *resource, GError **error);
void               mk_observation_free     (MkObservation       *observation);
/* From the interpretation code when there is one (L/H/LL/HH/N/A and the
 * other v3 codes: "<"/">" → LOW/HIGH, LU/HU → CRITICAL_*, AA → ABNORMAL);
 * otherwise computed from the numeric value against the reference range
 * (below low → LOW, above high → HIGH, within → NORMAL; inclusive bounds);
 * NONE when there is neither. */
MkObservationFlag  mk_observation_get_flag (const MkObservation *observation);
/* Translated: "Normal", "Low", "High", "Critically low", "Critically high",
 * "Abnormal"; "" for NONE. */
const char        *mk_observation_flag_to_label (MkObservationFlag flag);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkObservation, mk_observation_free)

typedef struct
{
  char            *id;
  char            *status;
  char            *category;           /* category[0] display */
  char            *code;               /* code (LOINC or first) */
  char            *code_display;
  char            *effective;          /* effectiveDateTime / effectivePeriod.start */
  char            *issued;
  char            *conclusion;
  MkFhirReference  performer;          /* performer[0] */
  MkFhirReference  encounter;
  GPtrArray       *results;            /* MkFhirReference*: result[] → Observation (never NULL) */
  guint            n_presented_forms;  /* presentedForm[] attachments (PDF) */
} MkDiagnosticReport;

MkDiagnosticReport *mk_diagnostic_report_read (JsonObject         *resource, GError **error);
void                mk_diagnostic_report_free (MkDiagnosticReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkDiagnosticReport, mk_diagnostic_report_free)

typedef struct
{
  char            *id;
  char            *status;             /* completed, entered-in-error, not-done */
  char            *vaccine_code;
  char            *vaccine;            /* vaccineCode display */
  char            *occurrence;         /* occurrenceDateTime (or occurrenceString) */
  char            *dose_number;        /* protocolApplied[0].doseNumberPositiveInt / …String, as text */
  char            *series_doses;       /* protocolApplied[0].seriesDoses*, as text */
  char            *target_disease;     /* protocolApplied[0].targetDisease[0] display */
  char            *lot_number;
  char            *manufacturer;       /* manufacturer display */
  MkFhirReference  performer;          /* performer[0].actor */
  MkFhirReference  location;
  char            *valid_until;        /* valid-until extension (valueDate) */
  char            *note;
} MkImmunization;

MkImmunization *mk_immunization_read (JsonObject     *resource, GError **error);
void            mk_immunization_free (MkImmunization *immunization);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkImmunization, mk_immunization_free)

typedef struct
{
  char            *id;
  char            *status;             /* completed, in-progress, … */
  char            *code;
  char            *code_display;
  char            *category;           /* category display */
  gboolean         is_medbook_exam;    /* category has record-kind#medbook-exam */
  char            *performed;          /* performedDateTime or performedPeriod.start */
  char            *performed_end;      /* performedPeriod.end */
  MkFhirReference  performer;          /* performer[0].actor */
  MkFhirReference  location;
  MkFhirReference  encounter;
  char            *outcome;            /* outcome display (conclusion, e.g. «Годен») */
  char            *note;               /* notes joined */
  char            *valid_until;        /* valid-until extension (valueDate) */
} MkProcedure;

MkProcedure *mk_procedure_read (JsonObject  *resource, GError **error);
void         mk_procedure_free (MkProcedure *procedure);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkProcedure, mk_procedure_free)

typedef struct
{
  char            *id;
  char            *clinical_status;    /* active, inactive, resolved */
  char            *verification_status;
  char            *type;               /* allergy, intolerance */
  char            *category;           /* category[0]: food, medication, environment, biologic */
  char            *criticality;        /* low, high, unable-to-assess */
  char            *substance;          /* code display */
  char            *manifestation;      /* reaction[].manifestation[] displays joined with ", " */
  char            *severity;           /* reaction[0].severity: mild, moderate, severe */
  char            *onset;
  char            *recorded_date;
  MkFhirReference  recorder;
  char            *note;
} MkAllergyIntolerance;

MkAllergyIntolerance *mk_allergy_intolerance_read (JsonObject           *resource, GError **error);
void                  mk_allergy_intolerance_free (MkAllergyIntolerance *allergy);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkAllergyIntolerance, mk_allergy_intolerance_free)

/* ====================== Appointments (mk-fhir-visits.c) ================== */

typedef struct
{
  char            *id;
  char            *status;             /* proposed, pending, booked, arrived, fulfilled,
                                          cancelled, noshow, entered-in-error, checked-in, waitlist */
  char            *start;              /* instant */
  char            *end;
  gint64           minutes_duration;   /* -1 when absent */
  char            *service_type;       /* serviceType[0] display */
  char            *specialty;          /* specialty[0] display */
  char            *appointment_type;   /* appointmentType code (first coding) */
  /* Telemedicine when appointmentType has the code "VR" (v3 ActCode
   * "virtual", the same code Encounter.class uses); in person otherwise. */
  gboolean         is_telemedicine;
  MkFhirReference  practitioner;       /* participant actor Practitioner/ or PractitionerRole/ */
  MkFhirReference  location;           /* participant actor Location/ */
  MkFhirReference  organization;       /* participant actor Organization/ or HealthcareService/ */
  MkFhirReference  slot;               /* slot[0] */
  char            *description;
  char            *comment;
  char            *patient_instruction;/* what to bring */
  char            *booking_code;       /* identifier with the booking-code system */
  char            *cancelation_reason; /* cancelationReason display */
  char            *created;
} MkAppointment;

MkAppointment *mk_appointment_read      (JsonObject          *resource, GError **error);
void           mk_appointment_free      (MkAppointment       *appointment);
/* Parsed start/end (NULL when absent or unparsable). */
GDateTime     *mk_appointment_dup_start (const MkAppointment *appointment);
GDateTime     *mk_appointment_dup_end   (const MkAppointment *appointment);
/* Translated label for an Appointment.status code: "Booked", "Fulfilled",
 * "Cancelled", "No-show", "Proposed", "Pending", "Arrived", "Checked in",
 * "Waitlisted", "Entered in error"; the code itself when unknown. */
const char    *mk_appointment_status_to_label (const char *status);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkAppointment, mk_appointment_free)

typedef struct
{
  char            *id;
  char            *status;             /* free, busy, busy-unavailable, busy-tentative, entered-in-error */
  char            *start;
  char            *end;
  MkFhirReference  schedule;
  char            *service_type;       /* serviceType[0] display */
  char            *specialty;          /* specialty[0] display */
  char            *appointment_type;   /* appointmentType code */
  gboolean         overbooked;
  char            *comment;
} MkSlot;

MkSlot      *mk_slot_read      (JsonObject   *resource, GError **error);
void         mk_slot_free      (MkSlot       *slot);
GDateTime   *mk_slot_dup_start (const MkSlot *slot);
GDateTime   *mk_slot_dup_end   (const MkSlot *slot);
/* "Free", "Busy", "Unavailable", "Tentative", "Entered in error". */
const char  *mk_slot_status_to_label (const char *status);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkSlot, mk_slot_free)

/* ===================== Documents (mk-fhir-documents.c) =================== */

typedef struct
{
  char            *id;
  char            *status;             /* current, superseded, entered-in-error */
  char            *doc_status;         /* preliminary, final, amended, … */
  char            *type_code;          /* type first coding code */
  char            *type;               /* type display */
  char            *category;           /* category[0] display */
  char            *date;               /* instant the reference was created */
  char            *description;
  MkFhirReference  author;             /* author[0] */
  MkFhirReference  custodian;
  MkFhirReference  encounter;          /* context.encounter[0] */
  /* content[0].attachment */
  char            *content_type;       /* "application/pdf" */
  gint64           size;               /* bytes; -1 when absent */
  char            *title;              /* file name */
  char            *url;                /* "Binary/<id>" or absolute */
  char            *hash;               /* base64 SHA-1 (FHIR R4) */
  char            *creation;           /* attachment.creation */
  char            *data;               /* inline base64, when the attachment carries it */
  char            *language;
} MkDocumentReference;

MkDocumentReference *mk_document_reference_read (JsonObject          *resource, GError **error);
void                 mk_document_reference_free (MkDocumentReference *document);
/* The Binary id when url is "Binary/<id>" (or ends in /Binary/<id>); else NULL. */
char                *mk_document_reference_dup_binary_id (const MkDocumentReference *document);
/* Decodes the inline attachment data (MK_FHIR_ERROR_INVALID_DATA if not
 * base64; MK_FHIR_ERROR_INVALID if there is none). */
GBytes              *mk_document_reference_decode_data   (const MkDocumentReference *document,
                                                          GError                   **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkDocumentReference, mk_document_reference_free)

typedef struct
{
  char            *id;
  char            *content_type;
  GBytes          *data;               /* decoded; empty (not NULL) when the resource has no data */
  MkFhirReference  security_context;
} MkBinary;

/* MK_FHIR_ERROR_INVALID_DATA when data is not valid base64. */
MkBinary *mk_binary_read (JsonObject *resource, GError **error);
void      mk_binary_free (MkBinary   *binary);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkBinary, mk_binary_free)

/* ====================== Prescriptions (mk-fhir-prescriptions.c) ========== */

typedef enum
{
  MK_PRESCRIPTION_STATE_DRAFT,
  MK_PRESCRIPTION_STATE_SIGNED,
  MK_PRESCRIPTION_STATE_ISSUED,
  MK_PRESCRIPTION_STATE_SENT,
  MK_PRESCRIPTION_STATE_DISPENSED,
  MK_PRESCRIPTION_STATE_EXPIRING,
  MK_PRESCRIPTION_STATE_EXPIRED,
  MK_PRESCRIPTION_STATE_CANCELLED,
} MkPrescriptionState;

/* Days before the validity end when an active prescription is "expiring". */
#define MK_PRESCRIPTION_EXPIRING_DAYS 3

typedef struct
{
  char            *id;
  char            *status;             /* draft, active, on-hold, cancelled, completed,
                                          entered-in-error, stopped, unknown */
  char            *intent;
  char            *medication;         /* medicationCodeableConcept display or medicationReference display */
  char            *medication_code;
  MkFhirReference  medication_reference;
  char            *dosage_text;        /* dosageInstruction[0].text, or built from doseQuantity + timing */
  char            *period_start;       /* dosageInstruction[0].timing.repeat.boundsPeriod.start */
  char            *period_end;         /* …boundsPeriod.end */
  double           duration;           /* …boundsDuration.value; 0 when absent */
  char            *duration_unit;      /* …boundsDuration.code (UCUM: d, wk, mo) or unit */
  char            *authored_on;
  MkFhirReference  requester;
  char            *prescription_code;  /* identifier with the erx-code system */
  char            *validity_start;     /* dispenseRequest.validityPeriod.start */
  char            *validity_end;       /* …end ("YYYY-MM-DD": valid to the end of that local day) */
  char            *stage;              /* prescription-stage extension: "signed", "sent" */
  char            *pharmacy;           /* pharmacy extension */
  gint64           number_of_repeats_allowed; /* -1 when absent */
  char            *reason;             /* reasonCode[0] display */
  char            *note;
} MkMedicationRequest;

MkMedicationRequest *mk_medication_request_read (JsonObject          *resource, GError **error);
void                 mk_medication_request_free (MkMedicationRequest *request);
/* The moment validity ends: validity_end parsed; a date without a time is
 * inclusive — the end is the next local midnight. NULL when absent/unparsable. */
GDateTime           *mk_medication_request_dup_validity_end (const MkMedicationRequest *request);
/* DOMAIN.md §3.5:
 *   cancelled / entered-in-error / stopped → CANCELLED
 *   completed                              → DISPENSED
 *   draft                                  → SIGNED if stage "signed", else DRAFT
 *   active / on-hold / other               → EXPIRED when now ≥ validity end,
 *                                            EXPIRING when the end is within 3 days,
 *                                            else SENT if stage "sent", else ISSUED. */
MkPrescriptionState  mk_medication_request_get_state (const MkMedicationRequest *request,
                                                      GDateTime                 *now);
/* "Draft", "Signed", "Issued", "Sent to pharmacy", "Dispensed",
 * "Expiring soon", "Expired", "Cancelled" (translated). */
const char          *mk_prescription_state_to_label  (MkPrescriptionState state);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkMedicationRequest, mk_medication_request_free)

/* ======================== Access (mk-fhir-access.c) ====================== */

typedef struct
{
  char            *id;
  char            *status;             /* draft, proposed, active, rejected, inactive, entered-in-error */
  char            *scope;              /* scope code: patient-privacy, treatment, research, adr */
  char            *scope_display;
  char            *category;           /* category[0] display */
  char            *date_time;
  MkFhirReference  organization;       /* organization[0] */
  char            *provision_type;     /* provision.type: "permit" or "deny" */
  char            *period_start;       /* provision.period */
  char            *period_end;
  GPtrArray       *actors;             /* MkFhirReference*: provision.actor[].reference (never NULL) */
} MkConsent;

MkConsent   *mk_consent_read (JsonObject *resource, GError **error);
void         mk_consent_free (MkConsent  *consent);
/* "Active", "Revoked" (inactive), "Draft", "Proposed", "Rejected", … */
const char  *mk_consent_status_to_label (const char *status);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkConsent, mk_consent_free)

typedef struct
{
  char            *id;
  char            *recorded;
  char            *action;             /* C, R, U, D, E */
  char            *type;               /* type display (or code) */
  char            *subtype;            /* subtype[0] display (or code): "read", "login", … */
  MkFhirReference  who;                /* agent requestor (else first agent).who */
  char            *network_address;    /* that agent's network.address (IP) */
  MkFhirReference  what;               /* entity[0].what */
  char            *outcome;            /* "0" success, "4" minor failure, "8" serious, "12" major */
  char            *outcome_desc;
} MkAuditEvent;

MkAuditEvent *mk_audit_event_read (JsonObject   *resource, GError **error);
void          mk_audit_event_free (MkAuditEvent *event);
gboolean      mk_audit_event_is_success (const MkAuditEvent *event);
/* "Create", "View", "Change", "Delete", "Execute" for C/R/U/D/E. */
const char   *mk_audit_event_action_to_label (const char *action);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MkAuditEvent, mk_audit_event_free)

G_END_DECLS
