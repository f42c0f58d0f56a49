#!/usr/bin/env bash
# The run command (README "Quick start"): installs missing Debian packages, builds the `release`
# preset incrementally, starts a local companion server (kairosd on 127.0.0.1, data under
# ~/.local/share/kairos/kairosd, log in kairosd.log there) and the terminal
# on its embedded default: the bundled real market data replayed, a local SQLite profile.
# Extra arguments go to `kairos` (e.g. scripts/run.sh --replay 60 --profile /tmp/p).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/bootstrap.sh
. scripts/ccache-env.sh
cmake --preset release >/dev/null
cmake --build --preset release --parallel "${KAIROS_JOBS:-$(nproc)}" --target kairos kairosd kairos-cli
bin=build/release
port="${KAIROSD_PORT:-8787}"
# The local server keeps its SQLite database, signing key and e-mails (DATA_DIR/mail/*.eml, where
# the verification link of a sign-up lands) under the user's data folder, not in the checkout.
server_data="${KAIROSD_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/kairos/kairosd}"
mkdir -p "$server_data"
echo "run.sh: kairosd on http://127.0.0.1:$port, data in $server_data, e-mails in $server_data/mail"
"$bin/server/kairosd" --port "$port" --data-dir "$server_data" >"$server_data/kairosd.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true' EXIT
export KAIROS_SERVER_URL="${KAIROS_SERVER_URL:-http://127.0.0.1:$port}"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "run.sh: no display found; starting the terminal inside a virtual X server (xvfb-run)."
  xvfb-run -a -s "-screen 0 1600x900x24" "$bin/app/kairos" "$@"
else
  "$bin/app/kairos" "$@"
fi
