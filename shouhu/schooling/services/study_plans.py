"""Writing study-help plans (学习帮扶计划, 篇五): make one, review its staged goals on their
dates, close it with its result. Nothing is deleted: a plan made by mistake is closed as 中止."""

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
from shouhu.core.roles import Perm, Role
from shouhu.core.scoping import in_scope
from shouhu.registry.models import Child
from shouhu.schooling.models.grades import (
    PLAN_HELPERS,
    PlanGoal,
    PlanOutcome,
    PlanStatus,
    StudyPlan,
)
from shouhu.schooling.services.grades import school_of

MAX_GOALS = 6


def _check(actor: User, child: Child) -> None:
    if not actor.has_perm_to(Perm.STUDY_PLAN):
        raise PermissionDenied(_("您没有学习帮扶计划的权限。"))
    if not in_scope(actor, child, Perm.CHILD_VIEW):
        raise PermissionDenied(_("该学生不在您的管辖范围内。"))


def may_manage_plan(actor: User, plan: StudyPlan) -> bool:
    """The plan's teacher, the child's head teacher and the school leader manage a plan."""
    if not actor.has_perm_to(Perm.STUDY_PLAN):
        return False
    if plan.teacher_id == actor.pk:
        return True
    return actor.role in (Role.SCHOOL_LEADER, Role.HEAD_TEACHER) and in_scope(
        actor, plan.child, Perm.CHILD_VIEW
    )


@transaction.atomic
def study_plan_create(
    *,
    actor: User,
    child: Child,
    teacher: User,
    starts_on: datetime.date,
    ends_on: datetime.date,
    schedule: str,
    content: str,
    goals: Sequence[tuple[str, datetime.date]],
    subjects: str = "",
    request: HttpRequest | None = None,
) -> StudyPlan:
    """Make a plan for a child on the register: its teacher (a staff member of the child's
    school), the time, the content and 1–6 staged goals, each with the date it is reviewed."""
    _check(actor, child)
    errors: dict[str, str] = {}
    if child.left_on is not None:
        errors["child"] = _("该学生已离开名册，不能制定帮扶计划。")
    if teacher.role not in PLAN_HELPERS or school_of(teacher) != child.school_class.school_id:
        errors["teacher"] = _("帮扶教师应是该学生所在学校的教师。")
    if ends_on < starts_on:
        errors["ends_on"] = _("结束日期不能早于开始日期。")
    goals = [(g.strip(), d) for g, d in goals if g.strip()]
    if not goals:
        errors["goals"] = _("请至少填写一个阶段目标及其检查日期。")
    elif len(goals) > MAX_GOALS:
        errors["goals"] = _("阶段目标最多%(n)d个。") % {"n": MAX_GOALS}
    elif any(not starts_on <= d <= ends_on for _g, d in goals):
        errors["goals"] = _("阶段目标的检查日期应在计划的开始和结束日期之间。")
    if errors:
        raise ValidationError(errors)
    plan = StudyPlan(
        child=child,
        teacher=teacher,
        starts_on=starts_on,
        ends_on=ends_on,
        schedule=schedule.strip(),
        content=content.strip(),
        subjects=subjects.strip(),
        created_by=actor,
    )
    plan.full_clean()
    plan.save()
    for number, (goal, review_on) in enumerate(sorted(goals, key=lambda g: g[1]), start=1):
        row = PlanGoal(plan=plan, number=number, goal=goal, review_on=review_on)
        row.full_clean()
        row.save()
    access_record(user=actor, action=AccessAction.CREATE, child=child, request=request)
    return plan


@transaction.atomic
def plan_goal_review(
    *,
    actor: User,
    goal: PlanGoal,
    met: bool,
    note: str,
    reviewed_on: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> PlanGoal:
    """Review a staged goal: met or not, with what was seen. A review may be corrected while
    the plan is open (the history keeps the plan, the goal keeps the latest)."""
    plan = goal.plan
    if not may_manage_plan(actor, plan):
        raise PermissionDenied(_("只有帮扶教师、班主任和学校领导可以检查该计划。"))
    reviewed_on = reviewed_on or timezone.localdate()
    errors = {}
    if plan.status != PlanStatus.OPEN:
        errors["plan"] = _("计划已结束，不能再检查。")
    if reviewed_on > timezone.localdate():
        errors["reviewed_on"] = _("检查日期不能晚于今天。")
    if not note.strip():
        errors["review_note"] = _("请填写检查情况。")
    if errors:
        raise ValidationError(errors)
    goal.met, goal.review_note = met, note.strip()
    goal.reviewed_on, goal.reviewed_by = reviewed_on, actor
    goal.full_clean()
    goal.save()
    access_record(user=actor, action=AccessAction.UPDATE, child=plan.child, request=request)
    return goal


@transaction.atomic
def study_plan_close(
    *,
    actor: User,
    plan: StudyPlan,
    outcome: str,
    note: str,
    request: HttpRequest | None = None,
) -> StudyPlan:
    """Close a plan with its result (达到目标, 部分达到, 未达到, or 中止 with a reason)."""
    if not may_manage_plan(actor, plan):
        raise PermissionDenied(_("只有帮扶教师、班主任和学校领导可以结束该计划。"))
    errors = {}
    if plan.status != PlanStatus.OPEN:
        errors["plan"] = _("计划已经结束。")
    if outcome not in PlanOutcome.values:
        errors["outcome"] = _("请选择帮扶结果。")
    if not note.strip():
        errors["outcome_note"] = _("请填写结果说明。")
    if errors:
        raise ValidationError(errors)
    plan.status, plan.outcome, plan.outcome_note = PlanStatus.CLOSED, outcome, note.strip()
    plan.closed_on = timezone.localdate()
    plan.full_clean()
    plan.save()
    access_record(user=actor, action=AccessAction.UPDATE, child=plan.child, request=request)
    return plan
