/* mk-edits.c — book a visit from a free slot, cancel a visit
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Both edits build the FHIR resource from what the store holds and queue
 * it through the outbox (mk-outbox.h) in one store transaction; nothing
 * here talks to the network.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "mk-edits.h"
#include "mk-fhir-types.h"
#include "mk-outbox.h"

#define SYSTEM_URI "urn:ietf:rfc:3986"
#define SYSTEM_CANCELLATION_REASON \
  "http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason"

G_DEFINE_QUARK (mk-edits-error-quark, mk_edits_error)

char *
mk_edits_if_none_exist_for_uuid (const char *uuid)
{
  g_return_val_if_fail (uuid != NULL, NULL);

  return g_strdup_printf ("identifier=" SYSTEM_URI "|urn:uuid:%s", uuid);
}

/* The stored resource as a parsed object; MK_EDITS_ERROR_NOT_FOUND when it
 * is not in the card. */
static JsonNode *
load_resource (MkStore     *store,
               const char  *resource_type,
               const char  *id,
               const char  *not_found_message,
               GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *json = NULL;
  JsonNode *node;

  json = mk_store_get_json (store, resource_type, id, &local_error);
  if (json == NULL)
    {
      if (local_error == NULL || g_error_matches (local_error, MK_STORE_ERROR, MK_STORE_ERROR_NOT_FOUND))
        g_set_error_literal (error, MK_EDITS_ERROR, MK_EDITS_ERROR_NOT_FOUND, not_found_message);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  node = json_from_string (json, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_clear_pointer (&node, json_node_unref);
      g_set_error_literal (error, MK_EDITS_ERROR, MK_EDITS_ERROR_INVALID, not_found_message);
    }

  return node;
}

static void
copy_member (JsonObject *to,
             JsonObject *from,
             const char *member)
{
  JsonNode *node = from != NULL ? json_object_get_member (from, member) : NULL;

  if (node != NULL && !JSON_NODE_HOLDS_NULL (node) && !json_object_has_member (to, member))
    json_object_set_member (to, member, json_node_copy (node));
}

static JsonObject *
participant_new (JsonNode *actor)
{
  JsonObject *participant = json_object_new ();

  json_object_set_member (participant, "actor", actor);
  json_object_set_string_member (participant, "required", "required");
  json_object_set_string_member (participant, "status", "accepted");
  return participant;
}

static JsonObject *
reference_new (const char *reference)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "reference", reference);
  return object;
}

/* A FHIR dateTime in the clock's zone, e.g. 2026-11-23T10:00:00+03:00. */
static char *
format_date_time (GDateTime *time)
{
  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%S%:z");
}

/* The Schedule of a slot, when the card holds it. */
static JsonNode *
load_schedule (MkStore      *store,
               const MkSlot *slot)
{
  g_autoptr(MkResource) resource = NULL;

  if (slot->schedule.reference == NULL)
    return NULL;

  resource = mk_store_resolve_reference (store, slot->schedule.reference, NULL);
  if (resource == NULL)
    return NULL;

  return json_from_string (mk_resource_get_json (resource), NULL);
}

static char *
build_appointment (JsonObject  *slot_object,
                   JsonObject  *schedule,
                   const MkSlot *slot,
                   const char  *uuid,
                   const char  *patient_ref,
                   const char  *reason,
                   GDateTime   *now)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(GDateTime) start = mk_slot_dup_start (slot);
  g_autoptr(GDateTime) end = mk_slot_dup_end (slot);
  g_autofree char *created = format_date_time (now);
  g_autofree char *slot_ref = g_strconcat ("Slot/", slot->id, NULL);
  g_autofree char *identifier_value = g_strconcat ("urn:uuid:", uuid, NULL);
  JsonObject *appointment = json_object_new ();
  JsonObject *identifier = json_object_new ();
  JsonArray *identifiers = json_array_new ();
  JsonArray *slots = json_array_new ();
  JsonArray *participants = json_array_new ();
  JsonArray *actors = NULL;

  json_node_take_object (root, appointment);

  json_object_set_string_member (appointment, "resourceType", "Appointment");
  json_object_set_string_member (appointment, "id", uuid);

  json_object_set_string_member (identifier, "system", SYSTEM_URI);
  json_object_set_string_member (identifier, "value", identifier_value);
  json_array_add_object_element (identifiers, identifier);
  json_object_set_array_member (appointment, "identifier", identifiers);

  json_object_set_string_member (appointment, "status", "booked");

  /* What the slot (or its schedule) says the visit is. */
  copy_member (appointment, slot_object, "serviceCategory");
  copy_member (appointment, slot_object, "serviceType");
  copy_member (appointment, slot_object, "specialty");
  copy_member (appointment, schedule, "specialty");
  copy_member (appointment, slot_object, "appointmentType");

  if (reason != NULL && *reason != '\0')
    {
      JsonArray *reasons = json_array_new ();
      JsonObject *concept = json_object_new ();

      json_object_set_string_member (concept, "text", reason);
      json_array_add_object_element (reasons, concept);
      json_object_set_array_member (appointment, "reasonCode", reasons);
    }

  json_object_set_string_member (appointment, "start", slot->start);
  if (slot->end != NULL)
    json_object_set_string_member (appointment, "end", slot->end);
  if (start != NULL && end != NULL && g_date_time_compare (end, start) > 0)
    json_object_set_int_member (appointment, "minutesDuration",
                                g_date_time_difference (end, start) / G_TIME_SPAN_MINUTE);
  json_object_set_string_member (appointment, "created", created);

  json_array_add_object_element (slots, reference_new (slot_ref));
  json_object_set_array_member (appointment, "slot", slots);

  {
    JsonNode *patient = json_node_new (JSON_NODE_OBJECT);

    json_node_take_object (patient, reference_new (patient_ref));
    json_array_add_object_element (participants, participant_new (patient));
  }

  /* The schedule's actors: practitioner, role, location, service. */
  if (schedule != NULL && json_object_has_member (schedule, "actor") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (schedule, "actor")))
    actors = json_object_get_array_member (schedule, "actor");

  for (guint i = 0; actors != NULL && i < json_array_get_length (actors); i++)
    {
      JsonNode *actor = json_array_get_element (actors, i);

      if (JSON_NODE_HOLDS_OBJECT (actor))
        json_array_add_object_element (participants, participant_new (json_node_copy (actor)));
    }
  json_object_set_array_member (appointment, "participant", participants);

  return json_to_string (root, FALSE);
}

