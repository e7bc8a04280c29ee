#!/usr/bin/env bash
# Two HRnexus instances on one PostgreSQL database behind Debian's nginx with a self-signed
# certificate, configured from deploy/nginx/hrnexus.conf (only ports, certificate and upstream
# addresses changed). Walks the scan flow through the proxy with requests landing on both
# instances:
#   - an employer asks for a sign-in link through one instance and uses it through the other;
#   - creates a scan; five employees answer, through both instances; the round is closed;
#   - the results (page and CSV) are the same from both instances;
#   - the client address the audit log and the rate limiter see is the client's (curl binds
#     127.0.0.2; nginx reaches the instances from 127.0.0.1, the trusted proxy);
#   - HTTP/2, HSTS and Secure cookies are on; a body over the limit gets nginx's 413.
#
# Needs: nginx, openssl, curl, psql, a built binary. Run from the repository root:
#   HRNEXUS_BIN=target/debug/hrnexus bash tests/proxy/two_instances.sh
# PostgreSQL: HRNEXUS_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
set -euo pipefail

BIN="$(realpath "${HRNEXUS_BIN:-target/debug/hrnexus}")"
ADMIN_URL="${HRNEXUS_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$(mktemp -d)"
DB="hrnexus_proxy_$$"
DB_URL="${ADMIN_URL%/*}/$DB"
# Free ports, chosen by the kernel.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
P1="$(free_port)"; P2="$(free_port)"; TLS="$(free_port)"; PLAIN="$(free_port)"
BASE="https://localhost:$TLS"
CLIENT_IP=127.0.0.2
EMAIL="p.devries@bakkerij-proxy.nl"
PIDS=()

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  sleep 0.5
  psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

command -v nginx >/dev/null || fail "nginx is not installed"
command -v openssl >/dev/null || fail "openssl is not installed"
[ -x "$BIN" ] || fail "no binary at $BIN"
psql -q "$ADMIN_URL" -c "CREATE DATABASE $DB" >/dev/null

# ---------------------------------------------------------------- certificate and nginx
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost" \
  -keyout "$WORK/privkey.pem" -out "$WORK/fullchain.pem" 2>/dev/null
sed -e "s|/etc/ssl/hrnexus|$WORK|" \
    -e "s|server_name hrnexus.example.nl;|server_name localhost;|" \
    -e "s|listen 80;|listen 127.0.0.1:$PLAIN;|; /listen \[::\]:80;/d" \
    -e "s|listen 443 ssl http2;|listen 127.0.0.1:$TLS ssl http2;|; /listen \[::\]:443/d" \
    -e "s|server 127.0.0.1:8081 |server 127.0.0.1:$P1 |; s|server 127.0.0.1:8082 |server 127.0.0.1:$P2 |" \
    -e "s|proxy_pass http://hrnexus;|proxy_pass http://hrnexus;\n        add_header X-Test-Upstream \$upstream_addr always;|" \
    "$ROOT/deploy/nginx/hrnexus.conf" > "$WORK/site.conf"
grep -q "127.0.0.1:$P2" "$WORK/site.conf" || fail "deploy/nginx/hrnexus.conf changed shape: upstream not rewritten"
# As root (CI), workers would run as nobody and could not use the private work folder.
USER_LINE=""
[ "$(id -u)" = 0 ] && USER_LINE="user root;"
cat > "$WORK/nginx.conf" <<EOF
$USER_LINE
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/error.log;
events {}
http {
  access_log $WORK/access.log;
  client_body_temp_path $WORK/body;
  proxy_temp_path $WORK/proxy;
  fastcgi_temp_path $WORK/fastcgi;
  uwsgi_temp_path $WORK/uwsgi;
  scgi_temp_path $WORK/scgi;
  include $WORK/site.conf;
}
EOF
nginx -t -q -c "$WORK/nginx.conf" -p "$WORK" -e "$WORK/error.log" || fail "nginx -t"

