/* mk-validate.h — input validation of Russian identifiers, codes and dates
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DOMAIN.md §4. Every validator takes what the user typed, returns TRUE and
 * fills the normalised form (newly allocated; the out pointer may be NULL),
 * or FALSE with an MK_VALIDATE_ERROR whose message is a translated sentence
 * naming the exact problem (safe to show as is). Pure functions: time-
 * dependent checks take "now" as an argument.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MK_VALIDATE_ERROR (mk_validate_error_quark ())

typedef enum
{
  MK_VALIDATE_ERROR_EMPTY,      /* nothing entered */
  MK_VALIDATE_ERROR_CHARACTERS, /* characters that do not belong (letters in a number, …) */
  MK_VALIDATE_ERROR_LENGTH,     /* wrong number of digits */
  MK_VALIDATE_ERROR_CHECKSUM,   /* control digits do not match */
  MK_VALIDATE_ERROR_FORMAT,     /* does not match the pattern (ICD-10, date layout) */
  MK_VALIDATE_ERROR_RANGE,      /* not a real date, in the future, too old, end before start */
} MkValidateError;

GQuark   mk_validate_error_quark (void);

/* Which ИНН lengths are accepted. */
typedef enum
{
  MK_INN_ANY,            /* 10 or 12 digits */
  MK_INN_ORGANIZATION,   /* 10 digits */
  MK_INN_PERSON,         /* 12 digits */
} MkInnKind;

/* СНИЛС: spaces and hyphens ignored; 11 digits; checksum (numbers
 * ≤ 001-001-998 are not checked). @normalized: 11 digits. */
gboolean mk_validate_snils       (const char  *input,
                                  char       **normalized,
                                  GError     **error);
/* ИНН with its control digit(s). @normalized: digits. */
gboolean mk_validate_inn         (const char  *input,
                                  MkInnKind    kind,
                                  char       **normalized,
                                  GError     **error);
/* ОГРН (13 digits) or ОГРНИП (15 digits) with the control digit. */
gboolean mk_validate_ogrn        (const char  *input,
                                  char       **normalized,
                                  GError     **error);
/* Полис ОМС (единый номер): exactly 16 digits, spaces/hyphens ignored. */
gboolean mk_validate_oms         (const char  *input,
                                  char       **normalized,
                                  GError     **error);
/* Паспорт РФ: series (4 digits) + number (6 digits), spaces/hyphens/№
 * ignored; @normalized: 10 digits; @series/@number split (may be NULL). */
gboolean mk_validate_passport    (const char  *input,
                                  char       **normalized,
                                  char       **series,
                                  char       **number,
                                  GError     **error);
/* МКБ-10: trimmed, uppercased, Cyrillic look-alikes mapped to Latin,
 * a trailing † or * dropped, then ^[A-Z][0-9]{2}(\.[0-9]{1,2})?$.
 * @normalized: "J06.9". (Directory membership is not checked here.) */
gboolean mk_validate_icd10       (const char  *input,
                                  char       **normalized,
                                  GError     **error);
/* Phone: "+7" or a leading "8" and 10 digits; spaces, hyphens, parentheses
 * ignored. @normalized: "+7XXXXXXXXXX". */
gboolean mk_validate_phone       (const char  *input,
                                  char       **normalized,
                                  GError     **error);
/* E-mail: one "@", non-empty local part, a dot in the domain, no spaces. */
gboolean mk_validate_email       (const char  *input,
                                  char       **normalized,
                                  GError     **error);
/* ФИО part: Cyrillic letters (incl. Ё), hyphen and space only. @normalized
 * trimmed. */
gboolean mk_validate_person_name (const char  *input,
                                  char       **normalized,
                                  GError     **error);
/* "ДД.ММ.ГГГГ" → "YYYY-MM-DD"; a real calendar date. */
gboolean mk_validate_date        (const char  *input,
                                  char       **iso,
                                  GError     **error);
/* As mk_validate_date(), and not after the day of @now nor more than
 * 130 years before it. */
gboolean mk_validate_birth_date  (const char  *input,
                                  GDateTime   *now,
                                  char       **iso,
                                  GError     **error);
/* Two ISO dates ("YYYY-MM-DD"); end ≥ start (either may be NULL = open). */
gboolean mk_validate_period      (const char  *start_iso,
                                  const char  *end_iso,
                                  GError     **error);

/* Digits of @input with spaces and hyphens removed, or NULL when anything
 * else is there (helper for masks). */
char    *mk_validate_strip_separators (const char *input);

G_END_DECLS
