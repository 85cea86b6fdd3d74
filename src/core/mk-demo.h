/* mk-demo.h — the embedded demo card
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mk-store.h"

G_BEGIN_DECLS

/* The demo patient's id in the demo bundle. */
#define MK_DEMO_PATIENT_ID "demo-patient"

#define MK_DEMO_ERROR (mk_demo_error_quark ())

typedef enum
{
  MK_DEMO_ERROR_INVALID_TOKEN,  /* an unknown or malformed @token in the template */
  MK_DEMO_ERROR_MISSING_FILE,   /* @file/@size/@sha1 names a file the resource lacks */
  MK_DEMO_ERROR_INVALID_JSON,   /* the template is not a JSON document */
} MkDemoError;

GQuark   mk_demo_error_quark (void);

/* Replaces the date and file tokens of a demo template (the grammar is in
 * resources/demo/README.md) relative to the local day of @anchor and
 * returns the compact JSON text. @template_json may be any JSON document. */
char    *mk_demo_expand      (const char *template_json,
                              gssize      length,
                              GDateTime  *anchor,
                              GError    **error);

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
