"""Which archives of a backup directory to keep: the newest of each of the last N days, of the
last M ISO weeks and of the last K months that have an archive (grandfather-father-son)."""

import datetime
import re
from collections.abc import Iterable
from pathlib import Path

from shouhu.ops.backup import SUFFIX

NAME = re.compile(r"^shouhu-(\d{8}-\d{6})" + re.escape(SUFFIX) + "$")


def archives_kept(
    moments: Iterable[datetime.datetime], *, daily: int, weekly: int, monthly: int
) -> set[datetime.datetime]:
    """The moments to keep. An archive may be kept for several reasons; the newest is always
    kept, whatever the numbers, so a rotation never leaves a directory without a backup."""
    newest_first = sorted(set(moments), reverse=True)
    kept: set[datetime.datetime] = set(newest_first[:1])
    for count, period in (
        (daily, lambda m: m.date()),
        (weekly, lambda m: m.isocalendar()[:2]),
        (monthly, lambda m: (m.year, m.month)),
    ):
        seen: list[object] = []
        for moment in newest_first:
            bucket = period(moment)
            if bucket in seen:
                continue
            if len(seen) >= count:
                break
            seen.append(bucket)
            kept.add(moment)
    return kept


def archives_in(directory: Path) -> dict[datetime.datetime, Path]:
    """The directory's archives by the moment in their names; other files are not ours."""
    found = {}
    for path in directory.iterdir():
        match = NAME.match(path.name)
        if match and path.is_file():
            found[datetime.datetime.strptime(match[1], "%Y%m%d-%H%M%S")] = path
    return found


def archives_rotate(*, directory: Path, daily: int, weekly: int, monthly: int) -> list[Path]:
    """Delete the archives the rotation does not keep; the deleted paths."""
    found = archives_in(directory)
    kept = archives_kept(found, daily=daily, weekly=weekly, monthly=monthly)
    deleted = [found[m] for m in sorted(found) if m not in kept]
    for path in deleted:
        path.unlink()
    return deleted
