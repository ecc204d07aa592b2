#!/usr/bin/env bash
# Usage: scripts/test-deploy.sh   (make test-deploy)
# The production server for real: `shouhu serve` (gunicorn) on a throwaway PostgreSQL 15 cluster
# (scripts/with-postgres.sh) with SHOUHU_DEBUG=0 and every secret read from a file, behind
# Debian's nginx on loopback running deploy/nginx/shouhu.conf with a self-signed certificate made
# here. nginx reaches gunicorn from 127.0.0.2 (the trusted proxy), the client comes from
# 127.0.0.1, so the logs can tell them apart. scripts/deploy_check.py then logs in over HTTPS
# and checks HSTS, the hashed static files and both access logs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=${PYTHON:-.venv/bin/python}

if [ "${1:-}" != "--inside" ]; then
    exec bash scripts/with-postgres.sh bash "$0" --inside
fi

NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { echo "test-deploy: nginx is not installed (make system-deps)" >&2; exit 1; }

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
app_port=$(free_port); https_port=$(free_port); http_port=$(free_port)
work=$(mktemp -d /tmp/shouhu-deploy.XXXXXX)
server_pid=""
worker_pid=""

cleanup() {
    local rc=$?
    [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
    if [ -n "$worker_pid" ]; then
        kill "$worker_pid" 2>/dev/null || true
        wait "$worker_pid" 2>/dev/null || true
    fi
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [ "$rc" != 0 ]; then
        echo "--- gunicorn" >&2; tail -n 40 "$work/server.log" >&2 || true
        echo "--- nginx" >&2; tail -n 20 "$work/log/shouhu.error.log" "$work/nginx-error.log" >&2 || true
    fi
    rm -rf "$work"
    exit "$rc"
}
trap cleanup EXIT

# 1. The secrets, each in a file only its owner reads; the database URL too.
mkdir -p "$work/log" "$work/tls" "$work/nginx-temp"
. "$(dirname "${BASH_SOURCE[0]}")/production-env.sh"
production_env "$work"
export SHOUHU_TRUSTED_PROXIES=127.0.0.2
export SHOUHU_PUBLIC_ORIGIN="https://localhost:$https_port"
# SHOUHU_ALLOWED_HOSTS keeps its default, 127.0.0.1 and localhost: the monitor asks /healthz there.

# 2. The database and the first administrator, as docs/deploy.md does it.
"$PY" -m shouhu.cli migrate --noinput -v0
SHOUHU_ADMIN_PASSWORD=deploy-test-Pa55word "$PY" -m shouhu.cli shell --no-imports -c "
import os
from shouhu.accounts.models import User
from shouhu.org.models import Region
province, _ = Region.objects.get_or_create(code='510000000000', defaults={'name': '四川省', 'level': 'province'})
city, _ = Region.objects.get_or_create(code='511700000000', defaults={'name': '达州市', 'level': 'city', 'parent': province})
county, _ = Region.objects.get_or_create(code='511781000000', defaults={'name': '万源市', 'level': 'county', 'parent': city})
admin = User(username='admin', display_name='系统管理员', role='admin', scope_region=county)
admin.set_password(os.environ['SHOUHU_ADMIN_PASSWORD'])
admin.full_clean()
admin.save()
"

# 3. gunicorn, as the systemd unit starts it.
"$PY" -m shouhu.cli serve --bind "127.0.0.1:$app_port" --workers 2 \
    --access-log "$work/log/access.log" > "$work/server.log" 2>&1 &
server_pid=$!
# The job worker, as its systemd unit starts it: /healthz reports its heartbeat.
"$PY" -m shouhu.cli worker --no-startup-delay > "$work/worker.log" 2>&1 &
worker_pid=$!

# 4. A self-signed certificate and nginx running deploy/nginx/shouhu.conf on loopback ports.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost" \
    -keyout "$work/tls/privkey.pem" -out "$work/tls/fullchain.pem" 2>/dev/null
sed -e "s|listen 80;|listen 127.0.0.1:$http_port;|" \
    -e "s|listen 443 ssl http2;|listen 127.0.0.1:$https_port ssl http2;|" \
    -e "/listen \[::\]/d" \
    -e "s|server_name shouhu.example.gov.cn;|server_name localhost;|" \
    -e "s|/etc/ssl/shouhu/|$work/tls/|" \
    -e "s|/var/log/nginx/|$work/log/|" \
    -e "s|server 127.0.0.1:8000;|server 127.0.0.1:$app_port;|" \
    -e "s|proxy_pass http://shouhu;|proxy_pass http://shouhu;\n        proxy_bind 127.0.0.2;|" \
    deploy/nginx/shouhu.conf > "$work/site.conf"
grep -q "proxy_bind 127.0.0.2" "$work/site.conf" && grep -q "$work/tls/" "$work/site.conf"
chmod 777 "$work/nginx-temp"
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 64; }
http {
    include /etc/nginx/mime.types;
    client_body_temp_path $work/nginx-temp/body;
    proxy_temp_path $work/nginx-temp/proxy;
    fastcgi_temp_path $work/nginx-temp/fastcgi;
    uwsgi_temp_path $work/nginx-temp/uwsgi;
    scgi_temp_path $work/nginx-temp/scgi;
    include $work/site.conf;
}
CONF
"$NGINX" -c "$work/nginx.conf" -e "$work/nginx-error.log" -g "user $(id -un) $(id -gn);"

# 5. Wait for gunicorn, then check from the outside.
for _ in $(seq 60); do
    "$PY" -c "import json,urllib.request,sys; sys.exit(json.load(urllib.request.urlopen('http://127.0.0.1:$app_port/healthz', timeout=2)).get('worker') != 'ok')" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { echo "test-deploy: shouhu serve exited" >&2; exit 1; }
    sleep 0.5
done
"$PY" scripts/deploy_check.py --origin "$SHOUHU_PUBLIC_ORIGIN" --cert "$work/tls/fullchain.pem" \
    --app "http://127.0.0.1:$app_port" --http "http://localhost:$http_port" \
    --username admin --password deploy-test-Pa55word \
    --gunicorn-log "$work/log/access.log" --nginx-log "$work/log/shouhu.access.log"
