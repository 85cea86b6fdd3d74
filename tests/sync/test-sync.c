/* test-sync.c — MkSync against the test FHIR server over HTTPS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <sqlite3.h>

#include "mk-account.h"
#include "mk-client.h"
#include "mk-demo.h"
#include "mk-edits.h"
#include "mk-outbox.h"
#include "mk-sync.h"
#include "mk-sync-fixture.h"
#include "mk-test-server.h"
#include "mk-test-util.h"

#define TOKEN MK_SYNC_FIXTURE_TOKEN

/* The types the demo patient's compartment cannot fully reach on a
 * FHIR server: AuditEvents and Provenance about the patient's records
 * (they name the record, not the patient), and Binary (fetched lazily). */
static const char * const not_mirrored_in_full[] = { "AuditEvent", "Provenance", "Binary", NULL };

typedef MkSyncFixture Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  mk_sync_fixture_start (f, MK_TEST_TLS_VALID, NULL, MK_ACCOUNT_ROLE_PATIENT, MK_DEMO_PATIENT_ID);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  mk_sync_fixture_stop (f);
}

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static gboolean
is_partial_type (const char *type)
{
  return g_strv_contains (not_mirrored_in_full, type);
}

/* Every resource of the mirror equals the server's, member for member, and
 * every type the account mirrors in full has as many on both sides. */
static void
assert_mirror_equals_server (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) counts = mk_store_count_by_type (f->store, &error);
  const char * const types[] = {
    "Patient", "Encounter", "Condition", "Observation", "DiagnosticReport", "Immunization",
    "Procedure", "AllergyIntolerance", "MedicationRequest", "MedicationDispense",
    "DocumentReference", "Appointment", "Consent", "Slot", "Schedule", "Practitioner",
    "PractitionerRole", "Organization", "Location",
  };
  GHashTableIter iter;
  const char *type;
  guint n_compared = 0;

  g_assert_no_error (error);

  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, (gpointer *) &type, NULL))
    {
      g_autoptr(MkQuery) query = mk_query_new ();
      g_autoptr(GPtrArray) page = NULL;

      mk_query_add_type (query, type);
      page = mk_store_query_page (f->store, query, 0, 10000, &error);
      g_assert_no_error (error);

      for (guint i = 0; i < page->len; i++)
        {
          MkResource *resource = g_ptr_array_index (page, i);
          g_autofree char *server_json = mk_test_server_get_resource (f->server, type,
                                                                      mk_resource_get_id (resource));
          g_autoptr(JsonNode) mine = NULL;
          g_autoptr(JsonNode) theirs = NULL;

          if (server_json == NULL)
            g_error ("%s/%s is in the mirror, not on the server", type, mk_resource_get_id (resource));
          mine = parse (mk_resource_get_json (resource));
          theirs = parse (server_json);
          if (!json_node_equal (mine, theirs))
            g_error ("%s/%s differs:\nmirror %s\nserver %s", type, mk_resource_get_id (resource),
                     mk_resource_get_json (resource), server_json);
          n_compared++;
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      guint mine = GPOINTER_TO_UINT (g_hash_table_lookup (counts, types[i]));

      g_assert_false (is_partial_type (types[i]));
      if (mine != mk_test_server_count_resources (f->server, types[i]))
        g_error ("%s: %u in the mirror, %u on the server", types[i], mine,
                 mk_test_server_count_resources (f->server, types[i]));
    }

  g_assert_cmpuint (n_compared, >, 200);
}

static char *
mirror_status (Fixture    *f,
               const char *type,
               const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MkResource) resource = mk_store_get_resource (f->store, type, id, &error);

  g_assert_no_error (error);
  return g_strdup (json_object_get_string_member_with_default (mk_resource_get_object (resource),
                                                               "status", NULL));
}

static char *
server_status (Fixture    *f,
               const char *type,
               const char *id)
{
  g_autofree char *json = mk_test_server_get_resource (f->server, type, id);
  g_autoptr(JsonNode) node = NULL;

  g_assert_nonnull (json);
  node = parse (json);
  return g_strdup (json_object_get_string_member_with_default (json_node_get_object (node),
                                                               "status", NULL));
}

/* ---- pull ---- */

