/* test-fhir-index.c — derived columns for each resource type
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mk-fhir-index.h"
#include "mk-store.h"

typedef struct
{
  const char *json;
  const char *date;
  const char *status;
  const char *kind;
  const char *code;
  const char *subject;
  const char *text_has;   /* a substring of the search text, or NULL */
} Case;

static const Case cases[] = {
  { "{\"resourceType\":\"Patient\",\"id\":\"p\",\"birthDate\":\"1980-02-29\","
    "\"name\":[{\"family\":\"Фёдоров\",\"given\":[\"Пётр\",\"Ильич\"]}]}",
    "1980-02-29", NULL, NULL, NULL, NULL, "Фёдоров Пётр Ильич" },
  { "{\"resourceType\":\"Practitioner\",\"id\":\"d\",\"name\":[{\"text\":\"Иванова А. В.\"}]}",
    NULL, NULL, NULL, NULL, NULL, "Иванова А. В." },
  { "{\"resourceType\":\"Organization\",\"id\":\"o\",\"name\":\"Поликлиника № 5\"}",
    NULL, NULL, NULL, NULL, NULL, "Поликлиника № 5" },
  { "{\"resourceType\":\"Encounter\",\"id\":\"e\",\"status\":\"finished\","
    "\"subject\":{\"reference\":\"Patient/p\"},\"period\":{\"start\":\"2024-03-01T10:00:00+03:00\"},"
    "\"type\":[{\"text\":\"Приём\"}]}",
    "2024-03-01T07:00:00Z", "finished", "visit", NULL, "Patient/p", "Приём" },
  { "{\"resourceType\":\"Condition\",\"id\":\"c\",\"onsetDateTime\":\"2024-02-01\","
    "\"clinicalStatus\":{\"coding\":[{\"code\":\"resolved\"}]},"
    "\"subject\":{\"reference\":\"https://fhir.example.org/r4/Patient/p/_history/2\"},"
    "\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"1\",\"display\":\"Cold\"},"
    "{\"system\":\"http://hl7.org/fhir/sid/icd-10\",\"code\":\"J06.9\"}]},"
    "\"note\":[{\"text\":\"Лечение дома\"}]}",
    "2024-02-01", "resolved", "diagnosis", "J06.9", "Patient/p", "Лечение дома" },
  { "{\"resourceType\":\"Condition\",\"id\":\"c2\",\"recordedDate\":\"2024-02-03\",\"onsetDateTime\":\"2024-02-01\","
    "\"code\":{\"coding\":[{\"code\":\"X\"}]}}",
    "2024-02-03", NULL, "diagnosis", "X", NULL, "X" },
  { "{\"resourceType\":\"Observation\",\"id\":\"o1\",\"status\":\"final\","
    "\"category\":[{\"coding\":[{\"code\":\"laboratory\"}]}],"
    "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"718-7\",\"display\":\"Hemoglobin\"}]},"
    "\"effectivePeriod\":{\"start\":\"2024-01-01T00:00:00Z\"},\"valueQuantity\":{\"value\":13.5,\"unit\":\"g/dL\"}}",
    "2024-01-01T00:00:00Z", "final", "lab", "718-7", NULL, "Hemoglobin 718-7 13.5 g/dL" },
  { "{\"resourceType\":\"Observation\",\"id\":\"o2\",\"status\":\"final\","
    "\"category\":[{\"coding\":[{\"code\":\"vital-signs\"}]}],\"issued\":\"2024-01-02T10:00:00.123+03:00\","
    "\"valueString\":\"норма\"}",
    "2024-01-02T07:00:00Z", "final", "vital", NULL, NULL, "норма" },
  { "{\"resourceType\":\"Observation\",\"id\":\"o3\",\"status\":\"final\"}",
    NULL, "final", "observation", NULL, NULL, NULL },
  { "{\"resourceType\":\"DiagnosticReport\",\"id\":\"r\",\"status\":\"final\",\"issued\":\"2024-01-05T12:00:00Z\","
    "\"conclusion\":\"Без патологии\",\"code\":{\"coding\":[{\"code\":\"58410-2\"}]}}",
    "2024-01-05T12:00:00Z", "final", "report", "58410-2", NULL, "Без патологии" },
  { "{\"resourceType\":\"Immunization\",\"id\":\"i\",\"status\":\"completed\",\"patient\":{\"reference\":\"Patient/p\"},"
    "\"occurrenceDateTime\":\"2023-10-01\",\"vaccineCode\":{\"text\":\"Грипп\",\"coding\":[{\"code\":\"FLU\"}]}}",
    "2023-10-01", "completed", "vaccination", "FLU", "Patient/p", "Грипп" },
  { "{\"resourceType\":\"Procedure\",\"id\":\"pr\",\"status\":\"completed\",\"performedDateTime\":\"2024-04-01\","
    "\"category\":{\"coding\":[{\"system\":\"https://medkarta.github.io/fhir/CodeSystem/record-kind\",\"code\":\"medbook-exam\"}]}}",
    "2024-04-01", "completed", "medbook", NULL, NULL, NULL },
  { "{\"resourceType\":\"Procedure\",\"id\":\"pr2\",\"status\":\"completed\",\"performedPeriod\":{\"start\":\"2024-04-02\"}}",
    "2024-04-02", "completed", "procedure", NULL, NULL, NULL },
  { "{\"resourceType\":\"AllergyIntolerance\",\"id\":\"a\",\"recordedDate\":\"2020-05-05\","
    "\"patient\":{\"reference\":\"Patient/p\"},\"code\":{\"text\":\"Пенициллин\"}}",
    "2020-05-05", NULL, "allergy", NULL, "Patient/p", "Пенициллин" },
  { "{\"resourceType\":\"MedicationRequest\",\"id\":\"m\",\"status\":\"active\",\"authoredOn\":\"2024-01-15\","
    "\"subject\":{\"reference\":\"Patient/p\"},"
    "\"medicationCodeableConcept\":{\"text\":\"Амоксициллин\",\"coding\":[{\"code\":\"AMX\"}]},"
    "\"dosageInstruction\":[{\"text\":\"3 раза в день\"}]}",
    "2024-01-15", "active", "prescription", "AMX", "Patient/p", "3 раза в день" },
  { "{\"resourceType\":\"Appointment\",\"id\":\"ap\",\"status\":\"booked\",\"start\":\"2024-04-10T09:00:00+03:00\","
    "\"comment\":\"Каб. 12\",\"patientInstruction\":\"Натощак\","
    "\"participant\":[{\"actor\":{\"reference\":\"Practitioner/d\",\"display\":\"Иванова\"}},{\"actor\":{\"reference\":\"Patient/p\"}}]}",
    "2024-04-10T06:00:00Z", "booked", "appointment", NULL, "Patient/p", "Натощак" },
  { "{\"resourceType\":\"Slot\",\"id\":\"s\",\"status\":\"free\",\"start\":\"2024-04-11T09:00:00Z\"}",
    "2024-04-11T09:00:00Z", "free", "slot", NULL, NULL, NULL },
  { "{\"resourceType\":\"DocumentReference\",\"id\":\"doc\",\"status\":\"current\","
    "\"type\":{\"coding\":[{\"code\":\"11502-2\",\"display\":\"Lab report\"}]},"
    "\"description\":\"Анализ крови\",\"content\":[{\"attachment\":{\"title\":\"blood.pdf\",\"creation\":\"2024-02-02\"}}]}",
    "2024-02-02", "current", "document", "11502-2", NULL, "blood.pdf" },
  { "{\"resourceType\":\"DocumentReference\",\"id\":\"doc2\",\"status\":\"current\",\"date\":\"2024-02-03T10:00:00Z\"}",
    "2024-02-03T10:00:00Z", "current", "document", NULL, NULL, NULL },
  { "{\"resourceType\":\"DocumentReference\",\"id\":\"doc3\",\"context\":{\"period\":{\"start\":\"2024-02-04\"}}}",
    "2024-02-04", NULL, "document", NULL, NULL, NULL },
  { "{\"resourceType\":\"Consent\",\"id\":\"cs\",\"status\":\"active\",\"dateTime\":\"2024-01-01T00:00:00Z\","
    "\"patient\":{\"reference\":\"Patient/p\"}}",
    "2024-01-01T00:00:00Z", "active", NULL, NULL, "Patient/p", NULL },
  { "{\"resourceType\":\"AuditEvent\",\"id\":\"ae\",\"recorded\":\"2024-01-01T03:00:00+03:00\"}",
    "2024-01-01T00:00:00Z", NULL, NULL, NULL, NULL, NULL },
  { "{\"resourceType\":\"Basic\",\"id\":\"b\",\"status\":\"x\"}",
    NULL, "x", NULL, NULL, NULL, NULL },
};

