"""`shouhu backup` in the test database: what the archive holds, and what it refuses.

The database is the transactional one: a backup copies what is committed (pg_dump reads from
a process of its own), and refuses to run inside a transaction."""

import io
import json

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from shouhu.ops.database import dump_name
from shouhu.ops.restore import unpack
from shouhu.registry.models import Child

BACKUP_KEY = Fernet.generate_key().decode()


@pytest.fixture
def backup_key(settings, transactional_db):
    settings.SHOUHU_BACKUP_KEY = BACKUP_KEY
    return BACKUP_KEY


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media" / "scans").mkdir(parents=True)
    (tmp_path / "media" / "scans" / "家访.jpg").write_bytes(b"\xff\xd8 a scan")
    return tmp_path / "media"


def test_the_archive_holds_the_database_the_uploads_and_a_manifest_of_counts(
    world, backup_key, media, tmp_path
):
    out = tmp_path / "backups"
    out.mkdir()
    call_command("backup", str(out), stdout=io.StringIO())
    (archive,) = out.glob("*.shouhu-backup")
    unpacked = tmp_path / "unpacked"
    manifest = unpack(archive, unpacked)
    assert manifest["counts"]["children"] == Child.objects.count() >= 2
    assert {f["name"] for f in manifest["files"]} == {
        dump_name(),
        "media/scans/家访.jpg",
    }
    assert (unpacked / "media" / "scans" / "家访.jpg").read_bytes() == b"\xff\xd8 a scan"
    assert "511781" in manifest["figures"]
    assert b"a scan" not in archive.read_bytes()


def test_the_field_key_is_never_in_the_archive(world, backup_key, settings, tmp_path):
    call_command("backup", str(tmp_path / "one.shouhu-backup"), stdout=io.StringIO())
    manifest = unpack(tmp_path / "one.shouhu-backup", tmp_path / "unpacked")
    text = json.dumps(manifest) + (tmp_path / "unpacked" / dump_name()).read_bytes().hex()
    assert settings.FIELD_KEY not in text
    assert settings.FIELD_KEY.encode().hex() not in text


def test_backup_refuses_to_run_without_its_key(db, settings, tmp_path):
    settings.SHOUHU_BACKUP_KEY = None
    with pytest.raises(CommandError, match="未设置备份密钥"):
        call_command("backup", str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_backup_refuses_the_field_key_as_its_key(db, settings, tmp_path):
    settings.SHOUHU_BACKUP_KEY = settings.FIELD_KEY
    with pytest.raises(CommandError, match="不能与字段密钥相同"):
        call_command("backup", str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_restore_refuses_a_database_that_holds_tables(world, backup_key, tmp_path):
    call_command("backup", str(tmp_path / "one.shouhu-backup"), stdout=io.StringIO())
    children = Child.objects.count()
    with pytest.raises(CommandError, match="数据库不是空的"):
        call_command("restore", str(tmp_path / "one.shouhu-backup"))
    assert Child.objects.count() == children


def test_a_directory_keeps_the_rotation(world, backup_key, tmp_path):
    for name in ("shouhu-20200101-020000", "shouhu-20200102-020000"):
        (tmp_path / f"{name}.shouhu-backup").write_bytes(b"old")
    out = io.StringIO()
    call_command(
        "backup",
        str(tmp_path),
        "--keep-daily",
        "1",
        "--keep-weekly",
        "0",
        "--keep-monthly",
        "0",
        stdout=out,
    )
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("shouhu-2020")] == []
    assert len(list(tmp_path.glob("*.shouhu-backup"))) == 1
    assert "轮换删除" in out.getvalue()
