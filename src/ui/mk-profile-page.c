/* mk-profile-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mk-fhir-types.h"
#include "mk-format.h"
#include "mk-profile-page.h"
#include "mk-ui-template.h"
#include "mk-query.h"

struct _MkProfilePage
{
  MkPage                parent_instance;

  GPtrArray            *rows;        /* GtkWidget*: rows added to the groups */
  gboolean              has_patient;

  /* Template widgets */
  GtkStack             *stack;
  AdwStatusPage        *empty_page;
  AdwAvatar            *avatar;
  GtkLabel             *name_label;
  GtkLabel             *summary_label;
  AdwPreferencesGroup  *identity_group;
  AdwPreferencesGroup  *documents_group;
  AdwPreferencesGroup  *clinic_group;
  AdwPreferencesGroup  *contacts_group;
};

G_DEFINE_FINAL_TYPE (MkProfilePage, mk_profile_page, MK_TYPE_PAGE)

/* Adds a row showing @value (selectable) over its @caption; with @copyable a
 * button copies @copy_text (or @value). Nothing is added for an empty value. */
static void
add_row (MkProfilePage       *self,
         AdwPreferencesGroup *group,
         const char          *caption,
         const char          *value,
         gboolean             copyable,
         const char          *copy_text)
{
  GtkWidget *row;

  if (value == NULL || *value == '\0')
    return;

  row = g_object_new (ADW_TYPE_ACTION_ROW,
                      "use-markup", FALSE,
                      "title", value,
                      "title-selectable", TRUE,
                      "subtitle", caption,
                      NULL);
  gtk_widget_add_css_class (row, "property");

  if (copyable)
    {
      GtkWidget *button = g_object_new (GTK_TYPE_BUTTON,
                                        "icon-name", "edit-copy-symbolic",
                                        "valign", GTK_ALIGN_CENTER,
                                        /* Translators: tooltip of the copy button next to an identifier */
                                        "tooltip-text", _("Copy"),
                                        "action-name", "profile.copy",
                                        "action-target", g_variant_new_string (copy_text ? copy_text : value),
                                        NULL);
      gtk_widget_add_css_class (button, "flat");
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Copy"),
                                      -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }

  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, row);
}

static void
mk_profile_page_clear (MkProfilePage *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);

      if (group != NULL)
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), row);
    }
  g_ptr_array_set_size (self->rows, 0);
}

static void
update_group_visibility (MkProfilePage *self)
{
  AdwPreferencesGroup *groups[] = {
    self->identity_group, self->documents_group, self->clinic_group, self->contacts_group,
  };

  for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
    {
      gboolean any = FALSE;

      for (guint i = 0; i < self->rows->len && !any; i++)
        any = gtk_widget_get_ancestor (g_ptr_array_index (self->rows, i),
                                       ADW_TYPE_PREFERENCES_GROUP) == GTK_WIDGET (groups[g]);
      gtk_widget_set_visible (GTK_WIDGET (groups[g]), any);
    }
}

static const char *
gender_to_label (const char *gender)
{
  if (g_strcmp0 (gender, "male") == 0)
    return C_("gender", "Male");
  if (g_strcmp0 (gender, "female") == 0)
    return C_("gender", "Female");
  if (g_strcmp0 (gender, "other") == 0)
    return C_("gender", "Other");
  if (g_strcmp0 (gender, "unknown") == 0)
    return C_("gender", "Unknown");
  return gender;
}

