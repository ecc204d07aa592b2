"""The quota statuses of many children in one SQL query (三个一, 篇十).

A *column* is one quota in one period, such as "home visits in November 2026". For each child
and column the database counts the actions done, and tells whether the quota is owed that period
(a proxy parent held the child from the period's first day and the child was still on the
register on its last day) and whether an exemption covers it. The same annotated queryset serves
a teacher's three children (rows read one by one) and a county of 20,000 (summed per unit in
one GROUP BY, never looped over in Python).

Callers cut the children to the user's scope first: this module only reads what it is given.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from shouhu.care.models import (
    ActionKind,
    CareActionChild,
    Exemption,
    Pairing,
    PairingKind,
    Quota,
    QuotaPeriod,
)
from shouhu.care.rules import (
    DEFAULT_QUOTAS,
    DEFAULT_SOURCE,
    Period,
    QuotaRule,
    QuotaStatus,
    TermDates,
    current_period,
    last_period,
    overlaps,
    percent,
    period_owed,
    quota_effective,
    quota_status,
)
from shouhu.org.models import PREFIX_LENGTH, Region, RegionLevel, School, Term, full_code
from shouhu.registry.models import Child

# --- terms and quota rules --------------------------------------------------------------------


def terms_dates() -> list[TermDates]:
    return [
        TermDates(code=t.code, starts_on=t.starts_on, ends_on=t.ends_on, label=str(t))
        for t in Term.objects.order_by("starts_on")
    ]


def region_chain(code: str) -> list[str]:
    """The full codes of a region and its ancestors, from the province down."""
    return [full_code(code[:n]) for n in sorted(PREFIX_LENGTH.values()) if code[n:].strip("0")] + [
        code
    ]


def _rule(quota: Quota, source: str) -> QuotaRule:
    return QuotaRule(kind=quota.kind, period=quota.period, minimum=quota.minimum, source=source)


def quota_levels(*, region_code: str, school: School | None = None) -> list[list[QuotaRule]]:
    """The quota rules from the system default down to a region or school, one list per level."""
    chain = region_chain(region_code)
    names = dict(Region.objects.filter(code__in=chain).values_list("code", "name"))
    rows: dict[str, list[Quota]] = defaultdict(list)
    mine = Q(region_id__in=chain) | (Q(school=school) if school is not None else Q(pk__in=[]))
    for quota in Quota.objects.filter(mine):
        rows[quota.region_id or ""].append(quota)
    levels = [[QuotaRule(r.kind, r.period, r.minimum, str(DEFAULT_SOURCE)) for r in DEFAULT_QUOTAS]]
    levels += [[_rule(q, names.get(code, code)) for q in rows[code]] for code in chain]
    if school is not None:
        levels.append([_rule(q, school.name) for q in rows[""]])
    return levels


def effective_quotas(school_ids: Iterable[int]) -> dict[int, dict[str, QuotaRule]]:
    """The rules in force at each school: two queries, whatever the number of schools."""
    schools = list(School.objects.filter(pk__in=list(school_ids)))
    chains = {s.pk: region_chain(s.region_id) for s in schools}
    codes = {code for chain in chains.values() for code in chain}
    by_region: dict[str, list[QuotaRule]] = defaultdict(list)
    by_school: dict[int, list[QuotaRule]] = defaultdict(list)
    for quota in Quota.objects.filter(Q(region_id__in=codes) | Q(school__in=schools)):
        if quota.school_id is not None:
            by_school[quota.school_id].append(_rule(quota, ""))
        elif quota.region_id is not None:
            by_region[quota.region_id].append(_rule(quota, ""))
    defaults = list(DEFAULT_QUOTAS)
    return {
        s.pk: quota_effective(
            [defaults, *(by_region[code] for code in chains[s.pk]), by_school[s.pk]]
        )
        for s in schools
    }


# --- columns ----------------------------------------------------------------------------------


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


def columns_around(
    effective: dict[int, dict[str, QuotaRule]], *, day: datetime.date, terms: Sequence[TermDates]
) -> tuple[list[Column], list[Column]]:
    """The columns of the periods running on the day, and of the periods that last ended."""
    kinds = list(QuotaPeriod.values)
    running = columns_for(effective, {k: current_period(k, day, terms) for k in kinds})
    ended = columns_for(effective, {k: last_period(k, day, terms) for k in kinds})
    return running, ended


# --- the annotated query ----------------------------------------------------------------------


def _covering_pairing(day: datetime.date) -> QuerySet[Pairing]:
    return Pairing.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=day),
        child=OuterRef("pk"),
        kind=PairingKind.PROXY_PARENT,
        starts_on__lte=day,
    )


def _owed(period: Period) -> ExpressionWrapper:
    """Owed this period (rules.period_owed): a proxy parent held the child on its first day and
    the child was still on the register on its last day."""
    on_register = Q(left_on__isnull=True) | Q(left_on__gt=period.end)
    return ExpressionWrapper(
        Q(Exists(_covering_pairing(period.start))) & on_register, output_field=BooleanField()
    )


def _minimum(column: Column) -> Case | Value:
    by_value: dict[int, list[int]] = defaultdict(list)
    for school_id, minimum in column.minimum_by_school.items():
        by_value[minimum].append(school_id)
    whens = [
        When(school_class__school_id__in=ids, then=Value(minimum))
        for minimum, ids in sorted(by_value.items())
    ]
    return Case(*whens, default=Value(0), output_field=IntegerField())


def _done_count(column: Column) -> Coalesce:
    links = (
        CareActionChild.objects.filter(
            child=OuterRef("pk"),
            kind=column.kind,
            done_on__gte=column.period.start,
            done_on__lte=column.period.end,
        )
        .order_by()
        .values("child")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(links, output_field=IntegerField()), Value(0))


def _exempt(column: Column) -> Exists:
    return Exists(
        Exemption.objects.filter(
            child=OuterRef("pk"),
            kind__in=[column.kind, ""],
            starts_on__lte=column.period.end,
            ends_on__gte=column.period.start,
        )
    )


def _periods(columns: Sequence[Column]) -> list[Period]:
    return list(dict.fromkeys(c.period for c in columns))


def annotate_statuses(
    children: QuerySet[Child], columns: Sequence[Column], *, carer_on: datetime.date | None = None
) -> QuerySet[Child]:
    """Add, per column i: done_i (actions counted), min_i (0: not asked at the child's school),
    exempt_i; per period p: owed_p; and, given `carer_on`, the id of the proxy parent then."""
    periods = _periods(columns)
    annotations: dict = {f"owed_{p}": _owed(period) for p, period in enumerate(periods)}
    for column in columns:
        annotations[f"done_{column.index}"] = _done_count(column)
        annotations[f"min_{column.index}"] = _minimum(column)
        annotations[f"exempt_{column.index}"] = _exempt(column)
    if carer_on is not None:
        annotations["carer_id"] = Subquery(
            Pairing.objects.filter(
                child=OuterRef("pk"), kind=PairingKind.PROXY_PARENT, starts_on__lte=carer_on
            )
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=min(p.start for p in periods)))
            .order_by("-starts_on")
            .values("carer_id")[:1]
        )
    return children.annotate(**annotations)


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


def child_statuses(
    child: Child, columns: Sequence[Column], *, today: datetime.date
) -> list[ChildStatus]:
    """Read a row of `annotate_statuses` back as statuses (rules.quota_status)."""
    periods = _periods(columns)
    result = []
    for column in columns:
        owed = bool(getattr(child, f"owed_{periods.index(column.period)}"))
        minimum = getattr(child, f"min_{column.index}")
        done = getattr(child, f"done_{column.index}")
        status = None
        if owed and minimum:
            status = quota_status(
                done=done,
                minimum=minimum,
                exempt=bool(getattr(child, f"exempt_{column.index}")),
                period=column.period,
                today=today,
            )
        result.append(ChildStatus(column=column, done=done, minimum=minimum, status=status))
    return result


# --- the same statuses for a few children, in Python -------------------------------------------


@dataclass
class FewChildren:
    """What the statuses of a few children rest on, read in three small queries: the proxy
    pairings, the actions of the quota kinds, and the exemptions in the periods' span."""

    pairings: dict[int, list[Pairing]]
    actions: dict[tuple[int, str], list[datetime.date]]
    exemptions: dict[int, list[Exemption]]

    def carer_on(self, child_id: int, day: datetime.date):
        """The proxy parent on the day (the latest pairing begun by then and not yet ended)."""
        held = [
            p
            for p in self.pairings.get(child_id, [])
            if p.starts_on <= day and (p.ends_on is None or p.ends_on >= day)
        ]
        return max(held, key=lambda p: p.starts_on).carer if held else None


def read_few(children: Sequence[Child], columns: Sequence[Column]) -> FewChildren:
    ids = [c.pk for c in children]
    first = min((c.period.start for c in columns), default=None)
    last = max((c.period.end for c in columns), default=None)
    pairings: dict[int, list[Pairing]] = defaultdict(list)
    for pairing in (
        Pairing.objects.filter(child_id__in=ids, kind=PairingKind.PROXY_PARENT)
        .select_related("carer")
        .defer("carer__phone")
    ):
        pairings[pairing.child_id].append(pairing)
    actions: dict[tuple[int, str], list[datetime.date]] = defaultdict(list)
    exemptions: dict[int, list[Exemption]] = defaultdict(list)
    if first is not None and last is not None:
        links = CareActionChild.objects.filter(
            child_id__in=ids,
            kind__in={c.kind for c in columns},
            done_on__gte=first,
            done_on__lte=last,
        ).values_list("child_id", "kind", "done_on")
        for child_id, kind, done_on in links:
            actions[(child_id, kind)].append(done_on)
        for exemption in Exemption.objects.filter(
            child_id__in=ids, starts_on__lte=last, ends_on__gte=first
        ):
            exemptions[exemption.child_id].append(exemption)
    return FewChildren(pairings=pairings, actions=actions, exemptions=exemptions)


def few_statuses(
    child: Child, columns: Sequence[Column], few: FewChildren, *, today: datetime.date
) -> list[ChildStatus]:
    """The statuses `annotate_statuses` gives, worked out with the pure rules for one child of
    a few (a proxy parent's, a class): no per-child query, and no SQL to build per column."""
    result = []
    pairings = few.pairings.get(child.pk, [])
    for column in columns:
        period = column.period
        held = [
            p
            for p in pairings
            if p.starts_on <= period.start and (p.ends_on is None or p.ends_on >= period.start)
        ]
        paired_on = min((p.starts_on for p in held), default=None)
        owed = period_owed(period, paired_on=paired_on, left_on=child.left_on)
        minimum = column.minimum_by_school.get(child.school_class.school_id, 0)
        done = sum(period.contains(d) for d in few.actions.get((child.pk, column.kind), []))
        status = None
        if owed and minimum:
            exempt = any(
                e.kind in ("", column.kind)
                and overlaps(e.starts_on, e.ends_on, period.start, period.end)
                for e in few.exemptions.get(child.pk, [])
            )
            status = quota_status(
                done=done, minimum=minimum, exempt=exempt, period=period, today=today
            )
        result.append(ChildStatus(column=column, done=done, minimum=minimum, status=status))
    return result


# --- sums per unit ----------------------------------------------------------------------------


@dataclass
class Cell:
    """One quota in one period over a group of children."""

    owed: int = 0
    done: int = 0
    exempt: int = 0

    @property
    def open(self) -> int:
        return self.owed - self.done

    @property
    def percent(self) -> float | None:
        return percent(self.done, self.owed)

    def add(self, other: "Cell") -> None:
        self.owed += other.owed
        self.done += other.done
        self.exempt += other.exempt


def grouped_sums(annotated: QuerySet, *, unit, sums: dict[str, str]) -> dict[object, dict]:
    """SUM each condition per unit in one GROUP BY over an annotated queryset.

    `unit` is an expression over the rows; each condition is SQL over the queryset's annotation
    names (written here, never from input). The annotated query becomes a subquery, so each
    correlated subquery runs once per row, whatever the number of sums.
    """
    annotated = annotated.order_by().annotate(unit_key=unit)
    fields = ["unit_key", *(n for n in annotated.query.annotations if n != "unit_key")]
    inner_sql, params = annotated.values(*fields).query.sql_with_params()
    columns = ", ".join(f"SUM(CASE WHEN {c} THEN 1 ELSE 0 END)" for c in sums.values())
    sql = f"SELECT unit_key, {columns} FROM ({inner_sql}) AS t GROUP BY unit_key"  # noqa: S608
    result: dict[object, dict] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            result[row[0]] = {name: int(v or 0) for name, v in zip(sums, row[1:], strict=True)}
    return result


def sum_by(
    children: QuerySet[Child], columns: Sequence[Column], *, unit, carer_on=None
) -> dict[object, list[Cell]]:
    """Sum the statuses per unit (an expression over the child: class, school, township code,
    or F("carer_id") with `carer_on`) in one GROUP BY over the annotated children.

    Owed: asked at the child's school and owed that period, less exempt children not done.
    """
    if not columns:
        return {}
    annotated = annotate_statuses(children, columns, carer_on=carer_on)
    periods = _periods(columns)
    sums = {}
    for column in columns:
        i, p = column.index, periods.index(column.period)
        asked = f"owed_{p} AND min_{i} > 0"
        done = f"done_{i} >= min_{i}"
        sums[f"owed_{i}"] = f"{asked} AND NOT (exempt_{i} AND NOT {done})"
        sums[f"done_{i}"] = f"{asked} AND {done}"
        sums[f"exempt_{i}"] = f"{asked} AND exempt_{i} AND NOT {done}"
    rows = grouped_sums(annotated, unit=unit, sums=sums)
    return {
        key: [Cell(*(r[f"{n}_{c.index}"] for n in ("owed", "done", "exempt"))) for c in columns]
        for key, r in rows.items()
    }


def total(cells_by_unit: dict[object, list[Cell]], columns: Sequence[Column]) -> list[Cell]:
    cells = [Cell() for _ in columns]
    for unit_cells in cells_by_unit.values():
        for cell, unit_cell in zip(cells, unit_cells, strict=True):
            cell.add(unit_cell)
    return cells


def level_below(region: Region) -> RegionLevel:
    levels = list(RegionLevel)
    return levels[min(levels.index(RegionLevel(region.level)) + 1, len(levels) - 1)]
