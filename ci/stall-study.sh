#!/usr/bin/env bash
# Coordinated omission, measured: the same stall seen by the closed model and by the open one.
# The embedded service stalls 200 ms every 2 s (--inject-stall 200ms/2s). Each round runs, for
# SECONDS each, the closed model (goose, 10 users, throttled to 150 req/s) and the open model
# (150 arrivals a second), and writes one line per run to OUT (default stall-study.tsv): the
# model, the rate achieved, p50/p95/p99/max over all routes (the closed model's as its users
# saw them; the open model's from each request's intended start), and the open model's service
# time (from the actual send) and lag. Without the stall too when NO_STALL=1.
# Usage: ci/stall-study.sh [ROUNDS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
seconds=${2:-20}
out=${OUT:-stall-study.tsv}
stall=${STALL:-200ms/2s}
cargo build --release -q
bin=target/release/tta-bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp scenarios/patient.yaml scenarios/clinician.yaml "$work/"
cat > "$work/profiles.yaml" <<YAML
mix:
  patient: 3
  clinician: 1
profiles:
  co150:
    users: 10
    ramp_up_s: 0
    duration_s: $seconds
    think_scale: 0.02
    max_requests: 1000000
    throttle_rps: 150
    sla: { p95_ms: 1000, success_rate: 0.99 }
    source: "ci/stall-study.sh: 150 req/s, closed (10 users, throttled) or open (150 arrivals/s)"
YAML
faults=(--inject-stall "$stall")
[ "${NO_STALL:-0}" = 1 ] && faults=()
printf 'round\tmodel\tstall\treq_per_s\tp50_ms\tp95_ms\tp99_ms\tmax_ms\tservice_p95_ms\tservice_p99_ms\tlag_p99_ms\tdropped\n' > "$out"
for r in $(seq "$rounds"); do
  for model in closed open; do
    flags=()
    [ "$model" = open ] && flags=(--rate 150/s)
    "$bin" load --scenario-dir "$work" --profile co150 "${faults[@]}" "${flags[@]}" \
      --out "$work/run.json" > /dev/null 2>&1 || [ $? = 1 ]
    python3 - "$work/run.json" "$r" "$model" "${faults[1]:-none}" >> "$out" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
t = run["totals"]
lag, dropped = "-", "-"
a = run.get("arrival")
if a:
    service = f"{a['service']['p95_ms']:.1f}\t{a['service']['p99_ms']:.1f}"
    lag, dropped = f"{a['lag']['p99_ms']:.2f}", a["dropped"]
else:
    service = "-\t-"
print(f"{sys.argv[2]}\t{sys.argv[3]}\t{sys.argv[4]}\t{t['throughput_rps']:.1f}\t{t['p50_ms']:.2f}\t{t['p95_ms']:.1f}\t{t['p99_ms']:.1f}\t{t['max_ms']:.1f}\t{service}\t{lag}\t{dropped}")
PY
    tail -1 "$out"
  done
done
