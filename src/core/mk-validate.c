/* mk-validate.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gi18n.h>

#include "mk-validate.h"

G_DEFINE_QUARK (mk-validate-error-quark, mk_validate_error)

typedef enum
{
  DIGITS_OK,
  DIGITS_EMPTY,
  DIGITS_BAD_CHARACTER,
} DigitsResult;

/* Collects the ASCII digits of @input, skipping whitespace and the
 * characters in @separators (UTF-8 allowed). */
static DigitsResult
collect_digits (const char  *input,
                const char  *separators,
                char       **digits)
{
  GString *result = g_string_new (NULL);
  gboolean any = FALSE;

  *digits = NULL;
  if (input == NULL || !g_utf8_validate (input, -1, NULL))
    {
      g_string_free (result, TRUE);
      return input == NULL ? DIGITS_EMPTY : DIGITS_BAD_CHARACTER;
    }

  for (const char *p = input; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || c == 0x00A0)
        continue;
      any = TRUE;
      if (c >= '0' && c <= '9')
        g_string_append_c (result, (char) c);
      else if (separators == NULL || g_utf8_strchr (separators, -1, c) == NULL)
        {
          g_string_free (result, TRUE);
          return DIGITS_BAD_CHARACTER;
        }
    }

  /* Only separators is as good as nothing. */
  if (!any || result->len == 0)
    {
      g_string_free (result, TRUE);
      return DIGITS_EMPTY;
    }

  *digits = g_string_free (result, FALSE);
  return DIGITS_OK;
}

char *
mk_validate_strip_separators (const char *input)
{
  char *digits = NULL;

  if (collect_digits (input, "-", &digits) != DIGITS_OK)
    return NULL;

  return digits;
}

static int
digit (const char *digits,
       guint       index_)
{
  return digits[index_] - '0';
}

static gboolean
set_error (GError          **error,
           MkValidateError   code,
           const char       *message)
{
  g_set_error_literal (error, MK_VALIDATE_ERROR, code, message);
  return FALSE;
}

static void
take_output (char **out,
             char  *value)
{
  if (out != NULL)
    *out = value;
  else
    g_free (value);
}

/* ---- СНИЛС -------------------------------------------------------------- */

gboolean
mk_validate_snils (const char  *input,
                   char       **normalized,
                   GError     **error)
{
  g_autofree char *digits = NULL;
  gint64 number = 0;
  int sum = 0;

  switch (collect_digits (input, "-", &digits))
    {
    case DIGITS_EMPTY:
      return set_error (error, MK_VALIDATE_ERROR_EMPTY, _("Enter the СНИЛС"));
    case DIGITS_BAD_CHARACTER:
      return set_error (error, MK_VALIDATE_ERROR_CHARACTERS,
                        _("The СНИЛС may contain only digits, spaces and hyphens"));
    case DIGITS_OK:
    default:
      break;
    }

  if (strlen (digits) != 11)
    return set_error (error, MK_VALIDATE_ERROR_LENGTH, _("The СНИЛС must have 11 digits"));

  for (guint i = 0; i < 9; i++)
    {
      number = number * 10 + digit (digits, i);
      sum += digit (digits, i) * (9 - i);
    }

  /* Numbers up to 001-001-998 were issued before the checksum existed. */
  if (number > 1001998
      && (sum % 101) % 100 != digit (digits, 9) * 10 + digit (digits, 10))
    return set_error (error, MK_VALIDATE_ERROR_CHECKSUM, _("The СНИЛС checksum does not match"));

  take_output (normalized, g_steal_pointer (&digits));
  return TRUE;
}

/* ---- ИНН ---------------------------------------------------------------- */

static int
inn_control (const char *digits,
             const int  *weights,
             guint       n_weights)
{
  int sum = 0;

  for (guint i = 0; i < n_weights; i++)
    sum += digit (digits, i) * weights[i];

  return (sum % 11) % 10;
}

