#!/usr/bin/env bash
# Home page benchmark for HRnexus, compared with nginx serving the same bytes.
#
# Run from anywhere:   bench/home.sh
#
# Measures, in one run:
#   (a) start-up time: launch on a fresh data dir until GET / answers 200
#       (BENCH_STARTUP_RUNS times, median);
#   (b) idle memory: VmRSS after start-up and a few requests;
#   (c)+(d) throughput and p99 latency with wrk against hrnexus and against
#       nginx serving an identical copy of the home page, BENCH_ROUNDS
#       alternating rounds each (medians). The ratio is worked out per round
#       (each hrnexus round against the nginx round right after it) and the
#       median of those is reported: on a shared machine the load of other
#       processes moves both figures of a round together.
#
# Environment:
#   BENCH_NO_BUILD=1      skip `cargo build --release`
#   HRNEXUS_BIN           binary (default target/release/hrnexus)
#   BENCH_DURATION        wrk duration per round (default 10s)
#   BENCH_THREADS         wrk threads (default 2)
#   BENCH_CONNECTIONS     wrk connections (default 64)
#   BENCH_ROUNDS          alternating rounds (default 5)
#   BENCH_STARTUP_RUNS    start-up measurements (default 5)
#   BENCH_PATH            page to benchmark (default /)
#   BENCH_SERVE_ARGS      extra arguments for `hrnexus serve` (e.g. --demo)
#   BENCH_STRICT=1        exit 1 when a target is missed
#
# Only loopback addresses are used. Everything (hrnexus, nginx, wrk) shares
# this machine's cores, so the figures are relative, not absolute.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BENCH_DURATION="${BENCH_DURATION:-10s}"
BENCH_THREADS="${BENCH_THREADS:-2}"
BENCH_CONNECTIONS="${BENCH_CONNECTIONS:-64}"
BENCH_ROUNDS="${BENCH_ROUNDS:-5}"
BENCH_STARTUP_RUNS="${BENCH_STARTUP_RUNS:-5}"
BENCH_PATH="${BENCH_PATH:-/}"
BIN="${HRNEXUS_BIN:-target/release/hrnexus}"
read -r -a SERVE_ARGS <<<"${BENCH_SERVE_ARGS:-}"

# Targets (printed beside the figures).
TARGET_RATIO=0.7        # hrnexus req/s / nginx req/s >= 0.7 (median of the rounds' ratios)
TARGET_P99_MS=10        # hrnexus p99 < 10 ms
TARGET_RSS_MB=30        # idle RSS < 30 MB
TARGET_LOAD_RSS_MB=64   # peak RSS under load < 64 MB
TARGET_STARTUP_MS=300   # launch to first 200 < 300 ms

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- tools
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
fi
APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get not available; install $* by hand"
  if [ "$APT_UPDATED" -eq 0 ]; then
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

find_nginx() {
  command -v nginx 2>/dev/null || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true
}

command -v curl >/dev/null 2>&1 || { log "installing curl"; apt_install curl; }
command -v wrk >/dev/null 2>&1 || { log "installing wrk"; apt_install wrk; }
NGINX="$(find_nginx)"
if [ -z "$NGINX" ]; then
  log "installing nginx"
  apt_install nginx-light 2>/dev/null || apt_install nginx
  NGINX="$(find_nginx)"
  [ -n "$NGINX" ] || die "nginx not found after install"
fi

# ---------------------------------------------------------------- build
if [ "${BENCH_NO_BUILD:-0}" != "1" ]; then
  log "cargo build --release"
  cargo build --release
fi
[ -x "$BIN" ] || die "binary $BIN not found (build it, or set HRNEXUS_BIN)"

# ---------------------------------------------------------------- cleanup
TMP="$(mktemp -d "${TMPDIR:-/tmp}/hrnexus-bench.XXXXXX")"
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] || continue
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

stop_pid() {
  local pid="$1"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# ---------------------------------------------------------------- helpers
now_ns() { date +%s%N; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  local p
  if command -v python3 >/dev/null 2>&1; then
    p="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
    if ! port_in_use "$p"; then echo "$p"; return; fi
  fi
  for _ in $(seq 1 100); do
    p=$(( 20000 + RANDOM % 40000 ))
    if ! port_in_use "$p"; then echo "$p"; return; fi
  done
  die "no free port found"
}

median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) {print "nan"; exit} if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }

