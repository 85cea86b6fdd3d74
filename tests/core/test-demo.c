/* test-demo.c — the embedded demo card
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "mk-demo.h"
#include "mk-store.h"
#include "mk-test-util.h"

typedef struct
{
  char    *dir;
  MkStore *store;
  guint    n_changed;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->store = mk_test_open_store ("medkarta-demo-XXXXXX", NULL, &fixture->dir, NULL,
                                       &fixture->n_changed);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  mk_test_close_store (fixture->store, fixture->dir);
  g_free (fixture->dir);
}

/* ------------------------------------------------------------------ helpers */

static GDateTime *
local_time (const char *iso)
{
  int y, m, d, hh, mm;

  g_assert_cmpint (sscanf (iso, "%d-%d-%d %d:%d", &y, &m, &d, &hh, &mm), ==, 5);
  return g_date_time_new_local (y, m, d, hh, mm, 0);
}

/* "YYYY-MM-DD" of @anchor's local day + @days. */
static char *
day_string (GDateTime *anchor,
            int        days)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (anchor);
  g_autoptr(GDateTime) noon = g_date_time_new_local (g_date_time_get_year (local),
                                                     g_date_time_get_month (local),
                                                     g_date_time_get_day_of_month (local),
                                                     12, 0, 0);
  g_autoptr(GDateTime) shifted = g_date_time_add_days (noon, days);

  return g_date_time_format (shifted, "%Y-%m-%d");
}

/* Every resource of @type (NULL: all), in date order. */
static GPtrArray *
all_of (MkStore    *store,
        const char *type,
        const char *kind)
{
  g_autoptr(MkQuery) query = mk_query_new ();
  g_autoptr(GError) error = NULL;
  GPtrArray *items;

  if (type != NULL)
    mk_query_add_type (query, type);
  if (kind != NULL)
    mk_query_add_kind (query, kind);
  items = mk_store_query_page (store, query, 0, 100000, &error);
  g_assert_no_error (error);
  g_assert_nonnull (items);
  return items;
}

static JsonObject *
object_of (MkResource *resource)
{
  JsonObject *object = mk_resource_get_object (resource);

  g_assert_nonnull (object);
  return object;
}

static const char *
path_string (JsonObject *object,
             const char *member)
{
  if (object == NULL || !json_object_has_member (object, member))
    return NULL;
  return json_object_get_string_member (object, member);
}

static JsonObject *
path_object (JsonObject *object,
             const char *member)
{
  if (object == NULL || !json_object_has_member (object, member))
    return NULL;
  return json_object_get_object_member (object, member);
}

static const char *
extension_value (JsonObject *object,
                 const char *url,
                 const char *value_member)
{
  JsonArray *extensions;

  if (!json_object_has_member (object, "extension"))
    return NULL;
  extensions = json_object_get_array_member (object, "extension");
  for (guint i = 0; i < json_array_get_length (extensions); i++)
    {
      JsonObject *ext = json_array_get_object_element (extensions, i);

      if (g_strcmp0 (path_string (ext, "url"), url) == 0)
        return path_string (ext, value_member);
    }
  return NULL;
}

static const char *
identifier_value (JsonObject *object,
                  const char *system)
{
  JsonArray *identifiers;

  if (!json_object_has_member (object, "identifier"))
    return NULL;
  identifiers = json_object_get_array_member (object, "identifier");
  for (guint i = 0; i < json_array_get_length (identifiers); i++)
    {
      JsonObject *identifier = json_array_get_object_element (identifiers, i);

      if (g_strcmp0 (path_string (identifier, "system"), system) == 0)
        return path_string (identifier, "value");
    }
  return NULL;
}

static gboolean
snils_is_valid (const char *snils)
{
  int sum = 0, control;

  if (snils == NULL || strlen (snils) != 11)
    return FALSE;
  for (int i = 0; i < 11; i++)
    if (!g_ascii_isdigit (snils[i]))
      return FALSE;
  for (int i = 0; i < 9; i++)
    sum += (snils[i] - '0') * (9 - i);
  control = sum < 100 ? sum : (sum == 100 || sum == 101) ? 0 : (sum % 101) % 100;
  return control == (snils[9] - '0') * 10 + (snils[10] - '0');
}

static gboolean
inn12_is_valid (const char *inn)
{
  static const int w11[] = { 7, 2, 4, 10, 3, 5, 9, 4, 6, 8 };
  static const int w12[] = { 3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8 };
  int s11 = 0, s12 = 0;

  if (inn == NULL || strlen (inn) != 12)
    return FALSE;
  for (int i = 0; i < 10; i++)
    s11 += (inn[i] - '0') * w11[i];
  for (int i = 0; i < 11; i++)
    s12 += (inn[i] - '0') * w12[i];
  return s11 % 11 % 10 == inn[10] - '0' && s12 % 11 % 10 == inn[11] - '0';
}

