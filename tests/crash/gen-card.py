#!/usr/bin/env python3
"""A large medical card for the crash-safety test: one patient with many
Observations (so a first pull takes a few seconds), one doctor with a
schedule and free slots from tomorrow on (to book and cancel). NDJSON on
stdout; deterministic for a given N and START (a date, YYYY-MM-DD).

Usage: gen-card.py N_OBSERVATIONS N_SLOTS START
SPDX-License-Identifier: GPL-3.0-or-later
"""
import datetime
import json
import sys

n_obs, n_slots = int(sys.argv[1]), int(sys.argv[2])
start = datetime.date.fromisoformat(sys.argv[3])
META = {"versionId": "1", "lastUpdated": "2025-03-14T09:00:00Z"}
PATIENT = "crash-patient"


def out(resource):
    resource["meta"] = dict(META)
    sys.stdout.write(json.dumps(resource, ensure_ascii=False, separators=(",", ":")) + "\n")


out({"resourceType": "Patient", "id": PATIENT, "name": [{"family": "Крашева", "given": ["Анна"]}],
     "gender": "female", "birthDate": "1980-05-17"})
out({"resourceType": "Practitioner", "id": "crash-doctor", "name": [{"family": "Терапевтов", "given": ["Иван"]}]})
out({"resourceType": "Schedule", "id": "crash-schedule", "active": True,
     "actor": [{"reference": "Practitioner/crash-doctor"}]})
for i in range(n_slots):
    day = start + datetime.timedelta(days=1 + i // 8)
    hour, minute = 9 + (i % 8) // 2, 30 * (i % 2)
    begin = f"{day.isoformat()}T{hour:02d}:{minute:02d}:00+00:00"
    end = f"{day.isoformat()}T{hour:02d}:{minute + 20:02d}:00+00:00"
    out({"resourceType": "Slot", "id": f"crash-slot-{i:03d}", "schedule": {"reference": "Schedule/crash-schedule"},
         "status": "free", "start": begin, "end": end})
CODES = [("718-7", "Гемоглобин", "g/L", 120, 160), ("6690-2", "Лейкоциты", "10*9/L", 4, 9),
         ("2345-7", "Глюкоза", "mmol/L", 3.9, 6.1), ("2093-3", "Холестерин", "mmol/L", 3.0, 5.2)]
for i in range(n_obs):
    code, text, unit, low, high = CODES[i % len(CODES)]
    value = round(low + (high - low) * ((i * 37) % 100) / 80, 1)
    day = datetime.date(2020, 1, 1) + datetime.timedelta(days=i % 1800)
    out({"resourceType": "Observation", "id": f"crash-obs-{i:05d}", "status": "final",
         "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                   "code": "laboratory"}]}],
         "code": {"coding": [{"system": "http://loinc.org", "code": code, "display": text}], "text": text},
         "subject": {"reference": f"Patient/{PATIENT}"}, "effectiveDateTime": f"{day.isoformat()}T08:00:00+03:00",
         "valueQuantity": {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit},
         "referenceRange": [{"low": {"value": low, "unit": unit}, "high": {"value": high, "unit": unit}}],
         "note": [{"text": f"Анализ № {i}, взят натощак в процедурном кабинете поликлиники"}]})
