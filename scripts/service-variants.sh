#!/usr/bin/env bash
# Two builds' services, each as deployed (database file in WAL mode, JSON log at info), loaded
# in turn by the smoke profile, ROUNDS rounds interleaved: per route p50, WAL bytes per request,
# WAL MB/min and throughput, medians over the rounds, as TSV on stdout.
#   scripts/service-variants.sh A_BINARY B_BINARY [ROUNDS]
# Run from the repository root on a quiet machine (nothing building).
set -euo pipefail
A=$1 B=$2 ROUNDS=${3:-3}
OUT=$(mktemp -d)
for round in $(seq "$ROUNDS"); do
  for side in A B; do
    bin=${!side}
    dir=$(mktemp -d)
    "$bin" serve --db "$dir/t.db" --log-file "$dir/s.log" --rate-limit off --seed-users 16 > "$dir/url" 2>/dev/null &
    pid=$!
    for _ in $(seq 50); do [ -s "$dir/url" ] && break; sleep 0.1; done
    "$bin" load --profile smoke --target "$(head -1 "$dir/url")" --out "$OUT/$side-$round.json" > /dev/null 2>&1
    kill "$pid"; wait "$pid" 2>/dev/null || true; rm -rf "$dir"
  done
done
python3 - "$OUT" <<'PY'
import glob, json, statistics as st, sys
out = sys.argv[1]
rows = {}
for side in "AB":
    for f in sorted(glob.glob(f"{out}/{side}-*.json")):
        r = json.load(open(f))
        for route, s in r["routes"].items():
            rows.setdefault(f"p50 ms {route}", {}).setdefault(side, []).append(s["summary"]["p50_ms"])
        w, n = r["service_writes"], r["totals"]["count"]
        rows.setdefault("WAL bytes per request", {}).setdefault(side, []).append(w["wal_bytes"] / n)
        rows.setdefault("WAL MB/min", {}).setdefault(side, []).append(w["wal_bytes"] / 1e6 / (w["seconds"] / 60))
        rows.setdefault("throughput req/s", {}).setdefault(side, []).append(r["totals"]["throughput_rps"])
print("figure\tA\tB\tB/A")
for k, d in rows.items():
    a, b = st.median(d["A"]), st.median(d["B"])
    print(f"{k}\t{a:.3f}\t{b:.3f}\t{b / a:.3f}")
PY
rm -rf "$OUT"