static void
mk_profile_page_show_empty (MkProfilePage *self,
                            const GError  *error)
{
  MkStore *store = mk_page_get_store (MK_PAGE (self));
  g_autofree char *server_url = NULL;

  if (store != NULL)
    server_url = mk_store_get_meta (store, "server-url", NULL);

  if (error != NULL)
    {
      adw_status_page_set_icon_name (self->empty_page, "dialog-warning-symbolic");
      adw_status_page_set_title (self->empty_page, _("Cannot Read the Patient"));
      adw_status_page_set_description (self->empty_page, error->message);
    }
  else if (server_url != NULL && *server_url != '\0')
    {
      adw_status_page_set_icon_name (self->empty_page, "network-server-symbolic");
      adw_status_page_set_title (self->empty_page, _("No Data Yet"));
      adw_status_page_set_description (self->empty_page,
                                       _("This card is connected to a clinic server. "
                                         "Syncing with the server arrives in a coming version."));
    }
  else
    {
      adw_status_page_set_icon_name (self->empty_page, "avatar-default-symbolic");
      adw_status_page_set_title (self->empty_page, _("No Patient in This Card"));
      adw_status_page_set_description (self->empty_page,
                                       _("The card holds no patient record."));
    }

  gtk_stack_set_visible_child_name (self->stack, "empty");
}

static void
mk_profile_page_show_clinic (MkProfilePage         *self,
                             const MkFhirReference *reference)
{
  MkStore *store = mk_page_get_store (MK_PAGE (self));
  g_autoptr(MkResource) resource = NULL;
  g_autoptr(MkOrganization) organization = NULL;

  if (reference->reference != NULL)
    resource = mk_store_resolve_reference (store, reference->reference, NULL);
  if (resource != NULL)
    organization = mk_organization_read (mk_resource_get_object (resource), NULL);

  if (organization != NULL)
    {
      g_autofree char *phone = organization->phone ? mk_format_phone (organization->phone) : NULL;

      add_row (self, self->clinic_group, C_("organization", "Name"), organization->name, FALSE, NULL);
      add_row (self, self->clinic_group, C_("organization", "Address"), organization->address, FALSE, NULL);
      add_row (self, self->clinic_group, C_("organization", "Phone"), phone, TRUE, organization->phone);
    }
  else
    {
      add_row (self, self->clinic_group, C_("organization", "Name"), reference->display, FALSE, NULL);
    }
}

static void
mk_profile_page_show_patient (MkProfilePage *self,
                              MkPatient     *patient)
{
  MkClock *clock = mk_page_get_clock (MK_PAGE (self));
  g_autoptr(GDateTime) now = mk_clock_get_now (clock);
  g_autoptr(GDateTime) birth = NULL;
  g_autofree char *birth_text = NULL;
  g_autofree char *snils = NULL;
  g_autofree char *passport = NULL;
  g_autofree char *passport_raw = NULL;
  g_autofree char *phone = NULL;
  const char *gender = gender_to_label (patient->gender);
  int age = -1;

  if (patient->birth_date != NULL)
    {
      g_autofree char *date = NULL;

      birth = mk_fhir_parse_date_time (patient->birth_date, NULL);
      date = birth != NULL ? mk_format_date (birth) : g_strdup (patient->birth_date);
      age = mk_compute_age (patient->birth_date, now);
      if (age >= 0)
        {
          g_autofree char *age_text = mk_format_age (age);

          /* Translators: date of birth and age, e.g. "12.03.1985, 41 years" */
          birth_text = g_strdup_printf (C_("birth date and age", "%s, %s"), date, age_text);
        }
      else
        birth_text = g_steal_pointer (&date);
    }

  gtk_label_set_text (self->name_label, patient->full_name ? patient->full_name : "");
  adw_avatar_set_text (self->avatar, patient->full_name);
  gtk_label_set_text (self->summary_label, birth_text ? birth_text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->summary_label), birth_text != NULL);

  /* Identity */
  add_row (self, self->identity_group, C_("person", "Family Name"), patient->family, FALSE, NULL);
  add_row (self, self->identity_group, C_("person", "Given Name"), patient->given, FALSE, NULL);
  add_row (self, self->identity_group, C_("person", "Patronymic"), patient->patronymic, FALSE, NULL);
  add_row (self, self->identity_group, _("Date of Birth"), birth_text, FALSE, NULL);
  add_row (self, self->identity_group, _("Sex"), gender, FALSE, NULL);

  /* Documents */
  if (patient->snils != NULL)
    snils = mk_format_snils (patient->snils);
  /* Translators: СНИЛС, the Russian individual insurance account number */
  add_row (self, self->documents_group, _("SNILS"), snils, TRUE, patient->snils);
  /* Translators: полис ОМС, the Russian compulsory medical insurance policy */
  add_row (self, self->documents_group, _("Medical Insurance Policy (OMS)"), patient->oms, TRUE, NULL);
  if (patient->passport_series != NULL || patient->passport_number != NULL)
    {
      passport = mk_format_passport (patient->passport_series ? patient->passport_series : "",
                                     patient->passport_number);
      passport_raw = g_strconcat (patient->passport_series ? patient->passport_series : "",
                                  patient->passport_number, NULL);
    }
  add_row (self, self->documents_group, _("Passport"), passport, TRUE, passport_raw);
  /* Translators: ИНН, the Russian taxpayer number */
  add_row (self, self->documents_group, _("Taxpayer Number (INN)"), patient->inn, TRUE, NULL);

  /* Attached polyclinic */
  if (patient->general_practitioner.reference != NULL || patient->general_practitioner.display != NULL)
    mk_profile_page_show_clinic (self, &patient->general_practitioner);

  /* Contacts */
  if (patient->phone != NULL)
    phone = mk_format_phone (patient->phone);
  add_row (self, self->contacts_group, C_("contact", "Phone"), phone, TRUE, patient->phone);
  add_row (self, self->contacts_group, C_("contact", "E-mail"), patient->email, TRUE, NULL);
  add_row (self, self->contacts_group, _("Registration Address"), patient->registration_address, FALSE, NULL);
  add_row (self, self->contacts_group, _("Actual Address"), patient->actual_address, FALSE, NULL);

  update_group_visibility (self);
  gtk_stack_set_visible_child_name (self->stack, "profile");
}