static void
test_full_then_nothing (Fixture       *f,
                        gconstpointer  data)
{
  MkSyncStats stats;
  g_autoptr(GError) error = NULL;
  g_autofree char *last_sync = NULL;
  g_autofree char *sync_error = NULL;

  mk_sync_fixture_run (f, &stats);
  assert_mirror_equals_server (f);
  g_assert_cmpuint (stats.fetched, >, 200);
  g_assert_cmpuint (stats.updated, ==, stats.fetched);
  g_assert_cmpuint (stats.pushed, ==, 0);

  /* The documents' files came after their metadata: every document opens
   * offline, its bytes the ones its SHA-1 names. */
  {
    g_autoptr(GHashTable) counts = mk_store_count_by_type (f->store, &error);
    guint n_documents;

    g_assert_no_error (error);
    n_documents = GPOINTER_TO_UINT (g_hash_table_lookup (counts, "DocumentReference"));
    g_assert_cmpuint (n_documents, >, 0);
    g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, "Binary")), ==,
                      mk_test_server_count_resources (f->server, "Binary"));
  }

  last_sync = mk_store_get_meta (f->store, MK_ACCOUNT_META_LAST_SYNC, &error);
  g_assert_nonnull (last_sync);
  sync_error = mk_store_get_meta (f->store, MK_ACCOUNT_META_SYNC_ERROR, &error);
  g_assert_null (sync_error);

  /* Nothing changed: one request per type, nothing stored, no metadata. */
  mk_test_server_reset_request_counts (f->server);
  mk_sync_fixture_run (f, &stats);
  g_assert_cmpuint (stats.fetched, ==, 0);
  g_assert_cmpuint (stats.updated, ==, 0);
  g_assert_cmpuint (mk_test_server_get_request_count (f->server, NULL, "metadata"), ==, 0);
  g_assert_cmpuint (mk_test_server_get_request_count (f->server, NULL, NULL), ==, stats.requests);
  /* Every file is there: no file work. */
  g_assert_cmpuint (mk_test_server_get_request_count (f->server, NULL, "Binary"), ==, 0);
  {
    /* ("Practitioner" would count PractitionerRole too: prefixes.) */
    const char * const types[] = { "Patient", "Observation", "Slot", "Organization",
                                   "Location", "Schedule", "PractitionerRole", "Appointment" };

    for (guint i = 0; i < G_N_ELEMENTS (types); i++)
      g_assert_cmpuint (mk_test_server_get_request_count (f->server, "GET", types[i]), ==, 1);
  }
  g_assert_cmpuint (stats.requests, <=, 22);
}

static void
test_server_change (Fixture       *f,
                    gconstpointer  data)
{
  MkSyncStats stats;
  g_autoptr(GError) error = NULL;

  g_autoptr(GPtrArray) ids = NULL;

  mk_sync_fixture_run (f, &stats);
  ids = mk_store_list_ids (f->store, "Condition", &error);
  g_assert_no_error (error);
  g_assert_true (mk_test_server_touch (f->server, "Condition", g_ptr_array_index (ids, 0), &error));
  g_assert_no_error (error);
  g_assert_true (mk_test_server_touch (f->server, "Practitioner", "pr-therapist", &error));
  g_assert_no_error (error);

  mk_sync_fixture_run (f, &stats);
  g_assert_cmpuint (stats.updated, ==, 2);
  assert_mirror_equals_server (f);
}

static void
test_server_delete (Fixture       *f,
                    gconstpointer  data)
{
  MkSyncStats stats;
  g_autoptr(GError) error = NULL;
  g_autoptr(MkResource) gone = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  const char *victim;

  mk_sync_fixture_run (f, &stats);
  ids = mk_store_list_ids (f->store, "Observation", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, >, 0);
  victim = g_ptr_array_index (ids, 0);

  g_assert_true (mk_test_server_delete (f->server, "Observation", victim, &error));
  g_assert_no_error (error);

  mk_sync_set_always_reconcile (f->sync, TRUE);
  mk_sync_fixture_run (f, &stats);
  g_assert_cmpuint (stats.deleted, ==, 1);
  gone = mk_store_get_resource (f->store, "Observation", victim, &error);
  g_assert_error (error, MK_STORE_ERROR, MK_STORE_ERROR_NOT_FOUND);
  g_assert_null (gone);
  assert_mirror_equals_server (f);
}

static void
test_paging (Fixture       *f,
             gconstpointer  data)
{
  MkSyncStats stats;

  mk_sync_set_page_size (f->sync, 7);
  mk_sync_fixture_run (f, &stats);
  /* 78 Observations alone take 12 pages of 7. */
  g_assert_cmpuint (stats.pages, >, 30);
  g_assert_cmpuint (mk_test_server_get_request_count (f->server, "GET", "Observation"), ==, 12);
  assert_mirror_equals_server (f);
}

static void
test_practitioner (Fixture       *f,
                   gconstpointer  data)
{
  MkSyncStats stats;
  g_autoptr(GError) error = NULL;
  g_autoptr(MkAccount) doctor = NULL;
  g_autoptr(MkStore) store = NULL;
  g_autoptr(MkSync) sync = NULL;
  g_autoptr(GHashTable) counts = NULL;
  g_autofree char *path = g_build_filename (f->dir, "doctor", MK_STORE_FILE_NAME, NULL);
  g_autofree char *patients = NULL;
  g_autofree char *json = NULL;

  store = mk_store_open (path, &error);
  g_assert_no_error (error);
  doctor = mk_account_new (mk_test_server_get_base_url (f->server), MK_ACCOUNT_ROLE_PRACTITIONER,
                           "pr-therapist", &error);
  g_assert_no_error (error);
  mk_account_set_ca_file (doctor, mk_test_server_get_ca_file (f->server));
  g_assert_true (mk_account_save (doctor, store, &error));
  g_assert_no_error (error);

  sync = mk_sync_new (store, doctor, f->clock);
  mk_sync_set_access_token (sync, TOKEN);
  g_assert_true (mk_sync_run (sync, &stats, NULL, &error));
  g_assert_no_error (error);

  /* The doctor's own resources, and the compartment of the patient found
   * in their appointments. */
  json = mk_store_get_json (store, "Practitioner", "pr-therapist", &error);
  g_assert_no_error (error);
  g_clear_pointer (&json, g_free);
  json = mk_store_get_json (store, "Schedule", "sched-therapist", &error);
  g_assert_no_error (error);
  patients = mk_store_get_meta (store, MK_SYNC_META_PATIENTS, &error);
  g_assert_cmpstr (patients, ==, MK_DEMO_PATIENT_ID);
  counts = mk_store_count_by_type (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, "Observation")), ==,
                    mk_test_server_count_resources (f->server, "Observation"));
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, "Patient")), ==, 1);

  /* Nothing changed: nothing stored, and nothing fetched again (the first
   * sync started every type's watermark, also for the patients it found). */
  g_assert_true (mk_sync_run (sync, &stats, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.updated, ==, 0);
  g_assert_cmpuint (stats.fetched, ==, 0);
}

