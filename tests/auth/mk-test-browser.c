/* mk-test-browser.c — the browser of the SMART sign-in tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "mk-test-browser.h"
#include "mk-test-util.h"

#define MAX_HOPS 20
#define NPM_CI_TIMEOUT_SECONDS 240
#define START_TIMEOUT_SECONDS 30

MkTestBrowser *
mk_test_browser_new (MkTestBrowserMode  mode,
                     const char        *ca_file)
{
  MkTestBrowser *browser = g_new0 (MkTestBrowser, 1);

  browser->mode = mode;
  browser->ca_file = g_strdup (ca_file);
  return browser;
}

GHashTable *
mk_test_authorize_params (const char *url)
{
  g_autoptr(GError) error = NULL;
  const char *query = strchr (url, '?');
  GHashTable *params;

  g_assert_nonnull (query);
  params = g_uri_parse_params (query + 1, -1, "&", G_URI_PARAMS_NONE, &error);
  g_assert_no_error (error);
  return params;
}

char *
mk_test_authorize_param (const char *url,
                         const char *name)
{
  g_autoptr(GHashTable) params = mk_test_authorize_params (url);

  return g_strdup (g_hash_table_lookup (params, name));
}

/* Cookies on, redirects followed by hand, up to a page that is no redirect. */
static gpointer
browser_thread (gpointer data)
{
  MkTestBrowser *browser = data;
  g_autoptr(SoupSession) session = mk_test_new_session (browser->ca_file, 20);
  g_autofree char *url = NULL;

  soup_session_add_feature_by_type (session, SOUP_TYPE_COOKIE_JAR);

  if (browser->mode == MK_TEST_BROWSER_DENY)
    {
      g_autofree char *redirect = mk_test_authorize_param (browser->url, "redirect_uri");
      g_autofree char *state = mk_test_authorize_param (browser->url, "state");
      g_autofree char *escaped = g_uri_escape_string (state, NULL, FALSE);

      url = g_strdup_printf ("%s?error=access_denied&state=%s", redirect, escaped);
    }
  else
    url = g_strdup (browser->url);

  for (guint hop = 0; hop < MAX_HOPS; hop++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *base = NULL;
      const char *location;

      soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
      body = soup_session_send_and_read (session, msg, NULL, &error);
      if (body == NULL)
        {
          browser->error = g_strdup (error->message);
          return NULL;
        }

      location = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Location");
      if (!SOUP_STATUS_IS_REDIRECTION (soup_message_get_status (msg)) || location == NULL)
        {
          browser->status = soup_message_get_status (msg);
          browser->page = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
          return NULL;
        }

      base = g_uri_to_string (soup_message_get_uri (msg));
      g_free (url);
      url = g_uri_resolve_relative (base, location, G_URI_FLAGS_NONE, NULL);
      if (url == NULL)
        {
          browser->error = g_strdup ("a redirect to an invalid address");
          return NULL;
        }

      /* An attacker's redirect: the right code, somebody else's state. */
      if (browser->mode == MK_TEST_BROWSER_FORGE_STATE && g_str_has_prefix (url, "http://127.0.0.1:"))
        {
          g_autoptr(GRegex) regex = g_regex_new ("state=[^&]*", 0, 0, NULL);
          char *forged = g_regex_replace_literal (regex, url, -1, 0, "state=forged", 0, NULL);

          g_free (url);
          url = forged;
        }
    }

  browser->error = g_strdup ("too many redirects");
  return NULL;
}

void
mk_test_browser_open (MkTestBrowser *browser,
                      const char    *url)
{
  g_assert_null (browser->thread);
  browser->n_opened++;
  g_free (browser->url);
  browser->url = g_strdup (url);
  browser->thread = g_thread_new ("browser", browser_thread, browser);
}

void
mk_test_browser_join (MkTestBrowser *browser)
{
  g_assert_nonnull (browser->thread);
  g_thread_join (g_steal_pointer (&browser->thread));
}

void
mk_test_browser_free (MkTestBrowser *browser)
{
  if (browser->thread != NULL)
    mk_test_browser_join (browser);
  g_clear_pointer (&browser->ca_file, g_free);
  g_clear_pointer (&browser->url, g_free);
  g_clear_pointer (&browser->page, g_free);
  g_clear_pointer (&browser->error, g_free);
  g_free (browser);
}

MkTestSmartServer *
mk_test_smart_server_start (const char *tmp_dir,
                            const char *client_id,
                            const char *patient_id,
                            const char *upstream,
                            const char *upstream_ca)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *npm_dir = NULL;
  g_autofree char *key_file = NULL;
  MkTestSmartServer *server = g_new0 (MkTestSmartServer, 1);

  npm_dir = mk_test_prepare_npm ("auth", "smart-server.mjs", "oidc-provider/package.json",
                                 NPM_CI_TIMEOUT_SECONDS, &error);
  g_assert_no_error (error);
  g_assert_true (mk_test_make_certificate (tmp_dir, &key_file, &server->cert_file, &error));
  g_assert_no_error (error);

  {
    const char *argv[] = { "smart-server.mjs", server->cert_file, key_file, client_id, patient_id,
                           upstream, upstream_ca, NULL };

    server->process = mk_test_start_node_server (npm_dir, argv, G_SUBPROCESS_FLAGS_NONE,
                                                 START_TIMEOUT_SECONDS, &server->out,
                                                 &server->fhir_base, &error);
  }
  g_assert_no_error (error);
  return server;
}

void
mk_test_smart_server_stop (MkTestSmartServer *server)
{
  if (server == NULL)
    return;
  mk_test_stop_process (&server->process);
  g_clear_object (&server->out);
  g_clear_pointer (&server->cert_file, g_free);
  g_clear_pointer (&server->fhir_base, g_free);
  g_free (server);
}

static gboolean
have_program (const char *name)
{
  g_autofree char *path = g_find_program_in_path (name);

  return path != NULL;
}

char *
mk_test_smart_skip_reason (void)
{
  if (g_getenv ("MEDKARTA_TEST_KEYRING") == NULL)
    return g_strdup ("no test keyring: run under build-aux/test-session.sh");
  if (!have_program ("node") || !have_program ("npm"))
    return g_strdup ("node and npm are needed for the SMART server (oidc-provider)");
  if (!have_program ("certtool"))
    return g_strdup ("certtool (gnutls-bin) is needed for the test certificate");
  return NULL;
}