static gboolean
inn10_is_valid (const char *inn)
{
  static const int w[] = { 2, 4, 10, 3, 5, 9, 4, 6, 8 };
  int s = 0;

  if (inn == NULL || strlen (inn) != 10)
    return FALSE;
  for (int i = 0; i < 9; i++)
    s += (inn[i] - '0') * w[i];
  return s % 11 % 10 == inn[9] - '0';
}

static gboolean
ogrn_is_valid (const char *ogrn)
{
  g_autofree char *first12 = NULL;

  if (ogrn == NULL || strlen (ogrn) != 13)
    return FALSE;
  first12 = g_strndup (ogrn, 12);
  return g_ascii_strtoull (first12, NULL, 10) % 11 % 10 == (guint64) (ogrn[12] - '0');
}

/* ------------------------------------------------------------------ expand */

static void
test_expand_tokens (void)
{
  static const char *template =
    "{\"d\": \"@date(-1)\", \"d0\": \"@date(0)\", \"d1\": \"@date(+1)\","
    " \"y\": \"@date(+365)\", \"back\": \"@date(-1461)\","
    " \"dt\": \"@datetime(+1, 10:30)\", \"in\": \"@instant(+1, 10:30)\","
    " \"late\": \"@instant(0, 01:15)\","
    " \"arr\": [\"@date(+2)\", 5, null, true, \"a@b\", {\"@date(1)\": \"@size(files/polis-oms.jpg)\"}],"
    " \"sha\": \"@sha1(files/analizy-oak.pdf)\", \"file\": \"@file(files/analizy-oak.pdf)\"}";
  g_autoptr(GDateTime) anchor = local_time ("2028-02-29 09:00");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GBytes) pdf = NULL;
  g_autofree char *out = NULL;
  g_autofree char *sha = NULL;
  g_autofree guchar *decoded = NULL;
  JsonObject *root;
  JsonObject *inner;
  JsonNode *size;
  gsize decoded_len;

  out = mk_demo_expand (template, -1, anchor, &error);
  g_assert_no_error (error);
  g_assert_nonnull (out);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));

  g_assert_cmpstr (json_object_get_string_member (root, "d"), ==, "2028-02-28");
  g_assert_cmpstr (json_object_get_string_member (root, "d0"), ==, "2028-02-29");
  g_assert_cmpstr (json_object_get_string_member (root, "d1"), ==, "2028-03-01");
  g_assert_cmpstr (json_object_get_string_member (root, "y"), ==, "2029-02-28");
  g_assert_cmpstr (json_object_get_string_member (root, "back"), ==, "2024-02-29");
  /* The tests run in Europe/Moscow: UTC+3 all year. */
  g_assert_cmpstr (json_object_get_string_member (root, "dt"), ==, "2028-03-01T10:30:00+03:00");
  g_assert_cmpstr (json_object_get_string_member (root, "in"), ==, "2028-03-01T07:30:00Z");
  g_assert_cmpstr (json_object_get_string_member (root, "late"), ==, "2028-02-28T22:15:00Z");

  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (root, "arr"), 0), ==, "2028-03-02");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (root, "arr"), 4), ==, "a@b");
  inner = json_array_get_object_element (json_object_get_array_member (root, "arr"), 5);
  /* Member names are never tokens; @size becomes a JSON integer. */
  size = json_object_get_member (inner, "@date(1)");
  g_assert_nonnull (size);
  g_assert_cmpint (json_node_get_value_type (size), ==, G_TYPE_INT64);
  g_assert_cmpint (json_node_get_int (size), >, 1000);

  pdf = g_resources_lookup_data ("/io/github/medkarta/Medkarta/demo/files/analizy-oak.pdf", 0, &error);
  g_assert_no_error (error);
  decoded = g_base64_decode (json_object_get_string_member (root, "file"), &decoded_len);
  g_assert_cmpmem (decoded, decoded_len, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf));
  {
    g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA1);
    guint8 digest[20];
    gsize len = sizeof digest;

    g_checksum_update (checksum, decoded, decoded_len);
    g_checksum_get_digest (checksum, digest, &len);
    sha = g_base64_encode (digest, len);
  }
  g_assert_cmpstr (json_object_get_string_member (root, "sha"), ==, sha);
}

