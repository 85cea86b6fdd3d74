/* test-json-text.c — cutting values out of JSON text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "mk-json-text.h"

static char *
span_text (const char       *text,
           const MkJsonSpan *span)
{
  return g_strndup (text + span->offset, span->length);
}

static void
test_scan_values (void)
{
  const char *text = "  {\"a\": [1, 2.50, {\"b\": \"x\\\"}\"}], \"c\": null}  tail";
  MkJsonSpan span;
  gsize pos = 0;
  g_autofree char *value = NULL;

  g_assert_true (mk_json_text_scan_value (text, strlen (text), &pos, &span));
  value = span_text (text, &span);
  g_assert_cmpstr (value, ==, "{\"a\": [1, 2.50, {\"b\": \"x\\\"}\"}], \"c\": null}");
  g_assert_cmpuint (pos, ==, span.offset + span.length);

  /* Not a value / not closed. */
  pos = 0;
  g_assert_false (mk_json_text_scan_value ("{\"a\": ", 6, &pos, &span));
  pos = 0;
  g_assert_false (mk_json_text_scan_value ("   ", 3, &pos, &span));
  pos = 0;
  g_assert_false (mk_json_text_scan_value ("[1,]", 4, &pos, &span));
}

static void
test_bundle_entries (void)
{
  const char *text =
    "{ \"resourceType\": \"Bundle\", \"type\": \"collection\",\n"
    "  \"entry\": [\n"
    "    { \"fullUrl\": \"urn:x\", \"resource\": { \"resourceType\": \"Observation\", \"id\": \"o1\",\n"
    "        \"valueQuantity\": { \"value\": 36.6, \"unit\": \"°C\" }, \"note\": [{\"text\": \"a  b\"}] } },\n"
    "    { \"resource\": {\"resourceType\":\"Observation\",\"id\":\"o2\",\"valueQuantity\":{\"value\":5.30}} }\n"
    "  ] }";
  MkJsonSpan doc, entry, resource;
  g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (MkJsonSpan));
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  gsize pos = 0;

  g_assert_true (mk_json_text_scan_value (text, strlen (text), &pos, &doc));
  g_assert_true (mk_json_text_find_member (text, &doc, "entry", &entry));
  g_assert_false (mk_json_text_find_member (text, &doc, "missing", &resource));
  g_assert_true (mk_json_text_array_items (text, &entry, items));
  g_assert_cmpuint (items->len, ==, 2);

  g_assert_true (mk_json_text_find_member (text, &g_array_index (items, MkJsonSpan, 0), "resource", &resource));
  first = mk_json_text_compact (text, &resource);
  /* Numbers and strings are kept byte for byte, whitespace between tokens goes. */
  g_assert_cmpstr (first, ==,
                   "{\"resourceType\":\"Observation\",\"id\":\"o1\","
                   "\"valueQuantity\":{\"value\":36.6,\"unit\":\"°C\"},\"note\":[{\"text\":\"a  b\"}]}");

  g_assert_true (mk_json_text_find_member (text, &g_array_index (items, MkJsonSpan, 1), "resource", &resource));
  second = mk_json_text_compact (text, &resource);
  g_assert_cmpstr (second, ==, "{\"resourceType\":\"Observation\",\"id\":\"o2\",\"valueQuantity\":{\"value\":5.30}}");
}

static void
test_empty_containers (void)
{
  const char *text = "{\"entry\": [], \"o\": {}}";
  MkJsonSpan doc, entry;
  g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (MkJsonSpan));
  gsize pos = 0;

  g_assert_true (mk_json_text_scan_value (text, strlen (text), &pos, &doc));
  g_assert_true (mk_json_text_find_member (text, &doc, "entry", &entry));
  g_assert_true (mk_json_text_array_items (text, &entry, items));
  g_assert_cmpuint (items->len, ==, 0);
  /* A member lookup on an array, or items of an object, is refused. */
  g_assert_false (mk_json_text_find_member (text, &entry, "x", &doc));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json-text/scan", test_scan_values);
  g_test_add_func ("/json-text/bundle-entries", test_bundle_entries);
  g_test_add_func ("/json-text/empty-containers", test_empty_containers);

  return g_test_run ();
}
