#!/usr/bin/env python3
"""Sync benchmark (not a test): a doctor's first sync of a whole clinic from
medkarta-test-server over loopback HTTPS, against curl fetching the same
pages back to back; a re-sync with no changes; resident memory over time.

    dbus-run-session -- build-aux/test-session.sh python3 tests/bench/bench-sync.py [N]

N patients (default 2000 ≈ 50 000 resources, gen-clinic.py). Every
Appointment also names the doctor `bench-doctor`, so the doctor's patients
are the whole clinic. BENCH_BUILD_DIR (default _build-bench, configured and
built if needed), BENCH_REPS (default 3; medians).

The baseline's requests: the engine does not log queries and the test
server keeps no request log, so the script rebuilds the engine's queries
(docs/sync.md, Pull: own searches, the compartments as one search by POST
per type for more than 50 patients, look-ups by id,
`_sort=_lastUpdated&_count=100`, then one `GET Binary/<id>` per document
file), follows every `next` link once (untimed)
and prints how many requests that makes next to the sync's own count; curl
then sends that list in one process (`curl --config`, entries separated by
`next`), bodies to /dev/null.

SPDX-License-Identifier: GPL-3.0-or-later
"""
import json
import os
import signal
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

N = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
REPS = max(1, int(os.environ.get("BENCH_REPS", "3")))
SOURCE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.abspath(os.environ.get("BENCH_BUILD_DIR", os.path.join(SOURCE, "_build-bench")))
CTL = os.path.join(BUILD, "src", "cli", "medkartactl")
SERVER = os.path.join(BUILD, "tests", "server", "medkarta-test-server")
TOKEN = "bench-token"
DOCTOR = "bench-doctor"
PAGE = 100
IDS = 50          # ids in one URL
IDS_PER_POST = 5000  # ids in one search by POST
COMPARTMENT = ["Encounter", "Condition", "Observation", "DiagnosticReport", "Immunization", "Procedure",
               "AllergyIntolerance", "MedicationRequest", "MedicationDispense", "DocumentReference",
               "Appointment", "Consent", "AuditEvent", "Provenance"]
REFERENCED = ["Organization", "Location", "Practitioner", "PractitionerRole", "HealthcareService",
              "Schedule", "Medication"]


def build():
    if not os.path.exists(os.path.join(BUILD, "build.ninja")):
        subprocess.run(["meson", "setup", BUILD, SOURCE], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["ninja", "-C", BUILD, "src/cli/medkartactl", "tests/server/medkarta-test-server"],
                   check=True, stdout=subprocess.DEVNULL)


def make_clinic(work):
    raw = os.path.join(work, "clinic.ndjson")
    subprocess.run([sys.executable, os.path.join(SOURCE, "tests", "bench", "gen-clinic.py"), str(N), raw, "--binaries"],
                   check=True, stdout=subprocess.DEVNULL)
    data = os.path.join(work, "doctor.ndjson")
    count = 0
    with open(raw) as src, open(data, "w") as out:
        out.write(json.dumps({"resourceType": "Practitioner", "id": DOCTOR,
                              "meta": {"versionId": "1", "lastUpdated": "2025-03-14T09:00:00Z"},
                              "name": [{"family": "Бенчмарков", "given": ["Пётр"]}]}, ensure_ascii=False) + "\n")
        for line in src:
            resource = json.loads(line)
            if resource["resourceType"] == "Appointment":
                resource["participant"].append({"actor": {"reference": f"Practitioner/{DOCTOR}"},
                                                "status": "accepted"})
            out.write(json.dumps(resource, ensure_ascii=False, separators=(",", ":")) + "\n")
            count += 1
    return data, count + 1, os.path.getsize(data)


class Server:
    def __init__(self, data, work):
        self.process = subprocess.Popen([SERVER, "--data", data, "--token", TOKEN,
                                         "--tls-dir", os.path.join(work, "tls")], stdout=subprocess.PIPE, text=True)
        self.base = self.ca = None
        while self.base is None or self.ca is None:
            line = self.process.stdout.readline()
            if not line:
                sys.exit("the test server did not start")
            key, _, value = line.strip().partition("=")
            if key == "base_url":
                self.base = value
            elif key == "ca_file":
                self.ca = value
        self.context = ssl.create_default_context(cafile=self.ca)

    def get(self, url, form=None):
        headers = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/fhir+json"}
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(url, headers=headers,
                                         data=form.encode() if form is not None else None)
        with urllib.request.urlopen(request, context=self.context, timeout=60) as answer:
            return json.load(answer)

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait()