static void
test_expand_errors (void)
{
  static const struct { const char *json; int code; } cases[] = {
    { "{\"a\": \"@tomorrow\"}", MK_DEMO_ERROR_INVALID_TOKEN },
    { "{\"a\": \"@unknown(1)\"}", MK_DEMO_ERROR_INVALID_TOKEN },
    { "{\"a\": \"@date(1x)\"}", MK_DEMO_ERROR_INVALID_TOKEN },
    { "{\"a\": \"@date()\"}", MK_DEMO_ERROR_INVALID_TOKEN },
    { "{\"a\": [\"@date(+1\"]}", MK_DEMO_ERROR_INVALID_TOKEN },
    { "{\"a\": \"@datetime(+1, 24:00)\"}", MK_DEMO_ERROR_INVALID_TOKEN },
    { "{\"a\": \"@datetime(+1,10:30)\"}", MK_DEMO_ERROR_INVALID_TOKEN },
    { "{\"a\": \"@instant(+1, 9:30)\"}", MK_DEMO_ERROR_INVALID_TOKEN },
    { "{\"a\": \"@date(9999999)\"}", MK_DEMO_ERROR_INVALID_TOKEN },
    { "{\"a\": \"@file(../demo-card.json)\"}", MK_DEMO_ERROR_INVALID_TOKEN },
    { "{\"a\": \"@file(files/../demo-card.json)\"}", MK_DEMO_ERROR_INVALID_TOKEN },
    { "{\"a\": \"@sha1(files/missing.pdf)\"}", MK_DEMO_ERROR_MISSING_FILE },
    { "{\"a\": ", MK_DEMO_ERROR_INVALID_JSON },
  };
  g_autoptr(GDateTime) anchor = local_time ("2026-06-15 12:00");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = mk_demo_expand (cases[i].json, -1, anchor, &error);

      g_test_message ("case %u: %s", i, cases[i].json);
      g_assert_null (out);
      g_assert_error (error, MK_DEMO_ERROR, cases[i].code);
      g_assert_nonnull (error->message);
    }
}

/* ------------------------------------------------------------------ write */

static void
check_patient (MkStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MkResource) patient = NULL;
  g_autoptr(MkResource) clinic = NULL;
  g_autofree char *meta_patient = NULL;
  JsonObject *object;
  JsonObject *name;
  JsonArray *gp;
  const char *family;

  patient = mk_store_get_resource (store, "Patient", MK_DEMO_PATIENT_ID, &error);
  g_assert_no_error (error);
  object = object_of (patient);
  name = json_array_get_object_element (json_object_get_array_member (object, "name"), 0);
  family = path_string (name, "family");
  g_assert_nonnull (strchr (family, '-'));
  g_assert_nonnull (strstr (path_string (name, "text"), "ё"));
  g_assert_cmpstr (path_string (object, "gender"), ==, "female");
  g_assert_true (g_str_has_prefix (path_string (object, "birthDate"), "1988-"));

  g_assert_true (snils_is_valid (identifier_value (object, "urn:oid:1.2.643.100.3")));
  g_assert_true (inn12_is_valid (identifier_value (object, "urn:oid:1.2.643.3.131.1.1")));
  g_assert_cmpuint (strlen (identifier_value (object, "https://medkarta.github.io/fhir/sid/oms")), ==, 16);
  g_assert_cmpuint (strlen (identifier_value (object, "https://medkarta.github.io/fhir/sid/passport-rf")), ==, 10);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "address")), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "telecom")), ==, 2);

  gp = json_object_get_array_member (object, "generalPractitioner");
  clinic = mk_store_resolve_reference (store,
                                       path_string (json_array_get_object_element (gp, 0), "reference"),
                                       &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mk_resource_get_resource_type (clinic), ==, "Organization");
  g_assert_true (inn10_is_valid (identifier_value (object_of (clinic), "urn:oid:1.2.643.100.4")));
  g_assert_true (ogrn_is_valid (identifier_value (object_of (clinic), "urn:oid:1.2.643.100.1")));

  meta_patient = mk_store_get_meta (store, "patient", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (meta_patient, ==, "Patient/" MK_DEMO_PATIENT_ID);
}

