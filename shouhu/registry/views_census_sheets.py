"""The census in on the web: template, import (upload → preview → confirm), the year-end
handover wizard, transfers and leaving. The export and the census table are the reports'
(`reports.views_census_table`)."""

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shouhu.core.forms import form_errors_add
from shouhu.core.roles import Perm
from shouhu.core.views import permission_required
from shouhu.org.selectors import term_by_code, term_current, terms_all
from shouhu.registry.census_sheets.errors import error_report_xlsx
from shouhu.registry.census_sheets.forms import (
    HandoverChoicesForm,
    HandoverStep,
    ImportUploadForm,
    LeaveForm,
    TransferForm,
)
from shouhu.registry.census_sheets.template import census_template_xlsx
from shouhu.registry.census_sheets.uploads import (
    census_upload_get_for,
    census_upload_import,
    census_upload_preview,
    census_upload_store,
)
from shouhu.registry.forms import HandoverForm
from shouhu.registry.handover import (
    child_leave,
    child_transfer,
    handover_apply,
    handover_plan,
    transfer_classes_for,
    transfer_history_for,
    transfers_out_for,
)
from shouhu.registry.handover_undo import (
    handover_get_for,
    handover_undo,
    handover_undo_deadline,
    handovers_undoable_for,
)
from shouhu.registry.models import ImportStatus
from shouhu.registry.selectors import child_get_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# --- import -----------------------------------------------------------------------------------


@permission_required(Perm.CENSUS_IMPORT)
def census_template(request):
    return _xlsx(census_template_xlsx(), "摸底名册模板.xlsx")


@permission_required(Perm.CENSUS_IMPORT)
@require_http_methods(["GET", "POST"])
def census_import(request):
    """1. Upload a sheet (read and checked once). 2. See a result for every row. 3. Confirm
    (nothing is written before)."""
    terms = list(terms_all())
    current = term_current()
    form = ImportUploadForm(
        request.POST or None,
        request.FILES or None,
        terms=terms,
        initial={"term": current.code if current else ""},
    )
    if request.method == "POST" and form.is_valid():
        upload = census_upload_store(
            actor=request.user,
            term=term_by_code(form.cleaned_data["term"]),
            filename=form.cleaned_data["file"].name,
            content=form.cleaned_data["file"].read(),
        )
        return redirect("registry:census-import-preview", public_id=upload.public_id)
    return render(
        request,
        "registry/import_upload.html",
        {"form": form, "keep_days": settings.SHOUHU_UPLOAD_KEEP_DAYS},
    )


def _preview(request, upload, result, *, status: int = 200):
    return render(
        request,
        "registry/import_preview.html",
        {"upload": upload, "result": result, "counts": result.counts},
        status=status,
    )


@permission_required(Perm.CENSUS_IMPORT)
def census_import_preview(request, public_id):
    upload = census_upload_get_for(request.user, public_id)
    if upload.status == ImportStatus.IMPORTED:
        return render(request, "registry/import_done.html", {"upload": upload})
    return _preview(request, upload, census_upload_preview(upload))


@permission_required(Perm.CENSUS_IMPORT)
@require_POST
def census_import_confirm(request, public_id):
    upload = census_upload_get_for(request.user, public_id)
    if upload.status == ImportStatus.IMPORTED:
        return redirect("registry:census-import-preview", public_id=upload.public_id)
    result = census_upload_import(actor=request.user, upload=upload, request=request)
    if not result.applied:
        messages.error(request, _("表中有错误，未导入任何数据。请改正后重新上传。"))
        return _preview(request, upload, result, status=422)
    counts = result.counts
    messages.success(
        request,
        _("已导入%(file)s：新增 %(new)d 人，更新 %(update)d 人，无变化 %(same)d 人。")
        % {
            "file": upload.filename,
            "new": counts["new"],
            "update": counts["update"],
            "same": counts["unchanged"],
        },
    )
    return redirect("registry:child-list")


