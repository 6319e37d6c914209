#!/usr/bin/env bash
# Figures for the duty calendar of a province on PostgreSQL: the demo county (3,000 units, a
# year of inspections) is loaded and copied 99 times under other county codes (units, their
# departments and supervising links, villages and towns, and every inspection), so the database
# holds 100 counties × 3,000 units and about 3.2 million inspections. Then, as the demo
# county's administrator: the county's duty summary of each month of the year computed afresh
# (the first reader of a window derives it), and the summary and a town's list under 50
# concurrent connections (wrk, 10 s each). Units' own checks: before copying, every operating
# unit of the demo county is given a year of daily checks (90% of working days) and a patrol
# each month, and each copy carries the month rollup rows the calendar reads (about 3.6 million
# for the province; the 75 million check rows themselves stay with the demo county, since no
# summary reads them), and the county's month summary of daily checks is timed cold and under
# load. A benchmark: it prints figures and asserts nothing.
# Needs PostgreSQL at $BENCH_PG (default postgres://postgres@127.0.0.1:5432) and wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is needed" >&2; exit 1; }
command -v psql >/dev/null || { echo "psql is needed" >&2; exit 1; }
counties=${BENCH_COUNTIES:-100}
pg=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
db=bench_province
cargo build --release --quiet
bin=$PWD/target/release/safegrid
work=$(mktemp -d)
password=bench-password-1
port=${BENCH_PORT:-18085}
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
source scripts/bench-lib.sh
psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
url="$pg/$db"
start=$(date +%s.%N)
SAFEGRID_DATABASE_URL=$url SAFEGRID_DEMO_PASSWORD=$password "$bin" demo >/dev/null
echo "demo county loaded in $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s"
start=$(date +%s.%N)
today=$(TZ=Asia/Shanghai date +%Y-%m-%d)
psql -q -v ON_ERROR_STOP=1 "$url" <<SQL
-- A year of the demo county's own checks, as the application keeps them (check rows and
-- the month's rollup row with the days as bits).
CREATE TEMP TABLE days AS
  SELECT d::date AS day, EXTRACT(ISODOW FROM d)::int AS weekday
  FROM generate_series(DATE '$today' - 365, DATE '$today' - 1, INTERVAL '1 day') d;
INSERT INTO unit_checks (county_code, unit_id, kind, checked_on, checked_by, created_at)
  SELECT u.county_code, u.id, 'daily', d.day, u.safety_manager, d.day + TIME '09:30'
  FROM units u CROSS JOIN days d
  WHERE u.status = 'operating' AND u.created_at::date <= d.day AND substr(u.working_days, d.weekday, 1) = '1'
    AND random() < 0.9
    AND NOT EXISTS (SELECT 1 FROM unit_checks c WHERE c.unit_id = u.id AND c.checked_on = d.day AND c.kind = 'daily');
INSERT INTO unit_checks (county_code, unit_id, kind, checked_on, checked_by, created_at)
  SELECT u.county_code, u.id, 'monthly_patrol', MIN(d.day), u.safety_manager, MIN(d.day) + TIME '15:00'
  FROM units u CROSS JOIN days d
  WHERE u.status = 'operating' AND u.created_at::date <= d.day AND substr(u.working_days, d.weekday, 1) = '1'
    AND NOT EXISTS (SELECT 1 FROM unit_checks c WHERE c.unit_id = u.id AND c.kind = 'monthly_patrol'
                    AND to_char(c.checked_on, 'YYYY-MM') = to_char(d.day, 'YYYY-MM'))
  GROUP BY u.id, u.county_code, u.safety_manager, to_char(d.day, 'YYYY-MM');
INSERT INTO unit_check_months (unit_id, month, county_code, days, patrol_id)
  SELECT unit_id, to_char(checked_on, 'YYYY-MM'), county_code,
         bit_or(1::BIGINT << (EXTRACT(DAY FROM checked_on)::int - 1)), NULL
  FROM unit_checks WHERE kind = 'daily'
  GROUP BY unit_id, county_code, to_char(checked_on, 'YYYY-MM')
  ON CONFLICT (unit_id, month) DO UPDATE SET days = EXCLUDED.days;
INSERT INTO unit_check_months (unit_id, month, county_code, days, patrol_id)
  SELECT unit_id, to_char(checked_on, 'YYYY-MM'), county_code, 0, MIN(id)
  FROM unit_checks WHERE kind = 'monthly_patrol'
  GROUP BY unit_id, county_code, to_char(checked_on, 'YYYY-MM')
  ON CONFLICT (unit_id, month) DO UPDATE SET patrol_id = COALESCE(unit_check_months.patrol_id, EXCLUDED.patrol_id);
