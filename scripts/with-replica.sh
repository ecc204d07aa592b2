#!/usr/bin/env bash
# Usage: scripts/with-replica.sh CMD [ARGS...]
# Starts a throwaway PostgreSQL 15 primary and a streaming standby of it (pg_basebackup -R) on
# free loopback ports, runs CMD with
#   SHOUHU_DATABASE_URL   the primary's database "shouhu"
#   SHOUHU_REPLICA_URL    the same database on the standby (read-only, hot standby)
#   SHOUHU_REPLICA_STOP   a command that stops the standby (the fallback test)
#   SHOUHU_REPLICA_START  a command that starts it again
# then stops and deletes both clusters (also when CMD fails or is interrupted). Exits with
# CMD's status. As root, the servers run as "postgres" (as in scripts/with-postgres.sh).
set -euo pipefail

if [ $# -eq 0 ]; then
    echo "usage: $0 CMD [ARGS...]" >&2
    exit 2
fi

# shellcheck source=scripts/pg-common.sh
. "$(dirname "${BASH_SOURCE[0]}")/pg-common.sh"
primary_port=$(free_port)
standby_port=$(free_port)
while [ "$standby_port" = "$primary_port" ]; do standby_port=$(free_port); done
datadir=$(mktemp -d /tmp/shouhu-pg-replica.XXXXXX)

cleanup() {
    local rc=$?
    stop_cluster "$datadir/standby"
    stop_cluster "$datadir/primary"
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

# The primary: wal_level replica (PostgreSQL 15's default, named to be sure) and WAL senders;
# initdb's pg_hba.conf trusts replication connections from loopback (-A trust).
as_owner "$PGBIN/initdb" -D "$datadir/primary" -A trust -U postgres -E UTF8 --locale=C --no-sync >/dev/null
if ! as_owner "$PGBIN/pg_ctl" -D "$datadir/primary" -l "$datadir/primary.log" -w \
        -o "-p $primary_port -k /tmp -c listen_addresses=127.0.0.1 -c wal_level=replica -c max_wal_senders=5 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null; then
    cat "$datadir/primary.log" >&2
    exit 1
fi
"$PGBIN/createdb" -h 127.0.0.1 -p "$primary_port" -U postgres shouhu

# The standby: a base backup streamed from the primary; -R writes standby.signal and
# primary_conninfo, so it starts as a hot standby replaying the primary's WAL.
as_owner "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres \
    -D "$datadir/standby" -R -X stream --checkpoint=fast --no-sync
standby_start=("$PGBIN/pg_ctl" -D "$datadir/standby" -l "$datadir/standby.log" -w
    -o "-p $standby_port -k /tmp -c listen_addresses=127.0.0.1 -c hot_standby=on -c fsync=off" start)
if ! as_owner "${standby_start[@]}" >/dev/null; then
    cat "$datadir/standby.log" >&2
    exit 1
fi
in_recovery=$("$PGBIN/psql" -h 127.0.0.1 -p "$standby_port" -U postgres -d shouhu -Atc 'SELECT pg_is_in_recovery()')
if [ "$in_recovery" != t ]; then
    echo "with-replica: the standby is not in recovery" >&2
    exit 1
fi

# The commands the tests use to stop and restart the standby (as the servers' owner).
for action in stop start; do
    if [ "$action" = stop ]; then
        command=$(printf '%q ' "$PGBIN/pg_ctl" -D "$datadir/standby" stop -m fast -w)
    else
        command=$(printf '%q ' "${standby_start[@]}")
    fi
    if [ "$(id -u)" = 0 ]; then
        command="su postgres -s /bin/bash -c $(printf '%q' "cd /tmp && $command")"
    fi
    printf '#!/usr/bin/env bash\nexec %s >/dev/null\n' "$command" >"$datadir/replica-$action.sh"
    chmod 755 "$datadir/replica-$action.sh"
done
chmod 755 "$datadir"

export SHOUHU_DATABASE_URL="postgres://postgres@127.0.0.1:$primary_port/shouhu"
export SHOUHU_REPLICA_URL="postgres://postgres@127.0.0.1:$standby_port/shouhu"
export SHOUHU_REPLICA_STOP="$datadir/replica-stop.sh"
export SHOUHU_REPLICA_START="$datadir/replica-start.sh"
"$@"