/* ---- push ---- */

/* The mirrored Appointment whose identifier carries the client UUID @uuid. */
static char *
find_booked (Fixture    *f,
             const char *uuid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MkQuery) query = mk_query_new ();
  g_autoptr(GPtrArray) page = NULL;

  mk_query_add_type (query, "Appointment");
  page = mk_store_query_page (f->store, query, 0, 1000, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < page->len; i++)
    if (strstr (mk_resource_get_json (g_ptr_array_index (page, i)), uuid) != NULL)
      return g_strdup (mk_resource_get_id (g_ptr_array_index (page, i)));

  return NULL;
}

static char *
book_offline (Fixture    *f,
              const char *slot)
{
  g_autoptr(GError) error = NULL;
  char *local_id = NULL;

  g_assert_true (mk_edits_book_slot (f->store, f->clock, slot, "Patient/" MK_DEMO_PATIENT_ID,
                                     "Контрольный осмотр", &local_id, &error));
  g_assert_no_error (error);
  return local_id;
}

static void
test_book_and_cancel (Fixture       *f,
                      gconstpointer  data)
{
  MkSyncStats stats;
  g_autoptr(GError) error = NULL;
  g_autofree char *local_id = NULL;
  g_autofree char *server_id = NULL;
  g_autofree char *slot_mine = NULL;
  g_autofree char *slot_theirs = NULL;
  g_autofree char *status = NULL;
  guint before;

  mk_sync_fixture_run (f, &stats);
  before = mk_test_server_count_resources (f->server, "Appointment");

  local_id = book_offline (f, "slot-free-2");
  mk_test_server_reset_request_counts (f->server);
  mk_sync_fixture_run (f, &stats);
  g_assert_cmpuint (stats.pushed, ==, 1);
  g_assert_cmpuint (mk_test_server_count_resources (f->server, "Appointment"), ==, before + 1);
  /* This server's booking rule gave the slot a new version: the pull
   * after the push replaced the local mark, nothing is read by id. */
  g_assert_cmpuint (mk_test_server_get_request_count (f->server, "GET", "Slot/slot-free-2"), ==, 0);
  g_assert_cmpuint (mk_store_count_outbox (f->store, &error), ==, 0);

  slot_mine = mirror_status (f, "Slot", "slot-free-2");
  slot_theirs = server_status (f, "Slot", "slot-free-2");
  g_assert_cmpstr (slot_theirs, ==, "busy");
  g_assert_cmpstr (slot_mine, ==, "busy");

  server_id = find_booked (f, local_id);
  g_assert_nonnull (server_id);
  assert_mirror_equals_server (f);

  /* Cancel it, offline, then sync. */
  g_assert_true (mk_edits_cancel_appointment (f->store, f->clock, server_id, "Уехал", &error));
  g_assert_no_error (error);
  mk_sync_fixture_run (f, &stats);
  g_assert_cmpuint (stats.pushed, ==, 1);
  status = server_status (f, "Appointment", server_id);
  g_assert_cmpstr (status, ==, "cancelled");
  assert_mirror_equals_server (f);
}

/* Queues a booking of @first (the test server's booking rule takes only an
 * Appointment's first slot) that also names @second by its absolute URL,
 * and marks both busy locally, as mk_edits_book_slot() does: for @second
 * the server behaves as one without a booking rule (Medplum) — it stays
 * free and keeps its version. */
static void
queue_booking_of_two (Fixture    *f,
                      const char *first,
                      const char *second)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = mk_clock_get_now (f->clock);
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *if_none_exist = mk_edits_if_none_exist_for_uuid (uuid);
  g_autofree char *appointment = NULL;
  const char *slots[] = { first, second };

  for (guint i = 0; i < G_N_ELEMENTS (slots); i++)
    {
      g_autofree char *json = mk_store_get_json (f->store, "Slot", slots[i], &error);
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *busy = NULL;

      g_assert_no_error (error);
      node = parse (json);
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "status"), ==, "free");
      if (i == 0)
        appointment = g_strdup_printf ("{\"resourceType\":\"Appointment\",\"id\":\"%s\","
                                       "\"identifier\":[{\"system\":\"urn:ietf:rfc:3986\",\"value\":\"urn:uuid:%s\"}],"
                                       "\"status\":\"booked\",\"start\":\"%s\",\"end\":\"%s\","
                                       "\"slot\":[{\"reference\":\"Slot/%s\"},{\"reference\":\"%s/Slot/%s\"}],"
                                       "\"participant\":[{\"actor\":{\"reference\":\"Patient/%s\"},\"status\":\"accepted\"}]}",
                                       uuid, uuid,
                                       json_object_get_string_member (json_node_get_object (node), "start"),
                                       json_object_get_string_member (json_node_get_object (node), "end"),
                                       first, mk_test_server_get_base_url (f->server), second,
                                       MK_DEMO_PATIENT_ID);
      json_object_set_string_member (json_node_get_object (node), "status", "busy");
      busy = json_to_string (node, FALSE);
      g_assert_true (mk_store_put_local (f->store, busy, &error));
      g_assert_no_error (error);
    }

  g_assert_true (mk_store_queue_edit (f->store, MK_OUTBOX_CREATE, appointment, if_none_exist,
                                      now, NULL, &error));
  g_assert_no_error (error);
}

