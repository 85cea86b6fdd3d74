#!/usr/bin/env bash
# Installs the Debian 12 packages Medkarta needs to build, run and test.
# Installs only what is missing; runs apt-get update first when it must install.
set -euo pipefail

packages=(
  # build
  build-essential meson ninja-build pkg-config gettext python3
  libglib2.0-dev libglib2.0-dev-bin libglib2.0-bin
  libgtk-4-dev libadwaita-1-dev libsoup-3.0-dev libjson-glib-dev
  libsqlite3-dev libgnutls28-dev libsecret-1-dev
  # run
  glib-networking adwaita-icon-theme hicolor-icon-theme fonts-cantarell
  librsvg2-common shared-mime-info dbus dbus-daemon dbus-bin dbus-user-session
  # test
  xvfb xauth desktop-file-utils appstream sqlite3 gnutls-bin gnome-keyring
  libgtk-4-bin curl locales
)
# Node.js runs the independent FHIR and OAuth servers of the interop tests;
# the machine's own node is fine, Debian's otherwise.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The Russian locale, so the app and the tests can run in Russian.
if ! locale -a 2>/dev/null | grep -qi '^ru_RU\.utf-\?8$'; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  if [ -f /etc/locale.gen ]; then
    $sudo sed -i 's/^# *\(ru_RU.UTF-8 UTF-8\)/\1/' /etc/locale.gen
    grep -q '^ru_RU.UTF-8 UTF-8' /etc/locale.gen || echo 'ru_RU.UTF-8 UTF-8' | $sudo tee -a /etc/locale.gen >/dev/null
    $sudo locale-gen >/dev/null || echo "warning: could not generate the ru_RU.UTF-8 locale" >&2
  fi
fi
