"""The months of care work and the terms they touch: which days of a month are school days.

Before last spring the terms follow the demo's calendar: autumn 1 Sep – 20 Jan, spring
1 Mar – 10 Jul. A month that touches no term is a holiday: no monthly quota is owed in it.
"""

import datetime
from dataclasses import dataclass

from shouhu.demo import data

ONE_DAY = datetime.timedelta(days=1)
TermData = tuple[str, int, int, datetime.date, datetime.date]  # as data.CURRENT_TERM


@dataclass(frozen=True)
class Month:
    """A calendar month of the window, with the days of it that fall in a term (if any)."""

    start: datetime.date
    end: datetime.date
    school_from: datetime.date | None  # first and last day within a term; None in a holiday
    school_to: datetime.date | None

    @property
    def key(self) -> str:
        return f"{self.start.year:04d}-{self.start.month:02d}"


@dataclass(frozen=True)
class Window:
    """The months of care work up to `today`, and the terms they touch (oldest first)."""

    today: datetime.date
    months: tuple[Month, ...]
    terms: tuple[TermData, ...]

    @property
    def start(self) -> datetime.date:
        return self.months[0].start

    def month_of(self, day: datetime.date) -> Month | None:
        key = f"{day.year:04d}-{day.month:02d}"
        return next((m for m in self.months if m.key == key), None)


def terms_since(day: datetime.date) -> tuple[TermData, ...]:
    """The terms from the one running on `day` (or the next) to this autumn's, oldest first.

    Before last spring the calendar is the demo's: autumn 1 Sep – 20 Jan, spring 1 Mar – 10 Jul.
    """
    terms: list[TermData] = [data.PREVIOUS_TERM, data.CURRENT_TERM]
    while terms[0][3] > day:
        code, year, semester, starts_on, _ends_on = terms[0]
        if semester == 2:  # the autumn before a spring term
            earlier = (
                f"{year}-{year + 1}-1",
                year,
                1,
                datetime.date(year, 9, 1),
                datetime.date(year + 1, 1, 20),
            )
        else:  # the spring before an autumn term
            earlier = (
                f"{year - 1}-{year}-2",
                year - 1,
                2,
                datetime.date(year, 3, 1),
                datetime.date(year, 7, 10),
            )
        terms.insert(0, earlier)
    return tuple(t for t in terms if t[4] >= day)


def care_window(*, today: datetime.date, months: int) -> Window:
    """The `months` calendar months that end with today's, and the terms they touch."""
    if months < 1:
        raise ValueError("months must be at least 1")
    year, month = today.year, today.month - (months - 1)
    while month < 1:
        year, month = year - 1, month + 12
    first = datetime.date(year, month, 1)
    terms = terms_since(first)
    result = []
    start = first
    while start <= today:
        end = (start + datetime.timedelta(days=32)).replace(day=1) - ONE_DAY
        school_from = school_to = None
        for term in terms:
            if term[3] <= end and start <= term[4]:
                school_from = max(start, term[3]) if school_from is None else school_from
                school_to = min(end, term[4])
        result.append(Month(start=start, end=end, school_from=school_from, school_to=school_to))
        start = end + ONE_DAY
    return Window(today=today, months=tuple(result), terms=terms)
