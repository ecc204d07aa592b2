"""`shouhu rotate-key`: every encrypted value of every model moves to the new key; killed
halfway, nothing is lost, and a second run finishes the job."""

import os
import signal
import subprocess
import sys
from io import StringIO

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from shouhu.audit.management.commands import rotate_key
from shouhu.core import crypto
from shouhu.files.services import attachment_store
from shouhu.registry.models import Child
from shouhu.testing.factories import register_child

OLD = django_settings.FIELD_KEY
NEW = Fernet.generate_key().decode()


@pytest.fixture
def keys(settings):
    """Switch SHOUHU_FIELD_KEY within the test; key material is cached, so drop the cache."""

    def use(value: str) -> None:
        settings.FIELD_KEY = value
        crypto._fernet.cache_clear()
        crypto._index_key.cache_clear()

    yield use
    crypto._fernet.cache_clear()
    crypto._index_key.cache_clear()


def raw_values(cursor) -> dict[tuple[str, str, object], str]:
    """Every non-empty token of every encrypted column, keyed by (table, column, pk)."""
    found = {}
    for model, columns in rotate_key.encrypted_columns():
        table, pk = model._meta.db_table, model._meta.pk.column
        for column in columns:
            cursor.execute(f"SELECT {pk}, {column} FROM {table}")  # noqa: S608
            for key, token in cursor.fetchall():
                if token:
                    found[(table, column, key)] = token
    return found


def plain(tokens: dict, *key_list: str) -> dict:
    fernet = crypto.MultiFernet([Fernet(k) for k in key_list])
    return {k: fernet.decrypt(t.encode()).decode() for k, t in tokens.items()}


def readable_by(tokens: dict, key: str) -> int:
    fernet, count = Fernet(key), 0
    for token in tokens.values():
        try:
            fernet.decrypt(token.encode())
            count += 1
        except InvalidToken:
            pass
    return count


def rotate(*args) -> str:
    out = StringIO()
    call_command("rotate_key", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def files(world, head_teacher):
    for _ in range(6):
        register_child(head_teacher, world.class_a)
    scan = SimpleUploadedFile("协议.pdf", b"%PDF-1.4 a signed agreement")
    attachment_store(upload=scan, by=head_teacher)  # an uploaded file is rotated too
    return world


@pytest.mark.django_db
def test_rotation_moves_every_value_of_every_model_to_the_new_key(files, keys):
    with connection.cursor() as cursor:
        before = raw_values(cursor)
    tables = {table for table, _c, _k in before}
    assert {
        "registry_child",
        "registry_historicalchild",
        "registry_parent",
        "files_attachment",
    } <= tables
    originals = plain(before, OLD)
    keys(f"{NEW},{OLD}")
    out = rotate("--batch-size", "4")
    with connection.cursor() as cursor:
        after = raw_values(cursor)
    assert readable_by(after, NEW) == len(after) == len(before)
    assert plain(after, NEW) == originals
    assert f"Done: {len(before)} values re-encrypted" in out
    rotate("--check")


@pytest.mark.django_db
def test_an_interrupted_rotation_loses_nothing_and_a_second_run_finishes(files, keys, monkeypatch):
    with connection.cursor() as cursor:
        originals = plain(raw_values(cursor), OLD)
    keys(f"{NEW},{OLD}")
    calls = []

    def crash_in_third_batch(self, model, number):
        calls.append(number)
        if len(calls) == 3:
            raise KeyboardInterrupt  # as if killed: inside the batch, after its writes

    monkeypatch.setattr(rotate_key.Command, "batch_written", crash_in_third_batch)
    with pytest.raises(KeyboardInterrupt):
        rotate("--batch-size", "3")
    with connection.cursor() as cursor:
        halfway = raw_values(cursor)
    assert plain(halfway, NEW, OLD) == originals  # nothing lost
    assert 0 < readable_by(halfway, NEW) < len(halfway)  # really halfway
    with pytest.raises(CommandError):
        rotate("--check")
    monkeypatch.setattr(rotate_key.Command, "batch_written", lambda *args: None)
    out = rotate("--batch-size", "3")
    with connection.cursor() as cursor:
        done = raw_values(cursor)
    assert plain(done, NEW) == originals
    assert f"Done: {len(done) - readable_by(halfway, NEW)} values re-encrypted" in out
    rotate("--check")


@pytest.mark.django_db
def test_a_value_no_key_reads_stops_the_rotation_without_changing_it(files, keys):
    keys(f"{NEW},{Fernet.generate_key().decode()}")
    with pytest.raises(CommandError, match="no configured key reads it"):
        rotate()
    keys(OLD)
    assert Child.objects.get(pk=files.child_a.pk).name == "李家成"


@pytest.mark.django_db
def test_retiring_the_old_key_rebuilds_the_id_number_index(files, keys):
    child = files.child_a
    keys(f"{NEW},{OLD}")
    rotate()
    keys(NEW)
    assert not Child.objects.filter(id_number_index=crypto.blind_index(child.id_number)).exists()
    rotate("--reindex")
    found = Child.objects.get(id_number_index=crypto.blind_index(child.id_number))
    assert found.pk == child.pk


# --- a real process, really killed ------------------------------------------------------------


def subprocess_database(tmp_path) -> str:
    """A database URL another process can open holding this test's data: on SQLite a page-by-
    page copy of the in-memory test database, on PostgreSQL the test database itself."""
    if connection.vendor == "sqlite":
        import sqlite3

        path = tmp_path / "copy.sqlite3"
        target = sqlite3.connect(path)
        connection.ensure_connection()
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{path}"
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def shouhu(*args, env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "shouhu.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def tokens_of(url: str) -> dict:
    if url.startswith("sqlite:///"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            return raw_values(db.cursor())
    with connection.cursor() as cursor:
        return raw_values(cursor)


@pytest.mark.django_db(transaction=True)
def test_a_rotation_killed_with_sigkill_loses_nothing_and_resumes(files, keys, tmp_path):
    url = subprocess_database(tmp_path)
    originals = plain(tokens_of(url), OLD)
    env = {
        **os.environ,
        "SHOUHU_DATABASE_URL": url,
        "SHOUHU_FIELD_KEY": f"{NEW},{OLD}",
        "SHOUHU_DEBUG": "1",
    }
    env.pop("SHOUHU_FIELD_KEY_FILE", None)
    process = shouhu("rotate-key", "--batch-size", "2", "--pause", "0.05", env=env)
    batches = 0
    for line in process.stdout:
        batches += " batch " in line
        if batches == 3:
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    halfway = tokens_of(url)
    assert plain(halfway, NEW, OLD) == originals
    assert 0 < readable_by(halfway, NEW) < len(halfway)

    finish = shouhu("rotate-key", "--batch-size", "50", env=env)
    out, err = finish.communicate(timeout=120)
    assert finish.returncode == 0, err
    done = tokens_of(url)
    assert readable_by(done, NEW) == len(done)
    assert plain(done, NEW) == originals
