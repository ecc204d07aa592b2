#!/usr/bin/env bash
# Usage: scripts/load.sh [--users N] [--seconds S]    (make load USERS=50 SECONDS=300)
# The load test (issue 18, "Load held"; bench/load.py says what the users do): a throwaway
# PostgreSQL 15 cluster (scripts/with-postgres.sh), the 20k county built into it (`shouhu synth
# --children 20000 --months 12`), `shouhu serve` (gunicorn + WhiteNoise) with SHOUHU_DEBUG=0 and
# every secret read from a file as scripts/test-deploy.sh and docs/deploy.md run it, then
# bench/load.py drives it on loopback. Exits with bench/load.py's status (1: a target missed).
# LOAD_CHILDREN (20000) sizes the county; LOAD_WORKERS / LOAD_THREADS set gunicorn's workers and
# threads (default: `shouhu serve`'s, docs/deploy.md).
# LOAD_KEEP=DIR keeps the stage for the next run: the cluster (DIR/pg), its county and the keys
# the county was encrypted with (DIR/keys). The first run builds them; a later run with the same
# DIR starts that cluster and skips the build (~10 min). The writes of earlier runs stay in it
# (each run's markers are its own, so the lost-writes check is unaffected). rm -rf DIR to rebuild.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=${PYTHON:-.venv/bin/python}

if [ -z "${LOAD_KEEP:-}" ] && [ "${1:-}" != "--inside" ]; then
    exec bash scripts/with-postgres.sh bash "$0" --inside "$@"
fi
[ "${1:-}" = "--inside" ] && shift

work=$(mktemp -d /tmp/shouhu-load.XXXXXX)
server_pid=""
kept_data=""
cleanup() {
    local rc=$?
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [ "$rc" != 0 ] && [ -f "$work/server.log" ]; then
        echo "--- gunicorn (last lines)" >&2; tail -n 30 "$work/server.log" >&2 || true
    fi
    [ -n "$kept_data" ] && stop_cluster "$kept_data"
    rm -rf "$work"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

build=1
if [ -n "${LOAD_KEEP:-}" ]; then
    # The kept stage: a cluster of our own in LOAD_KEEP/pg (as scripts/with-postgres.sh makes
    # one), started on a free port; "built" is written only once the county is complete.
    . scripts/pg-common.sh
    mkdir -p "$LOAD_KEEP"
    LOAD_KEEP=$(cd "$LOAD_KEEP" && pwd)
    [ -f "$LOAD_KEEP/built" ] && build=0
    if [ "$build" = 1 ]; then
        rm -rf "$LOAD_KEEP/pg" "$LOAD_KEEP/keys"
        mkdir -p "$LOAD_KEEP/pg"
        [ "$(id -u)" = 0 ] && chown postgres: "$LOAD_KEEP/pg"
        chmod 700 "$LOAD_KEEP/pg"
        as_owner "$PGBIN/initdb" -D "$LOAD_KEEP/pg/data" -A trust -U postgres -E UTF8 --locale=C --no-sync >/dev/null
    fi
    port=$(free_port)
    kept_data="$LOAD_KEEP/pg/data"
    as_owner "$PGBIN/pg_ctl" -D "$kept_data" -l "$LOAD_KEEP/pg/log" -w \
        -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null
    [ "$build" = 1 ] && "$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U postgres shouhu
    export SHOUHU_DATABASE_URL="postgres://postgres@127.0.0.1:$port/shouhu"
    # The field and secret keys the county was written with, kept next to it (owner-only).
    mkdir -p "$LOAD_KEEP/keys"
    chmod 700 "$LOAD_KEEP/keys"
    cp -p "$LOAD_KEEP/keys/"*.key "$work/" 2>/dev/null || true
    mkdir -p "$work/keys" && chmod 700 "$work/keys"
    for k in field secret; do [ -f "$work/$k.key" ] && mv "$work/$k.key" "$work/keys/$k.key"; done
fi

# 1. The secrets, each in a file only its owner reads, as in production (docs/deploy.md, step 4).
. "$(dirname "${BASH_SOURCE[0]}")/production-env.sh"
production_env "$work"
# Plain HTTP on loopback, no TLS proxy in front: no redirect to HTTPS (as bench/run.py serve).
export SHOUHU_SSL_REDIRECT=0

if [ -n "${LOAD_KEEP:-}" ]; then
    cp -p "$work/keys/field.key" "$work/keys/secret.key" "$LOAD_KEEP/keys/"
fi

# 2. The tables and the 20k county (unless LOAD_KEEP holds them already).
"$PY" -m shouhu.cli migrate --noinput -v0
if [ "$build" = 1 ]; then
    echo "load: shouhu synth --children ${LOAD_CHILDREN:-20000} --months 12 …"
    start=$(date +%s)
    "$PY" -m shouhu.cli synth --children "${LOAD_CHILDREN:-20000}" --months 12 | tail -n 3
    echo "load: the county built in $(( $(date +%s) - start )) s"
    [ -n "${LOAD_KEEP:-}" ] && touch "$LOAD_KEEP/built"
else
    echo "load: reusing the county in $LOAD_KEEP (rm -rf it to rebuild)"
fi

# 3. gunicorn, as the systemd unit starts it (its workers from the cores, or LOAD_WORKERS).
port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
[ -n "${LOAD_THREADS:-}" ] && export SHOUHU_WEB_THREADS="$LOAD_THREADS"
"$PY" -m shouhu.cli serve --bind "127.0.0.1:$port" ${LOAD_WORKERS:+--workers "$LOAD_WORKERS"} \
    --access-log "$work/access.log" > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 120); do
    "$PY" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/accounts/login/', timeout=2)" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { echo "load: shouhu serve exited" >&2; exit 1; }
    sleep 0.5
done

# 4. The users. bench/load.py reads the database before (the accounts) and after (the writes).
# Its table ends with where the server's time went, per page, from gunicorn's access log.
"$PY" bench/load.py --base "http://127.0.0.1:$port" --access-log "$work/access.log" "$@"
