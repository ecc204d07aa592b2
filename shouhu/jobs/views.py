"""后台任务: the administrator's page of the scheduled jobs, failing ones first."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shouhu.core.roles import Perm
from shouhu.core.views import permission_required
from shouhu.jobs.selectors import job_run_get_for, jobs_page_for
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
