/* mk-account-setup.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mk-account.h"
#include "mk-account-setup.h"
#include "mk-application.h"
#include "mk-auth.h"
#include "mk-client.h"
#include "mk-secret.h"
#include "mk-server-dialog.h"
#include "mk-ui-template.h"

struct _MkAccountSetup
{
  AdwWindow             parent_instance;

  MkStore              *store;        /* sign-in mode: the account's store */
  MkAccount            *account;      /* made for the SMART login, or loaded */
  MkSmartConfiguration *config;
  MkSmartLogin         *login;
  GCancellable         *cancellable;
  char                 *ca_file;
  char                 *discovered_url;
  MkAccountSetupMethod  method;
  gboolean              busy;
  gboolean              smart_done;

  /* Template widgets */
  GtkSpinner           *spinner;
  AdwEntryRow          *url_row;
  AdwActionRow         *ca_row;
  GtkWidget            *ca_clear_button;
  GtkLabel             *error_label;
  GtkWidget            *smart_group;
  GtkWidget            *smart_done_label;
  GtkWidget            *token_group;
  AdwPasswordEntryRow  *token_row;
  GtkWidget            *account_group;
  AdwEntryRow          *name_row;
  AdwComboRow          *role_row;
  AdwEntryRow          *id_row;
  GtkWidget            *save_button;
};

G_DEFINE_FINAL_TYPE (MkAccountSetup, mk_account_setup, ADW_TYPE_WINDOW)

enum { ACCOUNT_CREATED, SIGNED_IN, OPEN_URI, N_SIGNALS };
static guint signals [N_SIGNALS];

static char *
dup_trimmed (gpointer editable)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (editable))));
}

static void
set_error (MkAccountSetup *self,
           const char     *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static gboolean
is_doctor (MkAccountSetup *self)
{
  return adw_combo_row_get_selected (self->role_row) == 1;
}

static gboolean
can_save (MkAccountSetup *self)
{
  g_autofree char *token = dup_trimmed (self->token_row);
  g_autofree char *name = dup_trimmed (self->name_row);
  g_autofree char *id = dup_trimmed (self->id_row);
  gboolean signed_in;

  if (self->busy || self->method == MK_ACCOUNT_SETUP_UNKNOWN)
    return FALSE;

  signed_in = self->method == MK_ACCOUNT_SETUP_SMART ? self->smart_done : *token != '\0';
  if (self->store != NULL)
    return self->method == MK_ACCOUNT_SETUP_BEARER && signed_in;

  return signed_in && *name != '\0' && mk_account_is_valid_id (id);
}

static void
update_actions (MkAccountSetup *self)
{
  g_autofree char *url = dup_trimmed (self->url_row);
  g_autofree char *url_error = mk_server_dialog_check_url (url);
  g_autofree char *id = dup_trimmed (self->id_row);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "setup.discover",
                                 !self->busy && *url != '\0' && url_error == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "setup.smart-sign-in",
                                 !self->busy && self->method == MK_ACCOUNT_SETUP_SMART);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "setup.save", can_save (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "setup.choose-ca", !self->busy && self->store == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "setup.clear-ca", !self->busy && self->store == NULL);

  if (*id != '\0' && !mk_account_is_valid_id (id))
    gtk_widget_add_css_class (GTK_WIDGET (self->id_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->id_row), "error");
}

static void
set_busy (MkAccountSetup *self,
          gboolean        busy)
{
  self->busy = busy;
  if (busy)
    gtk_spinner_start (self->spinner);
  else
    gtk_spinner_stop (self->spinner);
  update_actions (self);
}

static void
show_method (MkAccountSetup       *self,
             MkAccountSetupMethod  method)
{
  self->method = method;
  gtk_widget_set_visible (self->smart_group, method == MK_ACCOUNT_SETUP_SMART);
  gtk_widget_set_visible (self->token_group, method == MK_ACCOUNT_SETUP_BEARER);
  gtk_widget_set_visible (self->account_group, method != MK_ACCOUNT_SETUP_UNKNOWN && self->store == NULL);
  gtk_widget_set_visible (self->save_button, self->store == NULL || method != MK_ACCOUNT_SETUP_SMART);
  update_actions (self);
}