static void
check_practitioners (MkStore *store)
{
  g_autoptr(GPtrArray) practitioners = all_of (store, "Practitioner", NULL);
  g_autoptr(GPtrArray) roles = all_of (store, "PractitionerRole", NULL);
  g_autoptr(GPtrArray) organizations = all_of (store, "Organization", NULL);
  g_autoptr(GHashTable) specialties = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) role_orgs = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (practitioners->len, >=, 5);
  g_assert_cmpuint (organizations->len, >=, 3);
  for (guint i = 0; i < practitioners->len; i++)
    {
      JsonObject *object = object_of (g_ptr_array_index (practitioners, i));

      g_assert_true (snils_is_valid (identifier_value (object, "urn:oid:1.2.643.100.3")));
      g_assert_true (inn12_is_valid (identifier_value (object, "urn:oid:1.2.643.3.131.1.1")));
    }
  for (guint i = 0; i < organizations->len; i++)
    {
      JsonObject *object = object_of (g_ptr_array_index (organizations, i));

      g_assert_true (inn10_is_valid (identifier_value (object, "urn:oid:1.2.643.100.4")));
      g_assert_true (ogrn_is_valid (identifier_value (object, "urn:oid:1.2.643.100.1")));
    }
  for (guint i = 0; i < roles->len; i++)
    {
      JsonObject *object = object_of (g_ptr_array_index (roles, i));
      JsonArray *specialty = json_object_get_array_member (object, "specialty");

      g_hash_table_add (specialties, (gpointer) path_string (json_array_get_object_element (specialty, 0), "text"));
      g_hash_table_add (role_orgs, (gpointer) path_string (path_object (object, "organization"), "reference"));
    }
  g_assert_cmpuint (g_hash_table_size (specialties), >=, 5);
  g_assert_cmpuint (g_hash_table_size (role_orgs), >=, 2);
}

static gboolean
in_range_by_value (JsonObject *object,
                   gboolean   *out_of_range)
{
  JsonObject *quantity = path_object (object, "valueQuantity");
  JsonArray *ranges;
  JsonObject *range;
  double value, low, high;

  if (quantity == NULL || !json_object_has_member (object, "referenceRange"))
    return FALSE;
  ranges = json_object_get_array_member (object, "referenceRange");
  range = json_array_get_object_element (ranges, 0);
  value = json_object_get_double_member (quantity, "value");
  low = json_object_get_double_member (path_object (range, "low"), "value");
  high = json_object_get_double_member (path_object (range, "high"), "value");
  g_assert_cmpstr (path_string (quantity, "system"), ==, "http://unitsofmeasure.org");
  g_assert_nonnull (path_string (quantity, "code"));
  *out_of_range = value < low || value > high;
  return TRUE;
}

static void
check_labs (MkStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MkQuery) query = mk_query_new ();
  g_autoptr(GPtrArray) labs = NULL;
  g_autoptr(GPtrArray) reports = NULL;
  g_autoptr(GPtrArray) vitals = NULL;
  guint n_labs, n_out = 0;

  mk_query_add_kind (query, "lab");
  n_labs = mk_store_query_count (store, query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_labs, >=, 60);

  labs = all_of (store, "Observation", "lab");
  g_assert_cmpuint (labs->len, ==, n_labs);
  for (guint i = 0; i < labs->len; i++)
    {
      JsonObject *object = object_of (g_ptr_array_index (labs, i));
      JsonArray *interpretation = json_object_get_array_member (object, "interpretation");
      JsonObject *coding = json_array_get_object_element (
          json_object_get_array_member (json_array_get_object_element (interpretation, 0), "coding"), 0);
      const char *code = path_string (coding, "code");
      gboolean out_of_range = FALSE;

      g_assert_true (in_range_by_value (object, &out_of_range));
      /* The flag agrees with the value and the range. */
      g_assert_cmpint (out_of_range, ==, g_strcmp0 (code, "N") != 0);
      g_assert_cmpstr (path_string (json_array_get_object_element (
          json_object_get_array_member (path_object (object, "code"), "coding"), 0), "system"), ==, "http://loinc.org");
      if (out_of_range)
        n_out++;
    }
  g_assert_cmpuint (n_out, >=, 8);

  reports = all_of (store, "DiagnosticReport", NULL);
  g_assert_cmpuint (reports->len, >=, 8);
  for (guint i = 0; i < reports->len; i++)
    {
      JsonArray *results = json_object_get_array_member (object_of (g_ptr_array_index (reports, i)), "result");

      g_assert_cmpuint (json_array_get_length (results), >=, 1);
      for (guint j = 0; j < json_array_get_length (results); j++)
        {
          g_autoptr(MkResource) obs = mk_store_resolve_reference (
              store, path_string (json_array_get_object_element (results, j), "reference"), &error);
          g_assert_no_error (error);
          g_assert_cmpstr (mk_resource_get_kind (obs), ==, "lab");
        }
    }

  vitals = all_of (store, "Observation", "vital");
  g_assert_cmpuint (vitals->len, >=, 3);
}

