#!/usr/bin/env bash
# Installs what is needed, builds Medkarta and runs the whole test suite
# under Xvfb and a private D-Bus session with its own unlocked keyring
# (build-aux/test-session.sh). Ends with "Tests: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
build-aux/install-deps.sh
build-aux/build.sh

status=0
xvfb-run -a -s "-screen 0 1280x1024x24" \
  dbus-run-session -- build-aux/test-session.sh \
  meson test -C _build --print-errorlogs --num-processes 2 "$@" || status=$?

python3 build-aux/test-summary.py _build/meson-logs/testlog.json || status=1
exit $status
