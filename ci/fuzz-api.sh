#!/usr/bin/env bash
# The reference service under hostile input, driven by its own OpenAPI document: schemathesis
# (PyPI) generates valid and invalid requests for every operation, as a patient, a clinician
# and the admin in turn, and checks that no answer is a 5xx and every answer's status, content
# type and body are the ones the document publishes. Writes a JUnit report per role under
# OUT_DIR (default target/fuzz-api). Exit 0 when every check held, 1 when one did not, 2 when
# the fuzzer could not run. TTA_BENCH_BIN names the binary to serve (default: a release build,
# made first).
# Usage: ci/fuzz-api.sh [EXAMPLES_PER_OPERATION] (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
examples=${1:-30}
out=$(realpath -m "${OUT_DIR:-target/fuzz-api}")
schemathesis_version=4.32.5
venv=$PWD/target/fuzz-api-venv
mkdir -p "$out"
if [ ! -x "$venv/bin/st" ] || ! "$venv/bin/st" --version | grep -q "$schemathesis_version"; then
  python3 -m venv "$venv" || exit 2
  "$venv/bin/pip" install -q "schemathesis==$schemathesis_version" || exit 2
fi
bin=${TTA_BENCH_BIN:-}
if [ -z "$bin" ]; then
  cargo build --release -q
  bin=target/release/tta-bench
fi
work=$(mktemp -d)
script=fuzz-api
source ci/serve.sh
# Limits that would answer 429 to the fuzzer's volume are off; the fuzzer checks what a
# request's content makes the service answer.
serve --rate-limit off --login-throttle off --login-throttle-client off
token() {
  curl -sf -X POST "$url/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"tta-bench\"}" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}
status=0
for user in patient-1 clinician-1 admin; do
  echo "== fuzz-api: as $user, $examples examples per operation"
  # Run from the scratch directory: schemathesis keeps a cache where it runs.
  (cd "$work" && "$venv/bin/st" run "$url/openapi.json" \
    -H "Authorization: Bearer $(token "$user")" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --max-examples "$examples" --seed 1 --workers 1 \
    --report junit --report-junit-path "$out/$user.xml") || status=1
done
if ! kill -0 "$server" 2>/dev/null; then
  echo "fuzz-api: the service died: $(tail -1 "$work/serve.log")" >&2
  exit 1
fi
exit "$status"
