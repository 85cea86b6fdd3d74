/* test-fhir.c — typed FHIR readers, helpers, observation flags and
 * prescription states
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>

#include "mk-fhir-types.h"

static JsonNode *fixture_root;

static void
load_fixture (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  const char *srcdir = g_getenv ("MEDKARTA_SOURCE_DIR");

  if (srcdir != NULL)
    path = g_build_filename (srcdir, "tests", "fixtures", "fhir-card.json", NULL);
  else
    path = g_test_build_filename (G_TEST_DIST, "..", "fixtures", "fhir-card.json", NULL);

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  fixture_root = json_node_copy (json_parser_get_root (parser));
}

/* The resource with @type and @id from the fixture bundle (borrowed). */
static JsonObject *
fixture (const char *type,
         const char *id)
{
  JsonArray *entries = json_object_get_array_member (json_node_get_object (fixture_root), "entry");

  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *resource = json_object_get_object_member (json_array_get_object_element (entries, i),
                                                            "resource");

      if (g_str_equal (json_object_get_string_member (resource, "resourceType"), type)
          && g_str_equal (json_object_get_string_member (resource, "id"), id))
        return resource;
    }

  g_assert_not_reached ();
}

/* Parses a JSON object literal; the caller unrefs. */
static JsonObject *
parse_object (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static GDateTime *
moscow (int year, int month, int day, int hour, int minute, double seconds)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Europe/Moscow");

  g_assert_nonnull (tz);
  return g_date_time_new (tz, year, month, day, hour, minute, seconds);
}

/* ---- helpers ------------------------------------------------------------ */

static void
test_helpers_getters (void)
{
  g_autoptr(JsonObject) object = parse_object ("{ \"s\": \"x\", \"n\": 2.5, \"i\": 3, \"b\": true,"
                                               "  \"o\": {}, \"a\": [ { \"k\": \"v\" } ], \"z\": null }");
  g_autoptr(GError) error = NULL;
  const char *s = NULL;
  double n = 0;
  gint64 i = 0;
  gboolean present = FALSE;
  JsonObject *o = NULL;

  g_assert_true (mk_fhir_get_string (object, "s", &s, &error));
  g_assert_cmpstr (s, ==, "x");
  g_assert_true (mk_fhir_get_string (object, "missing", &s, &error));
  g_assert_null (s);
  g_assert_true (mk_fhir_get_string (object, "z", &s, &error));
  g_assert_null (s);

  g_assert_false (mk_fhir_get_string (object, "n", &s, &error));
  g_assert_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (mk_fhir_get_number (object, "n", &n, &present, &error));
  g_assert_true (present);
  g_assert_cmpfloat (n, ==, 2.5);
  g_assert_true (mk_fhir_get_number (object, "i", &n, &present, &error));
  g_assert_cmpfloat (n, ==, 3.0);
  g_assert_false (mk_fhir_get_number (object, "s", &n, &present, &error));
  g_assert_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (mk_fhir_get_int (object, "i", &i, &present, &error));
  g_assert_cmpint (i, ==, 3);
  g_assert_false (mk_fhir_get_int (object, "n", &i, &present, &error));
  g_assert_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (mk_fhir_get_object (object, "a", &o, &error));
  g_assert_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (mk_fhir_get_first_object (object, "a", &o, &error));
  g_assert_nonnull (o);

  g_assert_true (mk_fhir_get_path_string (object, "a.k", &s, &error));
  g_assert_cmpstr (s, ==, "v");
  g_assert_true (mk_fhir_get_path_string (object, "o.k", &s, &error));
  g_assert_null (s);
  g_assert_false (mk_fhir_get_path_string (object, "s.k", &s, &error));
  g_assert_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID);
}

static void
test_helpers_references (void)
{
  g_autofree char *type = mk_fhir_reference_dup_type ("Practitioner/p1");
  g_autofree char *id = mk_fhir_reference_dup_id ("https://fhir.example.ru/r4/Practitioner/p1/_history/2");
  g_autofree char *none = mk_fhir_reference_dup_type ("urn:uuid:0d8a4c3e-0000-4000-8000-000000000001");
  g_autofree char *contained = mk_fhir_reference_dup_id ("#med1");

  g_assert_cmpstr (type, ==, "Practitioner");
  g_assert_cmpstr (id, ==, "p1");
  g_assert_null (none);
  g_assert_null (contained);
}

static void
test_helpers_concepts (void)
{
  g_autoptr(JsonObject) text = parse_object ("{ \"text\": \"Текст\", \"coding\": [ { \"code\": \"a\", \"display\": \"Б\" } ] }");
  g_autoptr(JsonObject) display = parse_object ("{ \"coding\": [ { \"system\": \"s1\", \"code\": \"a\" },"
                                                "  { \"system\": \"s2\", \"code\": \"b\", \"display\": \"Бэ\" } ] }");
  g_autoptr(JsonObject) code_only = parse_object ("{ \"coding\": [ { \"code\": \"X1\" } ] }");
  g_autofree char *d1 = mk_fhir_codeable_concept_dup_display (text);
  g_autofree char *d2 = mk_fhir_codeable_concept_dup_display (display);
  g_autofree char *d3 = mk_fhir_codeable_concept_dup_display (code_only);

  g_assert_cmpstr (d1, ==, "Текст");
  g_assert_cmpstr (d2, ==, "Бэ");
  g_assert_cmpstr (d3, ==, "X1");
  g_assert_cmpstr (mk_fhir_codeable_concept_get_code (display, "s2"), ==, "b");
  g_assert_cmpstr (mk_fhir_codeable_concept_get_code (display, NULL), ==, "a");
  g_assert_null (mk_fhir_codeable_concept_get_code (display, "s3"));
  g_assert_true (mk_fhir_codeable_concept_has_code (display, "s1", "a"));
  g_assert_false (mk_fhir_codeable_concept_has_code (display, "s2", "a"));
}

