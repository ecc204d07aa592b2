"""Compliance (% done per quota per period), rolled up over a node and its units with drill-down
to the proxy parent and the child. Every read of children starts from
`Child.objects.restrict(user)`; a node outside the scope is a 404, a role without the
permission a 403."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from django.db.models import (
    F,
)
from django.urls import reverse
from django.utils.http import urlencode

from shouhu.accounts.models import User
from shouhu.care.compliance.columns import ChildStatus, Column, columns_for_months
from shouhu.care.compliance.counting import Cell, carer_at, statuses_by_child, sum_by, total
from shouhu.care.compliance.quotas import effective_quotas, terms_dates
from shouhu.care.compliance.units import check_may_oversee, unit_label, units_of
from shouhu.care.reading import SEALED_CHILD_FIELDS, today_or
from shouhu.care.rules import (
    Period,
    month_from_key,
    month_of,
)
from shouhu.org.models import Region, School, SchoolClass
from shouhu.org.selectors import (
    class_filter,
    school_ids_under,
)
from shouhu.registry.models import Child

# --- compliance -------------------------------------------------------------------------------


@dataclass
class ComplianceRow:
    name: str
    cells: list[Cell]
    url: str = ""
    code: str = ""


@dataclass
class ChildRow:
    child: Child
    carer: User | None
    statuses: list[ChildStatus]


@dataclass
class Compliance:
    """% done per quota for a month (and the term it falls in), for a node and its units."""

    node: Region | School | SchoolClass
    month: Period
    columns: list[Column]
    total: list[Cell]
    unit_label: str = ""
    units: list[ComplianceRow] = field(default_factory=list)
    teachers: list[ComplianceRow] = field(default_factory=list)
    children: list[ChildRow] = field(default_factory=list)


def as_month(month: Period | str | datetime.date | None, *, day: datetime.date) -> Period:
    if month is None:
        return month_of(day)
    if isinstance(month, str):
        return month_from_key(month)
    if isinstance(month, datetime.date):
        return month_of(month)
    return month


def compliance_url(code: str, month: Period) -> str:
    return f"{reverse('care:compliance')}?{urlencode({'scope': code, 'month': month.key})}"


def compliance_months_for(
    user, *, node, months: Sequence[Period], by: str = ""
) -> dict[str, Compliance]:
    """Compliance for a node in each of several months, by month key: for each quota in force,
    the children owed, done and exempt, and % done, over the node and each unit one level down
    (or every school, `by="school"`). Monthly quotas count in their month, termly ones in the
    term the month falls in.

    All the months are summed in ONE GROUP BY (statuses.sum_by), whatever the number of
    children: building a query costs more than running it.
    """
    check_may_oversee(user, node)
    all_columns, of_month = columns_for_months(
        effective_quotas(school_ids_under(node)), months, terms_dates()
    )
    children = Child.objects.restrict(user).filter(class_filter(node, "school_class__"))
    unit, names = units_of(node, by=by)
    sums = sum_by(children, all_columns, unit=F("school_class_id") if unit is None else unit)
    result = {}
    for month in months:
        chosen = of_month[month.key]
        columns = [replace(c, index=i) for i, c in enumerate(chosen)]

        def cells(of_unit: list[Cell] | None, chosen=chosen) -> list[Cell]:
            return [replace(of_unit[c.index]) if of_unit else Cell() for c in chosen]

        by_unit = {key: cells(of_unit) for key, of_unit in sums.items()}
        compliance = Compliance(
            node=node, month=month, columns=columns, total=total(by_unit, columns)
        )
        if unit is not None and columns:
            compliance.unit_label = unit_label(node, by=by)
            compliance.units = [
                ComplianceRow(
                    name=name,
                    code=code,
                    cells=by_unit.get(key) or cells(None),
                    url=compliance_url(code, month),
                )
                for key, (name, code) in names.items()
            ]
        result[month.key] = compliance
    return result


def compliance_for(
    user,
    *,
    node,
    month: Period | str | datetime.date | None = None,
    today: datetime.date | None = None,
    by: str = "",
) -> Compliance:
    """Compliance for a node (region, school or class) in a month (compliance_months_for);
    for a school or class also per proxy parent, and for a class per child."""
    day = today_or(today)
    month = as_month(month, day=day)
    result = compliance_months_for(user, node=node, months=[month], by=by)[month.key]
    columns = result.columns
    if not columns or not isinstance(node, (School, SchoolClass)):
        return result
    children = Child.objects.restrict(user).filter(class_filter(node, "school_class__"))
    carer_on = min(month.end, day)
    by_carer = sum_by(children, columns, unit=F("carer_id"), carer_on=carer_on)
    carers = User.objects.defer("phone").in_bulk([k for k in by_carer if k is not None])
    result.teachers = sorted(
        (
            ComplianceRow(name=str(carers[k]), cells=cells)
            for k, cells in by_carer.items()
            if k in carers and any(c.owed for c in cells)
        ),
        key=lambda r: r.name,
    )
    if isinstance(node, SchoolClass):
        on_register = children.on_register()
        since = min(c.period.start for c in columns)
        rows = list(
            on_register.defer(*SEALED_CHILD_FIELDS)
            .annotate(carer_id=carer_at(carer_on, since=since))
            .order_by("name_pinyin")
        )
        carers = User.objects.defer("phone").in_bulk({r.carer_id for r in rows if r.carer_id})  # type: ignore[attr-defined]
        statuses = statuses_by_child(on_register, columns, today=day)
        result.children = [
            ChildRow(
                child=r,
                carer=carers.get(r.carer_id),  # type: ignore[attr-defined]
                statuses=statuses[r.pk],
            )
            for r in rows
        ]
    return result
