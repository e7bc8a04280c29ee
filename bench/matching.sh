#!/usr/bin/env bash
# Matching benchmark (issue 7): rank one realistic request (explanations included) against
# 10,000 generated providers, 200 timed runs after a warm-up; prints the median and p99.
# Target: median < 2 ms. Pure CPU in the core crate: no server, no database.
#
# Usage: bash bench/matching.sh
#        (on a shared machine: CARGO_BUILD_JOBS=1 nice -n 10 bash bench/matching.sh)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

OUT=$(cargo bench -p hrnexus-core --bench ranking 2>/dev/null) || {
  # Show the build errors when the quiet run failed.
  cargo bench -p hrnexus-core --bench ranking
  exit 1
}
echo "$OUT" | grep '^ranking'
