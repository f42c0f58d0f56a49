#!/usr/bin/env bash
# sanitize.sh [ctest args]: the sanitizer stage of the test command (scripts/test.sh runs it last).
# Builds the `asan` preset (clang 14 from Debian; AddressSanitizer + UndefinedBehaviorSanitizer,
# LeakSanitizer; no GUI), runs the whole non-GUI suite under it (unit, integration, regression, CLI,
# server, fuzz-input replays) with halt_on_error, then every libFuzzer target for a fixed number of
# executions (scripts/fuzz.sh). Any sanitizer report fails the test.
# Extra arguments go to ctest (e.g. scripts/sanitize.sh -R Decimal).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/ccache-env.sh
jobs="${KAIROS_JOBS:-$(nproc)}"
start=$(date +%s)
cmake --preset asan >/dev/null
cmake --build --preset asan --parallel "$jobs"
echo "sanitize.sh: asan build took $(( $(date +%s) - start )) s"
# halt_on_error: the first report ends the process (the test fails with it on stderr).
# detect_leaks: LeakSanitizer at exit of every process, test children (kairos-cli, kairosd) included.
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1"
export QT_QPA_PLATFORM=offscreen
test_start=$(date +%s)
scripts/with-keyring.sh ctest --preset asan --parallel "$jobs" "$@"
echo "sanitize.sh: tests under the sanitizers took $(( $(date +%s) - test_start )) s"
if [ $# -eq 0 ]; then
  scripts/fuzz.sh
fi