@permission_required(Perm.CENSUS_IMPORT)
def census_import_errors(request, public_id):
    upload = census_upload_get_for(request.user, public_id)
    report = error_report_xlsx(census_upload_preview(upload), by=request.user)
    return _xlsx(report, f"错误报告-{upload.filename}")


# --- handover, transfers and leaving -----------------------------------------------------------


@permission_required(Perm.HANDOVER)
@require_http_methods(["GET", "POST"])
def handover(request):
    """1. Choose the terms (and, outside the break between them, the day it counts from).
    2. See every change; untick head teachers and pairings that change. 3. Apply. The school's
    recent handovers are listed with their undo button."""
    user = request.user
    school = user.scope_school
    if school is None:
        raise Http404
    form = HandoverForm(request.POST or None, terms=list(terms_all()))
    choices = HandoverChoicesForm(request.POST or None)
    context = {
        "form": form,
        "school": school,
        "plan": None,
        "undoable": [(h, handover_undo_deadline(h)) for h in handovers_undoable_for(user, school)],
    }
    if request.method == "POST" and not choices.is_valid():
        form.add_error(None, _("所选的班级或结对无效，请重新预览。"))
    if request.method == "POST" and form.is_valid():
        from_term = term_by_code(form.cleaned_data["from_term"])
        to_term = term_by_code(form.cleaned_data["to_term"])
        on = form.cleaned_data["on"]
        try:
            if choices.cleaned_data["action"] == HandoverStep.APPLY:
                handover_apply(
                    actor=user,
                    school=school,
                    from_term=from_term,
                    to_term=to_term,
                    keep_head_teachers=choices.cleaned_data["keep_class"],
                    keep_pairings=choices.cleaned_data["keep_pairing"],
                    on=on,
                    request=request,
                )
                messages.success(request, _("学年交接已完成。"))
                return redirect("registry:handover")
            context["plan"] = handover_plan(
                actor=user, school=school, from_term=from_term, to_term=to_term, on=on
            )
        except ValidationError as exc:
            form_errors_add(form, exc)
    return render(request, "registry/handover_wizard.html", context)


@permission_required(Perm.HANDOVER)
@require_POST
def handover_undo_view(request, public_id):
    handover = handover_get_for(request.user, public_id)
    try:
        handover_undo(actor=request.user, handover=handover, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("已撤销学年交接：%(a)s → %(b)s。") % {"a": handover.from_term, "b": handover.to_term},
        )
    return redirect("registry:handover")


@permission_required(Perm.CHILD_EDIT)
@require_http_methods(["GET", "POST"])
def child_leave_view(request, public_id):
    child = child_get_for(request.user, public_id)
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            child_leave(actor=request.user, child=child, request=request, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_add(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("%(name)s 已离开名册，档案保留。") % {"name": child.name})
            return redirect("registry:child-detail", public_id=child.public_id)
    return render(request, "registry/handover_leave.html", {"form": form, "child": child})


@permission_required(Perm.HANDOVER)
@require_http_methods(["GET", "POST"])
def child_transfer_view(request, public_id):
    child = child_get_for(request.user, public_id)
    form = TransferForm(request.POST or None, classes=transfer_classes_for(request.user, child))
    if request.method == "POST" and form.is_valid():
        try:
            child_transfer(actor=request.user, child=child, request=request, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_add(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(
                request,
                _("%(name)s 已转至 %(to)s。本校保留转出前记录的只读查看。")
                % {"name": child.name, "to": form.cleaned_data["to_class"]},
            )
            return redirect("registry:transfers-out")
    return render(request, "registry/handover_transfer.html", {"form": form, "child": child})


@permission_required(Perm.CHILD_VIEW)
def transfers_out(request):
    return render(
        request,
        "registry/handover_transfers.html",
        {"transfers": transfers_out_for(request.user)[:200]},
    )


@permission_required(Perm.CHILD_VIEW)
def transfer_history(request, public_id):
    return render(
        request,
        "registry/handover_transfer_history.html",
        transfer_history_for(request.user, public_id),
    )
