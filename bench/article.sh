#!/usr/bin/env bash
# The article page of Inzichten (issue 8): a demo article at /inzichten/{slug} against nginx
# serving the same bytes, in the same run. Everything else (rounds, medians, ratio per round,
# p99) is bench/home.sh's; its environment settings apply here too.
#
# Targets (issue 8): requests/s >= 0.7x nginx's, p99 < 10 ms.
#
# Usage: bash bench/article.sh   (BENCH_NO_BUILD=1 skips the release build;
#        BENCH_PATH=/inzichten/<slug> another article; BENCH_ROUNDS, BENCH_DURATION as home.sh)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export BENCH_PATH="${BENCH_PATH:-/inzichten/vertrouwen-geven-resultaat-krijgen}"
export BENCH_SERVE_ARGS="--demo ${BENCH_SERVE_ARGS:-}"
exec bash bench/home.sh
