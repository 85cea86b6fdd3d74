/* test-interop.c — medkartactl against an independent FHIR R4 server:
 * Medplum's FhirRouter with its in-memory repository (npm), behind the few
 * lines of node:https in tests/interop/fhir-server.mjs, on 127.0.0.1 with a
 * certificate made for the run and a static bearer token.
 *
 * The demo card is loaded into it (a batch Bundle of PUT Type/id, so the ids
 * stay), then account add → sync → book → sync → cancel → sync, and the
 * mirror is compared with the server resource by resource.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "mk-outbox.h"
#include "mk-store.h"
#include "mk-test-util.h"

#define TOKEN "interop-test-token"
#define PATIENT "demo-patient"
#define FREE_SLOT "slot-free-2"
#define NOW "2026-11-23T10:00:00+03:00"
#define NPM_CI_TIMEOUT_SECONDS 240
#define START_TIMEOUT_SECONDS 60

/* The patient's compartment as the sync engine asks for it. */
static const char * const compartment_types[] = {
  "Encounter", "Condition", "Observation", "DiagnosticReport", "Immunization",
  "Procedure", "AllergyIntolerance", "MedicationRequest", "MedicationDispense",
  "DocumentReference", "Appointment", "Consent", "AuditEvent", "Provenance",
};

static char *skip_reason;
static char *tmp_dir;
static char *cert_file;
static char *key_file;
static char *log_file;
static char *fhir_base;
static GSubprocess *server;
static SoupSession *session;

/* ------------------------------------------------------------------ */
/* Processes                                                            */

/* medkartactl ARGS… with a fixed clock; returns the exit status. */
static int
ctl (const char  *input,
     char       **out,
     ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  g_autofree char *line = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, g_build_filename (g_getenv ("MEDKARTA_BUILD_DIR"), "src", "cli", "medkartactl", NULL));
  va_start (args, out);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "MEDKARTA_NOW", NOW, TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input != NULL ? input : "", NULL,
                                 &stdout_text, &stderr_text, &error);
  g_assert_no_error (error);

  line = g_strjoinv (" ", (char **) argv->pdata + 3);
  if (g_subprocess_get_exit_status (process) != 0 || g_test_verbose ())
    g_test_message ("medkartactl %s → %d\nstdout: %s\nstderr: %s", line,
                    g_subprocess_get_exit_status (process), stdout_text, stderr_text);
  g_assert_null (strstr (stdout_text, TOKEN));
  g_assert_null (strstr (stderr_text, TOKEN));
  if (out != NULL)
    *out = g_steal_pointer (&stdout_text);
  return g_subprocess_get_exit_status (process);
}

/* The server of tests/interop/fhir-server.mjs; its requests go to log_file.
 * stdin is a pipe the server watches: it exits when the test ends, even
 * when the test aborts. */
static gboolean
start_server (const char  *npm_dir,
              GError     **error)
{
  log_file = g_build_filename (tmp_dir, "requests.log", NULL);
  {
    const char *argv[] = { "fhir-server.mjs", cert_file, key_file, TOKEN, log_file, NULL };

    server = mk_test_start_node_server (npm_dir, argv, G_SUBPROCESS_FLAGS_STDIN_PIPE, START_TIMEOUT_SECONDS,
                                        NULL, &fhir_base, error);
  }
  return server != NULL;
}

/* "v20.11.1" → 20 */
static int
node_major (void)
{
  g_autofree char *out = NULL;

  if (!g_spawn_command_line_sync ("node --version", &out, NULL, NULL, NULL) || out == NULL || out[0] != 'v')
    return 0;
  return atoi (out + 1);
}

