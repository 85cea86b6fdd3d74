/* mk-clock.h — the one source of "now" for all time-dependent logic
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define MK_TYPE_CLOCK (mk_clock_get_type ())
G_DECLARE_FINAL_TYPE (MkClock, mk_clock, MK, CLOCK, GObject)

/* The real clock (local time zone). */
MkClock   *mk_clock_new_real    (void);
/* A clock frozen at @now until moved with mk_clock_set_now()/mk_clock_advance(). */
MkClock   *mk_clock_new_fake    (GDateTime *now);
/* The process-wide clock: the real one, or a fake one frozen at the ISO 8601
 * time in the MEDKARTA_NOW environment variable (tests, screenshots). */
MkClock   *mk_clock_get_default (void);

gboolean   mk_clock_is_fake     (MkClock   *self);
/* A new reference to the current time in the local time zone. */
GDateTime *mk_clock_get_now     (MkClock   *self);
void       mk_clock_set_now     (MkClock   *self,
                                 GDateTime *now);
void       mk_clock_advance     (MkClock   *self,
                                 GTimeSpan  span);

G_END_DECLS
