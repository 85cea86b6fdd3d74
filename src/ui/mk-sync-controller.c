/* mk-sync-controller.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The state machine:
 *
 *   idle ──start/timer/on demand/network back──► syncing ──ok──► idle
 *     ▲                                            │  ├─fails──► failed  (the next timer tick tries again)
 *     │                                            │  ├─401────► sign-in-required (only the user restarts it)
 *     └──────────── network back ◄── offline ◄─────┘  └─cancel─► idle
 *
 * Going offline cancels a running sync. A failure is not retried at once:
 * the client already retried with backoff, so the next try is the next
 * timer tick (or the user's). After "sign in again" nothing is tried
 * automatically until mk_sync_controller_signed_in() or an explicit sync.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mk-account.h"
#include "mk-application.h"
#include "mk-auth.h"
#include "mk-client.h"
#include "mk-outbox.h"
#include "mk-sync.h"
#include "mk-sync-controller.h"

#define DEFAULT_INTERVAL_MINUTES 15

struct _MkSyncController
{
  GObject          parent_instance;

  MkStore         *store;
  MkClock         *clock;
  GSettings       *settings;          /* NULL: the default interval */
  GNetworkMonitor *network_monitor;   /* NULL: set by hand (tests) */
  char            *server_host;       /* loopback servers are reachable without a network */

  gboolean         is_account;
  gboolean         started;
  gboolean         shut_down;
  gboolean         network_available;
  MkSyncState      state;
  GDateTime       *last_sync;
  guint            pages;
  guint            resources;
  char            *error_message;
  guint            n_pending;
  guint            n_conflicts;
  guint            n_failed;
  guint            n_runs;

  GCancellable    *cancellable;       /* the running sync's */
  guint            generation;        /* progress from older runs is dropped */
  guint            timer_id;
  guint            timer_minutes;

  guint            retry_attempts;    /* 0: the client's defaults */
  guint            retry_base_ms;
  guint            retry_max_ms;
};

G_DEFINE_FINAL_TYPE (MkSyncController, mk_sync_controller, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (MkSyncState, mk_sync_state,
  G_DEFINE_ENUM_VALUE (MK_SYNC_STATE_IDLE, "idle"),
  G_DEFINE_ENUM_VALUE (MK_SYNC_STATE_SYNCING, "syncing"),
  G_DEFINE_ENUM_VALUE (MK_SYNC_STATE_OFFLINE, "offline"),
  G_DEFINE_ENUM_VALUE (MK_SYNC_STATE_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (MK_SYNC_STATE_SIGN_IN_REQUIRED, "sign-in-required"))

enum {
  PROP_0,
  PROP_STORE,
  PROP_CLOCK,
  PROP_NETWORK_MONITOR,
  PROP_SETTINGS,
  PROP_IS_ACCOUNT,
  PROP_STATE,
  PROP_LAST_SYNC,
  PROP_PAGES,
  PROP_RESOURCES,
  PROP_ERROR_MESSAGE,
  PROP_N_PENDING,
  PROP_N_CONFLICTS,
  PROP_N_FAILED,
  PROP_NETWORK_AVAILABLE,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static void mk_sync_controller_restart_timer (MkSyncController *self);

/* ---- state ---------------------------------------------------------------- */

static void
set_state (MkSyncController *self,
           MkSyncState       state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_error_message (MkSyncController *self,
                   const char       *message)
{
  if (g_strcmp0 (self->error_message, message) == 0)
    return;
  g_free (self->error_message);
  self->error_message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
}

static void
set_progress (MkSyncController *self,
              guint             pages,
              guint             resources)
{
  if (self->pages != pages)
    {
      self->pages = pages;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGES]);
    }
  if (self->resources != resources)
    {
      self->resources = resources;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESOURCES]);
    }
}

