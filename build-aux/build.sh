#!/usr/bin/env bash
# Configures (once) and builds Medkarta in _build/.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f _build/build.ninja ]; then
  meson setup _build --prefix="$PWD/_build/install" "$@"
fi
ninja -C _build
