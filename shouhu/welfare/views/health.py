"""The health pages: a class's sheet of checks (typed, or imported from the clinic's workbook),
one child's check or condition, a follow-up done, the child's file section and the home page's
to-dos. Each view is one step from its URL: parse, call a selector or a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shouhu.core.forms import form_errors_add
from shouhu.core.roles import Perm
from shouhu.core.views import permission_required
from shouhu.org.selectors import class_get_for
from shouhu.welfare import forms_health as forms
from shouhu.welfare.health_sheet import health_rows_read, health_template_xlsx
from shouhu.welfare.selectors.health import (
    child_for_health,
    child_health_for,
    children_by_name_for,
    class_sheet_for,
    follow_ups_open_for,
    health_check_get_for,
    may_read_health,
)
from shouhu.welfare.selectors.safety import incident_alerts_for, incidents_for
from shouhu.welfare.services.health import (
    CHECK_FIELDS,
    CheckRow,
    health_check_record,
    health_condition_record,
    health_follow_up_close,
    health_sheet_save,
)


def _require_health_reader(user) -> None:
    if not may_read_health(user):
        raise Http404


def _sheet_values(post, key: str) -> dict:
    values = {name: post.get(f"{name}-{key}", "").strip() for name in CHECK_FIELDS}
    values["follow_up"] = post.get(f"follow_up-{key}") == "on"
    if not any(v for n, v in values.items() if n not in ("follow_up", "dental")):
        values["dental"] = ""  # a child not checked: the sheet's default is not a value
        values["follow_up"] = None
    return values


def _sheet_rows(lines, posted: dict) -> list[tuple]:
    """Each line with the values its inputs show: as posted (a refused sheet keeps what was
    typed), else the check already saved that day."""
    rows = []
    for line in lines:
        values = posted.get(str(line.child.public_id))
        if values is None and line.check is not None:
            values = {name: getattr(line.check, name) for name in CHECK_FIELDS}
        rows.append((line, values or {}))
    return rows


@permission_required(Perm.HEALTH_RECORD)
@require_http_methods(["GET", "POST"])
def class_sheet(request, class_id):
    """A class's checks as one sheet, a block per child (a phone shows one block per screen).

    1. The date comes from ?checked_on= (today by default); the children already checked that
       day show their values, to correct.
    2. Saved all or nothing: any bad value lists every error (child, field, reason) above the
       sheet and nothing is written."""
    user = request.user
    _require_health_reader(user)
    school_class = class_get_for(user, class_id)
    dated = forms.SheetDateForm(request.POST or request.GET or None)
    checked_on = dated.cleaned_data["checked_on"] if dated.is_valid() else forms.today()
    lines = class_sheet_for(user, school_class=school_class, checked_on=checked_on)
    errors: list[str] = []
    posted: dict = {}
    if request.method == "POST":
        rows = []
        for line in lines:
            key = str(line.child.public_id)
            posted[key] = _sheet_values(request.POST, key)
            rows.append(CheckRow(child=line.child, values=posted[key]))
        try:
            saved = health_sheet_save(
                actor=user,
                checked_on=checked_on,
                rows=rows,
                school_class=school_class,
                request=request,
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("已保存 %(n)d 名儿童的体检结果。") % {"n": len(saved)})
            return redirect(f"{request.path}?checked_on={checked_on.isoformat()}")
    return render(
        request,
        "welfare/health_sheet.html",
        {
            "school_class": school_class,
            "checked_on": checked_on,
            "rows": _sheet_rows(lines, posted),
            "errors": errors,
            "dental_choices": forms.Dental.choices,
            "import_form": forms.HealthImportForm(initial={"checked_on": checked_on}),
        },
    )


@permission_required(Perm.HEALTH_RECORD)
@require_POST
def class_sheet_import(request, class_id):
    """The clinic's workbook for a class (the template's columns), all or nothing: every error
    names the row, the field and the reason."""
    user = request.user
    _require_health_reader(user)
    school_class = class_get_for(user, class_id)
    form = forms.HealthImportForm(request.POST, request.FILES)
    errors: list[str] = []
    if not form.is_valid():
        errors = [e for field_errors in form.errors.values() for e in field_errors]
    else:
        checked_on = form.cleaned_data["checked_on"]
        try:
            rows = health_rows_read(
                form.cleaned_data["upload"],
                children=children_by_name_for(user, school_class=school_class),
            )
            saved = health_sheet_save(
                actor=user,
                checked_on=checked_on,
                rows=rows,
                school_class=school_class,
                request=request,
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("已导入 %(n)d 名儿童的体检结果。") % {"n": len(saved)})
            return redirect(
                f"{request.path.rsplit('import/', 1)[0]}?checked_on={checked_on.isoformat()}"
            )
    lines = class_sheet_for(user, school_class=school_class, checked_on=forms.today())
    return render(
        request,
        "welfare/health_sheet.html",
        {
            "school_class": school_class,
            "checked_on": forms.today(),
            "rows": _sheet_rows(lines, {}),
            "errors": errors,
            "dental_choices": forms.Dental.choices,
            "import_form": form,
        },
        status=400,
    )


@permission_required(Perm.HEALTH_RECORD)
def health_template(request):
    """The clinic's template: the columns the import reads; with ?class=, a row per child of
    the class on the register, their names filled in."""
    children, unit = [], ""
    if request.GET.get("class"):
        _require_health_reader(request.user)
        school_class = class_get_for(request.user, request.GET["class"])
        lines = class_sheet_for(request.user, school_class=school_class, checked_on=forms.today())
        children = [line.child for line in lines]
        unit = f"{school_class.school.name}{school_class.name}"
    response = HttpResponse(
        health_template_xlsx(children, unit=unit, by=request.user),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E4%BD%93%E6%A3%80.xlsx"
    return response


@permission_required(Perm.HEALTH_RECORD)
@require_http_methods(["GET", "POST"])
def check_create(request, public_id):
    user = request.user
    _require_health_reader(user)
    child = child_for_health(user, public_id)
    form = forms.HealthCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        checked_on = data.pop("checked_on")
        try:
            health_check_record(
                actor=user, child=child, checked_on=checked_on, values=data, request=request
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("已记录体检结果。"))
            return redirect("registry:child-detail", public_id=child.public_id)
    return render(
        request,
        "welfare/health_form.html",
        {"form": form, "child": child, "title": _("记录体检结果")},
    )


@permission_required(Perm.HEALTH_RECORD)
@require_http_methods(["GET", "POST"])
def condition_create(request, public_id):
    user = request.user
    _require_health_reader(user)
    child = child_for_health(user, public_id)
    form = forms.ConditionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            health_condition_record(actor=user, child=child, request=request, **form.cleaned_data)
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("已记录。"))
            return redirect("registry:child-detail", public_id=child.public_id)
    return render(
        request,
        "welfare/health_form.html",
        {"form": form, "child": child, "title": _("记录疾病、住院或残疾")},
    )


@permission_required(Perm.HEALTH_RECORD)
@require_POST
def follow_up_done(request, public_id):
    check = health_check_get_for(request.user, public_id)
    form = forms.FollowUpDoneForm(request.POST)
    if form.is_valid():
        try:
            health_follow_up_close(
                actor=request.user,
                check=check,
                done_on=form.cleaned_data["done_on"],
                request=request,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已记录复查。"))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("home")


@permission_required(Perm.CHILD_VIEW)
def child_section(request, public_id):
    """The 健康与安全 section of the child's file: health for the roles of `health_records`,
    incidents for those who record them; nothing at all for anyone else."""
    user = request.user
    child = child_for_health(user, public_id)
    health = child_health_for(user, child, request=request)
    incidents = (
        list(incidents_for(user, child=child)[:10])
        if user.has_perm_to(Perm.INCIDENT_RECORD)
        else None
    )
    if health is None and incidents is None:
        return HttpResponse("")
    return render(
        request,
        "welfare/_health_section.html",
        {
            "child": child,
            "health": health,
            "incidents": incidents,
            "may_incident": user.has_perm_to(Perm.INCIDENT_RECORD),
        },
    )


@login_required
def home_health(request):
    """The home page's health and safety to-dos: follow-ups due (head teacher), serious
    incidents (school leader, township). Nothing for a user with nothing to do."""
    follow_ups = follow_ups_open_for(request.user)
    alerts = incident_alerts_for(request.user)
    if not follow_ups and not alerts:
        return HttpResponse("")
    return render(
        request,
        "welfare/_home_health.html",
        {"follow_ups": follow_ups, "alerts": alerts, "done_form": forms.FollowUpDoneForm()},
    )
