"""Pure rules of the Home's duty roster (值班表), with no database: which days are school days,
and who keeps each one, fairly (equal counts, give or take one; nobody twice in a row)."""

import datetime
from collections.abc import Hashable, Sequence
from typing import TypeVar

T = TypeVar("T", bound=Hashable)

ONE_DAY = datetime.timedelta(days=1)


def weekdays_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """Monday to Friday from `start` to `end`, both included: the school days of a term until
    the school calendar says otherwise."""
    days, day = [], start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += ONE_DAY
    return days


def roster_plan(
    days: Sequence[datetime.date],
    teachers: Sequence[T],
    *,
    counts: dict[T, int] | None = None,
    before: T | None = None,
) -> list[tuple[datetime.date, T]]:
    """Each day with its duty teacher, in turn: the teachers with the fewest days so far
    (`counts`, from the part of the roster that stays) go first, in the order given, so that at
    the end every count differs from another by at most one when they started equal. The turn
    never gives a teacher two days in a row, nor the first day to `before` (who kept the day
    before), when there are two teachers or more. No teachers, no days."""
    if not teachers or not days:
        return []
    counts = counts or {}
    order = sorted(teachers, key=lambda t: counts.get(t, 0))  # stable: the given order breaks ties
    if before is not None and len(order) > 1 and order[0] == before:
        order = order[1:] + order[:1]
    return [(day, order[i % len(order)]) for i, day in enumerate(days)]
