#!/usr/bin/env bash
# Through nginx with TLS, one and two instances on PostgreSQL (issue 10), against the same
# run's single instance reached directly. In one run, on one fresh PostgreSQL database:
#   targets:   direct   one instance, plain HTTP on loopback (the reference);
#              nginx-1  the same instance behind nginx with TLS (upstream with it only);
#              nginx-2  two instances behind nginx with TLS (upstream with both, round robin);
#   workloads: home     GET /;
#              submit   complete answer forms POSTed to the demo's shared scan link, each with
#                       a fresh form id (one stored response per request, as bench/scan.sh).
# wrk (HTTP/1.1 with keep-alive, so one TLS handshake per connection) runs BENCH_ROUNDS
# alternating rounds (direct, nginx-1, nginx-2, direct, ...); the table gives the medians of
# requests/s and p99, and the median of each round's ratio against that round's direct figure.
# nginx is Debian's, configured from deploy/nginx/hrnexus.conf (ports, certificate and upstream
# addresses changed; the set-up is that of tests/proxy/two_instances.sh).
#
# Usage: bash bench/proxy.sh
#   BENCH_NO_BUILD=1        skip `cargo build --release`
#   HRNEXUS_BIN             binary (default target/release/hrnexus)
#   BENCH_DURATION=5s       wrk duration per round and target
#   BENCH_ROUNDS=3          alternating rounds
#   BENCH_CONNECTIONS=64    BENCH_THREADS=2
#   BENCH_NGINX_WORKERS=auto
#   BENCH_PG_URL            admin URL (default postgres://postgres@127.0.0.1:5432/postgres)
# Everything (wrk, nginx, the instances, PostgreSQL) shares this machine's cores: the ratios
# say more than the absolute figures.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DURATION="${BENCH_DURATION:-5s}"
ROUNDS="${BENCH_ROUNDS:-3}"
CONNS="${BENCH_CONNECTIONS:-64}"
THREADS="${BENCH_THREADS:-2}"
WORKERS="${BENCH_NGINX_WORKERS:-auto}"
ADMIN_URL="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
BIN="${HRNEXUS_BIN:-target/release/hrnexus}"

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }
for tool in wrk nginx openssl curl; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || {
    log "installing $tool"; apt-get update -qq && apt-get install -y -qq "$tool" >/dev/null; }
done
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
command -v psql >/dev/null || die "psql is not installed"
psql -q "$ADMIN_URL" -c 'select 1' >/dev/null 2>&1 || die "PostgreSQL not reachable at $ADMIN_URL"

if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
  log "cargo build --release"
  cargo build --release
