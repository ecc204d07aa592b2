"""The aid pages (资助·救助): the list of a unit's aid for a term, a proposal, a record with its
review or decision, the evidence scan, the public notice (公示) as a page and a PDF, the
eligibility hints, the child's file section and the home page's to-dos. Each view is one step
from its URL: the permission, the scope, one selector or service, render."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from weasyprint import HTML

from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record
from shouhu.care.selectors import child_for_care
from shouhu.core.forms import form_errors_add
from shouhu.core.roles import Perm
from shouhu.core.scoping import may
from shouhu.core.views import check_required, permission_required
from shouhu.files.services import attachment_response
from shouhu.org.forms import node_params
from shouhu.org.models import School, SchoolClass
from shouhu.org.selectors import term_by_code, term_current
from shouhu.org.units import node_code, page_node
from shouhu.welfare.aid_document import aid_notice_docx as aid_notice_docx_bytes
from shouhu.welfare.models.aid import AidStatus
from shouhu.welfare.selectors.aid import (
    aid_hints_for,
    aid_history_for,
    aid_list_for,
    aid_notice_for,
    aid_notices_under,
    aid_record_for,
    aid_todo_for,
    child_aid_for,
    may_read_aid,
)
from shouhu.welfare.services.aid import aid_decide, aid_notice_set, aid_propose, aid_review
from shouhu.welfare.views.aid_forms import AidDecisionForm, AidNoticeForm, AidProposeForm

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# Log in first; then a role that neither proposes, approves nor decides aid gets a 403.
aid_reader_required = check_required(may_read_aid)


def _term(request):
    code = node_params(request)["term"]
    term = term_by_code(code) if code else term_current()
    if term is None:
        raise Http404
    return term


# --- the unit's aid ----------------------------------------------------------------------------


@aid_reader_required
def aid_list(request):
    """资助·救助: a unit's aid for a term, what waits for the school, for civil affairs, and
    what is decided."""
    node, term = page_node(request), _term(request)
    listing = aid_list_for(request.user, node=node, term=term)
    return render(
        request,
        "welfare/aid_list.html",
        {"node": node, "scope": node_code(node), "term": term, "listing": listing},
    )


@permission_required(Perm.AID_PROPOSE)
@require_http_methods(["GET", "POST"])
def aid_propose_view(request, public_id):
    """Propose aid for a child (the head teacher), with the reason; ?corrects=ID corrects a
    decided record of the child."""
    child = child_for_care(request.user, public_id)
    corrects = None
    if request.GET.get("corrects"):
        corrects = aid_record_for(request.user, request.GET["corrects"])
        if corrects.child_id != child.pk:
            raise Http404
    form = AidProposeForm(request.POST or None, request.FILES or None)
    if corrects is not None and request.method == "GET":
        form.initial.update(kind=corrects.kind, amount=corrects.amount, source=corrects.source)
    if request.method == "POST" and form.is_valid():
        try:
            record = aid_propose(
                actor=request.user,
                child=child,
                kind=form.cleaned_data["kind"],
                amount=form.cleaned_data["amount"],
                source=form.cleaned_data["source"],
                reason=form.cleaned_data["reason"],
                proposed_on=form.cleaned_data["proposed_on"],
                evidence=form.cleaned_data["evidence"],
                corrects=corrects,
                request=request,
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("已提交资助申请，等待学校审批。"))
            return redirect("welfare:aid-detail", public_id=record.public_id)
    return render(
        request,
        "welfare/aid_propose.html",
        {"child": child, "form": form, "corrects": corrects},
    )


def _decision_form(user, record, data=None, files=None):
    """The form the user may fill on the record now, or None."""
    if record.status == AidStatus.PROPOSED and may(user, Perm.AID_APPROVE):
        if record.proposed_by_id == user.pk:
            return None
        return AidDecisionForm(data, files, civil_referral=record.civil)
    if record.status == AidStatus.REFERRED and may(user, Perm.AID_DECIDE):
        return AidDecisionForm(data, files)
    return None


@aid_reader_required
@require_http_methods(["GET", "POST"])
def aid_detail(request, public_id):
    """One record: the child, the kind and amount, every step with who and when, its
    corrections; the school leader's review or the civil-affairs officer's decision."""
    user = request.user
    record = aid_record_for(user, public_id)
    form = _decision_form(user, record, request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("您不能审批该记录。"))
        if form.is_valid():
            service = aid_review if record.status == AidStatus.PROPOSED else aid_decide
            try:
                service(
                    actor=user,
                    record=record,
                    approve=form.cleaned_data["decision"] == "approve",
                    note=form.cleaned_data["note"],
                    on=form.cleaned_data["on"],
                    paid_on=form.cleaned_data.get("paid_on"),
                    evidence=form.cleaned_data["evidence"],
                    request=request,
                )
            except ValidationError as error:
                form_errors_add(form, _on_the_date_field(error))
            else:
                messages.success(request, _("已记录审批结果。"))
                return redirect("welfare:aid-detail", public_id=record.public_id)
    else:
        access_record(user=user, action=AccessAction.VIEW, child=record.child, request=request)
    return render(
        request,
        "welfare/aid_detail.html",
        {"record": record, "form": form, "history": aid_history_for(record)},
    )


def _on_the_date_field(error: ValidationError) -> ValidationError:
    """The services name the record's date fields (reviewed_on, decided_on); the form has one
    date, `on`, where their refusal belongs."""
    if not hasattr(error, "error_dict"):
        return error
    dates = {"reviewed_on", "decided_on"}
    return ValidationError(
        {("on" if key in dates else key): messages for key, messages in error.message_dict.items()}
    )


@aid_reader_required
def aid_evidence(request, public_id):
    """The evidence scan, after the record's scope check; its reading is logged."""
    record = aid_record_for(request.user, public_id)
    if record.evidence_id is None:
        raise Http404
    access_record(
        user=request.user,
        action=AccessAction.VIEW,
        child=record.child,
        request=request,
        field="aid_evidence",
    )
    return attachment_response(record.evidence)


