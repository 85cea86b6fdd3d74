/* bench-search.c — full-text search timed inside one process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-search DATA_DIR BASELINE_DB TEXT MATCH LIMIT REPEATS
 *
 * Runs mk_store_search (DATA_DIR/medkarta.db, the app's own tokenizer and
 * ranking) and the equivalent FTS5 MATCH with snippet() over the baseline
 * table "search" (BASELINE_DB, built by the sqlite3 shell with the stock
 * unicode61 tokenizer) REPEATS times each, after one untimed warm-up, and
 * prints one JSON object with the median time of a single query in
 * microseconds and the number of hits each returned. Both sides keep their
 * statement prepared (MkStore caches its statements) and copy every hit out
 * of SQLite, so the figure is the query, not the process start.
 */
#include "config.h"

#include <gio/gio.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "mk-store.h"

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static gint64
median (GArray *times)
{
  g_array_sort (times, compare_gint64);
  return g_array_index (times, gint64, times->len / 2);
}

static gboolean
run_app (MkStore    *store,
         const char *text,
         guint       limit,
         guint       repeats,
         gint64     *median_us,
         guint      *n_hits,
         GError    **error)
{
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i <= repeats; i++)
    {
      g_autoptr(GPtrArray) hits = NULL;
      gint64 start = g_get_monotonic_time ();
      gint64 elapsed;

      hits = mk_store_search (store, text, limit, error);
      elapsed = g_get_monotonic_time () - start;
      if (hits == NULL)
        return FALSE;
      *n_hits = hits->len;
      if (i > 0)  /* the first run warms the caches */
        g_array_append_val (times, elapsed);
    }

  *median_us = median (times);
  return TRUE;
}

typedef struct
{
  char   *type;
  char   *id;
  char   *snippet;
  double  rank;
} BaselineHit;

static void
baseline_hit_free (gpointer data)
{
  BaselineHit *hit = data;

  g_free (hit->type);
  g_free (hit->id);
  g_free (hit->snippet);
  g_free (hit);
}

static gboolean
run_baseline (const char *path,
              const char *match,
              guint       limit,
              guint       repeats,
              gint64     *median_us,
              guint      *n_hits,
              GError    **error)
{
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db,
                          /* BASELINE_SEARCH_SQL in bench.py */
                          "SELECT f.type, f.id, snippet(search, 2, '[', ']', '…', 12) AS snippet,"
                          " bm25(search) AS rank"
                          " FROM search f JOIN resource r ON r.type = f.type AND r.id = f.id"
                          " WHERE search MATCH ?1 ORDER BY rank, f.type, f.id LIMIT ?2",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", path, sqlite3_errmsg (db));
      goto out;
    }

  for (guint i = 0; i <= repeats; i++)
    {
      g_autoptr(GPtrArray) hits = g_ptr_array_new_with_free_func (baseline_hit_free);
      gint64 start = g_get_monotonic_time ();
      gint64 elapsed;
      int rc;

      sqlite3_bind_text (stmt, 1, match, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 2, (int) limit);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          BaselineHit *hit = g_new0 (BaselineHit, 1);

          hit->type = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          hit->id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
          hit->snippet = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
          hit->rank = sqlite3_column_double (stmt, 3);
          g_ptr_array_add (hits, hit);
        }
      sqlite3_reset (stmt);
      elapsed = g_get_monotonic_time () - start;
      if (rc != SQLITE_DONE)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", path, sqlite3_errmsg (db));
          goto out;
        }
      *n_hits = hits->len;
      if (i > 0)
        g_array_append_val (times, elapsed);
    }

  *median_us = median (times);
  ok = TRUE;

out:
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return ok;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(MkStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gint64 app_us = 0, base_us = 0;
  guint app_hits = 0, base_hits = 0;
  guint limit, repeats;

  if (argc != 7)
    {
      g_printerr ("Usage: %s DATA_DIR BASELINE_DB TEXT MATCH LIMIT REPEATS\n", argv[0]);
      return 2;
    }
  limit = (guint) strtoul (argv[5], NULL, 10);
  repeats = MAX (1, (guint) strtoul (argv[6], NULL, 10));

  store = mk_store_open_in_dir (argv[1], &error);
  if (store == NULL ||
      !run_app (store, argv[3], limit, repeats, &app_us, &app_hits, &error) ||
      !run_baseline (argv[2], argv[4], limit, repeats, &base_us, &base_hits, &error))
    {
      g_printerr ("bench-search: %s\n", error->message);
      return 1;
    }

  printf ("{\"repeats\": %u, \"app_us\": %" G_GINT64_FORMAT ", \"app_hits\": %u,"
          " \"baseline_us\": %" G_GINT64_FORMAT ", \"baseline_hits\": %u}\n",
          repeats, app_us, app_hits, base_us, base_hits);
  return 0;
}
