#!/usr/bin/env bash
# fuzz.sh [SECONDS]: runs every libFuzzer target of the asan preset (tests/fuzz/fuzz_*.cpp).
# Without an argument each target runs a fixed number of executions (KAIROS_FUZZ_RUNS, default
# below) - the short run of the test command. With SECONDS each target runs that long instead
# (a longer run by hand: scripts/fuzz.sh 600).
# Seeds come from the real fixtures (tests/fuzz/make-seeds.sh); the inputs each target found
# interesting are kept in ~/.cache/kairos-fuzz/<target>/ and grow from run to run. A crash, leak,
# sanitizer report or timeout fails the script; the input is written to build/asan/fuzz-artifacts/
# and belongs in tests/fuzz/regressions/<target>/ with the fix (replayed by every build's tests).
# One line per target: FUZZ <target> <executions> execs <corpus size> corpus <result>.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=build/asan/tests/fuzz
if ! ls "$build"/fuzz_* >/dev/null 2>&1; then
  echo "fuzz.sh: no fuzz targets in $build; build the asan preset first (scripts/sanitize.sh)" >&2
  exit 2
fi
seeds=build/asan/fuzz-seeds
sh tests/fuzz/make-seeds.sh "$seeds" >/dev/null
cache="${KAIROS_FUZZ_CACHE:-$HOME/.cache/kairos-fuzz}"
artifacts=build/asan/fuzz-artifacts
mkdir -p "$artifacts"
if [ $# -gt 0 ]; then limit=(-max_total_time="$1"); else limit=(-runs="${KAIROS_FUZZ_RUNS:-100000}"); fi
export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}"
failed=0
for exe in "$build"/fuzz_*; do
  [ -f "$exe" ] && [ -x "$exe" ] || continue
  name=${exe##*/fuzz_}
  corpus="$cache/$name"
  mkdir -p "$corpus"
  log="$artifacts/$name.log"
  if "$exe" "${limit[@]}" -timeout=10 -rss_limit_mb=2560 -print_final_stats=1 \
       -artifact_prefix="$artifacts/$name-" "$corpus" "$seeds/$name" >"$log" 2>&1; then
    result=ok
  else
    result="FAILED (see $log; the input is in $artifacts/$name-*)"
    failed=1
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  echo "FUZZ $name ${execs:-?} execs $(find "$corpus" -type f | wc -l) corpus $result"
done
exit "$failed"
