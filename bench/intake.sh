#!/usr/bin/env bash
# Intake benchmark (issue 7): complete contact forms posted to /contact by wrk, 64
# connections, on the default SQLite database, the public-form rate limit off. Every form
# carries its own valid stamp (signed with the server secret the bench sets, issued a minute
# earlier, as a person's browser would post it), so every request stores one intake and
# queues its confirmation mail. Prints requests/s, p50, p99 and the intakes actually stored.
# Target: >= 1,000 stored intakes/s with p99 < 50 ms.
#
# Usage: bash bench/intake.sh     (BENCH_NO_BUILD=1 to skip the release build,
#        BENCH_DURATION=20s, HRNEXUS_BIN=path/to/hrnexus)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DURATION="${BENCH_DURATION:-20s}"
BIN="${HRNEXUS_BIN:-target/release/hrnexus}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3; }
if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
  cargo build --release --bin hrnexus
fi

TMP=$(mktemp -d)
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT

SECRET=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# One form body per line, each with a fresh stamp: nonce.issued.mac, where mac is the first
# 32 hex characters of HMAC-SHA256(secret, "contact-form" 0x00 "nonce.issued") (src/secret.rs,
# src/web/contact.rs).
python3 - "$SECRET" "$TMP/bodies.txt" 200000 <<'PY'
import base64, hashlib, hmac, os, sys, time, urllib.parse
secret, out, n = bytes.fromhex(sys.argv[1]), sys.argv[2], int(sys.argv[3])
issued = int(time.time()) - 60
base = urllib.parse.urlencode([
    ("organisation", "Bakkerij Jansen"), ("contact_name", "Anna de Vries"),
    ("email", "anna@bakkerij-jansen.nl"), ("phone", "0612345678"), ("kvk", ""),
    ("company_size", "10-49"), ("province", "noord-brabant"),
    ("question", "Onze teamleiders willen meer ruimte geven, maar weten niet waar te beginnen."),
    ("categories", "coaching_leiderschap"), ("categories", "teamontwikkeling"),
    ("aspect", "steun"), ("consent", "ja"),
])
with open(out, "w") as f:
    for _ in range(n):
        nonce = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()
        body = f"{nonce}.{issued}"
        mac = hmac.new(secret, b"contact-form\x00" + body.encode(), hashlib.sha256).hexdigest()[:32]
        f.write(base + "&formulier=" + urllib.parse.quote(f"{body}.{mac}") + "\n")
PY

cat >"$TMP/intake.lua" <<LUA
-- Each thread posts its own share of the prepared bodies, in order.
local bodies = {}
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
function init(args)
  local i = 0
  for line in io.lines("$TMP/bodies.txt") do
    if i % 2 == id then bodies[#bodies + 1] = line end
    i = i + 1
  end
  n = 0
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Sec-Fetch-Site"] = "same-origin"
request = function()
  n = n + 1
  return wrk.format(nil, "/contact", nil, bodies[(n - 1) % #bodies + 1])
end
LUA

HRNEXUS_SERVER_SECRET="$SECRET" HRNEXUS_PUBLIC_FORM_RATE_PER_MINUTE=0 HRNEXUS_LOG=warn \
  "$BIN" serve --listen "127.0.0.1:$PORT" --data-dir "$TMP/data" >"$TMP/out" 2>"$TMP/err" &
PID=$!
for _ in $(seq 1 200); do
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.05
done

echo "== HRnexus intake benchmark, $(nproc) cores, wrk 64 connections for $DURATION =="
echo "target: >= 1000 stored intakes/s on SQLite, p99 < 50ms"
wrk -t2 -c64 -d"$DURATION" --latency -s "$TMP/intake.lua" "http://127.0.0.1:$PORT" >"$TMP/wrk"
rps=$(awk '/^Requests\/sec/ {print $2}' "$TMP/wrk")
p50=$(awk '$1=="50%" {print $2}' "$TMP/wrk")
p99=$(awk '$1=="99%" {print $2}' "$TMP/wrk")
errors=$(awk '/Non-2xx or 3xx responses/ {print $5}' "$TMP/wrk")
seconds=$(awk '/requests in/ {gsub("s,","",$4); print $4}' "$TMP/wrk")
stored=$(sqlite3 "$TMP/data/hrnexus.db" 'select count(*) from intakes')
printf 'submit (sqlite)   %10s req/s  p50 %-9s p99 %-9s non-2xx/3xx %s\n' "$rps" "$p50" "$p99" "${errors:-0}"
python3 -c "print(f'stored intakes    {$stored} in {float(\"$seconds\"):.1f} s = {$stored/float(\"$seconds\"):.0f}/s')"
