#!/usr/bin/env bash
# Measures the load generator's own cost: tta-bench's goose path and wrk (Debian) each drive
# 100 connections/users for DURATION seconds against GET /health of the same release server on
# loopback. Reports requests per CPU-second of the generator and its peak RSS, and the ratio.
# Usage: scripts/generator-cost.sh [DURATION_S]   (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10}
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

measure wrk -t2 -c100 -d"${duration}s" --latency "$url/health"
read -r u s rss < "$out/time"
wrk_req=$(awk '/requests in/ {print $1}' "$out/stdout")
wrk_cpu=$(python3 -c "print($u + $s)")
wrk_rss=$rss

python3 - "$tta_req" "$tta_cpu" "$tta_rss" "$wrk_req" "$wrk_cpu" "$wrk_rss" "$duration" <<'PY'
import sys
tr, tc, tm, wr, wc, wm, d = (float(x) for x in sys.argv[1:])
tpc, wpc = tr / tc, wr / wc
print(f"tta-bench (goose): {tr:.0f} requests in {d:.0f} s = {tr/d:.0f} req/s, {tc:.1f} CPU-s -> {tpc:.0f} req per CPU-s, peak RSS {tm/1024:.1f} MiB")
print(f"wrk:               {wr:.0f} requests in {d:.0f} s = {wr/d:.0f} req/s, {wc:.1f} CPU-s -> {wpc:.0f} req per CPU-s, peak RSS {wm/1024:.1f} MiB")
print(f"ratio (tta-bench / wrk, requests per CPU-second): {tpc/wpc:.2f}")
PY
