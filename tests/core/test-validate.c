/* test-validate.c — DOMAIN.md §4 validators
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "mk-validate.h"

typedef gboolean (*SimpleValidator) (const char *input, char **normalized, GError **error);

typedef struct
{
  const char *input;
  const char *normalized;   /* NULL: invalid */
  int         code;         /* MkValidateError when invalid */
} Case;

static void
run_cases (SimpleValidator  validator,
           const Case      *cases,
           guint            n_cases)
{
  for (guint i = 0; i < n_cases; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *normalized = NULL;
      gboolean ok;

      g_test_message ("input “%s”", cases[i].input ? cases[i].input : "(null)");
      ok = validator (cases[i].input, &normalized, &error);
      if (cases[i].normalized != NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpstr (normalized, ==, cases[i].normalized);
        }
      else
        {
          g_assert_false (ok);
          g_assert_null (normalized);
          g_assert_error (error, MK_VALIDATE_ERROR, cases[i].code);
          /* A sentence to show the user. */
          g_assert_cmpuint (strlen (error->message), >, 10);
        }
    }
}

static void
test_snils (void)
{
  static const Case cases[] = {
    { "112-233-445 95", "11223344595", 0 },
    { "11223344595", "11223344595", 0 },
    { " 112 233 445 95 ", "11223344595", 0 },
    { "112-233-445 96", NULL, MK_VALIDATE_ERROR_CHECKSUM },
    { "112-233-445 9", NULL, MK_VALIDATE_ERROR_LENGTH },
    { "112-233-445 955", NULL, MK_VALIDATE_ERROR_LENGTH },
    { "112-233-445 9S", NULL, MK_VALIDATE_ERROR_CHARACTERS },
    { "", NULL, MK_VALIDATE_ERROR_EMPTY },
    { "  - ", NULL, MK_VALIDATE_ERROR_EMPTY },
    { NULL, NULL, MK_VALIDATE_ERROR_EMPTY },
    /* S = 100 → control 00 */
    { "001-019-989 00", "00101998900", 0 },
    /* S = 405 → 405 mod 101 = 1 */
    { "999-999-999 01", "99999999901", 0 },
    { "999-999-999 05", NULL, MK_VALIDATE_ERROR_CHECKSUM },
    /* Numbers up to 001-001-998 are not checked… */
    { "001-001-998 42", "00100199842", 0 },
    /* …but the next one is (S = 65). */
    { "001-001-999 42", NULL, MK_VALIDATE_ERROR_CHECKSUM },
    { "001-001-999 65", "00100199965", 0 },
  };

  run_cases (mk_validate_snils, cases, G_N_ELEMENTS (cases));
}

static gboolean
inn_any (const char *input, char **normalized, GError **error)
{
  return mk_validate_inn (input, MK_INN_ANY, normalized, error);
}

static gboolean
inn_person (const char *input, char **normalized, GError **error)
{
  return mk_validate_inn (input, MK_INN_PERSON, normalized, error);
}

static gboolean
inn_organization (const char *input, char **normalized, GError **error)
{
  return mk_validate_inn (input, MK_INN_ORGANIZATION, normalized, error);
}

static void
test_inn (void)
{
  static const Case any[] = {
    { "7707083893", "7707083893", 0 },
    { "500100732259", "500100732259", 0 },
    { " 7707 083893 ", "7707083893", 0 },
    { "7707083894", NULL, MK_VALIDATE_ERROR_CHECKSUM },
    { "500100732258", NULL, MK_VALIDATE_ERROR_CHECKSUM },
    { "500100732269", NULL, MK_VALIDATE_ERROR_CHECKSUM },
    { "77070838", NULL, MK_VALIDATE_ERROR_LENGTH },
    { "77070838931", NULL, MK_VALIDATE_ERROR_LENGTH },
    { "770-708-3893", NULL, MK_VALIDATE_ERROR_CHARACTERS },
    { "", NULL, MK_VALIDATE_ERROR_EMPTY },
  };
  static const Case person[] = {
    { "500100732259", "500100732259", 0 },
    { "7707083893", NULL, MK_VALIDATE_ERROR_LENGTH },
  };
  static const Case organization[] = {
    { "7707083893", "7707083893", 0 },
    { "500100732259", NULL, MK_VALIDATE_ERROR_LENGTH },
  };

  run_cases (inn_any, any, G_N_ELEMENTS (any));
  run_cases (inn_person, person, G_N_ELEMENTS (person));
  run_cases (inn_organization, organization, G_N_ELEMENTS (organization));
}

