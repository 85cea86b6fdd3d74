/* mk-records-page.h — Medical records
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mk-page.h"

G_BEGIN_DECLS

/* The record type filter, in the order the drop-down shows it. */
typedef enum
{
  MK_RECORDS_FILTER_ALL,
  MK_RECORDS_FILTER_VISITS,        /* kinds "visit" + "diagnosis" */
  MK_RECORDS_FILTER_LAB,           /* kind "lab" */
  MK_RECORDS_FILTER_VACCINATIONS,  /* kind "vaccination" */
  MK_RECORDS_FILTER_MEDBOOK,       /* kind "medbook" */
  MK_RECORDS_FILTER_MEDICATIONS,   /* kinds "allergy" + "prescription", status active */
} MkRecordsFilter;

typedef enum
{
  MK_RECORDS_PERIOD_ALL,
  MK_RECORDS_PERIOD_12_MONTHS,
  MK_RECORDS_PERIOD_3_YEARS,
} MkRecordsPeriod;

#define MK_TYPE_RECORDS_PAGE (mk_records_page_get_type ())
G_DECLARE_FINAL_TYPE (MkRecordsPage, mk_records_page, MK, RECORDS_PAGE, MkPage)

/* @store and @clock set the MkPage properties "store" and "clock". */
GtkWidget *mk_records_page_new       (MkStore *store,
                                      MkClock *clock);
/* Moves the keyboard focus to the search entry (Ctrl+F). */
void       mk_records_page_focus_search (MkRecordsPage *self);

/* Builds the query the page uses for these filters (@text may be NULL);
 * the period is counted back from @clock's now. */
MkQuery   *mk_records_page_build_query  (MkRecordsFilter  filter,
                                         MkRecordsPeriod  period,
                                         const char      *text,
                                         MkClock         *clock);

/* Accessors for tests. The model is the MkResourceList the list view shows. */
GListModel *mk_records_page_get_model   (MkRecordsPage  *self);
void        mk_records_page_set_filter  (MkRecordsPage  *self,
                                         MkRecordsFilter filter);
void        mk_records_page_set_period  (MkRecordsPage  *self,
                                         MkRecordsPeriod period);
/* Sets the search entry's text and applies it at once (no typing delay). */
void        mk_records_page_set_search_text (MkRecordsPage *self,
                                             const char    *text);
/* TRUE while the empty state (no records / no results) shows. */
gboolean    mk_records_page_is_empty    (MkRecordsPage  *self);

G_END_DECLS
