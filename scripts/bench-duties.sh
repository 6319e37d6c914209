#!/usr/bin/env bash
# Figures for the duty calendar on the demo county (3,000 units and a year of inspections) on
# SQLite: the county's duty summary of a month by town and by department, a town's duty list
# and the county's list of overdue duties, and recording an inspection, each under 50
# concurrent connections (wrk, 10 s each). A benchmark: it prints figures and asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is needed" >&2; exit 1; }
cargo build --release --quiet
bin=$PWD/target/release/safegrid
work=$(mktemp -d)
password=bench-password-1
port=${BENCH_PORT:-18084}
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
url="sqlite://$work/bench.db"
start=$(date +%s.%N)
SAFEGRID_DATABASE_URL=$url SAFEGRID_DEMO_PASSWORD=$password "$bin" demo >/dev/null
echo "demo county with a year of inspections loaded in $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s"
SAFEGRID_DATABASE_URL=$url SAFEGRID_DEMO_PASSWORD=$password SAFEGRID_LISTEN=127.0.0.1:$port RUST_LOG=warn \
  "$bin" serve --demo >"$work/serve.log" 2>&1 &
for _ in $(seq 1 3000); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.01; done
login() {
  curl -fs -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$password\"}" | sed -E 's/.*"token":"([^"]+)".*/\1/'
}
month=$(TZ=Asia/Shanghai date +%Y-%m)
printf '%-10s %-60s %10s %9s %9s\n' account path "req/s" p50 p99
for probe in "admin duties/summary?group=town&period=$month" "admin duties/summary?group=department&period=$month" \
             "admin duties?state=overdue&period=$month" "chengguan duties?period=$month" \
             "anjian duties/summary?group=grid&period=$month" "qiye duties?period=$month"; do
  set -- $probe
  t=$(login "$1")
  out=$(wrk -t2 -c50 -d${BENCH_SECONDS:-10}s --latency -H "Authorization: Bearer $t" "http://127.0.0.1:$port/api/v1/$2")
  if echo "$out" | grep -q 'Non-2xx'; then echo "$1 $2: $(echo "$out" | grep 'Non-2xx')" >&2; exit 1; fi
  printf '%-10s %-60s %10s %9s %9s\n' "$1" "$2" "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" \
    "$(echo "$out" | awk '$1 == "50%" {print $2}')" "$(echo "$out" | awk '$1 == "99%" {print $2}')"
done
# Recording inspections: 200 in a row, each a transaction with its items, by the town.
t=$(login chengguan)
unit=$(curl -fs -H "Authorization: Bearer $t" "http://127.0.0.1:$port/api/v1/units?per_page=1" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)
today=$(TZ=Asia/Shanghai date +%Y-%m-%d)
body="{\"unit_id\":$unit,\"inspected_on\":\"$today\",\"inspectors\":[\"王伟\",\"李娜\"],\"items\":[{\"item\":\"消防器材\",\"result\":\"ok\"},{\"item\":\"疏散通道\",\"result\":\"ok\"}]}"
start=$(date +%s.%N)
for _ in $(seq 1 200); do
  curl -fs -o /dev/null -H "Authorization: Bearer $t" -H 'content-type: application/json' -d "$body" "http://127.0.0.1:$port/api/v1/inspections"
done
end=$(date +%s.%N)
echo "inspections recorded one after another: 200 in $(python3 -c "print(round($end - $start, 2))") s ($(python3 -c "print(round(1000 * ($end - $start) / 200, 1))") ms each, curl included)"