fi
[ -x "$BIN" ] || die "no binary at $BIN (build it, or set HRNEXUS_BIN)"
BIN="$(realpath "$BIN")"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/hrnexus-proxy-bench.XXXXXX")"
DB="hrnexus_proxybench_$$"
DB_URL="${ADMIN_URL%/*}/$DB"
PIDS=()
cleanup() {
  local pid
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && wait "$pid" 2>/dev/null || true; done
  sleep 0.3
  psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
P1="$(free_port)"; P2="$(free_port)"
TLS1="$(free_port)"; TLS2="$(free_port)"; PLAIN1="$(free_port)"; PLAIN2="$(free_port)"
psql -q "$ADMIN_URL" -c "CREATE DATABASE $DB" >/dev/null

# ---------------------------------------------------------------- certificate and nginx
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost" \
  -keyout "$WORK/privkey.pem" -out "$WORK/fullchain.pem" 2>/dev/null
# site TLS PLAIN: deploy/nginx/hrnexus.conf on these ports, both instances upstream.
site() {
  sed -e "s|/etc/ssl/hrnexus|$WORK|" \
      -e "s|server_name hrnexus.example.nl;|server_name localhost;|" \
      -e "s|listen 80;|listen 127.0.0.1:$2;|; /listen \[::\]:80;/d" \
      -e "s|listen 443 ssl http2;|listen 127.0.0.1:$1 ssl http2;|; /listen \[::\]:443/d" \
      -e "s|server 127.0.0.1:8081 |server 127.0.0.1:$P1 |; s|server 127.0.0.1:8082 |server 127.0.0.1:$P2 |" \
      -e "s|proxy_pass http://hrnexus;|proxy_pass http://hrnexus;\n        add_header X-Bench-Upstream \$upstream_addr always;|" \
      "$ROOT/deploy/nginx/hrnexus.conf"
}
{
  site "$TLS2" "$PLAIN2"
  # The same server with the first instance only, under its own upstream name.
  site "$TLS1" "$PLAIN1" | sed -e "/server 127.0.0.1:$P2 /d" -e 's/upstream hrnexus {/upstream hrnexus_one {/' \
    -e 's|proxy_pass http://hrnexus;|proxy_pass http://hrnexus_one;|'
} >"$WORK/site.conf"
grep -q "127.0.0.1:$P2" "$WORK/site.conf" && grep -q 'upstream hrnexus_one' "$WORK/site.conf" \
  || die "deploy/nginx/hrnexus.conf changed shape: upstream not rewritten"
USER_LINE=""
[ "$(id -u)" = 0 ] && USER_LINE="user root;"
cat >"$WORK/nginx.conf" <<EOF
$USER_LINE
worker_processes $WORKERS;
pid $WORK/nginx.pid;
error_log $WORK/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/body;
  proxy_temp_path $WORK/proxy;
  fastcgi_temp_path $WORK/fastcgi;
  uwsgi_temp_path $WORK/uwsgi;
  scgi_temp_path $WORK/scgi;
  include $WORK/site.conf;
}
EOF
"$NGINX" -t -q -c "$WORK/nginx.conf" -p "$WORK" -e "$WORK/error.log" || die "nginx -t"

# ---------------------------------------------------------------- two instances, one database
SECRET="$(openssl rand -hex 32)"
start_instance() {
  local port="$1" dir="$WORK/data-$1"; shift
  mkdir -p "$dir"
  HRNEXUS_DATABASE_URL="$DB_URL" HRNEXUS_SERVER_SECRET="$SECRET" HRNEXUS_BASE_URL="https://localhost:$TLS2" \
  HRNEXUS_TRUSTED_PROXIES=127.0.0.1 HRNEXUS_PUBLIC_FORM_RATE_PER_MINUTE=0 HRNEXUS_LOG=warn \
    "$BIN" serve --data-dir "$dir" --listen "127.0.0.1:$port" "$@" >"$dir/log" 2>&1 &
  PIDS+=("$!")
  for _ in $(seq 1 300); do
    curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  cat "$dir/log" >&2; die "instance $port not ready"
}
start_instance "$P1" --demo      # the demo: a scan with a shared link
start_instance "$P2"
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK" -e "$WORK/error.log"
for _ in $(seq 1 50); do [ -f "$WORK/nginx.pid" ] && break; sleep 0.1; done
SCAN_PATH="$(grep -o '/scan/[A-Za-z0-9_-]*' "$WORK/data-$P1/log" | head -n 1)"
[ -n "$SCAN_PATH" ] || { cat "$WORK/data-$P1/log" >&2; die "no demo scan link printed"; }

declare -A URL=([direct]="http://127.0.0.1:$P1" [nginx-1]="https://127.0.0.1:$TLS1" [nginx-2]="https://127.0.0.1:$TLS2")
TARGETS=(direct nginx-1 nginx-2)
# Sanity: the home page through each target, and nginx-2 spreads requests over both instances.
seen=""
for t in "${TARGETS[@]}"; do
  code="$(curl -sk -o /dev/null -w '%{http_code}' -H 'Host: localhost' "${URL[$t]}/")"
  [ "$code" = 200 ] || die "GET / via $t: $code"
done
for _ in 1 2 3 4; do
  seen+=" $(curl -sk -D - -o /dev/null -H 'Host: localhost' "${URL[nginx-2]}/" | tr -d '\r' | sed -n 's/^x-bench-upstream: //Ip')"
