/* mk-json-text.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "mk-json-text.h"

#define MAX_DEPTH 512

static inline gboolean
is_ws (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static gsize
skip_ws (const char *text,
         gsize       length,
         gsize       pos)
{
  while (pos < length && is_ws (text[pos]))
    pos++;
  return pos;
}

/* At an opening quote; returns the position after the closing quote, or 0. */
static gsize
skip_string (const char *text,
             gsize       length,
             gsize       pos)
{
  for (pos++; pos < length; pos++)
    {
      if (text[pos] == '\\')
        pos++;
      else if (text[pos] == '"')
        return pos + 1;
    }
  return 0;
}

static gsize
skip_value (const char *text,
            gsize       length,
            gsize       pos,
            guint       depth)
{
  char open;

  if (pos >= length || depth > MAX_DEPTH)
    return 0;

  open = text[pos];
  if (open == '"')
    return skip_string (text, length, pos);

  if (open == '{' || open == '[')
    {
      char close = open == '{' ? '}' : ']';

      pos = skip_ws (text, length, pos + 1);
      if (pos < length && text[pos] == close)
        return pos + 1;

      for (;;)
        {
          if (open == '{')
            {
              if (pos >= length || text[pos] != '"')
                return 0;
              pos = skip_string (text, length, pos);
              if (pos == 0)
                return 0;
              pos = skip_ws (text, length, pos);
              if (pos >= length || text[pos] != ':')
                return 0;
              pos = skip_ws (text, length, pos + 1);
            }

          pos = skip_value (text, length, pos, depth + 1);
          if (pos == 0)
            return 0;
          pos = skip_ws (text, length, pos);
          if (pos >= length)
            return 0;
          if (text[pos] == close)
            return pos + 1;
          if (text[pos] != ',')
            return 0;
          pos = skip_ws (text, length, pos + 1);
        }
    }

  /* A number or a literal: runs up to the next delimiter. */
  {
    gsize start = pos;

    while (pos < length && !is_ws (text[pos]) && strchr (",:]}[{\"", text[pos]) == NULL)
      pos++;
    return pos > start ? pos : 0;
  }
}

gboolean
mk_json_text_scan_value (const char *text,
                         gsize       length,
                         gsize      *pos,
                         MkJsonSpan *span)
{
  gsize start, end;

  g_return_val_if_fail (text != NULL && pos != NULL && span != NULL, FALSE);

  start = skip_ws (text, length, *pos);
  end = skip_value (text, length, start, 0);
  if (end == 0)
    return FALSE;

  span->offset = start;
  span->length = end - start;
  *pos = end;
  return TRUE;
}

/* Calls @func for each element (arrays) or each name/value (objects). */
typedef gboolean (*ItemFunc) (const char       *text,
                              const MkJsonSpan *name,
                              const MkJsonSpan *value,
                              gpointer          user_data);

static gboolean
foreach_item (const char       *text,
              const MkJsonSpan *container,
              ItemFunc          func,
              gpointer          user_data)
{
  gsize end = container->offset + container->length;
  gsize pos;
  gboolean is_object;

  if (container->length < 2)
    return FALSE;
  is_object = text[container->offset] == '{';
  if (!is_object && text[container->offset] != '[')
    return FALSE;

  pos = skip_ws (text, end, container->offset + 1);
  if (pos < end && (text[pos] == '}' || text[pos] == ']'))
    return TRUE;

  while (pos < end)
    {
      MkJsonSpan name = { 0, 0 };
      MkJsonSpan value;

      if (is_object)
        {
          if (!mk_json_text_scan_value (text, end, &pos, &name) || text[name.offset] != '"')
            return FALSE;
          pos = skip_ws (text, end, pos);
          if (pos >= end || text[pos] != ':')
            return FALSE;
          pos++;
        }

      if (!mk_json_text_scan_value (text, end, &pos, &value))
        return FALSE;
      if (!func (text, is_object ? &name : NULL, &value, user_data))
        return TRUE;   /* stopped early by the callback */

      pos = skip_ws (text, end, pos);
      if (pos < end && text[pos] == ',')
        pos++;
      else
        break;
    }

  return TRUE;
}

typedef struct
{
  const char *member;
  gsize       member_len;
  MkJsonSpan *value;
  gboolean    found;
} FindMember;

static gboolean
find_member_cb (const char       *text,
                const MkJsonSpan *name,
                const MkJsonSpan *value,
                gpointer          user_data)
{
  FindMember *find = user_data;

  if (name->length == find->member_len + 2 &&
      memcmp (text + name->offset + 1, find->member, find->member_len) == 0)
    {
      *find->value = *value;
      find->found = TRUE;
      return FALSE;
    }
  return TRUE;
}

gboolean
mk_json_text_find_member (const char       *text,
                          const MkJsonSpan *object,
                          const char       *member,
                          MkJsonSpan       *value)
{
  FindMember find = { member, strlen (member), value, FALSE };

  g_return_val_if_fail (text != NULL && object != NULL && member != NULL, FALSE);

  if (object->length == 0 || text[object->offset] != '{')
    return FALSE;
  if (!foreach_item (text, object, find_member_cb, &find))
    return FALSE;
  return find.found;
}

static gboolean
append_item_cb (const char       *text,
                const MkJsonSpan *name,
                const MkJsonSpan *value,
                gpointer          user_data)
{
  g_array_append_val ((GArray *) user_data, *value);
  return TRUE;
}

gboolean
mk_json_text_array_items (const char       *text,
                          const MkJsonSpan *array,
                          GArray           *items)
{
  g_return_val_if_fail (text != NULL && array != NULL && items != NULL, FALSE);

  if (array->length == 0 || text[array->offset] != '[')
    return FALSE;
  return foreach_item (text, array, append_item_cb, items);
}

char *
mk_json_text_compact (const char       *text,
                      const MkJsonSpan *span)
{
  const char *p = text + span->offset;
  const char *end = p + span->length;
  GString *out = g_string_sized_new (span->length);

  while (p < end)
    {
      if (*p == '"')
        {
          const char *start = p;

          for (p++; p < end && *p != '"'; p++)
            if (*p == '\\')
              p++;
          p = MIN (p + 1, end);
          g_string_append_len (out, start, p - start);
        }
      else if (is_ws (*p))
        p++;
      else
        g_string_append_c (out, *p++);
    }

  return g_string_free (out, FALSE);
}
