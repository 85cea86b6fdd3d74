/* mk-format.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "mk-format.h"

/* ASCII digits of @input (everything else dropped). */
static char *
only_digits (const char *input)
{
  GString *digits = g_string_new (NULL);

  for (const char *p = input; p != NULL && *p != '\0'; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (digits, *p);

  return g_string_free (digits, FALSE);
}

char *
mk_format_snils (const char *digits)
{
  g_autofree char *clean = only_digits (digits);

  if (digits == NULL)
    return NULL;
  if (strlen (clean) != 11 || strspn (digits, "0123456789 -") != strlen (digits))
    return g_strdup (digits);

  return g_strdup_printf ("%.3s-%.3s-%.3s %.2s", clean, clean + 3, clean + 6, clean + 9);
}

char *
mk_format_passport (const char *series,
                    const char *number)
{
  g_autofree char *joined = g_strconcat (series ? series : "", number ? number : "", NULL);
  g_autofree char *clean = only_digits (joined);

  if (series == NULL && number == NULL)
    return NULL;
  if (strlen (clean) != 10 || strspn (joined, "0123456789 -№") != strlen (joined))
    {
      if (series != NULL && number != NULL)
        return g_strdup_printf ("%s %s", series, number);
      return g_strdup (series != NULL ? series : number);
    }

  return g_strdup_printf ("%.2s %.2s %.6s", clean, clean + 2, clean + 4);
}

char *
mk_format_phone (const char *phone)
{
  g_autofree char *clean = only_digits (phone);
  const char *national = NULL;
  gsize len = strlen (clean);

  if (phone == NULL)
    return NULL;

  if (strspn (phone, "+0123456789 -()") == strlen (phone))
    {
      if (len == 11 && (clean[0] == '7' || clean[0] == '8'))
        national = clean + 1;
      else if (len == 10 && phone[0] != '+')
        national = clean;
    }

  if (national == NULL)
    return g_strdup (phone);

  return g_strdup_printf ("+7 (%.3s) %.3s-%.2s-%.2s", national, national + 3, national + 6, national + 8);
}

char *
mk_format_oms (const char *digits)
{
  g_autofree char *clean = only_digits (digits);

  if (digits == NULL)
    return NULL;
  if (strlen (clean) != 16 || strspn (digits, "0123456789 -") != strlen (digits))
    return g_strdup (digits);

  return g_strdup_printf ("%.4s %.4s %.4s %.4s", clean, clean + 4, clean + 8, clean + 12);
}

/* ---- dates -------------------------------------------------------------- */

char *
mk_format_date (GDateTime *date_time)
{
  g_return_val_if_fail (date_time != NULL, NULL);

  /* Translators: a date in lists and cards (strftime format of
   * g_date_time_format()); English shows “Nov 23, 2026”. For Russian use
   * “%d.%m.%Y” (23.11.2026). */
  return g_date_time_format (date_time, _("%b %-d, %Y"));
}

char *
mk_format_date_time (GDateTime *date_time)
{
  g_return_val_if_fail (date_time != NULL, NULL);

  /* Translators: a date and time (strftime format of g_date_time_format());
   * English shows “Nov 23, 2026, 14:30”. For Russian use “%d.%m.%Y %H:%M”. */
  return g_date_time_format (date_time, _("%b %-d, %Y, %H:%M"));
}

char *
mk_format_time (GDateTime *date_time)
{
  g_return_val_if_fail (date_time != NULL, NULL);

  /* Translators: a time of day (strftime format of g_date_time_format());
   * 24-hour “14:30”. Russian keeps “%H:%M”. */
  return g_date_time_format (date_time, _("%H:%M"));
}

static char *
format_fhir (const char *value,
             gboolean    with_time)
{
  g_autoptr(GDateTime) parsed = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (value == NULL)
    return NULL;

  parsed = mk_fhir_parse_date_time (value, NULL);
  if (parsed == NULL)
    return g_strdup (value);

  if (strlen (value) == 4)
    return g_strdup (value);
  if (strlen (value) == 7)
    /* Translators: a month and year for a date known only to the month
     * (strftime format); English “May 2024”. For Russian use “%OB %Y”. */
    return g_date_time_format (parsed, _("%B %Y"));
  if (strlen (value) == 10 || !with_time)
    {
      if (strlen (value) == 10)
        return mk_format_date (parsed);
      local = g_date_time_to_local (parsed);
      return mk_format_date (local);
    }

  local = g_date_time_to_local (parsed);
  return mk_format_date_time (local);
}

char *
mk_format_fhir_date (const char *value)
{
  return format_fhir (value, FALSE);
}

char *
mk_format_fhir_date_time (const char *value)
{
  return format_fhir (value, TRUE);
}

/* ---- sizes, ages, periods ----------------------------------------------- */

char *
mk_format_size (gint64 bytes)
{
  if (bytes < 0)
    return g_strdup ("");

  return g_format_size ((guint64) bytes);
}

char *
mk_format_age (int years)
{
  return g_strdup_printf (ngettext ("%d year", "%d years", (gulong) ABS (years)), years);
}

int
mk_compute_age (const char *birth_date,
                GDateTime  *now)
{
  GDate birth;
  int years;
  int now_month, now_day;

  g_return_val_if_fail (now != NULL, -1);

  if (!mk_fhir_parse_date (birth_date, &birth, NULL))
    return -1;

  now_month = g_date_time_get_month (now);
  now_day = g_date_time_get_day_of_month (now);
  years = g_date_time_get_year (now) - g_date_get_year (&birth);
  if (now_month < (int) g_date_get_month (&birth)
      || (now_month == (int) g_date_get_month (&birth) && now_day < (int) g_date_get_day (&birth)))
    years--;

  return years >= 0 ? years : -1;
}

char *
mk_format_days (int days)
{
  return g_strdup_printf (ngettext ("%d day", "%d days", (gulong) ABS (days)), days);
}

int
mk_period_days (const char *start,
                const char *end)
{
  GDate start_date, end_date;
  int days;

  if (!mk_fhir_parse_date (start, &start_date, NULL)
      || !mk_fhir_parse_date (end, &end_date, NULL))
    return -1;

  days = g_date_days_between (&start_date, &end_date);
  return days >= 0 ? days + 1 : -1;
}

/* ---- numbers and lab values --------------------------------------------- */

/* Decimals needed to show @value without losing digits (at most 6). */
static int
count_decimals (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  const char *dot;

  g_ascii_formatd (buffer, sizeof buffer, "%.6f", value);
  dot = strchr (buffer, '.');
  if (dot == NULL)
    return 0;

  for (int decimals = (int) strlen (dot + 1); decimals > 0; decimals--)
    if (dot[decimals] != '0')
      return decimals;

  return 0;
}

static char *
format_fixed (double value,
              int    decimals)
{
  /* printf uses the locale's decimal separator (LC_NUMERIC). */
  return g_strdup_printf ("%.*f", decimals, value);
}

char *
mk_format_number (double value)
{
  return format_fixed (value, count_decimals (value));
}

char *
mk_format_quantity (double      value,
                    const char *unit)
{
  g_autofree char *number = mk_format_number (value);

  if (unit == NULL || *unit == '\0')
    return g_steal_pointer (&number);

  /* Translators: a measured value and its unit, e.g. “5.4 mmol/L” */
  return g_strdup_printf (C_("quantity", "%s %s"), number, unit);
}

char *
mk_format_observation_value (const MkObservation *observation)
{
  g_autofree char *quantity = NULL;

  g_return_val_if_fail (observation != NULL, NULL);

  if (!observation->has_value)
    return g_strdup (observation->value_text != NULL ? observation->value_text : "");

  quantity = mk_format_quantity (observation->value, observation->unit);
  if (observation->comparator != NULL)
    return g_strdup_printf ("%s %s", observation->comparator, quantity);

  return g_steal_pointer (&quantity);
}

char *
mk_format_reference_range (const MkObservation *observation)
{
  g_autofree char *range = NULL;
  const char *unit;

  g_return_val_if_fail (observation != NULL, NULL);

  unit = observation->range_unit != NULL ? observation->range_unit : observation->unit;

  if (observation->has_low && observation->has_high)
    {
      int decimals = MAX (count_decimals (observation->low), count_decimals (observation->high));
      g_autofree char *low = format_fixed (observation->low, decimals);
      g_autofree char *high = format_fixed (observation->high, decimals);

      /* Translators: a reference range from low to high, e.g. “3.5–5.0” */
      range = g_strdup_printf (C_("reference range", "%s–%s"), low, high);
    }
  else if (observation->has_high)
    {
      g_autofree char *high = mk_format_number (observation->high);

      /* Translators: a reference range with only an upper bound, e.g. “< 5.2” */
      range = g_strdup_printf (C_("reference range", "< %s"), high);
    }
  else if (observation->has_low)
    {
      g_autofree char *low = mk_format_number (observation->low);

      /* Translators: a reference range with only a lower bound, e.g. “> 1.0” */
      range = g_strdup_printf (C_("reference range", "> %s"), low);
    }
  else
    return g_strdup (observation->range_text != NULL ? observation->range_text : "");

  if (unit == NULL || *unit == '\0')
    return g_steal_pointer (&range);

  return g_strdup_printf (C_("quantity", "%s %s"), range, unit);
}
