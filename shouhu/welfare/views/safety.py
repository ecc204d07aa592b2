"""The safety pages: incidents (record, read with the contact chain, notify, follow up), the
links missing from a class's contact chains, and lectures with the ones still owed. Each view
is one step from its URL: parse, call a selector or a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shouhu.core.forms import form_errors_add, paginate
from shouhu.core.roles import Perm
from shouhu.core.views import permission_required
from shouhu.org.models import School, SchoolClass
from shouhu.org.selectors import class_get_for, classes_for, term_current
from shouhu.org.units import node_code, page_node
from shouhu.welfare import forms_health as forms
from shouhu.welfare.selectors.health import child_for_health, may_read_health
from shouhu.welfare.selectors.safety import (
    class_missing_links_for,
    contact_chain_for,
    incident_view_for,
    incidents_for,
    lecture_quota_for,
    lectures_for,
    lectures_missing_for,
)
from shouhu.welfare.services.safety import (
    incident_follow_up_add,
    incident_notice_add,
    incident_record,
    lecture_quota_set,
    lecture_record,
)

CLASS_LINKS = 60  # a school's classes; a township's officer goes through the classes' schools


@permission_required(Perm.INCIDENT_RECORD)
def incident_list(request):
    """健康与安全: the incidents the user sees, and the way to each class's health sheet and
    contact chains and to the lectures."""
    user = request.user
    page = paginate(request, incidents_for(user), per_page=50)
    return render(
        request,
        "welfare/incident_list.html",
        {
            "page": page,
            "classes": list(classes_for(user)[:CLASS_LINKS]),
            "may_health": may_read_health(user) and user.has_perm_to(Perm.HEALTH_RECORD),
            "may_chain": user.has_perm_to(Perm.CONTACT_CARD),
            "may_lectures": user.has_perm_to(Perm.LECTURE_RECORD)
            or user.has_perm_to(Perm.CARE_OVERSEE),
        },
    )


@permission_required(Perm.INCIDENT_RECORD)
@require_http_methods(["GET", "POST"])
def incident_create(request, public_id):
    """Record an incident for a child; the contact chain is on the page, to call from it."""
    user = request.user
    child = child_for_health(user, public_id)
    form = forms.IncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            incident = incident_record(
                actor=user, child=child, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            if incident.serious:
                messages.warning(request, _("重大事件已记录，学校领导和乡镇的首页已立即显示。"))
            else:
                messages.success(request, _("已记录。"))
            return redirect("welfare:incident-detail", public_id=incident.public_id)
    return render(
        request,
        "welfare/incident_form.html",
        {"form": form, "child": child, "chain": contact_chain_for(user, child)},
    )


@permission_required(Perm.INCIDENT_RECORD)
def incident_detail(request, public_id):
    """An incident, what happened as `incident_notes` allows (a full read is logged), the
    people notified, the follow-ups and the child's contact chain."""
    view = incident_view_for(request.user, public_id, request=request)
    return render(
        request,
        "welfare/incident_detail.html",
        {
            "view": view,
            "incident": view.incident,
            "chain": contact_chain_for(request.user, view.incident.child),
            "notice_form": forms.NoticeForm(),
            "follow_up_form": forms.IncidentFollowUpForm(),
        },
    )


