#!/usr/bin/env bash
# run-bench.sh — the foundation benchmark: import, search, start-up, memory
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: tests/bench/run-bench.sh [N]
#
#   N                 patients in the synthetic clinic (default 2000 ≈ 50 000
#                     resources; 200 for a quick check)
#   BENCH_REPS        repetitions per measurement, median reported (default 5, at least 3)
#   BENCH_BUILD_DIR   meson build directory (default _build-bench; configured if missing)
#   BENCH_WORK_DIR    scratch directory (default BUILD/bench-work-N; wiped first)
#   BENCH_MARKDOWN    also write the result table as Markdown to this file
#
# Every figure is a ratio against a baseline measured by this script, on this
# machine, in this run (see docs/benchmarks.md). Not part of `meson test`.
set -euo pipefail

cd "$(dirname "$0")/../.."
root=$PWD
n=${1:-2000}
reps=${BENCH_REPS:-5}
build=${BENCH_BUILD_DIR:-_build-bench}
case $build in /*) ;; *) build=$root/$build ;; esac
work=${BENCH_WORK_DIR:-$build/bench-work-$n}

if ! [[ $n =~ ^[0-9]+$ ]] || [ "$n" -lt 1 ]; then
  echo "usage: $0 [N]   (N = number of patients, default 2000)" >&2
  exit 2
fi
if [ "$reps" -lt 3 ]; then
  echo "run-bench: BENCH_REPS must be at least 3" >&2
  exit 2
fi
for tool in meson ninja python3 sqlite3 xvfb-run dbus-run-session; do
  if ! command -v "$tool" >/dev/null; then
    echo "run-bench: $tool is missing (build-aux/install-deps.sh installs it)" >&2
    exit 1
  fi
done

echo "== build ($build)"
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" >/dev/null
fi
ninja -C "$build" >/dev/null
ninja -C "$build" tests/bench/minimal-window >/dev/null
# The in-process search timer is optional: without it the report has no
# "query alone" rows.
ninja -C "$build" tests/bench/bench-search >/dev/null 2>&1 ||
  echo "run-bench: tests/bench/bench-search did not build; skipping the in-process search timing" >&2

rm -rf "$work"
mkdir -p "$work"

echo "== generate $n patients"
python3 tests/bench/gen-clinic.py "$n" "$work/clinic.ndjson"

echo "== import and search ($reps repetitions each)"
python3 tests/bench/bench.py cli --build "$build" --work "$work" \
  --clinic "$work/clinic.ndjson" --reps "$reps"

echo "== start-up and memory ($reps repetitions each, Xvfb + private D-Bus)"
# (dbus-daemon's complaint about the fd limit in containers is filtered out)
GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$build/data" GTK_A11Y=none \
TZ=Europe/Moscow \
  xvfb-run -a -s "-screen 0 1280x1024x24" \
  dbus-run-session -- \
  python3 tests/bench/bench.py gui --build "$build" --work "$work" --reps "$reps" 2>&1 |
  { grep -v 'Failed to set fd limit' || true; } >&2

echo
echo "== results (N=$n, $(nproc) CPUs, $(date -I))"
python3 tests/bench/bench.py report --work "$work" ${BENCH_MARKDOWN:+--markdown "$BENCH_MARKDOWN"}
