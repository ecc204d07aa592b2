#!/usr/bin/env bash
# Usage: scripts/restore-drill.sh
# The restore drill on PostgreSQL 15 alone (it also runs in `make test-postgres`): seed a small
# county, `shouhu backup`, a new empty database, `shouhu restore`, and every figure of `shouhu
# stats` and every row (fields decrypted) compared; a damaged, cut or wrongly keyed archive
# refused. In a throwaway cluster (scripts/with-postgres.sh); the SQLite drill runs in
# `make test-sqlite`.
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash scripts/with-postgres.sh "${PYTHON:-.venv/bin/python}" -m pytest -q -p no:cacheprovider \
    shouhu/ops/tests/test_drill.py -k postgresql
