/* mk-application.c — placeholder; the UI work replaces it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "mk-application.h"

struct _MkApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (MkApplication, mk_application, ADW_TYPE_APPLICATION)

static void
mk_application_class_init (MkApplicationClass *klass)
{
}

static void
mk_application_init (MkApplication *self)
{
}

MkApplication *
mk_application_new (void)
{
  return g_object_new (MK_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}
