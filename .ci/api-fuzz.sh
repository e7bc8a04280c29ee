#!/usr/bin/env bash
# Schema-based fuzzing of the JSON API: schemathesis generates requests from
# /api/openapi.json (valid and invalid ones, and chains that follow the document's links)
# against the debug binary, once on a fresh SQLite data folder and once on a fresh
# PostgreSQL database. Fails on any 5xx, any response that does not match the document,
# and any invalid request that is accepted.
#
#   bash .ci/api-fuzz.sh                 # both backends
#   bash .ci/api-fuzz.sh sqlite          # one of them
#
# Needs `schemathesis` (pip install schemathesis) and, for PostgreSQL, a server at
# HRNEXUS_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
# API_FUZZ_MAX_EXAMPLES bounds the examples per operation and phase (default 100: about
# 1,300 requests per backend, under three minutes for both on two cores).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"
BIN="${HRNEXUS_BIN:-$ROOT/target/debug/hrnexus}"
MAX_EXAMPLES="${API_FUZZ_MAX_EXAMPLES:-100}"
PG_ADMIN="${HRNEXUS_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
BACKENDS=("$@")
[ ${#BACKENDS[@]} -gt 0 ] || BACKENDS=(sqlite postgres)

command -v schemathesis >/dev/null || { echo "schemathesis is not installed (pip install schemathesis)" >&2; exit 1; }
[ -x "$BIN" ] || cargo build
# The binary reads HRNEXUS_* settings: keep the caller's out of this run.
while IFS= read -r name; do unset "$name"; done < <(env | sed -n 's/^\(HRNEXUS_[A-Z0-9_]*\)=.*/\1/p')

SERVER_PID=""
WORK=""
PG_DB=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [ -n "$PG_DB" ]; then psql -w -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true; fi
  if [ -n "$WORK" ]; then rm -rf "$WORK"; fi
  SERVER_PID="" PG_DB="" WORK=""
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

fuzz() {
  local backend="$1"
  WORK="$(mktemp -d)"
  local args=(--data-dir "$WORK/data")
  if [ "$backend" = postgres ]; then
    PG_DB="hrnexus_fuzz_$$"
    psql -w -q "$PG_ADMIN" -c "CREATE DATABASE $PG_DB" >/dev/null
    args+=(--database-url "${PG_ADMIN%/*}/$PG_DB")
  fi
  local port key
  port="$(free_port)"
  # From an empty folder, so that no hrnexus.toml is picked up.
  key="$(cd "$WORK" && "$BIN" create-api-key --name api-fuzz "${args[@]}")"
  (cd "$WORK" && exec "$BIN" serve --listen "127.0.0.1:$port" "${args[@]}") >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1 && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; return 1; }
    sleep 0.2
  done
  echo "== schemathesis on $backend (max $MAX_EXAMPLES examples)"
  local status=0
  # From the work folder: schemathesis keeps a cache in the current directory.
  (cd "$WORK" && schemathesis run "http://127.0.0.1:$port/api/openapi.json" \
    --header "Authorization: Bearer $key" \
    --checks all \
    --exclude-checks positive_data_acceptance \
    --max-examples "$MAX_EXAMPLES" \
    --seed 1 \
    --no-color \
    --suppress-health-check all) \
    || status=$?
  if grep -q '"level":"ERROR"\|ERROR' "$WORK/server.log"; then
    echo "server errors logged on $backend:" >&2
    grep 'ERROR' "$WORK/server.log" | head -20 >&2
    status=1
  fi
  cleanup
  return "$status"
}

failed=0
for backend in "${BACKENDS[@]}"; do
  fuzz "$backend" || failed=1
done
if [ "$failed" -ne 0 ]; then
  echo "API fuzz: FAILED" >&2
  exit 1
fi
echo "API fuzz: passed on ${BACKENDS[*]}"
