"""The counting SQL: the quota statuses of many children in one query.

For each child and column the database counts the actions done, and tells whether the quota is
owed that period (a proxy parent held the child from the period's first day and the child was
still on the register on its last day) and whether an exemption covers it. The same per-child
SQL serves a class's page (`statuses_by_child`) and a county of 20,000 (`sum_by`: summed per
unit in one GROUP BY, never looped over in Python); `few.few_statuses` works the same statuses
out with the pure rules for a teacher's few children, and the tests hold the three equal.

Callers cut the children to the user's scope first: this module only reads what it is given.
"""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Case, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When

from shouhu.care.compliance.columns import ChildStatus, Column
from shouhu.care.models import (
    CareActionChild,
    Exemption,
    Pairing,
    PairingKind,
)
from shouhu.care.rules import (
    Period,
    percent,
    quota_status,
)
from shouhu.core.replica import read_connection
from shouhu.registry.models import Child

# --- the statuses in SQL ----------------------------------------------------------------------


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _periods(columns: Sequence[Column]) -> list[Period]:
    return list(dict.fromkeys(c.period for c in columns))


def carer_at(day: datetime.date, *, since: datetime.date) -> Subquery:
    """An annotation: the child's proxy parent on the day (the latest pairing begun by then and
    not ended before `since`)."""
    return Subquery(
        Pairing.objects.current(day, since=since)
        .filter(child=OuterRef("pk"), kind=PairingKind.PROXY_PARENT)
        .order_by("-starts_on")
        .values("carer_id")[:1]
    )


def _held_on_sql(day: datetime.date) -> tuple[str, list[Any]]:
    """`Pairing.objects.current(day)` as SQL over the pairing table, for the raw query below."""
    query = Pairing.objects.current(day).query
    sql, params = query.get_compiler(connection=connection).compile(query.where)
    return sql, list(params)


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
    held = [_held_on_sql(p.start) for p in periods]
    held_sql = ", ".join(
        f"MAX(CASE WHEN {where} THEN 1 ELSE 0 END) o{n}" for n, (where, _) in enumerate(held)
    )
    sql.add(
        f"LEFT JOIN (SELECT child_id, {held_sql} FROM {_table(Pairing)} WHERE kind = %s ",  # noqa: S608
        [*(v for _, params in held for v in params), PairingKind.PROXY_PARENT],
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
    with read_connection().cursor() as cursor:
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
    with read_connection().cursor() as cursor:
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
    with read_connection().cursor() as cursor:
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
