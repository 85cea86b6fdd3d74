/* mk-demo.h — the embedded demo card
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mk-store.h"

G_BEGIN_DECLS

/* The demo patient's id in the demo bundle. */
#define MK_DEMO_PATIENT_ID "demo-patient"

/* Writes the demo card into @store, replacing any resources it holds.
 * Every date in the card is placed relative to @anchor (the day the demo
 * is opened): there is always a visit tomorrow and a prescription about to
 * expire. Stores the anchor day in the store meta "demo-anchor" and the
 * patient reference in "patient". One transaction: on error nothing changes. */
gboolean mk_demo_write       (MkStore    *store,
                              GDateTime  *anchor,
                              GError    **error);

/* Writes the demo unless @store already holds a demo anchored on the same
 * local day as @now. Returns TRUE when the store holds a current demo. */
gboolean mk_demo_ensure      (MkStore    *store,
                              GDateTime  *now,
                              GError    **error);

G_END_DECLS
