#!/usr/bin/env bash
# pg-cluster.sh start DIR | stop DIR: a throw-away PostgreSQL 15 cluster for the server tests.
#   start: initdb into DIR/data, pg_ctl start on a free loopback port with its unix socket in DIR,
#          creates database `kairos`, writes the connection URL to DIR/url and prints it.
#          As root, the cluster runs as the unprivileged user `nobody` (PostgreSQL refuses root):
#          DIR is handed to it. Trust authentication, loopback only: for tests, never for data.
#   stop:  stops the cluster (fast shutdown) and removes DIR.
# Exit status non-zero with the reason (and the server log) when the cluster cannot start.
set -euo pipefail
cmd=${1:-}
dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then echo "usage: $0 start|stop DIR" >&2; exit 2; fi
bin=${KAIROS_PG_BIN:-/usr/lib/postgresql/15/bin}
run_as=()
if [ "$(id -u)" = 0 ]; then run_as=(setpriv --reuid=nobody --regid=nogroup --clear-groups --); fi

case "$cmd" in
start)
    if [ ! -x "$bin/initdb" ]; then
        echo "pg-cluster: $bin/initdb not found (apt-get install postgresql-15)" >&2; exit 1
    fi
    [ -d "$dir/data" ] && "$0" stop "$dir" >/dev/null 2>&1 || true
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ ${#run_as[@]} -gt 0 ]; then
        chown nobody:nogroup "$dir"
        # Every parent must let `nobody` through to the socket and data directory.
        if ! "${run_as[@]}" test -w "$dir"; then
            echo "pg-cluster: user nobody cannot reach $dir (a parent directory is not searchable)" >&2; exit 1
        fi
    fi
    # A free loopback port: ask the kernel for one.
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
           echo $((20000 + RANDOM % 20000)))
    "${run_as[@]}" "$bin/initdb" -D "$dir/data" -U kairos --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
        echo "pg-cluster: initdb failed:" >&2; cat "$dir/initdb.log" >&2; exit 1; }
    if ! "${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" start >/dev/null; then
        echo "pg-cluster: the server did not start:" >&2; cat "$dir/server.log" >&2; exit 1
    fi
    "${run_as[@]}" "$bin/createdb" -h "$dir" -p "$port" -U kairos kairos
    url="postgresql://kairos@127.0.0.1:$port/kairos"
    echo "$url" > "$dir/url"
    echo "$url"
    ;;
stop)
    if [ -d "$dir/data" ]; then
        "${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2; exit 2
    ;;
esac