static void
test_helpers_dates (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) year = mk_fhir_parse_date_time ("2024", &error);
  g_autoptr(GDateTime) month = mk_fhir_parse_date_time ("2024-05", &error);
  g_autoptr(GDateTime) day = mk_fhir_parse_date_time ("2024-05-17", &error);
  g_autoptr(GDateTime) instant = mk_fhir_parse_date_time ("2024-05-17T21:30:00Z", &error);
  g_autoptr(GDateTime) offset = mk_fhir_parse_date_time ("2024-05-17T10:00:00+07:00", &error);
  g_autoptr(GDateTime) negative = mk_fhir_parse_date_time ("2024-05-17T10:00:00-04:00", &error);
  g_autoptr(GDateTime) zoneless = mk_fhir_parse_date_time ("2024-05-17T10:00:00", &error);
  g_autoptr(GDateTime) bad = NULL;
  GDate date;

  g_assert_no_error (error);
  g_assert_cmpint (g_date_time_get_year (year), ==, 2024);
  g_assert_cmpint (g_date_time_get_month (year), ==, 1);
  g_assert_cmpint (g_date_time_get_day_of_month (year), ==, 1);
  g_assert_cmpint (g_date_time_get_month (month), ==, 5);
  g_assert_cmpint (g_date_time_get_day_of_month (day), ==, 17);
  g_assert_cmpint (g_date_time_get_hour (day), ==, 0);
  /* Local midnight in Moscow (TZ in the test environment). */
  g_assert_cmpint (g_date_time_get_utc_offset (day) / G_TIME_SPAN_HOUR, ==, 3);
  g_assert_cmpint (g_date_time_to_unix (instant), ==, 1715981400);
  /* An offset is kept; a dateTime without one is local time (Moscow). */
  g_assert_cmpint (g_date_time_get_utc_offset (offset) / G_TIME_SPAN_HOUR, ==, 7);
  g_assert_cmpint (g_date_time_get_utc_offset (negative) / G_TIME_SPAN_HOUR, ==, -4);
  g_assert_cmpint (g_date_time_get_utc_offset (zoneless) / G_TIME_SPAN_HOUR, ==, 3);
  g_assert_cmpint (g_date_time_get_hour (zoneless), ==, 10);

  /* The calendar date of an instant is the local one: 00:30 on the 18th. */
  g_assert_true (mk_fhir_parse_date ("2024-05-17T21:30:00Z", &date, &error));
  g_assert_cmpint (g_date_get_day (&date), ==, 18);

  bad = mk_fhir_parse_date_time ("2024-02-30", &error);
  g_assert_null (bad);
  g_assert_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (mk_fhir_parse_date ("17.05.2024", &date, &error));
  g_assert_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID);

  g_assert_true (mk_fhir_date_is_partial ("2024-05"));
  g_assert_false (mk_fhir_date_is_partial ("2024-05-17"));
}

/* ---- Profile ------------------------------------------------------------ */

static void
test_patient (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MkPatient) patient = mk_patient_read (fixture ("Patient", "pat1"), &error);

  g_assert_no_error (error);
  g_assert_cmpstr (patient->id, ==, "pat1");
  /* The official name, not the old one. */
  g_assert_cmpstr (patient->family, ==, "Иванова");
  g_assert_cmpstr (patient->given, ==, "Анна");
  g_assert_cmpstr (patient->patronymic, ==, "Сергеевна");
  g_assert_cmpstr (patient->full_name, ==, "Иванова Анна Сергеевна");
  g_assert_cmpstr (patient->birth_date, ==, "1985-03-14");
  g_assert_cmpstr (patient->gender, ==, "female");
  g_assert_cmpstr (patient->snils, ==, "11223344595");
  g_assert_cmpstr (patient->oms, ==, "7700000012345678");
  g_assert_cmpstr (patient->passport_series, ==, "4508");
  g_assert_cmpstr (patient->passport_number, ==, "123456");
  g_assert_cmpstr (patient->inn, ==, "500100732259");
  g_assert_cmpstr (patient->phone, ==, "+79161234567");
  g_assert_cmpstr (patient->email, ==, "anna@example.ru");
  g_assert_cmpstr (patient->registration_address, ==, "142100, Московская обл., г. Подольск, ул. Ленина, д. 1");
  g_assert_cmpstr (patient->actual_address, ==, "125009, Москва, ул. Тверская, д. 7, кв. 12");
  g_assert_cmpstr (patient->general_practitioner.reference, ==, "Organization/gp1");
  g_assert_cmpstr (patient->general_practitioner.display, ==, "ГБУЗ «Городская поликлиника № 3»");
}

static void
test_patient_minimal_and_malformed (void)
{
  g_autoptr(JsonObject) minimal = parse_object ("{ \"resourceType\": \"Patient\", \"id\": \"p\" }");
  g_autoptr(JsonObject) bad_gender = parse_object ("{ \"resourceType\": \"Patient\", \"gender\": 5 }");
  g_autoptr(JsonObject) bad_name = parse_object ("{ \"resourceType\": \"Patient\", \"name\": { \"family\": \"Х\" } }");
  g_autoptr(JsonObject) bad_given = parse_object ("{ \"resourceType\": \"Patient\", \"name\": [ { \"given\": \"Анна\" } ] }");
  g_autoptr(JsonObject) wrong = parse_object ("{ \"resourceType\": \"Observation\", \"id\": \"o\" }");
  g_autoptr(GError) error = NULL;
  g_autoptr(MkPatient) patient = mk_patient_read (minimal, &error);
  MkPatient *failed;

  g_assert_no_error (error);
  g_assert_cmpstr (patient->id, ==, "p");
  g_assert_null (patient->full_name);
  g_assert_null (patient->snils);
  g_assert_null (patient->registration_address);
  g_assert_null (patient->general_practitioner.reference);

  failed = mk_patient_read (bad_gender, &error);
  g_assert_null (failed);
  g_assert_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID);
  g_clear_error (&error);

  failed = mk_patient_read (bad_name, &error);
  g_assert_null (failed);
  g_assert_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID);
  g_clear_error (&error);

  failed = mk_patient_read (bad_given, &error);
  g_assert_null (failed);
  g_assert_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID);
  g_clear_error (&error);

  failed = mk_patient_read (wrong, &error);
  g_assert_null (failed);
  g_assert_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_WRONG_TYPE);
}