static void
set_up (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *npm_dir = NULL;

  if (g_getenv ("MEDKARTA_TEST_KEYRING") == NULL)
    {
      skip_reason = g_strdup ("No test Secret Service (run under build-aux/test-session.sh)");
      return;
    }
  if (g_find_program_in_path ("node") == NULL || g_find_program_in_path ("npm") == NULL)
    {
      skip_reason = g_strdup ("node and npm are needed for the interop server (build-aux/install-deps.sh)");
      return;
    }
  if (node_major () < 20)
    {
      skip_reason = g_strdup ("@medplum/fhir-router 4.5 needs node ≥ 20.19");
      return;
    }
  if (g_find_program_in_path ("certtool") == NULL)
    {
      skip_reason = g_strdup ("certtool (gnutls-bin) is needed for the server's certificate");
      return;
    }

  tmp_dir = g_dir_make_tmp ("medkarta-interop-XXXXXX", &error);
  g_assert_no_error (error);

  npm_dir = mk_test_prepare_npm ("interop", "fhir-server.mjs", "@medplum/fhir-router/package.json",
                                 NPM_CI_TIMEOUT_SECONDS, &error);
  if (npm_dir == NULL)
    {
      skip_reason = g_strdup_printf ("Could not install the FHIR server from npm: %s", error->message);
      return;
    }
  g_assert_true (mk_test_make_certificate (tmp_dir, &key_file, &cert_file, &error));
  g_assert_no_error (error);
  g_assert_true (start_server (npm_dir, &error));
  g_assert_no_error (error);

  session = mk_test_new_session (cert_file, 30);
}

/* ------------------------------------------------------------------ */
/* Talking to the server directly                                       */

/* @method @path (under the base) with @body; returns the parsed answer. */
static JsonNode *
fhir (const char *method,
      const char *path,
      const char *body,
      guint      *status)
{
  g_autofree char *url = g_strconcat (fhir_base, "/", path, NULL);
  g_autofree char *auth = g_strconcat ("Bearer ", TOKEN, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  g_assert_nonnull (msg);
  soup_message_headers_append (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_headers_append (soup_message_get_request_headers (msg), "Accept", "application/fhir+json");
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/fhir+json", bytes);
    }
  answer = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL),
                   ==, "application/fhir+json");
  *status = soup_message_get_status (msg);
  {
    g_autoptr(JsonParser) parser = json_parser_new ();

    if (g_bytes_get_size (answer) == 0)
      return json_node_new (JSON_NODE_NULL);
    json_parser_load_from_data (parser, g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), &error);
    g_assert_no_error (error);
    node = json_node_copy (json_parser_get_root (parser));
  }
  return node;
}

static JsonNode *
fhir_get (const char *path)
{
  guint status = 0;
  JsonNode *node = fhir ("GET", path, NULL, &status);

  if (status != 200)
    g_error ("GET %s → %u", path, status);
  return node;
}

/* A search answer's resources (the medplum repository sends no next links:
 * the search asks for all of them at once, and total must match). */
static JsonArray *
search_entries (JsonNode *bundle)
{
  JsonObject *object = json_node_get_object (bundle);
  JsonArray *entries;

  g_assert_cmpstr (json_object_get_string_member (object, "resourceType"), ==, "Bundle");
  if (!json_object_has_member (object, "entry"))
    {
      g_assert_cmpint (json_object_get_int_member_with_default (object, "total", 0), ==, 0);
      return NULL;
    }
  entries = json_object_get_array_member (object, "entry");
  g_assert_cmpint (json_object_get_int_member (object, "total"), ==, json_array_get_length (entries));
  return entries;
}

/* ------------------------------------------------------------------ */
/* The mirror                                                           */

static JsonNode *
mirror_get (const char *card,
            const char *type,
            const char *id)
{
  g_autofree char *ref = g_strconcat (type, "/", id, NULL);
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  if (ctl (NULL, &out, "--data-dir", card, "get", ref, NULL) != 0)
    return NULL;
  node = json_from_string (out, &error);
  g_assert_no_error (error);
  return node;
}

