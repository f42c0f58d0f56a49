#!/usr/bin/env bash
# The test command (README "Quick start"): installs missing Debian packages, configures and builds
# the `ci` preset incrementally (ccache), checks the style (scripts/lint.sh), runs every test with
# CTest, then the sanitizer stage (scripts/sanitize.sh: the non-GUI suite under ASan/UBSan/LSan and
# a fixed-length run of every fuzz target).
# Extra arguments go to ctest and skip the sanitizer stage (e.g. scripts/test.sh -R Decimal);
# KAIROS_SANITIZE=0 skips it too.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/bootstrap.sh
. scripts/ccache-env.sh
jobs="${KAIROS_JOBS:-$(nproc)}"
start=$(date +%s)
cmake --preset ci >/dev/null
cmake --build --preset ci --parallel "$jobs"
echo "test.sh: build took $(( $(date +%s) - start )) s"
# Style: clang-format on every C++ file, clang-tidy on every project unit (cached per unit).
lint_start=$(date +%s)
KAIROS_JOBS="$jobs" scripts/lint.sh
echo "test.sh: lint took $(( $(date +%s) - lint_start )) s"
# The keychain tests need a Secret Service: scripts/with-keyring.sh gives them a throwaway one.
export QT_QPA_PLATFORM=offscreen
scripts/with-keyring.sh ctest --preset ci --parallel "$jobs" "$@"
if [ $# -eq 0 ] && [ "${KAIROS_SANITIZE:-1}" != 0 ]; then
  KAIROS_JOBS="$jobs" scripts/sanitize.sh
fi
