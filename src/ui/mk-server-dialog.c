/* mk-server-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mk-application.h"
#include "mk-server-dialog.h"
#include "mk-ui-template.h"
#include "mk-store.h"

struct _MkServerDialog
{
  AdwWindow     parent_instance;

  /* Template widgets */
  GtkButton    *save_button;
  AdwEntryRow  *url_row;
  GtkLabel     *url_error_label;
  AdwEntryRow  *name_row;
  AdwComboRow  *role_row;
  AdwEntryRow  *id_row;
};

G_DEFINE_FINAL_TYPE (MkServerDialog, mk_server_dialog, ADW_TYPE_WINDOW)

enum {
  ACCOUNT_CREATED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

char *
mk_server_dialog_check_url (const char *url)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (url ? url : ""));
  g_autoptr(GUri) uri = NULL;

  if (*trimmed == '\0')
    return NULL;

  if (g_ascii_strncasecmp (trimmed, "https://", strlen ("https://")) != 0)
    return g_strdup (_("The address must start with https://"));

  uri = g_uri_parse (trimmed, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      strchr (trimmed, ' ') != NULL)
    return g_strdup (_("This is not a valid web address"));

  return NULL;
}

/* A FHIR id: 1–64 of A–Z a–z 0–9 - . */
static gboolean
is_fhir_id (const char *id)
{
  gsize len = strlen (id);

  if (len == 0 || len > 64)
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
      return FALSE;
  return TRUE;
}

static char *
dup_trimmed (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

gboolean
mk_server_dialog_is_valid (MkServerDialog *self)
{
  g_autofree char *url = NULL;
  g_autofree char *url_error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *id = NULL;

  g_return_val_if_fail (MK_IS_SERVER_DIALOG (self), FALSE);

  url = dup_trimmed (self->url_row);
  url_error = mk_server_dialog_check_url (url);
  name = dup_trimmed (self->name_row);
  id = dup_trimmed (self->id_row);

  return *url != '\0' && url_error == NULL && *name != '\0' && is_fhir_id (id);
}

static void
on_field_changed (MkServerDialog *self)
{
  g_autofree char *url = dup_trimmed (self->url_row);
  g_autofree char *url_error = mk_server_dialog_check_url (url);
  g_autofree char *id = dup_trimmed (self->id_row);

  gtk_label_set_text (self->url_error_label, url_error ? url_error : "");
  gtk_widget_set_visible (GTK_WIDGET (self->url_error_label), url_error != NULL);
  if (url_error != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->url_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->url_row), "error");

  if (*id != '\0' && !is_fhir_id (id))
    gtk_widget_add_css_class (GTK_WIDGET (self->id_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->id_row), "error");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "server.save",
                                 mk_server_dialog_is_valid (self));
}

static void
on_role_changed (MkServerDialog *self)
{
  gboolean doctor = adw_combo_row_get_selected (self->role_row) == 1;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->id_row),
                                 doctor ? _("Practitioner ID on the Server")
                                        : _("Patient ID on the Server"));
}

/* An account directory name from the account name: lower-case ASCII
 * letters, digits and '-', unique among the accounts and directories. */
char *
mk_server_dialog_make_account_id (const char *name,
                                  GSettings  *settings)
{
  g_autoptr(GString) base = g_string_new (NULL);
  g_autofree char *root = mk_application_dup_data_root ();
  g_auto(GStrv) accounts = settings ? g_settings_get_strv (settings, "accounts") : NULL;
  g_autofree char *ascii = g_str_to_ascii (name, "C");

  for (const char *p = ascii; *p && base->len < 32; p++)
    {
      if (g_ascii_isalnum (*p))
        g_string_append_c (base, g_ascii_tolower (*p));
      else if (base->len > 0 && base->str[base->len - 1] != '-')
        g_string_append_c (base, '-');
    }
  while (base->len > 0 && base->str[base->len - 1] == '-')
    g_string_truncate (base, base->len - 1);
  if (base->len == 0 || g_str_equal (base->str, MK_DEMO_ACCOUNT))
    g_string_prepend (base, "account");

  for (guint n = 1; ; n++)
    {
      g_autofree char *id = n == 1 ? g_strdup (base->str) : g_strdup_printf ("%s-%u", base->str, n);
      g_autofree char *dir = g_build_filename (root, id, NULL);

      if ((accounts == NULL || !g_strv_contains ((const char * const *) accounts, id)) &&
          !g_file_test (dir, G_FILE_TEST_EXISTS))
        return g_steal_pointer (&id);
    }
}

