"""Reads of the care work for those who oversee it: compliance (% done per quota per period,
rolled up with drill-down), pairing coverage, the head teacher's class pairing page, and the
quota settings in force. Every read of children starts from `Child.objects.visible_to(user)`;
a node outside the scope is a 404, a role without the permission a 403.

`shouhu.care.selectors` is the entry point: it re-exports what is public here.
"""

import datetime
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce, Substr
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from shouhu.accounts.models import User
from shouhu.care.models import (
    ActionKind,
    Buddy,
    Pairing,
    PairingKind,
)
from shouhu.care.rules import (
    Period,
    QuotaRule,
    month_from_key,
    month_of,
    percent,
    quota_effective,
)
from shouhu.care.services import CARER_STAFF_ROLES, carer_may_pair
from shouhu.care.statuses import (
    Cell,
    ChildStatus,
    Column,
    carer_at,
    columns_for_months,
    effective_quotas,
    grouped_sums,
    quota_levels,
    statuses_by_child,
    sum_by,
    terms_dates,
    total,
)
from shouhu.core.forms import parse_id
from shouhu.core.roles import Perm, Role
from shouhu.org.models import PREFIX_LENGTH, Region, RegionLevel, School, SchoolClass
from shouhu.org.selectors import (
    class_filter,
    level_below,
    node_code,
    node_within_user_scope,
    school_ids_under,
    term_current,
    unit_nodes,
    units_by_school,
)
from shouhu.registry.models import CensusSnapshot, Child, ChildFlag, Flag

# Encrypted or free-text fields of the file that lists of children never show: not read, so
# not decrypted (a Fernet decryption per field per row is most of a list's time).
SEALED_CHILD_FIELDS = ("id_number", "address", "health_notes", "personality", "study_notes")


