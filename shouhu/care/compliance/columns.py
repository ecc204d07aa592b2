"""Period columns: one quota in one period (such as "home visits in November 2026"), with the
minimum each school asks, and one child's status in a column."""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from shouhu.care.compliance.quotas import effective_quotas
from shouhu.care.models import (
    ActionKind,
    QuotaPeriod,
)
from shouhu.care.rules import (
    Period,
    QuotaRule,
    QuotaStatus,
    TermDates,
    current_period,
    is_school_month,
    last_period,
    overlaps,
    term_period,
)
from shouhu.org.models import School


@dataclass(frozen=True)
class Column:
    """One quota in one period, with the minimum each school asks (a school missing from the
    map does not ask for this quota in this period)."""

    index: int
    kind: str
    period: Period
    minimum_by_school: dict[int, int]

    @property
    def kind_label(self) -> str:
        return str(ActionKind(self.kind).label)

    @property
    def label(self) -> str:
        return _("%(kind)s（%(period)s）") % {"kind": self.kind_label, "period": self.period.label}


def columns_for(
    effective: dict[int, dict[str, QuotaRule]], periods: Mapping[str, Period | None]
) -> list[Column]:
    """One column per quota kind and period in force at any of the schools, in kind order.

    `periods` gives the period of each period kind (month, term) to look at; None skips it.
    """
    minima: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
    for school_id, rules in effective.items():
        for rule in rules.values():
            if periods.get(rule.period) is not None:
                minima[(rule.kind, rule.period)][school_id] = rule.minimum
    order = {k: i for i, k in enumerate(ActionKind.values)}
    columns = []
    for i, (kind, period_kind) in enumerate(sorted(minima, key=lambda k: (order[k[0]], k[1]))):
        period = periods[period_kind]
        assert period is not None  # kinds without a period were left out above
        columns.append(
            Column(index=i, kind=kind, period=period, minimum_by_school=minima[(kind, period_kind)])
        )
    return columns


def columns_for_months(
    effective: dict[int, dict[str, QuotaRule]],
    months: Sequence[Period],
    terms: Sequence[TermDates],
) -> tuple[list[Column], dict[str, list[Column]]]:
    """The columns of several months at once, each (kind, period) once (a termly quota is one
    column for all the months of its term), and the columns that count in each month."""
    columns: list[Column] = []
    by_period: dict[tuple[str, str], Column] = {}
    of_month: dict[str, list[Column]] = {}
    for month in months:
        periods: dict[str, Period | None] = {
            QuotaPeriod.MONTH: month if is_school_month(month, terms) else None,
            QuotaPeriod.TERM: term_of_month(month, terms),
        }
        chosen = []
        for column in columns_for(effective, periods):
            key = (column.kind, column.period.key)
            if key not in by_period:
                by_period[key] = Column(
                    index=len(columns),
                    kind=column.kind,
                    period=column.period,
                    minimum_by_school=column.minimum_by_school,
                )
                columns.append(by_period[key])
            chosen.append(by_period[key])
        of_month[month.key] = chosen
    return columns, of_month


def term_of_month(month: Period, terms: Sequence[TermDates]) -> Period | None:
    """The term a month falls in (the later one, should two touch the same month)."""
    touching = [t for t in terms if overlaps(month.start, month.end, t.starts_on, t.ends_on)]
    return term_period(max(touching, key=lambda t: t.starts_on)) if touching else None


def columns_around(
    effective: dict[int, dict[str, QuotaRule]], *, day: datetime.date, terms: Sequence[TermDates]
) -> tuple[list[Column], list[Column]]:
    """The columns of the periods running on the day, and of the periods that last ended."""
    kinds = list(QuotaPeriod.values)
    running = columns_for(effective, {k: current_period(k, day, terms) for k in kinds})
    ended = columns_for(effective, {k: last_period(k, day, terms) for k in kinds})
    return running, ended


def columns_running_and_ended(
    school_ids: Iterable[int | School], *, day: datetime.date, terms: Sequence[TermDates]
) -> tuple[list[Column], list[Column]]:
    """The columns in force at the schools around the day (`columns_around`), the ended ones
    numbered after the running ones so that both can be read in one pass."""
    running, ended = columns_around(effective_quotas(school_ids), day=day, terms=terms)
    for i, column in enumerate(ended):
        ended[i] = Column(
            index=len(running) + i,
            kind=column.kind,
            period=column.period,
            minimum_by_school=column.minimum_by_school,
        )
    return running, ended


@dataclass(frozen=True)
class ChildStatus:
    """One child's status for one column (None when the quota is not owed that period)."""

    column: Column
    done: int
    minimum: int
    status: QuotaStatus | None

    @property
    def due_on(self) -> datetime.date:
        return self.column.period.end