static void
test_organization_practitioner (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MkOrganization) org = mk_organization_read (fixture ("Organization", "gp1"), &error);
  g_autoptr(MkPractitioner) doc = NULL;
  g_autoptr(MkPractitionerRole) role = NULL;
  g_autoptr(JsonObject) bad_org = parse_object ("{ \"resourceType\": \"Organization\", \"address\": \"Москва\" }");
  g_autoptr(JsonObject) bad_role = parse_object ("{ \"resourceType\": \"PractitionerRole\", \"active\": \"yes\" }");
  g_autoptr(MkOrganization) failed_org = NULL;
  g_autoptr(MkPractitionerRole) failed_role = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (org->name, ==, "Государственное бюджетное учреждение здравоохранения «Городская поликлиника № 3»");
  g_assert_cmpstr (org->alias, ==, "ГП № 3");
  g_assert_cmpstr (org->type, ==, "поликлиника");
  g_assert_cmpstr (org->address, ==, "125009, Москва, Москва, ул. Маросейка, д. 2");
  g_assert_cmpstr (org->inn, ==, "7707083893");
  g_assert_cmpstr (org->ogrn, ==, "1027700132195");
  g_assert_cmpstr (org->phone, ==, "+74951234567");
  g_assert_null (org->email);

  doc = mk_practitioner_read (fixture ("Practitioner", "doc1"), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (doc->full_name, ==, "Петров Игорь Николаевич");
  g_assert_cmpstr (doc->inn, ==, "500100732259");
  g_assert_cmpstr (doc->qualification, ==, "Врач-терапевт");

  role = mk_practitioner_role_read (fixture ("PractitionerRole", "role1"), &error);
  g_assert_no_error (error);
  g_assert_true (role->active);
  g_assert_cmpstr (role->practitioner.reference, ==, "Practitioner/doc1");
  g_assert_cmpstr (role->practitioner.display, ==, "Петров Игорь Николаевич");
  g_assert_cmpstr (role->organization.display, ==, "ГП № 3");
  g_assert_cmpstr (role->specialty, ==, "Терапия");
  g_assert_cmpstr (role->role, ==, "Врач");

  failed_org = mk_organization_read (bad_org, &error);
  g_assert_null (failed_org);
  g_assert_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID);
  g_clear_error (&error);
  failed_role = mk_practitioner_role_read (bad_role, &error);
  g_assert_null (failed_role);
  g_assert_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID);
}

/* ---- Records ------------------------------------------------------------ */

static void
test_encounter_condition (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MkEncounter) enc = mk_encounter_read (fixture ("Encounter", "enc1"), &error);
  g_autoptr(MkCondition) cond = NULL;
  g_autoptr(JsonObject) bad_diag = parse_object ("{ \"resourceType\": \"Encounter\", \"diagnosis\": [ \"Condition/c\" ] }");
  g_autoptr(JsonObject) bad_onset = parse_object ("{ \"resourceType\": \"Condition\", \"onsetDateTime\": 2024 }");
  g_autoptr(JsonObject) minimal = parse_object ("{ \"resourceType\": \"Encounter\" }");
  g_autoptr(MkEncounter) empty = NULL;
  MkFhirReference *diagnosis;

  g_assert_no_error (error);
  g_assert_cmpstr (enc->status, ==, "finished");
  g_assert_cmpstr (enc->class_code, ==, "AMB");
  g_assert_cmpstr (enc->class_display, ==, "Амбулаторно");
  g_assert_cmpstr (enc->type, ==, "Первичный приём терапевта");
  g_assert_cmpstr (enc->start, ==, "2026-01-12T09:30:00+03:00");
  g_assert_cmpstr (enc->end, ==, "2026-01-12T09:50:00+03:00");
  g_assert_cmpstr (enc->service_provider.display, ==, "ГП № 3");
  g_assert_cmpstr (enc->practitioner.reference, ==, "Practitioner/doc1");
  g_assert_cmpstr (enc->reason, ==, "Кашель; Температура 38");
  g_assert_cmpuint (enc->diagnoses->len, ==, 1);
  diagnosis = g_ptr_array_index (enc->diagnoses, 0);
  g_assert_cmpstr (diagnosis->reference, ==, "Condition/cond1");

  empty = mk_encounter_read (minimal, &error);
  g_assert_no_error (error);
  g_assert_nonnull (empty->diagnoses);
  g_assert_cmpuint (empty->diagnoses->len, ==, 0);
  g_assert_null (empty->reason);

  g_assert_null (mk_encounter_read (bad_diag, &error));
  g_assert_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID);
  g_clear_error (&error);

  cond = mk_condition_read (fixture ("Condition", "cond1"), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cond->icd10, ==, "J06.9");
  g_assert_cmpstr (cond->display, ==, "Острая инфекция верхних дыхательных путей неуточнённая");
  g_assert_cmpstr (cond->clinical_status, ==, "resolved");
  g_assert_cmpstr (cond->verification_status, ==, "confirmed");
  g_assert_cmpstr (cond->onset, ==, "2026-01-10");
  g_assert_cmpstr (cond->recorded_date, ==, "2026-01-12");
  g_assert_cmpstr (cond->encounter.reference, ==, "Encounter/enc1");
  g_assert_cmpstr (cond->asserter.display, ==, "Петров И. Н.");
  g_assert_cmpstr (cond->note, ==, "Обильное питьё\nКонтроль через 7 дней");

  g_assert_null (mk_condition_read (bad_onset, &error));
  g_assert_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID);
}

