/* mk-conflict-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "mk-conflict-dialog.h"
#include "mk-fhir-types.h"
#include "mk-format.h"
#include "mk-outbox.h"
#include "mk-ui-template.h"

#define MAX_VALUE_CHARS 80

struct _MkConflictDialog
{
  AdwWindow          parent_instance;

  MkStore           *store;
  MkSyncController  *controller;
  GPtrArray         *groups;      /* the AdwPreferencesGroups of the entries */
  GArray            *conflicts;   /* gint64 seqs */
  GArray            *failed;

  /* Template widgets */
  GtkStack          *stack;
  AdwPreferencesPage *page;
};

G_DEFINE_FINAL_TYPE (MkConflictDialog, mk_conflict_dialog, ADW_TYPE_WINDOW)

enum { PROP_0, PROP_STORE, PROP_CONTROLLER, N_PROPS };
static GParamSpec *properties [N_PROPS];

/* ---- what differs ----------------------------------------------------------- */

static const char *
field_label (const char *member)
{
  static const struct { const char *member; const char *label; } labels[] = {
    { "status", NC_("conflict field", "Status") },
    { "start", NC_("conflict field", "Start") },
    { "end", NC_("conflict field", "End") },
    { "minutesDuration", NC_("conflict field", "Duration") },
    { "reasonCode", NC_("conflict field", "Reason") },
    { "cancelationReason", NC_("conflict field", "Cancellation reason") },
    { "comment", NC_("conflict field", "Comment") },
    { "description", NC_("conflict field", "Description") },
    { "participant", NC_("conflict field", "Participants") },
    { "patientInstruction", NC_("conflict field", "What to bring") },
    { "slot", NC_("conflict field", "Time slot") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_str_equal (labels[i].member, member))
      return g_dpgettext2 (GETTEXT_PACKAGE, "conflict field", labels[i].label);
  return member;
}

static char *
concept_text (JsonNode *node)
{
  JsonObject *concept;
  JsonArray *codings;

  if (JSON_NODE_HOLDS_ARRAY (node) && json_array_get_length (json_node_get_array (node)) > 0)
    node = json_array_get_element (json_node_get_array (node), 0);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  concept = json_node_get_object (node);
  if (json_object_has_member (concept, "text"))
    return g_strdup (json_object_get_string_member_with_default (concept, "text", NULL));
  codings = json_object_get_array_member (concept, "coding");
  if (codings != NULL && json_array_get_length (codings) > 0 &&
      JSON_NODE_HOLDS_OBJECT (json_array_get_element (codings, 0)))
    {
      JsonObject *coding = json_array_get_object_element (codings, 0);

      return g_strdup (json_object_get_string_member_with_default (
        coding, "display", json_object_get_string_member_with_default (coding, "code", NULL)));
    }
  return NULL;
}

static char *
format_value (const char *member,
              JsonNode   *node)
{
  g_autofree char *text = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup (C_("conflict value", "(none)"));

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *value = json_node_get_string (node);

      if (g_str_equal (member, "status"))
        return g_strdup (mk_appointment_status_to_label (value));
      if (g_str_equal (member, "start") || g_str_equal (member, "end"))
        {
          text = mk_format_fhir_date_time (value);
          if (text != NULL)
            return g_steal_pointer (&text);
        }
      return g_strdup (value);
    }

  if (g_str_equal (member, "reasonCode") || g_str_equal (member, "cancelationReason") ||
      g_str_equal (member, "serviceType") || g_str_equal (member, "specialty"))
    text = concept_text (node);

  if (text == NULL)
    text = json_to_string (node, FALSE);

  if (g_utf8_strlen (text, -1) > MAX_VALUE_CHARS)
    {
      g_autofree char *cut = g_utf8_substring (text, 0, MAX_VALUE_CHARS - 1);

      g_free (text);
      text = g_strconcat (cut, "…", NULL);
    }
  return g_steal_pointer (&text);
}

static JsonObject *
parse_object (const char *json,
              JsonNode  **node_out)
{
  *node_out = json != NULL ? json_from_string (json, NULL) : NULL;
  if (*node_out == NULL || !JSON_NODE_HOLDS_OBJECT (*node_out))
    return NULL;
  return json_node_get_object (*node_out);
}

static void
add_members (GPtrArray  *names,
             JsonObject *object)
{
  g_autoptr(GList) members = NULL;

  if (object == NULL)
    return;
  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_ptr_array_find_with_equal_func (names, l->data, g_str_equal, NULL))
      g_ptr_array_add (names, l->data);
}

