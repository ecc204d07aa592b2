"""The 控辍保学 pages: the three ledgers of a unit, handling a suspected entry, a case's page and
its actions, the written report, the evidence scan, the file's section and the to-dos. Each view
is one step from its URL: check, call a selector or a service, render."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record
from shouhu.core.forms import form_errors_add
from shouhu.core.roles import Perm, Role
from shouhu.core.views import check_required, permission_required
from shouhu.core.visibility import may_read_dropout
from shouhu.files.services import attachment_response
from shouhu.org.units import breadcrumbs, node_code, page_node
from shouhu.registry.selectors import child_get_for
from shouhu.schooling import forms_dropout as forms
from shouhu.schooling.documents_dropout import written_report_docx, written_report_pdf
from shouhu.schooling.models.dropout import ACTIVE_STATES
from shouhu.schooling.selectors.dropout import (
    case_file_for,
    case_get_for,
    cases_for,
    child_cases_for,
    children_ledger_for,
    ledgers_for,
    retention_for,
    suspect_get_for,
    suspects_for,
    todos_for,
)
from shouhu.schooling.services import dropout as services

TABS = ("suspects", "cases", "children")


# Who reads the ledgers and cases (may_read_dropout): a rule wider than one permission.
dropout_reader_required = check_required(
    may_read_dropout, gettext_lazy("您的角色不能查看控辍保学台账。")
)


@permission_required(Perm.CHILD_VIEW)
@dropout_reader_required
@require_GET
def ledgers(request):
    """The county's three ledgers for a unit (?scope=): 疑似辍学学生台账, 辍学学生台账 and
    适龄儿童台账 (the register, with each child's standing), with counts per unit."""
    node = page_node(request, perm=Perm.CHILD_VIEW)
    tab = request.GET.get("tab", "suspects")
    if tab not in TABS:
        tab = "suspects"
    user = request.user
    context = {
        "node": node,
        "scope": node_code(node),
        "tab": tab,
        "breadcrumbs": breadcrumbs(user, node),
        "ledgers": ledgers_for(user, node),
        "retention": retention_for(user, node)[0],
    }
    if tab == "suspects":
        context["suspects"] = suspects_for(user, node, open_only=request.GET.get("all") != "1")
    elif tab == "cases":
        context["cases"] = cases_for(user, node, active_only=request.GET.get("all") != "1")
    else:
        context["children"] = children_ledger_for(user, node)
    return render(request, "schooling/dropout_ledgers.html", context)


@permission_required(Perm.DROPOUT_MANAGE)
@require_http_methods(["GET", "POST"])
def suspect_handle(request, public_id):
    """Confirm (a case is registered) or clear (with the reason) a suspected entry."""
    entry = suspect_get_for(request.user, public_id)
    form = forms.SuspectHandleForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "confirm":
                case = services.suspect_confirm(
                    actor=request.user,
                    entry=entry,
                    cause=data["cause"] or "other",
                    cause_note=data["cause_note"],
                    guardian_opinion=data["guardian_opinion"],
                    request=request,
                )
                messages.success(request, _("已确认并登记辍学，请制定劝返方案。"))
                return redirect("schooling:dropout-case", public_id=case.public_id)
            services.suspect_clear(
                actor=request.user, entry=entry, note=data["note"], request=request
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("已排除。"))
            return redirect("schooling:dropout-ledgers")
    return render(request, "schooling/dropout_suspect.html", {"entry": entry, "form": form})


@permission_required(Perm.DROPOUT_MANAGE)
@require_http_methods(["GET", "POST"])
def case_create(request, public_id):
    """登记辍学 from the child's file: a dropout the school learnt of otherwise (a home visit, the
    village) is registered at once, without waiting for the suspected ledger's rules."""
    child = child_get_for(request.user, public_id)
    form = forms.CaseRegisterForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_register(
                actor=request.user, child=child, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("已登记辍学，请制定劝返方案。"))
            return redirect("schooling:dropout-case", public_id=case.public_id)
    return render(request, "schooling/dropout_register.html", {"child": child, "form": form})


def _case_page(request, case, *, bound: tuple[str, object] | None = None, status: int = 200):
    user = request.user
    file = case_file_for(user, case)
    actions = (
        forms.CASE_ACTIONS.get(case.state, ()) if user.has_perm_to(Perm.DROPOUT_MANAGE) else ()
    )
    if "file_report" in actions and (case.report_filed_on or user.role != Role.SCHOOL_LEADER):
        actions = tuple(a for a in actions if a != "file_report")
    initial = {
        "plan": {
            "cause": case.cause,
            "cause_note": case.cause_note,
            "guardian_opinion": case.guardian_opinion,
            "plan_staff": case.plan_staff,
            "plan_cadre": case.plan_cadre,
            "plan_township": case.plan_township,
            "plan_note": case.plan_note,
            "proposal": case.proposal,
        }
    }
    action_forms = {
        name: forms.CASE_FORMS[name](initial=initial.get(name), prefix=name) for name in actions
    }
    if bound is not None:
        action_forms[bound[0]] = bound[1]
    access_record(user=user, action=AccessAction.VIEW, child=case.child, request=request)
    return render(
        request,
        "schooling/dropout_case.html",
        {"file": file, "case": case, "forms": action_forms},
        status=status,
    )


@permission_required(Perm.CHILD_VIEW)
@dropout_reader_required
@require_GET
def case_detail(request, public_id):
    """A case: the child, the cause, the plan, every attempt, the follow-up, the deadlines."""
    return _case_page(request, case_get_for(request.user, public_id))


def _run(request, case, action: str, data: dict):
    actor = request.user
    common = {"actor": actor, "case": case, "request": request}
    if action == "plan":
        services.case_plan_set(**common, **data)
    elif action == "attempt":
        services.attempt_record(**common, **data)
    elif action == "return":
        services.case_return(**common, **data)
    elif action == "followup":
        services.followup_record(**common, **data)
    elif action == "exit":
        services.case_exit(**common, **data)
    elif action == "mistaken":
        services.case_close_mistaken(**common, **data)
    elif action == "file_report":
        services.report_file(**common, **data)
    elif action == "write_off":
        services.case_write_off(**common)


@permission_required(Perm.DROPOUT_MANAGE)
@require_POST
def case_act(request, public_id):
    """One action on a case (`action` = plan, attempt, return, followup, exit, mistaken,
    file_report, write_off). A refused move shows the page again with the Chinese reason."""
    case = case_get_for(request.user, public_id)
    action = request.POST.get("action", "")
    if action not in forms.CASE_FORMS:
        return HttpResponseBadRequest(_("未知的操作。"))
    form = forms.CASE_FORMS[action](request.POST, request.FILES, prefix=action)
    if form.is_valid():
        try:
            _run(request, case, action, form.cleaned_data)
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("schooling:dropout-case", public_id=case.public_id)
    case.refresh_from_db()
    return _case_page(request, case, bound=(action, form), status=400)


@permission_required(Perm.CHILD_VIEW)
@dropout_reader_required
@require_GET
def case_report(request, public_id, fmt):
    """书面报告, drafted from the case as DOCX (to edit and sign) or PDF."""
    if fmt not in ("docx", "pdf"):
        raise Http404
    case = case_get_for(request.user, public_id)
    file = case_file_for(request.user, case)
    access_record(user=request.user, action=AccessAction.PRINT, child=case.child, request=request)
    name = f"书面报告-{case.child.name}"
    if fmt == "pdf":
        response = HttpResponse(written_report_pdf(file), content_type="application/pdf")
        suffix = "pdf"
    else:
        response = HttpResponse(
            written_report_docx(file),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        suffix = "docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}.{suffix}"
    return response


def _quote(text: str) -> str:
    return quote(text)


@permission_required(Perm.CHILD_VIEW)
@dropout_reader_required
@require_GET
def case_evidence(request, public_id):
    """The evidence of a case's close (transfer papers, a medical certificate), to its readers."""
    case = case_get_for(request.user, public_id)
    if case.close_evidence is None:
        raise Http404
    access_record(user=request.user, action=AccessAction.VIEW, child=case.child, request=request)
    return attachment_response(case.close_evidence)


@permission_required(Perm.CHILD_VIEW)
@require_GET
def child_section(request, public_id):
    """The 控辍保学 section of the child's file: nothing for a role the matrix keeps out, or a
    child with no case and no open entry."""
    child = child_get_for(request.user, public_id)
    if not may_read_dropout(request.user):
        return HttpResponse("")
    cases, suspects = child_cases_for(request.user, child)
    manages = request.user.has_perm_to(Perm.DROPOUT_MANAGE)
    if not cases and not suspects and not (manages and child.left_on is None):
        return HttpResponse("")
    active = any(c.state in ACTIVE_STATES for c in cases)
    return render(
        request,
        "schooling/_dropout_section.html",
        {"child": child, "cases": cases, "suspects": suspects, "active": active},
    )


@login_required
@require_GET
def home_todos(request):
    """The home page's 控辍保学 to-dos; nothing for a user with nothing to do."""
    todos = todos_for(request.user)
    if not todos:
        return HttpResponse("")
    return render(request, "schooling/_dropout_home.html", {"todos": todos})