-- Copy n of the demo county 610921 becomes county 62nnnn (ids offset by n million).
CREATE FUNCTION pg_temp.code(c TEXT, n INT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS
  \$\$ SELECT CASE WHEN c LIKE '610921%' THEN '62' || lpad(n::text, 4, '0') || substr(c, 7) ELSE c END \$\$;
DO \$\$
DECLARE n INT; off BIGINT;
BEGIN
  FOR n IN 1..$counties - 1 LOOP
    off := n::BIGINT * 1000000;
    INSERT INTO regions (code, parent_code, county_code, name, kind, level, path, sort_order, created_at)
      SELECT pg_temp.code(code, n), pg_temp.code(parent_code, n), pg_temp.code(county_code, n),
             CASE WHEN level = 3 THEN '省内' || n || '县' ELSE name END, kind, level,
             replace(path, '/610921', '/62' || lpad(n::text, 4, '0')), sort_order, created_at
      FROM regions WHERE code LIKE '610921%' ORDER BY level;
    INSERT INTO departments (id, county_code, name, short_name, is_committee_office, sort_order, created_at)
      SELECT id + off, pg_temp.code(county_code, n), name, short_name, is_committee_office, sort_order, created_at
      FROM departments WHERE county_code = '610921000000';
    INSERT INTO units (id, county_code, name, name_initials, uscc, no_uscc_reason, legal_rep, principal,
        safety_manager, phone, address, region_code, longitude, latitude, industry_code, sector_code,
        approving_department_id, employees, standardisation, status, supervision_grade, suggested_grade,
        grade_override_reason, is_key, key_reason, created_at, updated_at, working_days)
      SELECT id + off, pg_temp.code(county_code, n), name, name_initials, NULL, '基准测试副本', legal_rep, principal,
        safety_manager, phone, address, pg_temp.code(region_code, n), longitude, latitude, industry_code, sector_code,
        approving_department_id + off, employees, standardisation, status, supervision_grade, suggested_grade,
        grade_override_reason, is_key, key_reason, created_at, updated_at, working_days
      FROM units WHERE county_code = '610921000000';
    INSERT INTO unit_departments (unit_id, department_id, county_code)
      SELECT unit_id + off, department_id + off, pg_temp.code(county_code, n)
      FROM unit_departments WHERE county_code = '610921000000';
    INSERT INTO inspections (id, county_code, unit_id, region_code, party, department_id, inspected_on,
        enforcement, inspectors, summary, recorded_by, created_at)
      SELECT id + off, pg_temp.code(county_code, n), unit_id + off, pg_temp.code(region_code, n), party,
        department_id + off, inspected_on, enforcement, inspectors, summary, NULL, created_at
      FROM inspections WHERE county_code = '610921000000';
    INSERT INTO unit_check_months (unit_id, month, county_code, days, patrol_id, briefings)
      SELECT unit_id + off, month, pg_temp.code(county_code, n), days, NULL, briefings
      FROM unit_check_months WHERE county_code = '610921000000';
  END LOOP;
END \$\$;
ANALYZE;
SQL
echo "copied to $counties counties in $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s: $(psql -tA "$url" -c "SELECT (SELECT COUNT(*) FROM units) || ' units, ' || (SELECT COUNT(*) FROM inspections) || ' inspections, ' || (SELECT COUNT(*) FROM unit_checks) || ' own checks of the demo county, ' || (SELECT COUNT(*) FROM unit_check_months) || ' check rollup rows, ' || (SELECT COUNT(DISTINCT county_code) FROM units) || ' counties'")"
SAFEGRID_DATABASE_URL=$url SAFEGRID_DEMO_PASSWORD=$password SAFEGRID_LISTEN=127.0.0.1:$port RUST_LOG=warn \
  "$bin" serve --demo >"$work/serve.log" 2>&1 &
wait_for_server
t=$(login admin)
year=$(TZ=Asia/Shanghai date +%Y)
echo "the county's summary by town, each month of $year derived afresh (first reader of the window):"
cold_months "$t" "group=town"
echo "the same, daily checks only (a year of them for every unit):"
cold_months "$t" "group=town&kind=daily_check"
month=$(TZ=Asia/Shanghai date +%Y-%m)
probe_header
for p in "admin duties/summary?group=town&period=$month" "admin duties/summary?group=department&period=$month" \
         "admin duties/summary?group=town&kind=daily_check&period=$month" \
         "chengguan duties?period=$month" "chengguan checks/rates"; do
  probe $p
done