def run_sync(card, sample_rss=False):
    """(seconds, summary, [(t, rss_kib)])"""
    samples = []
    t0 = time.perf_counter()
    err_file = tempfile.TemporaryFile(mode="w+")  # not a pipe: progress lines must never block the sync
    process = subprocess.Popen([CTL, "--data-dir", card, "sync", "--json"], stdout=subprocess.PIPE,
                               stderr=err_file, text=True)
    status = f"/proc/{process.pid}/status"
    while sample_rss and process.poll() is None:
        try:
            with open(status) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        samples.append((time.perf_counter() - t0, int(line.split()[1])))
        except OSError:
            pass
        time.sleep(0.02)
    out, _ = process.communicate()
    seconds = time.perf_counter() - t0
    if process.returncode != 0:
        err_file.seek(0)
        sys.exit(f"sync failed ({process.returncode}): {err_file.read().strip().splitlines()[-1:]}")
    return seconds, json.loads(out), samples


def add_account(card, server):
    subprocess.run([CTL, "--data-dir", card, "account", "add", "--server", server.base, "--practitioner", DOCTOR,
                    "--token-stdin", "--ca-file", server.ca], input=TOKEN + "\n", text=True, check=True,
                   stdout=subprocess.DEVNULL)


def engine_queries(card):
    """The first sync's queries, rebuilt from the mirror (see the docstring):
    (type, form) pairs; a form with more than IDS ids is a search by POST."""
    import sqlite3
    db = sqlite3.connect(os.path.join(card, "medkarta.db"))
    ids = {}
    for t, i in db.execute("SELECT type, id FROM resource WHERE deleted = 0 ORDER BY type, id"):
        ids.setdefault(t, []).append(i)
    patients = sorted(db.execute("SELECT value FROM meta WHERE key = 'sync-patients'").fetchone()[0].split(","))
    db.close()

    def id_lists(t, param, items, prefix=""):
        size = IDS if len(items) <= IDS else IDS_PER_POST
        return [(t, f"{param}=" + ",".join(prefix + i for i in items[k:k + size]))
                for k in range(0, len(items), size)]

    queries = [("Practitioner", f"_id={DOCTOR}"),
               ("PractitionerRole", f"practitioner=Practitioner/{DOCTOR}"),
               ("Appointment", f"actor=Practitioner/{DOCTOR}"),
               ("Encounter", f"practitioner=Practitioner/{DOCTOR}"),
               ("Schedule", f"actor=Practitioner/{DOCTOR}")]
    queries += id_lists("Patient", "_id", patients)
    for t in COMPARTMENT:
        queries += id_lists(t, "patient", patients, "Patient/")
    # Look-ups by id of what the pages referred to.
    for t in REFERENCED:
        wanted = [i for i in ids.get(t, []) if not (t == "Practitioner" and i == DOCTOR)]
        if t == "PractitionerRole" or not wanted:
            continue
        queries += id_lists(t, "_id", wanted)
        if t == "Practitioner":
            queries += id_lists("PractitionerRole", "practitioner", wanted, "Practitioner/")
    return queries


def page_requests(server, queries):
    """(url, form or None) of every page: the first page of a search by
    POST is a POST, the pages after it the server's next links."""
    pages = []
    for t, form in queries:
        form = f"{form}&_sort=_lastUpdated&_count={PAGE}"
        if form.count(",") + 1 > IDS:
            url, body = f"{server.base}/{t}/_search", form
        else:
            url, body = f"{server.base}/{t}?{form}", None
        while url:
            pages.append((url, body))
            bundle = server.get(url, body)
            url, body = next((link["url"] for link in bundle.get("link", []) if link["relation"] == "next"), None), None
    return pages


def binary_requests(card, server):
    """The documents' files, one GET Binary/<id> each, as the sync fetches them."""
    import sqlite3
    db = sqlite3.connect(os.path.join(card, "medkarta.db"))
    ids = [i for (i,) in db.execute("SELECT id FROM resource WHERE type = 'Binary' AND deleted = 0 ORDER BY id")]
    db.close()
    return [(f"{server.base}/Binary/{i}", None) for i in ids]


