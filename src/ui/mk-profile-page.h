/* mk-profile-page.h — the patient's profile: identity, documents, clinic, contacts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "mk-clock.h"
#include "mk-store.h"

G_BEGIN_DECLS

#define MK_TYPE_PROFILE_PAGE (mk_profile_page_get_type ())
G_DECLARE_FINAL_TYPE (MkProfilePage, mk_profile_page, MK, PROFILE_PAGE, AdwBin)

/* Properties "store" and "clock" are construct-only. */
GtkWidget  *mk_profile_page_new       (MkStore       *store,
                                       MkClock       *clock);
MkStore    *mk_profile_page_get_store (MkProfilePage *self);
MkClock    *mk_profile_page_get_clock (MkProfilePage *self);
/* TRUE when a patient is shown, FALSE while the empty state shows. */
gboolean    mk_profile_page_has_patient (MkProfilePage *self);
/* Re-reads the patient from the store (done on the store's ::changed). */
void        mk_profile_page_reload    (MkProfilePage *self);

G_END_DECLS
