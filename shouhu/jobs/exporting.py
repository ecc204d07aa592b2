"""Long exports run by the worker (issue 17): asking for one, making it, and forgetting it.

1. `export_run_start`: the page asks; a run is queued (the same export asked again while it is
   queued or being made is that run: a second click changes nothing).
2. `export_run_execute` (the worker's task `run_export`): the kind's `make` runs as the user
   who asked, reporting its progress to the row, which the page polls; the file is kept
   encrypted for EXPORT_KEEP.
3. The duty `jobs.exports_expire` deletes the files older than that; a download after it is
   refused even before the duty has run.
"""

import datetime
import logging
import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from shouhu.accounts.models import User
from shouhu.core.replica import reading_from_replica
from shouhu.core.scoping import may
from shouhu.files.services import attachment_save
from shouhu.jobs.exports import ExportKind, export_kind_get
from shouhu.jobs.models import ExportRun, ExportStatus
from shouhu.jobs.registry import duty
from shouhu.jobs.schedule import Daily

logger = logging.getLogger(__name__)

EXPORT_KEEP = datetime.timedelta(hours=24)
PROGRESS_EVERY_S = 0.5  # the row is written at most this often while a file is being made
UNFINISHED = (ExportStatus.QUEUED, ExportStatus.RUNNING)


def _kind(name: str) -> ExportKind:
    kind = export_kind_get(name)
    if kind is None:
        raise LookupError(f"no export is named {name}")
    return kind


def export_run_start(*, actor: User, kind: str, label: str, params: dict) -> ExportRun:
    """Queue an export for the actor (who must hold the kind's permission), or return the same
    export already queued or being made."""
    export = _kind(kind)
    if not may(actor, export.perm):
        raise PermissionDenied
    same = ExportRun.objects.filter(
        requested_by=actor, kind=kind, params=params, status__in=UNFINISHED
    ).first()
    if same is not None:
        return same
    run = ExportRun(
        kind=kind,
        label=label[:200],
        params=params,
        requested_by=actor,
        created_at=timezone.now(),
    )
    run.full_clean()
    with transaction.atomic():
        run.save()
        run_export.enqueue(run.pk)
    return run


@task()
def run_export(run_id: int) -> str:
    """The task the worker runs for an export run, by its id."""
    run = export_run_execute(run_id=run_id)
    return "" if run is None else run.status


class _Progress:
    """Writes the fraction done and the step to the row, at most every PROGRESS_EVERY_S."""

    def __init__(self, run: ExportRun) -> None:
        self.run = run
        self.written_at = 0.0
        self.stage = ""

    def __call__(self, fraction: float, stage: str) -> None:
        now = time.monotonic()
        if stage == self.stage and now - self.written_at < PROGRESS_EVERY_S:
            return
        self.stage, self.written_at = stage, now
        percent = max(0, min(99, int(fraction * 100)))  # 100 only when the file is saved
        # On the primary by name: the run's progress is not a write the export's reads must see
        # (shouhu.core.replica: a block that writes reads the primary after).
        ExportRun.objects.using(DEFAULT_DB_ALIAS).filter(pk=self.run.pk).update(
            progress=percent, stage=stage[:100]
        )


def _refusal(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    if isinstance(error, Http404):
        return _("所选单位或学期不存在，或不在您的管辖范围内。")
    return str(error) or _("您没有权限导出这份文件。")


def export_run_execute(*, run_id: int) -> ExportRun | None:
    """Make the file of one queued run, as the user who asked. A refusal (no permission any
    more, out of scope, a grant used up) fails the run with its reason; any other error fails
    it with a general message (the traceback goes to the log). None if there was nothing to do
    (the run is not queued: a task delivered twice)."""
    claimed = ExportRun.objects.filter(pk=run_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=timezone.now(), stage=_("开始生成")
    )
    if not claimed:
        return None
    run = ExportRun.objects.select_related("requested_by").get(pk=run_id)
    user = run.requested_by
    try:
        export = _kind(run.kind)
        if not user.is_active or not may(user, export.perm):
            raise PermissionDenied
        # The heavy reads on the replica, unless the user wrote just before asking.
        with reading_from_replica(fresh_since=run.created_at):
            made = export.make(user, run.params, _Progress(run))
    except (PermissionDenied, Http404, ValidationError) as error:
        return _finish(run, status=ExportStatus.FAILED, error=_refusal(error))
    except Exception:  # noqa: BLE001 - recorded on the run; the user may ask again
        logger.exception("export %s (%s) failed", run.kind, run.public_id)
        return _finish(run, status=ExportStatus.FAILED, error=_("生成失败，请稍后重试。"))
    run.file = attachment_save(
        name=made.filename, content_type=made.content_type, data=made.content, by=user
    )
    run.expires_at = timezone.now() + EXPORT_KEEP
    return _finish(run, status=ExportStatus.READY)


def _finish(run: ExportRun, *, status: str, error: str = "") -> ExportRun:
    run.status = status
    run.error = error[:500]
    run.finished_at = timezone.now()
    if status == ExportStatus.READY:
        run.progress, run.stage = 100, _("已完成")
    run.save()
    return run


def export_run_expire(run: ExportRun) -> None:
    """Delete the file of a run past its expiry (the row stays, as the record of the export)."""
    attachment = run.file
    run.status, run.file = ExportStatus.EXPIRED, None
    run.save(update_fields=["status", "file"])
    if attachment is not None:
        attachment.delete()


@duty(name="jobs.exports_expire", label=gettext_lazy("删除过期的导出文件"), schedule=Daily(hour=3))
def exports_expire(day: datetime.date) -> str:
    now = timezone.now()
    expired = ExportRun.objects.filter(status=ExportStatus.READY, expires_at__lte=now)
    count = 0
    for run in expired.select_related("file"):
        export_run_expire(run)
        count += 1
    return f"删除过期导出文件 {count} 个"
