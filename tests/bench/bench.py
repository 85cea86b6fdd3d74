#!/usr/bin/env python3
# bench.py — the measuring half of tests/bench/run-bench.sh
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   bench.py cli    --build B --work W --clinic C --reps R   (import, search)
#   bench.py gui    --build B --work W --reps R              (start-up, RSS; run under Xvfb + D-Bus)
#   bench.py report --work W [--markdown FILE]
#
# Every figure is a median over R repetitions, after one untimed warm-up run,
# of a child process timed from spawn to exit (time.perf_counter) with its
# own peak resident set size from os.wait4(). Results go to W/results-*.json;
# "report" prints the table and compares each figure with a baseline
# measured by the same script, on the same machine, in the same run.
# Python standard library only.

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

# The searches: (what the user types, the FTS5 MATCH the baseline runs).
# The app quotes each word and matches the last one as a prefix, with its
# own tokenizer (case and е/ё folding); the baseline MATCH is written the same
# way for the stock unicode61 tokenizer, which folds case too.
SEARCHES = [
    ("гипертензия", '"гипертензия"*'),
    ("Смирнова", '"смирнова"*'),
]
SEARCH_LIMIT = 20            # medkartactl search's default --limit
INPROCESS_REPEATS = 50
TIMEOUT = 300
GUI_TIMEOUT = 900            # a start-up that takes longer is reported as timed out
SLOW_S = 60                  # a run slower than this is not repeated
# The same statement as mk_store_search(), over the baseline tables
# (tests/bench/bench-search.c runs it too).
BASELINE_SEARCH_SQL = (
    "SELECT f.type, f.id, snippet(search, 2, '[', ']', '…', 12) AS snippet, bm25(search) AS rank"
    " FROM search f JOIN resource r ON r.type = f.type AND r.id = f.id"
    " WHERE search MATCH ?1 ORDER BY rank, f.type, f.id LIMIT ?2;")

# Targets from the issue; None = reported, no target.
TARGET_STARTUP_RATIO = 1.3
TARGET_RSS_DELTA_MIB = 60.0


def log(*args):
    print("bench:", *args, file=sys.stderr, flush=True)


def self_rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def timed(cmd, env=None, stdout=subprocess.DEVNULL, stdin=None, timeout=TIMEOUT):
    """Runs @cmd; returns a dict: wall "s", "cpu_s" (user + system), peak
    "rss_kib", exit "status", "timed_out".
    Blocks in wait4() (no polling that would steal a core); a timer kills
    the child after @timeout seconds.
    Linux carries the RSS of the spawning process over exec() into the
    child's ru_maxrss, so the peak is only meaningful when it is well above
    this process's own RSS (the GUI part records it)."""
    fired = threading.Event()

    with tempfile.TemporaryFile() as errf:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=stdout, stdin=stdin, stderr=errf)

        def kill():
            fired.set()
            proc.kill()

        killer = threading.Timer(timeout, kill)
        killer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        killer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if fired.is_set():
            log("timed out after %d s: %s" % (timeout, " ".join(cmd)))
        elif proc.returncode != 0:
            errf.seek(0)
            err = errf.read().decode("utf-8", "replace")
            log("exit status %d: %s\n%s" % (proc.returncode, " ".join(cmd), err[-2000:]))
        stderr_bytes = errf.tell() if errf.seek(0, os.SEEK_END) is not None else 0
    return {"s": elapsed, "cpu_s": usage.ru_utime + usage.ru_stime, "rss_kib": usage.ru_maxrss,
            "status": proc.returncode, "timed_out": fired.is_set(), "stderr_bytes": stderr_bytes}


