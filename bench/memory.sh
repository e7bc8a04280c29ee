#!/usr/bin/env bash
# Soak check for memory: does resident memory stay flat under steady load?
#
# Run from anywhere:   bench/memory.sh
#
# Starts a release build on a fresh data dir (default settings: nobody reads /metrics),
# warms it up with wrk, then keeps wrk running for BENCH_MINUTES while sampling VmRSS
# every BENCH_SAMPLE_SECONDS. Prints the samples, the growth after warm-up and bytes per
# request, and says "flat" or "GROWING". Issue 11 saw 75 MB -> 133 MB in ten minutes
# (about 19 bytes per request) before the metrics recorder's upkeep ran periodically.
#
# Environment:
#   BENCH_NO_BUILD=1        skip `cargo build --release`
#   HRNEXUS_BIN             binary (default target/release/hrnexus)
#   BENCH_MINUTES           measured minutes (default 3)
#   BENCH_WARMUP            warm-up duration for wrk (default 30s)
#   BENCH_SAMPLE_SECONDS    seconds between RSS samples (default 15)
#   BENCH_CONNECTIONS       wrk connections (default 32)
#   BENCH_PATH              page to load (default /healthz: cheap, so many requests)
#   BENCH_FLAT_MB           allowed growth after warm-up (default 3)
#   BENCH_STRICT=1          exit 1 when memory grows
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BENCH_MINUTES="${BENCH_MINUTES:-3}"
BENCH_WARMUP="${BENCH_WARMUP:-30s}"
BENCH_SAMPLE_SECONDS="${BENCH_SAMPLE_SECONDS:-15}"
BENCH_CONNECTIONS="${BENCH_CONNECTIONS:-32}"
BENCH_PATH="${BENCH_PATH:-/healthz}"
BENCH_FLAT_MB="${BENCH_FLAT_MB:-3}"
BIN="${HRNEXUS_BIN:-target/release/hrnexus}"

log() { printf '[memory] %s\n' "$*" >&2; }
die() { printf '[memory] ERROR: %s\n' "$*" >&2; exit 1; }

if ! command -v wrk >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
  log "installing wrk"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null ||
    die "install wrk (Debian package wrk)"
fi
if [ "${BENCH_NO_BUILD:-0}" != "1" ]; then
  log "cargo build --release"
  cargo build --release --quiet
fi
[ -x "$BIN" ] || die "no binary at $BIN"

DATA="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
URL="http://127.0.0.1:$PORT"
HRNEXUS_PUBLIC_FORM_RATE_PER_MINUTE=0 HRNEXUS_LOG=warn \
  "$BIN" serve --listen "127.0.0.1:$PORT" --data-dir "$DATA" >"$DATA/server.log" 2>&1 &
PID=$!
cleanup() { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT
for _ in $(seq 100); do
  curl -fsS -o /dev/null "$URL/healthz" 2>/dev/null && break
  sleep 0.1
done
curl -fsS -o /dev/null "$URL/healthz" || die "server did not start: $(cat "$DATA/server.log")"

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$PID/status"; }
requests() { awk '/requests in/ {print $1}' "$1"; }

log "warm-up: wrk $BENCH_WARMUP on $BENCH_PATH"
wrk -t2 -c"$BENCH_CONNECTIONS" -d"$BENCH_WARMUP" "$URL$BENCH_PATH" >"$DATA/warmup.txt"
START_KB="$(rss_kb)"
log "after warm-up: $((START_KB / 1024)) MB; measuring for $BENCH_MINUTES min"

SECONDS_TOTAL=$((BENCH_MINUTES * 60))
wrk -t2 -c"$BENCH_CONNECTIONS" -d"${SECONDS_TOTAL}s" "$URL$BENCH_PATH" >"$DATA/soak.txt" &
WRK=$!
printf '%8s %10s\n' "seconds" "rss_MB"
printf '%8d %10.1f\n' 0 "$(echo "$START_KB / 1024" | bc -l)"
elapsed=0
while kill -0 "$WRK" 2>/dev/null; do
  sleep "$BENCH_SAMPLE_SECONDS"
  elapsed=$((elapsed + BENCH_SAMPLE_SECONDS))
  kill -0 "$WRK" 2>/dev/null || break
  printf '%8d %10.1f\n' "$elapsed" "$(echo "$(rss_kb) / 1024" | bc -l)"
done
wait "$WRK"
END_KB="$(rss_kb)"
TOTAL="$(requests "$DATA/soak.txt")"
sleep 10
IDLE_KB="$(rss_kb)"

GROWTH_KB=$((END_KB - START_KB))
PER_REQUEST="$(echo "$GROWTH_KB * 1024 / $TOTAL" | bc -l)"
printf '\nrequests during soak: %s (%s)\n' "$TOTAL" "$(awk '/Requests\/sec/ {print $2 " req/s"}' "$DATA/soak.txt")"
printf 'rss after warm-up: %.1f MB, at end: %.1f MB, 10 s idle later: %.1f MB\n' \
  "$(echo "$START_KB/1024" | bc -l)" "$(echo "$END_KB/1024" | bc -l)" "$(echo "$IDLE_KB/1024" | bc -l)"
printf 'growth: %.1f MB (%.2f bytes per request)\n' "$(echo "$GROWTH_KB/1024" | bc -l)" "$PER_REQUEST"
if [ "$GROWTH_KB" -le $((BENCH_FLAT_MB * 1024)) ]; then
  echo "verdict: flat (growth within $BENCH_FLAT_MB MB)"
else
  echo "verdict: GROWING (more than $BENCH_FLAT_MB MB after warm-up)"
  [ "${BENCH_STRICT:-0}" = "1" ] && exit 1
fi
