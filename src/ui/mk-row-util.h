/* mk-row-util.h — small helpers shared by the list rows and pages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "mk-clock.h"
#include "mk-fhir-types.h"
#include "mk-store.h"

G_BEGIN_DECLS

/* What to show for a Reference: the name of the resource it points to
 * (Practitioner, PractitionerRole → its practitioner, Organization,
 * Location), resolved through @store (may be NULL), else its display.
 * Newly allocated; NULL when there is nothing to show. Lists use the short
 * form (an Organization's alias when it has one); cards and details the
 * full name. */
char     *mk_row_util_dup_reference_name      (MkStore               *store,
                                               const MkFhirReference *reference);
char     *mk_row_util_dup_reference_full_name (MkStore               *store,
                                               const MkFhirReference *reference);
/* Sets @label to @text and hides it when @text is NULL or empty. */
void      mk_row_util_set_label          (GtkLabel              *label,
                                          const char            *text);
/* "YYYY-MM-DD" of the local day @months months before now on @clock. */
char     *mk_row_util_dup_months_ago     (MkClock               *clock,
                                          int                    months);
/* TRUE when the FHIR date @value (a day) is before the local today. */
gboolean  mk_row_util_date_has_passed    (const char            *value,
                                          MkClock               *clock);

G_END_DECLS
