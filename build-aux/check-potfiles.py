#!/usr/bin/env python3
"""Checks po/POTFILES.in against the source tree.

 - every file under src/ and resources/ that holds translatable strings is
   listed (C: _( N_( C_( NC_( ngettext( g_dngettext( g_dpgettext2( outside
   comments and string literals; .ui: translatable="yes"), and so are the
   data/ files (.desktop.in, .metainfo.xml.in, .gschema.xml);
 - every listed file exists;
 - the list is sorted as `LC_ALL=C sort` sorts it, without duplicates.

Usage: check-potfiles.py [SOURCE_ROOT]
Exits 1 and prints what is wrong, or prints OK.
"""
import os
import re
import sys

C_CALL = re.compile(
    r"(?<![A-Za-z0-9_])(?:_|N_|C_|NC_|ngettext|g_dngettext|g_dpgettext2|g_dcgettext)\s*\(")
UI_TRANSLATABLE = re.compile(r'translatable\s*=\s*"(?:yes|true|1)"', re.I)
DATA_SUFFIXES = (".desktop.in", ".metainfo.xml.in", ".appdata.xml.in", ".gschema.xml")
C_SUFFIXES = (".c", ".h")


def strip_c_comments_and_strings(text):
    """Blanks out comments and literals so that a `_(` inside them is ignored."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
            out.append(" ")
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(c + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def has_strings(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return False
    if path.endswith(C_SUFFIXES):
        return bool(C_CALL.search(strip_c_comments_and_strings(text)))
    if path.endswith(".ui"):
        return bool(UI_TRANSLATABLE.search(text))
    return False


def candidates(root):
    found = set()
    for top in ("src", "resources"):
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in filenames:
                if name.startswith("."):
                    continue
                full = os.path.join(dirpath, name)
                if name.endswith(C_SUFFIXES + (".ui",)) and has_strings(full):
                    found.add(os.path.relpath(full, root).replace(os.sep, "/"))
    data = os.path.join(root, "data")
    if os.path.isdir(data):
        for name in os.listdir(data):
            if name.endswith(DATA_SUFFIXES):
                found.add("data/" + name)
    return found


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    potfiles = os.path.join(root, "po", "POTFILES.in")
    try:
        with open(potfiles, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        print(f"po/POTFILES.in: {e}")
        return 1

    listed = []
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line:
            listed.append(line)

    problems = []
    missing = sorted(candidates(root) - set(listed), key=lambda s: s.encode())
    if missing:
        problems.append("Files with translatable strings missing from po/POTFILES.in:")
        problems += [f"  {p}" for p in missing]

    absent = [p for p in listed if not os.path.isfile(os.path.join(root, p))]
    if absent:
        problems.append("Files listed in po/POTFILES.in that do not exist:")
        problems += [f"  {p}" for p in absent]

    dups = sorted({p for p in listed if listed.count(p) > 1})
    if dups:
        problems.append("Files listed more than once in po/POTFILES.in:")
        problems += [f"  {p}" for p in dups]

    # LC_ALL=C sort compares bytes.
    expected = sorted(listed, key=lambda s: s.encode())
    if listed != expected:
        problems.append("po/POTFILES.in is not sorted (LC_ALL=C sort); first out of place:")
        for got, want in zip(listed, expected):
            if got != want:
                problems.append(f"  line has {got!r}, expected {want!r}")
                break

    if problems:
        print("\n".join(problems))
        return 1
    print(f"po/POTFILES.in: OK ({len(listed)} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
