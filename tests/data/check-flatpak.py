#!/usr/bin/env python3
"""Checks the Flatpak manifest: identity, a pinned stable runtime, the app
module last, and the narrowest sandbox permissions that work."""
import json
import sys

APP_ID = "io.github.medkarta.Medkarta"
REQUIRED_ARGS = [
    "--share=network",
    "--share=ipc",
    "--socket=wayland",
    "--socket=fallback-x11",
    "--device=dri",
    "--talk-name=org.freedesktop.secrets",
]
# Any --filesystem= is refused as well (files go through portals), which
# covers --filesystem=home and --filesystem=host.
FORBIDDEN_PREFIXES = [
    "--socket=x11",
    "--device=all",
    "--talk-name=org.freedesktop.Flatpak",
]


def main(path):
    errors = []
    try:
        with open(path, encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        print(f"{path}: cannot parse: {e}")
        return 1

    def expect(key, value):
        if manifest.get(key) != value:
            errors.append(f"{key} is {manifest.get(key)!r}, expected {value!r}")

    app_id = manifest.get("app-id", manifest.get("id"))
    if app_id != APP_ID:
        errors.append(f"app-id is {app_id!r}, expected {APP_ID!r}")
    expect("command", "medkarta")
    expect("runtime", "org.gnome.Platform")
    expect("sdk", "org.gnome.Sdk")

    version = str(manifest.get("runtime-version", ""))
    if not version.isdigit():
        errors.append(f"runtime-version is {version!r}, expected a pinned stable "
                      "release such as \"47\" (not master/nightly)")

    args = manifest.get("finish-args", [])
    for arg in REQUIRED_ARGS:
        if arg not in args:
            errors.append(f"finish-args lack {arg}")
    for arg in args:
        for bad in FORBIDDEN_PREFIXES:
            if arg == bad or arg.startswith(bad + ":") or arg.startswith(bad + "/"):
                errors.append(f"finish-args must not contain {arg}")
        if arg.startswith("--filesystem="):
            errors.append(f"finish-args must not contain {arg}: files go through portals")

    modules = manifest.get("modules", [])
    if not modules or not isinstance(modules[-1], dict):
        errors.append("the last module must be the medkarta meson project")
    else:
        last = modules[-1]
        if last.get("name") != "medkarta":
            errors.append(f"last module is {last.get('name')!r}, expected 'medkarta'")
        if last.get("buildsystem") != "meson":
            errors.append("last module must use buildsystem meson")
        if "-Dtests=false" not in last.get("config-opts", []):
            errors.append("last module should pass -Dtests=false")
        sources = last.get("sources", [])
        if not any((s.get("type") == "dir" and s.get("path") == "..")
                   or s.get("type") == "git" for s in sources if isinstance(s, dict)):
            errors.append("last module sources must be {type: dir, path: '..'} or git")

    if errors:
        print(f"{path}:")
        for e in errors:
            print(f"  - {e}")
        return 1
    print(f"{path}: OK")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: check-flatpak.py MANIFEST", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
