#!/usr/bin/env bash
# msgfmt --check --statistics on every language in po/LINGUAS: the file must
# compile, format strings and plural forms must match, and there must be no
# fuzzy or untranslated messages.
# Usage: check-msgfmt.sh SOURCE_ROOT
set -euo pipefail
export LC_ALL=C
srcdir="${1:?usage: check-msgfmt.sh SOURCE_ROOT}"
status=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for lang in $(sed 's/#.*//' "$srcdir/po/LINGUAS"); do
  po="$srcdir/po/$lang.po"
  if [ ! -f "$po" ]; then
    echo "po/$lang.po: missing (listed in po/LINGUAS)"
    status=1
    continue
  fi
  if ! msgfmt --check --statistics -o "$tmp/$lang.mo" "$po" 2>"$tmp/$lang.log"; then
    echo "po/$lang.po: msgfmt --check failed:"
    cat "$tmp/$lang.log"
    status=1
    continue
  fi
  stats=$(cat "$tmp/$lang.log")
  echo "po/$lang.po: $stats"
  if grep -qE 'fuzzy|untranslated' <<<"$stats"; then
    echo "po/$lang.po: has fuzzy or untranslated messages:"
    msgattrib --only-fuzzy --no-wrap "$po" | grep -E '^msgid ' | grep -v '^msgid ""$' | sed 's/^/  fuzzy: /' || true
    msgattrib --untranslated --no-wrap "$po" | grep -E '^msgid ' | grep -v '^msgid ""$' | sed 's/^/  untranslated: /' || true
    status=1
  fi
done
exit $status