static guint
n_stale_local (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) stale = mk_store_list_stale_local (f->store, &error);

  g_assert_no_error (error);
  return stale->len;
}

/* A server without a booking rule leaves the booked slot free and at the
 * same version, so no pull replaces the local "busy" mark: after the push
 * the engine reads the slot by id and stores the server's. A failed read
 * leaves the mark for the next sync. */
static void
test_slot_without_booking_rule (Fixture       *f,
                                gconstpointer  data)
{
  MkSyncStats stats;
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;
  g_autofree char *theirs = NULL;
  guint before;

  mk_sync_fixture_run (f, &stats);
  before = mk_test_server_count_resources (f->server, "Appointment");
  queue_booking_of_two (f, "slot-free-2", "slot-free-3");
  /* The booking waits: its marks are not stale. */
  g_assert_cmpuint (n_stale_local (f), ==, 0);

  /* The push goes through, the read of the slot fails. */
  mk_test_server_add_fault (f->server, MK_TEST_FAULT_STATUS_500, "Slot/slot-free-3", 0);
  g_assert_false (mk_sync_run (f->sync, &stats, NULL, &error));
  g_assert_error (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_SERVER);
  g_clear_error (&error);
  g_assert_cmpuint (stats.pushed, ==, 1);
  g_assert_cmpuint (mk_test_server_count_resources (f->server, "Appointment"), ==, before + 1);
  theirs = server_status (f, "Slot", "slot-free-3");
  g_assert_cmpstr (theirs, ==, "free");
  status = mirror_status (f, "Slot", "slot-free-3");
  g_assert_cmpstr (status, ==, "busy");
  g_assert_cmpuint (n_stale_local (f), ==, 1);

  /* The next sync reads it once and the mirror equals the server. */
  mk_test_server_clear_faults (f->server);
  mk_test_server_reset_request_counts (f->server);
  mk_sync_fixture_run (f, &stats);
  g_assert_cmpuint (mk_test_server_get_request_count (f->server, "GET", "Slot/slot-free-3"), ==, 1);
  g_clear_pointer (&status, g_free);
  status = mirror_status (f, "Slot", "slot-free-3");
  g_assert_cmpstr (status, ==, "free");
  g_clear_pointer (&status, g_free);
  status = mirror_status (f, "Slot", "slot-free-2");
  g_assert_cmpstr (status, ==, "busy");
  g_assert_cmpuint (n_stale_local (f), ==, 0);
  assert_mirror_equals_server (f);

  /* Nothing left to read. */
  mk_test_server_reset_request_counts (f->server);
  mk_sync_fixture_run (f, &stats);
  g_assert_cmpuint (mk_test_server_get_request_count (f->server, "GET", "Slot/"), ==, 0);
  g_assert_cmpuint (stats.updated, ==, 0);
}

/* A local mark on a resource the server no longer has goes too. */
static void
test_local_mark_deleted (Fixture       *f,
                         gconstpointer  data)
{
  MkSyncStats stats;
  g_autoptr(GError) error = NULL;
  g_autoptr(MkResource) gone = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *busy = NULL;

  mk_sync_fixture_run (f, &stats);
  json = mk_store_get_json (f->store, "Slot", "slot-free-4", &error);
  g_assert_no_error (error);
  node = parse (json);
  json_object_set_string_member (json_node_get_object (node), "status", "busy");
  busy = json_to_string (node, FALSE);
  g_assert_true (mk_store_put_local (f->store, busy, &error));
  g_assert_no_error (error);
  g_assert_true (mk_test_server_delete (f->server, "Slot", "slot-free-4", &error));
  g_assert_no_error (error);

  mk_sync_fixture_run (f, &stats);
  g_assert_cmpuint (stats.deleted, ==, 1);
  gone = mk_store_get_resource (f->store, "Slot", "slot-free-4", &error);
  g_assert_error (error, MK_STORE_ERROR, MK_STORE_ERROR_NOT_FOUND);
  g_assert_null (gone);
  g_assert_cmpuint (n_stale_local (f), ==, 0);
}

/* A create sent again after its answer was lost (here: the same queued
 * create twice) finds the first one through If-None-Exist. */
