#!/usr/bin/env bash
# Sending one issue of the HRnexus Kompas to many subscribers (issue 8), all on loopback.
#
#   0. the receiver alone: postfix's smtp-source blasts mails at smtp-sink, the local SMTP
#      server process the benchmark uses, to show the receiver is not the bottleneck;
#   1. SQLite, then PostgreSQL: a database with BENCH_SUBSCRIBERS confirmed subscribers and
#      one issue (the demo's articles) due now; `hrnexus serve` with the rate limit off sends
#      it to smtp-sink. Printed: `hrnexus newsletter status` every few seconds while it runs,
#      then mails per second (from the issue's start to its end) and the peak RSS.
#
# Targets: >= 2,000 mails/s on both backends, peak RSS < 100 MB.
#
# Usage: bash bench/kompas.sh   (BENCH_NO_BUILD=1 skips the release build; HRNEXUS_BIN,
#        BENCH_SUBSCRIBERS=100000, BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/postgres,
#        BENCH_NO_PG=1 skips PostgreSQL, BENCH_CONCURRENCY=16, BENCH_BATCH=500)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SUBSCRIBERS="${BENCH_SUBSCRIBERS:-100000}"
PG_URL="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
BIN="${HRNEXUS_BIN:-target/release/hrnexus}"
CONCURRENCY="${BENCH_CONCURRENCY:-16}"
BATCH="${BENCH_BATCH:-500}"
TARGET_RATE=2000
TARGET_RSS_MB=100

log() { printf '[bench] %s\n' "$*" >&2; }

if ! command -v smtp-sink >/dev/null 2>&1 && [ ! -x /usr/sbin/smtp-sink ]; then
  log "installing postfix (for its smtp-sink and smtp-source test tools; no mail system is configured)"
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections 2>/dev/null || true
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix >/dev/null
fi
SINK="$(command -v smtp-sink || echo /usr/sbin/smtp-sink)"
SOURCE="$(command -v smtp-source || echo /usr/sbin/smtp-source)"
command -v psql >/dev/null || BENCH_NO_PG=1

if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
  cargo build --release --bin hrnexus
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

# ------------------------------------------------------------------ the receiver
SINK_PORT=$(free_port)
# -u: the user to run as when started by root; 1024: the listen backlog. smtp-source -d keeps
# each session open for the next mail, as the sender's connection pool does.
"$SINK" -u nobody "127.0.0.1:$SINK_PORT" 1024 >/dev/null 2>&1 &
PIDS+=($!)
sleep 0.5
MSG_SIZE=12000   # about the size of an issue with four articles (HTML + text part)
N_SOURCE=$(( SUBSCRIBERS < 50000 ? SUBSCRIBERS : 50000 ))
start=$(date +%s.%N)
"$SOURCE" -d -s "$CONCURRENCY" -m "$N_SOURCE" -l "$MSG_SIZE" -f bench@hrnexus.example -t sink@bench.example \
  "127.0.0.1:$SINK_PORT" >/dev/null 2>&1
end=$(date +%s.%N)
SINK_RATE=$(python3 -c "print(round($N_SOURCE / ($end - $start)))")
echo "receiver alone (smtp-source -> smtp-sink, $CONCURRENCY sessions, $N_SOURCE mails of $MSG_SIZE bytes): $SINK_RATE mails/s"