def today_or(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def current_proxies(day: datetime.date) -> QuerySet[Pairing]:
    return Pairing.objects.current(day).filter(kind=PairingKind.PROXY_PARENT)


def uuid_or_404(value) -> uuid.UUID:
    """A public id from a URL or a form; anything else is a 404, not a server error."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


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


def _check_may_oversee(user, node) -> None:
    if not user.has_perm_to(Perm.CARE_OVERSEE):
        raise PermissionDenied
    if node is None or not node_within_user_scope(user, node):
        raise Http404


def _units(node, *, by: str = ""):
    """How a node's children are grouped one level down: (expression, {key: (name, code)})."""
    unit, nodes = unit_nodes(node, prefix="school_class__", by_school=by == "school")
    return unit, {key: (n.name, node_code(n)) for key, n in nodes.items()}


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
    _check_may_oversee(user, node)
    all_columns, of_month = columns_for_months(
        effective_quotas(school_ids_under(node)), months, terms_dates()
    )
    children = Child.objects.visible_to(user).filter(class_filter(node, "school_class__"))
    unit, names = _units(node, by=by)
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
            compliance.unit_label = _unit_label(node, by=by)
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
    children = Child.objects.visible_to(user).filter(class_filter(node, "school_class__"))
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


def _unit_label(node, *, by: str) -> str:
    if isinstance(node, School):
        return _("班级")
    if units_by_school(node, by_school=by == "school"):
        return _("学校")
    return str(RegionLevel(level_below(node)).label)


# --- coverage ---------------------------------------------------------------------------------


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


def _needs_proxy(day: datetime.date):
    """Annotations: left-behind in this term's census; open unsupervised flag; has a proxy.
    (Correlated EXISTS: faster than membership in a set of the node's children on both
    databases, measured on the 20,000-child county.)"""
    term = term_current(day)
    return {
        "left_behind": Exists(
            CensusSnapshot.objects.filter(child=OuterRef("pk"), term=term, education=True)
        ),
        "unsupervised": Exists(
            ChildFlag.objects.filter(
                child=OuterRef("pk"), flag=Flag.UNSUPERVISED, until__isnull=True
            )
        ),
        "paired": Exists(current_proxies(day).filter(child=OuterRef("pk"))),
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
        current_proxies(day)
        .filter(child__left_on__isnull=True, carer__in=teachers)
        .order_by()
        .values_list("carer")
        .annotate(n=Count("pk"))
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
    _check_may_oversee(user, node)
    day = today_or(today)
    children = (
        Child.objects.visible_to(user)
        .on_register()
        .filter(class_filter(node, "school_class__"))
        .annotate(**_needs_proxy(day))
    )
    needing = "(left_behind OR unsupervised)"
    sums = {
        "needing": needing,
        "unpaired": f"{needing} AND NOT paired",
        "unsupervised": "unsupervised",
        "unsupervised_unpaired": "unsupervised AND NOT paired",
    }
    unit, names = _units(node, by=by)
    rows = grouped_sums(children, unit=F("school_class_id") if unit is None else unit, sums=sums)
    figures = CoverageFigures()
    by_unit: dict[object, CoverageFigures] = {key: CoverageFigures() for key in names}
    for key, row in rows.items():
        for target in (figures, by_unit.get(key)):
            if target is not None:
                target.add_children(**row)
    result = Coverage(node=node, figures=figures, load_limit=settings.SHOUHU_PROXY_LOAD_LIMIT)
    if unit is not None:
        result.unit_label = _unit_label(node, by=by)
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


# --- pairing a class --------------------------------------------------------------------------


@dataclass
class PairingRow:
    child: Child
    left_behind: bool
    unsupervised: bool
    proxy: Pairing | None
    mentor: Pairing | None
    buddy: Buddy | None
    # What the row's form shows: the current choices, or what was posted when it needs confirming.
    selected_proxy: str = ""
    selected_mentor: str = ""
    buddy_name: str = ""

    def __post_init__(self) -> None:
        self.selected_proxy = str(self.proxy.carer_id) if self.proxy else ""
        self.selected_mentor = str(self.mentor.carer_id) if self.mentor else ""
        self.buddy_name = self.buddy.name if self.buddy else ""

    @property
    def needs_proxy(self) -> bool:
        return (self.left_behind or self.unsupervised) and self.proxy is None


@dataclass
class ClassPairings:
    school_class: SchoolClass
    rows: list[PairingRow]
    candidates: list[User]
    mentors: list[User]
    load_limit: int


def carer_candidates_for(school_class: SchoolClass, *, day: datetime.date) -> list[User]:
    """Who may be proxy parent of this class's children: the school's teachers, leaders and
    counsellors, the class's head teacher, and volunteers; each with their current load."""
    current = Q(pairings__kind=PairingKind.PROXY_PARENT, pairings__starts_on__lte=day) & (
        Q(pairings__ends_on__isnull=True) | Q(pairings__ends_on__gte=day)
    )
    staff = Q(role__in=CARER_STAFF_ROLES) & (
        Q(scope_school_id=school_class.school_id) | Q(scope_class_id=school_class.pk)
    )
    return list(
        User.objects.defer("phone")
        .filter(staff | Q(role=Role.VOLUNTEER), is_active=True)
        .annotate(load=Count("pairings", filter=current & Q(pairings__child__left_on__isnull=True)))
        .order_by("role", "display_name", "username")
    )


def class_pairings_for(
    user, *, school_class: SchoolClass, today: datetime.date | None = None
) -> ClassPairings:
    """The class on one page: children who need a proxy parent and have none first (the
    unsupervised before the others), then the paired, then children who need none."""
    if not user.has_perm_to(Perm.PAIRING_MANAGE):
        raise PermissionDenied
    if not node_within_user_scope(user, school_class):
        raise Http404
    day = today_or(today)
    children = list(
        Child.objects.visible_to(user)
        .on_register()
        .filter(school_class=school_class)
        .defer(*SEALED_CHILD_FIELDS)
        .annotate(**_needs_proxy(day))
        .order_by("name_pinyin", "id")
    )
    current = Pairing.objects.current(day).filter(child__in=children).select_related("carer")
    by_child: dict[tuple[int, str], Pairing] = {(p.child_id, p.kind): p for p in current}
    buddies = {b.child_id: b for b in Buddy.objects.current(day).filter(child__in=children)}
    rows = [
        PairingRow(
            child=c,
            left_behind=c.left_behind,  # type: ignore[attr-defined]
            unsupervised=c.unsupervised,  # type: ignore[attr-defined]
            proxy=by_child.get((c.pk, PairingKind.PROXY_PARENT)),
            mentor=by_child.get((c.pk, PairingKind.MENTOR)),
            buddy=buddies.get(c.pk),
        )
        for c in children
    ]
    rows.sort(
        key=lambda r: (
            not (r.needs_proxy and r.unsupervised),
            not r.needs_proxy,
            not (r.left_behind or r.unsupervised),
        )
    )
    candidates = carer_candidates_for(school_class, day=day)
    return ClassPairings(
        school_class=school_class,
        rows=rows,
        candidates=candidates,
        mentors=[u for u in candidates if u.role != Role.VOLUNTEER],
        load_limit=settings.SHOUHU_PROXY_LOAD_LIMIT,
    )


def pairing_child_for(user, *, school_class: SchoolClass, public_id) -> Child:
    """A child of the class whose pairings the user may arrange, or 404."""
    child = (
        Child.objects.visible_to(user)
        .on_register()
        .select_related("school_class__school", "school_class__head_teacher")
        .filter(school_class=school_class, public_id=uuid_or_404(public_id))
        .first()
    )
    if child is None:
        raise Http404
    return child


def carer_by_id(carer_id, *, child: Child, kind: str) -> User | None:
    """A carer the child may be paired with (`carer_may_pair`), or None."""
    pk = parse_id(carer_id)
    carer = User.objects.filter(pk=pk).first() if pk is not None else None
    return carer if carer is not None and carer_may_pair(carer, child, kind=kind) else None


# --- quota settings ---------------------------------------------------------------------------


@dataclass
class QuotaSettings:
    node: Region | School
    effective: list[QuotaRule]
    own: dict[str, QuotaRule]
    above: dict[str, QuotaRule]


def quota_settings_for(user, *, node) -> QuotaSettings:
    """The quotas in force at a region or school, with who set each, and the node's own."""
    if not user.has_perm_to(Perm.QUOTA_MANAGE):
        raise PermissionDenied
    if not isinstance(node, (Region, School)) or not node_within_user_scope(user, node):
        raise Http404
    if isinstance(node, School):
        levels = quota_levels(region_code=node.region_id, school=node)
    else:
        levels = quota_levels(region_code=node.code)
    order = {k: i for i, k in enumerate(ActionKind.values)}
    effective = sorted(quota_effective(levels).values(), key=lambda r: order[r.kind])
    return QuotaSettings(
        node=node,
        effective=effective,
        own={r.kind: r for r in levels[-1]},
        above=quota_effective(levels[:-1]),
    )
