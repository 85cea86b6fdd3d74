#!/usr/bin/env python3
"""Counts the test cases meson ran (TAP subtests of each test program) and
prints the closing line "Tests: N passed, N failed, N skipped"."""
import json
import re
import sys

passed = failed = skipped = 0
programs = 0
with open(sys.argv[1], encoding="utf-8") as log:
    for line in log:
        entry = json.loads(line)
        programs += 1
        result = entry.get("result", "")
        out = entry.get("stdout") or ""
        cases = re.findall(r"^(not ok|ok)\b[^\n]*", out, re.M)
        if not cases:
            # A program that is a single check (validation, po, …).
            if result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif result == "SKIP":
                skipped += 1
            else:
                failed += 1
            continue
        for case in cases:
            if case.startswith("not ok"):
                if "# TODO" in case:
                    continue
                failed += 1
            elif "# SKIP" in case or "# skip" in case:
                skipped += 1
            else:
                passed += 1
        if result not in ("OK", "EXPECTEDFAIL", "SKIP") and not any(c.startswith("not ok") for c in cases):
            failed += 1  # crashed or timed out after its last reported case

print(f"{programs} test programs")
print(f"Tests: {passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
