/* test-format.c — display formatting in the C locale (English sources)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>

#include "mk-format.h"

#define assert_formatted(expr, expected) \
  G_STMT_START { \
    g_autofree char *_s = (expr); \
    g_assert_cmpstr (_s, ==, (expected)); \
  } G_STMT_END

static GDateTime *
moscow (int year, int month, int day, int hour, int minute)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Europe/Moscow");

  return g_date_time_new (tz, year, month, day, hour, minute, 0);
}

static void
test_identifiers (void)
{
  assert_formatted (mk_format_snils ("11223344595"), "112-233-445 95");
  assert_formatted (mk_format_snils ("112-233-445 95"), "112-233-445 95");
  assert_formatted (mk_format_snils ("1122334459"), "1122334459");
  assert_formatted (mk_format_snils ("не указан"), "не указан");
  g_assert_null (mk_format_snils (NULL));

  assert_formatted (mk_format_passport ("4508", "123456"), "45 08 123456");
  assert_formatted (mk_format_passport ("4508123456", NULL), "45 08 123456");
  assert_formatted (mk_format_passport ("IV-МЮ", "123456"), "IV-МЮ 123456");
  assert_formatted (mk_format_passport (NULL, "123"), "123");

  assert_formatted (mk_format_phone ("+79161234567"), "+7 (916) 123-45-67");
  assert_formatted (mk_format_phone ("89161234567"), "+7 (916) 123-45-67");
  assert_formatted (mk_format_phone ("9161234567"), "+7 (916) 123-45-67");
  assert_formatted (mk_format_phone ("+7 916 123-45-67"), "+7 (916) 123-45-67");
  assert_formatted (mk_format_phone ("+44 20 7946 0958"), "+44 20 7946 0958");
  assert_formatted (mk_format_phone ("доб. 123"), "доб. 123");

  assert_formatted (mk_format_oms ("7700000012345678"), "7700 0000 1234 5678");
  assert_formatted (mk_format_oms ("123456789"), "123456789");
}

static void
test_dates (void)
{
  g_autoptr(GDateTime) evening = moscow (2026, 11, 23, 14, 30);
  g_autoptr(GDateTime) early = moscow (2026, 11, 5, 9, 5);

  assert_formatted (mk_format_date (evening), "Nov 23, 2026");
  assert_formatted (mk_format_date (early), "Nov 5, 2026");
  assert_formatted (mk_format_date_time (evening), "Nov 23, 2026, 14:30");
  assert_formatted (mk_format_time (early), "09:05");

  assert_formatted (mk_format_fhir_date ("2026-11-23"), "Nov 23, 2026");
  assert_formatted (mk_format_fhir_date ("2024"), "2024");
  assert_formatted (mk_format_fhir_date ("2024-05"), "May 2024");
  /* An instant is shown in local time (TZ=Europe/Moscow in tests). */
  assert_formatted (mk_format_fhir_date ("2026-11-23T22:30:00Z"), "Nov 24, 2026");
  assert_formatted (mk_format_fhir_date_time ("2026-11-23T07:30:00Z"), "Nov 23, 2026, 10:30");
  assert_formatted (mk_format_fhir_date_time ("2026-11-23"), "Nov 23, 2026");
  assert_formatted (mk_format_fhir_date ("23.11.2026"), "23.11.2026");
  g_assert_null (mk_format_fhir_date (NULL));
}

static void
test_counts (void)
{
  g_autoptr(GDateTime) now = moscow (2026, 3, 13, 12, 0);
  g_autoptr(GDateTime) birthday = moscow (2026, 3, 14, 0, 0);

  assert_formatted (mk_format_age (1), "1 year");
  assert_formatted (mk_format_age (5), "5 years");
  assert_formatted (mk_format_age (21), "21 years");
  assert_formatted (mk_format_days (1), "1 day");
  assert_formatted (mk_format_days (3), "3 days");
  assert_formatted (mk_format_days (0), "0 days");

  g_assert_cmpint (mk_compute_age ("1985-03-14", now), ==, 40);
  g_assert_cmpint (mk_compute_age ("1985-03-14", birthday), ==, 41);
  g_assert_cmpint (mk_compute_age ("2030-01-01", now), ==, -1);
  g_assert_cmpint (mk_compute_age ("вчера", now), ==, -1);

  g_assert_cmpint (mk_period_days ("2026-01-12", "2026-01-18"), ==, 7);
  g_assert_cmpint (mk_period_days ("2026-01-12", "2026-01-12"), ==, 1);
  g_assert_cmpint (mk_period_days ("2024-02-28", "2024-03-01"), ==, 3);
  g_assert_cmpint (mk_period_days ("2026-01-18", "2026-01-12"), ==, -1);

  /* GLib puts a no-break space between the number and the unit. */
  assert_formatted (mk_format_size (182044), "182.0\u00a0kB");
  assert_formatted (mk_format_size (5 * 1024 * 1024), "5.2\u00a0MB");
  assert_formatted (mk_format_size (-1), "");
}

static void
test_lab_values (void)
{
  MkObservation obs = { 0 };

  assert_formatted (mk_format_number (5.4), "5.4");
  assert_formatted (mk_format_number (5.0), "5");
  assert_formatted (mk_format_number (0.125), "0.125");
  assert_formatted (mk_format_quantity (5.4, "mmol/L"), "5.4 mmol/L");
  assert_formatted (mk_format_quantity (120, NULL), "120");

  assert_formatted (mk_format_observation_value (&obs), "");
  assert_formatted (mk_format_reference_range (&obs), "");

  obs.has_value = TRUE;
  obs.value = 5.4;
  obs.unit = (char *) "mmol/L";
  obs.has_low = TRUE;
  obs.low = 3.5;
  obs.has_high = TRUE;
  obs.high = 5.0;
  assert_formatted (mk_format_observation_value (&obs), "5.4 mmol/L");
  assert_formatted (mk_format_reference_range (&obs), "3.5–5.0 mmol/L");

  obs.comparator = (char *) "<";
  obs.value = 0.1;
  assert_formatted (mk_format_observation_value (&obs), "< 0.1 mmol/L");
  obs.comparator = NULL;

  obs.has_low = FALSE;
  obs.high = 5.2;
  assert_formatted (mk_format_reference_range (&obs), "< 5.2 mmol/L");

  obs.unit = NULL;
  obs.has_low = TRUE;
  obs.low = 1.5;
  obs.has_high = FALSE;
  assert_formatted (mk_format_reference_range (&obs), "> 1.5");

  obs.has_low = FALSE;
  obs.range_text = (char *) "отрицательно";
  assert_formatted (mk_format_reference_range (&obs), "отрицательно");

  obs.has_value = FALSE;
  obs.value_text = (char *) "не обнаружено";
  assert_formatted (mk_format_observation_value (&obs), "не обнаружено");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/format/identifiers", test_identifiers);
  g_test_add_func ("/format/dates", test_dates);
  g_test_add_func ("/format/counts", test_counts);
  g_test_add_func ("/format/lab-values", test_lab_values);

  return g_test_run ();
}