static void
test_ogrn (void)
{
  static const Case cases[] = {
    { "1027700132195", "1027700132195", 0 },
    { "1027700132194", NULL, MK_VALIDATE_ERROR_CHECKSUM },
    /* ОГРНИП, 15 digits: (first 14 mod 13) mod 10 */
    { "304500116000157", "304500116000157", 0 },
    { "304500116000158", NULL, MK_VALIDATE_ERROR_CHECKSUM },
    { "10277001321", NULL, MK_VALIDATE_ERROR_LENGTH },
    { "10277001321950", NULL, MK_VALIDATE_ERROR_LENGTH },
    { "102770013219O", NULL, MK_VALIDATE_ERROR_CHARACTERS },
    { " ", NULL, MK_VALIDATE_ERROR_EMPTY },
  };

  run_cases (mk_validate_ogrn, cases, G_N_ELEMENTS (cases));
}

static void
test_oms (void)
{
  static const Case cases[] = {
    { "7700000012345678", "7700000012345678", 0 },
    { "7700 0000 1234 5678", "7700000012345678", 0 },
    { "770000001234567", NULL, MK_VALIDATE_ERROR_LENGTH },
    { "77000000123456789", NULL, MK_VALIDATE_ERROR_LENGTH },
    { "7700-0000-1234-567X", NULL, MK_VALIDATE_ERROR_CHARACTERS },
    { "", NULL, MK_VALIDATE_ERROR_EMPTY },
  };

  run_cases (mk_validate_oms, cases, G_N_ELEMENTS (cases));
}

static void
test_passport (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *normalized = NULL;
  g_autofree char *series = NULL;
  g_autofree char *number = NULL;
  static const Case cases[] = {
    { "4508123456", "4508123456", 0 },
    { "45 08 № 123456", "4508123456", 0 },
    { "4508 12345", NULL, MK_VALIDATE_ERROR_LENGTH },
    { "45 08 12345A", NULL, MK_VALIDATE_ERROR_CHARACTERS },
    { "", NULL, MK_VALIDATE_ERROR_EMPTY },
  };

  g_assert_true (mk_validate_passport ("45 08 123456", &normalized, &series, &number, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (normalized, ==, "4508123456");
  g_assert_cmpstr (series, ==, "4508");
  g_assert_cmpstr (number, ==, "123456");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) case_error = NULL;
      g_autofree char *out = NULL;
      gboolean ok = mk_validate_passport (cases[i].input, &out, NULL, NULL, &case_error);

      if (cases[i].normalized != NULL)
        {
          g_assert_true (ok);
          g_assert_cmpstr (out, ==, cases[i].normalized);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (case_error, MK_VALIDATE_ERROR, cases[i].code);
        }
    }
}