/* A new address: what was discovered no longer holds. */
static void
on_url_changed (MkAccountSetup *self)
{
  g_autofree char *url = dup_trimmed (self->url_row);
  g_autofree char *url_error = mk_server_dialog_check_url (url);

  if (url_error != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->url_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->url_row), "error");
  set_error (self, url_error);

  if (self->discovered_url != NULL && g_strcmp0 (url, self->discovered_url) != 0)
    {
      g_clear_pointer (&self->discovered_url, g_free);
      g_clear_pointer (&self->config, mk_smart_configuration_free);
      self->smart_done = FALSE;
      gtk_widget_set_visible (self->smart_done_label, FALSE);
      show_method (self, MK_ACCOUNT_SETUP_UNKNOWN);
    }
  update_actions (self);
}

static void
on_role_changed (MkAccountSetup *self)
{
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->id_row),
                                 is_doctor (self) ? _("Practitioner ID on the Server")
                                                  : _("Patient ID on the Server"));
}

/* ---- discovery ---------------------------------------------------------------- */

typedef struct
{
  char                 *url;
  char                 *ca_file;
} DiscoverData;

static void
discover_data_free (DiscoverData *data)
{
  g_free (data->url);
  g_free (data->ca_file);
  g_free (data);
}

static void
discover_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  DiscoverData *data = task_data;
  g_autoptr(MkClient) client = NULL;
  g_autoptr(MkResponse) response = NULL;
  g_autoptr(MkSmartConfiguration) config = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object = NULL;
  const char *version;

  client = mk_client_new (data->url, data->ca_file, &error);
  if (client != NULL)
    {
      mk_client_set_retry_policy (client, 2, 500, 2000);
      response = mk_client_request (client, "GET", "metadata", NULL, NULL, cancellable, &error);
    }
  if (response == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (response->json != NULL && JSON_NODE_HOLDS_OBJECT (response->json))
    object = json_node_get_object (response->json);
  version = object != NULL ? json_object_get_string_member_with_default (object, "fhirVersion", NULL) : NULL;
  if (object == NULL ||
      g_strcmp0 (json_object_get_string_member_with_default (object, "resourceType", NULL),
                 "CapabilityStatement") != 0 ||
      (version != NULL && !g_str_has_prefix (version, "4.")))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s",
                               _("This address does not answer as a FHIR R4 server. Check it with your clinic."));
      return;
    }

  config = mk_auth_discover (data->url, data->ca_file, cancellable, &error);
  if (config == NULL && !g_error_matches (error, MK_AUTH_ERROR, MK_AUTH_ERROR_NOT_SUPPORTED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* NULL: no SMART, a bearer token it is. */
  g_task_return_pointer (task, g_steal_pointer (&config), (GDestroyNotify) mk_smart_configuration_free);
}

static void
on_discovered (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  MkAccountSetup *self = MK_ACCOUNT_SETUP (source);
  g_autoptr(GError) error = NULL;
  MkSmartConfiguration *config;

  config = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);
  if (error != NULL)
    {
      set_error (self, error->message);
      show_method (self, MK_ACCOUNT_SETUP_UNKNOWN);
      return;
    }

  set_error (self, NULL);
  g_clear_pointer (&self->config, mk_smart_configuration_free);
  self->config = config;
  self->discovered_url = dup_trimmed (self->url_row);
  show_method (self, config != NULL ? MK_ACCOUNT_SETUP_SMART : MK_ACCOUNT_SETUP_BEARER);
}

static void
discover_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  MkAccountSetup *self = MK_ACCOUNT_SETUP (widget);
  g_autoptr(GTask) task = NULL;
  DiscoverData *data;

  if (self->busy)
    return;

  data = g_new0 (DiscoverData, 1);
  data->url = dup_trimmed (self->url_row);
  data->ca_file = g_strdup (self->ca_file);

  set_error (self, NULL);
  set_busy (self, TRUE);
  task = g_task_new (self, self->cancellable, on_discovered, NULL);
  g_task_set_source_tag (task, discover_action);
  g_task_set_task_data (task, data, (GDestroyNotify) discover_data_free);
  g_task_run_in_thread (task, discover_thread);
}

static void
on_url_activated (MkAccountSetup *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "setup.discover", NULL);
}

/* ---- CA file ---------------------------------------------------------------- */

static void
update_ca_row (MkAccountSetup *self)
{
  g_autofree char *basename = self->ca_file != NULL ? g_path_get_basename (self->ca_file) : NULL;

  adw_action_row_set_subtitle (self->ca_row,
                               basename != NULL ? basename
                                                : _("Only when the clinic uses its own certificate authority"));
  gtk_widget_set_visible (self->ca_clear_button, self->ca_file != NULL);
}