@permission_required(Perm.INCIDENT_RECORD)
@require_POST
def incident_notice(request, public_id):
    view = incident_view_for(request.user, public_id)
    form = forms.NoticeForm(request.POST)
    if form.is_valid():
        try:
            incident_notice_add(
                actor=request.user, incident=view.incident, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors_add(form, error)
    if form.errors:
        return _detail_with_errors(request, view, notice_form=form)
    messages.success(request, _("已记录通知。"))
    return redirect("welfare:incident-detail", public_id=view.incident.public_id)


@permission_required(Perm.INCIDENT_RECORD)
@require_POST
def incident_follow_up(request, public_id):
    view = incident_view_for(request.user, public_id)
    form = forms.IncidentFollowUpForm(request.POST)
    if form.is_valid():
        try:
            incident_follow_up_add(
                actor=request.user, incident=view.incident, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors_add(form, error)
    if form.errors:
        return _detail_with_errors(request, view, follow_up_form=form)
    messages.success(request, _("已记录跟进。"))
    return redirect("welfare:incident-detail", public_id=view.incident.public_id)


def _detail_with_errors(request, view, **forms_):
    context = {
        "view": view,
        "incident": view.incident,
        "chain": contact_chain_for(request.user, view.incident.child),
        "notice_form": forms.NoticeForm(),
        "follow_up_form": forms.IncidentFollowUpForm(),
        **forms_,
    }
    return render(request, "welfare/incident_detail.html", context, status=400)


@permission_required(Perm.CONTACT_CARD)
def class_chain(request, class_id):
    """The children of a class whose contact chain has a missing link, and which."""
    school_class = class_get_for(request.user, class_id)
    rows = class_missing_links_for(request.user, school_class=school_class)
    return render(request, "welfare/class_chain.html", {"school_class": school_class, "rows": rows})


# --- lectures ---------------------------------------------------------------------------------


def _lecture_school(node) -> School | None:
    if isinstance(node, School):
        return node
    if isinstance(node, SchoolClass):
        return node.school
    return None


def _check_may_see_lectures(user) -> None:
    """Who records lectures, and who oversees the care work (the township sees the schools that
    owe one)."""
    if not (user.has_perm_to(Perm.LECTURE_RECORD) or user.has_perm_to(Perm.CARE_OVERSEE)):
        raise PermissionDenied


@login_required
def lecture_list(request):
    """The lectures of the page's unit, the quota that holds there, and the periods of the term
    so far still owing one."""
    _check_may_see_lectures(request.user)
    node = page_node(request)
    term = term_current()
    school = _lecture_school(node)
    if school is not None:
        node = school
    lectures = lectures_for(request.user, school=school)
    missing = (
        lectures_missing_for(request.user, node=node, term=term, day=timezone.localdate())
        if term is not None
        else []
    )
    may_set = request.user.has_perm_to(Perm.QUOTA_MANAGE)
    return render(
        request,
        "welfare/lecture_list.html",
        {
            "node": node,
            "scope": node_code(node),
            "term": term,
            "page": paginate(request, lectures, per_page=50),
            "missing": missing,
            "rule": lecture_quota_for(node),
            "quota_form": forms.LectureQuotaForm() if may_set else None,
            "may_record": request.user.has_perm_to(Perm.LECTURE_RECORD),
        },
    )


@permission_required(Perm.QUOTA_MANAGE)
@require_POST
def lecture_quota(request):
    """Set the lecture quota of the page's unit (a region or a school)."""
    node = page_node(request, perm=Perm.QUOTA_MANAGE, classes=False)
    form = forms.LectureQuotaForm(request.POST)
    if form.is_valid():
        try:
            lecture_quota_set(actor=request.user, node=node, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已设置讲座要求。"))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect(f"{reverse('welfare:lecture-list')}?scope={node_code(node)}")


@permission_required(Perm.LECTURE_RECORD)
@require_http_methods(["GET", "POST"])
def lecture_create(request):
    user = request.user
    classes = list(classes_for(user))
    form = forms.LectureForm(request.POST or None, classes=classes)
    if request.method == "POST" and form.is_valid():
        by_id = {str(c.pk): c for c in classes}
        chosen = [by_id[i] for i in form.cleaned_data["classes"]]
        schools = {c.school for c in chosen} or {c.school for c in classes}
        if len(schools) != 1:
            form.add_error("classes", _("请选择同一所学校的班级。"))
        else:
            data = dict(form.cleaned_data)
            data.pop("classes")
            try:
                lecture_record(actor=user, school=schools.pop(), classes=chosen, **data)
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                messages.success(request, _("已记录讲座。"))
                return redirect("welfare:lecture-list")
    return render(request, "welfare/lecture_form.html", {"form": form})
