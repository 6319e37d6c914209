#!/usr/bin/env bash
# Figures for the foundation: start-up time on the demo database, idle RSS, and
# GET /api/v1/grids?region=… under 50 concurrent connections (wrk, 2 threads, 20 s) on SQLite
# and PostgreSQL. A benchmark, not a test: it prints figures and asserts nothing.
#
#   scripts/bench.sh                      # both databases (PostgreSQL on 127.0.0.1:5432)
#   BENCH_PG_URL=postgres://… scripts/bench.sh
#
# Needs wrk (apt-get install wrk) and, for PostgreSQL, psql.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
cargo build --release --quiet
bin=$PWD/target/release/safegrid
work=$(mktemp -d)
password=bench-password-1
port=${BENCH_PORT:-18080}
duration=${BENCH_DURATION:-20s}
pg_admin=${BENCH_PG_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres}
pg_db=safegrid_bench
pg_url=${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/$pg_db}
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

now_ms() { date +%s%3N; }

run() {
  local name=$1 url=$2
  echo "== $name"
  SAFEGRID_DATABASE_URL=$url SAFEGRID_DEMO_PASSWORD=$password "$bin" demo >/dev/null
  local t0; t0=$(now_ms)
  SAFEGRID_DATABASE_URL=$url SAFEGRID_LISTEN=127.0.0.1:$port RUST_LOG=warn "$bin" serve >"$work/$name.log" 2>&1 &
  local pid=$!
  # Poll until the server answers (bounded: 30 s).
  for _ in $(seq 1 3000); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.01
  done
  local t1; t1=$(now_ms)
  echo "ready (process start to first /healthz answer): $((t1 - t0)) ms; server says: $(grep -o 'ready in [0-9]* ms' "$work/$name.log")"
  echo "idle RSS: $(awk '/VmRSS/ {printf "%.1f MiB", $2/1024}' /proc/$pid/status)"
  local token
  token=$(curl -fs -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$password\"}" | sed -E 's/.*"token":"([^"]+)".*/\1/')
  local target="http://127.0.0.1:$port/api/v1/grids?region=610921100000"
  echo "items on the page: $(curl -fs -H "Authorization: Bearer $token" "$target" | grep -o '"id":' | wc -l), $(curl -fs -H "Authorization: Bearer $token" "$target" | grep -o '"total":[0-9]*')"
  wrk -t2 -c50 -d"$duration" --latency -H "Authorization: Bearer $token" "$target" \
    | grep -E 'Requests/sec|Latency  |50%|75%|90%|99%|requests in|Non-2xx'
  echo "RSS after load: $(awk '/VmRSS/ {printf "%.1f MiB", $2/1024}' /proc/$pid/status)"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

run sqlite "sqlite://$work/bench.db"

if psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $pg_db" && psql "$pg_admin" -qc "CREATE DATABASE $pg_db"; then
  run postgres "$pg_url"
  psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $pg_db" || true
else
  echo "PostgreSQL not reachable at $pg_admin: skipped"
fi
