"""`shouhu backup`: one encrypted archive of the database, the uploaded files and a manifest.

1. Copy the database consistently (`database.consistent_copy`) into a private temporary
   directory, counting its rows and reading each county's figures at that moment.
2. Stream a tar of the copy, the uploaded files and the manifest (counts, figures, each file's
   size and SHA-256) through the encryption (`archive.EncryptingWriter`) into `NAME.partial`.
3. Rename it to its name when complete: an archive under its final name is whole.

The field key is never written: the archive holds the encrypted fields as the database does, so
the archive and the backup key alone do not reveal ID numbers, phones or notes.
"""

import datetime
import hashlib
import io
import json
import os
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.utils import timezone

from shouhu.ops import database
from shouhu.ops.archive import ArchiveError, EncryptingWriter, backup_keys
from shouhu.org.models import Region, RegionLevel
from shouhu.org.selectors import term_current
from shouhu.org.units import node_code
from shouhu.reports.management.commands.stats import stats_read

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
SUFFIX = ".shouhu-backup"


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    manifest: dict


def media_root() -> Path:
    """Where uploaded files live: MEDIA_ROOT when set, else `$SHOUHU_VAR_DIR/media`. The census
    uploads are rows of the database (registry.CensusImport), in the database's copy."""
    return Path(settings.MEDIA_ROOT) if settings.MEDIA_ROOT else Path(settings.VAR_DIR) / MEDIA


def writing_key() -> bytes:
    keys = backup_keys(settings.SHOUHU_BACKUP_KEY)
    if not keys:
        raise ArchiveError(
            "未设置备份密钥：请设置 SHOUHU_BACKUP_KEY_FILE（或 SHOUHU_BACKUP_KEY），"
            "见 docs/deploy.md。"
        )
    field_keys = {k.strip() for k in (settings.FIELD_KEY or "").split(",") if k.strip()}
    if field_keys & {k.strip() for k in (settings.SHOUHU_BACKUP_KEY or "").split(",")}:
        raise ArchiveError("备份密钥不能与字段密钥相同：备份和字段密钥必须分开保管。")
    return keys[0]


def archive_name(moment: datetime.datetime) -> str:
    return f"shouhu-{timezone.localtime(moment):%Y%m%d-%H%M%S}{SUFFIX}"


class _Hashing(io.RawIOBase):
    """A file read through, its SHA-256 and size kept."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw, self.sha256, self.size = raw, hashlib.sha256(), 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


def _media_files(root: Path) -> Iterator[tuple[Path, str]]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path, f"{MEDIA}/{path.relative_to(root).as_posix()}"


def _add(tar: tarfile.TarFile, *, name: str, path: Path) -> dict:
    info = tarfile.TarInfo(name)
    info.size = path.stat().st_size
    info.mode = 0o600
    with path.open("rb") as raw:
        hashing = _Hashing(raw)
        tar.addfile(info, hashing)
    return {"name": name, "bytes": hashing.size, "sha256": hashing.sha256.hexdigest()}


def county_figures() -> dict[str, dict]:
    """`shouhu stats --json` of every county and every city district in the database, for the
    current term, as the operator reads them: what a restore must give again."""
    term = term_current()
    if term is None:
        return {}
    figures = {}
    for region in Region.objects.filter(level=RegionLevel.COUNTY).order_by("code"):
        code = node_code(region)
        figures[code] = stats_read(scope=code, term=term.code, username=None)
    return figures


def backup_create(*, out: Path, now: datetime.datetime | None = None) -> BackupResult:
    """Write one archive: into `out` when it is a file name, named by the time when it is a
    directory."""
    key = writing_key()
    now = now or timezone.now()
    target = out / archive_name(now) if out.is_dir() else out
    partial = target.with_name(target.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="shouhu-backup-") as tmp:
        os.chmod(tmp, 0o700)
        copy = Path(tmp) / database.dump_name()
        with database.consistent_copy(copy) as counts:
            figures = county_figures()
        try:
            with partial.open("wb") as raw:
                os.chmod(partial, 0o600)
                writer = EncryptingWriter(raw, key)
                with tarfile.open(fileobj=writer, mode="w|") as tar:  # type: ignore[call-overload]
                    files = [_add(tar, name=copy.name, path=copy)]
                    files += [_add(tar, name=n, path=p) for p, n in _media_files(media_root())]
                    manifest = {
                        "format": FORMAT,
                        "created": now.isoformat(),
                        "day": timezone.localdate(now).isoformat(),
                        "database": database.vendor(),
                        "files": files,
                        "counts": database.named_counts(counts),
                        "tables": counts,
                        "figures": figures,
                    }
                    data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                    info = tarfile.TarInfo(MANIFEST)
                    info.size, info.mode = len(data), 0o600
                    tar.addfile(info, io.BytesIO(data))
                writer.close()
                raw.flush()
                os.fsync(raw.fileno())
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
    return BackupResult(path=target, size=target.stat().st_size, manifest=manifest)
