#!/usr/bin/env bash
# Measures what the paired gate guards, per class of what it judges: busy patient routes, quiet
# clinician routes (and login), micro operations. Runs RUNS paired gates (`gate --against` a
# copy of this same build) and writes one line per gate to OUT (default gate-guard.tsv).
#   A/A (false alarms):  MODE=aa ci/gate-guard-study.sh 20
#   detection:           MODE=slow ci/gate-guard-study.sh 20
# With MODE=slow, gate i slows, on this build only:
#   - one clinician route by QUIET % (default 25, rotating over the four), a spin of that share
#     of its median;
#   - the busy choices route by BUSY % (default 15);
#   - one micro operation by +25 % and another by +15 % of its work (rotating over the suite),
#     seen in its instruction count (`--inject-micro-work`).
# MODE=slow QUIET=15 BUSY=25 gives the other two figures.
# The medians the spins are sized from are the reference blocks' of a first A/A gate, measured
# by this script before the study (its own line, gate 0), so the slowdown asked is a share of
# what this machine measures now.
# Columns: gate, exit code, seconds, injected (route=share;…), failed checks, guarded detail.
# Each gate's verdict is kept as VERDICTS/gate-N.json (default: beside OUT, in
# verdicts-<OUT's name>/), for ci/gate-guard-estimates.py.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:?usage: MODE=aa|slow ci/gate-guard-study.sh RUNS}
mode=${MODE:-aa}
quiet_pct=${QUIET:-25}
busy_pct=${BUSY:-15}
out=${OUT:-gate-guard.tsv}
verdicts=${VERDICTS:-$(dirname "$out")/verdicts-$(basename "$out" .tsv)}
mkdir -p "$verdicts"
cargo build --release -q
snapshot=$(mktemp -d)
cp target/release/tta-bench "$snapshot/tta-bench"
cp target/release/tta-bench "$snapshot/reference"
cp thresholds.yaml "$snapshot/thresholds.yaml"
bin=$snapshot/tta-bench

gate() { # gate JSON STDERR ARGS…
    local json=$1 err=$2
    shift 2
    set +e
    "$bin" gate --thresholds "$snapshot/thresholds.yaml" --against "$snapshot/reference" \
        --json "$json" "$@" > /dev/null 2> "$err"
    local code=$?
    set -e
    return $code
}

summary() { # summary JSON: failed checks TAB the completeness check's detail
    python3 - "$1" <<'EOF'
import json, sys
v = json.load(open(sys.argv[1]))
failed = [c["name"] for c in v["checks"] if c["status"] == "fail"]
guard = next((c["detail"] for c in v["checks"] if c["name"] == "routes and micro operations guarded against regression"), "-")
print("; ".join(failed) or "-", guard, sep="\t")
EOF
}

: > "$out"
medians=$snapshot/medians.json
if [ "$mode" = slow ]; then
    # Gate 0: an A/A gate whose reference blocks size the spins.
    json=$snapshot/v0.json
    started=$(date +%s)
    code=0
    gate "$json" "$snapshot/err" --keep-runs "$snapshot/keep0" || code=$?
    python3 - "$snapshot/keep0" > "$medians" <<'EOF'
import glob, json, sys
# Medians of the reference blocks' per-block medians, in ms (from each route's summary).
per = {}
for f in glob.glob(sys.argv[1] + "/reference-*.json"):
    for route, s in json.load(open(f))["routes"].items():
        per.setdefault(route, []).append(s["summary"]["p50_ms"])
print(json.dumps({r: sorted(v)[len(v) // 2] for r, v in per.items()}))
EOF
    cp "$json" "$verdicts/gate-0.json"
    printf '0\t%s\t%s\tsizing\t%s\n' "$code" "$(( $(date +%s) - started ))" "$(summary "$json")" >> "$out"
fi

# The suite's operations, in order: the count worker names them (0 counted calls: a few ms).
mapfile -t ops < <("$bin" micro-worker --count 0 | cut -d" " -f1)
# Each route as the runs name it, and its template as --inject-delay takes it.
clinician=(
    "GET /api/clinical/dashboard/{username}|/api/clinical/dashboard/{clinician_id}"
    "GET /api/clinical/alerts|/api/clinical/alerts"
    "GET /api/clinical/patients/{patient_id}/progress|/api/clinical/patients/{id}/progress"
    "POST /api/clinical/alerts/{alert_id}/acknowledge|/api/clinical/alerts/{id}/acknowledge"
)
busy="POST /api/patient/sessions/{session_id}/choices|/api/patient/sessions/{id}/choices"
failed=0
for i in $(seq "$runs"); do
    args=()
    injected=aa
    if [ "$mode" = slow ]; then
        route=${clinician[$(( (i - 1) % 4 ))]}
        delays=$(python3 - "$medians" "$route" "$busy" "$quiet_pct" "$busy_pct" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
(quiet, quiet_t), (busy, busy_t) = (a.split("|") for a in sys.argv[2:4])
q, b = (float(x) / 100 for x in sys.argv[4:6])
print(f"{quiet_t}={q * m[quiet]:.4f},{busy_t}={b * m[busy]:.4f}")
EOF
)
        op25=${ops[$(( (i - 1) % ${#ops[@]} ))]}
        op15=${ops[$(( (i + 10) % ${#ops[@]} ))]}
        args=(--inject-delay "$delays" --inject-micro-work "$op25=0.25,$op15=0.15")
        injected="${route%%|*} +$quiet_pct %; ${busy%%|*} +$busy_pct %; $op25 +25 %; $op15 +15 % ($delays)"
    fi
    json=$snapshot/v$i.json
    started=$(date +%s)
    code=0
    gate "$json" "$snapshot/err" "${args[@]}" || code=$?
    seconds=$(( $(date +%s) - started ))
    if [ "$code" = 2 ]; then
        echo "gate-guard-study: gate $i could not judge: $(tail -1 "$snapshot/err")" >&2
        printf '%s\t2\t%s\t%s\t-\t-\n' "$i" "$seconds" "$injected" >> "$out"
        continue
    fi
    cp "$json" "$verdicts/gate-$i.json"
    [ "$code" = 1 ] && failed=$((failed + 1))
    printf '%s\t%s\t%s\t%s\t%s\n' "$i" "$code" "$seconds" "$injected" "$(summary "$json")" >> "$out"
    echo "gate-guard-study: gate $i/$runs exit $code in ${seconds}s" >&2
done
echo "gate-guard-study: $failed of $runs verdicts failed ($mode)"
