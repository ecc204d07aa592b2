#!/usr/bin/env bash
# Usage: scripts/with-postgres.sh CMD [ARGS...]
# Starts a throwaway PostgreSQL 15 cluster on a free local port, runs CMD with
# SHOUHU_DATABASE_URL pointing at its database "shouhu", then stops and deletes
# the cluster (also when CMD fails or is interrupted). Exits with CMD's status.
set -euo pipefail

if [ $# -eq 0 ]; then
    echo "usage: $0 CMD [ARGS...]" >&2
    exit 2
fi

# shellcheck source=scripts/pg-common.sh
. "$(dirname "${BASH_SOURCE[0]}")/pg-common.sh"
port=$(free_port)
datadir=$(mktemp -d /tmp/shouhu-pg.XXXXXX)

cleanup() {
    local rc=$?
    stop_cluster "$datadir/data"
    rm -rf "$datadir"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "$(id -u)" = 0 ]; then
    chown postgres: "$datadir"
fi
chmod 700 "$datadir"

# UTF8 + C locale: independent of the caller's environment (su drops LANG), holds Chinese text.
as_owner "$PGBIN/initdb" -D "$datadir/data" -A trust -U postgres -E UTF8 --locale=C --no-sync >/dev/null
if ! as_owner "$PGBIN/pg_ctl" -D "$datadir/data" -l "$datadir/log" -w \
        -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null; then
    cat "$datadir/log" >&2
    exit 1
fi
"$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U postgres shouhu

export SHOUHU_DATABASE_URL="postgres://postgres@127.0.0.1:$port/shouhu"
"$@"