gboolean
mk_validate_inn (const char  *input,
                 MkInnKind    kind,
                 char       **normalized,
                 GError     **error)
{
  static const int w10[] = { 2, 4, 10, 3, 5, 9, 4, 6, 8 };
  static const int w11[] = { 7, 2, 4, 10, 3, 5, 9, 4, 6, 8 };
  static const int w12[] = { 3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8 };
  g_autofree char *digits = NULL;
  gsize len;

  switch (collect_digits (input, NULL, &digits))
    {
    case DIGITS_EMPTY:
      return set_error (error, MK_VALIDATE_ERROR_EMPTY, _("Enter the ИНН"));
    case DIGITS_BAD_CHARACTER:
      return set_error (error, MK_VALIDATE_ERROR_CHARACTERS, _("The ИНН may contain only digits"));
    case DIGITS_OK:
    default:
      break;
    }

  len = strlen (digits);
  if (kind == MK_INN_PERSON && len != 12)
    return set_error (error, MK_VALIDATE_ERROR_LENGTH, _("A personal ИНН must have 12 digits"));
  if (kind == MK_INN_ORGANIZATION && len != 10)
    return set_error (error, MK_VALIDATE_ERROR_LENGTH, _("An organization’s ИНН must have 10 digits"));
  if (len != 10 && len != 12)
    return set_error (error, MK_VALIDATE_ERROR_LENGTH, _("The ИНН must have 10 or 12 digits"));

  if ((len == 10 && inn_control (digits, w10, G_N_ELEMENTS (w10)) != digit (digits, 9))
      || (len == 12 && (inn_control (digits, w11, G_N_ELEMENTS (w11)) != digit (digits, 10)
                        || inn_control (digits, w12, G_N_ELEMENTS (w12)) != digit (digits, 11))))
    return set_error (error, MK_VALIDATE_ERROR_CHECKSUM, _("The ИНН check digits do not match"));

  take_output (normalized, g_steal_pointer (&digits));
  return TRUE;
}

/* ---- ОГРН --------------------------------------------------------------- */

gboolean
mk_validate_ogrn (const char  *input,
                  char       **normalized,
                  GError     **error)
{
  g_autofree char *digits = NULL;
  guint64 number = 0;
  gsize len;

  switch (collect_digits (input, NULL, &digits))
    {
    case DIGITS_EMPTY:
      return set_error (error, MK_VALIDATE_ERROR_EMPTY, _("Enter the ОГРН"));
    case DIGITS_BAD_CHARACTER:
      return set_error (error, MK_VALIDATE_ERROR_CHARACTERS, _("The ОГРН may contain only digits"));
    case DIGITS_OK:
    default:
      break;
    }

  len = strlen (digits);
  if (len != 13 && len != 15)
    return set_error (error, MK_VALIDATE_ERROR_LENGTH,
                      _("The ОГРН must have 13 digits (ОГРНИП: 15 digits)"));

  for (guint i = 0; i < len - 1; i++)
    number = number * 10 + (guint64) digit (digits, i);

  if ((int) ((number % (len == 13 ? 11 : 13)) % 10) != digit (digits, len - 1))
    return set_error (error, MK_VALIDATE_ERROR_CHECKSUM, _("The ОГРН check digit does not match"));

  take_output (normalized, g_steal_pointer (&digits));
  return TRUE;
}

/* ---- Полис ОМС ---------------------------------------------------------- */

gboolean
mk_validate_oms (const char  *input,
                 char       **normalized,
                 GError     **error)
{
  g_autofree char *digits = NULL;

  switch (collect_digits (input, "-", &digits))
    {
    case DIGITS_EMPTY:
      return set_error (error, MK_VALIDATE_ERROR_EMPTY, _("Enter the ОМС policy number"));
    case DIGITS_BAD_CHARACTER:
      return set_error (error, MK_VALIDATE_ERROR_CHARACTERS,
                        _("The ОМС policy number may contain only digits"));
    case DIGITS_OK:
    default:
      break;
    }

  if (strlen (digits) != 16)
    return set_error (error, MK_VALIDATE_ERROR_LENGTH, _("The ОМС policy number must have 16 digits"));

  take_output (normalized, g_steal_pointer (&digits));
  return TRUE;
}