static void
test_types (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = json_from_string (cases[i].json, &error);
      MkResourceIndex index;

      g_assert_no_error (error);
      g_test_message ("case %u", i);
      g_assert_true (mk_fhir_index_resource (json_node_get_object (node), &index, &error));
      g_assert_no_error (error);

      g_assert_cmpstr (index.date, ==, cases[i].date);
      g_assert_cmpstr (index.status, ==, cases[i].status);
      g_assert_cmpstr (index.kind, ==, cases[i].kind);
      g_assert_cmpstr (index.code, ==, cases[i].code);
      g_assert_cmpstr (index.subject, ==, cases[i].subject);
      if (cases[i].text_has != NULL)
        {
          g_assert_nonnull (index.text);
          if (strstr (index.text, cases[i].text_has) == NULL)
            g_error ("case %u: “%s” not in “%s”", i, cases[i].text_has, index.text);
        }

      mk_resource_index_clear (&index);
      g_assert_null (index.date);
      g_assert_null (index.text);
    }
}

static void
test_malformed (void)
{
  const char *bad[] = {
    "{\"resourceType\":\"Observation\",\"id\":\"x\",\"status\":5}",
    "{\"resourceType\":\"Encounter\",\"id\":\"x\",\"subject\":\"x\"}",
    "{\"resourceType\":\"Encounter\",\"id\":\"x\",\"subject\":{\"reference\":true}}",
    "{\"resourceType\":\"Encounter\",\"id\":\"x\",\"period\":[]}",
    "{\"resourceType\":\"Encounter\",\"id\":\"x\",\"period\":{\"start\":20240101}}",
    "{\"resourceType\":\"Condition\",\"id\":\"x\",\"code\":{\"coding\":{}}}",
    "{\"resourceType\":\"Condition\",\"id\":\"x\",\"code\":{\"coding\":[\"J06\"]}}",
    "{\"resourceType\":\"Condition\",\"id\":\"x\",\"code\":{\"coding\":[{\"code\":1}]}}",
    "{\"resourceType\":\"Observation\",\"id\":\"x\",\"valueQuantity\":{\"value\":\"5\"}}",
    "{\"resourceType\":\"Observation\",\"id\":\"x\",\"category\":\"lab\"}",
    "{\"resourceType\":\"Patient\",\"id\":\"x\",\"name\":{\"family\":\"A\"}}",
    "{\"resourceType\":\"Patient\",\"id\":\"x\",\"name\":[{\"given\":[1]}]}",
    "{\"resourceType\":\"Patient\",\"id\":\"x\",\"birthDate\":19800101}",
    "{\"resourceType\":\"Appointment\",\"id\":\"x\",\"participant\":[{\"actor\":[]}]}",
    "{\"resourceType\":\"MedicationRequest\",\"id\":\"x\",\"dosageInstruction\":[{\"text\":{}}]}",
    "{\"resourceType\":\"DocumentReference\",\"id\":\"x\",\"content\":[{\"attachment\":\"a\"}]}",
    "{\"resourceType\":\"Organization\",\"id\":\"x\",\"name\":[\"A\"]}",
    "{\"resourceType\":\"Observation\",\"id\":\"x\",\"note\":[{\"text\":false}]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = json_from_string (bad[i], &error);
      MkResourceIndex index;

      g_assert_no_error (error);
      g_test_message ("bad case %u", i);
      g_assert_false (mk_fhir_index_resource (json_node_get_object (node), &index, &error));
      g_assert_error (error, MK_STORE_ERROR, MK_STORE_ERROR_INVALID_RESOURCE);
      g_assert_nonnull (strstr (error->message, "/x"));
      g_assert_null (index.date);
      g_assert_null (index.text);
    }

  /* null is the same as absent. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node = json_from_string ("{\"resourceType\":\"Observation\",\"id\":\"x\","
                                                 "\"status\":null,\"code\":null}", &error);
    MkResourceIndex index;

    g_assert_true (mk_fhir_index_resource (json_node_get_object (node), &index, &error));
    g_assert_no_error (error);
    g_assert_null (index.status);
    mk_resource_index_clear (&index);
  }
}

static void
test_normalize_date (void)
{
  const struct { const char *in, *out; } dates[] = {
    { "2024", "2024" },
    { "2024-03", "2024-03" },
    { "2024-03-01", "2024-03-01" },
    { "2024-03-01T00:30:00+03:00", "2024-02-29T21:30:00Z" },
    { "2024-03-01T10:00:00Z", "2024-03-01T10:00:00Z" },
    { "2024-03-01T10:00:00.999-05:00", "2024-03-01T15:00:00Z" },
    { "not a dateTtime", "not a dateTtime" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (dates); i++)
    {
      g_autofree char *out = mk_fhir_index_normalize_date (dates[i].in);

      g_assert_cmpstr (out, ==, dates[i].out);
    }

  g_assert_null (mk_fhir_index_normalize_date (NULL));
  g_assert_null (mk_fhir_index_normalize_date (""));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fhir-index/types", test_types);
  g_test_add_func ("/fhir-index/malformed", test_malformed);
  g_test_add_func ("/fhir-index/normalize-date", test_normalize_date);

  return g_test_run ();
}
