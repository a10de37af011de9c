#!/usr/bin/env bash
# Measures the load generator's own cost against GET /health of one release server on loopback,
# for DURATION seconds each: tta-bench's goose path (closed, 100 users), its open model at RATE
# arrivals a second (at most 1000 in flight), and wrk (Debian; -t2 -c100). Reports requests per
# CPU-second of each generator and its peak RSS, the ratios to wrk, and the open model's lag
# p99 and drops at that rate.
# Usage: scripts/generator-cost.sh [DURATION_S] [RATE]   (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10}
rate=${2:-20000}
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
read -r u s rss < "$out/time"
tta_req=$(python3 -c "import json;print(json.load(open('$out/run.json'))['totals']['count'])")
tta_cpu=$(python3 -c "print($u + $s)")
tta_rss=$rss

measure $bin load --scenario-dir scenarios/generator-cost --profile capacity --duration "$duration" \
    --rate "$rate/s" --max-in-flight 1000 --target "$url" --out "$out/open.json"
read -r u s rss < "$out/time"
open_req=$(python3 -c "import json;print(json.load(open('$out/open.json'))['totals']['count'])")
open_cpu=$(python3 -c "print($u + $s)")
open_rss=$rss
open_info=$(python3 -c "import json;a=json.load(open('$out/open.json'))['arrival'];print(f\"lag p99 {a['lag']['p99_ms']:.1f} ms, {a['dropped']} of {a['scheduled']} arrivals dropped\")")

measure wrk -t2 -c100 -d"${duration}s" --latency "$url/health"
read -r u s rss < "$out/time"
wrk_req=$(awk '/requests in/ {print $1}' "$out/stdout")
wrk_cpu=$(python3 -c "print($u + $s)")
wrk_rss=$rss

python3 - "$tta_req" "$tta_cpu" "$tta_rss" "$open_req" "$open_cpu" "$open_rss" "$wrk_req" "$wrk_cpu" "$wrk_rss" "$duration" "$rate" "$open_info" <<'PY'
import sys
tr, tc, tm, orq, oc, om, wr, wc, wm, d, rate = (float(x) for x in sys.argv[1:12])
tpc, opc, wpc = tr / tc, orq / oc, wr / wc
print(f"tta-bench (goose, closed): {tr:.0f} requests in {d:.0f} s = {tr/d:.0f} req/s, {tc:.1f} CPU-s -> {tpc:.0f} req per CPU-s, peak RSS {tm/1024:.1f} MiB")
print(f"tta-bench (open, {rate:.0f}/s): {orq:.0f} requests in {d:.0f} s = {orq/d:.0f} req/s, {oc:.1f} CPU-s -> {opc:.0f} req per CPU-s, peak RSS {om/1024:.1f} MiB; {sys.argv[12]}")
print(f"wrk:                       {wr:.0f} requests in {d:.0f} s = {wr/d:.0f} req/s, {wc:.1f} CPU-s -> {wpc:.0f} req per CPU-s, peak RSS {wm/1024:.1f} MiB")
print(f"ratios to wrk, requests per CPU-second: closed {tpc/wpc:.2f}, open {opc/wpc:.2f}")
PY
