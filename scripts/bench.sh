#!/usr/bin/env bash
# Runs every benchmark (release build) and prints their "BENCH <name> <value> <unit>" lines.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/bootstrap.sh
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
# Paths relative to the checkout, so that every clone hits the same cache.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-true}"
cmake --preset release >/dev/null
cmake --build --preset release --parallel "${KAIROS_JOBS:-$(nproc)}"
export QT_QPA_PLATFORM=offscreen
status=0
for b in build/release/bench/bench_*; do
  [ -x "$b" ] || continue
  echo "== $(basename "$b")" >&2
  "$b" | grep '^BENCH ' || status=1
done
exit $status
