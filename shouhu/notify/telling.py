"""Who gets told what, at once (issue 19, "Who gets told"):

- a new home-visit task (五必访, or an absence unexplained at the end of the day): the head
  teacher of the child's class and whoever owes the visit, unless they recorded it themselves;
- a task escalated (overdue by SHOUHU_ESCALATE_HEAD_DAYS / _LEADER_DAYS): the head teacher,
  then the school's leaders (the duty `notify.escalations` each morning: escalation is a date);
- a serious incident (an emergency: never held at night, never capped) and a new dropout
  case: the school's leaders and the township's child directors.

The services that write these records call the `*_tell` functions with
`transaction.on_commit`, so that nothing is told of a write that was rolled back.

What a message may say: the class and the child's surname with 同学 (an SMS is read on a lock
screen, perhaps by someone else), the kind of event and its date. Never the full name, the
signal behind a task (情绪不好, 身体不佳 are health and feelings), an incident's kind or what
happened, nor a dropout's cause: the system holds those, behind its login.
"""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from shouhu.accounts.models import User
from shouhu.care.models import VisitTask
from shouhu.care.rules import escalated_due_before
from shouhu.core.roles import Role
from shouhu.notify.rules import pupil_name
from shouhu.notify.services import staff_message_queue
from shouhu.org.models import School
from shouhu.registry.models import Child

SIGN = "【守护】"


class Kind:
    """The kinds of message this module queues (the outbox page counts them)."""

    TASK = "visit_task"
    ESCALATION = "escalation"
    INCIDENT = "incident"
    DROPOUT = "dropout_case"
    DIGEST = "digest"


def _who(child: Child) -> str:
    """`三年级(2)班 李同学`: the class and the surname, never the full name."""
    return f"{child.school_class.name} {pupil_name(child.name)}"


def _day(day: datetime.date) -> str:
    return _("%(m)d月%(d)d日") % {"m": day.month, "d": day.day}


def _active(users) -> list[User]:
    seen: dict[int, User] = {}
    for user in users:
        if user is not None and user.is_active:
            seen.setdefault(user.pk, user)
    return list(seen.values())


def school_and_township_leads(school: School) -> list[User]:
    """The school's leaders and the child directors of its township (a school in a village
    answers to the township above it)."""
    region = school.region
    return list(
        User.objects.filter(is_active=True)
        .filter(
            Q(role=Role.SCHOOL_LEADER, scope_school=school)
            | Q(
                role=Role.TOWNSHIP_OFFICER,
                scope_region_id__in=[region.pk, region.parent_id],
            )
        )
        .order_by("pk")
    )


def visit_task_tell(*, task_id: int) -> int:
    """A new home-visit task: its head teacher and its assignee; the number of messages."""
    task = (
        VisitTask.objects.select_related(
            "child__school_class__head_teacher", "assignee", "observation"
        )
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        return 0
    child = task.child
    author_id = task.observation.author_id
    body = SIGN + _("%(who)s有一项新的家访任务，请于%(due)s前完成家访并在系统中记录。") % {
        "who": _who(child),
        "due": _day(task.due_on),
    }
    told = 0
    for user in _active([child.school_class.head_teacher, task.assignee]):
        if user.pk == author_id:
            continue
        staff_message_queue(
            user=user, kind=Kind.TASK, body=body, subject=_("新的家访任务"),
            dedupe_key=f"task:{task.pk}:{user.pk}",
        )  # fmt: skip
        told += 1
    return told


def escalations_tell(day: datetime.date) -> int:
    """The tasks that reach the head teacher or the school's leaders today (the worklist's own
    rule, `escalated_due_before`): each of them is told once."""
    open_tasks = VisitTask.objects.filter(
        done_on__isnull=True, child__left_on__isnull=True
    ).select_related("child__school_class__head_teacher", "child__school_class__school")
    levels = (
        ("head", settings.SHOUHU_ESCALATE_HEAD_DAYS),
        ("leader", settings.SHOUHU_ESCALATE_LEADER_DAYS),
    )
    told = 0
    for level, after in levels:
        due_on = escalated_due_before(day, after_days=after)
        for task in open_tasks.filter(due_on=due_on):
            school_class = task.child.school_class
            if level == "head":
                to = _active([school_class.head_teacher])
            else:
                to = [u for u in school_and_township_leads(school_class.school)
                      if u.role == Role.SCHOOL_LEADER]  # fmt: skip
            body = SIGN + _("%(who)s的家访任务已逾期%(n)d天未完成，已升级由您督办。") % {
                "who": _who(task.child),
                "n": (day - task.due_on).days,
            }
            for user in to:
                if user.pk == task.assignee_id:
                    continue
                staff_message_queue(
                    user=user, kind=Kind.ESCALATION, body=body, subject=_("家访任务升级督办"),
                    dedupe_key=f"escalation:{task.pk}:{level}:{user.pk}",
                )  # fmt: skip
                told += 1
    return told


def incident_tell(*, incident_id: int, child: Child) -> int:
    """A serious incident (welfare's `incident_record` calls this for a serious one): the
    school's leaders and the township at once, day or night."""
    school = child.school_class.school
    body = SIGN + _("%(who)s发生重大安全事件，请立即登录系统查看并跟进处置。") % {
        "who": f"{school.name} {_who(child)}"
    }
    leads = school_and_township_leads(school)
    for user in leads:
        staff_message_queue(
            user=user, kind=Kind.INCIDENT, body=body, subject=_("重大安全事件"), urgent=True,
            dedupe_key=f"incident:{incident_id}:{user.pk}",
        )  # fmt: skip
    return len(leads)


def dropout_case_tell(*, case_id: int, child: Child, registered_by: User) -> int:
    """A new dropout case (schooling's `case_register`): the school's leaders and the township
    at once, except whoever registered it."""
    school = child.school_class.school
    body = SIGN + _("%(who)s已登记为辍学，请登录系统查看并安排劝返。") % {
        "who": f"{school.name} {_who(child)}"
    }
    leads = [u for u in school_and_township_leads(school) if u.pk != registered_by.pk]
    for user in leads:
        staff_message_queue(
            user=user, kind=Kind.DROPOUT, body=body, subject=_("新登记辍学"),
            dedupe_key=f"dropout:{case_id}:{user.pk}",
        )  # fmt: skip
    return len(leads)