# wrk latency like "812.00us", "1.23ms", "1.01s" -> milliseconds
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000;
    printf "%.3f\n", n }'
}

http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" 2>/dev/null || true; }

# start_hrnexus PORT DATADIR LOG -> sets HR_PID
start_hrnexus() {
  "$BIN" serve --listen "127.0.0.1:$1" --data-dir "$2" "${SERVE_ARGS[@]}" >"$3" 2>&1 &
  HR_PID=$!
  PIDS+=("$HR_PID")
}

# ---------------------------------------------------------------- (a) start-up
log "start-up: $BENCH_STARTUP_RUNS runs, launch -> first 200 on GET $BENCH_PATH"
STARTUP_MS=()
for i in $(seq 1 "$BENCH_STARTUP_RUNS"); do
  port="$(free_port)"
  data="$TMP/startup-$i"
  t0="$(now_ns)"
  start_hrnexus "$port" "$data" "$TMP/startup-$i.log"
  ok=0
  while :; do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$port$BENCH_PATH" 2>/dev/null || true)"
    if [ "$code" = "200" ]; then ok=1; break; fi
    kill -0 "$HR_PID" 2>/dev/null || break
    [ $(( ($(now_ns) - t0) / 1000000 )) -lt 30000 ] || break
  done
  t1="$(now_ns)"
  if [ "$ok" -ne 1 ]; then
    log "hrnexus did not answer 200 on $BENCH_PATH (last status '$code'); its log:"
    tail -n 40 "$TMP/startup-$i.log" >&2 || true
    die "start-up run $i failed"
  fi
  ms=$(( (t1 - t0) / 1000000 ))
  STARTUP_MS+=("$ms")
  log "  run $i: ${ms} ms"
  stop_pid "$HR_PID"
done
STARTUP_MEDIAN="$(printf '%s\n' "${STARTUP_MS[@]}" | median)"

# ---------------------------------------------------------------- (b) idle memory
HR_PORT="$(free_port)"
start_hrnexus "$HR_PORT" "$TMP/data" "$TMP/hrnexus.log"
HR_MAIN_PID="$HR_PID"
HR_URL="http://127.0.0.1:$HR_PORT$BENCH_PATH"
for _ in $(seq 1 300); do
  [ "$(http_code "$HR_URL")" = "200" ] && break
  kill -0 "$HR_MAIN_PID" 2>/dev/null || { tail -n 40 "$TMP/hrnexus.log" >&2; die "hrnexus exited"; }
  sleep 0.1
done
[ "$(http_code "$HR_URL")" = "200" ] || die "hrnexus does not answer 200 on $BENCH_PATH"
for _ in $(seq 1 10); do
  for p in "$BENCH_PATH" / /en/ /healthz; do http_code "http://127.0.0.1:$HR_PORT$p" >/dev/null; done
done
sleep 1
rss_mb() { awk '/^VmRSS:/ {printf "%.1f\n", $2/1024}' "/proc/$1/status"; }
hwm_mb() { awk '/^VmHWM:/ {printf "%.1f\n", $2/1024}' "/proc/$1/status"; }
IDLE_RSS_MB="$(rss_mb "$HR_MAIN_PID")"
log "idle RSS: ${IDLE_RSS_MB} MB"

