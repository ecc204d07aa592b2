"""Undoing a year-end handover (学年交接) within a few days (`SHOUHU_HANDOVER_UNDO_DAYS`).

A handover applied by mistake (the wrong terms, mid-term, unticked pairings) moved whole classes;
putting them back by hand would take a day and miss rows. The handover keeps what it moved, each
row with the value it had (`SchoolHandover.moved`), and the undo puts every one back:

1. It must be the school's latest handover still standing, within the window, by someone who
   may hand the school over.
2. It refuses, changing nothing, when work has been built on it since: a child registered in a
   new first-grade class, a prefilled census row surveyed, a new pairing in place of one it
   ended.
3. Backwards: the new term's prefilled census rows, pupil counts and first-grade classes go;
   each class gets back its name, grade and head teacher (the lowest grade first, so each old
   name is free); the graduates return to the register; the pairings it ended reopen and the
   home-visit tasks go back to whoever held them.
4. The handover stays in the record, marked undone by whom and when, and the access log names
   the school and both terms. The same handover may then be applied again.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record
from shouhu.care.models import Pairing, VisitTask
from shouhu.org.models import ClassEnrolment, School, SchoolClass
from shouhu.registry.handover import handover_check, handover_log_text
from shouhu.registry.models import CensusSnapshot, Child, SchoolHandover


def handover_undo_deadline(handover: SchoolHandover) -> datetime.datetime:
    return handover.at + datetime.timedelta(days=settings.SHOUHU_HANDOVER_UNDO_DAYS)


def handovers_undoable_for(user, school: School) -> QuerySet[SchoolHandover]:
    """The school's handovers that may still be undone, newest first (the wizard's list)."""
    handover_check(user, school)
    since = timezone.now() - datetime.timedelta(days=settings.SHOUHU_HANDOVER_UNDO_DAYS)
    return (
        SchoolHandover.objects.filter(school=school, undone_at__isnull=True, at__gte=since)
        .exclude(moved={})
        .select_related("from_term", "to_term", "by")
        .order_by("-at", "-id")
    )


def handover_get_for(user, public_id) -> SchoolHandover:
    """One handover of a school the user may hand over, or 404."""
    handover = (
        SchoolHandover.objects.select_related("school", "from_term", "to_term")
        .filter(public_id=public_id)
        .first()
    )
    if handover is None:
        raise Http404
    handover_check(user, handover.school)
    return handover


def handover_latest_for(user, school: School) -> SchoolHandover:
    """The school's latest handover still standing (what `shouhu handover --undo` undoes)."""
    handover_check(user, school)
    handover = (
        SchoolHandover.objects.select_related("school", "from_term", "to_term")
        .filter(school=school, undone_at__isnull=True)
        .order_by("-at", "-id")
        .first()
    )
    if handover is None:
        raise ValidationError(_("%(school)s 没有可撤销的学年交接。") % {"school": school.name})
    return handover


def _refusal(handover: SchoolHandover, moved: dict) -> str:
    """Why the handover cannot be undone ("" when it can)."""
    if handover.undone_at is not None:
        return _("该学年交接已于 %(at)s 撤销。") % {
            "at": timezone.localtime(handover.undone_at).strftime("%Y-%m-%d %H:%M")
        }
    if not moved:
        return _("该学年交接没有保存变更明细，不能撤销。")
    if timezone.now() > handover_undo_deadline(handover):
        return _("学年交接只能在办理后 %(n)d 天内撤销。") % {
            "n": settings.SHOUHU_HANDOVER_UNDO_DAYS
        }
    later = SchoolHandover.objects.filter(
        school=handover.school, undone_at__isnull=True, at__gt=handover.at
    )
    if later.exists():
        return _("该校之后又办理了学年交接，请先撤销后一次。")
    if Child.objects.filter(school_class_id__in=moved["new_classes"]).exists():
        return _("新建的起始年级班级已登记儿童，不能撤销。")
    if CensusSnapshot.objects.filter(pk__in=moved["snapshots"], prefilled=False).exists():
        return _("新学期摸底已有儿童核实，不能撤销。")
    reopened = Pairing.objects.filter(pk__in=moved["pairings"])
    for pairing in reopened:
        taken = Pairing.objects.open().filter(child_id=pairing.child_id, kind=pairing.kind)
        if taken.exists():
            return _("%(child)s 已安排了新的结对，不能撤销。") % {"child": pairing.child}
    return ""


@transaction.atomic
def handover_undo(
    *, actor, handover: SchoolHandover, request: HttpRequest | None = None
) -> SchoolHandover:
    """Put back every row the handover moved (see the module's steps)."""
    handover_check(actor, handover.school)
    handover = SchoolHandover.objects.select_for_update().get(pk=handover.pk)
    moved = handover.moved
    refused = _refusal(handover, moved)
    if refused:
        raise ValidationError(refused)
    user = actor if actor.pk else None
    CensusSnapshot.objects.filter(pk__in=moved["snapshots"]).delete()
    ClassEnrolment.objects.filter(pk__in=moved["enrolments"]).delete()
    try:
        SchoolClass.objects.filter(pk__in=moved["new_classes"]).delete()
    except ProtectedError:
        raise ValidationError(_("新建的起始年级班级已被使用，不能撤销。")) from None
    classes = SchoolClass.objects.in_bulk([row[0] for row in moved["classes"]])
    for pk, name, grade, head_teacher_id in reversed(moved["classes"]):
        school_class = classes[pk]
        school_class.name, school_class.grade = name, grade
        school_class.head_teacher_id = head_teacher_id
        school_class.save(update_fields=["name", "grade", "head_teacher"])
    for child in Child.objects.filter(pk__in=moved["graduates"]):
        child.left_on, child.left_reason, child.left_note = None, "", ""
        child._history_user = user  # type: ignore[attr-defined]  # read by simple-history
        child.save(update_fields=["left_on", "left_reason", "left_note"])
    for pairing in Pairing.objects.filter(pk__in=moved["pairings"]):
        pairing.ends_on = None
        pairing.save(update_fields=["ends_on"])
    for task_id, assignee_id in moved["tasks"]:
        VisitTask.objects.filter(pk=task_id, done_on__isnull=True).update(assignee_id=assignee_id)
    handover.undone_at = timezone.now()
    handover.undone_by = user
    handover.save(update_fields=["undone_at", "undone_by"])
    access_record(
        user=user,
        action=AccessAction.UPDATE,
        query=handover_log_text(handover, undone=True),
        request=request,
    )
    return handover
