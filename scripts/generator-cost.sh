#!/usr/bin/env bash
# Measures the load generator's own cost against GET /health of one release server on loopback,
# for DURATION seconds each: tta-bench's goose path (closed, 100 users), its open model at each
# RATE in arrivals a second (at most 1000 in flight), and wrk (Debian; -t2 -c100, as fast as
# answered). Reports requests per CPU-second of each generator and its peak RSS, the ratios to
# wrk, and the open model's lag p99 and drops at each rate. Below saturation each wake-up of a
# generator carries fewer requests, so its CPU per request rises; wrk cannot hold a rate, so
# the rate nearest wrk's own is the like-for-like comparison.
# Usage: scripts/generator-cost.sh [DURATION_S] [RATE...]   (default: 10 20000 40000; needs wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10}
shift || true
rates=("$@")
[ ${#rates[@]} -eq 0 ] && rates=(20000 40000)
command -v wrk >/dev/null || { echo "generator-cost: wrk not found (apt-get install wrk)" >&2; exit 2; }
cargo build --release -q
bin=target/release/tta-bench
out=$(mktemp -d)
$bin serve --addr 127.0.0.1:0 --rate-limit off --max-in-flight 4096 > "$out/url" 2>/dev/null &
server=$!
trap 'kill -TERM $server 2>/dev/null; rm -rf "$out"' EXIT
for _ in $(seq 50); do [ -s "$out/url" ] && break; sleep 0.1; done
url=$(head -1 "$out/url")

# cpu_seconds and max_rss_kib of a command, from GNU time.
measure() { /usr/bin/time -f "%U %S %M" -o "$out/time" "$@" > "$out/stdout" 2> "$out/stderr"; }

measure $bin load --scenario-dir scenarios/generator-cost --profile capacity --duration "$duration" \
    --target "$url" --out "$out/run.json"
read -r u s rss < <(tail -1 "$out/time")
tta_req=$(python3 -c "import json;print(json.load(open('$out/run.json'))['totals']['count'])")
tta_cpu=$(python3 -c "print($u + $s)")
tta_rss=$rss

# One line per rate: rate requests cpu_s rss_kib lag_p99_ms dropped scheduled
: > "$out/open.tsv"
for rate in "${rates[@]}"; do
    # A run that misses its SLA (exit 1) still measured what it sent.
    measure $bin load --scenario-dir scenarios/generator-cost --profile capacity \
        --duration "$duration" --rate "$rate/s" --max-in-flight 1000 --target "$url" \
        --out "$out/open.json" || [ $? -eq 1 ]
    read -r u s rss < <(tail -1 "$out/time")
    python3 - "$out/open.json" "$rate" "$u" "$s" "$rss" >> "$out/open.tsv" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
a = run["arrival"]
print(sys.argv[2], run["totals"]["count"], float(sys.argv[3]) + float(sys.argv[4]), sys.argv[5],
      a["lag"]["p99_ms"], a["dropped"], a["scheduled"])
PY
done

measure wrk -t2 -c100 -d"${duration}s" --latency "$url/health"
read -r u s rss < <(tail -1 "$out/time")
wrk_req=$(awk '/requests in/ {print $1}' "$out/stdout")
wrk_cpu=$(python3 -c "print($u + $s)")
wrk_rss=$rss

python3 - "$tta_req" "$tta_cpu" "$tta_rss" "$wrk_req" "$wrk_cpu" "$wrk_rss" "$duration" "$out/open.tsv" <<'PY'
import sys
tr, tc, tm, wr, wc, wm, d = (float(x) for x in sys.argv[1:8])
tpc, wpc = tr / tc, wr / wc
print(f"tta-bench (goose, closed): {tr:.0f} requests in {d:.0f} s = {tr/d:.0f} req/s, {tc:.1f} CPU-s -> {tpc:.0f} req per CPU-s, peak RSS {tm/1024:.1f} MiB; {tpc/wpc:.2f}x wrk")
for line in open(sys.argv[8]):
    rate, n, c, m, lag, dropped, scheduled = line.split()
    n, c, m = float(n), float(c), float(m)
    print(f"tta-bench (open, {rate}/s): {n:.0f} requests in {d:.0f} s = {n/d:.0f} req/s, {c:.1f} CPU-s -> {n/c:.0f} req per CPU-s, peak RSS {m/1024:.1f} MiB; {n/c/wpc:.2f}x wrk; lag p99 {float(lag):.1f} ms, {dropped} of {scheduled} arrivals dropped")
print(f"wrk:                       {wr:.0f} requests in {d:.0f} s = {wr/d:.0f} req/s, {wc:.1f} CPU-s -> {wpc:.0f} req per CPU-s, peak RSS {wm/1024:.1f} MiB")
PY