static void
reload_last_sync (MkSyncController *self)
{
  g_autofree char *value = NULL;
  g_autoptr(GDateTime) last_sync = NULL;

  if (self->store != NULL)
    value = mk_store_get_meta (self->store, MK_ACCOUNT_META_LAST_SYNC, NULL);
  if (value != NULL)
    last_sync = g_date_time_new_from_iso8601 (value, NULL);

  if (last_sync == self->last_sync ||
      (last_sync != NULL && self->last_sync != NULL && g_date_time_equal (last_sync, self->last_sync)))
    return;

  g_clear_pointer (&self->last_sync, g_date_time_unref);
  self->last_sync = g_steal_pointer (&last_sync);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNC]);
}

void
mk_sync_controller_update_counts (MkSyncController *self)
{
  const struct { MkOutboxState state; guint *count; guint prop; } counts[] = {
    { MK_OUTBOX_PENDING, &self->n_pending, PROP_N_PENDING },
    { MK_OUTBOX_CONFLICT, &self->n_conflicts, PROP_N_CONFLICTS },
    { MK_OUTBOX_FAILED, &self->n_failed, PROP_N_FAILED },
  };

  g_return_if_fail (MK_IS_SYNC_CONTROLLER (self));

  if (self->store == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      g_autoptr(GError) error = NULL;
      guint n = mk_store_count_outbox_state (self->store, counts[i].state, &error);

      if (error != NULL)
        {
          g_debug ("Cannot count the outbox: %s", error->message);
          continue;
        }
      if (*counts[i].count != n)
        {
          *counts[i].count = n;
          g_object_notify_by_pspec (G_OBJECT (self), properties[counts[i].prop]);
        }
    }
}

/* ---- running a sync --------------------------------------------------------- */

typedef struct
{
  GWeakRef     controller;
  guint        generation;
  GMainContext *context;
} ProgressShared;

typedef struct
{
  MkSyncController *self;   /* strong ref, dropped in the main thread */
  guint             generation;
  guint             pages;
  guint             resources;
} ProgressUpdate;

static void
progress_shared_free (gpointer data)
{
  ProgressShared *shared = data;

  g_weak_ref_clear (&shared->controller);
  g_main_context_unref (shared->context);
  g_free (shared);
}

static void
progress_update_free (gpointer data)
{
  ProgressUpdate *update = data;

  g_object_unref (update->self);
  g_free (update);
}

static gboolean
apply_progress (gpointer data)
{
  ProgressUpdate *update = data;
  MkSyncController *self = update->self;

  if (update->generation == self->generation && self->state == MK_SYNC_STATE_SYNCING)
    set_progress (self, update->pages, update->resources);

  return G_SOURCE_REMOVE;
}

/* In the sync's thread. */
static void
on_sync_progress (MkSyncPhase        phase,
                  const char        *resource_type,
                  const MkSyncStats *stats,
                  gpointer           user_data)
{
  ProgressShared *shared = user_data;
  MkSyncController *self = g_weak_ref_get (&shared->controller);
  ProgressUpdate *update;

  if (self == NULL)
    return;

  update = g_new0 (ProgressUpdate, 1);
  update->self = self;
  update->generation = shared->generation;
  update->pages = stats->pages;
  update->resources = stats->fetched;
  g_main_context_invoke_full (shared->context, G_PRIORITY_DEFAULT,
                              apply_progress, update, progress_update_free);
}

static gboolean
is_sign_in_error (const GError *error)
{
  return g_error_matches (error, MK_SYNC_ERROR, MK_SYNC_ERROR_SIGN_IN_REQUIRED) ||
         g_error_matches (error, MK_AUTH_ERROR, MK_AUTH_ERROR_SIGN_IN_REQUIRED) ||
         g_error_matches (error, MK_CLIENT_ERROR, MK_CLIENT_ERROR_UNAUTHORIZED);
}

