"""When a duty falls due: pure rules, no database. Times are the county's local time
(settings.TIME_ZONE, Asia/Shanghai), so "every day at 07:00" is seven in the morning in China.

Each occurrence names its period (`period_key`): a daily duty's day, a monthly duty's month. One
run per (duty, period) is the idempotence of the jobs: the key is unique in the database.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Daily:
    """Every day at hour:minute."""

    hour: int
    minute: int = 0

    def at(self, day: datetime.date, tz: ZoneInfo) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(self.hour, self.minute), tzinfo=tz)

    def first_day_from(self, day: datetime.date) -> datetime.date:
        return day

    def next_day(self, day: datetime.date) -> datetime.date:
        return day + datetime.timedelta(days=1)

    def period_key(self, due_at: datetime.datetime) -> str:
        return due_at.date().isoformat()

    def describe(self) -> str:
        return f"每天 {self.hour:02d}:{self.minute:02d}"


@dataclass(frozen=True)
class Monthly:
    """Every month on `day` (1–28, so that every month has it) at hour:minute."""

    day: int
    hour: int
    minute: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.day <= 28:
            raise ValueError("a monthly duty falls on day 1 to 28")

    def at(self, day: datetime.date, tz: ZoneInfo) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(self.hour, self.minute), tzinfo=tz)

    def first_day_from(self, day: datetime.date) -> datetime.date:
        candidate = day.replace(day=self.day)
        return candidate if candidate >= day else self.next_day(candidate)

    def next_day(self, day: datetime.date) -> datetime.date:
        year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
        return datetime.date(year, month, self.day)

    def period_key(self, due_at: datetime.datetime) -> str:
        return due_at.strftime("%Y-%m")

    def describe(self) -> str:
        return f"每月 {self.day} 日 {self.hour:02d}:{self.minute:02d}"


Schedule = Daily | Monthly


def occurrences(
    schedule: Schedule, *, after: datetime.datetime, until: datetime.datetime, tz: ZoneInfo
) -> Iterator[datetime.datetime]:
    """The times the schedule falls due in (after, until], oldest first."""
    day = schedule.first_day_from(after.astimezone(tz).date())
    while True:
        due = schedule.at(day, tz)
        if due > until:
            return
        if due > after:
            yield due
        day = schedule.next_day(day)


def latest(schedule: Schedule, *, until: datetime.datetime, tz: ZoneInfo) -> datetime.datetime:
    """The last time the schedule fell due at or before `until` (a first start begins there)."""
    look_back = datetime.timedelta(days=62)
    found = list(occurrences(schedule, after=until - look_back, until=until, tz=tz))
    return found[-1]


def backoff(attempt: int) -> datetime.timedelta:
    """The wait before retrying after the `attempt`-th failure: 1, 4, 16, 64 minutes."""
    return datetime.timedelta(minutes=4 ** (attempt - 1))
