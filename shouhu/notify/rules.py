"""The delivery's pure rules, no database: quiet hours and the names a message may carry."""

import datetime
from zoneinfo import ZoneInfo

from shouhu.jobs.schedule import backoff

# Two-character surnames: 欧阳小明 is 欧阳同学, not 欧同学.
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 钟离 端木 "
    "西门 南宫 独孤 百里 呼延 万俟 闻人 赫连 澹台 公羊 申屠 太史".split()
)


def quiet_until(
    now: datetime.datetime, *, hours: tuple[int, int], tz: ZoneInfo
) -> datetime.datetime | None:
    """When the quiet hours (start, end) that `now` falls in end, in `tz`; None outside them.
    The hours wrap midnight when start > end (21:00–07:00)."""
    start, end = hours
    local = now.astimezone(tz)
    hour = local.hour
    inside = (start <= hour or hour < end) if start > end else (start <= hour < end)
    if not inside or start == end:
        return None
    day = local.date()
    if start > end and hour >= start:
        day += datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(end), tzinfo=tz)


def retry_after(attempts: int) -> datetime.timedelta:
    """The wait after the `attempts`-th failed try: 1, 4, 16, 64 minutes (the jobs' backoff)."""
    return backoff(max(attempts, 1))


def pupil_name(full_name: str) -> str:
    """How a message names a child: the surname and 同学 (`李家成` → `李同学`), never the full
    name: an SMS is read on a lock screen."""
    name = full_name.strip()
    if not name:
        return "学生"
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]
    return f"{surname}同学"