gboolean
mk_edits_book_slot (MkStore     *store,
                    MkClock     *clock,
                    const char  *slot_id,
                    const char  *patient_ref,
                    const char  *reason,
                    char       **appointment_id_out,
                    GError     **error)
{
  g_autoptr(JsonNode) slot_node = NULL;
  g_autoptr(JsonNode) schedule_node = NULL;
  g_autoptr(MkSlot) slot = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *if_none_exist = NULL;
  g_autofree char *appointment = NULL;
  g_autofree char *busy_slot = NULL;
  JsonObject *slot_object;

  g_return_val_if_fail (MK_IS_STORE (store), FALSE);
  g_return_val_if_fail (MK_IS_CLOCK (clock), FALSE);
  g_return_val_if_fail (slot_id != NULL, FALSE);
  g_return_val_if_fail (patient_ref != NULL, FALSE);

  now = mk_clock_get_now (clock);

  /* Read and queue under one transaction, so a sync running in another
   * thread cannot book the slot in between. */
  if (!mk_store_begin (store, error))
    return FALSE;

  slot_node = load_resource (store, "Slot", slot_id,
                             _("This time slot is not in the medical card"), error);
  if (slot_node == NULL)
    goto fail;

  slot_object = json_node_get_object (slot_node);
  slot = mk_slot_read (slot_object, &local_error);
  if (slot == NULL)
    {
      g_set_error (error, MK_EDITS_ERROR, MK_EDITS_ERROR_INVALID,
                   /* Translators: %s is a technical reason */
                   _("This time slot cannot be read: %s"), local_error->message);
      goto fail;
    }

  if (g_strcmp0 (slot->status, "free") != 0)
    {
      g_set_error_literal (error, MK_EDITS_ERROR, MK_EDITS_ERROR_SLOT_NOT_FREE,
                           _("This time is no longer free"));
      goto fail;
    }

  start = mk_slot_dup_start (slot);
  if (start == NULL)
    {
      g_set_error_literal (error, MK_EDITS_ERROR, MK_EDITS_ERROR_INVALID,
                           _("This time slot has no start time"));
      goto fail;
    }
  if (g_date_time_compare (start, now) <= 0)
    {
      g_set_error_literal (error, MK_EDITS_ERROR, MK_EDITS_ERROR_PAST,
                           _("This time has already passed"));
      goto fail;
    }

  schedule_node = load_schedule (store, slot);

  uuid = g_uuid_string_random ();
  if_none_exist = mk_edits_if_none_exist_for_uuid (uuid);
  appointment = build_appointment (slot_object,
                                   schedule_node != NULL && JSON_NODE_HOLDS_OBJECT (schedule_node)
                                   ? json_node_get_object (schedule_node) : NULL,
                                   slot, uuid, patient_ref, reason, now);

  /* The slot looks busy at once. A server with a booking rule marks it
   * busy itself when the Appointment is created, and the pull after the
   * push replaces this local row; on one without, the sync reads the slot
   * again once the booking is through (mk_sync_refresh_local()). */
  json_object_set_string_member (slot_object, "status", "busy");
  busy_slot = json_to_string (slot_node, FALSE);

  if (!mk_store_queue_edit (store, MK_OUTBOX_CREATE, appointment, if_none_exist, now, NULL, error) ||
      !mk_store_put_local (store, busy_slot, error) ||
      !mk_store_commit (store, error))
    goto fail;

  if (appointment_id_out != NULL)
    *appointment_id_out = g_steal_pointer (&uuid);
  return TRUE;

fail:
  mk_store_rollback (store);
  return FALSE;
}

