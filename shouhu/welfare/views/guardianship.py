"""The guardianship pages: the agreements to sign or renew, a child's 监护 page and its file
fragment, an agreement's DOCX, PDF and scan, a class's agreements as one PDF, guardian
training, commendations and the 无户籍 cases, and the home page's to-dos. Each view is one step
from its URL: check, call a selector or a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record, access_record_many
from shouhu.core.forms import form_errors_add
from shouhu.core.roles import Perm
from shouhu.core.scoping import may
from shouhu.core.views import permission_required
from shouhu.files.services import attachment_response
from shouhu.org.models import School, SchoolClass
from shouhu.org.selectors import class_get_for, term_current
from shouhu.org.units import breadcrumbs, node_code, page_node, user_scope_node
from shouhu.welfare import forms_guardianship as forms
from shouhu.welfare.guardianship_document import agreement_docx, agreements_pdf
from shouhu.welfare.selectors.guardianship import (
    agreement_for,
    agreement_lists_for,
    child_guardianship_for,
    class_agreements_for,
    commendations_for,
    guardianship_child_for,
    guardianship_todos_for,
    hukou_cases_for,
    hukou_referral_for,
    scan_visible,
    training_candidates_for,
    training_session_for,
    training_sessions_for,
    training_units_for,
)
from shouhu.welfare.services.guardianship import (
    agreement_draft,
    agreement_sign,
    commendation_add,
    hukou_referral_registered,
    hukou_referral_report,
    training_attendance_set,
    training_session_record,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _file(data: bytes, *, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "private, no-store"
    return response


def _term_or_404():
    term = term_current()
    if term is None:
        raise Http404(_("当前不在学期内。"))
    return term


# --- the lists --------------------------------------------------------------------------------


@permission_required(Perm.GUARDIAN_MANAGE)
def agreements(request):
    """委托监护责任确认书: the children under the node whose agreement is unsigned, ends within
    30 days or has ended, and the 无人监护 children still missing a guardian or a signature."""
    node = page_node(request, perm=Perm.GUARDIAN_MANAGE)
    lists = agreement_lists_for(request.user, node=node)
    return render(
        request,
        "welfare/guardianship_agreements.html",
        {
            "lists": lists,
            "node": node,
            "code": node_code(node),
            "breadcrumbs": breadcrumbs(request.user, node),
            "school_class": node if isinstance(node, SchoolClass) else None,
        },
    )


# --- one child --------------------------------------------------------------------------------


@permission_required(Perm.CHILD_VIEW)
def child_guardianship(request, public_id):
    """A child's 监护 page: the guardian, the agreements with their state, training attended,
    commendations and the 无户籍 case; the actions the user's role allows."""
    child = guardianship_child_for(request.user, public_id)
    data = child_guardianship_for(request.user, child=child)
    access_record(user=request.user, action=AccessAction.VIEW, child=child, request=request)
    return render(
        request,
        "welfare/guardianship_child.html",
        {"g": data, "sign_form": forms.AgreementSignForm(), "report_form": forms.HukouReportForm()},
    )


@permission_required(Perm.CHILD_VIEW)
def child_guardianship_section(request, public_id):
    """The 监护 section of the child's file (an htmx fragment): the agreement's state and the
    flags' cases, to whoever sees the file; nothing for a role that does not."""
    child = guardianship_child_for(request.user, public_id)
    data = child_guardianship_for(request.user, child=child)
    return render(request, "welfare/guardianship_section.html", {"g": data})


@permission_required(Perm.GUARDIAN_MANAGE)
@require_POST
def agreement_create(request, public_id):
    """Draw up (or renew) the child's agreement from the file."""
    child = guardianship_child_for(request.user, public_id, Perm.GUARDIAN_MANAGE)
    try:
        agreement_draft(actor=request.user, child=child, request=request)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已生成委托监护责任确认书，请打印后由双方签字。"))
    return redirect("welfare:guardianship-child", public_id=child.public_id)


