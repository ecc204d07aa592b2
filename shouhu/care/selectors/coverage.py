"""Pairing coverage of a node: children who need a proxy parent and have none, teachers who look
after no child, and the load distribution, rolled up with drill-down."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce, Substr
from django.urls import reverse
from django.utils.http import urlencode

from shouhu.accounts.models import User
from shouhu.care.compliance.counting import grouped_sums
from shouhu.care.compliance.units import check_may_oversee, unit_label, units_of
from shouhu.care.models import (
    Pairing,
    PairingKind,
)
from shouhu.care.reading import SEALED_CHILD_FIELDS, today_or
from shouhu.care.rules import (
    percent,
)
from shouhu.core.roles import Role
from shouhu.org.models import PREFIX_LENGTH, Region, School, SchoolClass
from shouhu.org.selectors import class_filter, school_ids_under, term_current, units_by_school
from shouhu.org.units import level_below
from shouhu.registry.models import CensusSnapshot, Child, ChildFlag, Flag

LOAD_BUCKETS = ["0", "1", "2", "3", "4+"]


@dataclass
class CoverageFigures:
    needing: int = 0
    unpaired: int = 0
    unsupervised: int = 0
    unsupervised_unpaired: int = 0
    # None when the teachers were not read (coverage_for(teachers=False)).
    teachers: int | None = None
    idle_teachers: int | None = None
    load: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LOAD_BUCKETS, 0))

    @property
    def percent_paired(self) -> float | None:
        return percent(self.needing - self.unpaired, self.needing)

    def add_children(
        self, *, needing: int, unpaired: int, unsupervised: int, unsupervised_unpaired: int
    ) -> None:
        self.needing += needing
        self.unpaired += unpaired
        self.unsupervised += unsupervised
        self.unsupervised_unpaired += unsupervised_unpaired

    def add_teachers(self, loads: dict[int, int]) -> None:
        """Add {load (4 for 4 or more): teachers carrying it}; an empty dict marks the teachers
        as read (none)."""
        self.teachers = (self.teachers or 0) + sum(loads.values())
        self.idle_teachers = (self.idle_teachers or 0) + loads.get(0, 0)
        for load, teachers in loads.items():
            self.load[LOAD_BUCKETS[min(load, 4)]] += teachers


@dataclass
class CoverageRow:
    name: str
    figures: CoverageFigures
    url: str = ""
    code: str = ""


@dataclass
class Coverage:
    """Pairing coverage of a node: children who need a proxy parent (left-behind this term, or
    unsupervised) and have none, teachers who look after no child, and the load distribution."""

    node: Region | School | SchoolClass
    figures: CoverageFigures
    unit_label: str = ""
    units: list[CoverageRow] = field(default_factory=list)
    unpaired_children: list[Child] = field(default_factory=list)
    teachers: list[User] = field(default_factory=list)
    load_limit: int = 3


def needs_proxy(day: datetime.date):
    """Annotations: left-behind in this term's census; open unsupervised flag; has a proxy.
    (Correlated EXISTS: faster than membership in a set of the node's children on both
    databases, measured on the 20,000-child county.)"""
    term = term_current(day)
    return {
        "left_behind": Exists(
            CensusSnapshot.objects.filter(child=OuterRef("pk"), term=term, education=True)
        ),
        "unsupervised": Exists(
            ChildFlag.objects.open().filter(child=OuterRef("pk"), flag=Flag.UNSUPERVISED)
        ),
        "paired": Exists(
            Pairing.objects.current(day).filter(child=OuterRef("pk"), kind=PairingKind.PROXY_PARENT)
        ),
    }


def _teachers_in(node) -> QuerySet[User]:
    """The active teachers and head teachers of the node's schools."""
    school_ids = school_ids_under(node)
    return User.objects.filter(
        Q(scope_school_id__in=school_ids) | Q(scope_class__school_id__in=school_ids),
        role__in=[Role.TEACHER, Role.HEAD_TEACHER],
        is_active=True,
    )


