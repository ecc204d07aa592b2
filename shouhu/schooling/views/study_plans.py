"""The study-help plan pages (学习帮扶计划, 篇五): the list, a new plan for a child, a plan with
its staged goals (each reviewed on its date) and its closing, and the home page's to-dos."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shouhu.care.selectors import child_for_care
from shouhu.core.forms import form_errors_add
from shouhu.core.roles import Perm
from shouhu.core.views import permission_required
from shouhu.schooling import grades_forms as forms
from shouhu.schooling.models.grades import PlanStatus
from shouhu.schooling.selectors.study_plans import (
    goal_of,
    plan_get_for,
    plan_teachers_for,
    plans_list_for,
    reviews_due_for,
)
from shouhu.schooling.services.study_plans import (
    may_manage_plan,
    plan_goal_review,
    study_plan_close,
    study_plan_create,
)


@permission_required(Perm.STUDY_PLAN)
def plan_list(request):
    """The open (or, ?status=closed, the closed) plans the user teaches or oversees."""
    status = PlanStatus.CLOSED if request.GET.get("status") == "closed" else PlanStatus.OPEN
    return render(
        request,
        "schooling/study_plans_list.html",
        {"plans": plans_list_for(request.user, status=status), "status": status},
    )


@permission_required(Perm.STUDY_PLAN)
@require_http_methods(["GET", "POST"])
def plan_create(request, public_id):
    """A new plan for a child: the teacher (the user by default), time, content and goals."""
    user = request.user
    child = child_for_care(user, public_id)
    teachers = plan_teachers_for(child)
    today = timezone.localdate()
    form = forms.PlanForm(
        request.POST or None,
        initial={"teacher": user.pk, "starts_on": today},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        teacher = next((t for t in teachers if t.pk == data["teacher"]), None)
        if teacher is None:
            form.add_error("teacher", _("帮扶教师应是该学生所在学校的教师。"))
        else:
            try:
                plan = study_plan_create(
                    actor=user,
                    child=child,
                    teacher=teacher,
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    schedule=data["schedule"],
                    content=data["content"],
                    subjects=data["subjects"],
                    goals=data["goals"],
                    request=request,
                )
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                messages.success(request, _("学习帮扶计划已保存。"))
                return redirect("schooling:plan-detail", public_id=plan.public_id)
    return render(
        request,
        "schooling/study_plans_form.html",
        {"form": form, "child": child, "teachers": teachers},
    )


@permission_required(Perm.CHILD_VIEW)
def plan_detail(request, public_id):
    """A plan: its teacher, time, content, goals with their reviews, and its result."""
    plan = plan_get_for(request.user, public_id)
    return render(
        request,
        "schooling/study_plans_detail.html",
        {
            "plan": plan,
            "manage": may_manage_plan(request.user, plan) and plan.status == PlanStatus.OPEN,
            "review_form": forms.ReviewForm(),
            "blank_review": forms.ReviewForm(),
            "close_form": forms.CloseForm(),
            "today": timezone.localdate(),
        },
    )


def _redisplay(request, plan, *, review_form=None, close_form=None, goal=None):
    return render(
        request,
        "schooling/study_plans_detail.html",
        {
            "plan": plan,
            "manage": may_manage_plan(request.user, plan) and plan.status == PlanStatus.OPEN,
            "review_form": review_form or forms.ReviewForm(),
            "blank_review": forms.ReviewForm(),
            "close_form": close_form or forms.CloseForm(),
            "failed_goal": goal,
            "today": timezone.localdate(),
        },
        status=400,
    )


@permission_required(Perm.STUDY_PLAN)
@require_POST
def plan_goal_review_view(request, public_id, number):
    """Record the review of a staged goal (met or not, what was seen)."""
    plan = plan_get_for(request.user, public_id)
    if not may_manage_plan(request.user, plan):
        raise PermissionDenied(_("只有帮扶教师、班主任和学校领导可以检查该计划。"))
    goal = goal_of(plan, number)
    form = forms.ReviewForm(request.POST)
    if form.is_valid():
        try:
            plan_goal_review(
                actor=request.user,
                goal=goal,
                met=form.cleaned_data["met"],
                note=form.cleaned_data["review_note"],
                request=request,
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("检查情况已保存。"))
            return redirect("schooling:plan-detail", public_id=plan.public_id)
    return _redisplay(request, plan, review_form=form, goal=goal)


@permission_required(Perm.STUDY_PLAN)
@require_POST
def plan_close(request, public_id):
    """Close the plan with its result."""
    plan = plan_get_for(request.user, public_id)
    if not may_manage_plan(request.user, plan):
        raise PermissionDenied(_("只有帮扶教师、班主任和学校领导可以结束该计划。"))
    form = forms.CloseForm(request.POST)
    if form.is_valid():
        try:
            study_plan_close(
                actor=request.user,
                plan=plan,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["outcome_note"],
                request=request,
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("帮扶计划已结束，结果已记录。"))
            return redirect("schooling:plan-detail", public_id=plan.public_id)
    return _redisplay(request, plan, close_form=form)


@login_required
def home_plans(request):
    """The home page's to-dos of study help: the reviews of my plans falling due; nothing at
    all for someone with none."""
    if not request.user.has_perm_to(Perm.STUDY_PLAN):
        return HttpResponse("")
    due = reviews_due_for(request.user, day=timezone.localdate())
    if not due:
        return HttpResponse("")
    return render(request, "schooling/study_plans_home.html", {"due": due})
