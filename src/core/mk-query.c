/* mk-query.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mk-query.h"

struct _MkQuery
{
  gatomicrefcount  ref_count;
  GPtrArray       *types;      /* char*, NULL-terminated */
  GPtrArray       *kinds;
  GPtrArray       *statuses;
  char            *code;
  char            *subject;
  char            *date_from;
  char            *date_to;
  char            *text;
  MkQuerySort      sort;
};

G_DEFINE_BOXED_TYPE (MkQuery, mk_query, mk_query_ref, mk_query_unref)

static GPtrArray *
string_array_new (void)
{
  GPtrArray *array = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (array, NULL);
  return array;
}

static GPtrArray *
string_array_copy (GPtrArray *src)
{
  GPtrArray *array = string_array_new ();

  for (guint i = 0; i + 1 < src->len; i++)
    g_ptr_array_insert (array, array->len - 1, g_strdup (g_ptr_array_index (src, i)));
  return array;
}

static void
string_array_add (GPtrArray  *array,
                  const char *value)
{
  for (guint i = 0; i + 1 < array->len; i++)
    if (g_strcmp0 (g_ptr_array_index (array, i), value) == 0)
      return;

  g_ptr_array_insert (array, array->len - 1, g_strdup (value));
}

static char *
dup_or_null (const char *value)
{
  return value != NULL && *value != '\0' ? g_strdup (value) : NULL;
}

MkQuery *
mk_query_new (void)
{
  MkQuery *self = g_new0 (MkQuery, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->types = string_array_new ();
  self->kinds = string_array_new ();
  self->statuses = string_array_new ();
  self->sort = MK_QUERY_SORT_DATE_DESC;
  return self;
}

MkQuery *
mk_query_ref (MkQuery *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
mk_query_unref (MkQuery *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_ptr_array_unref (self->types);
  g_ptr_array_unref (self->kinds);
  g_ptr_array_unref (self->statuses);
  g_free (self->code);
  g_free (self->subject);
  g_free (self->date_from);
  g_free (self->date_to);
  g_free (self->text);
  g_free (self);
}

MkQuery *
mk_query_copy (const MkQuery *self)
{
  MkQuery *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (MkQuery, 1);
  g_atomic_ref_count_init (&copy->ref_count);
  copy->types = string_array_copy (self->types);
  copy->kinds = string_array_copy (self->kinds);
  copy->statuses = string_array_copy (self->statuses);
  copy->code = g_strdup (self->code);
  copy->subject = g_strdup (self->subject);
  copy->date_from = g_strdup (self->date_from);
  copy->date_to = g_strdup (self->date_to);
  copy->text = g_strdup (self->text);
  copy->sort = self->sort;
  return copy;
}

void
mk_query_add_type (MkQuery    *self,
                   const char *resource_type)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (resource_type != NULL);

  string_array_add (self->types, resource_type);
}

void
mk_query_add_kind (MkQuery    *self,
                   const char *kind)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (kind != NULL);

  string_array_add (self->kinds, kind);
}

void
mk_query_add_status (MkQuery    *self,
                     const char *status)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (status != NULL);

  string_array_add (self->statuses, status);
}

void
mk_query_set_code (MkQuery    *self,
                   const char *code)
{
  g_return_if_fail (self != NULL);

  g_free (self->code);
  self->code = dup_or_null (code);
}

void
mk_query_set_subject (MkQuery    *self,
                      const char *reference)
{
  g_return_if_fail (self != NULL);

  g_free (self->subject);
  self->subject = dup_or_null (reference);
}

void
mk_query_set_date_range (MkQuery    *self,
                         const char *from,
                         const char *to)
{
  g_return_if_fail (self != NULL);

  g_free (self->date_from);
  g_free (self->date_to);
  self->date_from = dup_or_null (from);
  self->date_to = dup_or_null (to);
}

void
mk_query_set_text (MkQuery    *self,
                   const char *text)
{
  g_autofree char *stripped = NULL;

  g_return_if_fail (self != NULL);

  g_clear_pointer (&self->text, g_free);
  if (text == NULL)
    return;

  stripped = g_strstrip (g_strdup (text));
  self->text = dup_or_null (stripped);
}

void
mk_query_set_sort (MkQuery     *self,
                   MkQuerySort  sort)
{
  g_return_if_fail (self != NULL);

  self->sort = sort;
}

const char * const *
mk_query_get_types (const MkQuery *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *) self->types->pdata;
}

const char * const *
mk_query_get_kinds (const MkQuery *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *) self->kinds->pdata;
}

const char * const *
mk_query_get_statuses (const MkQuery *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *) self->statuses->pdata;
}

const char *
mk_query_get_code (const MkQuery *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->code;
}

const char *
mk_query_get_subject (const MkQuery *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->subject;
}

const char *
mk_query_get_date_from (const MkQuery *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->date_from;
}

const char *
mk_query_get_date_to (const MkQuery *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->date_to;
}

const char *
mk_query_get_text (const MkQuery *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->text;
}

MkQuerySort
mk_query_get_sort (const MkQuery *self)
{
  g_return_val_if_fail (self != NULL, MK_QUERY_SORT_DATE_DESC);

  return self->sort;
}