def _proxy_loads(teachers: QuerySet[User], *, day: datetime.date) -> dict[int, int]:
    """How many children on the register each of the teachers is proxy parent of on the day
    (those with none left out): one GROUP BY over the pairings."""
    return dict(
        Pairing.objects.proxy_loads(day).filter(carer__in=teachers).values_list("carer", "load")
    )


def _teacher_unit(node, *, by: str):
    """The unit (as `unit_nodes` keys it) a teacher falls in, as an expression over the user."""
    if isinstance(node, SchoolClass):
        return Value(None, output_field=IntegerField())
    if isinstance(node, School):
        return F("scope_class_id")
    if units_by_school(node, by_school=by == "school"):
        return Coalesce("scope_school_id", "scope_class__school_id")
    region = Coalesce("scope_school__region_id", "scope_class__school__region_id")
    return Substr(region, 1, PREFIX_LENGTH[level_below(node)])


def _teacher_loads(
    node, teachers: QuerySet[User], loads: dict[int, int], *, by: str
) -> dict[object, dict[int, int]]:
    """How many of the teachers carry each load (0, 1, 2, 3, 4 for 4 or more), per unit."""
    result: dict[object, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for unit, pk in teachers.annotate(unit_key=_teacher_unit(node, by=by)).values_list(
        "unit_key", "pk"
    ):
        result[unit][min(loads.get(pk, 0), 4)] += 1
    return result


def coverage_for(
    user,
    *,
    node,
    today: datetime.date | None = None,
    by: str = "",
    teachers: bool = True,
) -> Coverage:
    """Coverage of the care network for a node and each unit one level down (or every school,
    `by="school"`): one GROUP BY over the children and one over the teachers; the children
    without a proxy parent and the teachers by name only for a school or a class.

    `teachers=False` reads the children's side only (a dashboard tile): the teacher counts
    stay None and no teacher is listed."""
    check_may_oversee(user, node)
    day = today_or(today)
    children = (
        Child.objects.restrict(user)
        .on_register()
        .filter(class_filter(node, "school_class__"))
        .annotate(**needs_proxy(day))
    )
    needing = "(left_behind OR unsupervised)"
    sums = {
        "needing": needing,
        "unpaired": f"{needing} AND NOT paired",
        "unsupervised": "unsupervised",
        "unsupervised_unpaired": "unsupervised AND NOT paired",
    }
    unit, names = units_of(node, by=by)
    rows = grouped_sums(children, unit=F("school_class_id") if unit is None else unit, sums=sums)
    figures = CoverageFigures()
    by_unit: dict[object, CoverageFigures] = {key: CoverageFigures() for key in names}
    for key, row in rows.items():
        for target in (figures, by_unit.get(key)):
            if target is not None:
                target.add_children(**row)
    result = Coverage(node=node, figures=figures, load_limit=settings.SHOUHU_PROXY_LOAD_LIMIT)
    if unit is not None:
        result.unit_label = unit_label(node, by=by)
        result.units = [
            CoverageRow(name=name, code=code, figures=by_unit[key], url=coverage_url(code))
            for key, (name, code) in names.items()
        ]
    if teachers:
        staff = _teachers_in(node)
        loads = _proxy_loads(staff, day=day)  # read once: the counts and the names below
        for target in (figures, *by_unit.values()):
            target.add_teachers({})
        for key, unit_loads in _teacher_loads(node, staff, loads, by=by).items():
            for target in (figures, by_unit.get(key)):
                if target is not None:
                    target.add_teachers(unit_loads)
        if isinstance(node, (School, SchoolClass)):
            result.teachers = list(staff.defer("phone").order_by("display_name", "username"))
            for teacher in result.teachers:
                teacher.load = loads.get(teacher.pk, 0)  # type: ignore[attr-defined]
    if isinstance(node, (School, SchoolClass)):
        result.unpaired_children = list(
            children.filter(Q(left_behind=True) | Q(unsupervised=True), paired=False)
            .select_related("school_class")
            .defer(*SEALED_CHILD_FIELDS)
            .order_by("-unsupervised", "school_class__grade", "school_class__name", "name_pinyin")
        )
    return result


def coverage_url(code: str) -> str:
    return f"{reverse('care:coverage')}?{urlencode({'scope': code})}"