/* Checks @appointment (the stored JSON) against the cancellation rules. */
static gboolean
check_cancellable (JsonObject  *object,
                   GDateTime   *now,
                   GError     **error)
{
  g_autoptr(MkAppointment) appointment = NULL;
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *status;

  appointment = mk_appointment_read (object, &local_error);
  if (appointment == NULL)
    {
      g_set_error (error, MK_EDITS_ERROR, MK_EDITS_ERROR_INVALID,
                   /* Translators: %s is a technical reason */
                   _("This visit cannot be read: %s"), local_error->message);
      return FALSE;
    }

  status = appointment->status != NULL ? appointment->status : "";
  if (g_str_equal (status, "cancelled"))
    {
      g_set_error_literal (error, MK_EDITS_ERROR, MK_EDITS_ERROR_NOT_CANCELLABLE,
                           _("This visit is already cancelled"));
      return FALSE;
    }
  if (g_str_equal (status, "fulfilled") || g_str_equal (status, "arrived") ||
      g_str_equal (status, "checked-in"))
    {
      g_set_error_literal (error, MK_EDITS_ERROR, MK_EDITS_ERROR_NOT_CANCELLABLE,
                           _("This visit has already taken place"));
      return FALSE;
    }
  if (g_str_equal (status, "noshow"))
    {
      g_set_error_literal (error, MK_EDITS_ERROR, MK_EDITS_ERROR_NOT_CANCELLABLE,
                           _("This visit is over: it was marked as missed"));
      return FALSE;
    }
  if (g_str_equal (status, "entered-in-error"))
    {
      g_set_error_literal (error, MK_EDITS_ERROR, MK_EDITS_ERROR_NOT_CANCELLABLE,
                           _("This visit was entered in error and cannot be cancelled"));
      return FALSE;
    }

  start = mk_appointment_dup_start (appointment);
  if (start != NULL && g_date_time_compare (start, now) <= 0)
    {
      g_set_error_literal (error, MK_EDITS_ERROR, MK_EDITS_ERROR_PAST,
                           _("This visit has already begun"));
      return FALSE;
    }

  /* The server gives no cut-off of its own yet: 2 hours (DOMAIN.md §3.3). */
  if (start != NULL && g_date_time_difference (start, now) < MK_EDITS_CANCEL_CUTOFF)
    {
      int hours = (int) (MK_EDITS_CANCEL_CUTOFF / G_TIME_SPAN_HOUR);

      g_set_error (error, MK_EDITS_ERROR, MK_EDITS_ERROR_TOO_LATE,
                   ngettext ("A visit can be cancelled no later than %d hour before it starts",
                             "A visit can be cancelled no later than %d hours before it starts",
                             hours),
                   hours);
      return FALSE;
    }

  return TRUE;
}

gboolean
mk_edits_can_cancel_appointment (MkStore     *store,
                                 MkClock     *clock,
                                 const char  *appointment_id,
                                 GError     **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GDateTime) now = NULL;

  g_return_val_if_fail (MK_IS_STORE (store), FALSE);
  g_return_val_if_fail (MK_IS_CLOCK (clock), FALSE);
  g_return_val_if_fail (appointment_id != NULL, FALSE);

  node = load_resource (store, "Appointment", appointment_id,
                        _("This visit is not in the medical card"), error);
  if (node == NULL)
    return FALSE;

  now = mk_clock_get_now (clock);
  return check_cancellable (json_node_get_object (node), now, error);
}

gboolean
mk_edits_cancel_appointment (MkStore     *store,
                             MkClock     *clock,
                             const char  *appointment_id,
                             const char  *reason,
                             GError     **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *json = NULL;
  JsonObject *object;
  JsonObject *cancelation;
  JsonObject *coding;
  JsonArray *codings;

  g_return_val_if_fail (MK_IS_STORE (store), FALSE);
  g_return_val_if_fail (MK_IS_CLOCK (clock), FALSE);
  g_return_val_if_fail (appointment_id != NULL, FALSE);

  now = mk_clock_get_now (clock);

  if (!mk_store_begin (store, error))
    return FALSE;

  node = load_resource (store, "Appointment", appointment_id,
                        _("This visit is not in the medical card"), error);
  if (node == NULL)
    goto fail;

  object = json_node_get_object (node);
  if (!check_cancellable (object, now, error))
    goto fail;

  json_object_set_string_member (object, "status", "cancelled");

  cancelation = json_object_new ();
  coding = json_object_new ();
  codings = json_array_new ();
  json_object_set_string_member (coding, "system", SYSTEM_CANCELLATION_REASON);
  json_object_set_string_member (coding, "code", "pat");
  json_object_set_string_member (coding, "display", "Patient");
  json_array_add_object_element (codings, coding);
  json_object_set_array_member (cancelation, "coding", codings);
  if (reason != NULL && *reason != '\0')
    json_object_set_string_member (cancelation, "text", reason);
  json_object_set_object_member (object, "cancelationReason", cancelation);

  json = json_to_string (node, FALSE);
  if (!mk_store_queue_edit (store, MK_OUTBOX_UPDATE, json, NULL, now, NULL, error) ||
      !mk_store_commit (store, error))
    goto fail;

  return TRUE;

fail:
  mk_store_rollback (store);
  return FALSE;
}
