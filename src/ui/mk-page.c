/* mk-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the five views share: the store they show and the clock they ask
 * for now. A subclass chains up in constructed() first; from then on the
 * clock is never NULL.
 */
#include "config.h"

#include "mk-page.h"

typedef struct
{
  MkStore *store;
  MkClock *clock;
} MkPagePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (MkPage, mk_page, ADW_TYPE_BIN)

/* Which Patient is the card's, remembered on the store object: every view
 * scopes its queries to it, and without store meta "patient" the answer is
 * a sorted query over every Patient in the mirror (a doctor's holds a
 * clinic). Valid while the store's meta "patient" is the same and until the
 * store's next ::changed; the handler that forgets it is connected when the
 * first page of a store is constructed, before any page connects its own,
 * so a page reloading on ::changed never sees an answer from before. */
typedef struct
{
  gboolean  valid;
  char     *meta;        /* the meta "patient" it was computed for, or NULL */
  char     *reference;   /* "Patient/<id>", or "" when there is none */
} PatientCache;

static void
patient_cache_clear (PatientCache *cache)
{
  cache->valid = FALSE;
  g_clear_pointer (&cache->meta, g_free);
  g_clear_pointer (&cache->reference, g_free);
}

static void
patient_cache_free (gpointer data)
{
  patient_cache_clear (data);
  g_free (data);
}

static PatientCache *
patient_cache_get (MkStore *store)
{
  static GQuark quark;
  PatientCache *cache;

  if (quark == 0)
    quark = g_quark_from_static_string ("mk-page-patient-cache");

  cache = g_object_get_qdata (G_OBJECT (store), quark);
  if (cache == NULL)
    {
      cache = g_new0 (PatientCache, 1);
      g_object_set_qdata_full (G_OBJECT (store), quark, cache, patient_cache_free);
      g_signal_connect_swapped (store, "changed", G_CALLBACK (patient_cache_clear), cache);
    }

  return cache;
}

enum { PROP_0, PROP_STORE, PROP_CLOCK, N_PROPS };
static GParamSpec *properties [N_PROPS];

static void
mk_page_constructed (GObject *object)
{
  MkPage *self = MK_PAGE (object);
  MkPagePrivate *priv = mk_page_get_instance_private (self);

  G_OBJECT_CLASS (mk_page_parent_class)->constructed (object);

  if (priv->clock == NULL)
    priv->clock = g_object_ref (mk_clock_get_default ());

  /* Before the subclass connects its own ::changed handlers. */
  if (priv->store != NULL)
    (void) patient_cache_get (priv->store);
}

static void
mk_page_dispose (GObject *object)
{
  MkPage *self = MK_PAGE (object);
  MkPagePrivate *priv = mk_page_get_instance_private (self);

  g_clear_object (&priv->store);
  g_clear_object (&priv->clock);

  G_OBJECT_CLASS (mk_page_parent_class)->dispose (object);
}

static void
mk_page_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  MkPage *self = MK_PAGE (object);
  MkPagePrivate *priv = mk_page_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, priv->store);
      break;
    case PROP_CLOCK:
      g_value_set_object (value, priv->clock);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mk_page_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  MkPage *self = MK_PAGE (object);
  MkPagePrivate *priv = mk_page_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_STORE:
      priv->store = g_value_dup_object (value);
      break;
    case PROP_CLOCK:
      priv->clock = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mk_page_class_init (MkPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = mk_page_constructed;
  object_class->dispose = mk_page_dispose;
  object_class->get_property = mk_page_get_property;
  object_class->set_property = mk_page_set_property;

  properties [PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, MK_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties [PROP_CLOCK] =
    g_param_spec_object ("clock", NULL, NULL, MK_TYPE_CLOCK,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mk_page_init (MkPage *self)
{
}

/* The store the page shows; NULL when there is no card. */
MkStore *
mk_page_get_store (MkPage *self)
{
  MkPagePrivate *priv;

  g_return_val_if_fail (MK_IS_PAGE (self), NULL);

  priv = mk_page_get_instance_private (self);
  return priv->store;
}

/* The clock the page asks for now (the default clock unless one was given). */
MkClock *
mk_page_get_clock (MkPage *self)
{
  MkPagePrivate *priv;

  g_return_val_if_fail (MK_IS_PAGE (self), NULL);

  priv = mk_page_get_instance_private (self);
  return priv->clock;
}

static MkResource *
find_patient_uncached (MkStore     *store,
                       const char  *reference,
                       GError     **error)
{
  g_autoptr(MkQuery) query = NULL;
  g_autoptr(GPtrArray) page = NULL;

  if (reference != NULL && *reference != '\0')
    {
      g_autoptr(GError) local_error = NULL;
      MkResource *resource = mk_store_resolve_reference (store, reference, &local_error);

      if (resource != NULL)
        return resource;
      if (!g_error_matches (local_error, MK_STORE_ERROR, MK_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }

  query = mk_query_new ();
  mk_query_add_type (query, "Patient");
  page = mk_store_query_page (store, query, 0, 1, error);
  if (page == NULL || page->len == 0)
    return NULL;

  return g_object_ref (g_ptr_array_index (page, 0));
}

/* The card's patient as "Patient/<id>" ("" for none) from the cache, or
 * found and remembered; NULL on error. With @resource, also the resource. */
static char *
dup_patient_reference (MkPage      *self,
                       MkResource **resource,
                       GError     **error)
{
  MkStore *store = mk_page_get_store (self);
  g_autofree char *meta = NULL;
  g_autoptr(MkResource) patient = NULL;
  g_autoptr(GError) local_error = NULL;
  PatientCache *cache;

  if (store == NULL)
    return g_strdup ("");

  meta = mk_store_get_meta (store, "patient", NULL);
  cache = patient_cache_get (store);

  if (cache->valid && g_strcmp0 (cache->meta, meta) == 0)
    {
      if (resource == NULL || *cache->reference == '\0')
        return g_strdup (cache->reference);

      *resource = mk_store_resolve_reference (store, cache->reference, NULL);
      if (*resource != NULL)
        return g_strdup (cache->reference);
      /* Gone without a ::changed (cannot happen through MkStore): look again. */
    }

  patient_cache_clear (cache);
  patient = find_patient_uncached (store, meta, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  cache->valid = TRUE;
  cache->meta = g_strdup (meta);
  cache->reference = patient != NULL
    ? g_strconcat ("Patient/", mk_resource_get_id (patient), NULL)
    : g_strdup ("");

  if (resource != NULL)
    *resource = g_steal_pointer (&patient);
  return g_strdup (cache->reference);
}

MkResource *
mk_page_find_patient (MkPage  *self,
                      GError **error)
{
  MkResource *patient = NULL;
  g_autofree char *reference = NULL;

  g_return_val_if_fail (MK_IS_PAGE (self), NULL);

  reference = dup_patient_reference (self, &patient, error);
  return patient;
}

void
mk_page_scope_query (MkPage  *self,
                     MkQuery *query)
{
  g_autofree char *reference = NULL;

  g_return_if_fail (MK_IS_PAGE (self));

  reference = dup_patient_reference (self, NULL, NULL);
  if (reference != NULL && *reference != '\0')
    mk_query_set_subject (query, reference);
}

MkQuery *
mk_page_new_query (MkPage *self)
{
  MkQuery *query = mk_query_new ();

  mk_page_scope_query (self, query);
  return query;
}