/* ---- Паспорт ------------------------------------------------------------ */

gboolean
mk_validate_passport (const char  *input,
                      char       **normalized,
                      char       **series,
                      char       **number,
                      GError     **error)
{
  g_autofree char *digits = NULL;

  switch (collect_digits (input, "-№", &digits))
    {
    case DIGITS_EMPTY:
      return set_error (error, MK_VALIDATE_ERROR_EMPTY, _("Enter the passport series and number"));
    case DIGITS_BAD_CHARACTER:
      return set_error (error, MK_VALIDATE_ERROR_CHARACTERS,
                        _("The passport series and number may contain only digits"));
    case DIGITS_OK:
    default:
      break;
    }

  if (strlen (digits) != 10)
    return set_error (error, MK_VALIDATE_ERROR_LENGTH,
                      _("The passport needs a 4-digit series and a 6-digit number"));

  if (series != NULL)
    *series = g_strndup (digits, 4);
  if (number != NULL)
    *number = g_strdup (digits + 4);
  take_output (normalized, g_steal_pointer (&digits));
  return TRUE;
}

/* ---- МКБ-10 ------------------------------------------------------------- */

gboolean
mk_validate_icd10 (const char  *input,
                   char       **normalized,
                   GError     **error)
{
  /* Cyrillic capitals that look like Latin ones. */
  static const struct { gunichar cyrillic; char latin; } look_alikes[] = {
    { 0x0410, 'A' }, { 0x0412, 'B' }, { 0x0415, 'E' }, { 0x041A, 'K' },
    { 0x041C, 'M' }, { 0x041D, 'H' }, { 0x041E, 'O' }, { 0x0420, 'P' },
    { 0x0421, 'C' }, { 0x0422, 'T' }, { 0x0425, 'X' },
  };
  g_autofree char *stripped = NULL;
  g_autofree char *upper = NULL;
  GString *code;
  gsize len;

  if (input == NULL || !g_utf8_validate (input, -1, NULL))
    return set_error (error, MK_VALIDATE_ERROR_EMPTY, _("Enter the МКБ-10 code"));

  stripped = g_strstrip (g_strdup (input));
  upper = g_utf8_strup (stripped, -1);

  /* Drop a trailing dagger (†) or asterisk (*) of the dual classification. */
  len = strlen (upper);
  if (len >= 3 && g_str_has_suffix (upper, "†"))
    upper[len - strlen ("†")] = '\0';
  else if (len >= 1 && upper[len - 1] == '*')
    upper[len - 1] = '\0';
  g_strchomp (upper);

  if (*upper == '\0')
    return set_error (error, MK_VALIDATE_ERROR_EMPTY, _("Enter the МКБ-10 code"));

  code = g_string_new (NULL);
  for (const char *p = upper; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gboolean mapped = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (look_alikes); i++)
        if (look_alikes[i].cyrillic == c)
          {
            g_string_append_c (code, look_alikes[i].latin);
            mapped = TRUE;
            break;
          }
      if (!mapped)
        g_string_append_unichar (code, c);
    }

  if (!g_regex_match_simple ("^[A-Z][0-9]{2}(\\.[0-9]{1,2})?$", code->str, 0, 0))
    {
      g_string_free (code, TRUE);
      return set_error (error, MK_VALIDATE_ERROR_FORMAT,
                        /* Translators: keep the examples of МКБ-10 codes as they are */
                        _("The МКБ-10 code must be a letter and two digits, optionally a dot and one or two more digits (e.g. J06.9)"));
    }

  take_output (normalized, g_string_free (code, FALSE));
  return TRUE;
}

