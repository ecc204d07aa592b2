"""Encryption at rest, checked where an attacker would look: neither the SQLite file nor a
pg_dump of a database holding the demo county contains a plaintext ID number or phone number."""

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from shouhu.accounts.models import User
from shouhu.registry.models import Child, Guardian, Parent

PG_DUMP = Path("/usr/lib/postgresql/15/bin/pg_dump")
GENERIC_HEALTH = {"健康", "良好", "一般"}


def secrets() -> set[str]:
    """Every ID number, phone and guardian's health the demo wrote, read back through the models
    (decrypted)."""
    values = set(Child.objects.values_list("id_number", flat=True))
    values |= set(Parent.objects.values_list("phone", flat=True))
    values |= set(Guardian.objects.values_list("phone", flat=True))
    values |= set(User.objects.values_list("phone", flat=True))
    values |= guardian_health()
    values.discard("")
    return values


def guardian_health() -> set[str]:
    """The demo's guardians' health in words (患有高血压): at least one illness must be on file,
    or the scan would prove nothing about the field."""
    values = set(Guardian.objects.exclude(health="").values_list("health", flat=True))
    assert any(v.startswith("患有") for v in values), "the demo should hold a guardian's illness"
    # 健康 and 良好 are words any text may hold (a training topic, an aid reason): the scan looks
    # for what tells about someone, the illnesses.
    return {v for v in values if v not in GENERIC_HEALTH}


def assert_no_plaintext(blob: bytes, values: set[str]) -> None:
    ids = [v for v in values if len(v) == 18]
    assert len(ids) >= 20 and len(values) > len(ids), "the demo should hold IDs and phones"
    found = sorted(v for v in values if v.encode() in blob)
    assert not found, f"{len(found)} plaintext values in the database, e.g. {found[:3]}"


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", children=24, stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite file: SQLite only")
def test_the_sqlite_file_holds_no_plaintext_id_number_or_phone(demo, tmp_path):
    # A page-by-page copy of the test database is the file as SQLite writes it, free pages too.
    path = tmp_path / "shouhu.sqlite3"
    target = sqlite3.connect(path)
    connection.ensure_connection()
    connection.connection.backup(target)
    target.close()
    blob = path.read_bytes()
    assert_no_plaintext(blob, secrets())
    # The scan can fail: what is stored in the clear (a name) is found in the same bytes.
    assert Child.objects.first().name.encode() in blob


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump: PostgreSQL only")
def test_a_pg_dump_holds_no_plaintext_id_number_or_phone(demo):
    assert PG_DUMP.exists() or shutil.which("pg_dump")
    s = connection.settings_dict
    dump = subprocess.run(
        [
            str(PG_DUMP if PG_DUMP.exists() else "pg_dump"),
            "-h",
            s["HOST"],
            "-p",
            str(s["PORT"]),
            "-U",
            s["USER"],
            "--data-only",
            s["NAME"],
        ],
        capture_output=True,
        check=True,
    ).stdout
    assert_no_plaintext(dump, secrets())
    assert Child.objects.first().name.encode() in dump