@permission_required(Perm.GUARDIAN_MANAGE)
@require_http_methods(["GET", "POST"])
def agreement_sign_view(request, public_id):
    """Record the signature: the date and the scan of the signed paper."""
    agreement = agreement_for(request.user, public_id, Perm.GUARDIAN_MANAGE)
    form = forms.AgreementSignForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            agreement_sign(
                actor=request.user,
                agreement=agreement,
                signed_on=form.cleaned_data["signed_on"],
                upload=form.cleaned_data["scan"],
                request=request,
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("已记录签署。"))
            return redirect("welfare:guardianship-child", public_id=agreement.child.public_id)
    return render(request, "welfare/guardianship_sign.html", {"agreement": agreement, "form": form})


def _printable(request, public_id):
    agreement = agreement_for(request.user, public_id, Perm.GUARDIAN_MANAGE)
    access_record(
        user=request.user,
        action=AccessAction.PRINT,
        child=agreement.child,
        query=_("委托监护责任确认书"),
        request=request,
    )
    return agreement


@permission_required(Perm.GUARDIAN_MANAGE)
def agreement_docx_view(request, public_id):
    agreement = _printable(request, public_id)
    name = _("委托监护责任确认书-%(name)s.docx") % {"name": agreement.child.name}
    return _file(agreement_docx(agreement), content_type=DOCX, name=name)


@permission_required(Perm.GUARDIAN_MANAGE)
def agreement_pdf_view(request, public_id):
    agreement = _printable(request, public_id)
    name = _("委托监护责任确认书-%(name)s.pdf") % {"name": agreement.child.name}
    return _file(agreements_pdf([agreement]), content_type="application/pdf", name=name)


@login_required
def agreement_scan(request, public_id):
    """The signed scan, after the scope check and the privacy matrix (`agreement_scan`)."""
    agreement = agreement_for(request.user, public_id)
    if agreement.scan is None or not scan_visible(request.user):
        raise Http404
    access_record(
        user=request.user,
        action=AccessAction.VIEW,
        child=agreement.child,
        query=_("委托监护责任确认书扫描件"),
        request=request,
    )
    return attachment_response(agreement.scan)


@permission_required(Perm.GUARDIAN_MANAGE)
def class_agreements_pdf(request, class_id):
    """The class's agreements as one PDF, a page each (what the head teacher hands out at the
    parents' meeting)."""
    school_class = class_get_for(request.user, class_id)
    batch = class_agreements_for(request.user, school_class=school_class)
    access_record_many(
        user=request.user,
        action=AccessAction.PRINT,
        child_ids=[a.child.pk for a in batch],
        query=_("委托监护责任确认书"),
        request=request,
    )
    name = _("委托监护责任确认书-%(cls)s.pdf") % {"cls": school_class.name}
    return _file(agreements_pdf(batch), content_type="application/pdf", name=name)


# --- training ---------------------------------------------------------------------------------