static void
test_create_twice (Fixture       *f,
                   gconstpointer  data)
{
  MkSyncStats stats;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GDateTime) now = mk_clock_get_now (f->clock);
  g_autofree char *local_id = NULL;
  g_autofree char *json = NULL;
  g_autofree char *if_none_exist = NULL;
  MkOutboxEntry *entry;
  gint64 seq;
  guint before;

  mk_sync_fixture_run (f, &stats);
  before = mk_test_server_count_resources (f->server, "Appointment");
  local_id = book_offline (f, "slot-free-3");

  entries = mk_store_list_outbox (f->store, MK_OUTBOX_PENDING, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_nonnull (entry->if_none_exist);
  json = g_strdup (entry->json);
  if_none_exist = g_strdup (entry->if_none_exist);

  mk_sync_fixture_run (f, &stats);
  g_assert_cmpuint (stats.pushed, ==, 1);
  g_assert_cmpuint (mk_test_server_count_resources (f->server, "Appointment"), ==, before + 1);

  g_assert_true (mk_store_queue_edit (f->store, MK_OUTBOX_CREATE, json, if_none_exist, now,
                                      &seq, &error));
  g_assert_no_error (error);
  mk_sync_fixture_run (f, &stats);
  g_assert_cmpuint (stats.pushed, ==, 1);
  g_assert_cmpuint (mk_test_server_count_resources (f->server, "Appointment"), ==, before + 1);
  g_assert_cmpuint (mk_test_server_get_request_count (f->server, "POST", "Appointment"), ==, 2);
  g_assert_cmpuint (mk_store_count_outbox (f->store, &error), ==, 0);
  assert_mirror_equals_server (f);
}