static void
check_appointments (MkStore   *store,
                    GDateTime *anchor)
{
  g_autoptr(GPtrArray) appointments = all_of (store, "Appointment", NULL);
  g_autoptr(GPtrArray) slots = all_of (store, "Slot", NULL);
  g_autofree char *tomorrow = day_string (anchor, 1);
  guint n_tomorrow = 0, n_free = 0;
  gboolean seen_fulfilled = FALSE, seen_noshow = FALSE, seen_cancelled = FALSE, seen_telemed = FALSE;
  guint n_booked = 0;

  g_assert_cmpuint (appointments->len, >=, 6);
  for (guint i = 0; i < appointments->len; i++)
    {
      JsonObject *object = object_of (g_ptr_array_index (appointments, i));
      const char *status = path_string (object, "status");
      g_autoptr(GDateTime) start = g_date_time_new_from_iso8601 (path_string (object, "start"), NULL);
      g_autoptr(GDateTime) local = NULL;
      g_autofree char *start_day = NULL;

      g_assert_nonnull (start);
      local = g_date_time_to_local (start);
      start_day = g_date_time_format (local, "%Y-%m-%d");

      if (g_str_equal (status, "fulfilled"))
        seen_fulfilled = TRUE;
      else if (g_str_equal (status, "noshow"))
        seen_noshow = TRUE;
      else if (g_str_equal (status, "cancelled"))
        {
          seen_cancelled = TRUE;
          g_assert_nonnull (path_object (object, "cancelationReason"));
        }
      else if (g_str_equal (status, "booked"))
        {
          g_autoptr(GDateTime) now = g_date_time_to_local (anchor);

          n_booked++;
          /* Every planned visit is after the anchor day. */
          g_assert_cmpint (g_date_time_compare (local, now), >, 0);
          g_assert_nonnull (identifier_value (object, "https://medkarta.github.io/fhir/sid/booking-code"));
          if (g_str_equal (start_day, tomorrow))
            {
              n_tomorrow++;
              g_assert_cmpint (g_date_time_get_hour (local), ==, 10);
              g_assert_cmpint (g_date_time_get_minute (local), ==, 30);
              g_assert_cmpstr (path_string (object, "patientInstruction"), ==,
                               "Паспорт, полис ОМС, результаты анализов");
            }
        }
      if (strstr (mk_resource_get_json (g_ptr_array_index (appointments, i)), "Телемедицин") != NULL)
        seen_telemed = TRUE;
    }
  g_assert_true (seen_fulfilled);
  g_assert_true (seen_noshow);
  g_assert_true (seen_cancelled);
  g_assert_true (seen_telemed);
  g_assert_cmpuint (n_booked, >=, 3);
  g_assert_cmpuint (n_tomorrow, ==, 1);

  for (guint i = 0; i < slots->len; i++)
    if (g_strcmp0 (path_string (object_of (g_ptr_array_index (slots, i)), "status"), "free") == 0)
      n_free++;
  g_assert_cmpuint (n_free, >=, 3);
}

static void
check_documents (MkStore *store)
{
  g_autoptr(GPtrArray) documents = all_of (store, "DocumentReference", NULL);
  guint n_pdf = 0, n_jpeg = 0, n_png = 0;

  g_assert_cmpuint (documents->len, >=, 6);
  for (guint i = 0; i < documents->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MkResource) binary = NULL;
      g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA1);
      g_autofree guchar *bytes = NULL;
      g_autofree char *hash = NULL;
      JsonObject *object = object_of (g_ptr_array_index (documents, i));
      JsonArray *content = json_object_get_array_member (object, "content");
      JsonObject *attachment = path_object (json_array_get_object_element (content, 0), "attachment");
      JsonNode *size_node = json_object_get_member (attachment, "size");
      const char *content_type = path_string (attachment, "contentType");
      guint8 digest[20];
      gsize digest_len = sizeof digest;
      gsize len;

      binary = mk_store_resolve_reference (store, path_string (attachment, "url"), &error);
      g_assert_no_error (error);
      g_assert_cmpstr (mk_resource_get_resource_type (binary), ==, "Binary");
      g_assert_cmpstr (path_string (object_of (binary), "contentType"), ==, content_type);
      bytes = g_base64_decode (path_string (object_of (binary), "data"), &len);

      g_assert_cmpint (json_node_get_value_type (size_node), ==, G_TYPE_INT64);
      g_assert_cmpint (json_node_get_int (size_node), ==, (gint64) len);
      g_assert_cmpuint (len, <, 64 * 1024);

      g_checksum_update (checksum, bytes, len);
      g_checksum_get_digest (checksum, digest, &digest_len);
      hash = g_base64_encode (digest, digest_len);
      g_assert_cmpstr (path_string (attachment, "hash"), ==, hash);

      g_assert_cmpuint (len, >, 8);
      if (memcmp (bytes, "%PDF-", 5) == 0)
        {
          g_assert_cmpstr (content_type, ==, "application/pdf");
          g_assert_nonnull (g_strrstr_len ((const char *) bytes + len - 8, 8, "%%EOF"));
          n_pdf++;
        }
      else if (memcmp (bytes, "\xFF\xD8\xFF", 3) == 0)
        {
          g_assert_cmpstr (content_type, ==, "image/jpeg");
          n_jpeg++;
        }
      else if (memcmp (bytes, "\x89PNG\r\n\x1a\n", 8) == 0)
        {
          g_assert_cmpstr (content_type, ==, "image/png");
          n_png++;
        }
      else
        g_assert_not_reached ();
    }
  g_assert_cmpuint (n_pdf, >=, 3);
  g_assert_cmpuint (n_jpeg, >=, 2);
  g_assert_cmpuint (n_png + n_pdf + n_jpeg, ==, documents->len);
}

