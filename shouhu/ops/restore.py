"""`shouhu restore ARCHIVE`: an archive back into an empty database, checked before and after.

1. Refuse a database that holds any table, and a media directory that holds any file.
2. Decrypt the whole archive into a private temporary directory, checking every chunk, then
   every file against the manifest's size and SHA-256. A wrong key, a damaged or a cut archive
   stops here, before anything is written.
3. Load the database copy (`database.restore_from`) and the uploaded files.
4. Count the rows again against the manifest, and read each county's figures for the backup's
   term, to be compared with the figures read when the backup was taken.
"""

import hashlib
import json
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings

from shouhu.ops import database
from shouhu.ops.archive import ArchiveError, DecryptingReader, backup_keys
from shouhu.ops.backup import MANIFEST, MEDIA, media_root
from shouhu.reports.management.commands.stats import stats_read


@dataclass
class RestoreResult:
    manifest: dict
    counts: dict[str, int]
    figures: dict[str, dict]
    differences: dict[str, list[str]] = field(default_factory=dict)


def restore_refusal() -> str | None:
    """Why this database may not be restored into, or None when it is empty."""
    tables = database.table_names()
    if tables:
        return (
            f"数据库不是空的（已有 {len(tables)} 个表）：恢复只写入空数据库，绝不覆盖现有数据。"
            "请新建一个空数据库（PostgreSQL：createdb；SQLite：新的数据库文件），"
            "让 SHOUHU_DATABASE_URL 指向它，不要先运行 migrate。"
        )
    root = media_root()
    if root.is_dir() and any(p.is_file() for p in root.rglob("*")):
        return f"上传文件目录 {root} 不是空的：恢复只写入空目录。"
    return None


def _member_path(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ArchiveError(f"备份文件已损坏：含有不允许的路径 {name!r}。")
    return path


def unpack(archive: Path, into: Path) -> dict:
    """Decrypt and unpack the archive into `into`, every file checked against the manifest;
    the manifest."""
    keys = backup_keys(settings.SHOUHU_BACKUP_KEY)
    if not keys:
        raise ArchiveError(
            "未设置备份密钥：请设置 SHOUHU_BACKUP_KEY_FILE（或 SHOUHU_BACKUP_KEY）。"
        )
    found: dict[str, dict] = {}
    manifest = None
    try:
        with archive.open("rb") as raw:
            reader = DecryptingReader(raw, keys)
            with tarfile.open(fileobj=reader, mode="r|") as tar:  # type: ignore[call-overload]
                for member in tar:
                    path = _member_path(member.name)
                    if not member.isfile():
                        raise ArchiveError(f"备份文件已损坏：{member.name} 不是普通文件。")
                    source = tar.extractfile(member)
                    if member.name == MANIFEST:
                        manifest = json.loads(source.read())
                        continue
                    target = into.joinpath(*path.parts)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    digest, size = hashlib.sha256(), 0
                    with target.open("wb") as out:
                        while block := source.read(1024 * 1024):
                            digest.update(block)
                            size += len(block)
                            out.write(block)
                    found[member.name] = {"bytes": size, "sha256": digest.hexdigest()}
            reader.verify_to_end()
    except tarfile.TarError as error:
        raise ArchiveError(f"备份文件已损坏：无法读取其内容（{error}）。") from error
    except (OSError, ValueError) as error:
        if isinstance(error, ArchiveError):
            raise
        raise ArchiveError(f"无法读取备份文件：{error}") from error
    if manifest is None:
        raise ArchiveError("备份文件不完整：缺少清单（manifest.json）。")
    listed = {f["name"]: f for f in manifest.get("files", [])}
    if set(listed) != set(found):
        raise ArchiveError("备份文件与其清单不符：文件列表不同。")
    for name, kept in listed.items():
        if (kept["bytes"], kept["sha256"]) != (found[name]["bytes"], found[name]["sha256"]):
            raise ArchiveError(f"备份文件与其清单不符：{name} 的校验和不同。")
    return manifest


def _differences(before: dict, after: dict) -> list[str]:
    keys = set(before.get("figures", {})) | set(after.get("figures", {}))
    return sorted(
        key
        for key in keys
        if before.get("figures", {}).get(key, {}).get("value")
        != after.get("figures", {}).get(key, {}).get("value")
    )


def restore_run(*, archive: Path) -> RestoreResult:
    """Restore the archive into the empty database (the module's steps)."""
    refusal = restore_refusal()
    if refusal:
        raise ArchiveError(refusal)
    with tempfile.TemporaryDirectory(prefix="shouhu-restore-") as tmp:
        Path(tmp).chmod(0o700)
        manifest = unpack(archive, Path(tmp))
        if manifest.get("format") != 1:
            raise ArchiveError(f"不支持的备份清单格式：{manifest.get('format')}。")
        if manifest["database"] != database.vendor():
            raise ArchiveError(
                f"这是 {manifest['database']} 数据库的备份，不能恢复到 {database.vendor()} 数据库。"
            )
        database.restore_from(Path(tmp) / database.dump_name())
        media = Path(tmp) / MEDIA
        if media.is_dir():
            shutil.copytree(media, media_root(), dirs_exist_ok=True)
    counts = database.table_counts(list(manifest["tables"]))
    if counts != manifest["tables"]:
        wrong = sorted(t for t in counts if counts[t] != manifest["tables"][t])
        raise ArchiveError(f"恢复后的行数与备份清单不符：{'、'.join(wrong)}。")
    figures, differences = {}, {}
    for code, before in manifest.get("figures", {}).items():
        figures[code] = stats_read(scope=code, term=before["term"], username=None)
        changed = _differences(before, figures[code])
        if changed:
            differences[code] = changed
    return RestoreResult(
        manifest=manifest,
        counts=database.named_counts(counts),
        figures=figures,
        differences=differences,
    )
