/* test-resource-list.c — MkResourceList pages the store as a GListModel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mk-resource-list.h"
#include "mk-test-util.h"

typedef struct
{
  char    *dir;
  MkStore *store;
} Fixture;

typedef struct
{
  guint n_calls;
  guint position;
  guint removed;
  guint added;
  guint n_notify;
} Changes;

/* @n Observations obs-000 … with effectiveDateTime one day apart, starting
 * at @first_day of January 2024 (so obs-000 is the oldest). */
static void
import_observations (MkStore *store,
                     guint    first,
                     guint    n)
{
  g_autoptr(GString) json = g_string_new ("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[");
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) base = g_date_time_new_utc (2024, 1, 1, 8, 0, 0);

  for (guint i = first; i < first + n; i++)
    {
      g_autoptr(GDateTime) when = g_date_time_add_days (base, i);
      g_autofree char *iso = g_date_time_format_iso8601 (when);

      g_string_append_printf (json,
                              "%s{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"obs-%03u\","
                              "\"status\":\"final\",\"effectiveDateTime\":\"%s\","
                              "\"code\":{\"text\":\"Измерение %u\"}}}",
                              i > first ? "," : "", i, iso, i);
    }
  g_string_append (json, "]}");

  g_assert_true (mk_store_import_json (store, json->str, json->len, NULL, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->store = mk_test_open_store ("medkarta-list-XXXXXX", NULL, &fixture->dir, NULL, NULL);

  import_observations (fixture->store, 0, 130);
  g_assert_true (mk_store_import_json (fixture->store,
                                      "{\"resourceType\":\"Patient\",\"id\":\"p\",\"birthDate\":\"1990-01-01\"}",
                                      -1, NULL, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  mk_test_close_store (fixture->store, fixture->dir);
  g_free (fixture->dir);
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Changes    *changes)
{
  /* The list always replaces everything, and is consistent when it says so. */
  g_assert_cmpuint (position, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, added);
  changes->n_calls++;
  changes->position = position;
  changes->removed = removed;
  changes->added = added;
}

static void
on_notify_n_items (GObject    *object,
                   GParamSpec *pspec,
                   Changes    *changes)
{
  changes->n_notify++;
}

static const char *
id_at (GListModel *model,
       guint       position)
{
  g_autoptr(MkResource) resource = g_list_model_get_item (model, position);
  static char buf[32];

  g_assert_nonnull (resource);
  g_strlcpy (buf, mk_resource_get_id (resource), sizeof buf);
  return buf;
}

static void
test_paging (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(MkQuery) query = mk_query_new ();
  g_autoptr(MkResourceList) list = NULL;
  GListModel *model;
  guint n_items = 0;

  mk_query_add_type (query, "Observation");
  list = mk_resource_list_new (fixture->store, query);
  model = G_LIST_MODEL (list);

  g_assert_true (g_list_model_get_item_type (model) == MK_TYPE_RESOURCE);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 130);
  g_object_get (list, "n-items", &n_items, NULL);
  g_assert_cmpuint (n_items, ==, 130);
  g_assert_true (mk_resource_list_get_store (list) == fixture->store);
  g_assert_true (mk_resource_list_get_query (list) == query);

  /* Newest first, across page boundaries, in any order of access. */
  g_assert_cmpstr (id_at (model, 0), ==, "obs-129");
  g_assert_cmpstr (id_at (model, 129), ==, "obs-000");
  g_assert_cmpstr (id_at (model, 49), ==, "obs-080");
  g_assert_cmpstr (id_at (model, 50), ==, "obs-079");
  g_assert_cmpstr (id_at (model, 100), ==, "obs-029");
  g_assert_cmpstr (id_at (model, 1), ==, "obs-128");
  g_assert_null (g_list_model_get_item (model, 130));
  g_assert_null (g_list_model_get_item (model, G_MAXUINT));

  /* Walk the whole list twice: every position answers right. */
  for (guint round = 0; round < 2; round++)
    for (guint i = 0; i < 130; i++)
      {
        g_autofree char *expected = g_strdup_printf ("obs-%03u", 129 - i);

        g_assert_cmpstr (id_at (model, i), ==, expected);
      }
}

static void
test_reload_on_change (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(MkQuery) query = mk_query_new ();
  g_autoptr(MkResourceList) list = NULL;
  g_autoptr(GError) error = NULL;
  Changes changes = { 0, };

  mk_query_add_type (query, "Observation");
  list = mk_resource_list_new (fixture->store, query);
  g_signal_connect (list, "items-changed", G_CALLBACK (on_items_changed), &changes);
  g_signal_connect (list, "notify::n-items", G_CALLBACK (on_notify_n_items), &changes);

  g_assert_cmpstr (id_at (G_LIST_MODEL (list), 0), ==, "obs-129");

  import_observations (fixture->store, 130, 5);
  g_assert_cmpuint (changes.n_calls, ==, 1);
  g_assert_cmpuint (changes.position, ==, 0);
  g_assert_cmpuint (changes.removed, ==, 130);
  g_assert_cmpuint (changes.added, ==, 135);
  g_assert_cmpuint (changes.n_notify, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 135);
  g_assert_cmpstr (id_at (G_LIST_MODEL (list), 0), ==, "obs-134");   /* not a stale page */

  /* An import that stores nothing does not reload. */
  g_assert_true (mk_store_import_json (fixture->store,
                                      "{\"resourceType\":\"Bundle\",\"type\":\"collection\"}",
                                      -1, NULL, &error));
  g_assert_cmpuint (changes.n_calls, ==, 1);

  /* A new query. */
  {
    g_autoptr(MkQuery) other = mk_query_new ();

    mk_query_add_type (other, "Patient");
    mk_resource_list_set_query (list, other);
    g_assert_true (mk_resource_list_get_query (list) == other);
  }
  g_assert_cmpuint (changes.n_calls, ==, 2);
  g_assert_cmpuint (changes.removed, ==, 135);
  g_assert_cmpuint (changes.added, ==, 1);
  g_assert_cmpuint (changes.n_notify, ==, 2);
  g_assert_cmpstr (id_at (G_LIST_MODEL (list), 0), ==, "p");

  /* NULL query: everything. */
  g_object_set (list, "query", NULL, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 136);

  mk_resource_list_reload (list);
  g_assert_cmpuint (changes.n_calls, ==, 4);
  g_assert_cmpuint (changes.removed, ==, 136);
  g_assert_cmpuint (changes.added, ==, 136);

  g_assert_true (mk_store_clear_resources (fixture->store, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), 0));

  g_assert_finalize_object (g_steal_pointer (&list));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/resource-list/paging", Fixture, NULL, fixture_set_up, test_paging, fixture_tear_down);
  g_test_add ("/resource-list/reload", Fixture, NULL, fixture_set_up, test_reload_on_change, fixture_tear_down);

  return g_test_run ();
}
