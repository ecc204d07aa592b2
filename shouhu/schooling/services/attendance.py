"""Everything that writes attendance (考勤): the roll call, an absence's reason found out later,
the call to the guardian, the school calendar's changes. The follow-up clock's home-visit tasks
are raised by the duty (`shouhu.schooling.jobs`)."""

import datetime
import uuid
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from shouhu.accounts.models import User
from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record, access_record_many
from shouhu.care.models import ActionKind
from shouhu.care.services import care_action_record
from shouhu.core.roles import Perm
from shouhu.core.scoping import in_scope
from shouhu.org.models import School, SchoolClass
from shouhu.org.selectors import term_current
from shouhu.registry.models import CensusSnapshot, Child
from shouhu.schooling.models import (
    Absence,
    AbsenceReason,
    CalendarChange,
    CalendarChangeKind,
    RollCall,
)
from shouhu.schooling.selectors.calendar import is_school_day, school_days_in_term

NOTE_MAX = 200


def register_on(school_class: SchoolClass | int, day: datetime.date):
    """The class's register on the day: registered by then, not yet left."""
    class_id = school_class if isinstance(school_class, int) else school_class.pk
    return Child.objects.filter(school_class_id=class_id, registered_on__lte=day).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=day)
    )


def left_behind_ids(child_ids, day: datetime.date) -> set[int]:
    """Of these children, the left-behind of the day's term census (education definition)."""
    term = term_current(day)
    if term is None:
        return set()
    return set(
        CensusSnapshot.objects.filter(
            term=term, child_id__in=child_ids, education=True
        ).values_list("child_id", flat=True)
    )


def _check_may_record(actor: User, school_class: SchoolClass) -> None:
    if not actor.has_perm_to(Perm.ATTENDANCE_RECORD):
        raise PermissionDenied(_("您没有点名的权限。"))
    if not in_scope(actor, school_class):
        raise PermissionDenied(_("该班级不在您的管辖范围内。"))


