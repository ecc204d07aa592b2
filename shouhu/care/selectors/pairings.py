"""Pairing a class (结对安排): the head teacher's page of the class's children, their proxy
parents, mentors and buddies, and who may be chosen."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import (
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from shouhu.accounts.models import User
from shouhu.care.models import (
    Buddy,
    Pairing,
    PairingKind,
)
from shouhu.care.reading import SEALED_CHILD_FIELDS, today_or
from shouhu.care.rules import (
    CARER_STAFF_ROLES,
    carer_may_pair,
)
from shouhu.care.selectors.child import uuid_or_404
from shouhu.care.selectors.coverage import needs_proxy
from shouhu.core.forms import parse_id
from shouhu.core.roles import Perm, Role
from shouhu.core.scoping import in_scope
from shouhu.org.models import SchoolClass
from shouhu.registry.models import Child


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
    staff = Q(role__in=CARER_STAFF_ROLES) & (
        Q(scope_school_id=school_class.school_id) | Q(scope_class_id=school_class.pk)
    )
    loads = Pairing.objects.proxy_loads(day).filter(carer=OuterRef("pk"))
    return list(
        User.objects.defer("phone")
        .filter(staff | Q(role=Role.VOLUNTEER), is_active=True)
        .annotate(load=Coalesce(Subquery(loads.values("load")), 0))
        .order_by("role", "display_name", "username")
    )


def class_pairings_for(
    user, *, school_class: SchoolClass, today: datetime.date | None = None
) -> ClassPairings:
    """The class on one page: children who need a proxy parent and have none first (the
    unsupervised before the others), then the paired, then children who need none."""
    if not user.has_perm_to(Perm.PAIRING_MANAGE):
        raise PermissionDenied
    if not in_scope(user, school_class):
        raise Http404
    day = today_or(today)
    children = list(
        Child.objects.restrict(user)
        .on_register()
        .filter(school_class=school_class)
        .defer(*SEALED_CHILD_FIELDS)
        .annotate(**needs_proxy(day))
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
        Child.objects.restrict(user)
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
