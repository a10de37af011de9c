#!/usr/bin/env python3
"""Per-gate table of a paired-rounds accuracy study (`AB=1 KEEP=DIR ci/gate-accuracy.sh`).

usage: ci/gate-accuracy-rounds.py KEEP_DIR TSV [SPIN_MS [ROUTE…]]

For each gate in TSV (gate-accuracy.sh's output) it reads the kept blocks DIR/gate-N/
{current,reference}-R.json and prints, per ROUTE (default: choices and emotional-state), the
Hodges-Lehmann estimate of the rounds' log ratios of block medians (as a % change) and its
one-sided exact Wilcoxon signed-rank p-value: what the gate judged, recomputed from the files.
With SPIN_MS it also prints the slowdown asked of the first route: SPIN_MS divided by that
route's median over the reference blocks, since a fixed spin is a different share of a route
whose speed drifts from hour to hour.
"""
import json
import math
import os
import statistics
import sys

DEFAULT_ROUTES = [
    "POST /api/patient/sessions/{session_id}/choices",
    "POST /api/patient/sessions/{session_id}/emotional-state",
]


def hodges_lehmann(d):
    return statistics.median((d[i] + d[j]) / 2 for i in range(len(d)) for j in range(i, len(d)))


def wilcoxon_greater(d):
    """P(W+ >= observed) under symmetric signs; midranks for ties, counted on doubled ranks."""
    d = [x for x in d if x != 0]
    order = sorted(range(len(d)), key=lambda i: abs(d[i]))
    ranks = [0] * len(d)
    i = 0
    while i < len(d):
        j = i
        while j + 1 < len(d) and abs(d[order[j + 1]]) == abs(d[order[i]]):
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = i + j + 2  # doubled midrank
        i = j + 1
    counts = {0: 1}
    for r in ranks:
        nxt = dict(counts)
        for s, c in counts.items():
            nxt[s + r] = nxt.get(s + r, 0) + c
        counts = nxt
    observed = sum(r for r, x in zip(ranks, d) if x > 0)
    return sum(c for s, c in counts.items() if s >= observed) / 2 ** len(d)


def median_of(path, route):
    return json.load(open(path))["routes"][route]["summary"]["p50_ms"]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    keep, tsv = sys.argv[1], sys.argv[2]
    spin = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    routes = sys.argv[4:] or DEFAULT_ROUTES
    header = ["gate", "exit", "s", "rounds", "ref median ms", "asked %"]
    for r in routes:
        header += [f"{r.split('/')[-1]} est %", "p"]
    print("\t".join(header + ["failed checks"]))
    for line in open(tsv):
        gate, code, seconds, failed = line.rstrip("\n").split("\t")[:4]
        d = os.path.join(keep, f"gate-{gate}")
        if not os.path.isdir(d):
            continue
        rounds = sum(1 for f in os.listdir(d) if f.startswith("current-"))
        row = [gate, code, seconds, str(rounds)]
        cells = []
        ref_medians = []
        for n, route in enumerate(routes):
            diffs = []
            for i in range(1, rounds + 1):
                try:
                    cur = median_of(f"{d}/current-{i}.json", route)
                    ref = median_of(f"{d}/reference-{i}.json", route)
                except (KeyError, FileNotFoundError):
                    continue  # as in the gate, a round without the route is left out
                diffs.append(math.log(cur / ref))
                if n == 0:
                    ref_medians.append(ref)
            if diffs:
                cells += [f"{100 * math.expm1(hodges_lehmann(diffs)):+.1f}",
                          f"{wilcoxon_greater(diffs):.2g}"]
            else:
                cells += ["-", "-"]
        ref_median = statistics.median(ref_medians) if ref_medians else float("nan")
        row += [f"{ref_median:.3f}", f"{100 * spin / ref_median:.1f}" if spin else "-"]
        print("\t".join(row + cells + [failed or "-"]))


if __name__ == "__main__":
    main()
