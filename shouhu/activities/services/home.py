"""Everything that writes the Home (留守儿童之家): its room and equipment, the duty roster and its
swaps, the duty teacher's record of the day, and the family calls (亲情通话)."""

import datetime
from collections import Counter
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhu.accounts.models import User
from shouhu.activities.models import (
    CallParent,
    CallWay,
    DutyDay,
    DutySwap,
    FamilyCall,
    Home,
    HomeDay,
    HomeSetting,
)
from shouhu.activities.models.home import CALL_MAX_MINUTES
from shouhu.activities.roster import roster_plan
from shouhu.activities.selectors.home_days import duty_teachers_of, school_days
from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record, access_record_many
from shouhu.care.models import ActionKind
from shouhu.care.services import care_action_record
from shouhu.core.roles import Perm
from shouhu.core.scoping import in_scope, may
from shouhu.org.models import Region, School, Term
from shouhu.registry.models import Child


def _today() -> datetime.date:
    return timezone.localdate()


def _check_may_manage(actor: User, school: School) -> None:
    if not may(actor, Perm.HOME_MANAGE):
        raise PermissionDenied(_("您没有管理留守儿童之家和值班表的权限。"))
    if not in_scope(actor, school):
        raise PermissionDenied(_("该学校不在您的管辖范围内。"))


def home_setting_of(school: School) -> HomeSetting:
    """The settings that hold for a school: the nearest region above it with its own row, or
    the defaults (calls do not count; the 五小 of 篇九)."""
    return _setting_at(school.region_id)


def home_setting_of_region(region: Region) -> HomeSetting:
    """The settings that hold at a region (its own, or the nearest above it)."""
    return _setting_at(region.code)


def _setting_at(code: str) -> HomeSetting:
    ancestors = [code[:n].ljust(12, "0") for n in (2, 4, 6, 9, 12)]
    found = {s.region_id: s for s in HomeSetting.objects.filter(region_id__in=ancestors)}
    for region_code in reversed(ancestors):
        if region_code in found:
            return found[region_code]
    return HomeSetting()


@transaction.atomic
def home_setting_set(
    *, actor: User, region: Region, calls_count: bool, five_small_names: str = ""
) -> HomeSetting:
    """A region's Home settings (the county's officer or the administrator of the quotas)."""
    if not may(actor, Perm.QUOTA_MANAGE):
        raise PermissionDenied(_("您没有设置关爱要求的权限。"))
    if not in_scope(actor, region):
        raise PermissionDenied(_("该区划不在您的管辖范围内。"))
    setting = HomeSetting.objects.filter(region=region).first() or HomeSetting(region=region)
    setting.calls_count = calls_count
    if five_small_names.strip():
        setting.five_small_names = five_small_names.strip()
    setting.full_clean()
    setting.save()
    return setting


# --- the Home ---------------------------------------------------------------------------------


@transaction.atomic
def home_set(
    *,
    actor: User,
    school: School,
    room: str,
    opening_hours: str,
    equipment: str = "",
    has_phone: bool = True,
    has_video: bool = False,
) -> Home:
    """Set up (or correct) the school's Home: the room, the hours, the equipment."""
    _check_may_manage(actor, school)
    home = Home.objects.filter(school=school).first() or Home(school=school)
    home.room, home.opening_hours = room.strip(), opening_hours.strip()
    home.equipment = equipment.strip()
    home.has_phone, home.has_video = has_phone, has_video
    home.updated_by = actor
    home.full_clean()
    home.save()
    return home


# --- the roster -------------------------------------------------------------------------------