static void
on_sync_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(MkSyncController) self = user_data;
  g_autoptr(GError) error = NULL;
  MkSyncStats stats = { 0 };
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));
  gboolean ok;

  ok = mk_sync_run_finish (MK_SYNC (source), result, &stats, &error);

  if (cancellable != self->cancellable)
    return;   /* a run the controller already gave up on */
  g_clear_object (&self->cancellable);

  reload_last_sync (self);
  mk_sync_controller_update_counts (self);

  if (self->shut_down)
    return;

  if (ok || g_error_matches (error, MK_SYNC_ERROR, MK_SYNC_ERROR_NEEDS_ATTENTION))
    {
      /* Refused or conflicting edits show as counts, not as a failure:
       * the exchange itself completed. */
      set_progress (self, stats.pages, stats.fetched);
      set_error_message (self, NULL);
      set_state (self, MK_SYNC_STATE_IDLE);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      set_state (self, self->network_available ? MK_SYNC_STATE_IDLE : MK_SYNC_STATE_OFFLINE);
    }
  else if (is_sign_in_error (error))
    {
      set_error_message (self, error->message);
      set_state (self, MK_SYNC_STATE_SIGN_IN_REQUIRED);
    }
  else if (!self->network_available)
    {
      set_state (self, MK_SYNC_STATE_OFFLINE);
    }
  else
    {
      g_debug ("Sync failed: %s", error->message);
      set_error_message (self, error->message);
      set_state (self, MK_SYNC_STATE_FAILED);
    }
}

static gboolean
start_sync (MkSyncController *self,
            gboolean          automatic)
{
  g_autoptr(MkAccount) account = NULL;
  g_autoptr(MkSync) sync = NULL;
  g_autoptr(GError) error = NULL;
  ProgressShared *shared;

  if (!self->is_account || self->shut_down || self->cancellable != NULL)
    return FALSE;

  if (!self->network_available)
    {
      set_state (self, MK_SYNC_STATE_OFFLINE);
      return FALSE;
    }

  if (automatic && self->state == MK_SYNC_STATE_SIGN_IN_REQUIRED)
    return FALSE;

  account = mk_account_load (self->store, &error);
  if (account == NULL)
    {
      set_error_message (self, error->message);
      set_state (self, MK_SYNC_STATE_FAILED);
      return FALSE;
    }

  /* The access token is read from the Secret Service by MkSync in its
   * worker thread (mk_secret_lookup_token()), so the main thread never
   * waits on D-Bus and the token never passes through here. */
  sync = mk_sync_new (self->store, account, self->clock);
  if (self->retry_attempts > 0)
    mk_sync_set_retry_policy (sync, self->retry_attempts, self->retry_base_ms, self->retry_max_ms);

  self->generation++;
  shared = g_new0 (ProgressShared, 1);
  g_weak_ref_init (&shared->controller, self);
  shared->generation = self->generation;
  shared->context = g_main_context_ref_thread_default ();
  mk_sync_set_progress_func (sync, on_sync_progress, shared, progress_shared_free);

  self->cancellable = g_cancellable_new ();
  self->n_runs++;
  set_progress (self, 0, 0);
  set_state (self, MK_SYNC_STATE_SYNCING);

  mk_sync_run_async (sync, self->cancellable, on_sync_done, g_object_ref (self));
  return TRUE;
}

gboolean
mk_sync_controller_sync (MkSyncController *self)
{
  g_return_val_if_fail (MK_IS_SYNC_CONTROLLER (self), FALSE);

  return start_sync (self, FALSE);
}