static void
test_observation_report (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MkObservation) k = mk_observation_read (fixture ("Observation", "obs-k"), &error);
  g_autoptr(MkObservation) chol = NULL;
  g_autoptr(MkDiagnosticReport) report = NULL;
  g_autoptr(JsonObject) bad_value = parse_object ("{ \"resourceType\": \"Observation\", \"valueQuantity\": { \"value\": \"5,4\" } }");
  g_autoptr(JsonObject) bad_range = parse_object ("{ \"resourceType\": \"Observation\", \"referenceRange\": { \"text\": \"норма\" } }");
  g_autoptr(JsonObject) text_value = parse_object ("{ \"resourceType\": \"Observation\", \"valueString\": \"не обнаружено\" }");
  g_autoptr(JsonObject) bad_report = parse_object ("{ \"resourceType\": \"DiagnosticReport\", \"result\": { \"reference\": \"Observation/x\" } }");
  g_autoptr(MkObservation) text_obs = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (k->status, ==, "final");
  g_assert_cmpstr (k->category, ==, "laboratory");
  g_assert_cmpstr (k->code, ==, "2823-3");
  g_assert_cmpstr (k->code_display, ==, "Калий");
  g_assert_cmpstr (k->effective, ==, "2026-01-13T08:15:00+03:00");
  g_assert_true (k->has_value);
  g_assert_cmpfloat (k->value, ==, 5.4);
  g_assert_cmpstr (k->unit, ==, "ммоль/л");
  g_assert_cmpstr (k->value_text, ==, "5.4 ммоль/л");
  g_assert_true (k->has_low && k->has_high);
  g_assert_cmpfloat (k->low, ==, 3.5);
  g_assert_cmpfloat (k->high, ==, 5.0);
  g_assert_cmpstr (k->range_unit, ==, "ммоль/л");
  g_assert_cmpstr (k->interpretation, ==, "H");
  g_assert_cmpint (mk_observation_get_flag (k), ==, MK_OBSERVATION_FLAG_HIGH);

  chol = mk_observation_read (fixture ("Observation", "obs-chol"), &error);
  g_assert_no_error (error);
  g_assert_null (chol->code);
  g_assert_cmpstr (chol->code_display, ==, "Холестерин общий");
  g_assert_false (chol->has_low);
  g_assert_true (chol->has_high);
  g_assert_null (chol->interpretation);
  g_assert_cmpint (mk_observation_get_flag (chol), ==, MK_OBSERVATION_FLAG_NORMAL);

  text_obs = mk_observation_read (text_value, &error);
  g_assert_no_error (error);
  g_assert_false (text_obs->has_value);
  g_assert_cmpstr (text_obs->value_text, ==, "не обнаружено");
  g_assert_cmpint (mk_observation_get_flag (text_obs), ==, MK_OBSERVATION_FLAG_NONE);

  g_assert_null (mk_observation_read (bad_value, &error));
  g_assert_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (mk_observation_read (bad_range, &error));
  g_assert_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID);
  g_clear_error (&error);

  report = mk_diagnostic_report_read (fixture ("DiagnosticReport", "rep1"), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (report->code_display, ==, "Биохимический анализ крови");
  g_assert_cmpstr (report->category, ==, "Биохимия");
  g_assert_cmpstr (report->effective, ==, "2026-01-13T08:15:00+03:00");
  g_assert_cmpstr (report->issued, ==, "2026-01-13T15:00:00+03:00");
  g_assert_cmpstr (report->conclusion, ==, "Калий незначительно повышен");
  g_assert_cmpstr (report->performer.display, ==, "Лаборатория «Гемотест»");
  g_assert_cmpuint (report->results->len, ==, 2);
  g_assert_cmpstr (((MkFhirReference *) g_ptr_array_index (report->results, 1))->reference, ==,
                   "Observation/obs-chol");
  g_assert_cmpuint (report->n_presented_forms, ==, 1);

  g_assert_null (mk_diagnostic_report_read (bad_report, &error));
  g_assert_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID);
}

typedef struct
{
  const char        *json;
  MkObservationFlag  flag;
} FlagCase;

static void
test_observation_flags (void)
{
  static const FlagCase cases[] = {
    /* interpretation codes win over the range */
    { "{ \"interpretation\": [ { \"coding\": [ { \"code\": \"N\" } ] } ] }", MK_OBSERVATION_FLAG_NORMAL },
    { "{ \"interpretation\": [ { \"coding\": [ { \"code\": \"L\" } ] } ] }", MK_OBSERVATION_FLAG_LOW },
    { "{ \"interpretation\": [ { \"coding\": [ { \"code\": \"H\" } ] } ] }", MK_OBSERVATION_FLAG_HIGH },
    { "{ \"interpretation\": [ { \"coding\": [ { \"code\": \"LL\" } ] } ] }", MK_OBSERVATION_FLAG_CRITICAL_LOW },
    { "{ \"interpretation\": [ { \"coding\": [ { \"code\": \"HH\" } ] } ] }", MK_OBSERVATION_FLAG_CRITICAL_HIGH },
    { "{ \"interpretation\": [ { \"coding\": [ { \"code\": \"A\" } ] } ] }", MK_OBSERVATION_FLAG_ABNORMAL },
    { "{ \"valueQuantity\": { \"value\": 9 }, \"referenceRange\": [ { \"high\": { \"value\": 5 } } ],"
      "  \"interpretation\": [ { \"coding\": [ { \"code\": \"N\" } ] } ] }", MK_OBSERVATION_FLAG_NORMAL },
    /* computed from the range, bounds inclusive */
    { "{ \"valueQuantity\": { \"value\": 3.4 }, \"referenceRange\": [ { \"low\": { \"value\": 3.5 }, \"high\": { \"value\": 5.0 } } ] }",
      MK_OBSERVATION_FLAG_LOW },
    { "{ \"valueQuantity\": { \"value\": 3.5 }, \"referenceRange\": [ { \"low\": { \"value\": 3.5 }, \"high\": { \"value\": 5.0 } } ] }",
      MK_OBSERVATION_FLAG_NORMAL },
    { "{ \"valueQuantity\": { \"value\": 5.0 }, \"referenceRange\": [ { \"low\": { \"value\": 3.5 }, \"high\": { \"value\": 5.0 } } ] }",
      MK_OBSERVATION_FLAG_NORMAL },
    { "{ \"valueQuantity\": { \"value\": 5.01 }, \"referenceRange\": [ { \"low\": { \"value\": 3.5 }, \"high\": { \"value\": 5.0 } } ] }",
      MK_OBSERVATION_FLAG_HIGH },
    { "{ \"valueInteger\": 2, \"referenceRange\": [ { \"low\": { \"value\": 1 } } ] }", MK_OBSERVATION_FLAG_NORMAL },
    { "{ \"valueInteger\": 0, \"referenceRange\": [ { \"low\": { \"value\": 1 } } ] }", MK_OBSERVATION_FLAG_LOW },
    /* nothing to compare */
    { "{ \"valueQuantity\": { \"value\": 5 } }", MK_OBSERVATION_FLAG_NONE },
    { "{ \"referenceRange\": [ { \"low\": { \"value\": 1 } } ] }", MK_OBSERVATION_FLAG_NONE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) object = parse_object (cases[i].json);
      g_autoptr(GError) error = NULL;
      g_autoptr(MkObservation) observation = mk_observation_read (object, &error);

      g_assert_no_error (error);
      g_test_message ("case %u", i);
      g_assert_cmpint (mk_observation_get_flag (observation), ==, cases[i].flag);
    }

  g_assert_cmpstr (mk_observation_flag_to_label (MK_OBSERVATION_FLAG_CRITICAL_LOW), ==, "Critically low");
  g_assert_cmpstr (mk_observation_flag_to_label (MK_OBSERVATION_FLAG_HIGH), ==, "High");
  g_assert_cmpstr (mk_observation_flag_to_label (MK_OBSERVATION_FLAG_NONE), ==, "");
}

