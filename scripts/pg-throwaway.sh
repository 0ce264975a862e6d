#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback, for CI and for trying confscope on PostgreSQL:
#   url=$(scripts/pg-throwaway.sh start DIR)   # initdb + pg_ctl into DIR (made if missing)
#   scripts/pg-throwaway.sh stop DIR           # stop it and delete DIR
#   scripts/pg-throwaway.sh pause|resume DIR   # stop / start it again, keeping its data
# Prints the superuser URL (trust authentication, 127.0.0.1 only, socket inside DIR). Uses
# Debian's newest /usr/lib/postgresql/*/bin (or $CONFSCOPE_PG_BIN); as root, the server runs as
# the `postgres` user, since initdb refuses root. $PG_THROWAWAY_OPTS adds server settings
# (e.g. "-c fsync=off" for test data).
set -euo pipefail
cmd=${1:-}
dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|stop|pause|resume DIR" >&2
  exit 2
fi
bin=${CONFSCOPE_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$bin" ] || [ ! -x "$bin/pg_ctl" ]; then
  echo "$0: PostgreSQL server binaries not found; install them with 'apt-get install -y postgresql'" >&2
  exit 1
fi
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case $cmd in
  start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" = 0 ]; then
      chown postgres: "$dir"
      if ! runuser -u postgres -- test -w "$dir"; then
        echo "$0: the postgres user cannot reach $dir (a parent directory is closed to it)" >&2
        exit 1
      fi
    fi
    port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
    as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log"
    # Settings in the cluster's own config, so `resume` starts it the same way.
    printf "port = %s\nunix_socket_directories = '%s'\nlisten_addresses = '127.0.0.1'\n" \
      "$port" "$dir" | as_pg tee -a "$dir/data/postgresql.conf" >/dev/null
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "${PG_THROWAWAY_OPTS:-}" start >&2
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    if [ -d "$dir/data" ]; then as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true; fi
    rm -rf "$dir"
    ;;
  pause)
    # Stop the server, keep its data (tests of a database restart).
    as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2
    ;;
  resume)
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >&2
    ;;
  *)
    echo "usage: $0 start|stop|pause|resume DIR" >&2
    exit 2
    ;;
esac