# ---------------------------------------------------------------- (c) nginx with the same bytes
mkdir -p "$TMP/www" "$TMP/nginx/tmp"
curl -s -D "$TMP/home.headers" -o "$TMP/www/index.html" "$HR_URL"
HOME_BYTES="$(wc -c <"$TMP/www/index.html")"
HOME_CTYPE="$(awk -F': *' 'tolower($1)=="content-type" {sub(/\r$/,"",$2); print $2}' "$TMP/home.headers" | tail -n1)"
HOME_CTYPE="${HOME_CTYPE:-text/html; charset=utf-8}"
# nginx workers run as "nobody" when started by root: let them read the copy.
chmod 755 "$TMP" "$TMP/www"
chmod 644 "$TMP/www/index.html"
NG_PORT="$(free_port)"
cat >"$TMP/nginx/nginx.conf" <<EOF
# Minimal static server for the comparison; same cores as hrnexus.
worker_processes auto;
daemon off;
master_process on;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 65;
  keepalive_requests 1000000;
  server_tokens off;
  client_body_temp_path $TMP/nginx/tmp/body;
  proxy_temp_path $TMP/nginx/tmp/proxy;
  fastcgi_temp_path $TMP/nginx/tmp/fastcgi;
  uwsgi_temp_path $TMP/nginx/tmp/uwsgi;
  scgi_temp_path $TMP/nginx/tmp/scgi;
  types { }
  default_type "$HOME_CTYPE";
  server {
    listen 127.0.0.1:$NG_PORT;
    root $TMP/www;
    location / { try_files /index.html =404; }
  }
}
EOF
"$NGINX" -p "$TMP/nginx" -e "$TMP/nginx/error.log" -c "$TMP/nginx/nginx.conf" >"$TMP/nginx/stdout.log" 2>&1 &
NG_PID=$!
PIDS+=("$NG_PID")
NG_URL="http://127.0.0.1:$NG_PORT$BENCH_PATH"
for _ in $(seq 1 100); do
  [ "$(http_code "$NG_URL")" = "200" ] && break
  kill -0 "$NG_PID" 2>/dev/null || { cat "$TMP/nginx/stdout.log" "$TMP/nginx/error.log" >&2 2>/dev/null; die "nginx exited"; }
  sleep 0.1
done
curl -s -o "$TMP/nginx-copy.html" "$NG_URL"
cmp -s "$TMP/www/index.html" "$TMP/nginx-copy.html" || die "nginx does not serve the identical bytes"
log "home page: $HOME_BYTES bytes ($HOME_CTYPE); nginx serves an identical copy on port $NG_PORT"

# ---------------------------------------------------------------- (d) wrk
# run_wrk NAME URL ROUND -> appends "rps p99ms" to $TMP/NAME.results
run_wrk() {
  local name="$1" url="$2" round="$3" out rps p99raw p99 non2xx errs
  out="$TMP/wrk-$name-$round.txt"
  wrk -t"$BENCH_THREADS" -c"$BENCH_CONNECTIONS" -d"$BENCH_DURATION" --latency "$url" >"$out" 2>&1 \
    || { cat "$out" >&2; die "wrk failed against $name"; }
  rps="$(awk '/^Requests\/sec:/ {print $2}' "$out")"
  p99raw="$(awk '$1=="99%" {print $2}' "$out" | head -n1)"
  [ -n "$rps" ] && [ -n "$p99raw" ] || { cat "$out" >&2; die "could not parse wrk output for $name"; }
  p99="$(to_ms "$p99raw")"
  non2xx="$(awk -F': *' '/Non-2xx or 3xx responses/ {print $2}' "$out")"
  errs="$(grep -E '^ *Socket errors' "$out" || true)"
  [ -z "$non2xx" ] || log "  WARNING: $name answered $non2xx non-2xx/3xx responses in round $round (rate limit?)"
  [ -z "$errs" ] || log "  WARNING: $name round $round:$errs"
  echo "$rps $p99" >>"$TMP/$name.results"
  log "  round $round $(printf '%-8s' "$name") ${rps} req/s, p99 ${p99} ms"
}

log "wrk -t$BENCH_THREADS -c$BENCH_CONNECTIONS -d$BENCH_DURATION --latency, $BENCH_ROUNDS alternating rounds"
for r in $(seq 1 "$BENCH_ROUNDS"); do
  run_wrk hrnexus "$HR_URL" "$r"
  run_wrk nginx "$NG_URL" "$r"
done

LOADED_RSS_MB="$(rss_mb "$HR_MAIN_PID")"
PEAK_RSS_MB="$(hwm_mb "$HR_MAIN_PID")"
kill -0 "$HR_MAIN_PID" 2>/dev/null || die "hrnexus died during the benchmark"