@transaction.atomic
def roster_generate(*, actor: User, home: Home, term: Term) -> list[DutyDay]:
    """Generate the term's roster from the school's teachers.

    1. The days are the school's school days of the term (`school_days`) from today on; the
       days already past keep their teacher (and their record), and so does a day to come that
       was swapped (an agreement between two teachers), so a roster made mid-term, or made again
       after a teacher joined, never rewrites what happened or was agreed.
    2. The turn is fair (`roster_plan`): the teachers with the fewest days so far first, equal
       counts give or take one, nobody twice in a row (a kept swap may sit beside its
       neighbour's day: the teachers agreed to it).
    3. At least two teachers are needed, or one teacher would keep every day."""
    school = home.school
    _check_may_manage(actor, school)
    today = _today()
    if term.ends_on < today:
        raise ValidationError({"term": _("该学期已结束，不能再排值班表。")})
    teachers = list(duty_teachers_of(school))
    if len(teachers) < 2:
        raise ValidationError({"teachers": _("本校可值班的教师不足两人，无法排出轮流值班表。")})
    roster = DutyDay.objects.filter(home=home, term=term)
    kept = list(roster.filter(Q(day__lt=today) | Q(swaps__isnull=False)).distinct().order_by("day"))
    kept_days = {d.day for d in kept}
    roster.filter(day__gte=today).exclude(pk__in=[d.pk for d in kept]).delete()
    days = [d for d in school_days(school, term) if d >= today and d not in kept_days]
    counts = Counter(d.teacher_id for d in kept)
    past = [d for d in kept if d.day < today]
    plan = roster_plan(
        days,
        [t.pk for t in teachers],
        counts={t.pk: counts.get(t.pk, 0) for t in teachers},
        before=past[-1].teacher_id if past else None,
    )
    return DutyDay.objects.bulk_create(
        DutyDay(home=home, term=term, day=day, teacher_id=teacher_id) for day, teacher_id in plan
    )


@transaction.atomic
def duty_swap(*, actor: User, duty_day: DutyDay, to_teacher: User, reason: str = "") -> DutySwap:
    """Swap a day of duty to another teacher of the same school; the swap stays on record.

    The teacher on duty gives away their own day; whoever manages the Home swaps any. A day
    already past is not swapped (its record says who kept it), and a teacher of another
    school is refused."""
    school = duty_day.home.school
    own = duty_day.teacher_id == actor.pk and may(actor, Perm.HOME_DUTY)
    if not own:
        _check_may_manage(actor, school)
    errors = {}
    if duty_day.day < _today():
        errors["day"] = _("已过去的值班日不能换班。")
    if to_teacher.pk == duty_day.teacher_id:
        errors["to_teacher"] = _("换班教师与原值班教师是同一人。")
    elif not duty_teachers_of(school).filter(pk=to_teacher.pk).exists():
        errors["to_teacher"] = _("%(name)s 不是本校可值班的教师，不能换班。") % {"name": to_teacher}
    if errors:
        raise ValidationError(errors)
    swap = DutySwap(
        duty_day=duty_day,
        from_teacher_id=duty_day.teacher_id,
        to_teacher=to_teacher,
        reason=reason.strip(),
        recorded_by=actor,
    )
    swap.full_clean()
    swap.save()
    duty_day.teacher = to_teacher
    duty_day.save(update_fields=["teacher"])
    return swap


# --- the day's record -------------------------------------------------------------------------


def _check_may_keep(actor: User, home: Home, day: datetime.date) -> None:
    """The day's duty teacher records the day; whoever manages the Home may too."""
    if not may(actor, Perm.HOME_DUTY):
        raise PermissionDenied(_("您没有留守儿童之家值班记录的权限。"))
    on_duty = DutyDay.objects.filter(home=home, day=day, teacher=actor).exists()
    if not on_duty and not (may(actor, Perm.HOME_MANAGE) and in_scope(actor, home.school)):
        raise PermissionDenied(_("只有当天的值班教师可以记录。"))


def _children_of(actor: User, home: Home, children: Sequence[Child]) -> list[Child]:
    """The children named, each on the Home's school's register and within the actor's scope."""
    children = list(dict.fromkeys(children))
    ids = [c.pk for c in children]
    seen = (
        Child.objects.restrict(actor)
        .on_register()
        .filter(pk__in=ids, school_class__school=home.school)
        .count()
    )
    if seen != len(ids):
        raise PermissionDenied(_("所选儿童不在您的管辖范围内。"))
    return children


@transaction.atomic
def home_day_record(
    *,
    actor: User,
    home: Home,
    day: datetime.date,
    children: Sequence[Child],
    activities: str,
    follow_up: str = "",
    request: HttpRequest | None = None,
) -> HomeDay:
    """The duty teacher records the day: who came, what was done, what to follow up. Sent
    again, the record is corrected (one a day)."""
    _check_may_keep(actor, home, day)
    if day > _today():
        raise ValidationError({"day": _("日期不能晚于今天。")})
    children = _children_of(actor, home, children)
    record = HomeDay.objects.filter(home=home, day=day).first() or HomeDay(home=home, day=day)
    record.activities, record.follow_up = activities.strip(), follow_up.strip()
    record.recorded_by = actor
    record.full_clean()
    record.save()
    record.children.set(children)
    if children:
        access_record_many(
            user=actor,
            action=AccessAction.CREATE,
            child_ids=[c.pk for c in children],
            query=_("留守儿童之家值班记录"),
            request=request,
        )
    return record


