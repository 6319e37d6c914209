#!/usr/bin/env bash
# Schemathesis over the whole API (`/api/openapi.json`): every operation with a small,
# deterministic budget, as the county administrator and as a town's safety station. Fails on any
# 5xx answer and on any answer that breaks the schema the API documents. CI runs it after the
# tests; `scripts/fuzz-api.sh target/release/safegrid` runs it on a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-target/debug/safegrid}")
venv=$(realpath -m "${SCHEMATHESIS_VENV:-target/schemathesis}")
examples=${FUZZ_EXAMPLES:-5}
if [ ! -x "$venv/bin/st" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "schemathesis==4.32.5"
fi
work=$(mktemp -d)
port=${FUZZ_PORT:-18199}
password=Fuzz-Password-2026
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
SAFEGRID_DATA_DIR=$work SAFEGRID_LISTEN=127.0.0.1:$port SAFEGRID_DEMO_PASSWORD=$password RUST_LOG=warn \
  "$bin" serve --demo >"$work/serve.log" 2>&1 &
for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fs "http://127.0.0.1:$port/readyz" >/dev/null
# Both tokens first: the fuzzing of the sign-in soon throttles this address.
declare -A tokens
for user in admin chengguan; do
  tokens[$user]=$(curl -fs -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"$user\",\"password\":\"$password\"}" | sed -E 's/.*"token":"([^"]+)".*/\1/')
done
status=0
# Schemathesis keeps its cache in the directory it runs from: the run's own, not the project's.
cd "$work"
for user in admin chengguan; do
  echo "== schemathesis as $user"
  # Signing out would end the token the run goes on with.
  "$venv/bin/st" run "http://127.0.0.1:$port/api/openapi.json" \
    --header "Authorization: Bearer ${tokens[$user]}" \
    --checks not_a_server_error,response_schema_conformance \
    --max-examples "$examples" --generation-deterministic \
    --exclude-path /api/v1/auth/logout || status=1
done
if grep -q " ERROR " "$work/serve.log"; then
  echo "== server errors logged:"
  grep " ERROR " "$work/serve.log" | head -20
fi
exit $status
