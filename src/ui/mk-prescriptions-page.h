/* mk-prescriptions-page.h — Prescriptions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mk-page.h"

G_BEGIN_DECLS

/* The status filter, in the order the drop-down shows it. */
typedef enum
{
  MK_PRESCRIPTIONS_FILTER_ALL,
  MK_PRESCRIPTIONS_FILTER_ACTIVE,     /* issued, sent or expiring */
  MK_PRESCRIPTIONS_FILTER_EXPIRING,
  MK_PRESCRIPTIONS_FILTER_EXPIRED,
  MK_PRESCRIPTIONS_FILTER_DISPENSED,
  MK_PRESCRIPTIONS_FILTER_CANCELLED,
  MK_PRESCRIPTIONS_FILTER_DRAFTS,     /* draft or signed */
} MkPrescriptionsFilter;

#define MK_TYPE_PRESCRIPTIONS_PAGE (mk_prescriptions_page_get_type ())
G_DECLARE_FINAL_TYPE (MkPrescriptionsPage, mk_prescriptions_page, MK, PRESCRIPTIONS_PAGE, MkPage)

/* @store and @clock set the MkPage properties "store" and "clock". */
GtkWidget *mk_prescriptions_page_new       (MkStore *store,
                                            MkClock *clock);
/* Re-reads the time from the clock and recomputes every state (done each
 * time the page is shown). */
void       mk_prescriptions_page_refresh (MkPrescriptionsPage *self);

/* Accessors for tests: the model the list view shows (the store's list
 * after the computed-state filter) and the filter drop-down. */
GListModel *mk_prescriptions_page_get_model  (MkPrescriptionsPage   *self);
void        mk_prescriptions_page_set_filter (MkPrescriptionsPage   *self,
                                              MkPrescriptionsFilter  filter);
gboolean    mk_prescriptions_page_is_empty   (MkPrescriptionsPage   *self);

G_END_DECLS
