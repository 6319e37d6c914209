#!/usr/bin/env bash
# Figures for the duty calendar of a province on PostgreSQL: the demo county (3,000 units, a
# year of inspections) is loaded and copied 99 times under other county codes (units, their
# departments and supervising links, villages and towns, and every inspection), so the database
# holds 100 counties × 3,000 units and about 3.2 million inspections. Then, as the demo
# county's administrator: the county's duty summary of each month of the year computed afresh
# (the first reader of a window derives it), and the summary and a town's list under 50
# concurrent connections (wrk, 10 s each). A benchmark: it prints figures and asserts nothing.
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
psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
url="$pg/$db"
start=$(date +%s.%N)
SAFEGRID_DATABASE_URL=$url SAFEGRID_DEMO_PASSWORD=$password "$bin" demo >/dev/null
echo "demo county loaded in $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s"
start=$(date +%s.%N)
psql -q -v ON_ERROR_STOP=1 "$url" <<SQL
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
        grade_override_reason, is_key, key_reason, created_at, updated_at)
      SELECT id + off, pg_temp.code(county_code, n), name, name_initials, NULL, '基准测试副本', legal_rep, principal,
        safety_manager, phone, address, pg_temp.code(region_code, n), longitude, latitude, industry_code, sector_code,
        approving_department_id + off, employees, standardisation, status, supervision_grade, suggested_grade,
        grade_override_reason, is_key, key_reason, created_at, updated_at
      FROM units WHERE county_code = '610921000000';
    INSERT INTO unit_departments (unit_id, department_id, county_code)
      SELECT unit_id + off, department_id + off, pg_temp.code(county_code, n)
      FROM unit_departments WHERE county_code = '610921000000';
    INSERT INTO inspections (id, county_code, unit_id, region_code, party, department_id, inspected_on,
        enforcement, inspectors, summary, recorded_by, created_at)
      SELECT id + off, pg_temp.code(county_code, n), unit_id + off, pg_temp.code(region_code, n), party,
        department_id + off, inspected_on, enforcement, inspectors, summary, NULL, created_at
      FROM inspections WHERE county_code = '610921000000';
  END LOOP;
END \$\$;
ANALYZE;
SQL
echo "copied to $counties counties in $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s: $(psql -tA "$url" -c "SELECT (SELECT COUNT(*) FROM units) || ' units, ' || (SELECT COUNT(*) FROM inspections) || ' inspections, ' || (SELECT COUNT(DISTINCT county_code) FROM units) || ' counties'")"
SAFEGRID_DATABASE_URL=$url SAFEGRID_DEMO_PASSWORD=$password SAFEGRID_LISTEN=127.0.0.1:$port RUST_LOG=warn \
  "$bin" serve --demo >"$work/serve.log" 2>&1 &
for _ in $(seq 1 3000); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.01; done
login() {
  curl -fs -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$password\"}" | sed -E 's/.*"token":"([^"]+)".*/\1/'
}
t=$(login admin)
year=$(TZ=Asia/Shanghai date +%Y)
echo "the county's summary by town, each month of $year derived afresh (first reader of the window):"
times=()
for m in 01 02 03 04 05 06 07 08 09 10 11 12; do
  times+=("$(curl -fs -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $t" \
    "http://127.0.0.1:$port/api/v1/duties/summary?group=town&period=$year-$m")")
done
python3 - "${times[@]}" <<'PY'
import sys
ms = sorted(float(x) * 1000 for x in sys.argv[1:])
print(f"  {len(ms)} windows: min {ms[0]:.0f} ms, median {ms[len(ms)//2]:.0f} ms, max {ms[-1]:.0f} ms")
PY
month=$(TZ=Asia/Shanghai date +%Y-%m)
printf '%-10s %-50s %10s %9s %9s\n' account path "req/s" p50 p99
for probe in "admin duties/summary?group=town&period=$month" "admin duties/summary?group=department&period=$month" \
             "chengguan duties?period=$month"; do
  set -- $probe
  tok=$(login "$1")
  out=$(wrk -t2 -c50 -d${BENCH_SECONDS:-10}s --latency -H "Authorization: Bearer $tok" "http://127.0.0.1:$port/api/v1/$2")
  if echo "$out" | grep -q 'Non-2xx'; then echo "$1 $2: $(echo "$out" | grep 'Non-2xx')" >&2; exit 1; fi
  printf '%-10s %-50s %10s %9s %9s\n' "$1" "$2" "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" \
    "$(echo "$out" | awk '$1 == "50%" {print $2}')" "$(echo "$out" | awk '$1 == "99%" {print $2}')"
done
