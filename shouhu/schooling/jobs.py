"""Schooling's scheduled duties (shouhu.jobs.registry).

The follow-up clock of attendance: the head teacher's to-dos (a roll call not taken by 10:00, a
call to the guardian an hour after an 未知 absence) are computed whenever the home page is read;
what must exist as a record is the same-day home visit. At the end of the school day
(SHOUHU_ABSENCE_VISIT_HOUR) this duty gives each absence of the day still 未知 a home-visit
task (care's VisitTask, the same as a 五必访 one, escalating by the same rules). Running it twice
changes nothing: an absence with a task gets no second one.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shouhu.care.services import absence_visit_task_create
from shouhu.jobs.registry import duty
from shouhu.jobs.schedule import Daily
from shouhu.schooling.models import Absence, AbsenceReason


def absence_visits_raise(day: datetime.date) -> int:
    """A home-visit task for each absence of the day still 未知 and without one."""
    absences = (
        Absence.objects.filter(
            day=day,
            roll_call__day=day,  # the joined roll calls pruned to the day's month too
            reason=AbsenceReason.UNKNOWN,
            visit_task__isnull=True,
            child__left_on__isnull=True,
        )
        .select_related("roll_call__taken_by", "child__school_class__head_teacher")
        .order_by("pk")
    )
    raised = 0
    for absence in absences:
        with transaction.atomic():
            task = absence_visit_task_create(
                child=absence.child,
                noted_on=day,
                author=absence.roll_call.taken_by,
                note=str(_("%(day)s 点名缺勤，当天未查明原因。")) % {"day": day.isoformat()},
            )
            absence.visit_task = task
            absence.save(update_fields=["visit_task"])
        raised += 1
    return raised


@duty(
    name="schooling.absence_visits",
    label=_("无故缺勤当日家访任务"),
    schedule=Daily(hour=settings.SHOUHU_ABSENCE_VISIT_HOUR),
)
def absence_visits(day: datetime.date) -> str:
    return f"今日未查明原因的缺勤生成家访任务 {absence_visits_raise(day)} 项"