def repeat(name, reps, run_once, warmup=True, show_rss=False):
    """Calls run_once() (→ timed()) once to warm up, then @reps times.
    When the warm-up times out, the repetitions are skipped; when it takes
    longer than SLOW_S, it is the only measurement (reported as 1 run)."""
    runs = []
    if warmup:
        first = run_once()
        if first["timed_out"]:
            log("%-44s TIMED OUT (warm-up > %.0f s); not repeated" % (name, first["s"]))
            return {"name": name, "reps": 0, "timed_out": True, "timeout_s": first["s"],
                    "failures": 1, "median_s": None, "median_rss_kib": None}
        if first["s"] > SLOW_S:
            log("%-44s took %.0f s (> %d s): measured once, not repeated" % (name, first["s"], SLOW_S))
            runs.append(first)
            reps = 1
    for _ in range(reps - len(runs)):
        runs.append(run_once())
    times = [r["s"] for r in runs]
    result = {
        "name": name,
        "reps": reps,
        "timed_out": any(r["timed_out"] for r in runs),
        "median_s": statistics.median(times),
        "min_s": min(times),
        "max_s": max(times),
        "times_s": times,
        "median_cpu_s": statistics.median(r["cpu_s"] for r in runs),
        "median_rss_kib": statistics.median(r["rss_kib"] for r in runs),
        "max_rss_kib": max(r["rss_kib"] for r in runs),
        "stderr_bytes": max(r["stderr_bytes"] for r in runs),
        "failures": sum(1 for r in runs if r["status"] != 0),
    }
    log("%-44s median %.3f s (min %.3f, max %.3f; CPU %.3f s)%s%s%s" % (
        name, result["median_s"], result["min_s"], result["max_s"], result["median_cpu_s"],
        ", peak RSS %.1f MiB" % (result["median_rss_kib"] / 1024) if show_rss else "",
        ", %d KiB on stderr" % (result["stderr_bytes"] // 1024) if result["stderr_bytes"] > 4096 else "",
        "  FAILED %d×" % result["failures"] if result["failures"] else ""))
    return result


def sql_quote(text):
    return "'" + text.replace("'", "''") + "'"


# Text for the baseline FTS table when the app's own index text cannot be
# read back: the strings a person would search for.
TEXT_KEYS = {"text", "display", "family", "given", "name", "description", "title",
             "patientInstruction", "lotNumber"}


def extract_text(node, out, key=None):
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("meta", "resourceType", "id", "reference", "system", "url", "hash"):
                continue
            extract_text(v, out, k)
    elif isinstance(node, list):
        for v in node:
            extract_text(v, out, key)
    elif isinstance(node, str) and key in TEXT_KEYS:
        out.append(node)


def read_clinic(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            res = json.loads(line)
            rows.append((res["resourceType"], res["id"], line, res))
    return rows


def app_index_texts(db_path, rows):
    """The texts the app put in its FTS5 index, one per clinic row, read
    back from the FTS5 content shadow table (plain SQL, so the app's
    tokenizer is not needed), or None when that is not possible."""
    try:
        con = sqlite3.connect("file:%s?mode=ro" % db_path, uri=True)
    except sqlite3.Error:
        return None
    try:
        for name, sql in con.execute(
                "SELECT name, sql FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%fts5%'"):
            body = sql[sql.index("(") + 1:sql.rindex(")")]
            if "content=" in body.replace(" ", "").lower():
                continue  # external content or contentless: not handled
            columns = [c.strip().split()[0].strip('"') for c in body.split(",") if "=" not in c]
            if not {"text", "type", "id"} <= set(columns):
                continue
            idx = {c: "c%d" % i for i, c in enumerate(columns)}
            by_key = {}
            for rtype, rid, text in con.execute("SELECT %s, %s, %s FROM %s_content" % (
                    idx["type"], idx["id"], idx["text"], name)):
                by_key[(rtype, rid)] = text or ""
            if len(by_key) < len(rows) // 2:
                log("the app's FTS table %s has %d rows for %d resources; not used"
                    % (name, len(by_key), len(rows)))
                return None
            return [by_key.get((t, i), "") for t, i, _, _ in rows]
    except (sqlite3.Error, ValueError) as e:
        log("cannot read the app's FTS text:", e)
    finally:
        con.close()
    return None


def write_baseline_sql(rows, texts, rows_sql, fts_sql):
    """rows_sql: the resource table only; fts_sql: the same plus an FTS5
    table of the searchable text, filled in the same transaction."""
    head = ("PRAGMA journal_mode=WAL;\nPRAGMA synchronous=NORMAL;\n"
            "CREATE TABLE resource (type TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL,"
            " PRIMARY KEY (type, id));\n")
    fts_head = ("CREATE VIRTUAL TABLE search USING fts5 (type UNINDEXED, id UNINDEXED, text,"
                " tokenize = 'unicode61 remove_diacritics 2');\n")
    with open(rows_sql, "w", encoding="utf-8") as a, open(fts_sql, "w", encoding="utf-8") as b:
        a.write(head + "BEGIN;\n")
        b.write(head + fts_head + "BEGIN;\n")
        for (rtype, rid, line, _), text in zip(rows, texts):
            ins = "INSERT OR REPLACE INTO resource VALUES (%s, %s, %s);\n" % (
                sql_quote(rtype), sql_quote(rid), sql_quote(line))
            a.write(ins)
            b.write(ins)
            b.write("INSERT INTO search VALUES (%s, %s, %s);\n" % (
                sql_quote(rtype), sql_quote(rid), sql_quote(text)))
        a.write("COMMIT;\n")
        b.write("COMMIT;\n")


def fresh_dir(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)


def cmd_cli(args):
    build, work = os.path.abspath(args.build), os.path.abspath(args.work)
    ctl = os.path.join(build, "src", "cli", "medkartactl")
    env = dict(os.environ)
    results = {"reps": args.reps}

    rows = read_clinic(args.clinic)
    results["resources"] = len(rows)
    results["clinic_bytes"] = os.path.getsize(args.clinic)
    log("%d resources in %s" % (len(rows), args.clinic))

    # a. import ------------------------------------------------------------
    app_dir = os.path.join(work, "app")

    def app_import():
        fresh_dir(app_dir)
        return timed([ctl, "--data-dir", app_dir, "import", args.clinic], env=env)

    results["import_app"] = repeat("import: medkartactl", args.reps, app_import)
    db = os.path.join(app_dir, "medkarta.db")
    status = subprocess.run([ctl, "--data-dir", app_dir, "status", "--json"],
                            capture_output=True, text=True)
    if status.returncode == 0:
        results["import_app_status"] = json.loads(status.stdout)
    results["app_db_bytes"] = sum(os.path.getsize(os.path.join(app_dir, f))
                                  for f in os.listdir(app_dir))

    # The same texts as the app's index when they can be read back.
    texts = app_index_texts(db, rows)
    if texts is None:
        results["baseline_text_source"] = "extracted by bench.py (names, displays, notes)"
        texts = []
        for _, _, _, res in rows:
            out = []
            extract_text(res, out)
            texts.append(" ".join(out))
    else:
        results["baseline_text_source"] = "read back from the app's FTS index"
    log("baseline FTS text:", results["baseline_text_source"])

    rows_sql = os.path.join(work, "baseline-rows.sql")
    fts_sql = os.path.join(work, "baseline-rows-fts.sql")
    write_baseline_sql(rows, texts, rows_sql, fts_sql)
    base_db = os.path.join(work, "baseline.db")

    def sqlite_import(sql_file):
        def run():
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(base_db + suffix):
                    os.unlink(base_db + suffix)
            with open(sql_file, "rb") as f:
                return timed(["sqlite3", "-bail", base_db], env=env, stdin=f)
        return run

    results["import_sqlite_rows"] = repeat("import: sqlite3 rows", args.reps, sqlite_import(rows_sql))
    results["import_sqlite_rows_fts"] = repeat("import: sqlite3 rows + FTS5", args.reps,
                                               sqlite_import(fts_sql))
    # baseline.db now holds rows + FTS5: the search baseline.

    # b. search --------------------------------------------------------------
    results["search"] = []
    bench_search = os.path.join(build, "tests", "bench", "bench-search")
    for text, match in SEARCHES:
        entry = {"text": text, "match": match, "limit": SEARCH_LIMIT}
        out_app = os.path.join(work, "search-app.json")
        out_base = os.path.join(work, "search-sqlite3.json")

        def app_search():
            with open(out_app, "wb") as f:
                return timed([ctl, "--data-dir", app_dir, "search", "--json",
                              "--limit", str(SEARCH_LIMIT), text], env=env, stdout=f)

        base_sql = BASELINE_SEARCH_SQL.replace("?1", sql_quote(match)).replace("?2", str(SEARCH_LIMIT))

        def base_search():
            with open(out_base, "wb") as f:
                return timed(["sqlite3", "-json", "-readonly", base_db, base_sql], env=env, stdout=f)

        entry["app"] = repeat("search '%s': medkartactl" % text, args.reps, app_search)
        entry["sqlite3"] = repeat("search '%s': sqlite3" % text, args.reps, base_search)
        entry["app_hits"] = count_json_hits(out_app)
        entry["sqlite3_hits"] = count_json_hits(out_base)
        if os.path.exists(bench_search):
            p = subprocess.run([bench_search, app_dir, base_db, text, match, str(SEARCH_LIMIT),
                                str(INPROCESS_REPEATS)], capture_output=True, text=True)
            if p.returncode == 0:
                entry["inprocess"] = json.loads(p.stdout)
                log("search '%s' in-process: %s" % (text, p.stdout.strip()))
            else:
                log("bench-search failed:", p.stderr.strip())
        results["search"].append(entry)

    with open(os.path.join(work, "results-cli.json"), "w") as f:
        json.dump(results, f, indent=1, ensure_ascii=False)


def count_json_hits(path):
    try:
        with open(path, encoding="utf-8") as f:
            data = f.read().strip()
        return len(json.loads(data)) if data else 0
    except (OSError, ValueError):
        return None


def cmd_gui(args):
    build, work = os.path.abspath(args.build), os.path.abspath(args.work)
    app = os.path.join(build, "src", "medkarta")
    minimal = os.path.join(build, "tests", "bench", "minimal-window")
    home = os.path.join(work, "home")
    for sub in ("config", "cache", "data", "state"):
        os.makedirs(os.path.join(home, sub), exist_ok=True)
    env = dict(os.environ)
    env.update({
        "GSETTINGS_BACKEND": "memory",
        "GSETTINGS_SCHEMA_DIR": os.path.join(build, "data"),
        "GTK_A11Y": "none",
        "NO_AT_BRIDGE": "1",
        "TZ": "Europe/Moscow",
        "LC_ALL": "C.UTF-8",
        "XDG_CONFIG_HOME": os.path.join(home, "config"),
        "XDG_CACHE_HOME": os.path.join(home, "cache"),
        "XDG_DATA_HOME": os.path.join(home, "data"),
        "XDG_STATE_HOME": os.path.join(home, "state"),
    })
    app_env = dict(env, MEDKARTA_EXIT_AFTER_FIRST_FRAME="1", MEDKARTA_VISIT_ALL_VIEWS="1")
    results = {"reps": args.reps, "display": os.environ.get("DISPLAY"),
               "spawner_rss_kib": self_rss_kib()}
    log("spawning process RSS %.1f MiB (a floor under every peak RSS below)"
        % (results["spawner_rss_kib"] / 1024))

    results["minimal"] = repeat("start-up: minimal libadwaita window", args.reps,
                                lambda: timed([minimal], env=env, timeout=60), show_rss=True)

    mirror = os.path.join(work, "app")
    empty = os.path.join(work, "empty")
    fresh_dir(empty)
    results["app_mirror"] = repeat("start-up + all views: medkarta, mirror", args.reps,
                                   lambda: timed([app, "--data-dir", mirror], env=app_env, timeout=GUI_TIMEOUT), show_rss=True)
    results["app_empty"] = repeat("start-up + all views: medkarta, empty dir", args.reps,
                                  lambda: timed([app, "--data-dir", empty], env=app_env, timeout=GUI_TIMEOUT), show_rss=True)

    def demo():
        # --demo writes the demo card into $XDG_DATA_HOME on the first run
        # (the warm-up); the timed runs open it.
        return timed([app, "--demo"], env=app_env, timeout=GUI_TIMEOUT)
    results["app_demo"] = repeat("start-up + all views: medkarta, demo", args.reps, demo, show_rss=True)
    results["app_mirror_first_frame"] = repeat(
        "start-up only: medkarta, mirror", args.reps,
        lambda: timed([app, "--data-dir", mirror], env=dict(env, MEDKARTA_EXIT_AFTER_FIRST_FRAME="1"),
                      timeout=GUI_TIMEOUT), show_rss=True)

    # Extra, not the target: both with GTK's cairo renderer, which draws on
    # the CPU without going through llvmpipe (Xvfb has no GPU), to show how
    # much of the difference is rasterising more pixels through Mesa.
    cairo_env = dict(env, GSK_RENDERER="cairo")
    results["minimal_cairo"] = repeat("start-up: minimal window, GSK_RENDERER=cairo", args.reps,
                                      lambda: timed([minimal], env=cairo_env, timeout=60), show_rss=True)
    results["app_mirror_cairo"] = repeat(
        "start-up + all views: mirror, GSK_RENDERER=cairo", args.reps,
        lambda: timed([app, "--data-dir", mirror], env=dict(app_env, GSK_RENDERER="cairo"),
                      timeout=GUI_TIMEOUT), show_rss=True)

    with open(os.path.join(work, "results-gui.json"), "w") as f:
        json.dump(results, f, indent=1)


def fmt_s(seconds):
    if seconds is None:
        return "—"
    if seconds < 0.01:
        return "%.2f ms" % (seconds * 1000)
    if seconds < 1:
        return "%.0f ms" % (seconds * 1000)
    return "%.2f s" % seconds


def ratio(a, b):
    return a / b if a is not None and b else None


def cmd_report(args):
    work = os.path.abspath(args.work)
    cli = load(os.path.join(work, "results-cli.json"))
    gui = load(os.path.join(work, "results-gui.json"))
    rows = []   # measurement, medkarta, baseline, ratio, target, met

    def add(name, app, base, r, target="—", met="—"):
        rows.append((name, app, base, "—" if r is None else "%.2f×" % r, target, met))

    if cli:
        a = cli["import_app"]
        for key, label in (("import_sqlite_rows", "sqlite3, rows"),
                           ("import_sqlite_rows_fts", "sqlite3, rows + FTS5")):
            b = cli[key]
            add("import %d resources (vs %s)" % (cli["resources"], label),
                fmt_s(a["median_s"]), fmt_s(b["median_s"]), ratio(a["median_s"], b["median_s"]))
        for s in cli["search"]:
            a, b = s["app"], s["sqlite3"]
            add("search “%s”, process (hits %s / %s)" % (s["text"], s["app_hits"], s["sqlite3_hits"]),
                fmt_s(a["median_s"]), fmt_s(b["median_s"]), ratio(a["median_s"], b["median_s"]))
            ip = s.get("inprocess")
            if ip:
                add("search “%s”, query alone (hits %d / %d)" % (s["text"], ip["app_hits"], ip["baseline_hits"]),
                    fmt_s(ip["app_us"] / 1e6), fmt_s(ip["baseline_us"] / 1e6),
                    ratio(ip["app_us"], ip["baseline_us"]))
    if gui:
        base = gui["minimal"]
        n = cli["resources"] if cli else "?"
        for key, label, targeted in (("app_mirror", "start-up + all views, %s-resource mirror" % n, True),
                                     ("app_mirror_first_frame", "start-up only, %s-resource mirror" % n, False),
                                     ("app_empty", "start-up + all views, empty data dir", False),
                                     ("app_demo", "start-up + all views, demo card", False),
                                     ("app_mirror_cairo", "extra: start-up + all views, %s-resource mirror, "
                                      "GSK_RENDERER=cairo for both app and baseline" % n, False)):
            a = gui.get(key)
            if not a:
                continue
            base = gui["minimal_cairo"] if key == "app_mirror_cairo" else gui["minimal"]
            notes = []
            if a.get("timed_out"):
                notes.append("TIMED OUT")
            elif a["failures"]:
                notes.append("FAILED %d×" % a["failures"])
            if a["reps"] == 1:
                notes.append("1 run")
            label += " (%s)" % ", ".join(notes) if notes else ""
            if a["median_s"] is None:
                app_t = "> %.0f s" % a.get("timeout_s", GUI_TIMEOUT)
                r = None
                dmem = None
            else:
                app_t = fmt_s(a["median_s"])
                r = ratio(a["median_s"], base["median_s"])
                dmem = (a["median_rss_kib"] - base["median_rss_kib"]) / 1024
            ok = not a.get("timed_out") and not a["failures"]
            if targeted:
                add(label + " — wall time", app_t, fmt_s(base["median_s"]), r,
                    "≤ %.1f×" % TARGET_STARTUP_RATIO,
                    "yes" if ok and r is not None and r <= TARGET_STARTUP_RATIO else "no")
                rows.append((label + " — peak RSS",
                             "—" if dmem is None else "%.1f MiB" % (a["median_rss_kib"] / 1024),
                             "%.1f MiB" % (base["median_rss_kib"] / 1024),
                             "—" if dmem is None else "%+.1f MiB" % dmem,
                             "≤ +%.0f MiB" % TARGET_RSS_DELTA_MIB,
                             "yes" if ok and dmem is not None and dmem <= TARGET_RSS_DELTA_MIB else "no"))
            else:
                rows.append((label,
                             app_t + ("" if dmem is None else ", %.0f MiB" % (a["median_rss_kib"] / 1024)),
                             "%s, %.0f MiB" % (fmt_s(base["median_s"]), base["median_rss_kib"] / 1024),
                             "—" if r is None else "%.2f×, %+.1f MiB" % (r, dmem), "—", "—"))

    header = ("measurement", "medkarta", "baseline", "ratio", "target", "met?")
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(6)]
    line = "  ".join("%-*s" % (w, h) for w, h in zip(widths, header))
    print(line)
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join("%-*s" % (w, c) for w, c in zip(widths, r)))
    print()
    for note in footnotes(cli, gui):
        print(note)

    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as f:
            f.write("| " + " | ".join(header) + " |\n")
            f.write("|" + "---|" * 6 + "\n")
            for r in rows:
                f.write("| " + " | ".join(str(c) for c in r) + " |\n")
            f.write("\n")
            for note in footnotes(cli, gui):
                f.write("%s\n" % note)
            f.write("\n%s\n" % machine_summary(cli, gui))


