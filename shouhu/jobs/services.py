"""Everything that writes the jobs' records: the scheduler's pass, a run's execution, the
worker's heartbeat and the administrator's retry.

The scheduler has no user: its writes are the system's and their record is the JobRun row
itself (when, how long, the result, the error). The administrator's retry is a user's write
and names the actor in the row's result.
"""

import datetime
import logging
import time
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from shouhu.accounts.models import User
from shouhu.core.roles import Perm
from shouhu.jobs.models import JobRun, RunStatus, WorkerHeartbeat
from shouhu.jobs.registry import Duty, duties, duty_get
from shouhu.jobs.schedule import backoff, latest, occurrences

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A server off for longer than this catches up the last CATCH_UP_MAX occurrences of each duty
# only: a month of daily retention runs in a row would change nothing more than the last one.
CATCH_UP_MAX = 31
# A run still "running" after this long was cut off (the worker was killed): it is tried again.
RUNNING_STALE = datetime.timedelta(hours=2)


@dataclass(frozen=True)
class DuePass:
    enqueued: list[JobRun]
    requeued: list[JobRun]


@task()
def run_job(run_id: int) -> str:
    """The one task the worker runs for the scheduler: a JobRun, by its id."""
    run = job_run_execute(run_id=run_id)
    return "" if run is None else run.status


def _enqueue(run: JobRun, *, run_after: datetime.datetime | None = None) -> None:
    task = run_job if run_after is None else run_job.using(run_after=run_after)
    task.enqueue(run.pk)


def _occurrences_due(duty: Duty, *, now: datetime.datetime) -> list[datetime.datetime]:
    tz = timezone.get_current_timezone()
    last = JobRun.objects.filter(duty=duty.name).order_by("-due_at").first()
    if last is None:
        # A first start runs the duty's latest occurrence, not its whole past.
        return [latest(duty.schedule, until=now, tz=tz)]
    return list(occurrences(duty.schedule, after=last.due_at, until=now, tz=tz))[-CATCH_UP_MAX:]


def job_runs_enqueue_due(*, now: datetime.datetime | None = None) -> DuePass:
    """One pass of the scheduler (`shouhu run-due`, each minute):

    1. For every duty, the occurrences since its last recorded run, up to now, oldest first
       (after the server was off, the missed ones); a duty never run gets its latest only.
    2. Each becomes a JobRun (unique per duty and period) and a task on the queue, in one
       transaction; one that exists already (another pass got there first) is skipped.
    3. Runs cut off while running (the worker killed) are queued again.
    All due runs are queued in the order they fell due, across duties."""
    now = now or timezone.now()
    due = sorted(
        ((when, duty) for duty in duties() for when in _occurrences_due(duty, now=now)),
        key=lambda pair: (pair[0], pair[1].name),
    )
    enqueued = []
    for when, duty in due:
        run = JobRun(
            duty=duty.name,
            period=duty.schedule.period_key(when.astimezone(timezone.get_current_timezone())),
            due_at=when,
            enqueued_at=now,
        )
        run.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                run.save()
                _enqueue(run)
        except IntegrityError:
            continue  # the same period was queued by another pass
        enqueued.append(run)
    requeued = []
    stale = JobRun.objects.filter(status=RunStatus.RUNNING, started_at__lt=now - RUNNING_STALE)
    for run in stale:
        _failed(run, error=_("运行中断（任务进程被终止）"), now=now)
        requeued.append(run)
    return DuePass(enqueued=enqueued, requeued=requeued)


def _claim(run_id: int, *, now: datetime.datetime) -> JobRun | None:
    """Mark the run as running, unless it is done or running already (a task delivered twice)."""
    with transaction.atomic():
        claimed = JobRun.objects.filter(
            pk=run_id, status__in=(RunStatus.QUEUED, RunStatus.RETRYING)
        ).update(status=RunStatus.RUNNING, started_at=now, next_attempt_at=None)
        if not claimed:
            return None
        run = JobRun.objects.get(pk=run_id)
        run.attempts += 1
        run.save(update_fields=["attempts"])
        return run


def _failed(run: JobRun, *, error: str, now: datetime.datetime) -> None:
    """Record a failed attempt; retry after a backoff, or give up after MAX_ATTEMPTS."""
    run.error = error[: JobRun._meta.get_field("error").max_length]  # type: ignore[arg-type]
    run.finished_at = now
    if run.attempts < MAX_ATTEMPTS:
        run.status = RunStatus.RETRYING
        run.next_attempt_at = now + backoff(max(run.attempts, 1))
    else:
        run.status = RunStatus.FAILED
        run.next_attempt_at = None
    run.full_clean(validate_constraints=False)
    with transaction.atomic():
        run.save()
        if run.status == RunStatus.RETRYING:
            _enqueue(run, run_after=run.next_attempt_at)


def job_run_execute(*, run_id: int) -> JobRun | None:
    """Run one queued JobRun (the worker's task): claim it, call its duty with the day it fell
    due, record how long it took and its result; on an error record the error (its kind and
    message; the traceback goes to the log) and retry with backoff. None when there was
    nothing to do."""
    run = _claim(run_id, now=timezone.now())
    if run is None:
        return None
    duty = duty_get(run.duty)
    started = time.monotonic()
    try:
        if duty is None:
            raise LookupError(f"no duty is named {run.duty}")
        day = timezone.localtime(run.due_at).date()
        result = duty.run(day)
    except Exception as error:  # noqa: BLE001 - any error of a duty is recorded, not raised
        logger.exception("job %s %s failed (attempt %s)", run.duty, run.period, run.attempts)
        run.duration_ms = int((time.monotonic() - started) * 1000)
        _failed(run, error=f"{type(error).__name__}: {error}", now=timezone.now())
        return run
    run.duration_ms = int((time.monotonic() - started) * 1000)
    run.status = RunStatus.SUCCEEDED
    run.finished_at = timezone.now()
    run.result = str(result)[: JobRun._meta.get_field("result").max_length]  # type: ignore[index]
    run.error = ""
    run.full_clean(validate_constraints=False)
    run.save()
    return run


def job_run_retry(*, actor: User, run: JobRun) -> JobRun:
    """The administrator tries a failed run again now, with a fresh count of attempts."""
    if not actor.has_perm_to(Perm.JOBS_VIEW):
        raise PermissionDenied
    if run.status != RunStatus.FAILED:
        return run
    run.status = RunStatus.QUEUED
    run.attempts = 0
    run.next_attempt_at = None
    run.result = _("%(name)s 手动重试") % {"name": actor.username}
    run.full_clean(validate_constraints=False)
    with transaction.atomic():
        run.save()
        _enqueue(run)
    return run


def heartbeat_record(
    *, worker_id: str, started_at: datetime.datetime, now: datetime.datetime | None = None
) -> None:
    """The worker is alive (every few seconds, from its heartbeat thread)."""
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"started_at": started_at, "seen_at": now or timezone.now()},
    )
