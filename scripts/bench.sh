#!/usr/bin/env bash
# Runs every benchmark (release build) and prints their "BENCH <name> <value> <unit>" lines.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/bootstrap.sh
. scripts/ccache-env.sh
# The indicators' peer, Tulip Indicators (LGPL-3.0, not in this repository), from the `tulind` npm
# package, for bench_indicators_vs_tulip; without npm or the registry that benchmark is skipped.
tulip=build/_deps/tulind
if [ ! -f "$tulip/package/external/tiamalgamation.c" ]; then
  if command -v npm >/dev/null && mkdir -p "$tulip" &&
     (cd "$tulip" && npm pack --silent tulind@0.8.20 >/dev/null && tar xzf tulind-0.8.20.tgz); then :
  else echo "Tulip Indicators not fetched (npm pack tulind@0.8.20 failed): bench_indicators_vs_tulip skipped" >&2
  fi
fi
tulip_flag=()
[ -f "$tulip/package/external/tiamalgamation.c" ] && tulip_flag=(-DKAIROS_TULIP_DIR="$PWD/$tulip/package/external")
cmake --preset release "${tulip_flag[@]}" >/dev/null
cmake --build --preset release --parallel "${KAIROS_JOBS:-$(nproc)}"
export QT_QPA_PLATFORM=offscreen
status=0
for b in build/release/bench/bench_*; do
  [ -x "$b" ] || continue
  echo "== $(basename "$b")" >&2
  "$b" | grep '^BENCH ' || status=1
done
exit $status