@permission_required(Perm.GUARDIAN_MANAGE)
@require_http_methods(["GET", "POST"])
def training(request):
    """家长培训: the node's guardians trained this term by unit, the sessions, and (for a school
    or a class) a new session."""
    node = page_node(request, perm=Perm.GUARDIAN_MANAGE)
    term = _term_or_404()
    may_record = isinstance(node, (School, SchoolClass))
    form = forms.TrainingSessionForm(request.POST or None)
    if request.method == "POST":
        if not may_record:
            raise Http404
        if form.is_valid():
            school = node if isinstance(node, School) else node.school
            try:
                session = training_session_record(
                    actor=request.user,
                    school=school,
                    school_class=node if isinstance(node, SchoolClass) else None,
                    request=request,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                messages.success(request, _("已记录培训，请勾选参训的监护人。"))
                return redirect("welfare:training-session", public_id=session.public_id)
    return render(
        request,
        "welfare/guardianship_training.html",
        {
            "node": node,
            "term": term,
            "code": node_code(node),
            "breadcrumbs": breadcrumbs(request.user, node),
            "units": training_units_for(request.user, node=node, term=term),
            "sessions": training_sessions_for(request.user, node=node, term=term),
            "form": form if may_record else None,
        },
    )


@permission_required(Perm.GUARDIAN_MANAGE)
@require_http_methods(["GET", "POST"])
def training_session(request, public_id):
    """A session and its attendance: tick the guardians who came."""
    session = training_session_for(request.user, public_id)
    candidates = training_candidates_for(request.user, session=session)
    if request.method == "POST":
        chosen = set(request.POST.getlist("children"))
        children = [c for c, _came in candidates if str(c.public_id) in chosen]
        try:
            count = training_attendance_set(
                actor=request.user, session=session, children=children, request=request
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已保存出勤：%(n)d名监护人。") % {"n": count})
            return redirect("welfare:training-session", public_id=session.public_id)
    return render(
        request,
        "welfare/guardianship_session.html",
        {"session": session, "candidates": candidates},
    )


# --- commendations ----------------------------------------------------------------------------


@permission_required(Perm.GUARDIAN_MANAGE)
def commendations(request):
    """优秀家长 of the term under the node."""
    node = page_node(request, perm=Perm.GUARDIAN_MANAGE)
    term = _term_or_404()
    return render(
        request,
        "welfare/guardianship_commendations.html",
        {
            "node": node,
            "term": term,
            "code": node_code(node),
            "breadcrumbs": breadcrumbs(request.user, node),
            "rows": commendations_for(request.user, node=node, term=term),
        },
    )


@permission_required(Perm.GUARDIAN_MANAGE)
@require_http_methods(["GET", "POST"])
def commendation_create(request, public_id):
    """Commend a parent or guardian of the child for this term."""
    child = guardianship_child_for(request.user, public_id, Perm.GUARDIAN_MANAGE)
    term = _term_or_404()
    guardian = getattr(child, "guardian", None)
    initial = {"person_name": guardian.name, "relation": guardian.relation} if guardian else {}
    form = forms.CommendationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            commendation_add(
                actor=request.user, child=child, term=term, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("已记录优秀家长。"))
            return redirect("welfare:guardianship-child", public_id=child.public_id)
    return render(
        request,
        "welfare/guardianship_commendation_form.html",
        {"child": child, "term": term, "form": form},
    )


# --- 无户籍 ------------------------------------------------------------------------------------


@permission_required(Perm.HUKOU_REFERRAL)
def hukou(request):
    """无户籍: every open case under the node, to report and reported."""
    node = page_node(request, perm=Perm.HUKOU_REFERRAL)
    return render(
        request,
        "welfare/guardianship_hukou.html",
        {
            "node": node,
            "code": node_code(node),
            "breadcrumbs": breadcrumbs(request.user, node),
            "cases": hukou_cases_for(request.user, node=node),
            "today": timezone.localdate(),
        },
    )


@permission_required(Perm.HUKOU_REFERRAL)
@require_http_methods(["GET", "POST"])
def hukou_report(request, public_id):
    child = guardianship_child_for(request.user, public_id, Perm.HUKOU_REFERRAL)
    form = forms.HukouReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            hukou_referral_report(
                actor=request.user, child=child, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("已记录报告派出所。"))
            return redirect("welfare:guardianship-child", public_id=child.public_id)
    return render(
        request,
        "welfare/guardianship_hukou_form.html",
        {"child": child, "form": form, "title": _("报告派出所")},
    )


@permission_required(Perm.HUKOU_REFERRAL)
@require_http_methods(["GET", "POST"])
def hukou_registered(request, public_id):
    referral = hukou_referral_for(request.user, public_id)
    form = forms.HukouRegisteredForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            hukou_referral_registered(
                actor=request.user,
                referral=referral,
                registered_on=form.cleaned_data["registered_on"],
                request=request,
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("已落户，“无户籍”标记已解除。"))
            return redirect("welfare:guardianship-child", public_id=referral.child.public_id)
    return render(
        request,
        "welfare/guardianship_hukou_form.html",
        {"child": referral.child, "form": form, "title": _("记录落户")},
    )


# --- the home page (我的待办) -----------------------------------------------------------------


@login_required
def home_guardianship(request):
    """The home page's guardianship to-dos (agreements to sign or renew, 无人监护 children
    missing one, 无户籍 cases open); nothing for a user with nothing to do."""
    user = request.user
    todos = None
    if may(user, Perm.GUARDIAN_MANAGE) or may(user, Perm.HUKOU_REFERRAL):
        todos = guardianship_todos_for(user, node=user_scope_node(user))
    return render(request, "welfare/guardianship_home.html", {"todos": todos})