static void
test_icd10 (void)
{
  static const Case cases[] = {
    { "J06.9", "J06.9", 0 },
    { "I10", "I10", 0 },
    { "S72.00", "S72.00", 0 },
    { "U07.1", "U07.1", 0 },
    { "  j06.9  ", "J06.9", 0 },
    /* Cyrillic look-alikes: Е (U+0415), А (U+0410), С (U+0441 lower-case) */
    { "Е11.9", "E11.9", 0 },
    { "А09", "A09", 0 },
    { "с34.1", "C34.1", 0 },
    /* dual classification marks */
    { "G01†", "G01", 0 },
    { "A17.0*", "A17.0", 0 },
    { "J06.123", NULL, MK_VALIDATE_ERROR_FORMAT },
    { "06.9", NULL, MK_VALIDATE_ERROR_FORMAT },
    { "J6.9", NULL, MK_VALIDATE_ERROR_FORMAT },
    { "J06.", NULL, MK_VALIDATE_ERROR_FORMAT },
    { "J06,9", NULL, MK_VALIDATE_ERROR_FORMAT },
    /* Ж has no Latin look-alike */
    { "Ж06.9", NULL, MK_VALIDATE_ERROR_FORMAT },
    { "   ", NULL, MK_VALIDATE_ERROR_EMPTY },
    { "*", NULL, MK_VALIDATE_ERROR_EMPTY },
  };

  run_cases (mk_validate_icd10, cases, G_N_ELEMENTS (cases));
}

static void
test_phone (void)
{
  static const Case cases[] = {
    { "+7 (916) 123-45-67", "+79161234567", 0 },
    { "+79161234567", "+79161234567", 0 },
    { "8 916 123 45 67", "+79161234567", 0 },
    { "8(916)1234567", "+79161234567", 0 },
    { "+7 916 123 45 6", NULL, MK_VALIDATE_ERROR_LENGTH },
    { "8 916 123 45 678", NULL, MK_VALIDATE_ERROR_LENGTH },
    { "+1 916 123 45 67", NULL, MK_VALIDATE_ERROR_FORMAT },
    { "9161234567", NULL, MK_VALIDATE_ERROR_FORMAT },
    { "+7 916 ABC 45 67", NULL, MK_VALIDATE_ERROR_CHARACTERS },
    { "", NULL, MK_VALIDATE_ERROR_EMPTY },
  };

  run_cases (mk_validate_phone, cases, G_N_ELEMENTS (cases));
}

static void
test_email_name (void)
{
  static const Case emails[] = {
    { " anna@example.ru ", "anna@example.ru", 0 },
    { "anna.ivanova+med@mail.example.com", "anna.ivanova+med@mail.example.com", 0 },
    { "anna@example", NULL, MK_VALIDATE_ERROR_FORMAT },
    { "@example.ru", NULL, MK_VALIDATE_ERROR_FORMAT },
    { "anna@@example.ru", NULL, MK_VALIDATE_ERROR_FORMAT },
    { "an na@example.ru", NULL, MK_VALIDATE_ERROR_FORMAT },
    { "", NULL, MK_VALIDATE_ERROR_EMPTY },
  };
  static const Case names[] = {
    { "Иванова", "Иванова", 0 },
    { " Салтыков-Щедрин ", "Салтыков-Щедрин", 0 },
    { "Пётр", "Пётр", 0 },
    { "Ivanova", NULL, MK_VALIDATE_ERROR_CHARACTERS },
    { "Иванова1", NULL, MK_VALIDATE_ERROR_CHARACTERS },
    { "Иванова A", NULL, MK_VALIDATE_ERROR_CHARACTERS },
    { " - ", NULL, MK_VALIDATE_ERROR_EMPTY },
  };

  run_cases (mk_validate_email, emails, G_N_ELEMENTS (emails));
  run_cases (mk_validate_person_name, names, G_N_ELEMENTS (names));
}

static void
test_date (void)
{
  static const Case cases[] = {
    { "23.11.2026", "2026-11-23", 0 },
    { "1.2.2024", "2024-02-01", 0 },
    { "29.02.2024", "2024-02-29", 0 },
    { "29.02.2023", NULL, MK_VALIDATE_ERROR_RANGE },
    { "31.04.2024", NULL, MK_VALIDATE_ERROR_RANGE },
    { "00.01.2024", NULL, MK_VALIDATE_ERROR_RANGE },
    { "12.13.2024", NULL, MK_VALIDATE_ERROR_RANGE },
    /* the wire form is not the input form */
    { "2024-02-01", NULL, MK_VALIDATE_ERROR_FORMAT },
    { "23/11/2026", NULL, MK_VALIDATE_ERROR_FORMAT },
    { "23.11.26", NULL, MK_VALIDATE_ERROR_FORMAT },
    { "", NULL, MK_VALIDATE_ERROR_EMPTY },
  };

  run_cases (mk_validate_date, cases, G_N_ELEMENTS (cases));
}

