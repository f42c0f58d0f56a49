#!/usr/bin/env bash
# Runs every benchmark (release build) and prints their "BENCH <name> <value> <unit>" lines.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/bootstrap.sh
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
