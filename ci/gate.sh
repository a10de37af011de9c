#!/usr/bin/env bash
# The performance gate for any CI: builds tta-bench, runs `tta-bench gate` on the embedded
# service against baselines/current, and leaves in $OUT_DIR (default perf-gate/):
#   summary.md   Markdown verdict (also appended to $GITHUB_STEP_SUMMARY when set)
#   junit.xml    one testcase per check, failures carry the numbers
#   verdict.json the verdict (schema/verdict.schema.json)
#   report/      the self-contained HTML report (report/index.html)
# Extra arguments go to `tta-bench gate` (e.g. --profile light --repeat 10).
# With AGAINST_REF set to a git revision (e.g. origin/main), that revision is built too (in a
# worktree, target dir target/reference) and the gate runs interleaved against it
# (`gate --against`) instead of against baselines/current: both builds are measured on this
# runner, in this job, so neither the runner class nor its drift can fake a regression.
# Exit code: the gate's own: 0 pass, 1 an SLA or regression failed, 2 could not judge
# (including a build failure).
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT_DIR:-perf-gate}
mkdir -p "$out"

# The reference gets its own target dir: sharing this one, cargo could leave one revision's
# binary where the other's is expected.
against=()
if [ -n "${AGAINST_REF:-}" ]; then
    reference=$PWD/target/reference-src
    rm -rf "$reference"
    git worktree prune
    if ! git worktree add --detach "$reference" "$AGAINST_REF" \
        || ! (cd "$reference" && CARGO_TARGET_DIR="$PWD/../reference" cargo build --release --locked); then
        echo "ci/gate.sh: cannot build the reference $AGAINST_REF" >&2
        exit 2
    fi
    git worktree remove --force "$reference"
    against=(--against target/reference/release/tta-bench)
fi
if ! cargo build --release --locked; then
    echo "ci/gate.sh: build failed" >&2
    exit 2
fi
target/release/tta-bench gate \
    "${against[@]}" \
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