/* A doctor's account: the Practitioner named by meta "practitioner". */
static gboolean
mk_profile_page_try_practitioner (MkProfilePage *self)
{
  MkStore *store = mk_page_get_store (MK_PAGE (self));
  g_autofree char *reference = mk_store_get_meta (store, "practitioner", NULL);
  g_autoptr(MkResource) resource = NULL;
  g_autoptr(MkPractitioner) practitioner = NULL;
  g_autofree char *phone = NULL;
  g_autofree char *snils = NULL;

  if (reference == NULL || *reference == '\0')
    return FALSE;

  resource = mk_store_resolve_reference (store, reference, NULL);
  if (resource != NULL)
    practitioner = mk_practitioner_read (mk_resource_get_object (resource), NULL);
  if (practitioner == NULL)
    return FALSE;

  gtk_label_set_text (self->name_label, practitioner->full_name ? practitioner->full_name : "");
  adw_avatar_set_text (self->avatar, practitioner->full_name);
  gtk_label_set_text (self->summary_label, practitioner->qualification ? practitioner->qualification : "");
  gtk_widget_set_visible (GTK_WIDGET (self->summary_label), practitioner->qualification != NULL);

  add_row (self, self->identity_group, C_("person", "Family Name"), practitioner->family, FALSE, NULL);
  add_row (self, self->identity_group, C_("person", "Given Name"), practitioner->given, FALSE, NULL);
  add_row (self, self->identity_group, C_("person", "Patronymic"), practitioner->patronymic, FALSE, NULL);
  add_row (self, self->identity_group, _("Sex"), gender_to_label (practitioner->gender), FALSE, NULL);
  add_row (self, self->identity_group, _("Qualification"), practitioner->qualification, FALSE, NULL);

  if (practitioner->snils != NULL)
    snils = mk_format_snils (practitioner->snils);
  add_row (self, self->documents_group, _("SNILS"), snils, TRUE, practitioner->snils);
  add_row (self, self->documents_group, _("Taxpayer Number (INN)"), practitioner->inn, TRUE, NULL);

  if (practitioner->phone != NULL)
    phone = mk_format_phone (practitioner->phone);
  add_row (self, self->contacts_group, C_("contact", "Phone"), phone, TRUE, practitioner->phone);
  add_row (self, self->contacts_group, C_("contact", "E-mail"), practitioner->email, TRUE, NULL);

  update_group_visibility (self);
  gtk_stack_set_visible_child_name (self->stack, "profile");
  return TRUE;
}

