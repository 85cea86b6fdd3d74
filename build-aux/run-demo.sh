#!/usr/bin/env bash
# Installs what is needed, builds Medkarta and starts it on the demo card.
set -euo pipefail
cd "$(dirname "$0")/.."
build-aux/install-deps.sh
build-aux/build.sh
ninja -C _build install >/dev/null
export XDG_DATA_DIRS="$PWD/_build/install/share:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}"
export GSETTINGS_SCHEMA_DIR="$PWD/_build/install/share/glib-2.0/schemas"
exec "$PWD/_build/install/bin/medkarta" --demo "$@"