GPtrArray *
mk_conflict_dialog_describe_differences (const char *mine,
                                         const char *server)
{
  g_autoptr(JsonNode) mine_node = NULL;
  g_autoptr(JsonNode) server_node = NULL;
  JsonObject *mine_object = parse_object (mine, &mine_node);
  JsonObject *server_object = parse_object (server, &server_node);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GPtrArray *differences = g_ptr_array_new_with_free_func (g_free);

  add_members (names, mine_object);
  add_members (names, server_object);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      JsonNode *a = mine_object != NULL ? json_object_get_member (mine_object, name) : NULL;
      JsonNode *b = server_object != NULL ? json_object_get_member (server_object, name) : NULL;
      g_autofree char *mine_text = NULL;
      g_autofree char *server_text = NULL;

      /* meta (versionId, lastUpdated) always differs; text is generated. */
      if (g_str_equal (name, "meta") || g_str_equal (name, "text"))
        continue;
      if (a != NULL && b != NULL && json_node_equal (a, b))
        continue;

      mine_text = format_value (name, a);
      server_text = format_value (name, b);
      /* Translators: a field that differs between the user's version and
       * the server's, "Status: Cancelled → Booked" */
      g_ptr_array_add (differences, g_strdup_printf (C_("conflict", "%s: %s → %s"),
                                                     field_label (name), mine_text, server_text));
    }

  return differences;
}

/* ---- the list ---------------------------------------------------------------- */

static char *
describe_resource (const MkOutboxEntry *entry)
{
  const char *json = entry->json != NULL ? entry->json : entry->server_json;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object = parse_object (json, &node);

  if (object != NULL && g_strcmp0 (entry->resource_type, "Appointment") == 0)
    {
      g_autoptr(MkAppointment) appointment = mk_appointment_read (object, NULL);
      g_autoptr(GDateTime) start = appointment != NULL ? mk_appointment_dup_start (appointment) : NULL;

      if (start != NULL)
        {
          g_autoptr(GDateTime) local = g_date_time_to_local (start);
          g_autofree char *when = mk_format_date_time (local);

          /* Translators: %s is a date and time */
          return g_strdup_printf (_("Visit on %s"), when);
        }
      return g_strdup (_("Visit"));
    }

  /* Translators: a record of the card, by its FHIR type and id, e.g. "Observation obs-12" */
  return g_strdup_printf (C_("conflict", "%s %s"), entry->resource_type, entry->id);
}

static GtkWidget *
new_choice_button (const char *label,
                   const char *action_name,
                   gint64      seq,
                   gboolean    suggested)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_int64 (seq));
  if (suggested)
    gtk_widget_add_css_class (button, "suggested-action");
  return button;
}

static void
add_entry (MkConflictDialog    *self,
           const MkOutboxEntry *entry)
{
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  g_autofree char *title = describe_resource (entry);
  gboolean conflict = entry->state == MK_OUTBOX_CONFLICT;

  adw_preferences_group_set_title (group, title);

  if (conflict)
    {
      g_autoptr(GPtrArray) differences = mk_conflict_dialog_describe_differences (entry->json,
                                                                                entry->server_json);
      GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

      adw_preferences_group_set_description (group, _("Changed on the clinic server while your change was waiting"));
      gtk_box_append (GTK_BOX (buttons),
                      new_choice_button (_("Keep _Mine"), "conflict.keep-mine", entry->seq, FALSE));
      gtk_box_append (GTK_BOX (buttons),
                      new_choice_button (_("Keep _Server’s"), "conflict.keep-server", entry->seq, FALSE));
      adw_preferences_group_set_header_suffix (group, buttons);

      for (guint i = 0; i < differences->len; i++)
        {
          GtkWidget *row = adw_action_row_new ();

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), g_ptr_array_index (differences, i));
          adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
          adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
          adw_preferences_group_add (group, row);
        }
      if (differences->len == 0)
        {
          GtkWidget *row = adw_action_row_new ();

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No visible difference"));
          adw_preferences_group_add (group, row);
        }
    }
  else
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_group_set_description (group, _("The clinic server refused this change"));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("The server said"));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   entry->last_error != NULL ? entry->last_error : _("No reason given"));
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      gtk_widget_add_css_class (row, "property");
      adw_preferences_group_add (group, row);
    }

  adw_preferences_page_add (self->page, group);
  g_ptr_array_add (self->groups, group);
}

void
mk_conflict_dialog_reload (MkConflictDialog *self)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (MK_IS_CONFLICT_DIALOG (self));

  for (guint i = 0; i < self->groups->len; i++)
    adw_preferences_page_remove (self->page, g_ptr_array_index (self->groups, i));
  g_ptr_array_set_size (self->groups, 0);
  g_array_set_size (self->conflicts, 0);
  g_array_set_size (self->failed, 0);

  if (self->store != NULL)
    entries = mk_store_list_outbox (self->store, -1, &error);
  if (error != NULL)
    g_debug ("Cannot list the outbox: %s", error->message);

  for (guint pass = 0; entries != NULL && pass < 2; pass++)
    for (guint i = 0; i < entries->len; i++)
      {
        MkOutboxEntry *entry = g_ptr_array_index (entries, i);
        MkOutboxState wanted = pass == 0 ? MK_OUTBOX_CONFLICT : MK_OUTBOX_FAILED;

        if (entry->state != wanted)
          continue;
        g_array_append_val (pass == 0 ? self->conflicts : self->failed, entry->seq);
        add_entry (self, entry);
      }

  gtk_stack_set_visible_child_name (self->stack, self->groups->len > 0 ? "list" : "empty");
}