void
mk_sync_controller_cancel (MkSyncController *self)
{
  g_return_if_fail (MK_IS_SYNC_CONTROLLER (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

void
mk_sync_controller_signed_in (MkSyncController *self)
{
  g_return_if_fail (MK_IS_SYNC_CONTROLLER (self));

  if (self->state == MK_SYNC_STATE_SIGN_IN_REQUIRED)
    {
      set_error_message (self, NULL);
      set_state (self, MK_SYNC_STATE_IDLE);
    }
  start_sync (self, FALSE);
}

/* ---- triggers --------------------------------------------------------------- */

static gboolean
on_timer (gpointer user_data)
{
  MkSyncController *self = user_data;

  /* Idle or failed: try again. Offline waits for the network, a sign-in
   * problem for the user. */
  if (self->state == MK_SYNC_STATE_IDLE || self->state == MK_SYNC_STATE_FAILED)
    start_sync (self, TRUE);

  return G_SOURCE_CONTINUE;
}

static void
mk_sync_controller_restart_timer (MkSyncController *self)
{
  guint minutes = DEFAULT_INTERVAL_MINUTES;

  g_clear_handle_id (&self->timer_id, g_source_remove);

  if (!self->started || self->shut_down || !self->is_account)
    return;

  if (self->settings != NULL)
    minutes = g_settings_get_uint (self->settings, "sync-interval-minutes");
  self->timer_minutes = minutes;
  if (minutes == 0)
    return;   /* never */

  self->timer_id = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT_IDLE, minutes * 60,
                                               on_timer, self, NULL);
}

static gboolean
is_loopback_host (const char *host)
{
  return host != NULL && (g_str_equal (host, "localhost") || g_str_has_prefix (host, "127.") ||
                          g_str_equal (host, "::1") || g_str_equal (host, "[::1]"));
}

void
mk_sync_controller_set_network_available (MkSyncController *self,
                                          gboolean          available)
{
  g_return_if_fail (MK_IS_SYNC_CONTROLLER (self));

  available = !!available;
  if (self->network_available == available)
    return;

  self->network_available = available;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NETWORK_AVAILABLE]);

  if (!self->is_account || self->shut_down)
    return;

  if (!available)
    {
      /* on_sync_done() turns the cancelled run into "offline". */
      mk_sync_controller_cancel (self);
      if (self->state != MK_SYNC_STATE_SIGN_IN_REQUIRED)
        set_state (self, MK_SYNC_STATE_OFFLINE);
    }
  else
    {
      if (self->state == MK_SYNC_STATE_OFFLINE)
        set_state (self, MK_SYNC_STATE_IDLE);
      if (self->started)
        start_sync (self, TRUE);
    }
}

static void
on_network_changed (MkSyncController *self,
                    gboolean          available,
                    GNetworkMonitor  *monitor)
{
  /* A clinic server on this machine (the test server) stays reachable. */
  if (is_loopback_host (self->server_host))
    available = TRUE;

  mk_sync_controller_set_network_available (self, available);
}

void
mk_sync_controller_start (MkSyncController *self)
{
  g_return_if_fail (MK_IS_SYNC_CONTROLLER (self));

  if (self->started || self->shut_down || !self->is_account)
    return;

  self->started = TRUE;
  mk_sync_controller_restart_timer (self);
  start_sync (self, TRUE);
}

void
mk_sync_controller_shutdown (MkSyncController *self)
{
  g_return_if_fail (MK_IS_SYNC_CONTROLLER (self));

  self->shut_down = TRUE;
  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->network_monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->network_monitor, self);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

void
mk_sync_controller_set_retry_policy (MkSyncController *self,
                                     guint             max_attempts,
                                     guint             base_delay_ms,
                                     guint             max_delay_ms)
{
  g_return_if_fail (MK_IS_SYNC_CONTROLLER (self));

  self->retry_attempts = max_attempts;
  self->retry_base_ms = base_delay_ms;
  self->retry_max_ms = max_delay_ms;
}

/* ---- GObject ---------------------------------------------------------------- */

