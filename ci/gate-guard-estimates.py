#!/usr/bin/env python3
"""Each gate's per-route and counted-operation regression checks, as CSV on stdout.

usage: ci/gate-guard-estimates.py STUDY DIR

DIR holds a guard study's verdicts (gate-N.json, as ci/gate-guard-study.sh keeps them, or
vN.json). Columns: study, gate, check, status, change in per cent (the verdict's estimate),
one-sided p of "worse" (empty for instruction counts, which are not tested).
"""

import csv
import glob
import json
import os
import re
import sys


def main(study, directory):
    out = csv.writer(sys.stdout)
    out.writerow(["study", "gate", "check", "status", "change_pct", "p_worse"])
    files = glob.glob(os.path.join(directory, "gate-*.json")) or glob.glob(os.path.join(directory, "v*.json"))
    number = lambda f: int(re.search(r"(\d+)\.json$", f).group(1))
    for f in sorted(files, key=number):
        v = json.load(open(f))
        for c in v["checks"]:
            name = c["name"]
            if c["kind"] != "regression" or not (name.startswith("median ") or name.startswith("instructions ")):
                continue
            detail = c["detail"] or ""
            change = re.match(r"([+-][0-9.]+) %", detail)
            p = re.search(r"p = ([0-9.]+) worse", detail)
            out.writerow([study, number(f), name, c["status"], change.group(1) if change else "", p.group(1) if p else ""])


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