# --- family calls -----------------------------------------------------------------------------


def _call_errors(
    *, parent: str, day: datetime.date, minutes: int | None, held: bool
) -> dict[str, str]:
    errors = {}
    if parent not in CallParent.values:
        errors["parent"] = _("请选择与父亲还是母亲通话。")
    if held:
        if day > _today():
            errors["day"] = _("通话日期不能晚于今天。")
        if minutes is None or minutes < 1:
            errors["minutes"] = _("请填写通话时长（分钟）。")
        elif minutes > CALL_MAX_MINUTES:
            errors["minutes"] = _("通话时长不能超过3小时（180分钟），请核对。")
    elif day < _today():
        errors["day"] = _("预约日期不能早于今天。")
    return errors


@transaction.atomic
def family_call_book(
    *,
    actor: User,
    home: Home,
    child: Child,
    parent: str,
    day: datetime.date,
    slot: datetime.time | None = None,
    request: HttpRequest | None = None,
) -> FamilyCall:
    """Book the Home's terminal for a child to call a parent on a day (at a time)."""
    if not may(actor, Perm.HOME_DUTY):
        raise PermissionDenied(_("您没有留守儿童之家值班记录的权限。"))
    (child,) = _children_of(actor, home, [child])
    errors = _call_errors(parent=parent, day=day, minutes=None, held=False)
    if not home.has_phone and not home.has_video:
        errors["home"] = _("本校留守儿童之家尚未登记亲情电话或视频终端。")
    if errors:
        raise ValidationError(errors)
    call = FamilyCall(
        home=home,
        child=child,
        parent=parent,
        way=CallWay.BOOKED,
        day=day,
        slot=slot,
        recorded_by=actor,
    )
    call.full_clean()
    call.save()
    access_record(user=actor, action=AccessAction.CREATE, child=child, request=request)
    return call


@transaction.atomic
def family_call_record(
    *,
    actor: User,
    home: Home,
    child: Child,
    parent: str,
    day: datetime.date,
    minutes: int | None,
    note: str = "",
    video: bool = False,
    booking: FamilyCall | None = None,
    request: HttpRequest | None = None,
) -> FamilyCall:
    """Record a call made from the Home: a walk-in, or the booking it held.

    1. The recorder keeps the Home (HOME_DUTY) and sees the child, who is on the school's
       register; a call of more than three hours is refused.
    2. The note is optional and private like a care note (encrypted; read by the matrix's
       `care_notes` row and by its author).
    3. Where the school's region counts these calls toward 三个一 (`HomeSetting.calls_count`),
       a care action 与家长通话 is recorded through care's own service, without the note, so the
       quota, the child's care page and every compliance figure count it as they count any
       other call; the call keeps a link to it. Off, the call is the Home's record only."""
    if not may(actor, Perm.HOME_DUTY):
        raise PermissionDenied(_("您没有留守儿童之家值班记录的权限。"))
    (child,) = _children_of(actor, home, [child])
    errors = _call_errors(parent=parent, day=day, minutes=minutes, held=True)
    if booking is not None and (
        booking.home_id != home.pk or booking.child_id != child.pk or booking.held
    ):
        errors["booking"] = _("该预约不属于此儿童，或已经记录过。")
    if errors:
        raise ValidationError(errors)
    call = booking or FamilyCall(home=home, child=child, way=CallWay.WALK_IN, recorded_by=actor)
    call.parent, call.day, call.minutes = parent, day, minutes
    call.note, call.video = note.strip(), video
    call.full_clean()
    call.save()
    if home_setting_of(home.school).calls_count:
        call.care_action = care_action_record(
            actor=actor,
            kind=ActionKind.PARENT_CALL,
            done_on=day,
            children=[child],
            request=request,
        )
        call.save(update_fields=["care_action"])
    else:
        access_record(user=actor, action=AccessAction.CREATE, child=child, request=request)
    return call
