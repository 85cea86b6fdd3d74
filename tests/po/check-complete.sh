#!/usr/bin/env bash
# Extracts a fresh template from po/POTFILES.in with the same xgettext
# arguments meson's i18n.gettext(preset: 'glib') uses, and checks that every
# message of it is translated (not fuzzy, not empty) in each po/LINGUAS file.
# Usage: check-complete.sh SOURCE_ROOT
set -euo pipefail
export LC_ALL=C.UTF-8
srcdir="${1:?usage: check-complete.sh SOURCE_ROOT}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Only the existing files; check-potfiles reports the absent ones.
: >"$tmp/POTFILES"
while IFS= read -r f; do
  f="${f%%#*}"; f="$(echo "$f" | xargs)"
  [ -z "$f" ] && continue
  [ -f "$srcdir/$f" ] && echo "$f" >>"$tmp/POTFILES"
done <"$srcdir/po/POTFILES.in"

xgettext --package-name=medkarta --default-domain=medkarta \
  --directory="$srcdir" --files-from="$tmp/POTFILES" --output="$tmp/medkarta.pot" \
  --from-code=UTF-8 --add-comments \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
  --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
  --flag=g_markup_printf_escaped:1:c-format --flag=g_log:3:c-format \
  --flag=g_print:1:c-format --flag=g_printerr:1:c-format --flag=g_printf:1:c-format \
  --flag=g_fprintf:2:c-format --flag=g_sprintf:2:c-format --flag=g_snprintf:3:c-format

if [ ! -f "$tmp/medkarta.pot" ]; then
  echo "xgettext found no translatable strings"
  exit 0
fi
total=$(msgattrib --no-wrap "$tmp/medkarta.pot" | grep -c '^msgid ' || true)
total=$((total - 1))  # the header

status=0
for lang in $(sed 's/#.*//' "$srcdir/po/LINGUAS"); do
  po="$srcdir/po/$lang.po"
  # msgcmp treats fuzzy and untranslated entries of the .po as absent, so it
  # fails for every template message without a real translation.
  if msgcmp "$po" "$tmp/medkarta.pot" 2>"$tmp/$lang.log"; then
    echo "po/$lang.po: all $total template messages are translated"
  else
    msgmerge --quiet --no-fuzzy-matching --no-wrap "$po" "$tmp/medkarta.pot" -o "$tmp/$lang.merged.po"
    : >"$tmp/$lang.missing"
    for kind in untranslated only-fuzzy; do
      msgattrib --$kind --no-obsolete --no-wrap "$tmp/$lang.merged.po" \
        | grep -E '^(#:|msgctxt|msgid )' | grep -v '^msgid ""$' >>"$tmp/$lang.missing" || true
    done
    missing=$(grep -c '^msgid ' "$tmp/$lang.missing" || true)
    echo "po/$lang.po: $missing of $total template messages are missing, fuzzy or partly translated:"
    sed 's/^/  /' "$tmp/$lang.missing"
    echo "  (msgcmp: $(tail -n 1 "$tmp/$lang.log"))"
    status=1
  fi
done
exit $status