static void
test_immunization_procedure_allergy (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MkImmunization) imm = mk_immunization_read (fixture ("Immunization", "imm1"), &error);
  g_autoptr(MkProcedure) proc = NULL;
  g_autoptr(MkProcedure) plain = NULL;
  g_autoptr(MkAllergyIntolerance) allergy = NULL;
  g_autoptr(JsonObject) plain_json = parse_object ("{ \"resourceType\": \"Procedure\", \"performedPeriod\": { \"start\": \"2025-01-01\", \"end\": \"2025-01-03\" } }");
  g_autoptr(JsonObject) bad_dose = parse_object ("{ \"resourceType\": \"Immunization\", \"protocolApplied\": [ { \"doseNumberPositiveInt\": \"два\" } ] }");
  g_autoptr(JsonObject) bad_reaction = parse_object ("{ \"resourceType\": \"AllergyIntolerance\", \"reaction\": [ { \"manifestation\": \"сыпь\" } ] }");

  g_assert_no_error (error);
  g_assert_cmpstr (imm->vaccine, ==, "АДС-М");
  g_assert_cmpstr (imm->vaccine_code, ==, "ADS-M");
  g_assert_cmpstr (imm->occurrence, ==, "2026-05-20");
  g_assert_cmpstr (imm->dose_number, ==, "2");
  g_assert_cmpstr (imm->series_doses, ==, "3");
  g_assert_cmpstr (imm->target_disease, ==, "Дифтерия, столбняк");
  g_assert_cmpstr (imm->lot_number, ==, "Н123-45");
  g_assert_cmpstr (imm->performer.display, ==, "Петров И. Н.");
  g_assert_cmpstr (imm->valid_until, ==, "2036-05-20");
  g_assert_cmpstr (imm->status, ==, "completed");

  proc = mk_procedure_read (fixture ("Procedure", "proc1"), &error);
  g_assert_no_error (error);
  g_assert_true (proc->is_medbook_exam);
  g_assert_cmpstr (proc->code_display, ==, "Периодический медицинский осмотр");
  g_assert_cmpstr (proc->performed, ==, "2026-02-01");
  g_assert_cmpstr (proc->outcome, ==, "Годен к работе");
  g_assert_cmpstr (proc->note, ==, "Без противопоказаний");
  g_assert_cmpstr (proc->valid_until, ==, "2027-02-01");
  g_assert_cmpstr (proc->performer.reference, ==, "Practitioner/doc1");

  plain = mk_procedure_read (plain_json, &error);
  g_assert_no_error (error);
  g_assert_false (plain->is_medbook_exam);
  g_assert_cmpstr (plain->performed, ==, "2025-01-01");
  g_assert_cmpstr (plain->performed_end, ==, "2025-01-03");
  g_assert_null (plain->valid_until);

  allergy = mk_allergy_intolerance_read (fixture ("AllergyIntolerance", "all1"), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (allergy->substance, ==, "Пенициллин");
  g_assert_cmpstr (allergy->criticality, ==, "high");
  g_assert_cmpstr (allergy->clinical_status, ==, "active");
  g_assert_cmpstr (allergy->category, ==, "medication");
  g_assert_cmpstr (allergy->manifestation, ==, "Крапивница, Отёк Квинке");
  g_assert_cmpstr (allergy->severity, ==, "severe");
  g_assert_cmpstr (allergy->recorded_date, ==, "2020-06-01");

  g_assert_null (mk_immunization_read (bad_dose, &error));
  g_assert_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (mk_allergy_intolerance_read (bad_reaction, &error));
  g_assert_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID);
}

/* ---- Appointments ------------------------------------------------------- */

static void
test_appointment_slot (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MkAppointment) app = mk_appointment_read (fixture ("Appointment", "app1"), &error);
  g_autoptr(MkSlot) slot = NULL;
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) end = NULL;
  g_autoptr(JsonObject) minimal_json = parse_object ("{ \"resourceType\": \"Appointment\", \"status\": \"cancelled\","
                                                     "  \"cancelationReason\": { \"text\": \"Болезнь врача\" } }");
  g_autoptr(JsonObject) bad_start = parse_object ("{ \"resourceType\": \"Appointment\", \"start\": 1700000000 }");
  g_autoptr(JsonObject) bad_slot = parse_object ("{ \"resourceType\": \"Slot\", \"overbooked\": \"no\" }");
  g_autoptr(MkAppointment) minimal = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (app->status, ==, "booked");
  g_assert_cmpstr (app->booking_code, ==, "ЗП-4821");
  g_assert_cmpstr (app->service_type, ==, "Приём терапевта");
  g_assert_cmpstr (app->specialty, ==, "Терапия");
  g_assert_true (app->is_telemedicine);
  g_assert_cmpstr (app->appointment_type, ==, "VR");
  g_assert_cmpint (app->minutes_duration, ==, 20);
  /* The Practitioner wins over the PractitionerRole listed before it. */
  g_assert_cmpstr (app->practitioner.reference, ==, "Practitioner/doc1");
  g_assert_cmpstr (app->practitioner.display, ==, "Петров Игорь Николаевич");
  g_assert_cmpstr (app->location.display, ==, "Кабинет 214");
  g_assert_cmpstr (app->organization.reference, ==, "Organization/gp1");
  g_assert_cmpstr (app->slot.reference, ==, "Slot/slot1");
  g_assert_cmpstr (app->patient_instruction, ==, "Полис ОМС, паспорт, результаты анализов");
  g_assert_cmpstr (app->description, ==, "Повторный приём");

  start = mk_appointment_dup_start (app);
  end = mk_appointment_dup_end (app);
  g_assert_nonnull (start);
  g_assert_cmpint (g_date_time_difference (end, start), ==, 20 * G_TIME_SPAN_MINUTE);
  g_assert_cmpint (g_date_time_get_hour (start), ==, 10);

  g_assert_cmpstr (mk_appointment_status_to_label ("booked"), ==, "Booked");
  g_assert_cmpstr (mk_appointment_status_to_label ("noshow"), ==, "No-show");
  g_assert_cmpstr (mk_appointment_status_to_label ("fulfilled"), ==, "Fulfilled");
  g_assert_cmpstr (mk_appointment_status_to_label ("something-new"), ==, "something-new");

  minimal = mk_appointment_read (minimal_json, &error);
  g_assert_no_error (error);
  g_assert_false (minimal->is_telemedicine);
  g_assert_cmpint (minimal->minutes_duration, ==, -1);
  g_assert_cmpstr (minimal->cancelation_reason, ==, "Болезнь врача");
  g_assert_null (mk_appointment_dup_start (minimal));

  g_assert_null (mk_appointment_read (bad_start, &error));
  g_assert_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID);
  g_clear_error (&error);

  slot = mk_slot_read (fixture ("Slot", "slot1"), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (slot->status, ==, "busy");
  g_assert_cmpstr (slot->schedule.reference, ==, "Schedule/sch1");
  g_assert_cmpstr (mk_slot_status_to_label (slot->status), ==, "Busy");
  g_assert_cmpstr (mk_slot_status_to_label ("free"), ==, "Free");

  g_assert_null (mk_slot_read (bad_slot, &error));
  g_assert_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID);
}

