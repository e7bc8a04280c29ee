#!/usr/bin/env bash
# Scan benchmarks (issue 3), all figures printed, all traffic on loopback:
#   1. stored responses per second: wrk POSTs complete answer forms to a shared scan link
#      (64 connections, 30 s) on SQLite and on PostgreSQL;
#   2. the results page of a scan with 10,000 responses in 10 departments (one client,
#      median and p99 latency) on SQLite and on PostgreSQL.
# Targets (issue 12): >= 5,000 stored responses/s on SQLite and >= 3,000/s on PostgreSQL,
# both with p99 < 50 ms; results median < 20 ms.
#
# Usage: bash bench/scan.sh          (BENCH_NO_BUILD=1 to skip the release build,
#        BENCH_DURATION=30s, BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/postgres,
#        BENCH_NO_PG=1 to skip PostgreSQL, BENCH_ONLY_SUBMIT=1 to skip the results page)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DURATION="${BENCH_DURATION:-30s}"
PG_URL="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
BIN="${HRNEXUS_BIN:-target/release/hrnexus}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
command -v curl >/dev/null || { apt-get update -qq && apt-get install -y -qq curl; }

if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
  cargo build --release --bin hrnexus
fi
if [ "${BENCH_ONLY_SUBMIT:-0}" != 1 ]; then
  cargo bench --bench seed_scan --no-run 2>/dev/null || cargo bench --bench seed_scan --no-run
fi

TMP=$(mktemp -d)
PIDS=()
PG_DBS=()
cleanup() {
  for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for db in "${PG_DBS[@]:-}"; do
    [ -n "$db" ] && psql -q "$PG_URL" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  done
  rm -rf "$TMP"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_server NAME PORT ARGS... : starts the release binary, waits for /healthz.
start_server() {
  local name=$1 port=$2; shift 2
  HRNEXUS_PUBLIC_FORM_RATE_PER_MINUTE=0 HRNEXUS_LOG=warn "$BIN" serve --listen "127.0.0.1:$port" "$@" \
    >"$TMP/$name.out" 2>"$TMP/$name.err" &
  PIDS+=($!)
  for _ in $(seq 1 200); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "server $name did not start:" >&2; cat "$TMP/$name.err" >&2; exit 1
}

new_pg_db() {
  local db="hrnexus_bench_$$_$1"
  psql -q "$PG_URL" -c "CREATE DATABASE $db" >/dev/null
  PG_DBS+=("$db")
  echo "${PG_URL%/*}/$db"
}

cat >"$TMP/submit.lua" <<'LUA'
-- One complete answer form per request, each with a fresh random form id (as a browser gets
-- with every form it loads), so every request stores one response.
local chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
function init(args)
  math.randomseed(os.time() * 1000 + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end
local function form_id()
  local t = {}
  for i = 1, 43 do
    local n = math.random(1, 64)
    t[i] = chars:sub(n, n)
  end
  return table.concat(t)
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Sec-Fetch-Site"] = "same-origin"
request = function()
  local body = "werkwijze=4&sterke_punten=3&taakinvloed=2&open_mening=5&steun=weet_niet"
    .. "&mentale_vermoeidheid=2&initiatief=4&formulier=" .. form_id()
  return wrk.format(nil, SCAN_PATH, nil, body)
end
LUA

# wrk_summary FILE: requests/s, p50, p99 and errors from wrk --latency output.
wrk_summary() {
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec/ {print $2}' "$1")
  p50=$(awk '$1=="50%" {print $2}' "$1")
  p99=$(awk '$1=="99%" {print $2}' "$1")
  errors=$(awk '/Non-2xx or 3xx responses/ {print $5}' "$1")
  echo "$rps ${p50:-?} ${p99:-?} ${errors:-0}"
}

submissions() {
  local name=$1; shift
  local port; port=$(free_port)
  start_server "$name" "$port" --demo "$@"
  local path
  path=$(grep -o '/scan/[A-Za-z0-9_-]*' "$TMP/$name.out" | head -n 1)
  [ -n "$path" ] || { echo "no demo scan link printed" >&2; cat "$TMP/$name.out" >&2; exit 1; }
  sed "s#SCAN_PATH#\"$path\"#" "$TMP/submit.lua" >"$TMP/$name.lua"
  wrk -t2 -c64 -d"$DURATION" --latency -s "$TMP/$name.lua" "http://127.0.0.1:$port" >"$TMP/$name.wrk"
  read -r rps p50 p99 errors < <(wrk_summary "$TMP/$name.wrk")
  printf '%-28s %10s/s  p50 %-9s p99 %-9s failed %s\n' "submit ($name)" "$rps" "$p50" "$p99" "$errors"
}

results_page() {
  local name=$1 url=$2
  local seed
  seed=$(cargo bench -q --bench seed_scan -- "$url" 10000 2>/dev/null)
  local scan_id token
  scan_id=$(sed -n 's/^SCAN_ID=//p' <<<"$seed")
  token=$(sed -n 's/^LOGIN_TOKEN=//p' <<<"$seed")
  local port; port=$(free_port)
  start_server "$name" "$port" --database-url "$url"
  curl -s -o /dev/null -c "$TMP/$name.cookies" -H 'Sec-Fetch-Site: same-origin' \
    -X POST "http://127.0.0.1:$port/werkgever/inloggen/$token"
  local cookie
  cookie=$(awk '$6=="hrnexus_session" {print $6"="$7}' "$TMP/$name.cookies")
  [ -n "$cookie" ] || { echo "employer sign-in failed" >&2; exit 1; }
  local page="http://127.0.0.1:$port/werkgever/scans/$scan_id/resultaten"
  local status
  status=$(curl -s -o "$TMP/$name.html" -w '%{http_code}' -H "Cookie: $cookie" "$page")
  [ "$status" = 200 ] || { echo "results page answered $status" >&2; exit 1; }
  wrk -t1 -c1 -d10s --latency -H "Cookie: $cookie" "$page" >"$TMP/$name.wrk"
  read -r rps p50 p99 errors < <(wrk_summary "$TMP/$name.wrk")
  printf '%-28s %10s/s  p50 %-9s p99 %-9s failed %s  (%s bytes)\n' "results ($name)" "$rps" "$p50" "$p99" "$errors" \
    "$(wc -c <"$TMP/$name.html")"
}

echo "== HRnexus scan benchmark, $(nproc) cores, wrk 64 connections for $DURATION =="
echo "target: submissions >= 5000/s (SQLite), >= 3000/s (PostgreSQL), p99 < 50ms; results p50 < 20ms"
submissions sqlite --data-dir "$TMP/sqlite"
if [ "${BENCH_NO_PG:-0}" != 1 ] && psql -q "$PG_URL" -c 'select 1' >/dev/null 2>&1; then
  submissions postgres --data-dir "$TMP/pg" --database-url "$(new_pg_db submit)"
fi
[ "${BENCH_ONLY_SUBMIT:-0}" = 1 ] && exit 0
mkdir -p "$TMP/seed"
results_page sqlite "sqlite://$TMP/seed/hrnexus.db?mode=rwc"
if [ "${BENCH_NO_PG:-0}" != 1 ] && psql -q "$PG_URL" -c 'select 1' >/dev/null 2>&1; then
  results_page postgres "$(new_pg_db results)"
fi