static void
on_ca_chosen (GtkNativeDialog *native,
              int              response,
              MkAccountSetup  *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        mk_account_setup_set_ca_file (self, path);
    }
  gtk_native_dialog_destroy (native);
  g_object_unref (native);
}

static void
choose_ca_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  MkAccountSetup *self = MK_ACCOUNT_SETUP (widget);
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  native = gtk_file_chooser_native_new (_("Choose the Clinic’s Certificate"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Certificates (PEM)"));
  gtk_file_filter_add_pattern (filter, "*.pem");
  gtk_file_filter_add_pattern (filter, "*.crt");
  gtk_file_filter_add_mime_type (filter, "application/x-x509-ca-cert");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_signal_connect_object (native, "response", G_CALLBACK (on_ca_chosen), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
clear_ca_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  mk_account_setup_set_ca_file (MK_ACCOUNT_SETUP (widget), NULL);
}

/* ---- SMART sign-in ------------------------------------------------------------ */

static gboolean
ensure_account (MkAccountSetup  *self,
                GError         **error)
{
  g_autofree char *url = NULL;

  if (self->account != NULL)
    return TRUE;

  url = dup_trimmed (self->url_row);
  self->account = mk_account_new (url, is_doctor (self) ? MK_ACCOUNT_ROLE_PRACTITIONER
                                                        : MK_ACCOUNT_ROLE_PATIENT,
                                  NULL, error);
  if (self->account == NULL)
    return FALSE;
  mk_account_set_ca_file (self->account, self->ca_file);
  return TRUE;
}

static void
on_smart_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  MkAccountSetup *self = user_data;
  g_autoptr(GError) error = NULL;
  const char *patient;
  const char *fhir_user;

  if (!mk_smart_login_wait_finish (MK_SMART_LOGIN (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          set_busy (self, FALSE);
          set_error (self, error->message);
        }
      g_object_unref (self);
      return;
    }

  set_busy (self, FALSE);
  self->smart_done = TRUE;
  gtk_widget_set_visible (self->smart_done_label, TRUE);
  set_error (self, NULL);

  patient = mk_smart_login_get_patient (MK_SMART_LOGIN (source));
  fhir_user = mk_smart_login_get_fhir_user (MK_SMART_LOGIN (source));
  if (patient != NULL)
    {
      adw_combo_row_set_selected (self->role_row, 0);
      gtk_editable_set_text (GTK_EDITABLE (self->id_row), patient);
    }
  else if (fhir_user != NULL && strstr (fhir_user, "Practitioner/") != NULL)
    {
      adw_combo_row_set_selected (self->role_row, 1);
      gtk_editable_set_text (GTK_EDITABLE (self->id_row), strstr (fhir_user, "Practitioner/") + strlen ("Practitioner/"));
    }

  if (self->store != NULL)
    {
      if (!mk_account_save (self->account, self->store, &error))
        set_error (self, error->message);
      else
        {
          g_signal_emit (self, signals[SIGNED_IN], 0);
          gtk_window_close (GTK_WINDOW (self));
        }
    }

  update_actions (self);
  g_object_unref (self);
}

static void
smart_sign_in_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  MkAccountSetup *self = MK_ACCOUNT_SETUP (widget);
  g_autoptr(GError) error = NULL;
  gboolean handled = FALSE;

  if (self->config == NULL || self->busy)
    return;

  if (!ensure_account (self, &error))
    {
      set_error (self, error->message);
      return;
    }

  g_clear_object (&self->login);
  self->login = mk_smart_login_new (self->account, self->config);
  if (!mk_smart_login_start (self->login, &error))
    {
      set_error (self, error->message);
      return;
    }

  set_error (self, NULL);
  set_busy (self, TRUE);
  g_signal_emit (self, signals[OPEN_URI], 0, mk_smart_login_get_authorize_url (self->login), &handled);
  if (!handled)
    gtk_show_uri (GTK_WINDOW (self), mk_smart_login_get_authorize_url (self->login), GDK_CURRENT_TIME);
  mk_smart_login_wait_async (self->login, self->cancellable, on_smart_done, g_object_ref (self));
}

/* ---- saving ------------------------------------------------------------------ */

static char *
save_new_account (MkAccountSetup  *self,
                  GError         **error)
{
  g_autoptr(GSettings) settings = mk_application_create_settings ();
  g_autoptr(MkStore) store = NULL;
  g_autofree char *name = dup_trimmed (self->name_row);
  g_autofree char *id = dup_trimmed (self->id_row);
  g_autofree char *token = dup_trimmed (self->token_row);
  g_autofree char *account_id = NULL;

  if (!ensure_account (self, error))
    return NULL;

  mk_account_set_subject (self->account, is_doctor (self) ? MK_ACCOUNT_ROLE_PRACTITIONER
                                                          : MK_ACCOUNT_ROLE_PATIENT, id);
  mk_account_set_name (self->account, name);
  mk_account_set_ca_file (self->account, self->ca_file);

  /* The token goes to the Secret Service, nowhere else. */
  if (self->method == MK_ACCOUNT_SETUP_BEARER &&
      !mk_auth_set_bearer_token (self->account, token, NULL, error))
    return NULL;

  account_id = mk_server_dialog_make_account_id (name, settings);
  store = mk_application_open_account_store (account_id, error);
  if (store == NULL || !mk_account_save (self->account, store, error))
    return NULL;

  mk_server_dialog_register_account (settings, account_id);
  return g_steal_pointer (&account_id);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  MkAccountSetup *self = MK_ACCOUNT_SETUP (widget);
  g_autoptr(GError) error = NULL;

  if (!can_save (self))
    return;

  if (self->store != NULL)
    {
      g_autofree char *token = dup_trimmed (self->token_row);

      if (!mk_auth_set_bearer_token (self->account, token, NULL, &error) ||
          !mk_account_save (self->account, self->store, &error))
        {
          set_error (self, error->message);
          return;
        }
      g_signal_emit (self, signals[SIGNED_IN], 0);
    }
  else
    {
      g_autofree char *account_id = save_new_account (self, &error);

      if (account_id == NULL)
        {
          set_error (self, error->message);
          return;
        }
      g_signal_emit (self, signals[ACCOUNT_CREATED], 0, account_id);
    }

  gtk_window_close (GTK_WINDOW (self));
}

/* ---- GObject ---------------------------------------------------------------- */

static void
mk_account_setup_dispose (GObject *object)
{
  MkAccountSetup *self = MK_ACCOUNT_SETUP (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), MK_TYPE_ACCOUNT_SETUP);
  g_clear_object (&self->login);
  g_clear_object (&self->account);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (mk_account_setup_parent_class)->dispose (object);
}