/* ---- Documents ---------------------------------------------------------- */

static void
test_document_binary (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MkDocumentReference) doc = mk_document_reference_read (fixture ("DocumentReference", "doc-snils"), &error);
  g_autoptr(MkBinary) binary = NULL;
  g_autoptr(GBytes) inline_data = NULL;
  g_autofree char *binary_id = NULL;
  g_autoptr(JsonObject) bad_size = parse_object ("{ \"resourceType\": \"DocumentReference\", \"content\": [ { \"attachment\": { \"size\": \"182 КБ\" } } ] }");
  g_autoptr(JsonObject) bad_base64 = parse_object ("{ \"resourceType\": \"Binary\", \"contentType\": \"image/png\", \"data\": \"iVBOR*w0K\" }");
  g_autoptr(JsonObject) bad_padding = parse_object ("{ \"resourceType\": \"Binary\", \"data\": \"QUJD=A==\" }");
  g_autoptr(JsonObject) no_content = parse_object ("{ \"resourceType\": \"DocumentReference\", \"status\": \"current\" }");
  g_autoptr(MkDocumentReference) empty = NULL;
  gsize size = 0;
  const char *bytes;

  g_assert_no_error (error);
  g_assert_cmpstr (doc->status, ==, "current");
  g_assert_cmpstr (doc->doc_status, ==, "final");
  g_assert_cmpstr (doc->type_code, ==, "snils");
  g_assert_cmpstr (doc->type, ==, "СНИЛС");
  g_assert_cmpstr (doc->category, ==, "Личные документы");
  g_assert_cmpstr (doc->description, ==, "Скан СНИЛС");
  g_assert_cmpstr (doc->author.display, ==, "Иванова А. С.");
  g_assert_cmpstr (doc->content_type, ==, "application/pdf");
  g_assert_cmpint (doc->size, ==, 182044);
  g_assert_cmpstr (doc->title, ==, "Иванова_Анна_СНИЛС.pdf");
  g_assert_cmpstr (doc->url, ==, "Binary/bin1");
  g_assert_cmpstr (doc->hash, ==, "2jmj7l5rSw0yVb/vlWAYkK/YBwk=");
  g_assert_cmpstr (doc->creation, ==, "2026-01-05");

  binary_id = mk_document_reference_dup_binary_id (doc);
  g_assert_cmpstr (binary_id, ==, "bin1");
  inline_data = mk_document_reference_decode_data (doc, &error);
  g_assert_no_error (error);
  bytes = g_bytes_get_data (inline_data, &size);
  g_assert_cmpmem (bytes, size, "%PDF-1.4\n", 9);

  empty = mk_document_reference_read (no_content, &error);
  g_assert_no_error (error);
  g_assert_cmpint (empty->size, ==, -1);
  g_assert_null (empty->url);
  g_assert_null (mk_document_reference_dup_binary_id (empty));
  g_assert_null (mk_document_reference_decode_data (empty, &error));
  g_assert_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_null (mk_document_reference_read (bad_size, &error));
  g_assert_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID);
  g_clear_error (&error);

  binary = mk_binary_read (fixture ("Binary", "bin1"), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (binary->content_type, ==, "application/pdf");
  bytes = g_bytes_get_data (binary->data, &size);
  g_assert_cmpmem (bytes, size, "%PDF-1.4\n", 9);

  g_assert_null (mk_binary_read (bad_base64, &error));
  g_assert_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_null (mk_binary_read (bad_padding, &error));
  g_assert_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID_DATA);
}

/* ---- Prescriptions ------------------------------------------------------ */

