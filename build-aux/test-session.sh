#!/usr/bin/env bash
# Runs "$@" inside the private test session that run-tests.sh creates: a
# throw-away data home with an unlocked gnome-keyring (the real Secret
# Service) on the session bus. Call it under dbus-run-session.
set -euo pipefail

session_home=$(mktemp -d "${TMPDIR:-/tmp}/medkarta-test-session-XXXXXX")
trap 'kill "${GNOME_KEYRING_PID:-}" 2>/dev/null || true; rm -rf "$session_home"' EXIT

export XDG_DATA_HOME="$session_home/data"
export XDG_CONFIG_HOME="$session_home/config"
export XDG_CACHE_HOME="$session_home/cache"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"

if command -v gnome-keyring-daemon >/dev/null; then
  # A new login keyring, created and unlocked with a test password.
  eval "$(printf 'medkarta-test' | gnome-keyring-daemon --unlock --components=secrets --daemonize)"
  export GNOME_KEYRING_CONTROL GNOME_KEYRING_PID
  export MEDKARTA_TEST_KEYRING=1
fi

"$@"
