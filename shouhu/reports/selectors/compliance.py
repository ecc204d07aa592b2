"""Quota compliance (三个一) for a node and a term: this month's, month by month, the term's.

care.compliance_for reads one month per query. The dashboard, the tables and the summary read
several months at once, so they are summed here in one query (`_months_compliance`), with
care's columns, periods and rules, and a test holds the result equal to care.compliance_for,
month by month and unit by unit. To be merged into care as a `compliance_months_for`.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _

from shouhu.accounts.roles import Perm
from shouhu.care.models import (
    ActionKind,
    CareActionChild,
    Exemption,
    Pairing,
    PairingKind,
    QuotaPeriod,
)
from shouhu.care.rules import Period, is_school_month, month_of
from shouhu.care.selectors import Compliance, compliance_for, term_of_month
from shouhu.care.statuses import Cell, Column, columns_for, effective_quotas, terms_dates, total
from shouhu.org.models import School, SchoolClass, Term
from shouhu.org.selectors import schools_under
from shouhu.registry.models import Child
from shouhu.reports.selectors.base import (
    Node,
    Share,
    cache_get,
    cache_put,
    cached,
    check_node,
    code_of,
    figure,
    node_key,
    reference_day,
)
from shouhu.reports.selectors.census import class_filter, unit_nodes

# --- compliance (care.compliance_for) ---------------------------------------------------------


@dataclass(frozen=True)
class QuotaFigure:
    """One quota over a group of children in one period: owed, done, exempt."""

    kind: str
    label: str
    monthly: bool
    owed: int
    done: int
    exempt: int

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

    @property
    def overall(self) -> Share:
        """All the month's monthly quotas together (the termly ones run to the term's end)."""
        chosen = [q for q in self.quotas if q.monthly] or self.quotas
        return Share(sum(q.done for q in chosen), sum(q.owed for q in chosen))

    def as_dict(self) -> dict:
        return {
            "month": self.month.key,
            "overall": self.overall.as_dict(),
            "quotas": [
                {
                    "kind": q.kind,
                    "label": q.label,
                    "owed": q.owed,
                    "done": q.done,
                    "exempt": q.exempt,
                    "percent": q.percent,
                }
                for q in self.quotas
            ],
        }


def month_compliance(compliance: Compliance, cells: list[Cell]) -> MonthCompliance:
    return MonthCompliance(
        month=compliance.month,
        quotas=[
            QuotaFigure(
                kind=column.kind,
                label=column.label,
                monthly=column.period.kind == "month",
                owed=cell.owed,
                done=cell.done,
                exempt=cell.exempt,
            )
            for column, cell in zip(compliance.columns, cells, strict=True)
        ],
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
    """Compliance in several months at once, for the node and each unit one level down (or
    every school), by month key: the same columns, sums and rules as care.compliance_for,
    summed in ONE GROUP BY for all the months (compliance_for reads one month per query, and
    building each query costs more than running it). Kept for the work, month by month.

    To be merged into care (a `compliance_months_for`); care.compliance_for is the reference,
    and a test holds the two equal.
    """
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
    terms = terms_dates()
    _expression, nodes = unit_nodes(node, prefix="school_class__", by_school=by_school)
    school_ids = _schools_under(node)
    effective = effective_quotas(school_ids)
    columns: list[Column] = []
    by_period: dict[tuple[str, str], Column] = {}
    month_columns: dict[str, list[Column]] = {}
    for month in missing:
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
        month_columns[month.key] = chosen
    unit = _expression if _expression is not None else F("school_class_id")
    children = Child.objects.visible_to(user).filter(class_filter(node, "school_class__"))
    sums = compliance_sums(children, columns, unit=unit) if columns else {}
    empty = [Cell() for _ in columns]
    for month in missing:
        chosen = month_columns[month.key]

        def figures(cells: list[Cell], chosen=chosen, month=month) -> MonthCompliance:
            return MonthCompliance(
                month=month,
                quotas=[
                    QuotaFigure(
                        kind=c.kind,
                        label=c.label,
                        monthly=c.period.kind == QuotaPeriod.MONTH,
                        owed=cells[c.index].owed,
                        done=cells[c.index].done,
                        exempt=cells[c.index].exempt,
                    )
                    for c in chosen
                ],
            )

        units = {
            code_of(unit_node): figures(sums.get(key, empty)) for key, unit_node in nodes.items()
        }
        result[month.key] = cache_put(
            keys[month.key], (figures(total(sums, columns) if sums else empty), units)
        )
    return result


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def compliance_sums(
    children: QuerySet[Child], columns: list[Column], *, unit
) -> dict[object, list[Cell]]:
    """What care.statuses.sum_by gives (per unit, per column: owed, done, exempt), summed by
    conditional aggregation: one pass each over the care actions, the proxy pairings and the
    exemptions of the children, joined to them, instead of a correlated subquery per child
    and column (four to five times faster on a county of 20,000).

    The rules are care's: owed in a period when a proxy parent held the child on its first day
    and the child was still on the register on its last day (rules.period_owed), asked at the
    child's school (the column's minimum), less exempt children not done; done when the
    actions of the kind in the period reach the minimum (rules.quota_status).
    """
    periods = list(dict.fromkeys(c.period for c in columns))
    rows = children.order_by().values(
        "id", "left_on", unit_key=unit, school_key=F("school_class__school_id")
    )
    children_sql, children_params = rows.query.sql_with_params()
    ids = f"SELECT U.id FROM ({children_sql}) U"  # noqa: S608 - SQL built by the ORM
    first, last = min(p.start for p in periods), max(p.end for p in periods)

    done: list[str] = []
    done_params: list[object] = []
    for c in columns:
        done.append(
            f"SUM(CASE WHEN kind = %s AND done_on BETWEEN %s AND %s THEN 1 ELSE 0 END) d{c.index}"
        )
        done_params += [c.kind, c.period.start, c.period.end]
    done_sql = (
        f"SELECT child_id, {', '.join(done)} FROM {_table(CareActionChild)} "  # noqa: S608
        f"WHERE child_id IN ({ids}) AND done_on BETWEEN %s AND %s GROUP BY child_id"
    )
    done_params += [*children_params, first, last]

    held: list[str] = []
    held_params: list[object] = []
    for n, period in enumerate(periods):
        held.append(
            f"MAX(CASE WHEN starts_on <= %s AND (ends_on IS NULL OR ends_on >= %s) "
            f"THEN 1 ELSE 0 END) o{n}"
        )
        held_params += [period.start, period.start]
    held_sql = (
        f"SELECT child_id, {', '.join(held)} FROM {_table(Pairing)} "  # noqa: S608
        f"WHERE kind = %s AND child_id IN ({ids}) GROUP BY child_id"
    )
    held_params += [PairingKind.PROXY_PARENT, *children_params]

    exempt: list[str] = []
    exempt_params: list[object] = []
    for c in columns:
        exempt.append(
            f"MAX(CASE WHEN kind IN (%s, '') AND starts_on <= %s AND ends_on >= %s "
            f"THEN 1 ELSE 0 END) x{c.index}"
        )
        exempt_params += [c.kind, c.period.end, c.period.start]
    exempt_sql = (
        f"SELECT child_id, {', '.join(exempt)} FROM {_table(Exemption)} "  # noqa: S608
        f"WHERE child_id IN ({ids}) GROUP BY child_id"
    )
    exempt_params += children_params

    # Per child: the minimum asked at their school, the actions done, whether a proxy parent
    # held them, whether they were excused; then the sums per unit.
    per_child: list[str] = ["C.unit_key", "C.left_on"]
    per_child_params: list[object] = []
    for c in columns:
        by_minimum: dict[int, list[int]] = defaultdict(list)
        for school_id, minimum in c.minimum_by_school.items():
            by_minimum[minimum].append(school_id)
        minimum_sql = "CASE"
        for minimum, school_ids in sorted(by_minimum.items()):
            minimum_sql += f" WHEN C.school_key IN ({', '.join(['%s'] * len(school_ids))}) THEN %s"
            per_child_params += [*school_ids, minimum]
        per_child.append(f"{minimum_sql} ELSE 0 END m{c.index}")
        per_child.append(f"COALESCE(D.d{c.index}, 0) d{c.index}")
        per_child.append(f"COALESCE(X.x{c.index}, 0) x{c.index}")
    per_child += [f"COALESCE(P.o{n}, 0) o{n}" for n in range(len(periods))]
    sums: list[str] = []
    sums_params: list[object] = []
    for c in columns:
        i, p = c.index, periods.index(c.period)
        asked = f"o{p} = 1 AND (left_on IS NULL OR left_on > %s) AND m{i} > 0"
        sums += [
            f"SUM(CASE WHEN {asked} AND NOT (x{i} = 1 AND d{i} < m{i}) THEN 1 ELSE 0 END)",
            f"SUM(CASE WHEN {asked} AND d{i} >= m{i} THEN 1 ELSE 0 END)",
            f"SUM(CASE WHEN {asked} AND x{i} = 1 AND d{i} < m{i} THEN 1 ELSE 0 END)",
        ]
        sums_params += [c.period.end] * 3
    sql = (
        f"SELECT unit_key, {', '.join(sums)} FROM ("  # noqa: S608 - SQL built here and by the ORM
        f"SELECT {', '.join(per_child)} FROM ({children_sql}) C "
        f"LEFT JOIN ({done_sql}) D ON D.child_id = C.id "
        f"LEFT JOIN ({held_sql}) P ON P.child_id = C.id "
        f"LEFT JOIN ({exempt_sql}) X ON X.child_id = C.id"
        f") T GROUP BY unit_key"
    )
    params = [
        *sums_params,
        *per_child_params,
        *children_params,
        *done_params,
        *held_params,
        *exempt_params,
    ]
    result: dict[object, list[Cell]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            values = [int(v or 0) for v in row[1:]]
            result[row[0]] = [Cell(*values[3 * i : 3 * i + 3]) for i in range(len(columns))]
    return result


def _schools_under(node: Node) -> list[int]:
    if isinstance(node, SchoolClass):
        return [node.school_id]
    if isinstance(node, School):
        return [node.pk]
    return list(schools_under(node).values_list("pk", flat=True))


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
        "总完成率合计各项按月的要求。"
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
    _("所选学期各项关爱要求的完成情况：按月的要求合计各月的应完成与已完成，按学期的要求取本学期。"),
)
def compliance_term_for(user, *, node: Node, term: Term) -> list[QuotaFigure]:
    return term_quotas(compliance_by_month_for(user, node=node, term=term))


def term_quotas(months: list[MonthCompliance]) -> list[QuotaFigure]:
    """Monthly quotas summed over the months; termly ones as the last month reads them."""
    totals: dict[str, list[int]] = {}
    labels: dict[str, tuple[str, bool]] = {}
    for index, month in enumerate(months):
        last = index == len(months) - 1
        for quota in month.quotas:
            if quota.monthly or last:
                sums = totals.setdefault(quota.kind, [0, 0, 0])
                sums[0] += quota.owed
                sums[1] += quota.done
                sums[2] += quota.exempt
                labels[quota.kind] = (quota.kind_label, quota.monthly)
    order = {k: i for i, k in enumerate(ActionKind.values)}
    return [
        QuotaFigure(
            kind=kind,
            label=str(labels[kind][0]),
            monthly=labels[kind][1],
            owed=sums[0],
            done=sums[1],
            exempt=sums[2],
        )
        for kind, sums in sorted(totals.items(), key=lambda item: order[item[0]])
    ]


def overall_of(quotas: list[QuotaFigure]) -> Share:
    return Share(sum(q.done for q in quotas), sum(q.owed for q in quotas))


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
