/* mk-sync-fixture.c — the sync tests' common set-up
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mk-sync-fixture.h"
#include "mk-test-util.h"

MkSync *
mk_sync_fixture_new_sync (MkSyncFixture *f)
{
  MkSync *sync = mk_sync_new (f->store, f->account, f->clock);

  mk_sync_set_access_token (sync, MK_SYNC_FIXTURE_TOKEN);
  mk_sync_set_retry_policy (sync, 3, 10, 1500);
  return sync;
}

void
mk_sync_fixture_start (MkSyncFixture *f,
                       MkTestTlsMode  mode,
                       const char    *server_json,
                       MkAccountRole  role,
                       const char    *subject_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  f->store = mk_test_open_store ("medkarta-sync-XXXXXX", "card", &f->dir, NULL, NULL);

  f->server = mk_test_server_new (NULL, &error);
  g_assert_no_error (error);
  mk_test_server_set_tls_mode (f->server, mode);
  g_assert_true (mk_test_server_start (f->server, &error));
  g_assert_no_error (error);
  mk_test_server_set_token (f->server, MK_SYNC_FIXTURE_TOKEN);
  if (server_json != NULL)
    g_assert_true (mk_test_server_load_json (f->server, server_json, &error));
  else
    g_assert_true (mk_test_server_load_demo (f->server, now, &error));
  g_assert_no_error (error);

  f->account = mk_account_new (mk_test_server_get_base_url (f->server), role, subject_id, &error);
  g_assert_no_error (error);
  mk_account_set_ca_file (f->account, mk_test_server_get_ca_file (f->server));
  g_assert_true (mk_account_save (f->account, f->store, &error));
  g_assert_no_error (error);

  f->clock = mk_clock_new_fake (now);
  f->sync = mk_sync_fixture_new_sync (f);
}

void
mk_sync_fixture_stop (MkSyncFixture *f)
{
  g_clear_object (&f->sync);
  g_clear_object (&f->clock);
  g_clear_object (&f->account);
  g_clear_object (&f->store);
  if (f->server != NULL)
    mk_test_server_stop (f->server);
  g_clear_object (&f->server);
  mk_test_remove_tree (f->dir);
  g_clear_pointer (&f->dir, g_free);
}

void
mk_sync_fixture_run (MkSyncFixture *f,
                     MkSyncStats   *stats)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = mk_sync_run (f->sync, stats, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (ok);
}

guint
mk_sync_fixture_count (MkSyncFixture *f,
                       const char    *type)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) counts = mk_store_count_by_type (f->store, &error);

  g_assert_no_error (error);
  return GPOINTER_TO_UINT (g_hash_table_lookup (counts, type));
}
