/* test-sync-server.c — how the sync engine adapts to what a server offers:
 * searches by POST for a doctor's many patients (one request per type),
 * a server that refuses them, a metadata answer that is no
 * CapabilityStatement, and types a server does not know
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>

#include "mk-demo.h"
#include "mk-sync.h"
#include "mk-sync-fixture.h"
#include "mk-test-server.h"

#define DOCTOR "dr-many"
/* More patients than fit in one URL's id list (50), so the compartments
 * go out as searches by POST. */
#define N_PATIENTS 120
#define PAGE_SIZE 100

/* The types of a patient's compartment the test clinic has. */
static const char * const clinic_types[] = { "Patient", "Encounter", "Observation", "Appointment" };

typedef MkSyncFixture Fixture;

/* A clinic: one doctor with a schedule, N_PATIENTS patients, each with a
 * booked visit to the doctor, an encounter and two observations. */
static char *
clinic_bundle (void)
{
  g_autoptr(GString) out = g_string_new ("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[");

  g_string_append (out,
                   "{\"resource\":{\"resourceType\":\"Practitioner\",\"id\":\"" DOCTOR "\","
                   "\"name\":[{\"family\":\"Многопациентова\",\"given\":[\"Ирина\"]}]}},"
                   "{\"resource\":{\"resourceType\":\"Schedule\",\"id\":\"sched-many\","
                   "\"actor\":[{\"reference\":\"Practitioner/" DOCTOR "\"}]}}");
  for (guint i = 0; i < N_PATIENTS; i++)
    {
      g_string_append_printf (out,
                              ",{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p-%03u\","
                              "\"name\":[{\"family\":\"Пациентов-%u\"}]}}",
                              i, i);
      g_string_append_printf (out,
                              ",{\"resource\":{\"resourceType\":\"Appointment\",\"id\":\"ap-%03u\","
                              "\"status\":\"booked\",\"start\":\"2026-12-01T10:00:00+03:00\","
                              "\"participant\":[{\"actor\":{\"reference\":\"Patient/p-%03u\"},\"status\":\"accepted\"},"
                              "{\"actor\":{\"reference\":\"Practitioner/" DOCTOR "\"},\"status\":\"accepted\"}]}}",
                              i, i);
      g_string_append_printf (out,
                              ",{\"resource\":{\"resourceType\":\"Encounter\",\"id\":\"en-%03u\","
                              "\"status\":\"finished\",\"class\":{\"code\":\"AMB\"},"
                              "\"subject\":{\"reference\":\"Patient/p-%03u\"},"
                              "\"participant\":[{\"individual\":{\"reference\":\"Practitioner/" DOCTOR "\"}}]}}",
                              i, i);
      for (guint j = 0; j < 2; j++)
        g_string_append_printf (out,
                                ",{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"ob-%03u-%u\","
                                "\"status\":\"final\",\"code\":{\"text\":\"Гемоглобин\"},"
                                "\"subject\":{\"reference\":\"Patient/p-%03u\"},"
                                "\"valueQuantity\":{\"value\":13%u.5,\"unit\":\"g/dL\"}}}",
                                i, j, i, j);
    }
  g_string_append (out, "]}");
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  if (GPOINTER_TO_INT (data))
    {
      g_autofree char *clinic = clinic_bundle ();

      mk_sync_fixture_start (f, MK_TEST_TLS_VALID, clinic, MK_ACCOUNT_ROLE_PRACTITIONER, DOCTOR);
    }
  else
    mk_sync_fixture_start (f, MK_TEST_TLS_VALID, NULL, MK_ACCOUNT_ROLE_PATIENT, MK_DEMO_PATIENT_ID);
  mk_sync_set_page_size (f->sync, PAGE_SIZE);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  mk_sync_fixture_stop (f);
}