done
grep -q ":$P1" <<<"$seen" && grep -q ":$P2" <<<"$seen" || die "nginx-2 did not reach both instances:$seen"

cat >"$WORK/submit.lua" <<LUA
-- One complete answer form per request with a fresh random form id (as bench/scan.sh).
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
wrk.headers["Host"] = "localhost"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Sec-Fetch-Site"] = "same-origin"
request = function()
  local body = "werkwijze=4&sterke_punten=3&taakinvloed=2&open_mening=5&steun=weet_niet"
    .. "&mentale_vermoeidheid=2&initiatief=4&formulier=" .. form_id()
  return wrk.format(nil, "$SCAN_PATH", nil, body)
end
LUA
cat >"$WORK/home.lua" <<'LUA'
wrk.headers["Host"] = "localhost"
LUA

median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) {print "nan"; exit} if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }
to_ms() {
  awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000;
    printf "%.2f\n", n }'
}
responses() { psql -qtA "$DB_URL" -c "SELECT COUNT(*) FROM responses"; }

# ---------------------------------------------------------------- measurements
declare -A RPS P99 RATIO FAILED
log "$(nproc) cores; wrk -t$THREADS -c$CONNS -d$DURATION, $ROUNDS alternating rounds; nginx workers $WORKERS"
before="$(responses)"
for work in home submit; do
  for r in $(seq 1 "$ROUNDS"); do
    for t in "${TARGETS[@]}"; do
      out="$WORK/$work-$t-$r.wrk"
      wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$WORK/$work.lua" "${URL[$t]}" >"$out" 2>&1 \
        || { cat "$out" >&2; die "wrk $work $t failed"; }
      rps="$(awk '/^Requests\/sec/ {print $2}' "$out")"
      p99="$(to_ms "$(awk '$1=="99%" {print $2}' "$out")")"
      bad="$(awk '/Non-2xx or 3xx responses/ {n+=$5} /Socket errors/ {gsub(",",""); n+=$4+$6+$8+$10} END {print n+0}' "$out")"
      [ "$t" = direct ] && direct_rps="$rps"
      RPS[$work,$t]+="$rps "; P99[$work,$t]+="$p99 "; FAILED[$work,$t]=$(( ${FAILED[$work,$t]:-0} + bad ))
      RATIO[$work,$t]+="$(awk -v a="$rps" -v b="$direct_rps" 'BEGIN {printf "%.3f", a/b}') "
      log "round $r $work $t: $rps req/s, p99 $p99 ms, failed $bad"
    done
  done
done
after="$(responses)"

# ---------------------------------------------------------------- figures
echo "== HRnexus through nginx with TLS, PostgreSQL, $(nproc) cores; wrk $CONNS connections, $ROUNDS x $DURATION per cell (medians) =="
printf '%-8s %-34s %10s %9s %10s %7s\n' workload target 'req/s' 'p99 ms' 'vs direct' failed
for work in home submit; do
  for t in "${TARGETS[@]}"; do
    case $t in
      direct) what="1 instance, plain HTTP" ;;
      nginx-1) what="1 instance, nginx + TLS" ;;
      nginx-2) what="2 instances, nginx + TLS" ;;
    esac
    printf '%-8s %-34s %10.0f %9s %10s %7s\n' "$work" "$what" \
      "$(tr ' ' '\n' <<<"${RPS[$work,$t]}" | grep . | median)" \
      "$(tr ' ' '\n' <<<"${P99[$work,$t]}" | grep . | median)" \
      "$(tr ' ' '\n' <<<"${RATIO[$work,$t]}" | grep . | median)" "${FAILED[$work,$t]}"
  done
done
echo "responses stored during the run: $((after - before))"
echo "limits: the $(nproc) cores are shared by wrk, nginx, the instances and PostgreSQL, so a second instance" \
  "adds no CPU, only a second process to schedule; nginx adds TLS (one handshake per keep-alive connection," \
  "then record encryption) and a proxied hop per request; each submission is a PostgreSQL commit."
