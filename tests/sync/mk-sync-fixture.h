/* mk-sync-fixture.h — the sync tests' common set-up: a C test server over
 * HTTPS, a card's store in a temporary directory, an account on that
 * server, a fake clock and an MkSync
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mk-account.h"
#include "mk-clock.h"
#include "mk-store.h"
#include "mk-sync.h"
#include "mk-test-server.h"

G_BEGIN_DECLS

#define MK_SYNC_FIXTURE_TOKEN "test-token-1"

typedef struct
{
  char         *dir;
  MkTestServer *server;
  MkStore      *store;
  MkAccount    *account;
  MkClock      *clock;
  MkSync       *sync;
} MkSyncFixture;

/* Starts the server with @mode, loads @server_json (NULL: the demo card,
 * anchored now) and makes an account of @role for @subject_id with the
 * server's CA file, a token, and a quick retry policy. */
void   mk_sync_fixture_start    (MkSyncFixture  *f,
                                 MkTestTlsMode   mode,
                                 const char     *server_json,
                                 MkAccountRole   role,
                                 const char     *subject_id);
void   mk_sync_fixture_stop     (MkSyncFixture  *f);
/* An MkSync for the fixture's store and account, with its token. */
MkSync *mk_sync_fixture_new_sync (MkSyncFixture *f);
/* Runs a sync that must succeed. */
void   mk_sync_fixture_run      (MkSyncFixture  *f,
                                 MkSyncStats    *stats);
/* How many resources of @type the mirror holds. */
guint  mk_sync_fixture_count    (MkSyncFixture  *f,
                                 const char     *type);

G_END_DECLS
