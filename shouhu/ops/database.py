"""The database's side of a backup: a consistent copy out, a copy back in, and its row counts.

PostgreSQL: `pg_dump --format=custom` of a snapshot exported by a REPEATABLE READ transaction
that also counts the rows and reads the figures, so the dump, the counts and the figures are of
one moment; `pg_restore --single-transaction`, so a failed restore leaves the database empty.
SQLite: the online backup API, page by page while the server keeps running, counted in the copy.
"""

import contextlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.db import connection, transaction

from shouhu.ops.archive import ArchiveError

PG_BIN = Path("/usr/lib/postgresql/15/bin")
# The manifest's named counts: what an operator compares first.
NAMED_COUNTS = {
    "children": "registry.Child",
    "parents": "registry.Parent",
    "guardians": "registry.Guardian",
    "census_snapshots": "registry.CensusSnapshot",
    "pairings": "care.Pairing",
    "care_actions": "care.CareAction",
    "access_log_rows": "audit.AccessLog",
    "users": "accounts.User",
    "schools": "org.School",
}


def vendor() -> str:
    return connection.vendor


def dump_name() -> str:
    return "database.pgdump" if vendor() == "postgresql" else "database.sqlite3"


def table_names() -> list[str]:
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def table_counts(tables: list[str] | None = None) -> dict[str, int]:
    """Rows per table of the connection's database (every table without a list)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        names = tables if tables is not None else connection.introspection.table_names(cursor)
        counts = {}
        for name in sorted(names):
            cursor.execute(f"SELECT COUNT(*) FROM {quote(name)}")  # noqa: S608 - table names
            counts[name] = cursor.fetchone()[0]
    return counts


def named_counts(counts: dict[str, int]) -> dict[str, int]:
    return {
        name: counts.get(apps.get_model(label)._meta.db_table, 0)
        for name, label in NAMED_COUNTS.items()
    }


def _sqlite_counts(path: Path) -> dict[str, int]:
    with contextlib.closing(sqlite3.connect(path)) as copy:
        names = [
            row[0]
            for row in copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            name: copy.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]  # noqa: S608
            for name in sorted(names)
        }


@contextlib.contextmanager
def consistent_copy(target: Path) -> Iterator[dict[str, int]]:
    """Copy the database into `target` and yield its row counts; inside the block the
    connection reads the moment copied (PostgreSQL) or the moment just after (SQLite)."""
    if connection.in_atomic_block:
        # SQLite's backup would wait for ever on its own connection's write transaction, and
        # PostgreSQL's snapshot must be the transaction's first statement.
        raise ArchiveError("备份不能在数据库事务中进行。")
    if vendor() == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
            _pg_run(
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
            )
            yield table_counts()
        return
    connection.ensure_connection()
    with contextlib.closing(sqlite3.connect(target)) as copy:
        connection.connection.backup(copy)
    yield _sqlite_counts(target)


def restore_from(path: Path) -> None:
    """Load a copy made by `consistent_copy` into this (empty) database."""
    if vendor() == "postgresql":
        _pg_run(
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            str(path),
        )
        # pg_restore does not bring the planner's statistics: without them the county's
        # figures, read right after, take minutes instead of seconds (measured on 20,000).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return
    connection.ensure_connection()
    with contextlib.closing(sqlite3.connect(path)) as copy:
        copy.backup(connection.connection)


def _pg_run(program: str, *arguments: str) -> None:
    found = shutil.which(program) or str(PG_BIN / program)
    params = connection.settings_dict
    environment = {
        **os.environ,
        "PGDATABASE": params["NAME"] or "",
        "PGHOST": params.get("HOST") or "",
        "PGPORT": str(params.get("PORT") or ""),
        "PGUSER": params.get("USER") or "",
        "PGPASSWORD": params.get("PASSWORD") or "",
    }
    database = ["--dbname", params["NAME"]] if program == "pg_restore" else []
    done = subprocess.run(  # noqa: S603 - PostgreSQL's own tools, arguments built here
        [found, *database, *arguments],
        env={k: v for k, v in environment.items() if v},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise ArchiveError(f"{program} 失败：{done.stderr.strip()[-1500:]}")
