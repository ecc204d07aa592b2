"""Pure rules of attendance: which days are school days, and where an absence stands on the
follow-up clock. No database: the selectors pass in the terms and the school's changes."""

import datetime
import enum
from collections.abc import Iterable, Iterator

ONE_DAY = datetime.timedelta(days=1)


def days_between(start: datetime.date, end: datetime.date) -> Iterator[datetime.date]:
    day = start
    while day <= end:
        yield day
        day += ONE_DAY


def school_days_in(
    *,
    start: datetime.date,
    end: datetime.date,
    terms: Iterable[tuple[datetime.date, datetime.date]],
    weekdays: Iterable[int],
    days_off: Iterable[datetime.date] = (),
    make_up: Iterable[datetime.date] = (),
) -> list[datetime.date]:
    """The school days from start to end: days within a term that fall on a school weekday
    (Monday to Friday), minus the school's days off, plus its make-up days (调休上课) within a
    term."""
    spans = list(terms)
    weekdays, off, on = set(weekdays), set(days_off), set(make_up)

    def in_term(day: datetime.date) -> bool:
        return any(first <= day <= last for first, last in spans)

    return [
        d
        for d in days_between(start, end)
        if in_term(d) and ((d.weekday() in weekdays and d not in off) or d in on)
    ]


class Stage(enum.Enum):
    """Where an absence stands on the follow-up clock."""

    EXPLAINED = "explained"  # the reason is known
    WAITING = "waiting"  # 未知, less than the call delay since the roll call
    CALL_DUE = "call_due"  # 未知, the head teacher should call the guardian and record the call
    CALLED = "called"  # 未知, the call is recorded; a home visit follows at the end of the day
    VISIT = "visit"  # 未知 at the end of the day: a same-day home-visit task exists


def absence_stage(
    *,
    unknown: bool,
    called: bool,
    has_visit: bool,
    taken_at: datetime.datetime,
    now: datetime.datetime,
    call_after: datetime.timedelta,
) -> Stage:
    if not unknown:
        return Stage.EXPLAINED
    if has_visit:
        return Stage.VISIT
    if called:
        return Stage.CALLED
    return Stage.CALL_DUE if now - taken_at >= call_after else Stage.WAITING


def roll_call_overdue(*, school_day: bool, taken: bool, now: datetime.time, due: datetime.time):
    """A school day's roll call not taken by the due time (10:00) is overdue."""
    return school_day and not taken and now >= due
