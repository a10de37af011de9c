#!/usr/bin/env bash
# Measures the gate's accuracy on this machine: runs `tta-bench gate` RUNS times against the
# current baseline, with any extra gate arguments (e.g. fault injection), and reports how many
# verdicts failed and which checks failed them.
#   A/A (false alarms):   scripts/gate-accuracy.sh 20
#   detection:            scripts/gate-accuracy.sh 20 --inject-cpu '/api/patient/sessions/{id}/choices=1.3'
# Writes one line per run to OUT (default gate-accuracy.tsv): run, exit code, failed checks, and
# the detail of the check named by WATCH (e.g. the injected route's change and p-value).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:?usage: scripts/gate-accuracy.sh RUNS [gate args…]}
shift
out=${OUT:-gate-accuracy.tsv}
cargo build --release -q
: > "$out"
failed=0
for i in $(seq "$runs"); do
    json=$(mktemp)
    set +e
    target/release/tta-bench gate --json "$json" "$@" > /dev/null 2>&1
    code=$?
    set -e
    checks=$(python3 -c "import json,sys; v=json.load(open('$json')); print('; '.join(c['name'] for c in v['checks'] if c['status']=='fail'))" 2>/dev/null || echo "-")
    watched=$(WATCH="${WATCH:-}" python3 -c "import json,os; v=json.load(open('$json')); print(next((c['detail'] for c in v['checks'] if c['name']==os.environ['WATCH']), '-'))" 2>/dev/null || echo "-")
    rm -f "$json"
    printf '%s\t%s\t%s\t%s\n' "$i" "$code" "$checks" "$watched" >> "$out"
    [ "$code" = 1 ] && failed=$((failed + 1))
    echo "gate-accuracy: run $i/$runs exit $code ${checks}" >&2
done
echo "gate-accuracy: $failed of $runs verdicts failed ($*)"