static void
mk_sync_controller_constructed (GObject *object)
{
  MkSyncController *self = MK_SYNC_CONTROLLER (object);

  G_OBJECT_CLASS (mk_sync_controller_parent_class)->constructed (object);

  if (self->clock == NULL)
    self->clock = g_object_ref (mk_clock_get_default ());

  if (self->settings == NULL)
    {
      g_autoptr(GSettings) settings = mk_application_create_settings ();
      g_autoptr(GSettingsSchema) schema = NULL;

      if (settings != NULL)
        g_object_get (settings, "settings-schema", &schema, NULL);
      if (schema != NULL && g_settings_schema_has_key (schema, "sync-interval-minutes"))
        self->settings = g_steal_pointer (&settings);
    }
  if (self->settings != NULL)
    g_signal_connect_object (self->settings, "changed::sync-interval-minutes",
                             G_CALLBACK (mk_sync_controller_restart_timer), self, G_CONNECT_SWAPPED);

  if (self->store != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MkAccount) account = mk_account_load (self->store, &error);

      self->is_account = account != NULL;
      if (account != NULL)
        {
          g_autoptr(GUri) uri = g_uri_parse (mk_account_get_server_url (account), G_URI_FLAGS_NONE, NULL);

          if (uri != NULL)
            self->server_host = g_strdup (g_uri_get_host (uri));
        }

      g_signal_connect_object (self->store, "changed",
                               G_CALLBACK (mk_sync_controller_update_counts), self, G_CONNECT_SWAPPED);
      reload_last_sync (self);
      mk_sync_controller_update_counts (self);
      if (self->is_account)
        {
          g_autofree char *message = mk_store_get_meta (self->store, MK_ACCOUNT_META_SYNC_ERROR, NULL);

          /* What the last run left, until this one syncs. */
          if (message != NULL && *message != '\0')
            {
              set_error_message (self, message);
              self->state = MK_SYNC_STATE_FAILED;
            }
        }
    }

  if (self->network_monitor != NULL)
    {
      g_signal_connect_object (self->network_monitor, "network-changed",
                               G_CALLBACK (on_network_changed), self, G_CONNECT_SWAPPED);
      self->network_available = g_network_monitor_get_network_available (self->network_monitor) ||
                                is_loopback_host (self->server_host);
    }
  if (self->is_account && !self->network_available)
    self->state = MK_SYNC_STATE_OFFLINE;
}

static void
mk_sync_controller_dispose (GObject *object)
{
  MkSyncController *self = MK_SYNC_CONTROLLER (object);

  mk_sync_controller_shutdown (self);

  G_OBJECT_CLASS (mk_sync_controller_parent_class)->dispose (object);
}

static void
mk_sync_controller_finalize (GObject *object)
{
  MkSyncController *self = MK_SYNC_CONTROLLER (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->clock);
  g_clear_object (&self->settings);
  g_clear_object (&self->network_monitor);
  g_clear_pointer (&self->last_sync, g_date_time_unref);
  g_clear_pointer (&self->error_message, g_free);
  g_clear_pointer (&self->server_host, g_free);

  G_OBJECT_CLASS (mk_sync_controller_parent_class)->finalize (object);
}