void
mk_profile_page_reload (MkProfilePage *self)
{
  g_autoptr(MkResource) resource = NULL;
  g_autoptr(MkPatient) patient = NULL;
  g_autoptr(GError) error = NULL;
  MkStore *store;

  g_return_if_fail (MK_IS_PROFILE_PAGE (self));

  store = mk_page_get_store (MK_PAGE (self));

  mk_profile_page_clear (self);
  self->has_patient = FALSE;

  if (store != NULL)
    resource = mk_page_find_patient (MK_PAGE (self), &error);
  if (resource != NULL)
    patient = mk_patient_read (mk_resource_get_object (resource), &error);

  if (patient == NULL && error == NULL && store != NULL &&
      mk_profile_page_try_practitioner (self))
    return;

  if (patient == NULL)
    {
      if (error != NULL)
        g_debug ("Cannot read the patient: %s", error->message);
      mk_profile_page_show_empty (self, error);
      return;
    }

  self->has_patient = TRUE;
  mk_profile_page_show_patient (self, patient);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget),
                          g_variant_get_string (parameter, NULL));
}

static void
mk_profile_page_constructed (GObject *object)
{
  MkProfilePage *self = MK_PROFILE_PAGE (object);
  MkStore *store = mk_page_get_store (MK_PAGE (self));

  G_OBJECT_CLASS (mk_profile_page_parent_class)->constructed (object);

  if (store != NULL)
    g_signal_connect_object (store, "changed",
                             G_CALLBACK (mk_profile_page_reload), self,
                             G_CONNECT_SWAPPED);

  mk_profile_page_reload (self);
}

static void
mk_profile_page_dispose (GObject *object)
{
  MkProfilePage *self = MK_PROFILE_PAGE (object);

  if (self->rows != NULL)
    g_ptr_array_set_size (self->rows, 0);
  /* AdwBin keeps its own pointer to the child: drop it before the
   * template children go. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), MK_TYPE_PROFILE_PAGE);

  G_OBJECT_CLASS (mk_profile_page_parent_class)->dispose (object);
}

static void
mk_profile_page_finalize (GObject *object)
{
  MkProfilePage *self = MK_PROFILE_PAGE (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (mk_profile_page_parent_class)->finalize (object);
}

static void
mk_profile_page_class_init (MkProfilePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = mk_profile_page_constructed;
  object_class->dispose = mk_profile_page_dispose;
  object_class->finalize = mk_profile_page_finalize;

  mk_ui_class_set_template (widget_class, "mk-profile-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MkProfilePage, stack);
  gtk_widget_class_bind_template_child (widget_class, MkProfilePage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, MkProfilePage, avatar);
  gtk_widget_class_bind_template_child (widget_class, MkProfilePage, name_label);
  gtk_widget_class_bind_template_child (widget_class, MkProfilePage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, MkProfilePage, identity_group);
  gtk_widget_class_bind_template_child (widget_class, MkProfilePage, documents_group);
  gtk_widget_class_bind_template_child (widget_class, MkProfilePage, clinic_group);
  gtk_widget_class_bind_template_child (widget_class, MkProfilePage, contacts_group);

  gtk_widget_class_install_action (widget_class, "profile.copy", "s", copy_action);
}

static void
mk_profile_page_init (MkProfilePage *self)
{
  self->rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
mk_profile_page_new (MkStore *store,
                     MkClock *clock)
{
  g_return_val_if_fail (store == NULL || MK_IS_STORE (store), NULL);
  g_return_val_if_fail (clock == NULL || MK_IS_CLOCK (clock), NULL);

  return g_object_new (MK_TYPE_PROFILE_PAGE,
                       "store", store,
                       "clock", clock,
                       NULL);
}

gboolean
mk_profile_page_has_patient (MkProfilePage *self)
{
  g_return_val_if_fail (MK_IS_PROFILE_PAGE (self), FALSE);

  return self->has_patient;
}
