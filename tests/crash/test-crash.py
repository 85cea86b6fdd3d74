#!/usr/bin/env python3
"""Crash safety: `medkartactl sync` killed with SIGKILL at random moments.

Against medkarta-test-server seeded with one patient holding many
Observations (gen-card.py; a first pull takes a few seconds) and a doctor's
free slots:

1. one uncut first sync: the reference mirror, and its duration T;
2. pull rounds: a fresh account each time, `sync` killed after a random
   delay in [0.02, 0.8 T] — in the middle of the large first pull (the
   window shrinks when a sync finished before the kill), until 10 were
   killed;
3. push rounds: on the reference account, a few `book`/`cancel` edits are
   queued, then `sync` is killed after a random delay in its (short) run
   (which pulls, pushes and pulls again; the window starts at 0.3 s and
   shrinks when a sync finished before the kill), until 12 were killed.

After every kill: `PRAGMA integrity_check` is `ok`, the next `sync`
completes (exit 0) and leaves no edit waiting; after a pull round the mirror
holds exactly the reference rows (type, id, versionId, JSON). At the end the
mirror equals the server (every resource's versionId, by type), every
booking is on the server exactly once and every cancelled visit is
cancelled there. The random moments come from a fixed seed (printed;
CRASH_SEED overrides it). Exit 77 (skip) without the test keyring.

SPDX-License-Identifier: GPL-3.0-or-later
"""
import json
import os
import random
import signal
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

SEED = int(os.environ.get("CRASH_SEED", "20261123"))
N_OBSERVATIONS = 8000
N_SLOTS = 100
PULL_KILLS = 10      # pull rounds go on until this many kills…
MAX_PULL_ROUNDS = 20  # …or this many rounds
PUSH_KILLS = 12      # push rounds go on until this many kills…
MAX_PUSH_ROUNDS = 30  # …or this many rounds
TOKEN = "crash-token"
PATIENT = "crash-patient"
TIME_LIMIT = 170  # seconds, the whole test

BUILD = os.environ["MEDKARTA_BUILD_DIR"]
SOURCE = os.environ["MEDKARTA_SOURCE_DIR"]
CTL = os.path.join(BUILD, "src", "cli", "medkartactl")
SERVER = os.path.join(BUILD, "tests", "server", "medkarta-test-server")
started = time.monotonic()


def log(*args):
    print(f"[{time.monotonic() - started:6.1f}s]", *args, flush=True)


def fail(message):
    log("FAIL:", message)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def ctl(*args, stdin=None, timeout=120):
    result = subprocess.run([CTL, *args], input=stdin, capture_output=True, text=True, timeout=timeout)
    return result


def integrity_ok(card):
    db = sqlite3.connect(os.path.join(card, "medkarta.db"))
    try:
        return db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        db.close()


def rows(card, with_json=True):
    db = sqlite3.connect(os.path.join(card, "medkarta.db"))
    try:
        columns = "type, id, version_id" + (", json" if with_json else "")
        return set(db.execute(f"SELECT {columns} FROM resource WHERE deleted = 0"))
    finally:
        db.close()


def query(card, sql, *params):
    db = sqlite3.connect(os.path.join(card, "medkarta.db"))
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()


def sync_completes(card, what):
    result = ctl("--data-dir", card, "sync", "--json")
    if result.returncode != 0:
        fail(f"{what}: the sync after the kill failed ({result.returncode}): {result.stderr.strip().splitlines()[-1:]}")
    summary = json.loads(result.stdout)
    check(summary["ok"], f"{what}: sync not ok: {summary}")
    status = json.loads(ctl("--data-dir", card, "status", "--json").stdout)
    check(status["outbox"] == 0 and status["outbox_failed"] == 0 and status["conflicts"] == 0,
          f"{what}: edits left after the sync: {status}")
    return summary


def sync_killed(card, low, high, rng, what):
    """Starts a sync, kills it after a random delay; returns the delay and
    the last progress line it printed (where it was)."""
    delay = rng.uniform(low, high)
    with open(os.path.join(card, "sync.err"), "w") as err:
        process = subprocess.Popen([CTL, "--data-dir", card, "sync"], stdout=subprocess.DEVNULL, stderr=err)
        time.sleep(delay)
        finished = process.poll() is not None
        if not finished:
            process.send_signal(signal.SIGKILL)
        process.wait()
    with open(os.path.join(card, "sync.err")) as err:
        lines = [line.strip() for line in err if line.strip()]
    where = lines[-1] if lines else "(nothing printed)"
    check(integrity_ok(card), f"{what}: integrity_check after the kill")
    return delay, finished, where


