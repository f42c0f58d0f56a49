#!/usr/bin/env bash
# The test command (README "Quick start"): installs missing Debian packages, configures and builds
# the `ci` preset incrementally (ccache), checks the style (scripts/lint.sh), then runs every test
# with CTest.
# Extra arguments go to ctest (e.g. scripts/test.sh -R Decimal).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/bootstrap.sh
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
# Paths relative to the checkout, so that every clone (CI makes a fresh one) hits the same cache.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-true}"
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-5G}"
jobs="${KAIROS_JOBS:-$(nproc)}"
start=$(date +%s)
cmake --preset ci >/dev/null
cmake --build --preset ci --parallel "$jobs"
echo "test.sh: build took $(( $(date +%s) - start )) s"
# Style: clang-format on every C++ file, clang-tidy on every project unit (cached per unit).
lint_start=$(date +%s)
KAIROS_JOBS="$jobs" scripts/lint.sh
echo "test.sh: lint took $(( $(date +%s) - lint_start )) s"
# A throwaway session bus with an unlocked Secret Service, so the OS-keychain tests use the real
# keychain (recipe: shared/reference/PLATFORM.md). Everything else runs inside it unchanged.
export QT_QPA_PLATFORM=offscreen
ctest_cmd=(ctest --preset ci --parallel "$jobs" "$@")
if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
  export XDG_RUNTIME_DIR; XDG_RUNTIME_DIR=$(mktemp -d); chmod 700 "$XDG_RUNTIME_DIR"
  keyring_home=$(mktemp -d)
  HOME="$keyring_home" dbus-run-session -- sh -c \
    'echo -n kairos-ci | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"' sh "${ctest_cmd[@]}"
else
  "${ctest_cmd[@]}"
fi
