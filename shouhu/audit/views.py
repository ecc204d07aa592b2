"""The privacy officer's pages (个人信息保护) and the reveal of a masked field.

- 访问记录: search the access log by user, child, action and date.
- 异常访问: many files opened in a short time, access outside school hours, refused access.
- 完整导出授权: approve a full (unmasked) export for one user and one node.
- 权利请求: guardians' requests to see, correct or delete data, with their deadlines.
- 年度合规审计报告: the year's counts as a PDF.

The logs themselves have no edit or delete page anywhere.
"""

import datetime
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shouhu.audit import selectors
from shouhu.audit.forms import (
    AccessLogFilterForm,
    DateRangeForm,
    ExportGrantForm,
    GuardianRequestForm,
    RequestCloseForm,
    RequestListForm,
    RevealForm,
    YearForm,
)
from shouhu.audit.models import RequestShow, RequestStatus
from shouhu.audit.report import compliance_report_pdf
from shouhu.audit.services import (
    export_grant_approve,
    field_reveal,
    guardian_request_close,
    guardian_request_record,
)
from shouhu.core.forms import form_errors_add, paginate
from shouhu.core.replica import reading_from_replica
from shouhu.core.roles import Perm
from shouhu.core.views import permission_required
from shouhu.core.visibility import TARGET_FIELD, RevealTarget, Visibility, visibility
from shouhu.org.units import user_scope_node
from shouhu.registry.selectors import child_get_for


@permission_required(Perm.CHILD_VIEW)
@require_POST
def reveal(request, public_id, target):
    """Show one masked value in full after the user typed why; the reveal is logged.

    With htmx the answer replaces the masked value in place; without, it is a small page."""
    if target not in TARGET_FIELD:
        raise Http404
    if visibility(request.user, TARGET_FIELD[target]) == Visibility.HIDDEN:
        raise PermissionDenied(_("您的角色不能查看该信息。"))
    child = child_get_for(request.user, public_id)
    form = RevealForm(request.POST)
    value = None
    if form.is_valid():
        try:
            value = field_reveal(
                actor=request.user,
                child=child,
                target=target,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            form_errors_add(form, error)
    context = {
        "child": child,
        "target": target,
        "label": RevealTarget(target).label,
        "form": form,
        "value": value,
    }
    template = "audit/_reveal.html" if request.htmx else "audit/reveal.html"
    return render(request, template, context)


@permission_required(Perm.PRIVACY_OFFICE)
def index(request):
    today = timezone.localdate()
    with reading_from_replica():
        unusual = selectors.unusual_access_for(
            request.user, start=today - datetime.timedelta(days=6), end=today
        )
    return render(
        request,
        "audit/index.html",
        {
            "overdue": selectors.requests_for(request.user, show=RequestShow.OVERDUE).count(),
            "open": selectors.requests_for(request.user, show=RequestShow.OPEN).count(),
            "unusual": unusual,
            "year": today.year,
        },
    )


@permission_required(Perm.PRIVACY_OFFICE)
@reading_from_replica()
def access_log(request):
    form = AccessLogFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.LogFilters(
        user=data.get("user", ""),
        child=data.get("child", ""),
        action=data.get("action", ""),
        start=data.get("start"),
        end=data.get("end"),
    )
    logs = selectors.access_log_for(request.user, filters=filters)
    page = paginate(request, logs)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/access_log.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "search_days": settings.SHOUHU_ACCESS_LOG_SEARCH_DAYS,
        },
    )


@permission_required(Perm.PRIVACY_OFFICE)
@reading_from_replica()
def unusual(request):
    form = DateRangeForm(request.GET or None)
    start, end = form.range()
    return render(
        request,
        "audit/unusual.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "unusual": selectors.unusual_access_for(request.user, start=start, end=end),
            "files": settings.SHOUHU_UNUSUAL_FILES,
            "minutes": settings.SHOUHU_UNUSUAL_WINDOW_MINUTES,
            "hours": settings.SHOUHU_SCHOOL_HOURS,
        },
    )


@permission_required(Perm.EXPORT_GRANT)
@require_http_methods(["GET", "POST"])
def grants(request):
    grantees = selectors.export_grantees_for(request.user)
    form = ExportGrantForm(request.POST or None, grantees=grantees)
    if request.method == "POST" and form.is_valid():
        try:
            grant = export_grant_approve(actor=request.user, **form.cleaned_data)
        except (ValidationError, Http404) as error:
            if isinstance(error, Http404):
                error = ValidationError({"scope_code": _("没有这个区划或学校。")})
            form_errors_add(form, error)
        else:
            messages.success(
                request,
                _("已批准 %(user)s 完整导出 %(code)s 一次。")
                % {"user": grant.grantee, "code": grant.scope_code},
            )
            return redirect("audit:grants")
    page = paginate(request, selectors.grants_for(request.user))
    return render(request, "audit/grants.html", {"form": form, "page": page, "query": ""})


@permission_required(Perm.PRIVACY_OFFICE)
@require_http_methods(["GET", "POST"])
def requests(request):
    shown = RequestListForm(request.GET)
    show = (shown.cleaned_data["show"] if shown.is_valid() else "") or RequestShow.OPEN.value
    form = GuardianRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        child = selectors.child_by_id_number_for(request.user, id_number=data.pop("id_number"))
        if child is None:
            form.add_error("id_number", _("您的管辖范围内没有这个身份证号的儿童。"))
        else:
            try:
                record = guardian_request_record(actor=request.user, child=child, **data)
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                messages.success(
                    request, _("已登记，办理期限：%(d)s。") % {"d": record.due_on.isoformat()}
                )
                return redirect("audit:request-detail", public_id=record.public_id)
    page = paginate(request, selectors.requests_for(request.user, show=show))
    return render(
        request,
        "audit/requests.html",
        {
            "form": form,
            "page": page,
            "show": show,
            "query": f"show={show}",
            "today": timezone.localdate(),
        },
    )


@permission_required(Perm.PRIVACY_OFFICE)
@require_http_methods(["GET", "POST"])
def request_detail(request, public_id):
    record = selectors.request_get_for(request.user, public_id)
    form = None
    if record.status == RequestStatus.OPEN:
        form = RequestCloseForm(request.POST or None, kind=record.kind)
        if request.method == "POST" and form.is_valid():
            try:
                guardian_request_close(
                    actor=request.user,
                    request=record,
                    status=form.cleaned_data["status"],
                    resolution=form.cleaned_data["resolution"],
                )
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                messages.success(request, _("已办结。"))
                return redirect("audit:request-detail", public_id=record.public_id)
    return render(
        request,
        "audit/request_detail.html",
        {"record": record, "form": form, "today": timezone.localdate()},
    )


@permission_required(Perm.PRIVACY_OFFICE)
def report(request):
    """The annual compliance-audit report as a PDF (?year=2026, default this year)."""
    form = YearForm(request.GET or {"year": timezone.localdate().year})
    if not form.is_valid():
        raise Http404
    year = form.cleaned_data["year"]
    with reading_from_replica():
        figures = selectors.compliance_figures_for(request.user, year=year)
    pdf = compliance_report_pdf(
        figures=figures, officer=request.user, scope=user_scope_node(request.user)
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"个人信息保护合规审计报告-{year}.pdf"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
