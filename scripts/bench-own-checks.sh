#!/usr/bin/env bash
# Figures for the units' own checks on SQLite: the demo county is loaded and every operating
# unit (about 3,000) is given a year of daily checks on 90% of its working days and a patrol
# each month (about 700,000 checks, as many as a county records in a year), written as the
# application writes them: the check rows and the month's rollup row (days as bits) that the
# calendar reads. Then, under 50 concurrent connections (wrk, 10 s each): the county's duty
# summary of the month by town (daily checks alone, and every kind), of the whole year, a
# town's and a department's 30-day check rates, a department's summary by grid, the unit's
# own list; the year's assessment as the county, a town and a department; and recording a
# daily check with five items as the unit. The first derivation of each month's summary (the
# calendar's cache empty) is timed too. A benchmark: it prints figures and asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is needed" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed" >&2; exit 1; }
cargo build --release --quiet
bin=$PWD/target/release/safegrid
work=$(mktemp -d)
password=bench-password-1
port=${BENCH_PORT:-18086}
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
source scripts/bench-lib.sh
# BENCH_DB=path keeps the filled database there (and reuses it on the next run).
db=${BENCH_DB:-$work/bench.db}
url="sqlite://$db"
# The county's day (Asia/Shanghai): checks up to yesterday; today is left for the bench.
today=$(TZ=Asia/Shanghai date +%Y-%m-%d)
if [ ! -s "$db" ]; then
start=$(date +%s.%N)
SAFEGRID_DATABASE_URL=$url SAFEGRID_DEMO_PASSWORD=$password "$bin" demo >/dev/null
echo "demo county loaded in $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s"
start=$(date +%s.%N)
sqlite3 "$db" <<SQL
PRAGMA journal_mode = WAL;
BEGIN;
CREATE TEMP TABLE days AS
  WITH RECURSIVE d(day) AS (SELECT date('$today', '-365 days')
                            UNION ALL SELECT date(day, '+1 day') FROM d WHERE day < date('$today', '-1 day'))
  SELECT day, (CAST(strftime('%w', day) AS INTEGER) + 6) % 7 + 1 AS weekday FROM d;
-- Daily checks on 90% of each operating unit's working days it has not checked yet.
INSERT INTO unit_checks (county_code, unit_id, kind, checked_on, checked_by, note, recorded_by, created_at)
  SELECT u.county_code, u.id, 'daily', d.day, u.safety_manager, NULL, NULL, d.day || 'T01:30:00+00:00'
  FROM units u CROSS JOIN days d
  WHERE u.status = 'operating' AND u.created_at <= d.day || 'T23:59:59'
    AND substr(u.working_days, d.weekday, 1) = '1'
    AND abs(random()) % 10 < 9
    AND NOT EXISTS (SELECT 1 FROM unit_checks c WHERE c.unit_id = u.id AND c.checked_on = d.day AND c.kind = 'daily');
-- A patrol on the first working day of each month.
INSERT INTO unit_checks (county_code, unit_id, kind, checked_on, checked_by, note, recorded_by, created_at)
  SELECT u.county_code, u.id, 'monthly_patrol', MIN(d.day), u.safety_manager, NULL, NULL, MIN(d.day) || 'T07:00:00+00:00'
  FROM units u CROSS JOIN days d
  WHERE u.status = 'operating' AND u.created_at <= d.day || 'T23:59:59' AND substr(u.working_days, d.weekday, 1) = '1'
    AND NOT EXISTS (SELECT 1 FROM unit_checks c WHERE c.unit_id = u.id AND c.kind = 'monthly_patrol'
                    AND substr(c.checked_on, 1, 7) = substr(d.day, 1, 7))
  GROUP BY u.id, substr(d.day, 1, 7);
-- The month's rollup rows, as each check keeps them: the days checked as bits, the first patrol.
INSERT INTO unit_check_months (unit_id, month, county_code, days, patrol_id)
  SELECT unit_id, substr(checked_on, 1, 7), county_code,
         SUM(1 << (CAST(substr(checked_on, 9, 2) AS INTEGER) - 1)), NULL
  FROM (SELECT DISTINCT unit_id, county_code, checked_on FROM unit_checks WHERE kind = 'daily')
  GROUP BY unit_id, substr(checked_on, 1, 7)
  ON CONFLICT (unit_id, month) DO UPDATE SET days = excluded.days;
INSERT INTO unit_check_months (unit_id, month, county_code, days, patrol_id)
  SELECT unit_id, substr(checked_on, 1, 7), county_code, 0, MIN(id)
  FROM unit_checks WHERE kind = 'monthly_patrol'
  GROUP BY unit_id, substr(checked_on, 1, 7)
  ON CONFLICT (unit_id, month) DO UPDATE SET patrol_id = COALESCE(unit_check_months.patrol_id, excluded.patrol_id);
COMMIT;
ANALYZE;
SQL
echo "a year of own checks written in $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s: $(sqlite3 "$db" "SELECT (SELECT COUNT(*) FROM unit_checks WHERE kind = 'daily') || ' daily checks, ' || (SELECT COUNT(*) FROM unit_checks WHERE kind = 'monthly_patrol') || ' patrols, ' || (SELECT COUNT(DISTINCT unit_id) FROM unit_checks) || ' units, ' || (SELECT COUNT(*) FROM unit_check_months) || ' rollup rows'")"
fi
SAFEGRID_DATABASE_URL=$url SAFEGRID_DEMO_PASSWORD=$password SAFEGRID_LISTEN=127.0.0.1:$port RUST_LOG=warn \
  "$bin" serve --demo >"$work/serve.log" 2>&1 &
wait_for_server
t=$(login admin)
year=$(TZ=Asia/Shanghai date +%Y)
echo "the county's summary of daily checks by town, each month of $year derived afresh (first reader of the window):"
cold_months "$t" "group=town&kind=daily_check"
month=$(TZ=Asia/Shanghai date +%Y-%m)
probe_header
for probe in "admin duties/summary?group=town&kind=daily_check&period=$month" \
             "admin duties/summary?group=town&period=$month" \
             "admin duties/summary?group=kind&period=$year" \
             "chengguan checks/rates" "anjian checks/rates" \
             "anjian duties/summary?group=grid&kind=daily_check&period=$month" \
             "qiye duties?kind=daily_check&period=$month" \
             "admin assessment?year=$year" "chengguan assessment?year=$year" \
             "anjian assessment?year=$year"; do
  probe $probe
done
# Recording: the unit's daily check with five items, 50 connections at once, each a
# transaction with its items and the month's rollup row.
tok=$(login qiye)
unit=$(curl -fs -H "Authorization: Bearer $tok" "http://127.0.0.1:$port/api/v1/units?per_page=1" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)
cat >"$work/check.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"kind":"daily","checked_on":"$today","checked_by":"何晓燕","items":[{"item":"生鲜区","result":"ok"},{"item":"消防通道与安全出口","result":"ok"},{"item":"配电箱","result":"ok"},{"item":"货梯","result":"ok"},{"item":"燃气管道","result":"na"}]}'
LUA
probe qiye "units/$unit/checks" -s "$work/check.lua"
