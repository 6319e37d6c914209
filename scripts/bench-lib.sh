# Shared by the benchmark scripts (sourced, not run): signing in, timing a path under load
# with wrk, and the first derivation of each month's duty summary. Expects $port and
# $password set by the script that sources it.

# A bearer token for the account.
login() {
  curl -fs -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$password\"}" | sed -E 's/.*"token":"([^"]+)".*/\1/'
}

# Waits until the server answers its health check.
wait_for_server() {
  for _ in $(seq 1 3000); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return; sleep 0.01; done
}

# The header of the figures' table.
probe_header() {
  printf '%-10s %-62s %10s %9s %9s\n' account path "req/s" p50 p99
}

# One row of figures: `account path` under 50 connections for ${BENCH_SECONDS:-10} s (a
# further wrk option, e.g. `-s post.lua`, may follow); a non-2xx answer stops the run.
probe() {
  local account=$1 path=$2 tok out
  shift 2
  tok=$(login "$account")
  out=$(wrk -t2 -c50 -d${BENCH_SECONDS:-10}s --latency -H "Authorization: Bearer $tok" "$@" "http://127.0.0.1:$port/api/v1/$path")
  if echo "$out" | grep -q 'Non-2xx'; then echo "$account $path: $(echo "$out" | grep 'Non-2xx')" >&2; exit 1; fi
  printf '%-10s %-62s %10s %9s %9s\n' "$account" "$path" "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" \
    "$(echo "$out" | awk '$1 == "50%" {print $2}')" "$(echo "$out" | awk '$1 == "99%" {print $2}')"
}

# The county's summary of each month of this year, each the first reader of its window (so
# derived afresh): `cold_months <token> <query without period>`.
cold_months() {
  local tok=$1 query=$2 year times=()
  year=$(TZ=Asia/Shanghai date +%Y)
  for m in 01 02 03 04 05 06 07 08 09 10 11 12; do
    times+=("$(curl -fs -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $tok" \
      "http://127.0.0.1:$port/api/v1/duties/summary?$query&period=$year-$m")")
  done
  python3 - "${times[@]}" <<'PY'
import sys
ms = sorted(float(x) * 1000 for x in sys.argv[1:])
print(f"  {len(ms)} windows: min {ms[0]:.0f} ms, median {ms[len(ms)//2]:.0f} ms, max {ms[-1]:.0f} ms")
PY
}
