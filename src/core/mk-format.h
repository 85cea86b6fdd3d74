/* mk-format.h — display formatting (locale-aware)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * All functions return newly allocated strings and never return NULL for a
 * non-NULL input: when the input does not have the expected shape it is
 * returned unchanged, so the UI always shows something.
 */
#pragma once

#include <glib.h>

#include "mk-fhir-types.h"

G_BEGIN_DECLS

/* "11223344595" → "112-233-445 95". */
char  *mk_format_snils          (const char *digits);
/* ("4508", "123456") → "45 08 123456"; @series may carry all 10 digits
 * with @number NULL. */
char  *mk_format_passport       (const char *series,
                                 const char *number);
/* "+79161234567" / "89161234567" / "9161234567" → "+7 (916) 123-45-67". */
char  *mk_format_phone          (const char *phone);
/* "1234567890123456" → "1234 5678 9012 3456". */
char  *mk_format_oms            (const char *digits);

/* Dates through translatable strftime formats (English "Nov 23, 2026",
 * Russian "23.11.2026"). The GDateTime is shown in its own zone: convert
 * with g_date_time_to_local() first when needed. */
char  *mk_format_date           (GDateTime  *date_time);
char  *mk_format_date_time      (GDateTime  *date_time);
char  *mk_format_time           (GDateTime  *date_time);
/* A FHIR date/dateTime string: a date-only value shows as a date, a value
 * with a time as local date and time; "2024" and "2024-05" are shown as
 * the year / month and year. Unparsable → a copy of the input. */
char  *mk_format_fhir_date      (const char *value);
char  *mk_format_fhir_date_time (const char *value);

/* g_format_size() (locale units). */
char  *mk_format_size           (gint64      bytes);
/* "1 year", "5 years" (ngettext). */
char  *mk_format_age            (int         years);
/* Whole years between @birth_date (FHIR date) and @now; -1 if unparsable
 * or in the future. */
int    mk_compute_age           (const char *birth_date,
                                 GDateTime  *now);
/* "1 day", "3 days" (ngettext). */
char  *mk_format_days           (int         days);
/* Inclusive calendar days from @start to @end (FHIR dates): end − start + 1;
 * -1 if either is unparsable or end < start. */
int    mk_period_days           (const char *start,
                                 const char *end);

/* A number the locale's way, without trailing zeros ("5.4", "5,4" in ru). */
char  *mk_format_number         (double      value);
/* "5.4 mmol/L" (unit may be NULL). */
char  *mk_format_quantity       (double      value,
                                 const char *unit);
/* The observation value: comparator + number + unit for quantities, else
 * value_text; "" when there is no value. */
char  *mk_format_observation_value (const MkObservation *observation);
/* "3.5–5.0 mmol/L" (both bounds with the same decimals), "< 5.2 mmol/L"
 * (only high), "> 1.5" (only low), else the range text; "" when there is
 * no range. The unit is the range's, else the value's. */
char  *mk_format_reference_range   (const MkObservation *observation);

G_END_DECLS
