"""Everything that writes safety records: an incident, each person notified, its dated
follow-ups; a lecture; a lecture quota. An incident is never deleted or rewritten: what was
recorded stays, and what came after is a notice or a follow-up."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhu.accounts.models import User
from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record
from shouhu.core.roles import Perm
from shouhu.core.scoping import in_scope
from shouhu.core.visibility import ChildField
from shouhu.notify.telling import incident_tell
from shouhu.org.models import Region, School, SchoolClass
from shouhu.registry.models import Child
from shouhu.welfare.models import (
    Incident,
    IncidentFollowUp,
    IncidentKind,
    IncidentNotice,
    Lecture,
    LectureKind,
    LecturePeriod,
    LectureQuota,
    NotifiedParty,
)


def _check_may_record_incident(actor: User, child: Child) -> None:
    if not actor.has_perm_to(Perm.INCIDENT_RECORD):
        raise PermissionDenied(_("您没有记录安全事件的权限。"))
    if not Child.objects.restrict(actor).filter(pk=child.pk).exists():
        raise PermissionDenied(_("该儿童不在您的管辖范围内。"))


def _not_future(when: datetime.datetime, field: str) -> None:
    if when > timezone.now():
        raise ValidationError({field: _("时间不能晚于现在。")})


@transaction.atomic
def incident_record(
    *,
    actor: User,
    child: Child,
    kind: str,
    happened_at: datetime.datetime,
    place: str,
    what: str,
    injuries: str = "",
    actions: str = "",
    serious: bool = False,
    request: HttpRequest | None = None,
) -> Incident:
    """Record an incident (篇七). A serious one is at once on the home pages of the school's
    leaders and the township's officers (`incident_alerts_for` reads it; nothing is queued, so
    nothing can be lost)."""
    _check_may_record_incident(actor, child)
    if kind not in IncidentKind.values:
        raise ValidationError({"kind": _("请选择事件类型。")})
    _not_future(happened_at, "happened_at")
    incident = Incident(
        child=child,
        kind=kind,
        serious=serious,
        happened_at=happened_at,
        place=place.strip(),
        what=what.strip(),
        injuries=injuries.strip(),
        actions=actions.strip(),
        recorded_by=actor,
    )
    incident.full_clean()
    incident.save()
    access_record(
        user=actor,
        action=AccessAction.CREATE,
        child=child,
        field=ChildField.INCIDENT_NOTES,
        request=request,
    )
    if incident.serious:  # the school's leaders and the township are told at once (notify)
        transaction.on_commit(
            lambda: incident_tell(incident_id=incident.pk, child=child), robust=True
        )
    return incident


@transaction.atomic
def incident_notice_add(
    *,
    actor: User,
    incident: Incident,
    party: str,
    notified_at: datetime.datetime,
    name: str = "",
    request: HttpRequest | None = None,
) -> IncidentNotice:
    """Record that someone was notified of the incident, and when."""
    _check_may_record_incident(actor, incident.child)
    if party not in NotifiedParty.values:
        raise ValidationError({"party": _("请选择通知对象。")})
    _not_future(notified_at, "notified_at")
    # Times are typed to the minute: a call in the minute of the incident is after it.
    if notified_at < incident.happened_at.replace(second=0, microsecond=0):
        raise ValidationError({"notified_at": _("通知时间不能早于事件发生时间。")})
    notice = IncidentNotice(
        incident=incident,
        party=party,
        name=name.strip(),
        notified_at=notified_at,
        recorded_by=actor,
    )
    notice.full_clean()
    notice.save()
    access_record(user=actor, action=AccessAction.UPDATE, child=incident.child, request=request)
    return notice


@transaction.atomic
def incident_follow_up_add(
    *,
    actor: User,
    incident: Incident,
    due_on: datetime.date,
    note: str,
    done: bool = False,
    request: HttpRequest | None = None,
) -> IncidentFollowUp:
    """A dated follow-up: planned (due on a day) or, with `done`, done that day."""
    _check_may_record_incident(actor, incident.child)
    if due_on < timezone.localtime(incident.happened_at).date():
        raise ValidationError({"due_on": _("跟进日期不能早于事件发生日期。")})
    if done and due_on > timezone.localdate():
        raise ValidationError({"due_on": _("已完成的跟进，日期不能晚于今天。")})
    follow_up = IncidentFollowUp(
        incident=incident,
        due_on=due_on,
        done_on=due_on if done else None,
        note=note.strip(),
        recorded_by=actor,
    )
    follow_up.full_clean()
    follow_up.save()
    access_record(
        user=actor,
        action=AccessAction.UPDATE,
        child=incident.child,
        field=ChildField.INCIDENT_NOTES,
        request=request,
    )
    return follow_up


@transaction.atomic
def incident_follow_up_done(
    *, actor: User, follow_up: IncidentFollowUp, done_on: datetime.date
) -> IncidentFollowUp:
    """A planned follow-up was done."""
    _check_may_record_incident(actor, follow_up.incident.child)
    if follow_up.done_on is not None:
        raise ValidationError({"done_on": _("该跟进已完成。")})
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("日期不能晚于今天。")})
    if done_on < timezone.localtime(follow_up.incident.happened_at).date():
        raise ValidationError({"done_on": _("完成日期不能早于事件发生日期。")})
    follow_up.done_on = done_on
    follow_up.full_clean()
    follow_up.save(update_fields=["done_on"])
    return follow_up


# --- lectures ---------------------------------------------------------------------------------


@transaction.atomic
def lecture_record(
    *,
    actor: User,
    school: School,
    kind: str,
    held_on: datetime.date,
    topic: str,
    speaker: str,
    classes: Sequence[SchoolClass],
    attendance: int | None = None,
) -> Lecture:
    """Record a lecture at a school. The head count (人次) defaults to the children on the
    register of the classes that attended."""
    if not actor.has_perm_to(Perm.LECTURE_RECORD):
        raise PermissionDenied(_("您没有记录讲座的权限。"))
    classes = list(dict.fromkeys(classes))
    # A head teacher records the lectures their class attended; the school's people, any.
    if not in_scope(actor, school) and not (classes and actor.scope_class_id):
        raise PermissionDenied(_("该学校不在您的管辖范围内。"))
    errors: dict[str, str] = {}
    if kind not in LectureKind.values:
        errors["kind"] = _("请选择讲座类型。")
    if held_on > timezone.localdate():
        errors["held_on"] = _("日期不能晚于今天。")
    if any(c.school_id != school.pk for c in classes):
        errors["classes"] = _("参加班级须为本校班级。")
    elif any(not in_scope(actor, c) for c in classes):
        raise PermissionDenied(_("所选班级不在您的管辖范围内。"))
    if attendance is None:
        attendance = Child.objects.on_register().filter(school_class__in=classes).count()
    if attendance < 1:
        errors["attendance"] = _("请填写参加人次（至少1人次），或选择参加班级。")
    elif attendance > 5000:
        errors["attendance"] = _("参加人次不能超过5000。")
    if errors:
        raise ValidationError(errors)
    lecture = Lecture(
        school=school,
        kind=kind,
        held_on=held_on,
        topic=topic.strip(),
        speaker=speaker.strip(),
        attendance=attendance,
        recorded_by=actor,
    )
    lecture.full_clean()
    lecture.save()
    lecture.classes.set(classes)
    return lecture


@transaction.atomic
def lecture_quota_set(
    *, actor: User, node: Region | School, period: str, minimum: int
) -> LectureQuota:
    """Set the lectures a region's schools (or one school) owe per period. A lower level may
    tighten the quota set above it, never loosen it."""
    from shouhu.welfare.selectors.safety import lecture_quota_for

    if not actor.has_perm_to(Perm.QUOTA_MANAGE):
        raise PermissionDenied(_("您没有设置要求的权限。"))
    if not in_scope(actor, node):
        raise PermissionDenied(_("该单位不在您的管辖范围内。"))
    if period not in LecturePeriod.values:
        raise ValidationError({"period": _("请选择周期。")})
    if not 1 <= minimum <= 10:
        raise ValidationError({"minimum": _("每周期场次应在1到10之间。")})
    above = lecture_quota_for(node, above_only=True)
    if not above.default and _per_term(period, minimum) < _per_term(above.period, above.minimum):
        raise ValidationError(
            {"minimum": _("不能低于上级设置的要求（%(rule)s）。") % {"rule": above}}
        )
    key = {"school": node} if isinstance(node, School) else {"region": node}
    quota, _created = LectureQuota.objects.update_or_create(
        **key, defaults={"period": period, "minimum": minimum}
    )
    return quota


def _per_term(period: str, minimum: int) -> int:
    """A quota as lectures per term (a term is about five months), to compare two quotas."""
    return minimum * 5 if period == LecturePeriod.MONTH else minimum
