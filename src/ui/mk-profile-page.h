/* mk-profile-page.h — the patient's profile: identity, documents, clinic, contacts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mk-page.h"

G_BEGIN_DECLS

#define MK_TYPE_PROFILE_PAGE (mk_profile_page_get_type ())
G_DECLARE_FINAL_TYPE (MkProfilePage, mk_profile_page, MK, PROFILE_PAGE, MkPage)

/* @store and @clock set the MkPage properties "store" and "clock". */
GtkWidget  *mk_profile_page_new       (MkStore       *store,
                                       MkClock       *clock);
/* TRUE when a patient is shown, FALSE while the empty state shows. */
gboolean    mk_profile_page_has_patient (MkProfilePage *self);
/* Re-reads the patient from the store (done on the store's ::changed). */
void        mk_profile_page_reload    (MkProfilePage *self);

G_END_DECLS
