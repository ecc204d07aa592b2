"""The months of care work and the terms they touch: which days of a month are school days.

The terms follow the demo's calendar (`shouhu.demo.terms`). A month that touches no term is a
holiday: no monthly quota is owed in it.
"""

import datetime
from dataclasses import dataclass

from shouhu.demo.terms import ONE_DAY, DemoCalendar, TermData, term_before

__all__ = ["ONE_DAY", "Month", "TermData", "Window", "care_window", "terms_since"]


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


def terms_since(day: datetime.date, calendar: DemoCalendar) -> tuple[TermData, ...]:
    """The terms from the one running on `day` (or the next) to the current one, oldest first."""
    terms = list(calendar.terms)
    while terms[0][3] > day:
        terms.insert(0, term_before(terms[0]))
    return tuple(t for t in terms if t[4] >= day)


def care_window(*, calendar: DemoCalendar, months: int) -> Window:
    """The `months` calendar months that end with today's, and the terms they touch."""
    today = calendar.today
    if months < 1:
        raise ValueError("months must be at least 1")
    year, month = today.year, today.month - (months - 1)
    while month < 1:
        year, month = year - 1, month + 12
    first = datetime.date(year, month, 1)
    terms = terms_since(first, calendar)
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