# ---------------------------------------------------------------- two instances
SECRET="$(openssl rand -hex 32)"
start_instance() {
  local port="$1" dir="$WORK/data-$1"
  mkdir -p "$dir"
  HRNEXUS_DATABASE_URL="$DB_URL" HRNEXUS_SERVER_SECRET="$SECRET" HRNEXUS_BASE_URL="$BASE" \
  HRNEXUS_TRUSTED_PROXIES=127.0.0.1 HRNEXUS_PUBLIC_FORM_RATE_PER_MINUTE=200 HRNEXUS_LOG=warn \
    "$BIN" serve --data-dir "$dir" --listen "127.0.0.1:$port" >"$dir/log" 2>&1 &
  PIDS+=("$!")
}
start_instance "$P1"
start_instance "$P2"
for port in "$P1" "$P2"; do
  for _ in $(seq 1 150); do
    curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.2
  done
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$WORK/data-$port/log" >&2; fail "instance $port not ready"; }
done
nginx -c "$WORK/nginx.conf" -p "$WORK" -e "$WORK/error.log"
for _ in $(seq 1 50); do [ -f "$WORK/nginx.pid" ] && break; sleep 0.1; done

# ---------------------------------------------------------------- requests through nginx
JAR="$WORK/cookies"
LAST=""        # the instance (port) that answered the last request
# req METHOD PATH [curl args…]: through nginx as the client at 127.0.0.2. Sets STATUS and
# LAST; the body goes to $WORK/body.html, the headers to $WORK/headers.
STATUS=""
req() {
  local method="$1" path="$2"; shift 2
  STATUS="$(curl -sk --http2 --resolve "localhost:$TLS:127.0.0.1" --interface "$CLIENT_IP" \
    -X "$method" -b "$JAR" -c "$JAR" -H "Sec-Fetch-Site: same-origin" \
    -D "$WORK/headers" -o "$WORK/body.html" -w '%{http_code}' "$@" "$BASE$path")"
  LAST="$(tr -d '\r' <"$WORK/headers" | sed -n 's/^x-test-upstream: 127.0.0.1:\([0-9]*\)$/\1/Ip' | tail -n1)"
}
# on PORT: sends cheap requests until the next one lands on instance PORT (nginx's round robin).
on() {
  local want="$1" other
  [ "$want" = "$P1" ] && other="$P2" || other="$P1"
  for _ in 1 2 3 4; do
    [ "$LAST" = "$other" ] && return 0
    req GET /healthz
  done
  fail "round robin did not alternate (last: $LAST)"
}
header() { tr -d '\r' <"$WORK/headers" | sed -n "s/^$1: //Ip" | head -n1; }

req GET /; status="$STATUS"
[ "$status" = 200 ] || fail "home page through nginx: $status"
head -n1 "$WORK/headers" | grep -q '^HTTP/2' || fail "not HTTP/2: $(head -n1 "$WORK/headers")"
header strict-transport-security | grep -q 'max-age=' || fail "no HSTS"
ok "home page over HTTP/2 with HSTS (instance $LAST)"
status="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PLAIN/")"
[ "$status" = 301 ] || fail "plain HTTP is not redirected: $status"

# The employer asks for a link on instance 1 and uses it on instance 2.
on "$P1"
req POST /werkgever/login --data-urlencode "email=$EMAIL"; status="$STATUS"
[ "$status" = 200 ] && [ "$LAST" = "$P1" ] || fail "sign-in link request: $status on $LAST"
link=""
for _ in $(seq 1 100); do
  file="$(grep -ril "^to: $EMAIL" "$WORK"/data-*/mail 2>/dev/null | head -n1 || true)"
  if [ -n "$file" ]; then
    link="$(perl -0pe 's/=\r?\n//g; s/=3D/=/g' "$file" | grep -o '/werkgever/inloggen/[A-Za-z0-9_-]*' | head -n1 || true)"
    [ -n "$link" ] && break
  fi
  sleep 0.1
done
[ -n "$link" ] || fail "no sign-in mail"
on "$P2"
req POST "$link" --data ''; status="$STATUS"
[ "$status" = 303 ] && [ "$LAST" = "$P2" ] || fail "using the link on the other instance: $status on $LAST"
set_cookie="$(header set-cookie)"
echo "$set_cookie" | grep -qi 'secure' || fail "session cookie not Secure: $set_cookie"
echo "$set_cookie" | grep -qi 'httponly' || fail "session cookie not HttpOnly: $set_cookie"
req GET /werkgever; status="$STATUS"
[ "$status" = 200 ] || fail "signed in on the other instance: $status"
ok "sign-in link asked on $P1, used on $P2, signed in on $LAST; cookie Secure"

# A scan with five personal links.
closes="$(date -d '+14 days' +%F)"
req POST /werkgever/scans/nieuw --data-urlencode organisation="Bakkerij Proxy" \
  --data-urlencode team=Winkel --data-urlencode departments= --data-urlencode closes_on="$closes" \
  --data-urlencode lang=nl --data-urlencode invite=personal --data-urlencode count=5; status="$STATUS"