def footnotes(cli, gui):
    notes = ["Medians of %s runs after one untimed warm-up run; a run slower than %d s is "
             "measured once (“1 run”)." % (cli["reps"] if cli else gui["reps"], SLOW_S),
             "Baselines: the sqlite3 shell %s (import, search) and a minimal libadwaita "
             "window, tests/bench/minimal-window.c (start-up, RSS)." % sqlite_version()]
    if cli:
        notes.append("Baseline FTS5 text: %s; stock unicode61 tokenizer (the shell cannot load "
                     "the app's tokenizer)." % cli.get("baseline_text_source"))
    if gui:
        notes.append("Peak RSS from wait4(); the spawning Python had %.0f MiB, a floor under "
                     "every peak (Linux keeps it across exec)." % (gui.get("spawner_rss_kib", 0) / 1024))
        notes.append("Start-up: GTK's default renderer (GL; Mesa llvmpipe under Xvfb) unless a row "
                     "says otherwise; both windows open at 1000×760 (the app's default size).")
    return notes


def sqlite_version():
    try:
        return subprocess.run(["sqlite3", "--version"], capture_output=True, text=True).stdout.split()[0]
    except (OSError, IndexError):
        return "?"


def machine_summary(cli, gui):
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, cwd=os.path.dirname(os.path.abspath(__file__))).stdout.strip()
    except OSError:
        rev = ""
    parts = ["Measured %s on %s, %d CPUs (%s), Python %s, sqlite3 shell %s%s" % (
        dt.date.today().isoformat(), platform.platform(), os.cpu_count() or 0, cpu,
        platform.python_version(), sqlite_version(), ", tree at %s" % rev if rev else "")]
    if cli:
        parts.append("%d resources (%.1f MB NDJSON), app store %.1f MB, %d repetitions (median)" % (
            cli["resources"], cli["clinic_bytes"] / 1e6, cli.get("app_db_bytes", 0) / 1e6, cli["reps"]))
    return "; ".join(parts) + "."


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError:
        return None


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("cli")
    p.add_argument("--build", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--clinic", required=True)
    p.add_argument("--reps", type=int, default=5)
    p = sub.add_parser("gui")
    p.add_argument("--build", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--reps", type=int, default=5)
    p = sub.add_parser("report")
    p.add_argument("--work", required=True)
    p.add_argument("--markdown")
    args = ap.parse_args()
    signal.signal(signal.SIGINT, signal.default_int_handler)
    {"cli": cmd_cli, "gui": cmd_gui, "report": cmd_report}[args.cmd](args)


if __name__ == "__main__":
    main()