static void
check_prescriptions (MkStore   *store,
                     GDateTime *anchor)
{
  const char *stage_url = "https://medkarta.github.io/fhir/StructureDefinition/prescription-stage";
  const char *pharmacy_url = "https://medkarta.github.io/fhir/StructureDefinition/pharmacy";
  g_autoptr(GPtrArray) requests = all_of (store, "MedicationRequest", NULL);
  g_autofree char *today = day_string (anchor, 0);
  g_autofree char *in3 = day_string (anchor, 3);
  guint n_draft = 0, n_signed = 0, n_issued = 0, n_sent = 0, n_dispensed = 0;
  guint n_expired = 0, n_cancelled = 0, n_expiring = 0;

  g_assert_cmpuint (requests->len, >=, 8);
  for (guint i = 0; i < requests->len; i++)
    {
      JsonObject *object = object_of (g_ptr_array_index (requests, i));
      const char *status = path_string (object, "status");
      const char *stage = extension_value (object, stage_url, "valueCode");
      JsonObject *validity = path_object (path_object (object, "dispenseRequest"), "validityPeriod");
      const char *end = path_string (validity, "end");
      JsonArray *dosage = json_object_get_array_member (object, "dosageInstruction");

      g_assert_nonnull (path_string (json_array_get_object_element (dosage, 0), "text"));
      g_assert_nonnull (path_object (object, "requester"));
      g_assert_nonnull (path_string (object, "authoredOn"));

      if (g_str_equal (status, "draft"))
        {
          if (g_strcmp0 (stage, "signed") == 0)
            n_signed++;
          else
            n_draft++;
        }
      else if (g_str_equal (status, "active"))
        {
          g_assert_nonnull (end);
          g_assert_nonnull (identifier_value (object, "https://medkarta.github.io/fhir/sid/erx-code"));
          if (strcmp (end, today) < 0)
            n_expired++;
          else if (g_strcmp0 (stage, "sent") == 0)
            {
              g_assert_nonnull (extension_value (object, pharmacy_url, "valueString"));
              n_sent++;
            }
          else
            n_issued++;
          if (strcmp (end, today) >= 0 && strcmp (end, in3) <= 0)
            n_expiring++;
        }
      else if (g_str_equal (status, "completed"))
        n_dispensed++;
      else if (g_str_equal (status, "cancelled"))
        n_cancelled++;
    }
  g_assert_cmpuint (n_draft, >=, 1);
  g_assert_cmpuint (n_signed, >=, 1);
  g_assert_cmpuint (n_issued, >=, 2);   /* one of them expiring */
  g_assert_cmpuint (n_sent, >=, 1);
  g_assert_cmpuint (n_dispensed, >=, 1);
  g_assert_cmpuint (n_expired, >=, 1);
  g_assert_cmpuint (n_cancelled, >=, 1);
  g_assert_cmpuint (n_expiring, ==, 1);
}

static void
check_due_items (MkStore   *store,
                 GDateTime *anchor)
{
  const char *until_url = "https://medkarta.github.io/fhir/StructureDefinition/valid-until";
  g_autoptr(GPtrArray) immunizations = all_of (store, "Immunization", NULL);
  g_autoptr(GPtrArray) medbook = all_of (store, "Procedure", "medbook");
  g_autoptr(GPtrArray) allergies = all_of (store, "AllergyIntolerance", NULL);
  g_autofree char *today = day_string (anchor, 0);
  g_autofree char *in14 = day_string (anchor, 14);
  g_autofree char *in25 = day_string (anchor, 25);
  guint n_vaccine_due = 0, n_exam_due = 0;

  g_assert_cmpuint (immunizations->len, >=, 6);
  for (guint i = 0; i < immunizations->len; i++)
    {
      const char *until = extension_value (object_of (g_ptr_array_index (immunizations, i)), until_url, "valueDate");

      if (until != NULL && strcmp (until, today) >= 0 && strcmp (until, in14) <= 0)
        n_vaccine_due++;
    }
  g_assert_cmpuint (n_vaccine_due, ==, 1);

  g_assert_cmpuint (medbook->len, >=, 3);
  for (guint i = 0; i < medbook->len; i++)
    {
      JsonObject *object = object_of (g_ptr_array_index (medbook, i));
      const char *until = extension_value (object, until_url, "valueDate");

      g_assert_nonnull (path_object (object, "outcome"));
      g_assert_nonnull (json_object_get_array_member (object, "performer"));
      if (g_strcmp0 (until, in25) == 0)
        n_exam_due++;
    }
  g_assert_cmpuint (n_exam_due, >=, 1);
  g_assert_cmpuint (allergies->len, >=, 2);
}

