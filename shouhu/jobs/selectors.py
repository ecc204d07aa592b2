"""What the administrator's page and /healthz read of the jobs."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Max, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from shouhu.core.roles import Perm
from shouhu.jobs.models import ExportRun, ExportStatus, JobRun, RunStatus, WorkerHeartbeat
from shouhu.jobs.registry import Duty, duties

# The worker beats every HEARTBEAT_SECONDS; silent for WORKER_LATE it is reported as late.
HEARTBEAT_SECONDS = 10
WORKER_LATE = datetime.timedelta(seconds=60)
RECENT_RUNS = 50


def worker_last_heartbeat() -> datetime.datetime | None:
    return WorkerHeartbeat.objects.aggregate(last=Max("seen_at"))["last"]


def worker_health() -> tuple[str, bool]:
    """For /healthz: "ok" (a beat within WORKER_LATE), "late" (the worker stopped) or "missing"
    (no worker has ever beaten on this database: it was never started). Late and missing are
    both unhealthy: without a worker no escalation, deadline or close runs, and a server that
    never started one is as broken as one whose worker died (docs/deploy.md, Monitoring)."""
    last = worker_last_heartbeat()
    if last is None:
        return "missing", False
    if timezone.now() - last > WORKER_LATE:
        return "late", False
    return "ok", True


@dataclass(frozen=True)
class DutyRow:
    duty: Duty
    last: JobRun | None


@dataclass(frozen=True)
class JobsPage:
    failing: list[JobRun]
    duties: list[DutyRow]
    recent: list[JobRun]
    worker_seen_at: datetime.datetime | None
    worker_state: str


def _check(user) -> None:
    if not user.has_perm_to(Perm.JOBS_VIEW):
        raise PermissionDenied


def job_runs_failing_for(user) -> QuerySet[JobRun]:
    """Runs that failed for good or are waiting for a retry, newest first."""
    _check(user)
    return JobRun.objects.filter(status__in=(RunStatus.FAILED, RunStatus.RETRYING)).order_by(
        "-due_at"
    )


def job_run_get_for(user, *, public_id) -> JobRun:
    """The run, or Http404."""
    _check(user)
    return get_object_or_404(JobRun, public_id=public_id)


def jobs_page_for(user) -> JobsPage:
    """后台任务: the failing runs first, then each duty's last run and the latest runs."""
    _check(user)
    recent = list(JobRun.objects.order_by("-due_at", "-pk")[:RECENT_RUNS])
    last_by_duty: dict[str, JobRun] = {}
    for name in {d.name for d in duties()}:
        run = JobRun.objects.filter(duty=name).order_by("-due_at").first()
        if run is not None:
            last_by_duty[name] = run
    state, _healthy = worker_health()
    return JobsPage(
        failing=list(job_runs_failing_for(user)),
        duties=[DutyRow(duty=d, last=last_by_duty.get(d.name)) for d in duties()],
        recent=recent,
        worker_seen_at=worker_last_heartbeat(),
        worker_state=state,
    )


# --- the user's exports -----------------------------------------------------------------------


def export_run_get_for(user, *, public_id) -> ExportRun:
    """One of the user's own export runs; anyone else's is a 404."""
    return get_object_or_404(ExportRun.objects.filter(requested_by=user), public_id=public_id)


def export_runs_for(user, *, since: datetime.timedelta = datetime.timedelta(days=7)):
    """The user's export runs of the last week, newest first."""
    return ExportRun.objects.filter(
        requested_by=user, created_at__gte=timezone.now() - since
    ).order_by("-created_at")


def export_downloadable(run: ExportRun) -> bool:
    return (
        run.status == ExportStatus.READY
        and run.file_id is not None
        and run.expires_at is not None
        and run.expires_at > timezone.now()
    )