char *
mk_server_dialog_save (MkServerDialog  *self,
                       GError         **error)
{
  g_autoptr(GSettings) settings = mk_application_create_settings ();
  g_autoptr(MkStore) store = NULL;
  g_autofree char *url = NULL;
  g_autofree char *name = NULL;
  g_autofree char *id = NULL;
  g_autofree char *account_id = NULL;
  g_autofree char *reference = NULL;
  gboolean doctor;

  g_return_val_if_fail (MK_IS_SERVER_DIALOG (self), NULL);

  if (!mk_server_dialog_is_valid (self))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Fill in the server address, the account name and the ID"));
      return NULL;
    }

  url = dup_trimmed (self->url_row);
  name = dup_trimmed (self->name_row);
  id = dup_trimmed (self->id_row);
  doctor = adw_combo_row_get_selected (self->role_row) == 1;

  account_id = mk_server_dialog_make_account_id (name, settings);
  store = mk_application_open_account_store (account_id, error);
  if (store == NULL)
    return NULL;

  reference = g_strconcat (doctor ? "Practitioner/" : "Patient/", id, NULL);
  if (!mk_store_set_meta (store, "server-url", url, error) ||
      !mk_store_set_meta (store, "account-name", name, error) ||
      !mk_store_set_meta (store, doctor ? "practitioner" : "patient", reference, error))
    return NULL;

  mk_server_dialog_register_account (settings, account_id);

  return g_steal_pointer (&account_id);
}

void
mk_server_dialog_register_account (GSettings  *settings,
                                   const char *account_id)
{
  g_auto(GStrv) accounts = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) new_accounts = NULL;

  if (settings == NULL)
    return;

  accounts = g_settings_get_strv (settings, "accounts");
  builder = g_strv_builder_new ();
  g_strv_builder_addv (builder, (const char **) accounts);
  g_strv_builder_add (builder, account_id);
  new_accounts = g_strv_builder_end (builder);

  g_settings_set_strv (settings, "accounts", (const char * const *) new_accounts);
  g_settings_set_string (settings, "active-account", account_id);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  MkServerDialog *self = MK_SERVER_DIALOG (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *account_id = NULL;

  account_id = mk_server_dialog_save (self, &error);
  if (account_id == NULL)
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self),
                                                  _("Cannot Save the Account"),
                                                  error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  g_signal_emit (self, signals[ACCOUNT_CREATED], 0, account_id);
  gtk_window_close (GTK_WINDOW (self));
}

static void
mk_server_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), MK_TYPE_SERVER_DIALOG);

  G_OBJECT_CLASS (mk_server_dialog_parent_class)->dispose (object);
}

static void
mk_server_dialog_class_init (MkServerDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mk_server_dialog_dispose;

  signals [ACCOUNT_CREATED] =
    g_signal_new ("account-created",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  mk_ui_class_set_template (widget_class, "mk-server-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, MkServerDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, MkServerDialog, url_row);
  gtk_widget_class_bind_template_child (widget_class, MkServerDialog, url_error_label);
  gtk_widget_class_bind_template_child (widget_class, MkServerDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, MkServerDialog, role_row);
  gtk_widget_class_bind_template_child (widget_class, MkServerDialog, id_row);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_role_changed);

  gtk_widget_class_install_action (widget_class, "server.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
mk_server_dialog_init (MkServerDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "server.save", FALSE);
}

GtkWidget *
mk_server_dialog_new (GtkWindow *parent)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (MK_TYPE_SERVER_DIALOG,
                       "transient-for", parent,
                       NULL);
}

void
mk_server_dialog_set_url (MkServerDialog *self,
                          const char     *url)
{
  g_return_if_fail (MK_IS_SERVER_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->url_row), url ? url : "");
}

void
mk_server_dialog_set_account_name (MkServerDialog *self,
                                   const char     *name)
{
  g_return_if_fail (MK_IS_SERVER_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name ? name : "");
}

void
mk_server_dialog_set_role (MkServerDialog *self,
                           gboolean        is_doctor)
{
  g_return_if_fail (MK_IS_SERVER_DIALOG (self));

  adw_combo_row_set_selected (self->role_row, is_doctor ? 1 : 0);
}

void
mk_server_dialog_set_resource_id (MkServerDialog *self,
                                  const char     *id)
{
  g_return_if_fail (MK_IS_SERVER_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->id_row), id ? id : "");
}