static void
mk_account_setup_finalize (GObject *object)
{
  MkAccountSetup *self = MK_ACCOUNT_SETUP (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->config, mk_smart_configuration_free);
  g_clear_pointer (&self->ca_file, g_free);
  g_clear_pointer (&self->discovered_url, g_free);

  G_OBJECT_CLASS (mk_account_setup_parent_class)->finalize (object);
}

static void
mk_account_setup_class_init (MkAccountSetupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mk_account_setup_dispose;
  object_class->finalize = mk_account_setup_finalize;

  signals [ACCOUNT_CREATED] =
    g_signal_new ("account-created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals [SIGNED_IN] =
    g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* The sign-in page to show in the browser. A handler that shows it
   * itself returns TRUE; otherwise gtk_show_uri() opens it. */
  signals [OPEN_URI] =
    g_signal_new ("open-uri", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, g_signal_accumulator_true_handled, NULL, NULL,
                  G_TYPE_BOOLEAN, 1, G_TYPE_STRING);

  mk_ui_class_set_template (widget_class, "mk-account-setup.ui");
  gtk_widget_class_bind_template_child (widget_class, MkAccountSetup, spinner);
  gtk_widget_class_bind_template_child (widget_class, MkAccountSetup, url_row);
  gtk_widget_class_bind_template_child (widget_class, MkAccountSetup, ca_row);
  gtk_widget_class_bind_template_child (widget_class, MkAccountSetup, ca_clear_button);
  gtk_widget_class_bind_template_child (widget_class, MkAccountSetup, error_label);
  gtk_widget_class_bind_template_child (widget_class, MkAccountSetup, smart_group);
  gtk_widget_class_bind_template_child (widget_class, MkAccountSetup, smart_done_label);
  gtk_widget_class_bind_template_child (widget_class, MkAccountSetup, token_group);
  gtk_widget_class_bind_template_child (widget_class, MkAccountSetup, token_row);
  gtk_widget_class_bind_template_child (widget_class, MkAccountSetup, account_group);
  gtk_widget_class_bind_template_child (widget_class, MkAccountSetup, name_row);
  gtk_widget_class_bind_template_child (widget_class, MkAccountSetup, role_row);
  gtk_widget_class_bind_template_child (widget_class, MkAccountSetup, id_row);
  gtk_widget_class_bind_template_child (widget_class, MkAccountSetup, save_button);
  gtk_widget_class_bind_template_callback (widget_class, on_url_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_url_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_role_changed);
  gtk_widget_class_bind_template_callback (widget_class, update_actions);

  gtk_widget_class_install_action (widget_class, "setup.discover", NULL, discover_action);
  gtk_widget_class_install_action (widget_class, "setup.choose-ca", NULL, choose_ca_action);
  gtk_widget_class_install_action (widget_class, "setup.clear-ca", NULL, clear_ca_action);
  gtk_widget_class_install_action (widget_class, "setup.smart-sign-in", NULL, smart_sign_in_action);
  gtk_widget_class_install_action (widget_class, "setup.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
mk_account_setup_init (MkAccountSetup *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  show_method (self, MK_ACCOUNT_SETUP_UNKNOWN);
}

GtkWidget *
mk_account_setup_new (GtkWindow *parent)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (MK_TYPE_ACCOUNT_SETUP, "transient-for", parent, NULL);
}

GtkWidget *
mk_account_setup_new_sign_in (GtkWindow *parent,
                              MkStore   *store)
{
  MkAccountSetup *self;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (MK_IS_STORE (store), NULL);

  self = g_object_new (MK_TYPE_ACCOUNT_SETUP,
                       "transient-for", parent,
                       "title", _("Sign In Again"),
                       NULL);
  self->store = g_object_ref (store);
  self->account = mk_account_load (store, &error);
  if (self->account != NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->url_row), mk_account_get_server_url (self->account));
      mk_account_setup_set_ca_file (self, mk_account_get_ca_file (self->account));
      gtk_widget_set_sensitive (GTK_WIDGET (self->url_row), FALSE);
    }
  else
    set_error (self, error->message);
  show_method (self, MK_ACCOUNT_SETUP_UNKNOWN);

  return GTK_WIDGET (self);
}

