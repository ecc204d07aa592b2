"""The quota statuses of many children in one SQL query (三个一, 篇十).

A *column* is one quota in one period, such as "home visits in November 2026". For each child
and column the database counts the actions done, and tells whether the quota is owed that period
(a proxy parent held the child from the period's first day and the child was still on the
register on its last day) and whether an exemption covers it. The same per-child SQL serves a
class's page (`statuses_by_child`) and a county of 20,000 (`sum_by`: summed per unit in one
GROUP BY, never looped over in Python); `few_statuses` works the same statuses out with the pure
rules for a teacher's few children, and the tests hold the three equal.

Callers cut the children to the user's scope first: this module only reads what it is given.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Case, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
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
    is_school_month,
    last_period,
    overlaps,
    percent,
    period_owed,
    quota_effective,
    quota_status,
    term_period,
)
from shouhu.org.models import PREFIX_LENGTH, Region, School, Term, full_code
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


# --- the statuses in SQL ----------------------------------------------------------------------


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _periods(columns: Sequence[Column]) -> list[Period]:
    return list(dict.fromkeys(c.period for c in columns))


def carer_at(day: datetime.date, *, since: datetime.date) -> Subquery:
    """An annotation: the child's proxy parent on the day (the latest pairing begun by then and
    not ended before `since`)."""
    return Subquery(
        Pairing.objects.filter(
            child=OuterRef("pk"), kind=PairingKind.PROXY_PARENT, starts_on__lte=day
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=since))
        .order_by("-starts_on")
        .values("carer_id")[:1]
    )


def _per_child(
    children: QuerySet[Child], columns: Sequence[Column], *, unit
) -> tuple[str, list[Any]]:
    """SQL of one row per child: unit_key, left_on; per column i the minimum asked at the
    child's school (m_i, 0 when not asked), the actions done (d_i), exempt or not (x_i); per
    period p whether a proxy parent held the child on its first day (o_p).

    One pass each over the care actions, the proxy pairings and the exemptions of the children,
    joined to them (a correlated subquery per child and column is four to five times slower on
    a county of 20,000).
    """
    periods = _periods(columns)
    # A child who left by the end of every period is owed nothing (rules.period_owed).
    still_there = Q(left_on__isnull=True) | Q(left_on__gt=min(p.end for p in periods))
    # The schools asking the same minimum of every column share a quota profile (in a county,
    # usually one): each child's profile is found once, each minimum read from it.
    profiles: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for school_id in sorted({s for c in columns for s in c.minimum_by_school}):
        profiles[tuple(c.minimum_by_school.get(school_id, 0) for c in columns)].append(school_id)
    profile = Case(
        *(
            When(school_class__school_id__in=school_ids, then=Value(n))
            for n, school_ids in enumerate(profiles.values())
        ),
        default=Value(-1),
        output_field=IntegerField(),
    )
    rows = (
        children.filter(still_there)
        .order_by()
        .values("id", "left_on", unit_key=unit, profile=profile)
    )
    children_sql, children_params = rows.query.sql_with_params()
    sql = _Sql()
    if connection.vendor == "sqlite":
        # SQLite runs a subquery each time it is named: read the children once.
        sql.add(f"WITH K AS MATERIALIZED ({children_sql}) ", children_params)
        source, source_params = "K", ()
        ids, ids_params = "SELECT id FROM K", ()
    else:
        # PostgreSQL plans from the tables' statistics, which a CTE hides (it then loops over
        # an index per child instead of one hash join): the children are named where used.
        source, source_params = f"({children_sql})", children_params
        ids, ids_params = f"SELECT U.id FROM ({children_sql}) U", children_params  # noqa: S608

    kinds = list(dict.fromkeys(c.kind for c in columns))
    per_child = ["C.id", "C.unit_key", "C.left_on"]
    per_child_params: list[Any] = []
    for position, c in enumerate(columns):
        minimum_sql = "CASE C.profile"
        for n, minima in enumerate(profiles):
            minimum_sql += " WHEN %s THEN %s"
            per_child_params += [n, minima[position]]
        per_child += [
            f"{minimum_sql} ELSE 0 END m{c.index}",
            f"COALESCE(D{kinds.index(c.kind)}.d{c.index}, 0) d{c.index}",
            f"COALESCE(X.x{c.index}, 0) x{c.index}",
        ]
    per_child += [f"COALESCE(P.o{n}, 0) o{n}" for n in range(len(periods))]
    sql.add(f"SELECT {', '.join(per_child)} ", per_child_params)
    sql.add(f"FROM {source} C ", source_params)

    # The actions, one pass per kind over its own span (each row is tested only against the
    # periods of its kind: twice as fast as one pass over all kinds on a county of 20,000).
    for n, kind in enumerate(kinds):
        of_kind = [c for c in columns if c.kind == kind]
        sums = ", ".join(
            f"SUM(CASE WHEN done_on BETWEEN %s AND %s THEN 1 ELSE 0 END) d{c.index}"
            for c in of_kind
        )
        sql.add(
            f"LEFT JOIN (SELECT child_id, {sums} FROM {_table(CareActionChild)} ",  # noqa: S608
            [v for c in of_kind for v in (c.period.start, c.period.end)],
        )
        sql.add(f"WHERE child_id IN ({ids}) ", ids_params)
        sql.add(
            f"AND kind = %s AND done_on BETWEEN %s AND %s GROUP BY child_id) D{n} "
            f"ON D{n}.child_id = C.id ",
            [kind, min(c.period.start for c in of_kind), max(c.period.end for c in of_kind)],
        )
    held = ", ".join(
        f"MAX(CASE WHEN starts_on <= %s AND (ends_on IS NULL OR ends_on >= %s) "
        f"THEN 1 ELSE 0 END) o{n}"
        for n in range(len(periods))
    )
    sql.add(
        f"LEFT JOIN (SELECT child_id, {held} FROM {_table(Pairing)} WHERE kind = %s ",  # noqa: S608
        [*(v for p in periods for v in (p.start, p.start)), PairingKind.PROXY_PARENT],
    )
    sql.add(f"AND child_id IN ({ids}) GROUP BY child_id) P ON P.child_id = C.id ", ids_params)
    exempt = ", ".join(
        f"MAX(CASE WHEN kind IN (%s, '') AND starts_on <= %s AND ends_on >= %s "
        f"THEN 1 ELSE 0 END) x{c.index}"
        for c in columns
    )
    sql.add(
        f"LEFT JOIN (SELECT child_id, {exempt} FROM {_table(Exemption)} ",  # noqa: S608
        [v for c in columns for v in (c.kind, c.period.end, c.period.start)],
    )
    sql.add(f"WHERE child_id IN ({ids}) GROUP BY child_id) X ON X.child_id = C.id", ids_params)
    return sql.text, sql.params


class _Sql:
    """SQL written piece by piece, each piece with its parameters (in the order they appear)."""

    def __init__(self) -> None:
        self.text = ""
        self.params: list[Any] = []

    def add(self, text: str, params: Sequence[Any]) -> None:
        self.text += text
        self.params += params


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


def statuses_by_child(
    children: QuerySet[Child], columns: Sequence[Column], *, today: datetime.date
) -> dict[int, list[ChildStatus]]:
    """Each child's statuses (rules.quota_status over the per-child row that `sum_by` sums),
    by child id: for a class's page, where the figures above must add up to the rows. A child
    who left by the end of every period is owed nothing and left out."""
    if not columns:
        return {}
    periods = _periods(columns)
    sql, params = _per_child(children, columns, unit=F("id"))
    result: dict[int, list[ChildStatus]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0].lower() for c in cursor.description]
        for values in cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            left_on = row["left_on"]
            if isinstance(left_on, str):  # SQLite hands dates back as text in raw SQL
                left_on = datetime.date.fromisoformat(left_on)
            statuses = []
            for column in columns:
                period = column.period
                owed = bool(row[f"o{periods.index(period)}"]) and (
                    left_on is None or left_on > period.end
                )
                minimum, done = int(row[f"m{column.index}"]), int(row[f"d{column.index}"])
                status = None
                if owed and minimum:
                    status = quota_status(
                        done=done,
                        minimum=minimum,
                        exempt=bool(row[f"x{column.index}"]),
                        period=period,
                        today=today,
                    )
                statuses.append(
                    ChildStatus(column=column, done=done, minimum=minimum, status=status)
                )
            result[row["id"]] = statuses
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
    """The statuses `statuses_by_child` gives, worked out with the pure rules for one child of
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
    names (written here, never from input). The annotated query is a MATERIALIZED CTE, so each
    correlated subquery runs once per row, whatever the number of sums (as a subquery in FROM,
    PostgreSQL pulls it up and runs an EXISTS again for every SUM that names it).
    """
    annotated = annotated.order_by().annotate(unit_key=unit)
    fields = ["unit_key", *(n for n in annotated.query.annotations if n != "unit_key")]
    inner_sql, params = annotated.values(*fields).query.sql_with_params()
    columns = ", ".join(f"SUM(CASE WHEN {c} THEN 1 ELSE 0 END)" for c in sums.values())
    sql = (
        f"WITH t AS MATERIALIZED ({inner_sql}) SELECT unit_key, {columns} FROM t GROUP BY unit_key"  # noqa: S608
    )
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
    or F("carer_id") with `carer_on`) in one GROUP BY over the per-child rows.

    Owed: a proxy parent held the child on the period's first day, the child was still on the
    register on its last day (rules.period_owed) and the quota is asked at the child's school,
    less exempt children not done. Done: the actions reach the minimum (rules.quota_status).
    """
    if not columns:
        return {}
    periods = _periods(columns)
    if carer_on is not None:
        since = min(p.start for p in periods)
        children = children.annotate(carer_id=carer_at(carer_on, since=since))
    per_child, params = _per_child(children, columns, unit=unit)
    sums: list[str] = []
    sums_params: list[Any] = []
    for c in columns:
        i, p = c.index, periods.index(c.period)
        asked = f"o{p} = 1 AND (left_on IS NULL OR left_on > %s) AND m{i} > 0"
        sums += [
            f"SUM(CASE WHEN {asked} AND NOT (x{i} = 1 AND d{i} < m{i}) THEN 1 ELSE 0 END)",
            f"SUM(CASE WHEN {asked} AND d{i} >= m{i} THEN 1 ELSE 0 END)",
            f"SUM(CASE WHEN {asked} AND x{i} = 1 AND d{i} < m{i} THEN 1 ELSE 0 END)",
        ]
        sums_params += [c.period.end] * 3
    # The per-child rows are read once (a subquery in FROM is pulled up into the GROUP BY, and
    # each per-child expression then runs again in every SUM naming it: 10-20% slower).
    sql = (
        f"WITH T AS MATERIALIZED ({per_child}) "  # noqa: S608
        f"SELECT unit_key, {', '.join(sums)} FROM T GROUP BY unit_key"
    )
    result: dict[object, list[Cell]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params + sums_params)
        for row in cursor.fetchall():
            values = [int(v or 0) for v in row[1:]]
            result[row[0]] = [Cell(*values[3 * i : 3 * i + 3]) for i in range(len(columns))]
    return result


def total(cells_by_unit: dict[object, list[Cell]], columns: Sequence[Column]) -> list[Cell]:
    cells = [Cell() for _ in columns]
    for unit_cells in cells_by_unit.values():
        for cell, unit_cell in zip(cells, unit_cells, strict=True):
            cell.add(unit_cell)
    return cells