[ "$status" = 200 ] || fail "create scan: $status"
scan_id="$(grep -o 'action="/werkgever/scans/[0-9]*/links.txt' "$WORK/body.html" | grep -o '[0-9]\+' | head -n1)"
mapfile -t tokens < <(grep -o "$BASE/scan/[A-Za-z0-9_-]*" "$WORK/body.html" | sed 's|.*/scan/||' | sort -u)
[ "${#tokens[@]}" = 5 ] || fail "expected 5 invite links, got ${#tokens[@]}"
ok "scan $scan_id with 5 links"

# Five employees answer, through both instances.
declare -A answered_on=()
i=0
for token in "${tokens[@]}"; do
  i=$((i + 1))
  req GET "/scan/$token"; status="$STATUS"
  [ "$status" = 200 ] || fail "employee $i opens the form: $status"
  # Odd employees answer through instance 1, even ones through instance 2.
  if [ $((i % 2)) = 1 ]; then on "$P1"; else on "$P2"; fi
  req POST "/scan/$token" --data-urlencode werkwijze=4 --data-urlencode sterke_punten=5 \
    --data-urlencode taakinvloed=$(( (i % 5) + 1 )) --data-urlencode open_mening=2 --data-urlencode steun=3
  status="$STATUS"
  [ "$status" = 303 ] || fail "employee $i answers: $status"
  answered_on[$LAST]=1
done
[ "${#answered_on[@]}" = 2 ] || fail "answers landed on one instance only: ${!answered_on[*]}"
# A second answer through a used link is refused by the other instance too.
req POST "/scan/${tokens[0]}" --data-urlencode werkwijze=1 --data-urlencode sterke_punten=1 \
  --data-urlencode taakinvloed=1 --data-urlencode open_mening=1 --data-urlencode steun=1; status="$STATUS"
answers="$(psql -qtA "$DB_URL" -c "SELECT COUNT(*) FROM responses")"
[ "$answers" = 5 ] || fail "a used link took a second answer: $answers stored ($status on $LAST)"
ok "5 answers through instances ${!answered_on[*]}; a used link took no second one"

req POST "/werkgever/scans/$scan_id/sluiten" --data ''; status="$STATUS"
[ "$status" = 303 ] || [ "$status" = 200 ] || fail "close the round: $status"
# The same results from both instances: the page and the CSV.
for what in resultaten resultaten.csv; do
  on "$P1"; req GET "/werkgever/scans/$scan_id/$what"; status="$STATUS"; cp "$WORK/body.html" "$WORK/$what.1"
  [ "$status" = 200 ] || fail "$what on $P1: $status"
  on "$P2"; req GET "/werkgever/scans/$scan_id/$what"; status="$STATUS"; cp "$WORK/body.html" "$WORK/$what.2"
  [ "$status" = 200 ] || fail "$what on $P2: $status"
  cmp -s "$WORK/$what.1" "$WORK/$what.2" || { diff "$WORK/$what.1" "$WORK/$what.2" | head -20 >&2; fail "$what differs between instances"; }
done
grep -q '"Eigen werkwijze";"5";"4,00"' "$WORK/resultaten.csv.1" || fail "results CSV without the five answers"
ok "results page and CSV identical from both instances"

# What the instances saw as the client: 127.0.0.2, never nginx's 127.0.0.1.
ips="$(psql -qtA "$DB_URL" -c "SELECT DISTINCT ip FROM audit_log WHERE ip IS NOT NULL ORDER BY 1")"
[ -n "$ips" ] || fail "no audit rows with an address"
[ "$ips" = "$CLIENT_IP" ] || fail "audit rows saw: $ips"
keys="$(psql -qtA "$DB_URL" -c "SELECT COUNT(*) FROM rate_limits")"
[ "$keys" = 1 ] || fail "rate limiter keys: $keys (one client, one key expected)"
ok "audit log and rate limiter saw the client $CLIENT_IP only"

# nginx refuses a body over HRnexus's own limit before it reaches an instance.
head -c 70000 /dev/zero | tr '\0' a >"$WORK/big"
req POST /contact --data-binary "@$WORK/big"; status="$STATUS"
[ "$status" = 413 ] || fail "70 kB body: $status"
ok "70 kB body refused with 413"
echo "PASS: two instances behind nginx"