@transaction.atomic
def roll_call_save(
    *,
    actor: User,
    school_class: SchoolClass,
    day: datetime.date,
    absent: Mapping[int, str],
    notes: Mapping[int, str] | None = None,
    request: HttpRequest | None = None,
    client_id: uuid.UUID | None = None,
) -> RollCall:
    """Take (or correct) a class's roll call for today.

    1. Everyone on the class's register that day is present but the children in `absent`
       (child id → reason; 未知 until someone finds out).
    2. Refused, with nothing written: a day that is not a school day (a weekend, a holiday),
       another day than today, a class outside the actor's scope, a child not on the register
       (who left, or belongs to another class).
    3. Sent again, the roll call is corrected: absences added, changed or taken back. The same
       list sent twice changes nothing; every change is kept in the history.
    4. The follow-up clock runs from the first sending (`taken_at`), which keeps the phone's
       `client_id` when it was taken offline (`care.offline`).
    """
    _check_may_record(actor, school_class)
    notes = notes or {}
    today = timezone.localdate()
    if day != today:
        raise ValidationError({"day": _("只能为今天点名，不能补点或预点。")})
    if not is_school_day(school_class.school_id, day):
        raise ValidationError(
            {
                "day": _("%(day)s 不是上课日（周末、节假日或学校放假），无需点名。")
                % {"day": day.isoformat()}
            }
        )
    errors: dict[str, str] = {}
    bad_reasons = [r for r in absent.values() if r not in AbsenceReason.values]
    if bad_reasons:
        errors["reason"] = _("缺勤原因“%(reason)s”无效，请选择病假、事假、旷课或未知。") % {
            "reason": bad_reasons[0]
        }
    too_long = [n for n in notes.values() if len(n.strip()) > NOTE_MAX]
    if too_long:
        errors["note"] = _("说明不能超过%(n)d个字。") % {"n": NOTE_MAX}
    register = list(register_on(school_class, day).values_list("pk", flat=True))
    on_register = set(register)
    strangers = [pk for pk in absent if pk not in on_register]
    if strangers:
        names = list(Child.objects.filter(pk__in=strangers).values_list("name", flat=True)[:3])
        errors["absent"] = _("%(names)s 不在本班当日名册上（已离开或不属于本班），不能点名。") % {
            "names": "、".join(names) or _("所选学生")
        }
    if errors:
        raise ValidationError(errors)
    lb = left_behind_ids(register, day)
    now = timezone.now()
    roll = RollCall.objects.select_for_update().filter(school_class=school_class, day=day).first()
    created = roll is None
    if roll is None:
        roll = RollCall(
            school_class=school_class, day=day, taken_by=actor, taken_at=now, client_id=client_id
        )
    changed = created or roll.expected != len(register) or roll.expected_left_behind != len(lb)
    roll.expected, roll.expected_left_behind = len(register), len(lb)
    if changed:
        roll.full_clean()
        roll._history_user = actor  # type: ignore[attr-defined,union-attr]
        roll.save()
    existing: dict[int, Absence] = (
        {} if created else {a.child_id: a for a in Absence.objects.filter(roll_call=roll, day=day)}
    )
    for child_id, gone in existing.items():
        if child_id not in absent:
            gone._history_user = actor  # type: ignore[attr-defined]
            gone.delete()  # came after all: the history keeps the absence as it was
    fresh: list[Absence] = []
    for child_id, reason in absent.items():
        note = notes.get(child_id, "").strip()
        absence = existing.get(child_id)
        if absence is None:
            fresh.append(
                Absence(
                    roll_call=roll,
                    child_id=child_id,
                    day=day,
                    reason=reason,
                    note=note,
                    left_behind=child_id in lb,
                )
            )
        elif absence.reason != reason or (note and absence.note != note):
            absence.reason, absence.note = reason, note or absence.note
            if reason != AbsenceReason.UNKNOWN and absence.explained_at is None and not created:
                absence.explained_at, absence.explained_by = now, actor
            absence._history_user = actor  # type: ignore[attr-defined]
            absence.save(update_fields=["reason", "note", "explained_at", "explained_by"])
    if fresh:
        bulk_create_with_history(fresh, Absence, default_user=actor)
    touched = set(absent) | set(existing)
    if touched:
        access_record_many(
            user=actor,
            action=AccessAction.CREATE if created else AccessAction.UPDATE,
            child_ids=sorted(touched),
            query=f"点名 {school_class} {day.isoformat()}",
            request=request,
        )
    return roll


def _check_absence(actor: User, absence: Absence) -> None:
    if not actor.has_perm_to(Perm.ATTENDANCE_RECORD):
        raise PermissionDenied(_("您没有考勤跟进的权限。"))
    if not Absence.objects.restrict(actor).filter(pk=absence.pk).exists():
        raise PermissionDenied(_("该学生不在您的管辖范围内。"))