static void
check_history_and_meta (MkStore   *store,
                        GDateTime *anchor)
{
  g_autoptr(GRegex) token = g_regex_new ("\"@[a-z0-9]+\\(", 0, 0, NULL);
  g_autoptr(GPtrArray) all = all_of (store, NULL, NULL);
  g_autoptr(GPtrArray) encounters = all_of (store, "Encounter", NULL);
  g_autoptr(GPtrArray) conditions = all_of (store, "Condition", NULL);
  g_autoptr(GDateTime) local_anchor = g_date_time_to_local (anchor);
  g_autoptr(GDateTime) midnight = g_date_time_new_local (g_date_time_get_year (local_anchor),
                                                         g_date_time_get_month (local_anchor),
                                                         g_date_time_get_day_of_month (local_anchor),
                                                         0, 0, 0);
  g_autofree char *three_years_ago = day_string (anchor, -3 * 365 - 1);
  g_autofree char *first = NULL;
  g_autoptr(GHashTable) counts = NULL;
  g_autoptr(GError) error = NULL;
  guint total = 0;
  GHashTableIter iter;
  gpointer value;

  counts = mk_store_count_by_type (store, &error);
  g_assert_no_error (error);
  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    total += GPOINTER_TO_UINT (value);
  g_assert_cmpuint (all->len, ==, total);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, "Consent")), >=, 1);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, "AuditEvent")), >=, 1);

  for (guint i = 0; i < all->len; i++)
    {
      MkResource *resource = g_ptr_array_index (all, i);
      g_autoptr(GDateTime) updated = NULL;

      g_assert_false (g_regex_match (token, mk_resource_get_json (resource), 0, NULL));
      g_assert_cmpstr (mk_resource_get_version_id (resource), ==, "1");
      updated = g_date_time_new_from_iso8601 (mk_resource_get_last_updated (resource), NULL);
      g_assert_nonnull (updated);
      /* Nothing was changed in the future. */
      g_assert_cmpint (g_date_time_compare (updated, midnight), <, 0);
    }

  g_assert_cmpuint (encounters->len, >=, 12);
  g_assert_cmpuint (conditions->len, >=, 6);
  for (guint i = 0; i < encounters->len; i++)
    {
      JsonObject *period = path_object (object_of (g_ptr_array_index (encounters, i)), "period");
      const char *start = path_string (period, "start");

      if (first == NULL || strcmp (start, first) < 0)
        {
          g_free (first);
          first = g_strdup (start);
        }
    }
  g_assert_cmpstr (first, <, three_years_ago);
}

static void
test_write (Fixture       *fixture,
            gconstpointer  data)
{
  gboolean ok;
  g_autoptr(GDateTime) anchor = local_time (data);
  g_autoptr(GError) error = NULL;
  g_autofree char *stored_anchor = NULL;
  g_autofree char *expected_anchor = day_string (anchor, 0);

  ok = mk_demo_write (fixture->store, anchor, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpuint (fixture->n_changed, ==, 1);

  stored_anchor = mk_store_get_meta (fixture->store, "demo-anchor", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored_anchor, ==, expected_anchor);

  check_patient (fixture->store);
  check_practitioners (fixture->store);
  check_labs (fixture->store);
  check_appointments (fixture->store, anchor);
  check_documents (fixture->store);
  check_prescriptions (fixture->store, anchor);
  check_due_items (fixture->store, anchor);
  check_history_and_meta (fixture->store, anchor);
}

/* ------------------------------------------------------------------ ensure */

static char *
appointment_start (MkStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MkResource) appointment = mk_store_get_resource (store, "Appointment", "appt-tomorrow", &error);

  g_assert_no_error (error);
  return g_strdup (path_string (object_of (appointment), "start"));
}

