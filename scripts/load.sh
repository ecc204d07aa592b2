#!/usr/bin/env bash
# Usage: scripts/load.sh [--users N] [--seconds S]    (make load USERS=50 SECONDS=300)
# The load test (issue 18, "Load held"; bench/load.py says what the users do): a throwaway
# PostgreSQL 15 cluster (scripts/with-postgres.sh), the 20k county built into it (`shouhu synth
# --children 20000 --months 12`), `shouhu serve` (gunicorn + WhiteNoise) with SHOUHU_DEBUG=0 and
# every secret read from a file as scripts/test-deploy.sh and docs/deploy.md run it, then
# bench/load.py drives it on loopback. Exits with bench/load.py's status (1: a target missed).
# LOAD_CHILDREN (20000) sizes the county; LOAD_WORKERS sets gunicorn's workers (2 × cores + 1).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=${PYTHON:-.venv/bin/python}

if [ "${1:-}" != "--inside" ]; then
    exec bash scripts/with-postgres.sh bash "$0" --inside "$@"
fi
shift

work=$(mktemp -d /tmp/shouhu-load.XXXXXX)
server_pid=""
cleanup() {
    local rc=$?
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [ "$rc" != 0 ] && [ -f "$work/server.log" ]; then
        echo "--- gunicorn (last lines)" >&2; tail -n 30 "$work/server.log" >&2 || true
    fi
    rm -rf "$work"
    exit "$rc"
}
trap cleanup EXIT

# 1. The secrets, each in a file only its owner reads, as in production (docs/deploy.md, step 4).
. "$(dirname "${BASH_SOURCE[0]}")/production-env.sh"
production_env "$work"
# Plain HTTP on loopback, no TLS proxy in front: no redirect to HTTPS (as bench/run.py serve).
export SHOUHU_SSL_REDIRECT=0

# 2. The tables and the 20k county.
echo "load: migrate, then shouhu synth --children ${LOAD_CHILDREN:-20000} --months 12 …"
"$PY" -m shouhu.cli migrate --noinput -v0
start=$(date +%s)
"$PY" -m shouhu.cli synth --children "${LOAD_CHILDREN:-20000}" --months 12 | tail -n 3
echo "load: the county built in $(( $(date +%s) - start )) s"

# 3. gunicorn, as the systemd unit starts it (its workers from the cores, or LOAD_WORKERS).
port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
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