# ------------------------------------------------------------------ one backend
# seed_sql BACKEND: SQL that adds the subscribers and an issue (with the demo's Dutch articles)
# due now. Addresses and link keys are made up; the manage links are still derived per mail.
NOW=$(date +%s)
run() {
  local name=$1 url=$2
  local dir="$TMP/$name"
  mkdir -p "$dir"
  cat >"$dir/hrnexus.toml" <<EOF
[smtp]
host = "127.0.0.1"
port = $SINK_PORT
tls = "none"

[newsletter]
max_per_second = 0
batch = $BATCH
concurrency = $CONCURRENCY
check_seconds = 1
EOF
  # The demo data (articles), then the subscribers and the issue.
  local port
  port=$(free_port)
  HRNEXUS_LOG=warn "$BIN" serve --demo --listen "127.0.0.1:$port" --config "$dir/hrnexus.toml" \
    --data-dir "$dir" --database-url "$url" >"$dir/demo.out" 2>"$dir/demo.err" &
  local demo=$!
  for _ in $(seq 1 200); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  kill "$demo"; wait "$demo" 2>/dev/null || true
  if [ "$name" = sqlite ]; then
    python3 - "$dir/hrnexus.db" "$SUBSCRIBERS" "$NOW" <<'PY'
import sqlite3, sys
db, n, now = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
c = sqlite3.connect(db)
c.executemany(
    "INSERT INTO newsletter_subscribers (email, lang, state, preferences, link_key, link_hash, created_at, confirmed_at)"
    " VALUES (?, 'nl', 'confirmed', '', ?, ?, ?, ?)",
    ((f"lezer{i}@bench.example", f"key{i}", f"hash{i}", now, now) for i in range(n)))
ids = [r[0] for r in c.execute("SELECT id FROM articles WHERE lang = 'nl' ORDER BY published_at DESC LIMIT 4")]
c.execute(
    "INSERT INTO newsletter_issues (lang, subject, introduction, article_ids, state, send_at, created_at, updated_at)"
    " VALUES ('nl', 'Kompas benchmark', ?, ?, 'scheduled', ?, ?, ?)",
    ("Beste lezer,\n\nDeze maand vier artikelen over regelruimte en vertrouwen.\n\nVeel leesplezier!",
     "[" + ",".join(map(str, ids)) + "]", now, now, now))
c.commit()
PY
  else
    psql -q "$url" <<EOF
INSERT INTO newsletter_subscribers (email, lang, state, preferences, link_key, link_hash, created_at, confirmed_at)
  SELECT 'lezer' || g || '@bench.example', 'nl', 'confirmed', '', 'key' || g, 'hash' || g, $NOW, $NOW
  FROM generate_series(1, $SUBSCRIBERS) g;
INSERT INTO newsletter_issues (lang, subject, introduction, article_ids, state, send_at, created_at, updated_at)
  SELECT 'nl', 'Kompas benchmark', E'Beste lezer,\n\nDeze maand vier artikelen over regelruimte en vertrouwen.\n\nVeel leesplezier!',
         '[' || COALESCE(string_agg(id::text, ','), '') || ']', 'scheduled', $NOW, $NOW, $NOW
  FROM (SELECT id FROM articles WHERE lang = 'nl' ORDER BY published_at DESC LIMIT 4) a;
ANALYZE;
EOF
  fi
  local status=("$BIN" newsletter status --config "$dir/hrnexus.toml" --data-dir "$dir" --database-url "$url")
  port=$(free_port)
  local started
  started=$(date +%s.%N)
  HRNEXUS_LOG=warn "$BIN" serve --listen "127.0.0.1:$port" --config "$dir/hrnexus.toml" \
    --data-dir "$dir" --database-url "$url" >"$dir/serve.out" 2>"$dir/serve.err" &
  local pid=$!
  PIDS+=("$pid")
  local peak=0 last_print=0 state=""
  while kill -0 "$pid" 2>/dev/null; do
    local rss
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    [ "${rss:-0}" -gt "$peak" ] && peak=$rss
    local t
    t=$(date +%s)
    if [ $((t - last_print)) -ge 5 ]; then
      "${status[@]}" 2>/dev/null | sed -n '2p' | sed "s/^/[$name] /" >&2 || true
      last_print=$t
    fi
    state=$("${status[@]}" 2>/dev/null | awk 'NR == 2 {print $3}')
    [ "$state" = sent ] && break
    sleep 0.5
  done
  local ended
  ended=$(date +%s.%N)
  "${status[@]}" | sed "s/^/[$name] /"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  [ "$state" = sent ] || { echo "$name: the issue was not sent; see $dir/serve.err"; cat "$dir/serve.err" >&2; return 1; }
  local sent
  sent=$("${status[@]}" | awk 'NR == 2 {print $5}')
  local rate
  rate=$(python3 -c "print(round($sent / ($ended - $started)))")
  local peak_mb=$((peak / 1024))
  echo "$name: $sent mails in $(python3 -c "print(round($ended - $started, 1))") s (start of the server to the last mail) = $rate mails/s (target >= $TARGET_RATE); peak RSS $peak_mb MB (target < $TARGET_RSS_MB)"
}

run sqlite "sqlite:$TMP/sqlite/hrnexus.db"
if [ "${BENCH_NO_PG:-0}" != 1 ]; then
  db="bench_kompas_$$"
  psql -q "$PG_URL" -c "CREATE DATABASE $db" >/dev/null
  PG_DBS+=("$db")
  run postgres "${PG_URL%/*}/$db"
fi