static void
test_ensure (Fixture       *fixture,
             gconstpointer  data)
{
  gboolean ok;
  g_autoptr(GDateTime) morning = local_time ("2026-11-23 08:05");
  g_autoptr(GDateTime) evening = local_time ("2026-11-23 23:59");
  g_autoptr(GDateTime) next_day = local_time ("2026-11-24 00:01");
  g_autoptr(GError) error = NULL;
  g_autoptr(MkResource) patient_before = NULL;
  g_autoptr(MkResource) patient_after = NULL;
  g_autofree char *anchor = NULL;
  g_autofree char *start = NULL;

  ok = mk_demo_ensure (fixture->store, morning, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpuint (fixture->n_changed, ==, 1);
  start = appointment_start (fixture->store);
  g_assert_cmpstr (start, ==, "2026-11-24T10:30:00+03:00");
  patient_before = mk_store_get_resource (fixture->store, "Patient", MK_DEMO_PATIENT_ID, &error);
  g_assert_no_error (error);

  /* Same day, twice: nothing is rewritten. */
  ok = mk_demo_ensure (fixture->store, morning, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  ok = mk_demo_ensure (fixture->store, evening, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpuint (fixture->n_changed, ==, 1);
  anchor = mk_store_get_meta (fixture->store, "demo-anchor", &error);
  g_assert_cmpstr (anchor, ==, "2026-11-23");
  patient_after = mk_store_get_resource (fixture->store, "Patient", MK_DEMO_PATIENT_ID, &error);
  g_assert_cmpstr (mk_resource_get_version_id (patient_after), ==, mk_resource_get_version_id (patient_before));
  g_assert_cmpstr (mk_resource_get_last_updated (patient_after), ==, mk_resource_get_last_updated (patient_before));
  g_clear_pointer (&start, g_free);
  start = appointment_start (fixture->store);
  g_assert_cmpstr (start, ==, "2026-11-24T10:30:00+03:00");

  /* The next day: the card moves with it. */
  ok = mk_demo_ensure (fixture->store, next_day, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpuint (fixture->n_changed, ==, 2);
  g_clear_pointer (&anchor, g_free);
  anchor = mk_store_get_meta (fixture->store, "demo-anchor", &error);
  g_assert_cmpstr (anchor, ==, "2026-11-24");
  g_clear_pointer (&start, g_free);
  start = appointment_start (fixture->store);
  g_assert_cmpstr (start, ==, "2026-11-25T10:30:00+03:00");
  g_clear_object (&patient_after);
  patient_after = mk_store_get_resource (fixture->store, "Patient", MK_DEMO_PATIENT_ID, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mk_resource_get_last_updated (patient_after), !=, mk_resource_get_last_updated (patient_before));

  /* Same day, but the card was removed: written again. */
  ok = mk_store_clear_resources (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  fixture->n_changed = 0;
  ok = mk_demo_ensure (fixture->store, next_day, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpuint (fixture->n_changed, ==, 1);
  g_clear_object (&patient_after);
  patient_after = mk_store_get_resource (fixture->store, "Patient", MK_DEMO_PATIENT_ID, &error);
  g_assert_no_error (error);
}

/* A second write replaces the first rather than adding to it. */
static void
test_rewrite_replaces (Fixture       *fixture,
                       gconstpointer  data)
{
  gboolean ok;
  g_autoptr(GDateTime) first = local_time ("2025-01-10 12:00");
  g_autoptr(GDateTime) second = local_time ("2025-07-01 12:00");
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *start = NULL;

  ok = mk_demo_write (fixture->store, first, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  before = mk_store_count_by_type (fixture->store, &error);
  ok = mk_demo_write (fixture->store, second, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  after = mk_store_count_by_type (fixture->store, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (g_hash_table_size (before), ==, g_hash_table_size (after));
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (before, "Observation")), ==,
                    GPOINTER_TO_UINT (g_hash_table_lookup (after, "Observation")));
  start = appointment_start (fixture->store);
  g_assert_cmpstr (start, ==, "2025-07-02T10:30:00+03:00");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/demo/expand/tokens", test_expand_tokens);
  g_test_add_func ("/demo/expand/errors", test_expand_errors);
  /* Late March: the night other zones switch to summer time (Moscow does not). */
  g_test_add ("/demo/write/dst-weekend", Fixture, "2025-03-30 02:30",
              fixture_set_up, test_write, fixture_tear_down);
  g_test_add ("/demo/write/leap-day", Fixture, "2028-02-29 09:00",
              fixture_set_up, test_write, fixture_tear_down);
  g_test_add ("/demo/write/new-year-eve", Fixture, "2026-12-31 23:30",
              fixture_set_up, test_write, fixture_tear_down);
  g_test_add ("/demo/ensure", Fixture, NULL, fixture_set_up, test_ensure, fixture_tear_down);
  g_test_add ("/demo/rewrite-replaces", Fixture, NULL, fixture_set_up, test_rewrite_replaces, fixture_tear_down);

  return g_test_run ();
}
