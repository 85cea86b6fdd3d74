/* minimal-window.c — the start-up baseline of the benchmark
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The smallest libadwaita application a user would recognise: an
 * AdwApplication showing an AdwApplicationWindow with a header bar. It quits
 * right after its first frame (the frame clock's "after-paint"), so the
 * wall time of the process is the start-up cost that Medkarta is compared to.
 */
#include <adwaita.h>

static gboolean
quit_idle (gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
  return G_SOURCE_REMOVE;
}

/* Like Medkarta with MEDKARTA_EXIT_AFTER_FIRST_FRAME=1: quit from an idle
 * right after the first frame was painted. */
static void
on_after_paint (GdkFrameClock *clock,
                gpointer       user_data)
{
  g_signal_handlers_disconnect_by_func (clock, on_after_paint, user_data);
  g_idle_add (quit_idle, user_data);
}

static void
on_realize (GtkWidget *window,
            gpointer   user_data)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), user_data);
}

static void
on_activate (GApplication *app,
             gpointer      user_data)
{
  GtkWidget *window;
  GtkWidget *box;
  GtkWidget *header;

  window = adw_application_window_new (GTK_APPLICATION (app));
  gtk_window_set_title (GTK_WINDOW (window), "Minimal");
  /* The size Medkarta opens with (the schema's window-width and
   * window-height), so both draw the same number of pixels. */
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 760);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  gtk_box_append (GTK_BOX (box), header);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);

  if (g_getenv ("MINIMAL_STAY_OPEN") == NULL)
    g_signal_connect (window, "realize", G_CALLBACK (on_realize), app);

  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) app = NULL;

  app = adw_application_new ("io.github.medkarta.BenchMinimal", G_APPLICATION_DEFAULT_FLAGS);
  g_signal_connect (app, "activate", G_CALLBACK (on_activate), NULL);

  return g_application_run (G_APPLICATION (app), argc, argv);
}
