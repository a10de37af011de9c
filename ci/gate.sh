#!/usr/bin/env bash
# The performance gate for any CI: builds tta-bench, runs `tta-bench gate` on the embedded
# service against baselines/current, and leaves in $OUT_DIR (default perf-gate/):
#   summary.md   Markdown verdict (also appended to $GITHUB_STEP_SUMMARY when set)
#   junit.xml    one testcase per check, failures carry the numbers
#   verdict.json the verdict (schema/verdict.schema.json)
#   report/      the self-contained HTML report (report/index.html)
# Extra arguments go to `tta-bench gate` (e.g. --profile light --repeat 10).
# Exit code: the gate's own: 0 pass, 1 an SLA or regression failed, 2 could not judge
# (including a build failure).
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT_DIR:-perf-gate}
mkdir -p "$out"

if ! cargo build --release --locked; then
    echo "ci/gate.sh: build failed" >&2
    exit 2
fi
target/release/tta-bench gate \
    --json "$out/verdict.json" \
    --markdown "$out/summary.md" \
    --junit "$out/junit.xml" \
    --html "$out/report" \
    "$@"
code=$?
if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -f "$out/summary.md" ]; then
    cat "$out/summary.md" >> "$GITHUB_STEP_SUMMARY"
fi
case $code in
    0) echo "ci/gate.sh: PASS" ;;
    1) echo "ci/gate.sh: FAIL: an SLA or regression check failed (see $out/summary.md)" >&2 ;;
    *) echo "ci/gate.sh: could not judge (exit $code)" >&2 ;;
esac
exit $code