static void
assert_sync_ok (const char *card,
                int         pushed)
{
  g_autofree char *out = NULL;
  g_autoptr(JsonNode) summary = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  g_assert_cmpint (ctl (NULL, &out, "--data-dir", card, "sync", "--json", NULL), ==, 0);
  summary = json_from_string (out, &error);
  g_assert_no_error (error);
  object = json_node_get_object (summary);
  g_assert_true (json_object_get_boolean_member (object, "ok"));
  g_assert_cmpint (json_object_get_int_member (object, "conflicts"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (object, "failed"), ==, 0);
  if (pushed >= 0)
    g_assert_cmpint (json_object_get_int_member (object, "pushed"), ==, pushed);
}

/* One resource: the mirror holds exactly what the server sends. Medplum
 * only adds meta.versionId (a UUID) and meta.lastUpdated, and the mirror
 * keeps them as received, so nothing is dropped before comparing. */
static void
assert_same (const char *card,
             const char *type,
             const char *id,
             JsonNode   *on_server)
{
  g_autoptr(JsonNode) mirrored = mirror_get (card, type, id);

  if (mirrored == NULL)
    g_error ("%s/%s is on the server but not in the mirror", type, id);
  if (json_node_equal (mirrored, on_server))
    return;

  {
    g_autofree char *a = json_to_string (mirrored, FALSE);
    g_autofree char *b = json_to_string (on_server, FALSE);

    g_error ("%s/%s differs:\nmirror: %s\nserver: %s", type, id, a, b);
  }
}

/* Every resource of the patient's compartment on the server is in the
 * mirror and equal; every resource in the mirror is on the server and
 * equal; returns how many were compared. */
static guint
assert_mirror_equals_server (const char *card)
{
  g_autoptr(MkStore) store = NULL;
  g_autoptr(GHashTable) counts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) patient = NULL;
  GHashTableIter iter;
  gpointer key, value;
  guint compared = 0, total = 0;

  patient = fhir_get ("Patient/" PATIENT);
  assert_same (card, "Patient", PATIENT, patient);

  for (guint i = 0; i < G_N_ELEMENTS (compartment_types); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s?patient=Patient/%s&_count=1000",
                                               compartment_types[i], PATIENT);
      g_autoptr(JsonNode) bundle = fhir_get (path);
      JsonArray *entries = search_entries (bundle);

      for (guint j = 0; entries != NULL && j < json_array_get_length (entries); j++)
        {
          JsonObject *entry = json_array_get_object_element (entries, j);
          JsonNode *resource = json_object_get_member (entry, "resource");
          JsonObject *object = json_node_get_object (resource);

          assert_same (card, json_object_get_string_member (object, "resourceType"),
                       json_object_get_string_member (object, "id"), resource);
        }
    }

  /* The other way: all the mirror holds, referenced resources included. */
  store = mk_store_open_in_dir (card, &error);
  g_assert_no_error (error);
  counts = mk_store_count_by_type (store, &error);
  g_assert_no_error (error);
  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autoptr(GPtrArray) ids = mk_store_list_ids (store, key, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (ids->len, ==, GPOINTER_TO_UINT (value));
      total += ids->len;
      for (guint i = 0; i < ids->len; i++)
        {
          g_autofree char *path = g_strdup_printf ("%s/%s", (char *) key, (char *) g_ptr_array_index (ids, i));
          g_autoptr(JsonNode) on_server = fhir_get (path);

          assert_same (card, key, g_ptr_array_index (ids, i), on_server);
          compared++;
        }
    }
  g_assert_cmpuint (compared, ==, total);
  g_assert_cmpuint (mk_store_count_outbox (store, &error), ==, 0);
  return compared;
}

/* ------------------------------------------------------------------ */
/* The test                                                             */

/* The demo card as a batch of PUT Type/id (update as create keeps the ids;
 * medplum gives each resource its own versionId and lastUpdated). */