/* ---- Phone -------------------------------------------------------------- */

gboolean
mk_validate_phone (const char  *input,
                   char       **normalized,
                   GError     **error)
{
  g_autofree char *stripped = NULL;
  g_autofree char *digits = NULL;
  const char *rest;
  gboolean plus;

  if (input == NULL)
    return set_error (error, MK_VALIDATE_ERROR_EMPTY, _("Enter the phone number"));

  stripped = g_strstrip (g_strdup (input));
  plus = stripped[0] == '+';
  rest = plus ? stripped + 1 : stripped;

  switch (collect_digits (rest, "-()", &digits))
    {
    case DIGITS_EMPTY:
      return set_error (error, MK_VALIDATE_ERROR_EMPTY, _("Enter the phone number"));
    case DIGITS_BAD_CHARACTER:
      return set_error (error, MK_VALIDATE_ERROR_CHARACTERS,
                        _("The phone number may contain only digits, spaces, hyphens and parentheses"));
    case DIGITS_OK:
    default:
      break;
    }

  if ((plus && digits[0] != '7') || (!plus && digits[0] != '8'))
    return set_error (error, MK_VALIDATE_ERROR_FORMAT,
                      _("The phone number must start with +7 or 8"));

  if (strlen (digits) != 11)
    return set_error (error, MK_VALIDATE_ERROR_LENGTH,
                      _("The phone number must have 10 digits after +7 or 8"));

  take_output (normalized, g_strconcat ("+7", digits + 1, NULL));
  return TRUE;
}

/* ---- E-mail ------------------------------------------------------------- */

gboolean
mk_validate_email (const char  *input,
                   char       **normalized,
                   GError     **error)
{
  g_autofree char *stripped = NULL;
  const char *at;
  const char *dot;

  if (input == NULL || *(stripped = g_strstrip (g_strdup (input))) == '\0')
    return set_error (error, MK_VALIDATE_ERROR_EMPTY, _("Enter the e-mail address"));

  at = strchr (stripped, '@');
  dot = at != NULL ? strrchr (at, '.') : NULL;
  if (strpbrk (stripped, " \t\n") != NULL
      || at == NULL || at == stripped || strchr (at + 1, '@') != NULL
      || dot == NULL || dot == at + 1 || dot[1] == '\0')
    return set_error (error, MK_VALIDATE_ERROR_FORMAT,
                      _("The e-mail address must look like name@example.ru"));

  take_output (normalized, g_steal_pointer (&stripped));
  return TRUE;
}

/* ---- Names -------------------------------------------------------------- */

gboolean
mk_validate_person_name (const char  *input,
                         char       **normalized,
                         GError     **error)
{
  g_autofree char *stripped = NULL;
  gboolean letters = FALSE;

  if (input == NULL || !g_utf8_validate (input, -1, NULL)
      || *(stripped = g_strstrip (g_strdup (input))) == '\0')
    return set_error (error, MK_VALIDATE_ERROR_EMPTY, _("Enter the name"));

  for (const char *p = stripped; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if ((c >= 0x0410 && c <= 0x044F) || c == 0x0401 || c == 0x0451)
        letters = TRUE;
      else if (c != '-' && c != ' ')
        return set_error (error, MK_VALIDATE_ERROR_CHARACTERS,
                          _("The name may contain only Cyrillic letters, hyphens and spaces"));
    }

  if (!letters)
    return set_error (error, MK_VALIDATE_ERROR_EMPTY, _("Enter the name"));

  take_output (normalized, g_steal_pointer (&stripped));
  return TRUE;
}

/* ---- Dates -------------------------------------------------------------- */

