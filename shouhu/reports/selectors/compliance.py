"""Quota compliance (三个一) for a node and a term: this month's, month by month, the term's.

Every figure here is care's `compliance_months_for` (the months a page shows read in one query),
kept for the piece of work and added up: monthly quotas over the term's months, termly ones as
the last month reads them. Nothing here counts a child.

A period that has not ended (this month, a running term's letter) is "so far": its figure
carries `days_left` (还剩 N 天), is never compared with a finished period, and is left out of
every total (`term_quotas`, `overall_of`): a visit still due this month is not a miss.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhu.care.compliance import Cell, Compliance, compliance_for, compliance_months_for
from shouhu.care.models import ActionKind, QuotaPeriod
from shouhu.care.rules import Period, month_of, period_days_left
from shouhu.core.roles import Perm
from shouhu.org.models import Term
from shouhu.org.selectors import unit_nodes
from shouhu.org.units import node_code
from shouhu.reports.rollup.national import (
    month_prefix,
    reads_rollups,
    rollup_cells,
    rollup_month_cells,
)
from shouhu.reports.selectors.base import (
    Node,
    Share,
    cache_get,
    cache_put,
    cached,
    check_node,
    figure,
    node_key,
    reference_day,
)

# --- compliance (care.compliance_for) ---------------------------------------------------------


@dataclass(frozen=True)
class QuotaFigure:
    """One quota over a group of children in one period: owed, done, exempt; with the days
    left while its period runs (then the figure is so far, not a result)."""

    kind: str
    label: str
    monthly: bool
    owed: int
    done: int
    exempt: int
    days_left: int | None = None

    @property
    def in_progress(self) -> bool:
        return self.days_left is not None

    @property
    def share(self) -> Share:
        return Share(self.done, self.owed)

    @property
    def percent(self) -> float | None:
        return self.share.percent

    @property
    def kind_label(self) -> str:
        return str(ActionKind(self.kind).label)


@dataclass(frozen=True)
class MonthCompliance:
    month: Period
    quotas: list[QuotaFigure]
    days_left: int | None = None  # while the month runs: its figures are so far

    @property
    def in_progress(self) -> bool:
        return self.days_left is not None

    @property
    def overall(self) -> Share:
        """All the month's monthly quotas together (the termly ones run to the term's end)."""
        chosen = [q for q in self.quotas if q.monthly] or self.quotas
        return Share(sum(q.done for q in chosen), sum(q.owed for q in chosen))

    def as_dict(self) -> dict:
        return {
            "month": self.month.key,
            "in_progress": self.in_progress,
            "days_left": self.days_left,
            "overall": self.overall.as_dict(),
            "quotas": [
                {
                    "kind": q.kind,
                    "label": q.label,
                    "owed": q.owed,
                    "done": q.done,
                    "exempt": q.exempt,
                    "percent": q.percent,
                    "in_progress": q.in_progress,
                    "days_left": q.days_left,
                }
                for q in self.quotas
            ],
        }


def month_compliance(compliance: Compliance, cells: list[Cell]) -> MonthCompliance:
    today = timezone.localdate()
    return MonthCompliance(
        month=compliance.month,
        quotas=[
            QuotaFigure(
                kind=column.kind,
                label=column.label,
                monthly=column.period.kind == QuotaPeriod.MONTH,
                owed=cell.owed,
                done=cell.done,
                exempt=cell.exempt,
                days_left=period_days_left(column.period, today=today),
            )
            for column, cell in zip(compliance.columns, cells, strict=True)
        ],
        days_left=period_days_left(compliance.month, today=today),
    )


def care_compliance(user, *, node: Node, month: Period, by: str = "") -> Compliance:
    """care.compliance_for, read once per node, month and grouping in a piece of work."""
    return cached(
        ("compliance", id(user), node_key(node), month.key, by),
        lambda: compliance_for(user, node=node, month=month, by=by),
    )


def term_months(term: Term, today: datetime.date | None = None) -> list[Period]:
    """The months of a term up to its reference day."""
    months = []
    month = month_of(term.starts_on)
    last = month_of(reference_day(term, today))
    while month <= last:
        months.append(month)
        month = month_of(month.end + datetime.timedelta(days=1))
    return months


def _months_compliance(
    user, node: Node, months: list[Period], *, by_school: bool = False
) -> dict[str, tuple[MonthCompliance, dict[str, MonthCompliance]]]:
    """care.compliance_months_for, by month key: the node's figures and each unit's (one level
    down, or every school) by node code. The months not yet read in this piece of work are
    read together, in one query."""
    check_node(user, node, Perm.CARE_OVERSEE)
    keys = {
        m.key: ("months_compliance", id(user), node_key(node), m.key, by_school) for m in months
    }
    result = {}
    for month in months:
        if (known := cache_get(keys[month.key])) is not None:
            result[month.key] = known
    missing = [m for m in months if m.key not in result]
    if not missing:
        return result
    if reads_rollups(node):  # a national instance (issue 18): the provinces' roll-ups
        _, units = unit_nodes(node)
        for month in missing:
            result[month.key] = cache_put(
                keys[month.key],
                (
                    _rollup_month(node, month),
                    {node_code(u): _rollup_month(u, month) for u in units.values()},
                ),
            )
        return result
    read = compliance_months_for(user, node=node, months=missing, by="school" if by_school else "")
    for month in missing:
        compliance = read[month.key]
        units = {row.code: month_compliance(compliance, row.cells) for row in compliance.units}
        result[month.key] = cache_put(
            keys[month.key], (month_compliance(compliance, compliance.total), units)
        )
    return result


def _rollup_month(region, month: Period) -> MonthCompliance:
    """A region's monthly quotas for a month, summed from the roll-ups (a month still running
    has none yet: it is so far, with its days left)."""
    cells = rollup_month_cells(region, month)
    prefix = month_prefix(month)
    kinds = sorted(
        k.removeprefix(prefix).removesuffix(".owed") for k in cells.values if k.endswith(".owed")
    )
    return MonthCompliance(
        month=month,
        quotas=[
            QuotaFigure(
                kind=kind,
                label=str(ActionKind(kind).label),
                monthly=True,
                owed=cells.count(f"{prefix}{kind}.owed"),
                done=cells.count(f"{prefix}{kind}.done"),
                exempt=cells.count(f"{prefix}{kind}.exempt"),
            )
            for kind in kinds
        ],
        days_left=period_days_left(month, today=timezone.localdate()),
    )


def prefetch_compliance(user, *, node: Node, months: list[Period], by_school: bool = False) -> None:
    """Read these months in one query, for a page that shows them all."""
    _months_compliance(user, node, list(dict.fromkeys(months)), by_school=by_school)


def month_compliance_for_node(
    user, *, node: Node, month: Period, by_school: bool = False
) -> tuple[MonthCompliance, dict[str, MonthCompliance]]:
    return _months_compliance(user, node, [month], by_school=by_school)[month.key]


@figure(
    "compliance_month",
    _("本月关爱要求完成率"),
    _(
        "所选学期的当月（学期已结束则为最后一个月）各项关爱要求的完成率＝已完成÷应完成；"
        "应完成指该周期第一天起已有代理家长、周期结束时仍在名册中的儿童，不含因免除而未完成的。"
        "总完成率合计各项按月的要求。周期尚未结束时为截至目前的情况（注明还剩天数），"
        "不与已结束的周期比较。"
    ),
)
def compliance_month_for(user, *, node: Node, term: Term) -> MonthCompliance:
    return month_compliance_for_node(user, node=node, month=month_of(reference_day(term)))[0]


@figure(
    "compliance_by_month",
    _("逐月关爱要求完成率"),
    _("所选学期每个月各项按月关爱要求（如每月家访、每月与家长通话）的完成率。"),
)
def compliance_by_month_for(user, *, node: Node, term: Term) -> list[MonthCompliance]:
    by_month = _months_compliance(user, node, term_months(term))
    return [by_month[m.key][0] for m in term_months(term)]


@figure(
    "compliance_term",
    _("本学期关爱要求完成率"),
    _(
        "所选学期各项关爱要求的完成情况：按月的要求合计已结束各月的应完成与已完成，按学期的要求"
        "取本学期。尚未结束的周期不计入（不算未完成），只列出截至目前的情况。"
    ),
)
def compliance_term_for(user, *, node: Node, term: Term) -> list[QuotaFigure]:
    quotas = term_quotas(compliance_by_month_for(user, node=node, term=term))
    if reads_rollups(node):  # a national instance: the termly quotas (the letter) as filed
        quotas += _rollup_termly(node, term, monthly={q.kind for q in quotas})
    return quotas


def _rollup_termly(region, term: Term, *, monthly: set[str]) -> list[QuotaFigure]:
    """The quotas a province filed for the whole term (`compliance.<kind>`) that no month
    carries: the termly ones, counted once the term has ended."""
    cells = rollup_cells(region, term)
    kinds = sorted(
        k.removeprefix("compliance.").removesuffix(".owed")
        for k in cells.values
        if k.startswith("compliance.") and k.endswith(".owed")
    )
    return [
        QuotaFigure(
            kind=kind,
            label=str(ActionKind(kind).label),
            monthly=False,
            owed=cells.count(f"compliance.{kind}.owed"),
            done=cells.count(f"compliance.{kind}.done"),
            exempt=0,  # the file carries a term's owed and done only
        )
        for kind in kinds
        if kind not in monthly
    ]


def term_quotas(months: list[MonthCompliance]) -> list[QuotaFigure]:
    """Monthly quotas summed over the months that have ended; termly ones as the last month
    reads them, once the term has ended. A quota none of whose periods has ended yet (the
    term's letter, the first month of a term) is given as it stands so far (`in_progress`),
    for `overall_of` to leave out: a period still running is never a miss."""
    totals: dict[str, list[int]] = {}
    labels: dict[str, tuple[str, bool]] = {}
    running: dict[str, QuotaFigure] = {}
    for index, month in enumerate(months):
        last = index == len(months) - 1
        for quota in month.quotas:
            if not (quota.monthly or last):
                continue
            if quota.in_progress:
                running[quota.kind] = quota
                continue
            sums = totals.setdefault(quota.kind, [0, 0, 0])
            sums[0] += quota.owed
            sums[1] += quota.done
            sums[2] += quota.exempt
            labels[quota.kind] = (quota.kind_label, quota.monthly)
    result = {
        kind: QuotaFigure(
            kind=kind,
            label=str(labels[kind][0]),
            monthly=labels[kind][1],
            owed=sums[0],
            done=sums[1],
            exempt=sums[2],
        )
        for kind, sums in totals.items()
    }
    for kind, quota in running.items():
        if kind not in result:
            result[kind] = QuotaFigure(
                kind=kind,
                label=quota.kind_label,
                monthly=quota.monthly,
                owed=quota.owed,
                done=quota.done,
                exempt=quota.exempt,
                days_left=quota.days_left,
            )
    order = {k: i for i, k in enumerate(ActionKind.values)}
    return sorted(result.values(), key=lambda q: order[q.kind])


def overall_of(quotas: list[QuotaFigure]) -> Share:
    """All the quotas together, leaving out those whose period is still running."""
    ended = [q for q in quotas if not q.in_progress]
    return Share(sum(q.done for q in ended), sum(q.owed for q in ended))


def units_compliance_term(
    user, *, node: Node, term: Term, by_school: bool = False
) -> dict[str, list[QuotaFigure]]:
    """compliance_term for each unit one level down (or each school), by node code."""
    months = term_months(term)
    by_month = _months_compliance(user, node, months, by_school=by_school)
    per_unit: dict[str, list[MonthCompliance]] = defaultdict(list)
    for month in months:
        for code, figures in by_month[month.key][1].items():
            per_unit[code].append(figures)
    return {code: term_quotas(of_unit) for code, of_unit in per_unit.items()}
