"""The restore drill (issue 17): seed, back up, drop everything, restore, and every figure of
`shouhu stats` for the county and every row of every model (the encrypted fields decrypted, so
every child's file) is identical. Run as the operator runs it: `shouhu` commands in processes of
their own, on SQLite files here and on databases of the test cluster in `make test-postgres`.

A damaged, a cut or a wrongly keyed archive is refused in Chinese, and the database it was to be
restored into is left without a single table."""

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

# Every row of every model, as Django reads it (encrypted fields decrypted), in one JSON text.
ROWS = """
import json
import django
django.setup()
from django.apps import apps
rows = {
    m._meta.label: list(m._default_manager.order_by("pk").values())
    for m in apps.get_models() if m._meta.managed and not m._meta.proxy
}
print(json.dumps(rows, default=str, sort_keys=True, ensure_ascii=False))
"""
TABLES = """
import django
django.setup()
from django.db import connection
print(len(connection.introspection.table_names()))
"""


def shouhu(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - the project's own command
        [sys.executable, "-m", "shouhu.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=check,
    )


def python(env: dict, code: str) -> str:
    done = subprocess.run(  # noqa: S603 - this interpreter
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def environment(tmp_path: Path, url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOUHU_")}
    return env | {
        "DJANGO_SETTINGS_MODULE": "shouhu.settings",
        "SHOUHU_DATABASE_URL": url,
        "SHOUHU_VAR_DIR": str(tmp_path / "var"),
        "SHOUHU_BACKUP_KEY": Fernet.generate_key().decode(),
        "SHOUHU_DB_POOL_MAX": "0",
    }


@contextmanager
def sqlite_databases(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    yield lambda name: f"sqlite:///{tmp_path / name}.sqlite3"


@contextmanager
def postgres_databases(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Databases of their own on the test cluster, dropped afterwards."""
    import psycopg

    params = settings.DATABASES["default"]
    server = f"postgres://{params['USER']}@{params['HOST']}:{params['PORT']}"
    prefix = f"drill_{uuid.uuid4().hex[:8]}"
    made: list[str] = []

    def create(name: str) -> str:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{prefix}_{name}"')
        made.append(f"{prefix}_{name}")
        return f"{server}/{prefix}_{name}"

    try:
        yield create
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            for name in made:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def stats(env: dict) -> dict:
    return json.loads(shouhu(env, "stats", "--scope", "511781", "--json").stdout)


def drill(tmp_path: Path, databases: Callable[[str], str]) -> None:
    source = environment(tmp_path, databases("source"))
    (tmp_path / "var").mkdir()
    shouhu(source, "migrate", "--noinput", "-v0")
    shouhu(source, "seed-demo", "--children", "40")
    figures, rows = stats(source), python(source, ROWS)
    backups = tmp_path / "backups"
    backups.mkdir()
    made = shouhu(source, "backup", str(backups))
    assert "备份完成" in made.stdout
    (archive,) = backups.glob("*.shouhu-backup")
    assert b"shouhu-demo" not in archive.read_bytes()

    blob = archive.read_bytes()
    damaged, cut = tmp_path / "damaged", tmp_path / "cut"
    damaged.write_bytes(
        blob[: len(blob) // 2] + bytes([blob[len(blob) // 2] ^ 1]) + blob[len(blob) // 2 + 1 :]
    )
    cut.write_bytes(blob[: len(blob) - 100])
    refusals = [(damaged, "已损坏"), (cut, "截断")]
    wrong_key = environment(tmp_path, databases("refused")) | {
        "SHOUHU_BACKUP_KEY": Fernet.generate_key().decode()
    }
    refused_env = wrong_key | {"SHOUHU_BACKUP_KEY": source["SHOUHU_BACKUP_KEY"]}
    for path, reason in refusals:
        done = shouhu(refused_env, "restore", str(path), check=False)
        assert done.returncode == 1
        assert "拒绝恢复" in done.stderr and reason in done.stderr
    done = shouhu(wrong_key, "restore", str(archive), check=False)
    assert done.returncode == 1 and "备份密钥不对" in done.stderr
    assert python(refused_env, TABLES).strip() == "0"

    # Everything dropped: a new empty database, the same keys.
    target = source | {"SHOUHU_DATABASE_URL": databases("target")}
    restored = shouhu(target, "restore", str(archive))
    assert "项指标与备份时相同" in restored.stdout
    assert stats(target) == figures
    assert python(target, ROWS) == rows

    again = shouhu(target, "restore", str(archive), check=False)
    assert again.returncode == 1 and "数据库不是空的" in again.stderr


@pytest.mark.skipif(POSTGRES, reason="the SQLite drill; make test-postgres runs the PostgreSQL one")
def test_restore_drill_on_sqlite_gives_back_every_figure_and_every_file(tmp_path):
    with sqlite_databases(tmp_path) as databases:
        drill(tmp_path, databases)


@pytest.mark.skipif(not POSTGRES, reason="runs in make test-postgres (scripts/with-postgres.sh)")
def test_restore_drill_on_postgresql_gives_back_every_figure_and_every_file(tmp_path):
    with postgres_databases(tmp_path) as databases:
        drill(tmp_path, databases)
