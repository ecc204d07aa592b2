"""The report pages of 控辍保学: the monthly report (一月一报告: a school's draft, its DOCX, PDF
and Excel, the school leader's submission; a region's list of who has not submitted), the
quarterly review (一季度一复核) and the comparison with the student-status list (四查三比对)."""

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shouhu.core.forms import form_errors_add
from shouhu.core.roles import Perm, Role
from shouhu.core.views import permission_required
from shouhu.org.models import Region, School
from shouhu.org.units import breadcrumbs, node_code, page_node, user_scope_node
from shouhu.schooling import forms_dropout as forms
from shouhu.schooling.documents_dropout import (
    monthly_report_docx,
    monthly_report_pdf,
    monthly_report_xlsx,
)
from shouhu.schooling.dropout_rules import quarter_of, quarter_previous
from shouhu.schooling.selectors.dropout import retention_for
from shouhu.schooling.selectors.dropout_reports import (
    month_from_key,
    monthly_figures,
    monthly_status_for,
    quarter_reviews_for,
    reviews_of_school,
    school_for_report,
)
from shouhu.schooling.services.dropout_reports import monthly_report_submit, quarter_review_record
from shouhu.schooling.services.roll_check import roll_check_run
from shouhu.schooling.views.dropout import dropout_reader_required

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@permission_required(Perm.CHILD_VIEW)
@dropout_reader_required
@require_http_methods(["GET", "POST"])
def monthly(request):
    """一月一报告 (?scope=, ?month=2026-11). A school's page drafts the month's report from the
    ledgers, to download and, for the school leader, to submit; a region's lists its schools,
    those that have not submitted first."""
    node = page_node(request, perm=Perm.CHILD_VIEW)
    month = month_from_key(request.GET.get("month"))
    school = school_for_report(request.user, node)
    if request.method == "POST":
        if school is None:
            raise Http404
        try:
            monthly_report_submit(
                actor=request.user, school=school, month=month, note=request.POST.get("note", "")
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("月报已报送。"))
        return redirect(f"{request.path}?scope={node_code(node)}&month={month:%Y-%m}")
    context = {
        "node": node,
        "scope": node_code(node),
        "month": month,
        "month_key": f"{month:%Y-%m}",
        "breadcrumbs": breadcrumbs(request.user, node),
        "may_submit": school is not None and request.user.role == Role.SCHOOL_LEADER,
    }
    if school is not None:
        context["figures"] = monthly_figures(school, month)
        context["reviews"] = reviews_of_school(request.user, school)
    elif isinstance(node, Region):
        context["submissions"] = monthly_status_for(request.user, node, month)
    return render(request, "schooling/dropout_monthly.html", context)


@permission_required(Perm.CHILD_VIEW)
@dropout_reader_required
@require_GET
def monthly_document(request, fmt):
    """The school's monthly report as DOCX, PDF or Excel."""
    node = page_node(request, perm=Perm.CHILD_VIEW)
    school = school_for_report(request.user, node)
    if school is None or fmt not in FORMATS:
        raise Http404
    month = month_from_key(request.GET.get("month"))
    figures = monthly_figures(school, month)
    render_for = {
        "docx": monthly_report_docx,
        "pdf": monthly_report_pdf,
        "xlsx": lambda f: monthly_report_xlsx(f, by=request.user),
    }
    response = HttpResponse(render_for[fmt](figures), content_type=FORMATS[fmt])
    name = quote(f"控辍保学月报-{school.name}-{month:%Y-%m}.{fmt}")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


@permission_required(Perm.DROPOUT_REVIEW)
@dropout_reader_required
@require_GET
def review(request):
    """一季度一复核 (?scope=, ?quarter=2026-Q4): each school's entries, monthly reports and 巩固率,
    with the latest review; confirm or send back with a note."""
    node = page_node(request, perm=Perm.DROPOUT_REVIEW, classes=False)
    if not isinstance(node, Region):
        raise Http404
    today = timezone.localdate()
    quarter = request.GET.get("quarter") or quarter_of(today)
    if len(quarter) != 7 or quarter[4:6] != "-Q" or quarter[-1] not in "1234":
        raise Http404
    total, units = retention_for(request.user, node)
    return render(
        request,
        "schooling/dropout_review.html",
        {
            "node": node,
            "scope": node_code(node),
            "quarter": quarter,
            "previous": quarter_previous(quarter),
            "breadcrumbs": breadcrumbs(request.user, node),
            "rows": quarter_reviews_for(request.user, node, quarter),
            "retention": total,
            "retention_units": units,
            "form": forms.ReviewForm(),
        },
    )


@permission_required(Perm.DROPOUT_REVIEW)
@require_POST
def review_record(request, code):
    """Record one school's review for the quarter."""
    node = page_node(request, perm=Perm.DROPOUT_REVIEW, classes=False)
    school = School.objects.restrict(request.user).filter(code=code).first()
    if school is None:
        raise Http404
    quarter = request.POST.get("quarter") or quarter_of(timezone.localdate())
    form = forms.ReviewForm(request.POST)
    if form.is_valid():
        try:
            quarter_review_record(
                actor=request.user, school=school, quarter=quarter, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已记录 %(school)s 的复核结论。") % {"school": school.name})
    else:
        messages.error(request, _("请选择复核结论。"))
    return redirect(
        f"{reverse('schooling:dropout-review')}?scope={node_code(node)}&quarter={quarter}"
    )


@permission_required(Perm.CHILD_VIEW)
@dropout_reader_required
@require_http_methods(["GET", "POST"])
def roll_check(request):
    """四查三比对: upload the school's 学籍 list; the page shows 名在人不在 (entered in the
    suspected ledger), those on the list but not the register, and those with no status record."""
    user = request.user
    if not (user.has_perm_to(Perm.DROPOUT_MANAGE) or user.has_perm_to(Perm.DROPOUT_REVIEW)):
        raise PermissionDenied(_("您没有学籍比对的权限。"))
    # The whole school's list against the whole school's register: a school's or a region's
    # people, not a head teacher (who sees one class).
    own = user_scope_node(user)
    schools = (
        list(School.objects.restrict(user).order_by("code")[:500])
        if isinstance(own, School | Region)
        else []
    )
    if not schools:
        raise PermissionDenied(_("学籍比对由学校领导或上级部门进行。"))
    form = forms.RollCheckForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        code = request.POST.get("school") or (schools[0].code if len(schools) == 1 else "")
        school = next((s for s in schools if s.code == code), None)
        if school is None:
            form.add_error(None, _("请选择学校。"))
        else:
            upload = form.cleaned_data["sheet"]
            try:
                result = roll_check_run(
                    actor=user, school=school, content=upload.read(), filename=upload.name
                )
            except ValidationError as error:
                form_errors_add(form, error)
    return render(
        request,
        "schooling/dropout_roll_check.html",
        {"form": form, "schools": schools, "result": result},
        status=400 if form.errors else 200,
    )
