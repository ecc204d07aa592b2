"""The care pages: record an action or a signal, a child's care, pairing a class, coverage,
compliance and quota settings. Each view is one step from its URL: parse, call a selector or a
service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shouhu.care import forms
from shouhu.care.compliance import compliance_for
from shouhu.care.models import GROUP_KINDS, ActionKind, PairingKind
from shouhu.care.rules import month_from_key, month_of
from shouhu.care.selectors import (
    carer_by_id,
    child_care_for,
    child_for_care,
    children_by_public_ids,
    class_pairings_for,
    coverage_for,
    group_children_for,
    open_tasks_for,
    pairing_child_for,
    quota_period_by_key,
    quota_settings_for,
    worklist_for,
)
from shouhu.care.services import (
    LoadLimitExceeded,
    buddy_set,
    care_action_record,
    exemption_grant,
    observation_record,
    pairing_assign,
    quota_clear,
    quota_set,
)
from shouhu.core.forms import form_errors_add
from shouhu.core.roles import Perm
from shouhu.core.views import permission_required
from shouhu.core.visibility import care_summary_may_share, may_read_counselling
from shouhu.org.forms import node_params
from shouhu.org.models import Region, School, SchoolClass
from shouhu.org.selectors import class_get_for, classes_for, term_current
from shouhu.org.units import breadcrumbs, node_code, page_node, user_scope_node
from shouhu.registry.selectors import child_count_for

# --- recording --------------------------------------------------------------------------------


def _action_kinds(user) -> list[str]:
    kinds = list(ActionKind.values)
    if not may_read_counselling(user):
        kinds.remove(ActionKind.COUNSELLING)
    return kinds


@permission_required(Perm.CARE_RECORD)
@require_http_methods(["GET", "POST"])
def action_create(request, public_id=None):
    """Record a care action.

    1. For one child (/care/children/ID/record/, from a worklist item or the child's page) the
       kind (?kind=) and the task (?task=) come filled, and the date is today: a home visit is
       one tap on 保存. An item of a past period (?period=2026-11) is a late entry (补录): the
       page asks for the day it happened, which must fall within that period.
    2. Without a child, the page lists the children of a class (?class=ID) to tick: a
       symposium or a training session gathers many at once. A volunteer, who has no class,
       sees the children paired with them.
    3. Saved, the page goes back to the child's care, where the quota now shows done.
    """
    user = request.user
    data = request.POST if request.method == "POST" else None
    kinds = _action_kinds(user)
    opened = forms.ActionContextForm(data or request.GET, kinds=kinds)
    kind = opened.value("kind") or ActionKind.HOME_VISIT
    child = child_for_care(user, public_id) if public_id is not None else None
    period_key = opened.value("period")
    period = quota_period_by_key(period_key) if period_key else None
    late = period is not None and not period.contains(timezone.localdate())
    school_class, classes, group = None, [], []
    if child is None:
        classes = list(classes_for(user))
        class_id = opened.value("class") or (classes[0].pk if len(classes) == 1 else None)
        school_class = class_get_for(user, class_id) if class_id else None
        if school_class is not None or not classes:
            group = list(group_children_for(user, school_class=school_class))
    tasks = list(open_tasks_for(user, child=child)) if child is not None else []
    initial = {"kind": kind}
    if request.method == "GET" and opened.value("task"):
        initial["tasks"] = [str(opened.value("task"))]
    elif tasks and kind == ActionKind.HOME_VISIT and not late:
        initial["tasks"] = [str(t.public_id) for t in tasks]
    form = forms.CareActionForm(
        data,
        initial=initial,
        kinds=kinds,
        children=group if child is None else None,
        tasks=tasks,
        may_share=care_summary_may_share(user),
        period=period,
    )
    if data is not None and form.is_valid():
        chosen = [child] if child is not None else []
        if child is None:
            chosen = children_by_public_ids(user, form.cleaned_data["children"])
        by_id = {str(t.public_id): t for t in tasks}
        try:
            action = care_action_record(
                actor=user,
                kind=form.cleaned_data["kind"],
                done_on=form.cleaned_data["done_on"],
                children=chosen,
                summary=form.cleaned_data["summary"],
                shareable=form.cleaned_data.get("shareable", False),
                follow_up_on=form.cleaned_data["follow_up_on"],
                share_with_parents=form.cleaned_data["share_with_parents"],
                parent_note=form.cleaned_data["parent_note"],
                tasks=[by_id[t] for t in form.cleaned_data.get("tasks", []) if t in by_id],
                period=period,
                request=request,
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(
                request,
                _("已记录：%(kind)s（%(children)s）")
                % {
                    "kind": action.get_kind_display(),
                    "children": _("、").join(c.name for c in chosen[:5])
                    + (_("等%(n)d名") % {"n": len(chosen)} if len(chosen) > 5 else ""),
                },
            )
            if child is not None:
                return redirect("care:child-care", public_id=child.public_id)
            return redirect("home")
    return render(
        request,
        "care/action_form.html",
        {
            "form": form,
            "child": child,
            "classes": classes,
            "school_class": school_class,
            "kind": kind,
            "period": period,
            "late": late,
            "group_kinds": [k.value for k in GROUP_KINDS],
        },
    )


@permission_required(Perm.OBSERVATION_RECORD)
@require_http_methods(["GET", "POST"])
def observation_create(request, public_id):
    """Record one of the five signals (五必访); the proxy parent gets a home-visit task."""
    child = child_for_care(request.user, public_id)
    form = forms.ObservationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            task = observation_record(
                actor=request.user,
                child=child,
                kind=form.cleaned_data["kind"],
                noted_on=form.cleaned_data["noted_on"],
                note=form.cleaned_data["note"],
                request=request,
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(
                request,
                _("已记录，并为 %(name)s 生成家访任务，%(due)s 前完成。")
                % {"name": task.assignee, "due": task.due_on.strftime("%Y-%m-%d")},
            )
            return redirect("care:child-care", public_id=child.public_id)
    return render(request, "care/observation_form.html", {"form": form, "child": child})


@permission_required(Perm.EXEMPTION_GRANT)
@require_http_methods(["GET", "POST"])
def exemption_create(request, public_id):
    child = child_for_care(request.user, public_id)
    form = forms.ExemptionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            exemption_grant(actor=request.user, child=child, request=request, **form.cleaned_data)
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("已批准免除。"))
            return redirect("care:child-care", public_id=child.public_id)
    return render(request, "care/exemption_form.html", {"form": form, "child": child})


# --- one child --------------------------------------------------------------------------------


@permission_required(Perm.CHILD_VIEW)
def child_care(request, public_id):
    """关爱: the child's proxy parent, quota statuses, open tasks and all care actions."""
    child = child_for_care(request.user, public_id)
    return render(
        request,
        "care/child_care.html",
        {"care": child_care_for(request.user, child=child, request=request)},
    )


# How many care actions the child file's 关爱 section lists; the care page lists them all.
FILE_CARE_ACTIONS = 5


@permission_required(Perm.CHILD_VIEW)
def child_care_section(request, public_id):
    """The 关爱 section of the child's file (registry's page fetches it once it is shown): the
    proxy parent, this and last period's quota statuses, the latest actions, one tap to record.
    Reading it is logged like the care page."""
    child = child_for_care(request.user, public_id)
    care = child_care_for(
        request.user, child=child, actions_limit=FILE_CARE_ACTIONS, request=request
    )
    return render(request, "care/_care_section.html", {"care": care})


# --- the home page (我的待办) -----------------------------------------------------------------


@login_required
def home(request):
    """我的待办: who I am, what I owe now (the care worklist of my role), and where to go next."""
    user = request.user
    return render(
        request,
        "accounts/home.html",
        {
            "scope": user_scope_node(user),
            "term": term_current(),
            "children_count": (
                child_count_for(user) if user.has_perm_to(Perm.CHILD_VIEW) else None
            ),
            "worklist": worklist_for(user),
        },
    )


# --- pairing a class --------------------------------------------------------------------------


@permission_required(Perm.PAIRING_MANAGE)
def pairing_classes(request):
    """The classes whose children the user pairs; a head teacher goes straight to theirs."""
    classes = list(classes_for(request.user))
    if len(classes) == 1:
        return redirect("care:class-pairings", class_id=classes[0].pk)
    return render(request, "care/pairing_classes.html", {"classes": classes})


@permission_required(Perm.PAIRING_MANAGE)
@require_http_methods(["GET", "POST"])
def class_pairings(request, class_id):
    """Pair a whole class on one page (htmx saves one child at a time and redraws the list).

    A proxy parent who would pass the load setting is not saved at once: the row shows the
    warning and asks to confirm.
    """
    user = request.user
    school_class = class_get_for(user, class_id)
    warning, errors, saved = None, {}, None
    if request.method == "POST":
        posted = forms.PairingRowForm(request.POST)
        if not posted.is_valid() and "child" in posted.errors:
            raise Http404
        child = pairing_child_for(
            user, school_class=school_class, public_id=posted.cleaned_data["child"]
        )
        warning, errors = _save_pairings(request, child, posted)
        if warning is None and not errors:
            if not request.htmx:
                messages.success(request, _("已保存：%(name)s") % {"name": child.name})
                return redirect("care:class-pairings", class_id=school_class.pk)
            saved = child
    page = class_pairings_for(user, school_class=school_class)
    if warning or errors:
        for row in page.rows:
            if row.child.pk == child.pk:
                # The row shows what was posted (as parsed), so the user sees their choice.
                for key, attr in (
                    ("proxy", "selected_proxy"),
                    ("mentor", "selected_mentor"),
                    ("buddy", "buddy_name"),
                ):
                    if key in posted.data:
                        value = posted.cleaned_data.get(key)
                        setattr(row, attr, "" if value is None else str(value))
    return render(
        request,
        "care/class_pairings.html",
        {"page": page, "warning": warning, "errors": errors, "saved": saved},
    )


def _save_pairings(request, child, posted):
    """Save the posted proxy parent, mentor and buddy of one child (a field not posted is left
    as it is). Returns (warning, errors)."""
    user, data = request.user, posted.cleaned_data
    errors: dict = {}
    for kind, key in ((PairingKind.PROXY_PARENT, "proxy"), (PairingKind.MENTOR, "mentor")):
        if key not in posted.data:
            continue
        carer_id = data.get(key)
        carer = carer_by_id(carer_id, child=child, kind=kind) if carer_id else None
        if key in posted.errors or (carer_id and carer is None):
            errors[key] = _("所选人员不能担任该儿童的帮扶人。")
            continue
        try:
            pairing_assign(
                actor=user,
                child=child,
                carer=carer,
                kind=kind,
                allow_over_limit=bool(data.get("confirm")),
                request=request,
            )
        except LoadLimitExceeded as warning:
            return {"child": child, "message": warning.messages[0], "carer": carer}, errors
        except ValidationError as error:
            errors[key] = " ".join(error.messages)
    if "buddy" in posted.errors:
        errors["buddy"] = " ".join(posted.errors["buddy"])
    elif "buddy" in posted.data:
        try:
            buddy_set(actor=user, child=child, name=data["buddy"], request=request)
        except ValidationError as error:
            errors["buddy"] = " ".join(error.messages)
    if errors:
        errors["child"] = child
    return None, errors


# --- oversight --------------------------------------------------------------------------------


def _month(request):
    try:
        return month_from_key(node_params(request)["month"])
    except ValueError:
        return month_of(timezone.localdate())


@permission_required(Perm.CARE_OVERSEE)
def compliance(request):
    """% done per quota for a month, by unit one level down, with drill-down to the child."""
    node = page_node(request)
    month = _month(request)
    result = compliance_for(request.user, node=node, month=month)
    return render(
        request,
        "care/compliance.html",
        {
            "result": result,
            "month": month,
            "code": node_code(node),
            "breadcrumbs": breadcrumbs(request.user, node),
            "is_class": isinstance(node, SchoolClass),
        },
    )


@permission_required(Perm.CARE_OVERSEE)
def coverage(request):
    """Pairing coverage: children without a proxy parent, idle teachers, the load spread."""
    node = page_node(request)
    result = coverage_for(request.user, node=node)
    return render(
        request,
        "care/coverage.html",
        {
            "result": result,
            "code": node_code(node),
            "breadcrumbs": breadcrumbs(request.user, node),
            "units_are_classes": isinstance(node, School),
        },
    )


@permission_required(Perm.QUOTA_MANAGE)
@require_http_methods(["GET", "POST"])
def quotas(request):
    """The quotas in force at a region or school; set or clear the node's own (tighten only)."""
    node = page_node(request, classes=False)
    if not isinstance(node, (Region, School)):
        raise Http404
    form = forms.QuotaForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        quota_settings_for(request.user, node=node)  # 404 outside the scope, before any write
        try:
            clearing = forms.QuotaClearForm(request.POST)
            if clearing.is_valid():
                quota_clear(actor=request.user, node=node, kind=clearing.cleaned_data["clear"])
                messages.success(request, _("已恢复上级要求。"))
                return redirect(_quota_url(node))
            if form.is_valid():
                quota_set(actor=request.user, node=node, **form.cleaned_data)
                messages.success(request, _("已保存关爱要求。"))
                return redirect(_quota_url(node))
        except ValidationError as error:
            form_errors_add(form, error)
    return render(
        request,
        "care/quotas.html",
        {"settings": quota_settings_for(request.user, node=node), "form": form},
    )


def _quota_url(node) -> str:
    return f"{reverse('care:quotas')}?scope={node_code(node)}"