# --- the public notice (公示) -------------------------------------------------------------------


def _notice_school(request):
    node = page_node(request)
    if isinstance(node, SchoolClass):
        node = node.school
    return node


@aid_reader_required
@require_http_methods(["GET", "POST"])
def aid_notice(request):
    """A school's 公示 for a term (masked names, grades, kinds, amounts) and its notice period,
    which the school leader sets; for a region, its schools with approved aid."""
    user = request.user
    node, term = _notice_school(request), _term(request)
    if not isinstance(node, School):
        sheets = aid_notices_under(user, node=node, term=term)
        return render(
            request,
            "welfare/aid_notice_region.html",
            {"node": node, "scope": node_code(node), "term": term, "sheets": sheets},
        )
    sheet = aid_notice_for(user, school=node, term=term)
    form = None
    if may(user, Perm.AID_APPROVE):
        initial = {}
        if sheet.notice is not None:
            initial = {"starts_on": sheet.notice.starts_on, "ends_on": sheet.notice.ends_on}
        form = AidNoticeForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                aid_notice_set(
                    actor=user,
                    school=node,
                    term=term,
                    starts_on=form.cleaned_data["starts_on"],
                    ends_on=form.cleaned_data["ends_on"],
                )
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                messages.success(request, _("已设置公示期。"))
                return redirect(f"{request.path}?scope={node_code(node)}&term={term.code}")
    elif request.method == "POST":
        raise PermissionDenied(_("您的角色没有此项权限。"))
    return render(
        request,
        "welfare/aid_notice.html",
        {"sheet": sheet, "form": form, "scope": node_code(node), "term": term},
    )


def aid_notice_pdf_bytes(sheets, *, printed_by) -> bytes:
    """The 公示 of one or many schools as one PDF, a school per page (also the benchmark's)."""
    html = render_to_string(
        "welfare/aid_notice_pdf.html",
        {"sheets": sheets, "printed_on": timezone.localdate(), "printed_by": printed_by},
    )
    return HTML(string=html).write_pdf()


@aid_reader_required
def aid_notice_pdf(request):
    """The 公示 as a PDF: a school's, or every school's under a township or county."""
    node, term = _notice_school(request), _term(request)
    if isinstance(node, School):
        sheets = [aid_notice_for(request.user, school=node, term=term)]
    else:
        sheets = aid_notices_under(request.user, node=node, term=term)
    access_record(
        user=request.user, action=AccessAction.PRINT, query=f"aid_notice {node_code(node)}"
    )
    pdf = aid_notice_pdf_bytes(sheets, printed_by=request.user)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"资助公示-{node}-{term.code}.pdf"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@aid_reader_required
def aid_notice_docx(request):
    """The 公示 as a Word file in official style (GB/T 9704), to be edited, stamped and posted:
    the same sheets as the PDF."""
    node, term = _notice_school(request), _term(request)
    if isinstance(node, School):
        sheets = [aid_notice_for(request.user, school=node, term=term)]
    else:
        sheets = aid_notices_under(request.user, node=node, term=term)
    access_record(
        user=request.user, action=AccessAction.PRINT, query=f"aid_notice_docx {node_code(node)}"
    )
    content = aid_notice_docx_bytes(sheets, printed_on=timezone.localdate())
    response = HttpResponse(content, content_type=DOCX)
    filename = f"资助公示-{node}-{term.code}.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# --- eligibility hints, the child's file, the home page ----------------------------------------


@aid_reader_required
def aid_hints(request):
    """Children in hardship (贫困, 低保, a parent dead or unable to care, a guardian unable to
    care) with no aid this term, for the head teacher and the township."""
    node, term = page_node(request), _term(request)
    hints = aid_hints_for(request.user, term=term, node=node)
    return render(
        request,
        "welfare/aid_hints.html",
        {"node": node, "scope": node_code(node), "term": term, "hints": hints},
    )


@permission_required(Perm.CHILD_VIEW)
def child_aid_section(request, public_id):
    """The 资助·救助 section of the child's file: nothing for a role the privacy matrix hides
    aid from; amounts and notes only where its cell is full."""
    child = child_for_care(request.user, public_id)
    aid = child_aid_for(request.user, child=child)
    if aid is None:
        return HttpResponse("")
    return render(request, "welfare/aid_child_section.html", {"aid": aid})


@login_required
def home_aid(request):
    """The home page's aid to-dos; nothing for a user with nothing to do."""
    term = term_current()
    todo = aid_todo_for(request.user, term=term)
    if not todo:
        return HttpResponse("")
    return render(request, "welfare/aid_home.html", {"todo": todo, "term": term})