/* Every type of the clinic is mirrored in full, with the server's JSON. */
static void
assert_clinic_mirrored (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (clinic_types); i++)
    g_assert_cmpuint (mk_sync_fixture_count (f, clinic_types[i]), ==,
                      mk_test_server_count_resources (f->server, clinic_types[i]));
  g_assert_cmpuint (mk_sync_fixture_count (f, "Patient"), ==, N_PATIENTS);
  g_assert_cmpuint (mk_sync_fixture_count (f, "Observation"), ==, 2 * N_PATIENTS);

  for (guint i = 0; i < N_PATIENTS; i += 37)
    {
      g_autofree char *id = g_strdup_printf ("ob-%03u-1", i);
      g_autofree char *mine = mk_store_get_json (f->store, "Observation", id, &error);
      g_autofree char *theirs = mk_test_server_get_resource (f->server, "Observation", id);
      g_autoptr(JsonNode) a = json_from_string (mine, NULL);
      g_autoptr(JsonNode) b = json_from_string (theirs, NULL);

      g_assert_no_error (error);
      g_assert_true (json_node_equal (a, b));
    }
}

static guint
requests (Fixture    *f,
          const char *method,
          const char *path)
{
  return mk_test_server_get_request_count (f->server, method, path);
}

static void
test_doctor_post_search (Fixture       *f,
                         gconstpointer  data)
{
  MkSyncStats stats;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  /* First sync: each compartment type of the 120 patients is one search by
   * POST, its further pages the server's next links (GET). */
  mk_sync_fixture_run (f, &stats);
  assert_clinic_mirrored (f);
  g_assert_cmpuint (requests (f, "POST", "Observation/_search"), ==, 1);
  g_assert_cmpuint (requests (f, "GET", "Observation"), ==, (2 * N_PATIENTS - 1) / PAGE_SIZE);
  g_assert_cmpuint (requests (f, "POST", "Encounter/_search"), ==, 1);

  /* Nothing changed: one request per type, nothing fetched. */
  mk_test_server_reset_request_counts (f->server);
  mk_sync_fixture_run (f, &stats);
  g_assert_cmpuint (stats.fetched, ==, 0);
  g_assert_cmpuint (stats.updated, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (clinic_types); i++)
    {
      g_autofree char *post = g_strdup_printf ("%s/_search", clinic_types[i]);

      g_assert_cmpuint (requests (f, "POST", post), ==, 1);
    }
  g_assert_cmpuint (requests (f, "GET", "Observation"), ==, 0);
  g_assert_cmpuint (requests (f, NULL, NULL), ==, stats.requests);
  /* Every type at most once: the doctor's own searches (5), the
   * compartment types (15), the slots, the referenced types (7). */
  g_assert_cmpuint (stats.requests, <=, 5 + 15 + 1 + 7);

  /* One observation of one patient changes: that one comes, nothing else. */
  before = mk_store_get_json (f->store, "Observation", "ob-077-0", &error);
  g_assert_no_error (error);
  g_assert_true (mk_test_server_touch (f->server, "Observation", "ob-077-0", &error));
  g_assert_no_error (error);
  mk_sync_fixture_run (f, &stats);
  g_assert_cmpuint (stats.fetched, ==, 1);
  g_assert_cmpuint (stats.updated, ==, 1);
  after = mk_store_get_json (f->store, "Observation", "ob-077-0", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (before, !=, after);
  assert_clinic_mirrored (f);
}

static void
test_doctor_post_refused (Fixture       *f,
                          gconstpointer  data)
{
  MkSyncStats stats;
  g_autoptr(GError) error = NULL;
  g_autofree char *remembered = NULL;

  /* A server that searches by GET only: tried once, then id lists in URLs. */
  mk_test_server_set_post_search (f->server, FALSE);
  mk_sync_fixture_run (f, &stats);
  assert_clinic_mirrored (f);
  g_assert_cmpuint (requests (f, "POST", NULL), ==, 1);
  remembered = mk_store_get_meta (f->store, MK_SYNC_META_POST_SEARCH, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (remembered, ==, "no");
  /* 120 patients: three lists of at most 50 for each type. */
  g_assert_cmpuint (requests (f, "GET", "Encounter"), >=, 3);

  mk_test_server_reset_request_counts (f->server);
  mk_sync_fixture_run (f, &stats);
  g_assert_cmpuint (stats.fetched, ==, 0);
  g_assert_cmpuint (requests (f, "POST", NULL), ==, 0);
  g_assert_cmpuint (requests (f, "GET", "Observation"), ==, (N_PATIENTS + 49) / 50);
}

/* A first pull cut after its first page, then resumed from the stored
 * next link of the search by POST — which the server has forgotten (404):
 * the type is searched again from scratch, and the mirror is complete. */
/* What happens when the sync asks for its second page of Observations
 * (the page after it may be being read ahead by then). */
typedef struct
{
  GCancellable *cancel;  /* cancelled then, when set */
  MkTestServer *expire;  /* its token expired then, when set */
  guint         observation_pages;
} AtSecondPage;

static void
at_second_observation_page (MkSyncPhase        phase,
                            const char        *resource_type,
                            const MkSyncStats *stats,
                            gpointer           user_data)
{
  AtSecondPage *at = user_data;

  if (phase != MK_SYNC_PHASE_PULLING || g_strcmp0 (resource_type, "Observation") != 0 ||
      ++at->observation_pages != 2)
    return;
  if (at->cancel != NULL)
    g_cancellable_cancel (at->cancel);
  if (at->expire != NULL)
    mk_test_server_expire_token (at->expire);
}

/* Runs a sync cancelled before its second page of Observations. */
static void
run_sync_cut (Fixture     *f,
              MkSyncStats *stats)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AtSecondPage cut = { cancellable, NULL, 0 };
  g_autoptr(GError) error = NULL;

  mk_sync_set_progress_func (f->sync, at_second_observation_page, &cut, NULL);
  g_assert_false (mk_sync_run (f->sync, stats, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  mk_sync_set_progress_func (f->sync, NULL, NULL, NULL);
}

/* A doctor's first sync cut in the middle of the Observations: the next
 * sync pulls the patients again (its own searches no longer name them),
 * and the mirror is complete. */
static void
test_doctor_first_sync_cut (Fixture       *f,
                            gconstpointer  data)
{
  MkSyncStats stats;
  g_autoptr(GError) error = NULL;
  g_autofree char *known = NULL;

  run_sync_cut (f, &stats);
  g_assert_cmpuint (mk_sync_fixture_count (f, "Observation"), ==, PAGE_SIZE);

  mk_test_server_reset_request_counts (f->server);
  mk_sync_fixture_run (f, &stats);
  assert_clinic_mirrored (f);
  /* The cut round went on from its next link: the second and third pages. */
  g_assert_cmpuint (requests (f, "POST", "Observation/_search"), ==, 0);
  g_assert_cmpuint (requests (f, "GET", "Observation"), ==, (2 * N_PATIENTS - 1) / PAGE_SIZE);
  known = mk_store_get_meta (f->store, MK_SYNC_META_PATIENTS, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (known, "p-000,p-001,"));
  g_assert_true (g_str_has_suffix (known, ",p-119"));

  mk_sync_fixture_run (f, &stats);
  g_assert_cmpuint (stats.fetched, ==, 0);
}

/* Many changes since the last sync, the round cut after its first page;
 * the next sync resumes from the stored next link — which the server has
 * forgotten (404): the type is searched again, and the mirror is right. */
static void
test_doctor_changes_cut (Fixture       *f,
                         gconstpointer  data)
{
  MkSyncStats stats;
  g_autoptr(GError) error = NULL;

  mk_sync_fixture_run (f, &stats);
  for (guint i = 0; i < N_PATIENTS; i++)
    {
      g_autofree char *id = g_strdup_printf ("ob-%03u-1", i);

      g_assert_true (mk_test_server_touch (f->server, "Observation", id, &error));
      g_assert_no_error (error);
    }

  run_sync_cut (f, &stats);
  g_assert_cmpuint (stats.updated, ==, PAGE_SIZE);

  mk_test_server_add_fault (f->server, MK_TEST_FAULT_STATUS_404, "Observation", 1);
  mk_test_server_reset_request_counts (f->server);
  mk_sync_fixture_run (f, &stats);
  assert_clinic_mirrored (f);
  /* The stored link first (404), then the search by POST again. */
  g_assert_cmpuint (requests (f, "GET", "Observation"), >=, 1);
  g_assert_cmpuint (requests (f, "POST", "Observation/_search"), ==, 1);
}

/* A page read ahead that the server refuses (401): asked again in the
 * sync's own thread, where the token is refreshed — here it cannot be, so
 * the sync ends with "sign in again", and nothing half-stored. With a new
 * token the next sync completes the mirror. */
static void
test_doctor_token_expires_while_paging (Fixture       *f,
                                        gconstpointer  data)
{
  AtSecondPage expire = { NULL, f->server, 0 };
  MkSyncStats stats;
  g_autoptr(GError) error = NULL;

  mk_sync_set_page_size (f->sync, 20);
  mk_sync_set_progress_func (f->sync, at_second_observation_page, &expire, NULL);
  g_assert_false (mk_sync_run (f->sync, &stats, NULL, &error));
  g_assert_error (error, MK_SYNC_ERROR, MK_SYNC_ERROR_SIGN_IN_REQUIRED);
  g_assert_cmpuint (mk_sync_fixture_count (f, "Observation") % 20, ==, 0);
  g_assert_cmpuint (mk_sync_fixture_count (f, "Observation"), <, 2 * N_PATIENTS);
  mk_sync_set_progress_func (f->sync, NULL, NULL, NULL);

  mk_test_server_set_token (f->server, "test-token-2");
  mk_sync_set_access_token (f->sync, "test-token-2");
  mk_sync_fixture_run (f, &stats);
  assert_clinic_mirrored (f);
}

static void
test_metadata_not_capability (Fixture       *f,
                              gconstpointer  data)
{
  MkSyncStats stats;
  g_autoptr(GError) error = NULL;
  g_autofree char *types = NULL;
  guint provenance_asked;

  /* metadata answers 200 with an OperationOutcome; the server does not
   * know Provenance (404). The sync tries every type, and drops that one. */
  mk_test_server_add_fault (f->server, MK_TEST_FAULT_OUTCOME_200, "metadata", 1);
  mk_test_server_add_fault (f->server, MK_TEST_FAULT_STATUS_404, "Provenance", 0);
  mk_sync_fixture_run (f, &stats);
  types = mk_store_get_meta (f->store, MK_SYNC_META_SERVER_TYPES, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (types, ==, "*,-Provenance");
  g_assert_cmpuint (mk_sync_fixture_count (f, "Observation"), ==,
                    mk_test_server_count_resources (f->server, "Observation"));
  g_assert_cmpuint (mk_sync_fixture_count (f, "Patient"), ==, 1);
  provenance_asked = requests (f, NULL, "Provenance");
  g_assert_cmpuint (provenance_asked, ==, 1);

  /* Not asked again, and metadata is not read again either. */
  mk_sync_fixture_run (f, &stats);
  g_assert_cmpuint (requests (f, NULL, "Provenance"), ==, provenance_asked);
  g_assert_cmpuint (requests (f, NULL, "metadata"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sync-server/doctor/post-search", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_doctor_post_search, fixture_tear_down);
  g_test_add ("/sync-server/doctor/post-refused", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_doctor_post_refused, fixture_tear_down);
  g_test_add ("/sync-server/doctor/first-sync-cut", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_doctor_first_sync_cut, fixture_tear_down);
  g_test_add ("/sync-server/doctor/changes-cut", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_doctor_changes_cut, fixture_tear_down);
  g_test_add ("/sync-server/doctor/token-expires-while-paging", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_doctor_token_expires_while_paging, fixture_tear_down);
  g_test_add ("/sync-server/patient/metadata-not-capability", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_metadata_not_capability, fixture_tear_down);

  return g_test_run ();
}