class Server:
    def __init__(self, data, tmp):
        self.process = subprocess.Popen([SERVER, "--data", data, "--token", TOKEN,
                                         "--tls-dir", os.path.join(tmp, "tls")],
                                        stdout=subprocess.PIPE, text=True)
        self.base = self.ca = None
        while self.base is None or self.ca is None:
            line = self.process.stdout.readline()
            check(line != "", "the test server did not start")
            if line.startswith("base_url="):
                self.base = line.strip().split("=", 1)[1]
            elif line.startswith("ca_file="):
                self.ca = line.strip().split("=", 1)[1]
        self.context = ssl.create_default_context(cafile=self.ca)

    def get(self, path):
        url = path if path.startswith("https://") else f"{self.base}/{path}"
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {TOKEN}",
                                                       "Accept": "application/fhir+json"})
        with urllib.request.urlopen(request, context=self.context, timeout=30) as answer:
            return json.load(answer)

    def search(self, path):
        """Every resource of a search, following next links."""
        found = []
        url = path
        while url:
            bundle = self.get(url)
            found += [entry["resource"] for entry in bundle.get("entry", [])]
            url = next((link["url"] for link in bundle.get("link", []) if link["relation"] == "next"), None)
        return found

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=10)


def assert_mirror_equals_server(card, server):
    """Every resource's versionId, type by type, both ways."""
    mirror = {(t, i): v for t, i, v in rows(card, with_json=False)}
    on_server = {}
    for path in [f"Patient?_id={PATIENT}", f"Observation?patient=Patient/{PATIENT}",
                 f"Appointment?patient=Patient/{PATIENT}", "Slot?_id=" +
                 ",".join(f"crash-slot-{i:03d}" for i in range(N_SLOTS)),
                 "Schedule?_id=crash-schedule", "Practitioner?_id=crash-doctor"]:
        for resource in server.search(path + "&_elements=id&_count=1000"):
            on_server[(resource["resourceType"], resource["id"])] = resource["meta"]["versionId"]
    types = sorted({t for t, _ in on_server} | {t for t, _ in mirror})
    for t in types:
        a = {k: v for k, v in mirror.items() if k[0] == t}
        b = {k: v for k, v in on_server.items() if k[0] == t}
        if a != b:
            missing = sorted(set(b) - set(a))[:5]
            extra = sorted(set(a) - set(b))[:5]
            stale = sorted(k for k in set(a) & set(b) if a[k] != b[k])[:5]
            fail(f"{t}: mirror {len(a)} vs server {len(b)}; missing {missing}, extra {extra}, other versions {stale}")
    return len(on_server)


