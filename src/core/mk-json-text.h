/* mk-json-text.h — find values in JSON text without re-serializing them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * json-glib re-prints numbers on output (36.6 becomes 36.600000000000001 and
 * the significant zero of 5.30 is lost). The mirror must keep the server's
 * JSON exactly, so the store cuts each resource's text out of the input
 * with these helpers (after json-glib has validated the whole input) and
 * only squeezes out the whitespace between tokens.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  gsize offset;   /* byte offset of the value's first byte */
  gsize length;   /* bytes up to and including its last byte */
} MkJsonSpan;

/* Skips whitespace from *pos and scans one JSON value; on success fills
 * @span, moves *pos past the value and returns TRUE. Returns FALSE on text
 * that is not a well-formed value. */
gboolean  mk_json_text_scan_value   (const char       *text,
                                     gsize             length,
                                     gsize            *pos,
                                     MkJsonSpan       *span);

/* Finds the value of @member (an ASCII name without escapes) directly
 * inside the object at @object. */
gboolean  mk_json_text_find_member  (const char       *text,
                                     const MkJsonSpan *object,
                                     const char       *member,
                                     MkJsonSpan       *value);

/* Appends to @items (an array of MkJsonSpan) the elements of the array at
 * @array, in order. */
gboolean  mk_json_text_array_items  (const char       *text,
                                     const MkJsonSpan *array,
                                     GArray           *items);

/* The value's text with the whitespace between tokens removed; strings and
 * numbers are kept byte for byte. */
char     *mk_json_text_compact      (const char       *text,
                                     const MkJsonSpan *span);

G_END_DECLS
