/* mk-background.c — running in the background: autostart entry or portal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "mk-background.h"

gboolean
mk_background_is_sandboxed (void)
{
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

char *
mk_background_dup_autostart_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "autostart",
                           APPLICATION_ID ".desktop", NULL);
}

static gboolean
mk_background_write_autostart (gboolean   enable,
                               GError   **error)
{
  g_autofree char *path = mk_background_dup_autostart_path ();
  g_autofree char *dir = NULL;
  g_autoptr(GKeyFile) key_file = NULL;

  if (!enable)
    {
      if (g_unlink (path) != 0 && errno != ENOENT)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "%s: %s", path, g_strerror (saved_errno));
          return FALSE;
        }
      return TRUE;
    }

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "%s: %s", dir, g_strerror (saved_errno));
      return FALSE;
    }

  key_file = g_key_file_new ();
  g_key_file_set_string (key_file, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_TYPE,
                         G_KEY_FILE_DESKTOP_TYPE_APPLICATION);
  g_key_file_set_string (key_file, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_NAME,
                         _("Medkarta"));
  g_key_file_set_string (key_file, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_COMMENT,
                         /* Translators: the comment of the log-in autostart entry */
                         _("Show reminders of visits, prescriptions and results"));
  g_key_file_set_string (key_file, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_EXEC,
                         "medkarta --background");
  g_key_file_set_string (key_file, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_ICON,
                         APPLICATION_ID);
  g_key_file_set_boolean (key_file, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_NO_DISPLAY, TRUE);
  g_key_file_set_boolean (key_file, G_KEY_FILE_DESKTOP_GROUP, "X-GNOME-Autostart-enabled", TRUE);

  return g_key_file_save_to_file (key_file, path, error);
}

static void
on_background_requested (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    g_message ("The background portal refused the request: %s", error->message);
}

/* org.freedesktop.portal.Background.RequestBackground; the answer (the
 * user may refuse) only matters for autostart, so it is not awaited. */
static gboolean
mk_background_request_portal (gboolean   enable,
                              GError   **error)
{
  g_autoptr(GDBusConnection) bus = NULL;
  GVariantBuilder options;
  const char * const commandline[] = { "medkarta", "--background", NULL };

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, error);
  if (bus == NULL)
    return FALSE;

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "reason",
                         /* Translators: shown by the desktop when Medkarta asks to run in the background */
                         g_variant_new_string (_("Show reminders while the window is closed")));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (enable));
  g_variant_builder_add (&options, "{sv}", "commandline", g_variant_new_strv (commandline, -1));

  g_dbus_connection_call (bus, "org.freedesktop.portal.Desktop", "/org/freedesktop/portal/desktop",
                          "org.freedesktop.portal.Background", "RequestBackground",
                          g_variant_new ("(sa{sv})", "", &options),
                          G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                          on_background_requested, NULL);
  return TRUE;
}

gboolean
mk_background_set_autostart (gboolean   enable,
                             GError   **error)
{
  if (mk_background_is_sandboxed ())
    return mk_background_request_portal (enable, error);

  return mk_background_write_autostart (enable, error);
}
