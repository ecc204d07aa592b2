"""Reads of interest groups: the groups a user sees, one group's members and sessions, a
class's sheet (who is in which group) and the left-behind children in none."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from shouhu.accounts.models import User
from shouhu.activities.models import Event, GroupMembership, InterestGroup
from shouhu.activities.models.groups import GROUP_TEACHER_ROLES
from shouhu.activities.selectors.events import Node, left_behind_in, term_days
from shouhu.org.models import SchoolClass, Term
from shouhu.registry.models import CensusSnapshot, Child


def _today() -> datetime.date:
    return timezone.localdate()


def groups_for(user, *, day: datetime.date | None = None) -> list[InterestGroup]:
    """The open groups the user sees, with their members on the day."""
    day = day or _today()
    return list(
        InterestGroup.objects.restrict(user)
        .filter(closed_on__isnull=True)
        .annotate(
            members_now=Count(
                "members",
                filter=Q(members__joined_on__lte=day)
                & (Q(members__left_on__isnull=True) | Q(members__left_on__gte=day)),
                distinct=True,
            )
        )
        .select_related("school", "teacher")
        .order_by("school__code", "name")
    )


def group_for(user, public_id) -> InterestGroup:
    group = (
        InterestGroup.objects.restrict(user)
        .filter(public_id=public_id)
        .select_related("school", "teacher")
        .first()
    )
    if group is None:
        raise Http404
    return group


@dataclass
class GroupDetail:
    group: InterestGroup
    members: list[GroupMembership]  # running today, the children the reader sees
    others: int  # members outside the reader's scope: a count only
    sessions: list[Event] = field(default_factory=list)


def group_detail_for(user, group: InterestGroup) -> GroupDetail:
    day = _today()
    running = GroupMembership.objects.filter(group=group).running(day)
    visible = list(
        running.filter(child__in=Child.objects.restrict(user))
        .select_related("child__school_class")
        .order_by("child__school_class__grade", "child__school_class__name", "child__name_pinyin")
    )
    sessions = list(
        Event.objects.filter(group=group)
        .annotate(person_times=Count("links"))
        .order_by("-held_on", "-id")[:20]
    )
    return GroupDetail(
        group=group, members=visible, others=running.count() - len(visible), sessions=sessions
    )


def membership_for(user, group: InterestGroup, membership_id) -> GroupMembership:
    found = (
        GroupMembership.objects.restrict(user)
        .filter(group=group, pk=membership_id)
        .select_related("child", "group")
        .first()
    )
    if found is None:
        raise Http404
    return found


@dataclass
class SheetRow:
    child: Child
    left_behind: bool
    groups: list[str]


@dataclass
class ClassSheet:
    school_class: SchoolClass
    rows: list[SheetRow]
    groups: list[InterestGroup]

    @property
    def missing(self) -> int:
        return sum(1 for r in self.rows if r.left_behind and not r.groups)


def class_sheet_for(user, *, school_class: SchoolClass, term: Term | None) -> ClassSheet:
    """The class's children on the register, each with the groups they are in today, the
    left-behind first among those in none: the head teacher ticks a group for each."""
    day = _today()
    children = list(
        Child.objects.restrict(user)
        .on_register()
        .filter(school_class=school_class)
        .annotate(
            left_behind=Exists(
                CensusSnapshot.objects.filter(child=OuterRef("pk"), term=term, education=True)
            )
        )
        .order_by("name_pinyin")
    )
    names: dict[int, list[str]] = {}
    for child_id, name in (
        GroupMembership.objects.filter(child__in=[c.pk for c in children])
        .running(day)
        .values_list("child_id", "group__name")
    ):
        names.setdefault(child_id, []).append(name)
    rows = [
        SheetRow(child=c, left_behind=c.left_behind, groups=names.get(c.pk, [])) for c in children
    ]
    rows.sort(key=lambda r: (bool(r.groups), not r.left_behind))
    groups = list(
        InterestGroup.objects.filter(school=school_class.school, closed_on__isnull=True).order_by(
            "name"
        )
    )
    return ClassSheet(school_class=school_class, rows=rows, groups=groups)


def in_group_q(day: datetime.date) -> Exists:
    return Exists(GroupMembership.objects.filter(child=OuterRef("pk")).running(day))


def children_without_group_for(user, *, node: Node, term: Term) -> list[Child]:
    """The left-behind children in no interest group on the term's day (today, or its end)."""
    _, day = term_days(term)
    return list(
        left_behind_in(user, node=node, term=term)
        .filter(~in_group_q(day))
        .select_related("school_class")
        .order_by("school_class__grade", "school_class__name", "name_pinyin")
    )


def teachers_for(user) -> list:
    """Who may lead a group of the user's school: its teachers (and the user)."""
    school_id = user.scope_school_id or (
        user.scope_class.school_id if user.scope_class_id else None
    )
    if school_id is None:
        return [user]
    return list(
        User.objects.filter(
            Q(scope_school_id=school_id) | Q(scope_class__school_id=school_id),
            role__in=GROUP_TEACHER_ROLES,
            is_active=True,
        ).order_by("display_name")
    )