@transaction.atomic
def absence_explain(
    *,
    actor: User,
    absence: Absence,
    reason: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> Absence:
    """The reason of an absence found out later (病假, 事假 or 旷课): who and when are kept."""
    _check_absence(actor, absence)
    if reason not in AbsenceReason.values or reason == AbsenceReason.UNKNOWN:
        raise ValidationError({"reason": _("请选择查明的原因：病假、事假或旷课。")})
    if len(note.strip()) > NOTE_MAX:
        raise ValidationError({"note": _("说明不能超过%(n)d个字。") % {"n": NOTE_MAX}})
    absence.reason = reason
    absence.note = note.strip() or absence.note
    absence.explained_at = timezone.now()
    absence.explained_by = actor
    absence.full_clean()
    absence._history_user = actor  # type: ignore[attr-defined]
    absence.save()
    access_record(user=actor, action=AccessAction.UPDATE, child=absence.child, request=request)
    return absence


@transaction.atomic
def absence_call_record(
    *,
    actor: User,
    absence: Absence,
    summary: str,
    reason: str = AbsenceReason.UNKNOWN,
    request: HttpRequest | None = None,
) -> Absence:
    """The head teacher called the guardian about an 未知 absence: the call is a care
    与家长通话 action (it counts like any other); a reason learnt on the call explains it."""
    _check_absence(actor, absence)
    if reason not in AbsenceReason.values:
        raise ValidationError({"reason": _("缺勤原因无效。")})
    if not summary.strip():
        raise ValidationError({"summary": _("请简要记录通话情况（是否接通、家长怎么说）。")})
    action = care_action_record(
        actor=actor,
        kind=ActionKind.PARENT_CALL,
        done_on=timezone.localdate(),
        children=[absence.child],
        summary=summary,
        request=request,
    )
    absence.call = action
    if reason != AbsenceReason.UNKNOWN:
        absence.reason = reason
        absence.explained_at, absence.explained_by = timezone.now(), actor
    absence.full_clean()
    absence._history_user = actor  # type: ignore[attr-defined]
    absence.save()
    return absence


# --- the school calendar ------------------------------------------------------------------------


def _check_may_set_calendar(actor: User, school: School) -> None:
    if not actor.has_perm_to(Perm.SCHOOL_CALENDAR):
        raise PermissionDenied(_("您没有设置校历的权限。"))
    if not in_scope(actor, school):
        raise PermissionDenied(_("该学校不在您的管辖范围内。"))


@transaction.atomic
def calendar_change_add(
    *, actor: User, school: School, day: datetime.date, kind: str, note: str = ""
) -> CalendarChange:
    """A day off (放假) on a school weekday, or a make-up day (调休上课) on a weekend, within a
    term. A day off is refused once a roll call was taken that day."""
    _check_may_set_calendar(actor, school)
    if kind not in CalendarChangeKind.values:
        raise ValidationError({"kind": _("请选择放假或调休上课。")})
    weekday_school = day.weekday() in settings.SHOUHU_SCHOOL_DAYS
    errors = {}
    if not school_days_in_term(day):
        errors["day"] = _("%(day)s 不在任何学期内。") % {"day": day.isoformat()}
    elif kind == CalendarChangeKind.DAY_OFF and not weekday_school:
        errors["day"] = _("%(day)s 是周末，本来就不上课。") % {"day": day.isoformat()}
    elif kind == CalendarChangeKind.MAKE_UP and weekday_school:
        errors["day"] = _("%(day)s 是工作日，本来就上课；调休上课应设在周末。") % {
            "day": day.isoformat()
        }
    elif CalendarChange.objects.filter(school=school, day=day).exists():
        errors["day"] = _("%(day)s 已有校历调整，请先删除原有调整。") % {"day": day.isoformat()}
    elif (
        kind == CalendarChangeKind.DAY_OFF
        and RollCall.objects.filter(school_class__school=school, day=day).exists()
    ):
        errors["day"] = _("%(day)s 已有班级点名，不能设为放假。") % {"day": day.isoformat()}
    if errors:
        raise ValidationError(errors)
    change = CalendarChange(school=school, day=day, kind=kind, note=note.strip(), created_by=actor)
    change.full_clean()
    change.save()
    access_record(
        user=actor,
        action=AccessAction.UPDATE,
        query=f"校历 {school.code} {day.isoformat()} {change.get_kind_display()}",
    )
    return change


@transaction.atomic
def calendar_change_remove(*, actor: User, change: CalendarChange) -> None:
    """Take a change back (a day off set by mistake): the day follows the term's weekdays again.
    A make-up day with roll calls taken cannot be taken back."""
    _check_may_set_calendar(actor, change.school)
    if (
        change.kind == CalendarChangeKind.MAKE_UP
        and RollCall.objects.filter(school_class__school=change.school, day=change.day).exists()
    ):
        raise ValidationError({"day": _("该调休日已有班级点名，不能删除。")})
    access_record(
        user=actor,
        action=AccessAction.UPDATE,
        query=f"校历 {change.school.code} {change.day.isoformat()} 删除{change.get_kind_display()}",
    )
    change.delete()
