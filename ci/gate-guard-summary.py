#!/usr/bin/env python3
"""Summarises ci/gate-guard-study.sh output per class of what the gate judges.

usage: ci/gate-guard-summary.py AA.tsv SLOW.tsv [ESTIMATES.csv]

For each class (busy patient routes, quiet routes: the clinician routes, login, session
creation and the check-in, and micro operations) it prints, over the A/A gates, how many
gates failed a check of that class, and over the slowed gates, how often the slowed
route or operation failed by name and how many gates failed a check of the class that was
not slowed. Gate 0 of a slowed study only sizes the spins and is left out. With
ESTIMATES.csv (ci/gate-guard-estimates.py of both studies' verdicts, studies named "aa" and
"slow"), it also prints the range of the estimated changes per class: of the checks slowed
(by share asked) and of all the others.
"""

import csv
import sys

BUSY = {
    "GET /api/patient/sessions/{session_id}",
    "PATCH /api/patient/sessions/{session_id}/progress",
    "POST /api/patient/sessions/{session_id}/choices",
    "POST /api/patient/sessions/{session_id}/emotional-state",
    "POST /api/patient/sessions/{session_id}/interventions",
}


def klass(check):
    """The class of a failed check's name, or None for the rest (SLAs, totals, completeness)."""
    if check.startswith("instructions "):
        return "micro"
    if check.startswith("median ") and check.endswith(" vs baseline"):
        route = check[len("median ") : -len(" vs baseline")]
        return "busy" if route in BUSY else "quiet"
    return None


def rows(path):
    with open(path, newline="") as f:
        for r in csv.reader(f, delimiter="\t"):
            if r and r[0] != "0":
                yield {
                    "gate": r[0],
                    "code": r[1],
                    "seconds": int(r[2]),
                    "injected": r[3],
                    "failed": [] if r[4] == "-" else r[4].split("; "),
                }


def slowed(injected):
    """(name of the check that must fail, class, share) for each slowdown of a gate."""
    out = []
    for part in injected.split(" (")[0].split("; "):
        name, share = part.rsplit(" +", 1)
        if "/" in name and " " not in name:
            out.append((f"instructions {name} vs baseline", "micro", share))
        else:
            out.append((f"median {name} vs baseline", klass(f"median {name} vs baseline"), share))
    return out


def main(aa_path, slow_path):
    aa = list(rows(aa_path))
    slow = list(rows(slow_path))
    for title, data in (("A/A", aa), ("slowed", slow)):
        secs = sorted(r["seconds"] for r in data)
        if secs:
            print(f"{title}: {len(data)} gates, {secs[0]}-{secs[-1]} s (median {secs[len(secs) // 2]} s), exit codes {sorted(set(r['code'] for r in data))}")
    print()
    print("class\tA/A gates with a false alarm\tslowed: detected\tslowed gates with a false alarm")
    for k in ("busy", "quiet", "micro"):
        aa_false = sum(any(klass(c) == k for c in r["failed"]) for r in aa)
        detected = {}
        false_gates = 0
        for r in slow:
            wanted = slowed(r["injected"])
            for name, cls, share in wanted:
                if cls == k:
                    hit, n = detected.get(share, (0, 0))
                    detected[share] = (hit + (name in r["failed"]), n + 1)
            names = {w[0] for w in wanted}
            if any(klass(c) == k and c not in names for c in r["failed"]):
                false_gates += 1
        shown = ", ".join(f"+{s}: {h}/{n}" for s, (h, n) in sorted(detected.items())) or "-"
        print(f"{k}\t{aa_false}/{len(aa)}\t{shown}\t{false_gates}/{len(slow)}")
    print()
    aa_failed = sum(r["code"] == "1" for r in aa)
    print(f"A/A verdicts failed: {aa_failed}/{len(aa)}")
    for r in aa:
        if r["failed"]:
            print(f"  A/A gate {r['gate']}: {'; '.join(r['failed'])}")
    for r in slow:
        extra = [c for c in r["failed"] if c not in {w[0] for w in slowed(r["injected"])}]
        missed = [w[0] for w in slowed(r["injected"]) if w[0] not in r["failed"]]
        if extra or missed:
            print(f"  slowed gate {r['gate']}: missed {missed or '-'}; also failed {extra or '-'}")


def estimates(path, slow_path):
    asked = {r["gate"]: {w[0]: w[2] for w in slowed(r["injected"])} for r in rows(slow_path)}
    groups = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            if r["gate"] == "0" or not r["change_pct"]:
                continue
            share = asked.get(r["gate"], {}).get(r["check"]) if r["study"] == "slow" else None
            key = (klass(r["check"]), f"slowed +{share}" if share else "not slowed")
            groups.setdefault(key, []).append(float(r["change_pct"]))
    print()
    print("class\tchecks\tn\testimated change, min / median / max (%)")
    for (k, what), v in sorted(groups.items()):
        v.sort()
        print(f"{k}\t{what}\t{len(v)}\t{v[0]:+.1f} / {v[len(v) // 2]:+.1f} / {v[-1]:+.1f}")


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
    if len(sys.argv) == 4:
        estimates(sys.argv[3], sys.argv[2])
