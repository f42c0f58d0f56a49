#!/usr/bin/env bash
# with-keyring.sh COMMAND...: runs COMMAND inside a throwaway D-Bus session with an unlocked
# Secret Service (gnome-keyring), so the OS-keychain tests use the real keychain (recipe:
# shared/reference/PLATFORM.md). Without dbus-run-session or gnome-keyring it runs COMMAND as is.
set -euo pipefail
if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
  export XDG_RUNTIME_DIR; XDG_RUNTIME_DIR=$(mktemp -d); chmod 700 "$XDG_RUNTIME_DIR"
  keyring_home=$(mktemp -d)
  HOME="$keyring_home" exec dbus-run-session -- sh -c \
    'echo -n kairos-ci | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"' sh "$@"
fi
exec "$@"
