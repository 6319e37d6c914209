#!/usr/bin/env bash
# Figures for the unit ledger: importing 100,000 generated rows (time, rows/s, server peak
# RSS) and GET /api/v1/units?q=… under 50 concurrent connections on the demo
# county, on SQLite and PostgreSQL (wrk, 10 s each). A benchmark: it prints figures and asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
cargo build --release --quiet
bin=$PWD/target/release/safegrid
work=$(mktemp -d)
password=bench-password-1
port=${BENCH_PORT:-18082}
rows=${BENCH_ROWS:-100000}
pg_admin=${BENCH_PG_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres}
pg_db=safegrid_bench_units
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

run() {
  local name=$1 url=$2
  echo "== $name"
  SAFEGRID_DATABASE_URL=$url SAFEGRID_DEMO_PASSWORD=$password "$bin" demo >/dev/null
  SAFEGRID_DATABASE_URL=$url SAFEGRID_LISTEN=127.0.0.1:$port RUST_LOG=${BENCH_LOG:-warn} "$bin" serve >"$work/$name.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 3000); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.01; done
  local token
  token=$(curl -fs -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$password\"}" | sed -E 's/.*"token":"([^"]+)".*/\1/')

  for q in 恒达 hyx 加油站; do
    local enc; enc=$(python3 -c "import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1]))" "$q")
    echo "search q=$q: $(curl -fs -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/units?q=$enc" | grep -o '"total":[0-9]*')"
    wrk -t2 -c50 -d10s --latency -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/units?q=$enc" \
      | grep -E 'Requests/sec|50%|99%'
  done

  echo "before import: $(awk '/VmHWM/ {printf "peak RSS %.1f MiB", $2/1024}' /proc/$pid/status)"
  local seconds
  seconds=$(curl -fs -o "$work/report.json" -w '%{time_total}' -H "Authorization: Bearer $token" \
    -F "mode=all_or_nothing" -F "file=@$work/import.csv" "http://127.0.0.1:$port/api/v1/units/import")
  echo "import of $rows rows: $(grep -o '"imported":[0-9]*' "$work/report.json"), errors $(grep -o '"row"' "$work/report.json" | wc -l), ${seconds} s, $(python3 -c "print(round($rows/$seconds))") rows/s"
  echo "after import: $(awk '/VmHWM/ {printf "peak RSS %.1f MiB", $2/1024}' /proc/$pid/status)"
  grep -E 'unit import|units inserted' "$work/$name.log" | sed -E 's/^.*(INFO|DEBUG) //' || true
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

# 100,000 rows across the demo county's villages, with the messiness of real census sheets.
python3 - "$work/import.csv" "$rows" <<'PY'
import random, sys
path, n = sys.argv[1], int(sys.argv[2])
random.seed(1)
towns = ["100", "101", "102", "103", "104", "105", "106", "107", "108", "109"]
sectors = ["", "", "", "建筑施工", "道路运输", "工贸行业", "消防和人员密集场所", "机械制造"]
with open(path, "w", encoding="utf-8") as f:
    f.write("汉阴县生产经营单位摸底统计表\n")
    f.write("单位名称,无信用代码原因,所在村（社区）区划代码,地址,重点行业,从业人员数,监管部门\n")
    for i in range(n):
        town = random.choice(towns)
        village = f"610921{town}{200 + random.randrange(2, 15):03d}"
        f.write(f"汉阴县导入测试单位{i:06d}, 个体工商户 ,{village},导入路{i}号,{random.choice(sectors)},{random.randrange(1, 80)},县市场监管局\n")
PY
ls -la "$work/import.csv" | awk '{print "import file:", $5, "bytes"}'

run sqlite "sqlite://$work/bench.db"
if psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $pg_db" 2>/dev/null && psql "$pg_admin" -qc "CREATE DATABASE $pg_db"; then
  run postgres "postgres://postgres@127.0.0.1:5432/$pg_db"
  psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $pg_db" || true
else
  echo "PostgreSQL not reachable at $pg_admin: skipped"
fi
