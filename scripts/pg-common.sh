# Sourced by scripts/with-postgres.sh and scripts/with-replica.sh: what both need to run
# throwaway PostgreSQL 15 clusters on loopback.
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

# A free TCP port on 127.0.0.1.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# initdb and the server refuse to run as root: as root, run them as "postgres".
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        su postgres -s /bin/bash -c "cd /tmp && $(printf '%q ' "$@")"
    else
        "$@"
    fi
}

# Stop the cluster in data directory $1 if it runs (fast, then immediate).
stop_cluster() {
    if [ -f "$1/postmaster.pid" ]; then
        as_owner "$PGBIN/pg_ctl" -D "$1" stop -m fast >/dev/null \
            || as_owner "$PGBIN/pg_ctl" -D "$1" stop -m immediate >/dev/null || true
    fi
}