static guint
load_demo (void)
{
  g_autofree char *demo = g_build_filename (tmp_dir, "demo", NULL);
  g_autoptr(MkStore) store = NULL;
  g_autoptr(GHashTable) counts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) batch = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *text = NULL;
  JsonArray *entries;
  GHashTableIter iter;
  gpointer key;
  guint status = 0, n = 0;

  g_assert_cmpint (ctl (NULL, NULL, "--data-dir", demo, "demo", NULL), ==, 0);
  store = mk_store_open_in_dir (demo, &error);
  g_assert_no_error (error);
  counts = mk_store_count_by_type (store, &error);
  g_assert_no_error (error);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "resourceType");
  json_builder_add_string_value (builder, "Bundle");
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "batch");
  json_builder_set_member_name (builder, "entry");
  json_builder_begin_array (builder);
  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_autoptr(GPtrArray) ids = mk_store_list_ids (store, key, &error);

      g_assert_no_error (error);
      for (guint i = 0; i < ids->len; i++)
        {
          g_autofree char *json = mk_store_get_json (store, key, g_ptr_array_index (ids, i), &error);
          g_autofree char *url = g_strdup_printf ("%s/%s", (char *) key, (char *) g_ptr_array_index (ids, i));

          g_assert_no_error (error);
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "resource");
          json_builder_add_value (builder, json_from_string (json, &error));
          g_assert_no_error (error);
          json_builder_set_member_name (builder, "request");
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "method");
          json_builder_add_string_value (builder, "PUT");
          json_builder_set_member_name (builder, "url");
          json_builder_add_string_value (builder, url);
          json_builder_end_object (builder);
          json_builder_end_object (builder);
          n++;
        }
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  batch = json_builder_get_root (builder);
  text = json_to_string (batch, FALSE);
  answer = fhir ("POST", "", text, &status);
  g_assert_cmpuint (status, ==, 200);
  entries = json_object_get_array_member (json_node_get_object (answer), "entry");
  g_assert_cmpuint (json_array_get_length (entries), ==, n);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *response = json_object_get_object_member (json_array_get_object_element (entries, i), "response");
      const char *code = json_object_get_string_member (response, "status");

      if (strcmp (code, "200") != 0 && strcmp (code, "201") != 0)
        g_error ("loading the demo: entry %u → %s", i, code);
    }
  return n;
}

/* How many requests in the server's log begin with @prefix
 * ("GET /fhir/Slot/x "). */