static gboolean
parse_ru_date (const char  *input,
               GDate       *date,
               GError     **error)
{
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GRegex) regex = NULL;
  g_autofree char *stripped = NULL;
  int day, month, year;

  if (input == NULL || *(stripped = g_strstrip (g_strdup (input))) == '\0')
    return set_error (error, MK_VALIDATE_ERROR_EMPTY, _("Enter the date"));

  regex = g_regex_new ("^([0-9]{1,2})\\.([0-9]{1,2})\\.([0-9]{4})$", 0, 0, NULL);
  if (!g_regex_match (regex, stripped, 0, &match))
    return set_error (error, MK_VALIDATE_ERROR_FORMAT,
                      /* Translators: the date layout users type; the Russian
                       * translation is «Введите дату в формате ДД.ММ.ГГГГ» */
                      _("Enter the date as DD.MM.YYYY"));

  {
    g_autofree char *d = g_match_info_fetch (match, 1);
    g_autofree char *m = g_match_info_fetch (match, 2);
    g_autofree char *y = g_match_info_fetch (match, 3);

    day = atoi (d);
    month = atoi (m);
    year = atoi (y);
  }

  if (year < 1 || month < 1 || month > 12 || day < 1
      || !g_date_valid_dmy (day, month, year))
    return set_error (error, MK_VALIDATE_ERROR_RANGE, _("There is no such date in the calendar"));

  g_date_clear (date, 1);
  g_date_set_dmy (date, day, month, year);
  return TRUE;
}

static char *
date_to_iso (const GDate *date)
{
  return g_strdup_printf ("%04u-%02u-%02u",
                          (guint) g_date_get_year (date),
                          (guint) g_date_get_month (date),
                          (guint) g_date_get_day (date));
}

gboolean
mk_validate_date (const char  *input,
                  char       **iso,
                  GError     **error)
{
  GDate date;

  if (!parse_ru_date (input, &date, error))
    return FALSE;

  take_output (iso, date_to_iso (&date));
  return TRUE;
}

gboolean
mk_validate_birth_date (const char  *input,
                        GDateTime   *now,
                        char       **iso,
                        GError     **error)
{
  GDate date;
  GDate today;
  GDate oldest;

  g_return_val_if_fail (now != NULL, FALSE);

  if (!parse_ru_date (input, &date, error))
    return FALSE;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today,
                  g_date_time_get_day_of_month (now),
                  g_date_time_get_month (now),
                  g_date_time_get_year (now));
  oldest = today;
  g_date_subtract_years (&oldest, 130);

  if (g_date_compare (&date, &today) > 0)
    return set_error (error, MK_VALIDATE_ERROR_RANGE, _("The birth date is in the future"));
  if (g_date_compare (&date, &oldest) < 0)
    return set_error (error, MK_VALIDATE_ERROR_RANGE,
                      _("The birth date is more than 130 years ago"));

  take_output (iso, date_to_iso (&date));
  return TRUE;
}

static gboolean
parse_iso_date (const char *iso,
                GDate      *date)
{
  int year, month, day;

  if (iso == NULL || strlen (iso) != 10 || iso[4] != '-' || iso[7] != '-')
    return FALSE;
  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (iso[i]))
      return FALSE;

  year = atoi (iso);
  month = atoi (iso + 5);
  day = atoi (iso + 8);
  if (!g_date_valid_dmy (day, month, year))
    return FALSE;

  g_date_clear (date, 1);
  g_date_set_dmy (date, day, month, year);
  return TRUE;
}

gboolean
mk_validate_period (const char  *start_iso,
                    const char  *end_iso,
                    GError     **error)
{
  GDate start, end;

  if ((start_iso != NULL && !parse_iso_date (start_iso, &start))
      || (end_iso != NULL && !parse_iso_date (end_iso, &end)))
    return set_error (error, MK_VALIDATE_ERROR_FORMAT, _("There is no such date in the calendar"));

  if (start_iso != NULL && end_iso != NULL && g_date_compare (&end, &start) < 0)
    return set_error (error, MK_VALIDATE_ERROR_RANGE, _("The end date is before the start date"));

  return TRUE;
}