def run_curl(server, pages, work):
    config = os.path.join(work, "curl.cfg")
    common = (f'cacert = "{server.ca}"\nheader = "Authorization: Bearer {TOKEN}"\n'
              'header = "Accept: application/fhir+json"\nsilent\nfail\n')
    with open(config, "w") as f:
        for n, (url, body) in enumerate(pages):
            if n > 0:
                f.write("next\n")
            f.write(common + f'url = "{url}"\noutput = "/dev/null"\n')
            if body is not None:
                form = os.path.join(work, f"form-{n}")
                with open(form, "w") as out:
                    out.write(body)
                f.write(f'data-binary = "@{form}"\n'
                        'header = "Content-Type: application/x-www-form-urlencoded"\n')
    t0 = time.perf_counter()
    subprocess.run(["curl", "--config", config], check=True)
    return time.perf_counter() - t0


def fmt(seconds):
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1000:.0f} ms"


def main():
    build()
    work = tempfile.mkdtemp(prefix="medkarta-bench-sync-")
    data, n_resources, size = make_clinic(work)
    server = Server(data, work)
    try:
        full, resync, resync3, curl, rss_runs = [], [], [], [], []
        summary = resummary = resummary3 = None
        for rep in range(REPS):
            card = os.path.join(work, f"card-{rep}")
            add_account(card, server)
            seconds, summary, samples = run_sync(card, sample_rss=True)
            full.append(seconds)
            rss_runs.append((seconds, samples))
            print(f"rep {rep}: full sync {fmt(seconds)}, {summary}", file=sys.stderr, flush=True)
            seconds, resummary, _ = run_sync(card)
            resync.append(seconds)
            seconds, resummary3, _ = run_sync(card)
            resync3.append(seconds)
            print(f"rep {rep}: re-syncs {fmt(resync[-1])} {resummary}, {fmt(seconds)} {resummary3}",
                  file=sys.stderr, flush=True)
            if rep == 0:
                urls = page_requests(server, engine_queries(card)) + binary_requests(card, server)
            curl.append(run_curl(server, urls, work))
            print(f"rep {rep}: curl {fmt(curl[-1])} for {len(urls)} pages", file=sys.stderr, flush=True)

        f, r, c = statistics.median(full), statistics.median(resync), statistics.median(curl)
        r3 = statistics.median(resync3)
        seconds, samples = rss_runs[len(rss_runs) // 2]
        points = []
        for share in (0.25, 0.5, 0.75, 1.0):
            at = [kib for t, kib in samples if t <= share * seconds]
            points.append(at[-1] / 1024 if at else float("nan"))
        peak = max(kib for _, kib in samples) / 1024
        reqs = summary["requests"]
        print(f"clinic: {N} patients, {n_resources} resources on the server ({size / 1e6:.1f} MB NDJSON); "
              f"{REPS} repetitions, medians")
        print(f"| measurement | medkarta | baseline | ratio | goal | met? |")
        print(f"|---|---|---|---|---|---|")
        print(f"| full first sync, {summary['fetched']} resources, {reqs} requests "
              f"(curl: {len(urls)} pages + metadata) | {fmt(f)} | {fmt(c)} | {f / c:.2f}× | ≤ 1.5× | "
              f"{'yes' if f / c <= 1.5 else 'no'} |")
        for label, t, sm in (("second sync (first re-sync)", r, resummary), ("third sync", r3, resummary3)):
            print(f"| {label}, no changes: {sm['requests']} requests, {sm['fetched']} fetched "
                  f"| {fmt(t)} | {fmt(f)} (full sync) | {t / f:.3f}× | ≤ 0.05× | {'yes' if t / f <= 0.05 else 'no'} |")
        print(f"| resident memory during the full sync at 25/50/75/100 % | "
              + " / ".join(f"{p:.1f}" for p in points) + f" MiB (peak {peak:.1f}) | — | — | flat | — |")
        print(f"rebuilt queries: {len(urls)} page requests vs {reqs - 1} the sync made after metadata")
        return 0
    finally:
        server.stop()
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    sys.exit(main())