static void
test_medication_request (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MkMedicationRequest) rx = mk_medication_request_read (fixture ("MedicationRequest", "rx1"), &error);
  g_autoptr(JsonObject) text_json = parse_object ("{ \"resourceType\": \"MedicationRequest\", \"status\": \"draft\","
                                                  "  \"medicationReference\": { \"reference\": \"Medication/m1\", \"display\": \"Ибупрофен 200 мг\" },"
                                                  "  \"dosageInstruction\": [ { \"text\": \"По 1 таблетке при боли\","
                                                  "    \"timing\": { \"repeat\": { \"boundsDuration\": { \"value\": 5, \"code\": \"d\" } } } } ] }");
  g_autoptr(JsonObject) bad_dispense = parse_object ("{ \"resourceType\": \"MedicationRequest\", \"dispenseRequest\": [ {} ] }");
  g_autoptr(JsonObject) bad_repeats = parse_object ("{ \"resourceType\": \"MedicationRequest\", \"dispenseRequest\": { \"numberOfRepeatsAllowed\": \"один\" } }");
  g_autoptr(MkMedicationRequest) text_rx = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (rx->status, ==, "active");
  g_assert_cmpstr (rx->intent, ==, "order");
  g_assert_cmpstr (rx->medication, ==, "Амоксициллин 500 мг, капсулы");
  g_assert_cmpstr (rx->dosage_text, ==, "1 капс., 3 times a day");
  g_assert_cmpstr (rx->period_start, ==, "2026-01-12");
  g_assert_cmpstr (rx->period_end, ==, "2026-01-18");
  g_assert_cmpstr (rx->authored_on, ==, "2026-01-12");
  g_assert_cmpstr (rx->requester.display, ==, "Петров И. Н.");
  g_assert_cmpstr (rx->prescription_code, ==, "RX-7781-2290");
  g_assert_cmpstr (rx->validity_start, ==, "2026-01-12");
  g_assert_cmpstr (rx->validity_end, ==, "2026-03-12");
  g_assert_cmpstr (rx->stage, ==, "sent");
  g_assert_cmpstr (rx->pharmacy, ==, "Аптека «Ригла», ул. Тверская, 7");
  g_assert_cmpint (rx->number_of_repeats_allowed, ==, 0);

  text_rx = mk_medication_request_read (text_json, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text_rx->medication, ==, "Ибупрофен 200 мг");
  g_assert_cmpstr (text_rx->dosage_text, ==, "По 1 таблетке при боли");
  g_assert_cmpfloat (text_rx->duration, ==, 5.0);
  g_assert_cmpstr (text_rx->duration_unit, ==, "d");
  g_assert_cmpint (text_rx->number_of_repeats_allowed, ==, -1);
  g_assert_null (text_rx->prescription_code);

  g_assert_null (mk_medication_request_read (bad_dispense, &error));
  g_assert_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (mk_medication_request_read (bad_repeats, &error));
  g_assert_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID);
}

static MkMedicationRequest *
make_rx (const char *status,
         const char *stage,
         const char *validity_end)
{
  MkMedicationRequest *rx = g_new0 (MkMedicationRequest, 1);

  rx->status = g_strdup (status);
  rx->stage = g_strdup (stage);
  rx->validity_end = g_strdup (validity_end);
  rx->number_of_repeats_allowed = -1;
  return rx;
}

static MkPrescriptionState
state_at (MkMedicationRequest *rx,
          GDateTime           *now)
{
  g_autoptr(GDateTime) owned = now;

  return mk_medication_request_get_state (rx, owned);
}

static void
test_prescription_states (void)
{
  g_autoptr(MkMedicationRequest) sent = make_rx ("active", "sent", "2026-03-12");
  g_autoptr(MkMedicationRequest) issued = make_rx ("active", NULL, "2026-03-12");
  g_autoptr(MkMedicationRequest) open_ended = make_rx ("active", NULL, NULL);
  g_autoptr(MkMedicationRequest) timed = make_rx ("active", NULL, "2026-03-12T12:00:00+03:00");
  g_autoptr(MkMedicationRequest) dispensed = make_rx ("completed", "sent", "2026-03-12");
  g_autoptr(MkMedicationRequest) cancelled = make_rx ("cancelled", NULL, "2026-03-12");
  g_autoptr(MkMedicationRequest) error_rx = make_rx ("entered-in-error", NULL, NULL);
  g_autoptr(MkMedicationRequest) stopped = make_rx ("stopped", NULL, NULL);
  g_autoptr(MkMedicationRequest) draft = make_rx ("draft", NULL, NULL);
  g_autoptr(MkMedicationRequest) signed_rx = make_rx ("draft", "signed", NULL);
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) end = mk_medication_request_dup_validity_end (issued);

  /* The end date is inclusive: the validity ends at the next local midnight. */
  g_assert_cmpint (g_date_time_get_day_of_month (end), ==, 13);
  g_assert_cmpint (g_date_time_get_hour (end), ==, 0);

  /* Far from the end. */
  g_assert_cmpint (state_at (sent, moscow (2026, 2, 1, 12, 0, 0)), ==, MK_PRESCRIPTION_STATE_SENT);
  g_assert_cmpint (state_at (issued, moscow (2026, 2, 1, 12, 0, 0)), ==, MK_PRESCRIPTION_STATE_ISSUED);
  /* The 3-day boundary: 3 days + 1 s left → still sent; exactly 3 days → expiring. */
  g_assert_cmpint (state_at (sent, moscow (2026, 3, 9, 23, 59, 59)), ==, MK_PRESCRIPTION_STATE_SENT);
  g_assert_cmpint (state_at (sent, moscow (2026, 3, 10, 0, 0, 0)), ==, MK_PRESCRIPTION_STATE_EXPIRING);
  g_assert_cmpint (state_at (issued, moscow (2026, 3, 11, 9, 0, 0)), ==, MK_PRESCRIPTION_STATE_EXPIRING);
  /* Valid through the last day, in local time. */
  g_assert_cmpint (state_at (sent, moscow (2026, 3, 12, 23, 59, 59)), ==, MK_PRESCRIPTION_STATE_EXPIRING);
  g_assert_cmpint (state_at (sent, moscow (2026, 3, 13, 0, 0, 0)), ==, MK_PRESCRIPTION_STATE_EXPIRED);
  g_assert_cmpint (state_at (issued, moscow (2027, 1, 1, 0, 0, 0)), ==, MK_PRESCRIPTION_STATE_EXPIRED);
  /* The same instants given in UTC. */
  g_assert_cmpint (state_at (sent, g_date_time_new (utc, 2026, 3, 12, 20, 59, 59)), ==, MK_PRESCRIPTION_STATE_EXPIRING);
  g_assert_cmpint (state_at (sent, g_date_time_new (utc, 2026, 3, 12, 21, 0, 0)), ==, MK_PRESCRIPTION_STATE_EXPIRED);
  /* A validity end with a time is that instant. */
  g_assert_cmpint (state_at (timed, moscow (2026, 3, 12, 11, 59, 59)), ==, MK_PRESCRIPTION_STATE_EXPIRING);
  g_assert_cmpint (state_at (timed, moscow (2026, 3, 12, 12, 0, 0)), ==, MK_PRESCRIPTION_STATE_EXPIRED);
  /* No validity end: never expires. */
  g_assert_cmpint (state_at (open_ended, moscow (2030, 1, 1, 0, 0, 0)), ==, MK_PRESCRIPTION_STATE_ISSUED);
  /* Final statuses override the clock. */
  g_assert_cmpint (state_at (dispensed, moscow (2026, 3, 20, 0, 0, 0)), ==, MK_PRESCRIPTION_STATE_DISPENSED);
  g_assert_cmpint (state_at (dispensed, moscow (2026, 3, 11, 0, 0, 0)), ==, MK_PRESCRIPTION_STATE_DISPENSED);
  g_assert_cmpint (state_at (cancelled, moscow (2026, 3, 11, 0, 0, 0)), ==, MK_PRESCRIPTION_STATE_CANCELLED);
  g_assert_cmpint (state_at (cancelled, moscow (2026, 3, 20, 0, 0, 0)), ==, MK_PRESCRIPTION_STATE_CANCELLED);
  g_assert_cmpint (state_at (error_rx, moscow (2026, 3, 1, 0, 0, 0)), ==, MK_PRESCRIPTION_STATE_CANCELLED);
  g_assert_cmpint (state_at (stopped, moscow (2026, 3, 1, 0, 0, 0)), ==, MK_PRESCRIPTION_STATE_CANCELLED);
  g_assert_cmpint (state_at (draft, moscow (2026, 3, 1, 0, 0, 0)), ==, MK_PRESCRIPTION_STATE_DRAFT);
  g_assert_cmpint (state_at (signed_rx, moscow (2026, 3, 1, 0, 0, 0)), ==, MK_PRESCRIPTION_STATE_SIGNED);

  g_assert_cmpstr (mk_prescription_state_to_label (MK_PRESCRIPTION_STATE_SENT), ==, "Sent to pharmacy");
  g_assert_cmpstr (mk_prescription_state_to_label (MK_PRESCRIPTION_STATE_EXPIRING), ==, "Expiring soon");
  g_assert_cmpstr (mk_prescription_state_to_label (MK_PRESCRIPTION_STATE_CANCELLED), ==, "Cancelled");
}