static void
test_conflict (Fixture       *f,
               gconstpointer  data)
{
  MkSyncStats stats;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *status = NULL;
  MkOutboxEntry *entry;

  mk_sync_fixture_run (f, &stats);
  g_assert_true (mk_edits_cancel_appointment (f->store, f->clock, "appt-next-week", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (mk_test_server_touch (f->server, "Appointment", "appt-next-week", &error));
  g_assert_no_error (error);

  g_assert_false (mk_sync_run (f->sync, &stats, NULL, &error));
  g_assert_error (error, MK_SYNC_ERROR, MK_SYNC_ERROR_NEEDS_ATTENTION);
  g_clear_error (&error);
  g_assert_cmpuint (stats.conflicts, ==, 1);
  g_assert_cmpuint (stats.pushed, ==, 0);

  /* Nothing overwritten on the server; both versions kept here. */
  status = server_status (f, "Appointment", "appt-next-week");
  g_assert_cmpstr (status, ==, "booked");
  entries = mk_store_list_outbox (f->store, MK_OUTBOX_CONFLICT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_nonnull (entry->server_json);
  g_assert_nonnull (strstr (entry->json, "cancelled"));
  g_assert_null (strstr (entry->server_json, "cancelled"));
  g_assert_cmpuint (mk_test_server_get_request_count (f->server, "PUT", NULL), ==, 1);
}

/* The answer to our own update was lost (the connection broke, or the
 * process was killed, after the server applied it): the retry meets a 412
 * against its own new version — accepted, not a conflict. */
static void
test_lost_update_answer (Fixture       *f,
                         gconstpointer  data)
{
  MkSyncStats stats;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(MkClient) client = NULL;
  g_autoptr(MkResponse) response = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) edit = NULL;
  g_autofree char *if_match = NULL;
  g_autofree char *authorization = g_strconcat ("Bearer ", TOKEN, NULL);
  g_autofree char *status = NULL;
  g_autofree char *text = NULL;
  MkOutboxEntry *entry;

  mk_sync_fixture_run (f, &stats);
  g_assert_true (mk_edits_cancel_appointment (f->store, f->clock, "appt-next-week", "Передумала", &error));
  g_assert_no_error (error);
  entries = mk_store_list_outbox (f->store, MK_OUTBOX_PENDING, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);

  /* What the lost exchange did on the server: the same PUT, applied. */
  edit = json_from_string (entry->json, &error);
  g_assert_no_error (error);
  json_object_remove_member (json_node_get_object (edit), "meta");
  text = json_to_string (edit, FALSE);
  body = g_bytes_new (text, strlen (text));
  client = mk_client_new (mk_test_server_get_base_url (f->server), mk_test_server_get_ca_file (f->server), &error);
  g_assert_no_error (error);
  mk_client_set_access_token (client, TOKEN);
  if_match = g_strdup (entry->if_match);
  {
    const char * const headers[] = { "If-Match", if_match, NULL };

    response = mk_client_request (client, "PUT", "Appointment/appt-next-week", headers, body, NULL, &error);
  }
  g_assert_no_error (error);
  g_assert_nonnull (response);

  /* The retry: 412 on the stale If-Match, and the server has our edit. */
  mk_sync_fixture_run (f, &stats);
  g_assert_cmpuint (stats.conflicts, ==, 0);
  g_assert_cmpuint (stats.pushed, ==, 1);
  g_assert_cmpuint (mk_store_count_outbox (f->store, NULL), ==, 0);
  status = server_status (f, "Appointment", "appt-next-week");
  g_assert_cmpstr (status, ==, "cancelled");
  assert_mirror_equals_server (f);
}

/* ---- faults ---- */

static void
test_retry_after (Fixture       *f,
                  gconstpointer  data)
{
  MkSyncStats stats;

  mk_test_server_add_fault (f->server, MK_TEST_FAULT_STATUS_503, "Observation", 1);
  mk_sync_fixture_run (f, &stats);
  g_assert_cmpuint (mk_test_server_get_request_count (f->server, "GET", "Observation"), ==, 2);
  assert_mirror_equals_server (f);
}

static void
test_truncated_page (Fixture       *f,
                     gconstpointer  data)
{
  MkSyncStats stats;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) counts = NULL;
  g_autofree char *sync_error = NULL;

  mk_test_server_add_fault (f->server, MK_TEST_FAULT_TRUNCATE, "Observation", 0);
  g_assert_false (mk_sync_run (f->sync, &stats, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  counts = mk_store_count_by_type (f->store, &error);
  g_assert_no_error (error);
  g_assert_false (g_hash_table_contains (counts, "Observation"));
  sync_error = mk_store_get_meta (f->store, MK_ACCOUNT_META_SYNC_ERROR, &error);
  g_assert_nonnull (sync_error);

  mk_test_server_clear_faults (f->server);
  mk_sync_fixture_run (f, &stats);
  assert_mirror_equals_server (f);
}

static void
test_bad_answers (Fixture       *f,
                  gconstpointer  data)
{
  const MkTestFault faults[] = { MK_TEST_FAULT_INVALID_JSON, MK_TEST_FAULT_WRONG_CONTENT_TYPE };

  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      MkSyncStats stats;
      g_autoptr(GError) error = NULL;

      mk_test_server_clear_faults (f->server);
      mk_test_server_add_fault (f->server, faults[i], "Condition", 0);
      g_assert_false (mk_sync_run (f->sync, &stats, NULL, &error));
      g_assert_error (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_INVALID_RESPONSE);
    }

  mk_test_server_clear_faults (f->server);
  {
    MkSyncStats stats;

    mk_sync_fixture_run (f, &stats);
  }
  assert_mirror_equals_server (f);
}

static void
test_tls (gconstpointer data)
{
  Fixture f = { 0 };
  MkSyncStats stats;
  g_autoptr(GError) error = NULL;
  g_autofree char *sync_error = NULL;

  mk_sync_fixture_start (&f, GPOINTER_TO_INT (data), NULL, MK_ACCOUNT_ROLE_PATIENT, MK_DEMO_PATIENT_ID);
  g_assert_false (mk_sync_run (f.sync, &stats, NULL, &error));
  g_assert_error (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_TLS);
  g_test_message ("TLS: %s", error->message);
  g_assert_cmpuint (stats.updated, ==, 0);
  sync_error = mk_store_get_meta (f.store, MK_ACCOUNT_META_SYNC_ERROR, NULL);
  g_assert_cmpstr (sync_error, ==, error->message);
  fixture_tear_down (&f, NULL);
}

static void
test_unauthorized (Fixture       *f,
                   gconstpointer  data)
{
  MkSyncStats stats;
  g_autoptr(GError) error = NULL;
  guint before;

  mk_sync_fixture_run (f, &stats);
  mk_test_server_expire_token (f->server);
  mk_test_server_reset_request_counts (f->server);

  g_assert_false (mk_sync_run (f->sync, &stats, NULL, &error));
  g_assert_error (error, MK_SYNC_ERROR, MK_SYNC_ERROR_SIGN_IN_REQUIRED);
  /* The refused request, and no loop: one refresh attempt (the bearer
   * token is read again; it is the same), no retry. */
  g_assert_cmpuint (mk_test_server_get_request_count (f->server, NULL, NULL), ==, 1);

  before = mk_test_server_get_request_count (f->server, NULL, NULL);
  g_clear_error (&error);
  g_assert_false (mk_sync_run (f->sync, &stats, NULL, &error));
  g_assert_error (error, MK_SYNC_ERROR, MK_SYNC_ERROR_SIGN_IN_REQUIRED);
  g_assert_cmpuint (mk_test_server_get_request_count (f->server, NULL, NULL), ==, before + 1);
}

typedef struct
{
  GCancellable *cancellable;
  guint         pages;
} CancelData;

static void
cancel_after_pages (MkSyncPhase        phase,
                    const char        *resource_type,
                    const MkSyncStats *stats,
                    gpointer           user_data)
{
  CancelData *data = user_data;

  if (phase == MK_SYNC_PHASE_PULLING && stats->pages >= data->pages)
    g_cancellable_cancel (data->cancellable);
}

static void
assert_integrity (Fixture *f)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (mk_store_get_path (f->store), &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CancelData cancel = { cancellable, 5 };
  MkSyncStats stats;
  g_autoptr(GError) error = NULL;

  mk_sync_set_page_size (f->sync, 10);
  mk_sync_set_progress_func (f->sync, cancel_after_pages, &cancel, NULL);
  g_assert_false (mk_sync_run (f->sync, &stats, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (stats.pages, ==, 5);
  assert_integrity (f);

  mk_sync_set_progress_func (f->sync, NULL, NULL, NULL);
  mk_sync_fixture_run (f, &stats);
  assert_mirror_equals_server (f);
}

static void
on_sync_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GMainLoop *loop = user_data;
  MkSyncStats stats;
  g_autoptr(GError) error = NULL;

  g_assert_true (mk_sync_run_finish (MK_SYNC (source), result, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.fetched, >, 200);
  g_main_loop_quit (loop);
}

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  mk_sync_run_async (f->sync, NULL, on_sync_done, loop);
  g_main_loop_run (loop);
  assert_mirror_equals_server (f);
}

/* ---- documents ---- */

static void
test_binary (Fixture       *f,
             gconstpointer  data)
{
  MkSyncStats stats;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) content = NULL;
  g_autoptr(GBytes) bad = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *server_json = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *tampered = NULL;

  mk_sync_fixture_run (f, &stats);

  content = mk_sync_fetch_binary (f->sync, "bin-spravka", &content_type, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (content);
  g_assert_cmpuint (g_bytes_get_size (content), >, 0);
  g_assert_nonnull (content_type);

  /* The server's file changes, the document's hash does not: refused. */
  server_json = mk_test_server_get_resource (f->server, "Binary", "bin-spravka");
  node = parse (server_json);
  json_object_set_string_member (json_node_get_object (node), "data", "aGVsbG8=");
  json_object_remove_member (json_node_get_object (node), "meta");
  tampered = json_to_string (node, FALSE);
  g_assert_true (mk_test_server_load_json (f->server, tampered, &error));
  g_assert_no_error (error);

  bad = mk_sync_fetch_binary (f->sync, "bin-spravka", NULL, NULL, &error);
  g_assert_error (error, MK_SYNC_ERROR, MK_SYNC_ERROR_CHECKSUM);
  g_assert_null (bad);
}

/* A new document and its file on the server; @data is the file's
 * content on the server, @hashed the content the document's SHA-1 is of. */
static void
add_document (Fixture    *f,
              const char *id,
              const char *data,
              const char *hashed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 digest[20];
  gsize digest_len = sizeof digest;
  g_autofree char *hash = NULL;
  g_autofree char *encoded = g_base64_encode ((const guchar *) data, strlen (data));
  g_autofree char *json = NULL;

  g_checksum_update (checksum, (const guchar *) hashed, strlen (hashed));
  g_checksum_get_digest (checksum, digest, &digest_len);
  hash = g_base64_encode (digest, digest_len);

  json = g_strdup_printf ("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
                          "{\"resource\":{\"resourceType\":\"Binary\",\"id\":\"bin-%s\","
                          "\"contentType\":\"text/plain\",\"data\":\"%s\"}},"
                          "{\"resource\":{\"resourceType\":\"DocumentReference\",\"id\":\"%s\","
                          "\"status\":\"current\",\"subject\":{\"reference\":\"Patient/%s\"},"
                          "\"date\":\"2026-01-15T10:00:00Z\",\"description\":\"%s\","
                          "\"content\":[{\"attachment\":{\"contentType\":\"text/plain\","
                          "\"url\":\"Binary/bin-%s\",\"hash\":\"%s\",\"title\":\"%s.txt\"}}]}}]}",
                          id, encoded, id, MK_DEMO_PATIENT_ID, id, id, hash, id);
  g_assert_true (mk_test_server_load_json (f->server, json, &error));
  g_assert_no_error (error);
}

static gboolean
mirror_has (Fixture    *f,
            const char *type,
            const char *id)
{
  g_autoptr(MkResource) resource = mk_store_get_resource (f->store, type, id, NULL);

  return resource != NULL;
}

/* A document that arrives on a later sync gets its file in that sync, and
 * only that one is asked for. */
static void
test_new_document (Fixture       *f,
                   gconstpointer  data)
{
  MkSyncStats stats;

  mk_sync_fixture_run (f, &stats);
  add_document (f, "doc-new", "Выписка", "Выписка");

  mk_test_server_reset_request_counts (f->server);
  mk_sync_fixture_run (f, &stats);
  g_assert_true (mirror_has (f, "DocumentReference", "doc-new"));
  g_assert_true (mirror_has (f, "Binary", "bin-doc-new"));
  g_assert_cmpuint (mk_test_server_get_request_count (f->server, "GET", "Binary"), ==, 1);
  g_assert_cmpuint (mk_test_server_get_request_count (f->server, "GET", "Binary/bin-doc-new"), ==, 1);
  assert_mirror_equals_server (f);

  mk_test_server_reset_request_counts (f->server);
  mk_sync_fixture_run (f, &stats);
  g_assert_cmpuint (mk_test_server_get_request_count (f->server, NULL, "Binary"), ==, 0);
}

/* A sync that completes and stores the document @doc but not its file,
 * asked for once. */
static void
sync_without_file (Fixture    *f,
                   const char *doc)
{
  MkSyncStats stats;
  g_autofree char *binary = g_strconcat ("bin-", doc, NULL);
  g_autofree char *path = g_strconcat ("Binary/", binary, NULL);

  mk_test_server_reset_request_counts (f->server);
  mk_sync_fixture_run (f, &stats);
  g_assert_true (mirror_has (f, "DocumentReference", doc));
  g_assert_false (mirror_has (f, "Binary", binary));
  g_assert_cmpuint (mk_test_server_get_request_count (f->server, "GET", path), ==, 1);
}

/* A file that could not be stored is asked for again on the next sync:
 * after a SHA-1 mismatch (the sync goes on) and after a server error (the
 * sync fails). */
static void
test_file_retried (Fixture       *f,
                   gconstpointer  data)
{
  MkSyncStats stats;
  g_autoptr(GError) error = NULL;

  mk_sync_fixture_run (f, &stats);
  add_document (f, "doc-bad", "испорчено", "Справка");

  sync_without_file (f, "doc-bad");

  /* The server's file is right now, but the server fails. */
  add_document (f, "doc-bad", "Справка", "Справка");
  mk_test_server_add_fault (f->server, MK_TEST_FAULT_STATUS_500, "Binary", 0);
  mk_test_server_reset_request_counts (f->server);
  g_assert_false (mk_sync_run (f->sync, &stats, NULL, &error));
  g_assert_error (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_SERVER);
  g_clear_error (&error);
  g_assert_cmpuint (mk_test_server_get_request_count (f->server, "GET", "Binary/bin-doc-bad"), >=, 1);
  g_assert_false (mirror_has (f, "Binary", "bin-doc-bad"));

  mk_test_server_clear_faults (f->server);
  mk_test_server_reset_request_counts (f->server);
  mk_sync_fixture_run (f, &stats);
  g_assert_true (mirror_has (f, "Binary", "bin-doc-bad"));
  g_assert_cmpuint (mk_test_server_get_request_count (f->server, "GET", "Binary"), ==, 1);
  assert_mirror_equals_server (f);
}

/* Files are stored a few at a time: when the run stops at a file (a server
 * error), those checked before it are kept, and only the rest is asked for
 * again. */
static void
test_files_kept_on_failure (Fixture       *f,
                            gconstpointer  data)
{
  MkSyncStats stats;
  g_autoptr(GError) error = NULL;

  mk_sync_fixture_run (f, &stats);
  add_document (f, "doc-a", "Первая", "Первая");
  add_document (f, "doc-b", "Вторая", "Вторая");
  mk_test_server_add_fault (f->server, MK_TEST_FAULT_STATUS_500, "Binary/bin-doc-b", 0);

  g_assert_false (mk_sync_run (f->sync, &stats, NULL, &error));
  g_assert_error (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_SERVER);
  g_assert_true (mirror_has (f, "Binary", "bin-doc-a"));
  g_assert_false (mirror_has (f, "Binary", "bin-doc-b"));

  mk_test_server_clear_faults (f->server);
  mk_test_server_reset_request_counts (f->server);
  mk_sync_fixture_run (f, &stats);
  g_assert_true (mirror_has (f, "Binary", "bin-doc-b"));
  g_assert_cmpuint (mk_test_server_get_request_count (f->server, "GET", "Binary"), ==, 1);
}

/* A document whose file the server does not have (410 once deleted): the
 * sync completes without it and asks again next time, until it is there. */
static void
test_file_missing (Fixture       *f,
                   gconstpointer  data)
{
  MkSyncStats stats;
  g_autoptr(GError) error = NULL;

  mk_sync_fixture_run (f, &stats);
  add_document (f, "doc-gone", "Выписка", "Выписка");
  g_assert_true (mk_test_server_delete (f->server, "Binary", "bin-doc-gone", &error));
  g_assert_no_error (error);

  sync_without_file (f, "doc-gone");

  add_document (f, "doc-gone", "Выписка", "Выписка");
  mk_sync_fixture_run (f, &stats);
  g_assert_true (mirror_has (f, "Binary", "bin-doc-gone"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sync/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("pull/full-then-nothing", test_full_then_nothing);
  ADD ("pull/server-change", test_server_change);
  ADD ("pull/server-delete", test_server_delete);
  ADD ("pull/paging", test_paging);
  ADD ("pull/practitioner", test_practitioner);
  ADD ("push/book-and-cancel", test_book_and_cancel);
  ADD ("push/slot-without-booking-rule", test_slot_without_booking_rule);
  ADD ("push/local-mark-deleted", test_local_mark_deleted);
  ADD ("push/create-twice", test_create_twice);
  ADD ("push/conflict", test_conflict);
  ADD ("push/lost-update-answer", test_lost_update_answer);
  ADD ("fault/retry-after", test_retry_after);
  ADD ("fault/truncated-page", test_truncated_page);
  ADD ("fault/bad-answers", test_bad_answers);
  ADD ("fault/unauthorized", test_unauthorized);
  ADD ("run/cancel", test_cancel);
  ADD ("run/async", test_async);
  ADD ("binary/checksum", test_binary);
  ADD ("binary/new-document", test_new_document);
  ADD ("binary/retried", test_file_retried);
  ADD ("binary/missing", test_file_missing);
  ADD ("binary/kept-on-failure", test_files_kept_on_failure);
  g_test_add_data_func ("/sync/tls/untrusted", GINT_TO_POINTER (MK_TEST_TLS_UNTRUSTED), test_tls);
  g_test_add_data_func ("/sync/tls/expired", GINT_TO_POINTER (MK_TEST_TLS_EXPIRED), test_tls);
  g_test_add_data_func ("/sync/tls/wrong-host", GINT_TO_POINTER (MK_TEST_TLS_WRONG_HOST), test_tls);

  return g_test_run ();
}