static void
test_birth_date (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Europe/Moscow");
  g_autoptr(GDateTime) now = g_date_time_new (tz, 2026, 11, 23, 10, 0, 0);
  static const Case cases[] = {
    { "14.03.1985", "1985-03-14", 0 },
    { "23.11.2026", "2026-11-23", 0 },
    { "24.11.2026", NULL, MK_VALIDATE_ERROR_RANGE },
    { "23.11.1896", "1896-11-23", 0 },
    { "22.11.1896", NULL, MK_VALIDATE_ERROR_RANGE },
    { "30.02.1990", NULL, MK_VALIDATE_ERROR_RANGE },
    { "1990-02-01", NULL, MK_VALIDATE_ERROR_FORMAT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *iso = NULL;
      gboolean ok = mk_validate_birth_date (cases[i].input, now, &iso, &error);

      g_test_message ("input “%s”", cases[i].input);
      if (cases[i].normalized != NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpstr (iso, ==, cases[i].normalized);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, MK_VALIDATE_ERROR, cases[i].code);
        }
    }
}

static void
test_period (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (mk_validate_period ("2026-01-12", "2026-01-18", &error));
  g_assert_true (mk_validate_period ("2026-01-12", "2026-01-12", &error));
  g_assert_true (mk_validate_period ("2026-01-12", NULL, &error));
  g_assert_true (mk_validate_period (NULL, NULL, &error));
  g_assert_no_error (error);

  g_assert_false (mk_validate_period ("2026-01-12", "2026-01-11", &error));
  g_assert_error (error, MK_VALIDATE_ERROR, MK_VALIDATE_ERROR_RANGE);
  g_clear_error (&error);
  g_assert_false (mk_validate_period ("2026-02-30", NULL, &error));
  g_assert_error (error, MK_VALIDATE_ERROR, MK_VALIDATE_ERROR_FORMAT);
}

static void
test_strip_separators (void)
{
  g_autofree char *digits = mk_validate_strip_separators ("112-233 445 95");
  g_autofree char *bad = mk_validate_strip_separators ("112/233");

  g_assert_cmpstr (digits, ==, "11223344595");
  g_assert_null (bad);
}

static void
test_messages (void)
{
  g_autoptr(GError) error = NULL;

  /* The message names the exact problem. */
  g_assert_false (mk_validate_snils ("112-233-445 96", NULL, &error));
  g_assert_cmpstr (error->message, ==, "The СНИЛС checksum does not match");
  g_clear_error (&error);
  g_assert_false (mk_validate_oms ("123", NULL, &error));
  g_assert_cmpstr (error->message, ==, "The ОМС policy number must have 16 digits");
  g_clear_error (&error);
  g_assert_false (mk_validate_date ("2024-01-01", NULL, &error));
  g_assert_cmpstr (error->message, ==, "Enter the date as DD.MM.YYYY");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/validate/snils", test_snils);
  g_test_add_func ("/validate/inn", test_inn);
  g_test_add_func ("/validate/ogrn", test_ogrn);
  g_test_add_func ("/validate/oms", test_oms);
  g_test_add_func ("/validate/passport", test_passport);
  g_test_add_func ("/validate/icd10", test_icd10);
  g_test_add_func ("/validate/phone", test_phone);
  g_test_add_func ("/validate/email-name", test_email_name);
  g_test_add_func ("/validate/date", test_date);
  g_test_add_func ("/validate/birth-date", test_birth_date);
  g_test_add_func ("/validate/period", test_period);
  g_test_add_func ("/validate/strip-separators", test_strip_separators);
  g_test_add_func ("/validate/messages", test_messages);

  return g_test_run ();
}
