"""Everything that writes interest groups (兴趣小组): a group, children joining and leaving on
dates, and a session with its attendance (an event of the group)."""

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhu.accounts.models import User
from shouhu.activities.models import (
    Event,
    EventKind,
    GroupMembership,
    InterestGroup,
    Organiser,
)
from shouhu.activities.models.groups import GROUP_TEACHER_ROLES
from shouhu.activities.services.events import actor_school, event_record
from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record, access_record_many
from shouhu.core.roles import Perm, Role
from shouhu.core.scoping import in_scope
from shouhu.org.models import School
from shouhu.registry.models import Child


def _today() -> datetime.date:
    return timezone.localdate()


def _check_may_record(actor: User) -> None:
    if not actor.has_perm_to(Perm.ACTIVITY_RECORD):
        raise PermissionDenied(_("您没有管理兴趣小组的权限。"))


def _check_group(actor: User, group: InterestGroup) -> None:
    _check_may_record(actor)
    if not InterestGroup.objects.restrict(actor).filter(pk=group.pk).exists():
        raise PermissionDenied(_("该兴趣小组不在您的管辖范围内。"))


def _teaches_at(teacher: User, school: School) -> bool:
    if teacher.role == Role.VOLUNTEER:
        return True
    own = teacher.scope_school_id or (
        teacher.scope_class.school_id if teacher.scope_class else None
    )
    return own == school.pk


@transaction.atomic
def group_create(
    *,
    actor: User,
    name: str,
    teacher: User,
    weekday: int,
    starts_at: datetime.time,
    place: str,
    school: School | None = None,
) -> InterestGroup:
    """Open an interest group of the actor's school (an officer names the school)."""
    _check_may_record(actor)
    school = actor_school(actor) or school
    if school is None or not (actor_school(actor) == school or in_scope(actor, school)):
        raise PermissionDenied(_("请选择您管辖范围内的学校。"))
    if (
        not teacher.is_active
        or teacher.role not in GROUP_TEACHER_ROLES
        or not _teaches_at(teacher, school)
    ):
        raise ValidationError({"teacher": _("辅导教师须为本校教师或志愿者。")})
    name = name.strip()
    if InterestGroup.objects.filter(school=school, name=name, closed_on__isnull=True).exists():
        raise ValidationError({"name": _("本校已有名为“%(name)s”的兴趣小组。") % {"name": name}})
    group = InterestGroup(
        school=school,
        name=name,
        teacher=teacher,
        weekday=weekday,
        starts_at=starts_at,
        place=place.strip(),
    )
    group.full_clean()
    group.save()
    return group


def _overlapping(group: InterestGroup, children: Sequence[Child], joined_on: datetime.date):
    """Memberships of the group that a membership from `joined_on` (open-ended) would overlap."""
    return GroupMembership.objects.filter(group=group, child__in=children).filter(
        Q(left_on__isnull=True) | Q(left_on__gte=joined_on)
    )


@transaction.atomic
def group_join(
    *,
    actor: User,
    group: InterestGroup,
    children: Sequence[Child],
    joined_on: datetime.date,
    request: HttpRequest | None = None,
) -> list[GroupMembership]:
    """Children join the group from a date. A child already in the group over those dates is
    refused, naming the child; nothing is written."""
    _check_group(actor, group)
    chosen = list(dict.fromkeys(children))
    if not chosen:
        raise ValidationError({"children": _("请至少选择一名儿童。")})
    visible = Child.objects.restrict(actor).filter(pk__in=[c.pk for c in chosen]).count()
    if visible != len(chosen):
        raise ValidationError({"children": _("所选儿童不在您的管辖范围内，未保存。")})
    if joined_on > _today():
        raise ValidationError({"joined_on": _("加入日期不能晚于今天。")})
    if group.closed_on is not None:
        raise ValidationError({"group": _("该兴趣小组已停办。")})
    already = {m.child_id: m for m in _overlapping(group, chosen, joined_on)}
    if already:
        names = _("、").join(c.name for c in chosen if c.pk in already)
        raise ValidationError(
            {
                "children": _("%(names)s 在这段时间已是“%(group)s”的成员，不能重复加入。")
                % {"names": names, "group": group.name}
            }
        )
    rows = [
        GroupMembership(group=group, child=c, joined_on=joined_on, recorded_by=actor)
        for c in chosen
    ]
    for row in rows:
        row.full_clean(validate_constraints=False)
    GroupMembership.objects.bulk_create(rows)
    access_record_many(
        user=actor,
        action=AccessAction.UPDATE,
        child_ids=[c.pk for c in chosen],
        field="interest_group",
        request=request,
    )
    return rows


@transaction.atomic
def group_leave(
    *,
    actor: User,
    membership: GroupMembership,
    left_on: datetime.date,
    request: HttpRequest | None = None,
) -> GroupMembership:
    """A child leaves the group on a date (the membership stays in the history)."""
    _check_group(actor, membership.group)
    if not Child.objects.restrict(actor).filter(pk=membership.child_id).exists():
        raise PermissionDenied(_("该儿童不在您的管辖范围内。"))
    if membership.left_on is not None:
        raise ValidationError({"left_on": _("该儿童已退出该小组。")})
    if left_on > _today():
        raise ValidationError({"left_on": _("退出日期不能晚于今天。")})
    if left_on < membership.joined_on:
        raise ValidationError({"left_on": _("退出日期不能早于加入日期。")})
    membership.left_on = left_on
    membership.full_clean()
    membership.save(update_fields=["left_on"])
    access_record(
        user=actor,
        action=AccessAction.UPDATE,
        child=membership.child,
        field="interest_group",
        request=request,
    )
    return membership


def group_session_record(
    *,
    actor: User,
    group: InterestGroup,
    held_on: datetime.date,
    children: Sequence[Child],
    account: str = "",
    request: HttpRequest | None = None,
) -> Event:
    """A session of the group with the children who came: an event of the group (兴趣小组活动),
    counted in 人次 like any other; its teacher ran it for an hour."""
    _check_group(actor, group)
    return event_record(
        actor=actor,
        kind=EventKind.GROUP_SESSION,
        title=_("%(name)s活动") % {"name": group.name},
        held_on=held_on,
        starts_at=group.starts_at,
        place=group.place,
        organiser=Organiser.SCHOOL,
        children=children,
        staff=[(group.teacher, Decimal(1))],
        account=account,
        group=group,
        request=request,
    )
