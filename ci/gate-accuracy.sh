#!/usr/bin/env bash
# Measures the gate's accuracy on this machine: runs `tta-bench gate` RUNS times against the
# current baseline, with any extra gate arguments (e.g. fault injection), and reports how many
# verdicts failed and which checks failed them.
#   A/A (false alarms):   ci/gate-accuracy.sh 20
#   detection:            ci/gate-accuracy.sh 20 --inject-delay '/api/patient/sessions/{id}/choices=0.09'
# With AB=1 each gate runs against a second copy of the same binary in paired rounds
# (`gate --against`), so A/A compares the build with itself and faults slow only this side.
# With KEEP=DIR each gate's load runs are kept under DIR/gate-N/ (`gate --keep-runs`);
# with AB=1 too, `ci/gate-accuracy-rounds.py DIR OUT [SPIN_MS]` tabulates each gate's route
# estimates from them and the slowdown a spin of SPIN_MS asked.
# Writes one line per run to OUT (default gate-accuracy.tsv): run, exit code, seconds, failed
# checks, the status, figure and detail of the check named by WATCH (e.g. the injected route's
# change and p, or 'mean init/cold'), and
# the verdict's notes (e.g. how the machine's calibration score differs from the baseline's).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:?usage: ci/gate-accuracy.sh RUNS [gate args…]}
shift
out=${OUT:-gate-accuracy.tsv}
cargo build --release -q
# Runs copies of the binary and thresholds, so editing or rebuilding during a long study
# cannot mix two builds or two sets of limits in it.
snapshot=$(mktemp -d)
bin=$snapshot/tta-bench
cp target/release/tta-bench "$bin"
cp thresholds.yaml "$snapshot/thresholds.yaml"
against=()
if [ "${AB:-0}" = 1 ]; then
    cp target/release/tta-bench "$snapshot/reference"
    against=(--against "$snapshot/reference")
fi
: > "$out"
failed=0
unjudged=0
for i in $(seq "$runs"); do
    json=$(mktemp)
    started=$(date +%s)
    set +e
    keep=()
    [ -n "${KEEP:-}" ] && keep=(--keep-runs "$KEEP/gate-$i")
    "$bin" gate --thresholds "$snapshot/thresholds.yaml" --json "$json" "${against[@]}" "${keep[@]}" "$@" > /dev/null 2> "$snapshot/stderr"
    code=$?
    set -e
    seconds=$(( $(date +%s) - started ))
    checks=$(python3 -c "import json,sys; v=json.load(open('$json')); print('; '.join(c['name'] for c in v['checks'] if c['status']=='fail'))" 2>/dev/null || echo "-")
    watched=$(WATCH="${WATCH:-}" python3 -c "import json,os; v=json.load(open('$json')); print(next((f\"{c['status']} {c['actual']:.6g} {c['unit']}: {c['detail'] or ''}\" for c in v['checks'] if c['name']==os.environ['WATCH']), '-'))" 2>/dev/null || echo "-")
    notes=$(python3 -c "import json; v=json.load(open('$json')); print(' | '.join(v['notes']))" 2>/dev/null || echo "-")
    rm -f "$json"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$i" "$code" "$seconds" "$checks" "$watched" "$notes" >> "$out"
    [ "$code" = 1 ] && failed=$((failed + 1))
    if [ "$code" = 2 ]; then
        unjudged=$((unjudged + 1))
        echo "gate-accuracy: run $i could not judge: $(tail -1 "$snapshot/stderr")" >&2
    fi
    echo "gate-accuracy: run $i/$runs exit $code in ${seconds}s ${checks}" >&2
done
echo "gate-accuracy: $failed of $runs verdicts failed, $unjudged could not judge ($*)"
[ "$unjudged" = 0 ]
