/* mk-documents-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "mk-documents-page.h"

struct _MkDocumentsPage
{
  AdwBin   parent_instance;

  MkStore *store;
  MkClock *clock;
};

G_DEFINE_FINAL_TYPE (MkDocumentsPage, mk_documents_page, ADW_TYPE_BIN)

enum { PROP_0, PROP_STORE, PROP_CLOCK, N_PROPS };
static GParamSpec *properties [N_PROPS];

static void
mk_documents_page_dispose (GObject *object)
{
  MkDocumentsPage *self = MK_DOCUMENTS_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MK_TYPE_DOCUMENTS_PAGE);
  g_clear_object (&self->store);
  g_clear_object (&self->clock);

  G_OBJECT_CLASS (mk_documents_page_parent_class)->dispose (object);
}

static void
mk_documents_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  MkDocumentsPage *self = MK_DOCUMENTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_CLOCK:
      g_value_set_object (value, self->clock);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mk_documents_page_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  MkDocumentsPage *self = MK_DOCUMENTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_CLOCK:
      self->clock = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mk_documents_page_class_init (MkDocumentsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mk_documents_page_dispose;
  object_class->get_property = mk_documents_page_get_property;
  object_class->set_property = mk_documents_page_set_property;

  properties [PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, MK_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties [PROP_CLOCK] =
    g_param_spec_object ("clock", NULL, NULL, MK_TYPE_CLOCK,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/medkarta/Medkarta/ui/mk-documents-page.ui");
}

static void
mk_documents_page_init (MkDocumentsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
mk_documents_page_new (MkStore *store,
                       MkClock *clock)
{
  return g_object_new (MK_TYPE_DOCUMENTS_PAGE, "store", store, "clock", clock, NULL);
}

MkStore *
mk_documents_page_get_store (MkDocumentsPage *self)
{
  g_return_val_if_fail (MK_IS_DOCUMENTS_PAGE (self), NULL);
  return self->store;
}

MkClock *
mk_documents_page_get_clock (MkDocumentsPage *self)
{
  g_return_val_if_fail (MK_IS_DOCUMENTS_PAGE (self), NULL);
  return self->clock;
}
