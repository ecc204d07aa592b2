"""后台任务: the administrator's page of the scheduled jobs, failing ones first; and every
user's own long exports (我的导出): the progress of one, and its file when it is ready."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shouhu.core.roles import Perm
from shouhu.core.views import permission_required
from shouhu.files.services import attachment_response
from shouhu.jobs.exporting import export_run_expire
from shouhu.jobs.models import ExportStatus
from shouhu.jobs.selectors import (
    export_downloadable,
    export_run_get_for,
    export_runs_for,
    job_run_get_for,
    jobs_page_for,
)
from shouhu.jobs.services import job_run_retry


@permission_required(Perm.JOBS_VIEW)
def run_list(request):
    return render(request, "jobs/run_list.html", {"jobs": jobs_page_for(request.user)})


@permission_required(Perm.JOBS_VIEW)
@require_POST
def run_retry(request, public_id):
    run = job_run_get_for(request.user, public_id=public_id)
    job_run_retry(actor=request.user, run=run)
    messages.success(request, _("已重新排队，任务进程将很快运行。"))
    return redirect("jobs:run-list")


@login_required
def export_list(request):
    return render(request, "jobs/export_list.html", {"runs": export_runs_for(request.user)})


@login_required
def export_status(request, public_id):
    """The progress of one export; htmx polls the fragment until the file is ready."""
    run = export_run_get_for(request.user, public_id=public_id)
    context = {"run": run, "downloadable": export_downloadable(run)}
    if request.htmx:
        return HttpResponse(render_to_string("jobs/_export_progress.html", context, request))
    return render(request, "jobs/export_status.html", context)


@login_required
def export_file(request, public_id):
    """The file, to the user who asked for it, until it expires (410 after)."""
    run = export_run_get_for(request.user, public_id=public_id)
    if run.status == ExportStatus.READY and not export_downloadable(run):
        export_run_expire(run)
    if not export_downloadable(run):
        return render(request, "jobs/export_gone.html", {"run": run}, status=410)
    assert run.file is not None
    return attachment_response(run.file, download=True)