void
mk_account_setup_set_url (MkAccountSetup *self,
                          const char     *url)
{
  g_return_if_fail (MK_IS_ACCOUNT_SETUP (self));
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), url != NULL ? url : "");
}

void
mk_account_setup_set_ca_file (MkAccountSetup *self,
                              const char     *path)
{
  g_return_if_fail (MK_IS_ACCOUNT_SETUP (self));

  g_free (self->ca_file);
  self->ca_file = path != NULL && *path != '\0' ? g_strdup (path) : NULL;
  if (self->account != NULL && self->store == NULL)
    mk_account_set_ca_file (self->account, self->ca_file);
  update_ca_row (self);
}

void
mk_account_setup_set_token (MkAccountSetup *self,
                            const char     *token)
{
  g_return_if_fail (MK_IS_ACCOUNT_SETUP (self));
  gtk_editable_set_text (GTK_EDITABLE (self->token_row), token != NULL ? token : "");
}

void
mk_account_setup_set_account_name (MkAccountSetup *self,
                                   const char     *name)
{
  g_return_if_fail (MK_IS_ACCOUNT_SETUP (self));
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name != NULL ? name : "");
}

void
mk_account_setup_set_resource_id (MkAccountSetup *self,
                                  const char     *id)
{
  g_return_if_fail (MK_IS_ACCOUNT_SETUP (self));
  gtk_editable_set_text (GTK_EDITABLE (self->id_row), id != NULL ? id : "");
}

MkAccountSetupMethod
mk_account_setup_get_method (MkAccountSetup *self)
{
  g_return_val_if_fail (MK_IS_ACCOUNT_SETUP (self), MK_ACCOUNT_SETUP_UNKNOWN);
  return self->method;
}

gboolean
mk_account_setup_get_busy (MkAccountSetup *self)
{
  g_return_val_if_fail (MK_IS_ACCOUNT_SETUP (self), FALSE);
  return self->busy;
}

const char *
mk_account_setup_get_error (MkAccountSetup *self)
{
  g_return_val_if_fail (MK_IS_ACCOUNT_SETUP (self), NULL);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return gtk_label_get_text (self->error_label);
}