/* ---- Access ------------------------------------------------------------- */

static void
test_consent_audit (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MkConsent) consent = mk_consent_read (fixture ("Consent", "cons1"), &error);
  g_autoptr(MkAuditEvent) event = NULL;
  g_autoptr(JsonObject) bad_consent = parse_object ("{ \"resourceType\": \"Consent\", \"provision\": { \"actor\": [ { \"reference\": \"Organization/x\" } ] } }");
  g_autoptr(JsonObject) bad_agent = parse_object ("{ \"resourceType\": \"AuditEvent\", \"agent\": [ { \"requestor\": \"true\" } ] }");
  g_autoptr(JsonObject) minimal_consent = parse_object ("{ \"resourceType\": \"Consent\", \"status\": \"inactive\" }");
  g_autoptr(MkConsent) minimal = NULL;
  MkFhirReference *actor;

  g_assert_no_error (error);
  g_assert_cmpstr (consent->status, ==, "active");
  g_assert_cmpstr (consent->scope, ==, "patient-privacy");
  g_assert_cmpstr (consent->category, ==, "Доступ к ЭМК");
  g_assert_cmpstr (consent->provision_type, ==, "permit");
  g_assert_cmpstr (consent->period_start, ==, "2026-01-05");
  g_assert_cmpstr (consent->period_end, ==, "2027-01-05");
  g_assert_cmpstr (consent->organization.display, ==, "ГП № 3");
  g_assert_cmpuint (consent->actors->len, ==, 1);
  actor = g_ptr_array_index (consent->actors, 0);
  g_assert_cmpstr (actor->reference, ==, "Organization/gp1");
  g_assert_cmpstr (mk_consent_status_to_label (consent->status), ==, "Active");

  minimal = mk_consent_read (minimal_consent, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (minimal->actors->len, ==, 0);
  g_assert_cmpstr (mk_consent_status_to_label (minimal->status), ==, "Revoked");

  /* provision.actor[].reference must be a Reference object. */
  g_assert_null (mk_consent_read (bad_consent, &error));
  g_assert_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID);
  g_clear_error (&error);

  event = mk_audit_event_read (fixture ("AuditEvent", "ae1"), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (event->action, ==, "R");
  g_assert_cmpstr (event->recorded, ==, "2026-01-14T11:02:03+03:00");
  g_assert_cmpstr (event->type, ==, "RESTful Operation");
  g_assert_cmpstr (event->subtype, ==, "read");
  /* The requestor, not the first agent. */
  g_assert_cmpstr (event->who.reference, ==, "Practitioner/doc1");
  g_assert_cmpstr (event->who.display, ==, "Петров И. Н.");
  g_assert_cmpstr (event->network_address, ==, "10.0.0.15");
  g_assert_cmpstr (event->what.reference, ==, "Observation/obs-k");
  g_assert_true (mk_audit_event_is_success (event));
  g_assert_cmpstr (mk_audit_event_action_to_label (event->action), ==, "View");

  g_assert_null (mk_audit_event_read (bad_agent, &error));
  g_assert_error (error, MK_FHIR_ERROR, MK_FHIR_ERROR_INVALID);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  load_fixture ();

  g_test_add_func ("/fhir/helpers/getters", test_helpers_getters);
  g_test_add_func ("/fhir/helpers/references", test_helpers_references);
  g_test_add_func ("/fhir/helpers/concepts", test_helpers_concepts);
  g_test_add_func ("/fhir/helpers/dates", test_helpers_dates);
  g_test_add_func ("/fhir/profile/patient", test_patient);
  g_test_add_func ("/fhir/profile/patient-minimal-malformed", test_patient_minimal_and_malformed);
  g_test_add_func ("/fhir/profile/organization-practitioner", test_organization_practitioner);
  g_test_add_func ("/fhir/records/encounter-condition", test_encounter_condition);
  g_test_add_func ("/fhir/records/observation-report", test_observation_report);
  g_test_add_func ("/fhir/records/observation-flags", test_observation_flags);
  g_test_add_func ("/fhir/records/immunization-procedure-allergy", test_immunization_procedure_allergy);
  g_test_add_func ("/fhir/visits/appointment-slot", test_appointment_slot);
  g_test_add_func ("/fhir/documents/document-binary", test_document_binary);
  g_test_add_func ("/fhir/prescriptions/medication-request", test_medication_request);
  g_test_add_func ("/fhir/prescriptions/states", test_prescription_states);
  g_test_add_func ("/fhir/access/consent-audit", test_consent_audit);

  ret = g_test_run ();
  json_node_unref (fixture_root);
  return ret;
}
