/* mk-clock.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mk-clock.h"

struct _MkClock
{
  GObject    parent_instance;
  GDateTime *fake_now;   /* NULL for the real clock */
};

G_DEFINE_FINAL_TYPE (MkClock, mk_clock, G_TYPE_OBJECT)

static void
mk_clock_finalize (GObject *object)
{
  MkClock *self = MK_CLOCK (object);

  g_clear_pointer (&self->fake_now, g_date_time_unref);

  G_OBJECT_CLASS (mk_clock_parent_class)->finalize (object);
}

static void
mk_clock_class_init (MkClockClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mk_clock_finalize;
}

static void
mk_clock_init (MkClock *self)
{
}

MkClock *
mk_clock_new_real (void)
{
  return g_object_new (MK_TYPE_CLOCK, NULL);
}

MkClock *
mk_clock_new_fake (GDateTime *now)
{
  MkClock *self = g_object_new (MK_TYPE_CLOCK, NULL);

  g_return_val_if_fail (now != NULL, self);
  self->fake_now = g_date_time_to_local (now);
  return self;
}

MkClock *
mk_clock_get_default (void)
{
  static MkClock *default_clock;

  if (g_once_init_enter (&default_clock))
    {
      const char *env = g_getenv ("MEDKARTA_NOW");
      g_autoptr(GDateTime) fake = NULL;
      MkClock *clock;

      if (env != NULL && *env != '\0')
        fake = g_date_time_new_from_iso8601 (env, NULL);
      if (env != NULL && *env != '\0' && fake == NULL)
        g_warning ("MEDKARTA_NOW is not an ISO 8601 date-time with a zone; using the real clock");

      clock = fake != NULL ? mk_clock_new_fake (fake) : mk_clock_new_real ();
      g_once_init_leave (&default_clock, clock);
    }

  return default_clock;
}

gboolean
mk_clock_is_fake (MkClock *self)
{
  g_return_val_if_fail (MK_IS_CLOCK (self), FALSE);

  return self->fake_now != NULL;
}

GDateTime *
mk_clock_get_now (MkClock *self)
{
  g_return_val_if_fail (MK_IS_CLOCK (self), NULL);

  if (self->fake_now != NULL)
    return g_date_time_ref (self->fake_now);

  return g_date_time_new_now_local ();
}

void
mk_clock_set_now (MkClock   *self,
                  GDateTime *now)
{
  g_return_if_fail (MK_IS_CLOCK (self));
  g_return_if_fail (now != NULL);

  g_clear_pointer (&self->fake_now, g_date_time_unref);
  self->fake_now = g_date_time_to_local (now);
}

void
mk_clock_advance (MkClock   *self,
                  GTimeSpan  span)
{
  g_autoptr(GDateTime) base = NULL;

  g_return_if_fail (MK_IS_CLOCK (self));

  base = mk_clock_get_now (self);
  g_clear_pointer (&self->fake_now, g_date_time_unref);
  self->fake_now = g_date_time_add (base, span);
}
