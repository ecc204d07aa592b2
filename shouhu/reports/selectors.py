"""Figures of the term census (摸底排查): one function per figure set, used by the census page,
the `shouhu census` command and, later, the dashboard and the reports.

Every figure is counted over census snapshots cut to the user's scope, and divided by the
pupils enrolled (ClassEnrolment) in the same units.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Substr
from django.http import Http404

from shouhu.accounts.roles import Perm
from shouhu.core.scoping import child_scope_q
from shouhu.org.models import (
    PREFIX_LENGTH,
    ClassEnrolment,
    Region,
    RegionLevel,
    School,
    SchoolClass,
    Term,
    subtree_range,
)
from shouhu.org.selectors import (
    classes_of_school,
    node_within_user_scope,
    schools_under,
    term_previous,
)
from shouhu.registry.classification import EDUCATION_CATEGORIES, Category
from shouhu.registry.models import CensusSnapshot, Flag

LEFT_BEHIND_CATEGORIES = [c for c in Category if c in EDUCATION_CATEGORIES]

# Percentages are shares of all pupils; a unit with no enrolment recorded has none.
DEFINITIONS = {
    "pupils": "在校学生数：本学期各班登记的全体学生数之和。",
    "left_behind_education": "留守儿童（教育部门口径）：父母双方外出、一方外出另一方无监护能力、"
    "一方外出的儿童，以本学期摸底为准。",
    "left_behind_civil": "农村留守儿童（民政部门口径）：父母双方外出或一方外出另一方无监护能力、"
    "未满16周岁的农村户籍儿童。",
}


@dataclass
class Figures:
    pupils: int = 0
    left_behind_education: int = 0
    left_behind_civil: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    by_flag: dict[str, int] = field(default_factory=dict)

    @property
    def percent_education(self) -> float | None:
        return _percent(self.left_behind_education, self.pupils)

    @property
    def percent_civil(self) -> float | None:
        return _percent(self.left_behind_civil, self.pupils)

    def as_dict(self) -> dict:
        return {
            "pupils": self.pupils,
            "left_behind_education": self.left_behind_education,
            "left_behind_civil": self.left_behind_civil,
            "percent_education": self.percent_education,
            "percent_civil": self.percent_civil,
            "by_category": self.by_category,
            "by_flag": self.by_flag,
        }


@dataclass
class Unit:
    node: Region | School | SchoolClass
    figures: Figures

    @property
    def code(self) -> str:
        if isinstance(self.node, Region):
            return self.node.prefix
        if isinstance(self.node, School):
            return self.node.code
        return str(self.node.pk)

    @property
    def name(self) -> str:
        return self.node.name


@dataclass
class Census:
    node: Region | School | SchoolClass
    term: Term
    figures: Figures
    previous: Figures | None
    units: list[Unit]

    def as_dict(self) -> dict:
        units = []
        for unit in self.units:
            entry = {"code": unit.code, "name": unit.name, **unit.figures.as_dict()}
            if isinstance(unit.node, SchoolClass):
                entry["grade"] = unit.node.grade
            units.append(entry)
        return {
            "term": self.term.code,
            "scope": {"code": Unit(self.node, self.figures).code, "name": self.node.name},
            **self.figures.as_dict(),
            "previous": None
            if self.previous is None
            else {
                "term": term_previous(self.term).code,  # type: ignore[union-attr]
                **self.previous.as_dict(),
            },
            "units": units,
        }


def _percent(part: int, whole: int) -> float | None:
    """One decimal, rounded half up (四舍五入) as in the reports and in Excel."""
    if not whole:
        return None
    share = Decimal(100 * part) / Decimal(whole)
    return float(share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _aggregates() -> dict:
    counts = {
        "left_behind_education": Count("id", filter=Q(education=True)),
        "left_behind_civil": Count("id", filter=Q(civil=True)),
    }
    for category in LEFT_BEHIND_CATEGORIES:
        counts[f"c_{category.value}"] = Count("id", filter=Q(category=category))
    for flag in Flag:
        counts[f"f_{flag.value}"] = Count("id", filter=Q(education=True, **{flag.value: True}))
    return counts


def _figures(row: dict | None, pupils: int) -> Figures:
    row = row or {}
    return Figures(
        pupils=pupils or 0,
        left_behind_education=row.get("left_behind_education", 0),
        left_behind_civil=row.get("left_behind_civil", 0),
        by_category={c.value: row.get(f"c_{c.value}", 0) for c in LEFT_BEHIND_CATEGORIES},
        by_flag={f.value: row.get(f"f_{f.value}", 0) for f in Flag},
    )


def _class_filter(node, prefix: str = "") -> Q:
    """Rows whose class (reached through `prefix`) is under the node."""
    if isinstance(node, SchoolClass):
        return Q(**{f"{prefix}id": node.pk})
    if isinstance(node, School):
        return Q(**{f"{prefix}school_id": node.pk})
    return Q(**{f"{prefix}school__region__code__range": subtree_range(node.prefix)})


def _child_level(node: Region) -> RegionLevel:
    levels = list(RegionLevel)
    return levels[levels.index(RegionLevel(node.level)) + 1]


def census_for(user, *, node, term: Term, with_units: bool = True) -> Census:
    """The census of a node for a term: figures, change from the previous term, next level down."""
    if not user.has_perm_to(Perm.CENSUS_VIEW):
        raise PermissionDenied
    if not node_within_user_scope(user, node):
        raise Http404
    snapshots = CensusSnapshot.objects.filter(child_scope_q(user, "child__"))
    enrolments = ClassEnrolment.objects.all()
    figures = _node_figures(snapshots, enrolments, node, term)
    previous_term = term_previous(term)
    previous = _node_figures(snapshots, enrolments, node, previous_term) if previous_term else None
    units = _units(snapshots, enrolments, node, term) if with_units else []
    return Census(node=node, term=term, figures=figures, previous=previous, units=units)


def _node_figures(snapshots, enrolments, node, term: Term) -> Figures:
    row = snapshots.filter(_class_filter(node, "school_class__"), term=term).aggregate(
        **_aggregates()
    )
    pupils = enrolments.filter(_class_filter(node, "school_class__"), term=term).aggregate(
        n=Sum("pupils")
    )["n"]
    return _figures(row, pupils)


def _units(snapshots, enrolments, node, term: Term) -> list[Unit]:
    """The next level down: a school's classes, a township's schools, a county's townships."""
    if isinstance(node, SchoolClass):
        return []
    if isinstance(node, School):
        nodes: dict = {c.pk: c for c in classes_of_school(node)}
        key: Any = F("school_class_id")
    elif node.level in (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE):
        nodes = {s.pk: s for s in schools_under(node)}
        key = F("school_class__school_id")
    else:
        level = _child_level(node)
        nodes = {
            r.prefix: r
            for r in Region.objects.filter(level=level, code__range=subtree_range(node.prefix))
        }
        key = Substr("school_class__school__region_id", 1, PREFIX_LENGTH[level])
    in_node = _class_filter(node, "school_class__")
    rows = {
        r["unit"]: r
        for r in snapshots.filter(in_node, term=term).values(unit=key).annotate(**_aggregates())
    }
    pupils = {
        r["unit"]: r["n"]
        for r in enrolments.filter(in_node, term=term).values(unit=key).annotate(n=Sum("pupils"))
    }
    return [
        Unit(node=unit_node, figures=_figures(rows.get(k), pupils.get(k, 0)))
        for k, unit_node in nodes.items()
    ]