static guint
count_requests (const char *prefix)
{
  g_autofree char *log = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  g_assert_true (g_file_get_contents (log_file, &log, NULL, NULL));
  lines = g_strsplit (log, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      n++;
  return n;
}

/* The server's Appointments with this identifier. */
static JsonArray *
appointments_with_identifier (const char *uuid,
                              JsonNode  **bundle)
{
  g_autofree char *path = g_strdup_printf ("Appointment?identifier=urn:ietf:rfc:3986%%7Curn:uuid:%s", uuid);

  *bundle = fhir_get (path);
  return search_entries (*bundle);
}

static void
test_sync_book_cancel (void)
{
  g_autofree char *card = NULL;
  g_autofree char *out = NULL;
  g_autofree char *local_id = NULL;
  g_autofree char *server_id = NULL;
  g_autofree char *log = NULL;
  g_autoptr(JsonNode) bundle = NULL;
  g_autoptr(JsonNode) appointment = NULL;
  g_autoptr(JsonNode) gone = NULL;
  JsonArray *found;
  guint loaded, compared, slot_reads;

  if (skip_reason != NULL)
    {
      g_test_skip (skip_reason);
      return;
    }

  loaded = load_demo ();
  g_test_message ("loaded %u demo resources into the server", loaded);

  card = g_build_filename (tmp_dir, "card", NULL);
  g_assert_cmpint (ctl (TOKEN "\n", NULL, "--data-dir", card, "account", "add", "--server", fhir_base,
                        "--patient", PATIENT, "--token-stdin", "--ca-file", cert_file, NULL), ==, 0);

  assert_sync_ok (card, 0);
  compared = assert_mirror_equals_server (card);
  g_test_message ("after the first sync: %u resources equal", compared);
  g_assert_cmpuint (compared, >, 200);

  /* Book a free slot: one Appointment on the server, under its own id. */
  g_assert_cmpint (ctl (NULL, &out, "--data-dir", card, "book", FREE_SLOT, "--reason", "Кашель", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "Appointment/"));
  local_id = g_strndup (out + strlen ("Appointment/"), strcspn (out + strlen ("Appointment/"), "\n"));
  slot_reads = count_requests ("GET /fhir/Slot/" FREE_SLOT " ");
  assert_sync_ok (card, 1);
  /* The sync read the booked slot once, by id (the test's own reads of the
   * server come after). */
  g_assert_cmpuint (count_requests ("GET /fhir/Slot/" FREE_SLOT " "), ==, slot_reads + 1);

  /* This server has no booking rule: the slot stays free and unchanged on
   * it. The local "busy" mark `book` put on the slot must not outlive the
   * push: the engine reads the slot again and stores the server's. */
  {
    g_autoptr(JsonNode) slot = fhir_get ("Slot/" FREE_SLOT);
    g_autoptr(JsonNode) mirrored = mirror_get (card, "Slot", FREE_SLOT);

    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (slot), "status"), ==, "free");
    g_assert_nonnull (mirrored);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (mirrored), "status"), ==, "free");
    assert_same (card, "Slot", FREE_SLOT, slot);
  }
  compared = assert_mirror_equals_server (card);
  g_test_message ("after the booking: %u resources equal", compared);

  found = appointments_with_identifier (local_id, &bundle);
  g_assert_nonnull (found);
  g_assert_cmpuint (json_array_get_length (found), ==, 1);
  appointment = json_node_copy (json_object_get_member (json_array_get_object_element (found, 0), "resource"));
  server_id = g_strdup (json_object_get_string_member (json_node_get_object (appointment), "id"));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (appointment), "status"), ==, "booked");
  g_assert_cmpstr (server_id, !=, local_id);
  assert_same (card, "Appointment", server_id, appointment);
  gone = mirror_get (card, "Appointment", local_id);
  g_assert_null (gone);

  /* Cancel it under the server's id, with If-Match on medplum's version. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (ctl (NULL, &out, "--data-dir", card, "cancel", server_id, "--reason", "Выздоровел", NULL), ==, 0);
  assert_sync_ok (card, 1);
  assert_sync_ok (card, 0);

  g_clear_pointer (&bundle, json_node_unref);
  found = appointments_with_identifier (local_id, &bundle);
  g_assert_nonnull (found);
  g_assert_cmpuint (json_array_get_length (found), ==, 1);
  {
    JsonObject *object = json_object_get_object_member (json_array_get_object_element (found, 0), "resource");

    g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, server_id);
    g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "cancelled");
  }

  compared = assert_mirror_equals_server (card);
  g_test_message ("at the end: %u resources equal", compared);

  /* What was sent: one create and one update, nothing else written. */
  g_assert_true (g_file_get_contents (log_file, &log, NULL, NULL));
  {
    g_auto(GStrv) lines = g_strsplit (log, "\n", -1);
    guint creates = 0, updates = 0, other = 0;

    for (guint i = 0; lines[i] != NULL; i++)
      {
        if (g_str_has_prefix (lines[i], "POST /fhir/Appointment "))
          creates++;
        else if (g_str_has_prefix (lines[i], "PUT /fhir/Appointment/"))
          updates++;
        else if (!g_str_has_prefix (lines[i], "GET ") && !g_str_has_prefix (lines[i], "POST /fhir/ ") &&
                 lines[i][0] != '\0')
          {
            g_test_message ("unexpected request: %s", lines[i]);
            other++;
          }
      }
    g_assert_cmpuint (creates, ==, 1);
    g_assert_cmpuint (updates, ==, 1);
    g_assert_cmpuint (other, ==, 0);
  }
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  /* Small pages: Medplum gives no `next` links, so every type with more
   * than a page (78 Observations) goes through the client's `_offset`
   * paging, and the mirror-equals-server checks catch a cut-off list. */
  g_setenv ("MEDKARTA_SYNC_PAGE_SIZE", "20", TRUE);
  set_up ();

  g_test_add_func ("/interop/medplum/sync-book-cancel", test_sync_book_cancel);

  status = g_test_run ();

  g_clear_object (&session);
  mk_test_stop_process (&server);
  if (tmp_dir != NULL)
    mk_test_remove_tree (tmp_dir);
  g_free (skip_reason);
  return status;
}