static void
resolve (MkConflictDialog *self,
         GVariant         *parameter,
         MkConflictChoice  choice)
{
  g_autoptr(GError) error = NULL;

  if (!mk_store_resolve_conflict (self->store, g_variant_get_int64 (parameter), choice, &error))
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Cannot Keep This Version"),
                                                  error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }

  mk_conflict_dialog_reload (self);
  if (self->controller != NULL)
    {
      mk_sync_controller_update_counts (self->controller);
      /* Keep Mine queued the edit again; Keep Server's may bring the
       * server's version of related records. */
      mk_sync_controller_sync (self->controller);
    }
}

static void
keep_mine_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  resolve (MK_CONFLICT_DIALOG (widget), parameter, MK_CONFLICT_KEEP_MINE);
}

static void
keep_server_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  resolve (MK_CONFLICT_DIALOG (widget), parameter, MK_CONFLICT_KEEP_SERVER);
}

static void
mk_conflict_dialog_constructed (GObject *object)
{
  MkConflictDialog *self = MK_CONFLICT_DIALOG (object);

  G_OBJECT_CLASS (mk_conflict_dialog_parent_class)->constructed (object);

  mk_conflict_dialog_reload (self);
}

static void
mk_conflict_dialog_dispose (GObject *object)
{
  MkConflictDialog *self = MK_CONFLICT_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MK_TYPE_CONFLICT_DIALOG);
  g_clear_object (&self->store);
  g_clear_object (&self->controller);

  G_OBJECT_CLASS (mk_conflict_dialog_parent_class)->dispose (object);
}

static void
mk_conflict_dialog_finalize (GObject *object)
{
  MkConflictDialog *self = MK_CONFLICT_DIALOG (object);

  g_clear_pointer (&self->groups, g_ptr_array_unref);
  g_clear_pointer (&self->conflicts, g_array_unref);
  g_clear_pointer (&self->failed, g_array_unref);

  G_OBJECT_CLASS (mk_conflict_dialog_parent_class)->finalize (object);
}

static void
mk_conflict_dialog_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  MkConflictDialog *self = MK_CONFLICT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_CONTROLLER:
      g_value_set_object (value, self->controller);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mk_conflict_dialog_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  MkConflictDialog *self = MK_CONFLICT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_CONTROLLER:
      self->controller = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mk_conflict_dialog_class_init (MkConflictDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = mk_conflict_dialog_constructed;
  object_class->dispose = mk_conflict_dialog_dispose;
  object_class->finalize = mk_conflict_dialog_finalize;
  object_class->get_property = mk_conflict_dialog_get_property;
  object_class->set_property = mk_conflict_dialog_set_property;

  properties [PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, MK_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties [PROP_CONTROLLER] =
    g_param_spec_object ("controller", NULL, NULL, MK_TYPE_SYNC_CONTROLLER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  mk_ui_class_set_template (widget_class, "mk-conflict-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, MkConflictDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, MkConflictDialog, page);

  gtk_widget_class_install_action (widget_class, "conflict.keep-mine", "x", keep_mine_action);
  gtk_widget_class_install_action (widget_class, "conflict.keep-server", "x", keep_server_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
mk_conflict_dialog_init (MkConflictDialog *self)
{
  self->groups = g_ptr_array_new ();
  self->conflicts = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->failed = g_array_new (FALSE, FALSE, sizeof (gint64));

  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
mk_conflict_dialog_new (GtkWindow        *parent,
                        MkStore          *store,
                        MkSyncController *controller)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (MK_IS_STORE (store), NULL);
  g_return_val_if_fail (controller == NULL || MK_IS_SYNC_CONTROLLER (controller), NULL);

  return g_object_new (MK_TYPE_CONFLICT_DIALOG,
                       "transient-for", parent,
                       "store", store,
                       "controller", controller,
                       NULL);
}

GArray *
mk_conflict_dialog_get_conflicts (MkConflictDialog *self)
{
  g_return_val_if_fail (MK_IS_CONFLICT_DIALOG (self), NULL);
  return self->conflicts;
}

GArray *
mk_conflict_dialog_get_failed (MkConflictDialog *self)
{
  g_return_val_if_fail (MK_IS_CONFLICT_DIALOG (self), NULL);
  return self->failed;
}
