/* mk-fhir-access.c — Consent, AuditEvent
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mk-fhir-types.h"

/* ---- Consent ------------------------------------------------------------ */

void
mk_consent_free (MkConsent *consent)
{
  if (consent == NULL)
    return;

  g_free (consent->id);
  g_free (consent->status);
  g_free (consent->scope);
  g_free (consent->scope_display);
  g_free (consent->category);
  g_free (consent->date_time);
  mk_fhir_reference_clear (&consent->organization);
  g_free (consent->provision_type);
  g_free (consent->period_start);
  g_free (consent->period_end);
  g_clear_pointer (&consent->actors, g_ptr_array_unref);
  g_free (consent);
}

MkConsent *
mk_consent_read (JsonObject  *resource,
                 GError     **error)
{
  g_autoptr(MkConsent) consent = g_new0 (MkConsent, 1);
  JsonObject *provision = NULL;

  if (!mk_fhir_check_resource_type (resource, "Consent", error)
      || !mk_fhir_dup_string (resource, "id", &consent->id, error)
      || !mk_fhir_dup_string (resource, "status", &consent->status, error)
      || !mk_fhir_get_concept_code (resource, "scope", NULL, &consent->scope, error)
      || !mk_fhir_get_concept_display (resource, "scope", &consent->scope_display, error)
      || !mk_fhir_get_concept_display (resource, "category", &consent->category, error)
      || !mk_fhir_dup_string (resource, "dateTime", &consent->date_time, error)
      || !mk_fhir_get_reference (resource, "organization", &consent->organization, error)
      || !mk_fhir_get_object (resource, "provision", &provision, error)
      || !mk_fhir_dup_string (provision, "type", &consent->provision_type, error)
      || !mk_fhir_dup_path_string (provision, "period.start", &consent->period_start, error)
      || !mk_fhir_dup_path_string (provision, "period.end", &consent->period_end, error))
    return NULL;

  if (provision != NULL)
    consent->actors = mk_fhir_get_reference_array (provision, "actor", "reference", error);
  else
    consent->actors = g_ptr_array_new_with_free_func ((GDestroyNotify) mk_fhir_reference_free);
  if (consent->actors == NULL)
    return NULL;

  return g_steal_pointer (&consent);
}

const char *
mk_consent_status_to_label (const char *status)
{
  if (status == NULL)
    return "";
  if (g_str_equal (status, "active"))
    return C_("consent status", "Active");
  if (g_str_equal (status, "inactive"))
    return C_("consent status", "Revoked");
  if (g_str_equal (status, "draft"))
    return C_("consent status", "Draft");
  if (g_str_equal (status, "proposed"))
    return C_("consent status", "Proposed");
  if (g_str_equal (status, "rejected"))
    return C_("consent status", "Rejected");
  if (g_str_equal (status, "entered-in-error"))
    return C_("consent status", "Entered in error");

  return status;
}

/* ---- AuditEvent --------------------------------------------------------- */

void
mk_audit_event_free (MkAuditEvent *event)
{
  if (event == NULL)
    return;

  g_free (event->id);
  g_free (event->recorded);
  g_free (event->action);
  g_free (event->type);
  g_free (event->subtype);
  mk_fhir_reference_clear (&event->who);
  g_free (event->network_address);
  mk_fhir_reference_clear (&event->what);
  g_free (event->outcome);
  g_free (event->outcome_desc);
  g_free (event);
}

/* The requestor agent, or the first one. */
static gboolean
read_agent (JsonObject    *resource,
            MkAuditEvent  *event,
            GError       **error)
{
  JsonArray *agents = NULL;
  JsonObject *chosen = NULL;

  if (!mk_fhir_get_array (resource, "agent", &agents, error))
    return FALSE;

  for (guint i = 0; agents != NULL && i < json_array_get_length (agents); i++)
    {
      JsonObject *agent = NULL;
      gboolean requestor = FALSE;

      if (!mk_fhir_array_get_object (agents, i, &agent, error)
          || (agent != NULL && !mk_fhir_get_boolean (agent, "requestor", &requestor, NULL, error)))
        return FALSE;
      if (agent == NULL)
        continue;
      if (chosen == NULL || requestor)
        chosen = agent;
      if (requestor)
        break;
    }

  if (chosen == NULL)
    return TRUE;

  return mk_fhir_get_reference (chosen, "who", &event->who, error)
         && mk_fhir_dup_path_string (chosen, "network.address", &event->network_address, error);
}

MkAuditEvent *
mk_audit_event_read (JsonObject  *resource,
                     GError     **error)
{
  g_autoptr(MkAuditEvent) event = g_new0 (MkAuditEvent, 1);
  JsonObject *type = NULL;
  JsonObject *subtype = NULL;

  if (!mk_fhir_check_resource_type (resource, "AuditEvent", error)
      || !mk_fhir_dup_string (resource, "id", &event->id, error)
      || !mk_fhir_dup_string (resource, "recorded", &event->recorded, error)
      || !mk_fhir_dup_string (resource, "action", &event->action, error)
      || !mk_fhir_get_object (resource, "type", &type, error)
      || !mk_fhir_get_first_object (resource, "subtype", &subtype, error)
      || !read_agent (resource, event, error)
      || !mk_fhir_get_reference (resource, "entity.what", &event->what, error)
      || !mk_fhir_dup_string (resource, "outcome", &event->outcome, error)
      || !mk_fhir_dup_string (resource, "outcomeDesc", &event->outcome_desc, error))
    return NULL;

  /* type and subtype are Codings, not CodeableConcepts. */
  if (!mk_fhir_dup_string (type, "display", &event->type, error)
      || (event->type == NULL && !mk_fhir_dup_string (type, "code", &event->type, error))
      || !mk_fhir_dup_string (subtype, "display", &event->subtype, error)
      || (event->subtype == NULL && !mk_fhir_dup_string (subtype, "code", &event->subtype, error)))
    return NULL;

  return g_steal_pointer (&event);
}

gboolean
mk_audit_event_is_success (const MkAuditEvent *event)
{
  g_return_val_if_fail (event != NULL, FALSE);

  return event->outcome == NULL || g_str_equal (event->outcome, "0");
}

const char *
mk_audit_event_action_to_label (const char *action)
{
  if (action == NULL)
    return "";
  if (g_str_equal (action, "C"))
    return C_("audit action", "Create");
  if (g_str_equal (action, "R"))
    return C_("audit action", "View");
  if (g_str_equal (action, "U"))
    return C_("audit action", "Change");
  if (g_str_equal (action, "D"))
    return C_("audit action", "Delete");
  if (g_str_equal (action, "E"))
    return C_("audit action", "Execute");

  return action;
}