def main():
    if os.environ.get("MEDKARTA_TEST_KEYRING") is None:
        print("SKIP: no test Secret Service (run under build-aux/test-session.sh)")
        return 77

    rng = random.Random(SEED)
    print(f"seed {SEED} (CRASH_SEED=… to change)", flush=True)
    tmp = tempfile.mkdtemp(prefix="medkarta-crash-")
    data = os.path.join(tmp, "card.ndjson")
    with open(data, "w") as out:
        subprocess.run([sys.executable, os.path.join(SOURCE, "tests", "crash", "gen-card.py"),
                        str(N_OBSERVATIONS), str(N_SLOTS), time.strftime("%Y-%m-%d", time.gmtime())],
                       stdout=out, check=True)
    server = Server(data, tmp)
    kills = 0
    try:
        def add_account(card):
            result = ctl("--data-dir", card, "account", "add", "--server", server.base, "--patient", PATIENT,
                         "--token-stdin", "--ca-file", server.ca, stdin=TOKEN + "\n")
            check(result.returncode == 0, f"account add: {result.stderr}")

        # 1. The reference: one uncut first sync.
        reference = os.path.join(tmp, "card")
        add_account(reference)
        t0 = time.monotonic()
        summary = sync_completes(reference, "reference")
        full = time.monotonic() - t0
        reference_rows = rows(reference)
        log(f"first sync uncut: {full:.2f} s, {summary['fetched']} resources, {summary['pages']} pages")
        check(len(reference_rows) == N_OBSERVATIONS + N_SLOTS + 3, f"reference holds {len(reference_rows)} rows")

        # 2. Kills during a large first pull.  The window starts at 80 % of
        # the uncut run and shrinks whenever a sync finished before its kill
        # (a run's length varies with the machine's load).
        t_pull = 0.8 * full
        pull_kills = 0
        for k in range(MAX_PULL_ROUNDS):
            if pull_kills >= PULL_KILLS:
                break
            card = os.path.join(tmp, f"pull-{k}")
            add_account(card)
            delay, finished, where = sync_killed(card, 0.02, t_pull, rng, f"pull round {k}")
            kills += not finished
            pull_kills += not finished
            if finished:
                t_pull *= 0.8
            held = len(rows(card, with_json=False))
            sync_completes(card, f"pull round {k}")
            check(rows(card) == reference_rows, f"pull round {k}: the mirror differs from the reference")
            log(f"pull round {k}: killed after {delay:.2f} s at “{where}” ({held} rows committed)"
                + (" — had finished" if finished else "") + "; next sync completed, mirror equal")
            check(time.monotonic() - started < TIME_LIMIT, "out of time")

        # 3. Kills while edits are pushed.
        booked = []      # client UUIDs of every booking
        cancelled = []   # server ids of every cancelled visit
        t_push = 0.3  # the window: shrinks when a sync finished before the kill, grows when killed
        push_kills = 0
        for k in range(MAX_PUSH_ROUNDS):
            if push_kills >= PUSH_KILLS:
                break
            free = [r[0] for r in query(reference, "SELECT id FROM resource WHERE type = 'Slot' AND deleted = 0 "
                                        "AND json_extract(json, '$.status') = 'free' ORDER BY id")]
            visits = [r[0] for r in query(reference, "SELECT id FROM resource WHERE type = 'Appointment' "
                                          "AND deleted = 0 AND local = 0 "
                                          "AND json_extract(json, '$.status') = 'booked' ORDER BY id")]
            edits = []
            for slot in rng.sample(free, min(3, len(free))):
                result = ctl("--data-dir", reference, "book", slot, "--reason", f"Раунд {k}")
                check(result.returncode == 0, f"book {slot}: {result.stderr}")
                booked.append(result.stdout.split("\n")[0].split("/", 1)[1])
                edits.append(f"book {slot}")
            for visit in rng.sample(visits, min(2, len(visits))):
                result = ctl("--data-dir", reference, "cancel", visit, "--reason", "Передумала")
                check(result.returncode == 0, f"cancel {visit}: {result.stderr}")
                cancelled.append(visit)
                edits.append(f"cancel {visit}")

            delay, finished, where = sync_killed(reference, 0.005, 0.9 * t_push, rng, f"push round {k}")
            kills += not finished
            push_kills += not finished
            pending = query(reference, "SELECT count(*) FROM outbox")[0][0]
            t0 = time.monotonic()
            sync_completes(reference, f"push round {k}")
            took = time.monotonic() - t0
            log(f"push round {k}: {', '.join(edits)}; killed after {delay:.2f} s at “{where}”, "
                f"{pending} edits still queued" + (" — had finished" if finished else "")
                + f"; next sync completed in {took:.2f} s, outbox empty")
            t_push = t_push * 0.7 if finished else min(1.0, t_push * 1.1)
            check(time.monotonic() - started < TIME_LIMIT, "out of time")

        check(pull_kills >= PULL_KILLS and push_kills >= PUSH_KILLS,
              f"only {pull_kills} pulls and {push_kills} pushes were killed before they finished")

        # 4. The server: every booking once, every cancellation applied.
        appointments = server.search(f"Appointment?patient=Patient/{PATIENT}&_count=1000")
        by_uuid = {}
        for a in appointments:
            for identifier in a.get("identifier", []):
                if identifier.get("system") == "urn:ietf:rfc:3986":
                    by_uuid.setdefault(identifier["value"].removeprefix("urn:uuid:"), []).append(a)
        for uuid in booked:
            check(len(by_uuid.get(uuid, [])) == 1, f"booking {uuid} is on the server "
                  f"{len(by_uuid.get(uuid, []))} times")
        check(len(appointments) == len(booked), f"{len(appointments)} appointments on the server, "
              f"{len(booked)} booked")
        status = {a["id"]: a["status"] for a in appointments}
        for visit in cancelled:
            check(status.get(visit) == "cancelled", f"{visit} is {status.get(visit)} on the server")
        check(sum(1 for s in status.values() if s == "booked") == len(booked) - len(cancelled),
              "booked visits on the server do not match")
        busy = sum(1 for s in server.search("Slot?_count=1000") if s["status"] == "busy")
        check(busy == len(booked) - len(cancelled), f"{busy} busy slots on the server")

        compared = assert_mirror_equals_server(reference, server)
        log(f"{kills} kills; {len(booked)} bookings once each, {len(cancelled)} cancelled; "
            f"mirror = server for {compared} resources (versionIds); outbox empty")
        return 0
    finally:
        server.stop()
        subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    sys.exit(main())
