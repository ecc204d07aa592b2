"""Reading study-help plans for a user (docs/privacy.md, row `study_plans`): the school's staff
who help children read the plans of the children in their scope; the plan's own teacher always
reads their plan. A plan the user may not read is a 404."""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from shouhu.accounts.models import User
from shouhu.core.forms import parse_id
from shouhu.core.visibility import ChildField, Visibility, visibility
from shouhu.registry.models import Child
from shouhu.schooling.models.grades import PLAN_HELPERS, PlanGoal, PlanStatus, StudyPlan

# A review shows on the teacher's to-dos this many days before its date.
REVIEW_NOTICE_DAYS = 3


def _readable_q(user) -> Q:
    mine = Q(teacher_id=user.pk)
    if visibility(user, ChildField.STUDY_PLANS) != Visibility.FULL:
        return mine
    in_scope = Q(pk__in=StudyPlan.objects.restrict(user).values("pk"))
    return mine | in_scope


def plans_visible_to(user):
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return StudyPlan.objects.none()
    return StudyPlan.objects.filter(_readable_q(user))


def plans_of_child_for(user, child: Child) -> list[StudyPlan]:
    """The child's plans the user reads, newest first, with their goals and teachers."""
    return list(
        plans_visible_to(user)
        .filter(child=child)
        .select_related("teacher")
        .prefetch_related("goals")
        .order_by("-starts_on", "-pk")
    )


def plan_get_for(user, public_id) -> StudyPlan:
    plan = (
        plans_visible_to(user)
        .filter(public_id=public_id)
        .select_related("teacher", "child__school_class__school")
        .prefetch_related("goals")
        .first()
    )
    if plan is None:
        raise Http404
    return plan


def goal_of(plan: StudyPlan, number) -> PlanGoal:
    n = parse_id(number)
    goal = next((g for g in plan.goals.all() if g.number == n), None)
    if goal is None:
        raise Http404
    goal.plan = plan
    return goal


def plans_list_for(user, *, status: str = PlanStatus.OPEN) -> list[StudyPlan]:
    """The plans the user teaches or oversees (at most 300, by the next review)."""
    return list(
        plans_visible_to(user)
        .filter(status=status)
        .select_related("teacher", "child__school_class")
        .prefetch_related("goals")
        .order_by("child__school_class__grade", "child__name_pinyin", "-starts_on")[:300]
    )


def plan_teachers_for(child: Child) -> list[User]:
    """Who may be the plan's teacher: the active staff of the child's school who help children."""
    school_id = child.school_class.school_id
    return list(
        User.objects.filter(is_active=True, role__in=PLAN_HELPERS)
        .filter(Q(scope_school_id=school_id) | Q(scope_class__school_id=school_id))
        .order_by("role", "display_name")
    )


@dataclass(frozen=True)
class ReviewDue:
    plan_public_id: str
    child_name: str
    goal: str
    number: int
    review_on: datetime.date
    overdue: bool


def reviews_due_for(user, *, day: datetime.date) -> list[ReviewDue]:
    """The reviews of the user's open plans falling due (within REVIEW_NOTICE_DAYS) or overdue:
    the teacher's to-dos."""
    goals = (
        PlanGoal.objects.filter(
            plan__teacher_id=user.pk,
            plan__status=PlanStatus.OPEN,
            reviewed_on__isnull=True,
            review_on__lte=day + datetime.timedelta(days=REVIEW_NOTICE_DAYS),
        )
        .select_related("plan__child")
        .order_by("review_on", "pk")[:50]
    )
    return [
        ReviewDue(
            plan_public_id=str(g.plan.public_id),
            child_name=g.plan.child.name,
            goal=g.goal,
            number=g.number,
            review_on=g.review_on,
            overdue=g.review_on < day,
        )
        for g in goals
    ]
