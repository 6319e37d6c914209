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
source scripts/bench-lib.sh
url="sqlite://$work/bench.db"
start=$(date +%s.%N)
SAFEGRID_DATABASE_URL=$url SAFEGRID_DEMO_PASSWORD=$password "$bin" demo >/dev/null
echo "demo county with a year of inspections loaded in $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s"
SAFEGRID_DATABASE_URL=$url SAFEGRID_DEMO_PASSWORD=$password SAFEGRID_LISTEN=127.0.0.1:$port RUST_LOG=warn \
  "$bin" serve --demo >"$work/serve.log" 2>&1 &
wait_for_server
month=$(TZ=Asia/Shanghai date +%Y-%m)
probe_header
for p in "admin duties/summary?group=town&period=$month" "admin duties/summary?group=department&period=$month" \
         "admin duties?state=overdue&period=$month" "chengguan duties?period=$month" \
         "anjian duties/summary?group=grid&period=$month" "qiye duties?period=$month"; do
  probe $p
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