HR_RPS="$(awk '{print $1}' "$TMP/hrnexus.results" | median)"
HR_P99="$(awk '{print $2}' "$TMP/hrnexus.results" | median)"
NG_RPS="$(awk '{print $1}' "$TMP/nginx.results" | median)"
NG_P99="$(awk '{print $2}' "$TMP/nginx.results" | median)"
# Round r of hrnexus against round r of nginx.
RATIOS="$(paste -d' ' "$TMP/hrnexus.results" "$TMP/nginx.results" \
  | awk '{printf "%.3f\n", ($3 > 0 ? $1 / $3 : 0)}')"
RATIO="$(printf '%s\n' "$RATIOS" | median | awk '{printf "%.2f\n", $1}')"
RATIO_OF_MEDIANS="$(awk -v a="$HR_RPS" -v b="$NG_RPS" 'BEGIN {printf "%.2f\n", (b > 0 ? a / b : 0)}')"

# ---------------------------------------------------------------- report
MISSED=0
verdict() { # verdict EXPR -> ok / MISS (runs in a subshell: count outside)
  if awk "BEGIN {exit !($1)}"; then echo "ok"; else echo "MISS"; fi
}
V_RATIO="$(verdict "$RATIO >= $TARGET_RATIO")"; [ "$V_RATIO" = ok ] || MISSED=$((MISSED + 1))
V_P99="$(verdict "$HR_P99 < $TARGET_P99_MS")"; [ "$V_P99" = ok ] || MISSED=$((MISSED + 1))
V_RSS="$(verdict "$IDLE_RSS_MB < $TARGET_RSS_MB")"; [ "$V_RSS" = ok ] || MISSED=$((MISSED + 1))
V_START="$(verdict "$STARTUP_MEDIAN < $TARGET_STARTUP_MS")"; [ "$V_START" = ok ] || MISSED=$((MISSED + 1))
V_LOAD_RSS="$(verdict "$PEAK_RSS_MB < $TARGET_LOAD_RSS_MB")"; [ "$V_LOAD_RSS" = ok ] || MISSED=$((MISSED + 1))

echo
echo "HRnexus home page benchmark ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores shared by server and wrk)"
echo "page: GET $BENCH_PATH, $HOME_BYTES bytes; wrk -t$BENCH_THREADS -c$BENCH_CONNECTIONS -d$BENCH_DURATION, $BENCH_ROUNDS rounds, medians"
echo
printf '%-28s %14s %14s   %-14s %s\n' "metric" "hrnexus" "nginx" "target" "result"
printf '%-28s %14s %14s   %-14s %s\n' "----------------------------" "--------------" "--------------" "--------------" "------"
printf '%-28s %14.0f %14.0f   %-14s %s\n' "requests/s (median)" "$HR_RPS" "$NG_RPS" "" ""
printf '%-28s %14s %14s   %-14s %s\n' "ratio hrnexus/nginx" "$RATIO" "" ">= $TARGET_RATIO" "$V_RATIO"
printf '%-28s %14.2f %14.2f   %-14s %s\n' "p99 latency ms (median)" "$HR_P99" "$NG_P99" "< $TARGET_P99_MS ms" "$V_P99"
printf '%-28s %14s %14s   %-14s %s\n' "idle RSS MB" "$IDLE_RSS_MB" "" "< $TARGET_RSS_MB MB" "$V_RSS"
printf '%-28s %14s %14s   %-14s %s\n' "RSS MB after load (peak)" "$LOADED_RSS_MB ($PEAK_RSS_MB)" "" "< $TARGET_LOAD_RSS_MB MB peak" "$V_LOAD_RSS"
printf '%-28s %14s %14s   %-14s %s\n' "start-up ms (median of $BENCH_STARTUP_RUNS)" "$STARTUP_MEDIAN" "" "< $TARGET_STARTUP_MS ms" "$V_START"
echo "ratio per round: $(printf '%s ' $RATIOS)(median $RATIO; ratio of the median req/s $RATIO_OF_MEDIANS)"
echo "start-up runs (ms): ${STARTUP_MS[*]}"
echo

if [ "${BENCH_STRICT:-0}" = "1" ] && [ "$MISSED" -gt 0 ]; then
  echo "$MISSED target(s) missed" >&2
  exit 1
fi