static void
mk_sync_controller_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  MkSyncController *self = MK_SYNC_CONTROLLER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_CLOCK:
      g_value_set_object (value, self->clock);
      break;
    case PROP_NETWORK_MONITOR:
      g_value_set_object (value, self->network_monitor);
      break;
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    case PROP_IS_ACCOUNT:
      g_value_set_boolean (value, self->is_account);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_LAST_SYNC:
      g_value_set_boxed (value, self->last_sync);
      break;
    case PROP_PAGES:
      g_value_set_uint (value, self->pages);
      break;
    case PROP_RESOURCES:
      g_value_set_uint (value, self->resources);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    case PROP_N_PENDING:
      g_value_set_uint (value, self->n_pending);
      break;
    case PROP_N_CONFLICTS:
      g_value_set_uint (value, self->n_conflicts);
      break;
    case PROP_N_FAILED:
      g_value_set_uint (value, self->n_failed);
      break;
    case PROP_NETWORK_AVAILABLE:
      g_value_set_boolean (value, self->network_available);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mk_sync_controller_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  MkSyncController *self = MK_SYNC_CONTROLLER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_CLOCK:
      self->clock = g_value_dup_object (value);
      break;
    case PROP_NETWORK_MONITOR:
      self->network_monitor = g_value_dup_object (value);
      break;
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    case PROP_NETWORK_AVAILABLE:
      mk_sync_controller_set_network_available (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mk_sync_controller_class_init (MkSyncControllerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags co = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = mk_sync_controller_constructed;
  object_class->dispose = mk_sync_controller_dispose;
  object_class->finalize = mk_sync_controller_finalize;
  object_class->get_property = mk_sync_controller_get_property;
  object_class->set_property = mk_sync_controller_set_property;

  properties [PROP_STORE] = g_param_spec_object ("store", NULL, NULL, MK_TYPE_STORE, co);
  properties [PROP_CLOCK] = g_param_spec_object ("clock", NULL, NULL, MK_TYPE_CLOCK, co);
  properties [PROP_NETWORK_MONITOR] =
    g_param_spec_object ("network-monitor", NULL, NULL, G_TYPE_NETWORK_MONITOR, co);
  properties [PROP_SETTINGS] = g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS, co);
  properties [PROP_IS_ACCOUNT] = g_param_spec_boolean ("is-account", NULL, NULL, FALSE, ro);
  properties [PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, MK_TYPE_SYNC_STATE, MK_SYNC_STATE_IDLE, ro);
  properties [PROP_LAST_SYNC] = g_param_spec_boxed ("last-sync", NULL, NULL, G_TYPE_DATE_TIME, ro);
  properties [PROP_PAGES] = g_param_spec_uint ("pages", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties [PROP_RESOURCES] = g_param_spec_uint ("resources", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties [PROP_ERROR_MESSAGE] = g_param_spec_string ("error-message", NULL, NULL, NULL, ro);
  properties [PROP_N_PENDING] = g_param_spec_uint ("n-pending", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties [PROP_N_CONFLICTS] = g_param_spec_uint ("n-conflicts", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties [PROP_N_FAILED] = g_param_spec_uint ("n-failed", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties [PROP_NETWORK_AVAILABLE] =
    g_param_spec_boolean ("network-available", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mk_sync_controller_init (MkSyncController *self)
{
  self->network_available = TRUE;
  self->state = MK_SYNC_STATE_IDLE;
}

MkSyncController *
mk_sync_controller_new (MkStore         *store,
                        MkClock         *clock,
                        GNetworkMonitor *network_monitor)
{
  g_return_val_if_fail (MK_IS_STORE (store), NULL);
  g_return_val_if_fail (clock == NULL || MK_IS_CLOCK (clock), NULL);
  g_return_val_if_fail (network_monitor == NULL || G_IS_NETWORK_MONITOR (network_monitor), NULL);

  return g_object_new (MK_TYPE_SYNC_CONTROLLER,
                       "store", store,
                       "clock", clock,
                       "network-monitor", network_monitor,
                       NULL);
}

#define GETTER(type, name, field, fallback) \
  type \
  mk_sync_controller_get_##name (MkSyncController *self) \
  { \
    g_return_val_if_fail (MK_IS_SYNC_CONTROLLER (self), fallback); \
    return self->field; \
  }

GETTER (MkStore *, store, store, NULL)
GETTER (MkClock *, clock, clock, NULL)
GETTER (gboolean, is_account, is_account, FALSE)
GETTER (MkSyncState, state, state, MK_SYNC_STATE_IDLE)
GETTER (GDateTime *, last_sync, last_sync, NULL)
GETTER (guint, pages, pages, 0)
GETTER (guint, resources, resources, 0)
GETTER (const char *, error_message, error_message, NULL)
GETTER (guint, n_pending, n_pending, 0)
GETTER (guint, n_conflicts, n_conflicts, 0)
GETTER (guint, n_failed, n_failed, 0)
GETTER (guint, n_runs, n_runs, 0)
GETTER (gboolean, network_available, network_available, FALSE)

gboolean
mk_sync_controller_find_edit (MkStore       *store,
                              const char    *resource_type,
                              const char    *id,
                              MkOutboxState *state)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found = FALSE;

  g_return_val_if_fail (MK_IS_STORE (store), FALSE);

  if (resource_type == NULL || id == NULL || mk_store_count_outbox (store, NULL) == 0)
    return FALSE;

  entries = mk_store_list_outbox (store, -1, &error);
  if (entries == NULL)
    {
      g_debug ("Cannot list the outbox: %s", error->message);
      return FALSE;
    }

  for (guint i = 0; i < entries->len; i++)
    {
      MkOutboxEntry *entry = g_ptr_array_index (entries, i);

      if (g_strcmp0 (entry->resource_type, resource_type) == 0 && g_strcmp0 (entry->id, id) == 0)
        {
          found = TRUE;
          if (state != NULL)
            *state = entry->state;
        }
    }

  return found;
}
