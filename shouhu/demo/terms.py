"""The demo's school calendar around the day it is built: its terms, which one is current, and
which came before.

The demo lives in the present: `shouhu seed-demo` builds it around today, whatever today is.
Its terms follow one calendar (autumn 1 September – 20 January, spring 1 March – 10 July). The
current term is the one running today or, in the holidays, the last one that ended; the census,
the care work up to yesterday, the due and overdue items all fall in it.

How the plan uses the terms (`DemoCalendar`): the current school year's terms up to the current
one (the autumn term, or the autumn and spring terms) hold each child in the same class; the
last term of the previous school year (last spring) holds the children a grade below, before
the summer's promotion, the graduates and the families who moved away.
"""

import datetime
from dataclasses import dataclass

ONE_DAY = datetime.timedelta(days=1)
AUTUMN, SPRING = 1, 2
# (code, start year, semester, first day, last day), as the Term rows are written.
TermData = tuple[str, int, int, datetime.date, datetime.date]


def term_data(start_year: int, semester: int) -> TermData:
    """The demo's term of a school year: autumn 1 Sep – 20 Jan, spring 1 Mar – 10 Jul."""
    code = f"{start_year}-{start_year + 1}-{semester}"
    if semester == AUTUMN:
        return (
            code,
            start_year,
            AUTUMN,
            datetime.date(start_year, 9, 1),
            datetime.date(start_year + 1, 1, 20),
        )
    return (
        code,
        start_year,
        SPRING,
        datetime.date(start_year + 1, 3, 1),
        datetime.date(start_year + 1, 7, 10),
    )


def term_before(term: TermData) -> TermData:
    _code, start_year, semester, _starts_on, _ends_on = term
    if semester == SPRING:
        return term_data(start_year, AUTUMN)
    return term_data(start_year - 1, SPRING)


def term_of(day: datetime.date) -> TermData:
    """The term running on the day or, in the holidays, the last one that ended."""
    # The autumn term of the school year that started last September (or this one).
    autumn = term_data(day.year if day.month >= 9 else day.year - 1, AUTUMN)
    spring = term_data(autumn[1], SPRING)
    return spring if day >= spring[3] else autumn


def month_count(first: datetime.date, last: datetime.date) -> int:
    """The calendar months from the month of `first` to that of `last`, both included."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


@dataclass(frozen=True)
class DemoCalendar:
    """The demo's terms as seen from `today`."""

    today: datetime.date
    previous: TermData  # the last term of the previous school year (last spring)
    year_terms: tuple[TermData, ...]  # this school year's terms, up to the current one

    @property
    def current(self) -> TermData:
        return self.year_terms[-1]

    @property
    def terms(self) -> tuple[TermData, ...]:
        return (self.previous, *self.year_terms)

    @property
    def year_start(self) -> datetime.date:
        """The first day of the school year: this year's classes and proxy parents begin."""
        return self.year_terms[0][3]

    @property
    def graduation_day(self) -> datetime.date:
        """The last day of the previous school year, when its top grades left."""
        return self.previous[4]

    @property
    def yesterday(self) -> datetime.date:
        """The last day of care work: the demo is built in the morning, before today's."""
        return self.today - ONE_DAY

    @property
    def care_months(self) -> int:
        """The months of the demo's care work: from the term before the current one (so the
        pages that compare with the previous term have one) up to today's month."""
        return month_count(term_before(self.current)[3], self.today)


def demo_calendar(today: datetime.date) -> DemoCalendar:
    current = term_of(today)
    autumn = term_data(current[1], AUTUMN)
    year_terms = (autumn,) if current == autumn else (autumn, current)
    return DemoCalendar(today=today, previous=term_before(autumn), year_terms=year_terms)
