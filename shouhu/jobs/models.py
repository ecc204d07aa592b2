"""The record of every scheduled job and the worker's heartbeat (issue 17, "Jobs that run on
time"). The queue itself is django-tasks-db's table; these rows say what ran, when, for how
long, with what result or error, and whether the worker is alive."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("运行中")
    RETRYING = "retrying", _("等待重试")
    SUCCEEDED = "succeeded", _("成功")
    FAILED = "failed", _("失败")


class JobRun(models.Model):
    """One run of a duty for one period (a day, a month). The (duty, period) pair is unique:
    a second scheduler pass, a catch-up after the server was off, or a task delivered twice
    finds the row and does nothing new. A failed run is retried with backoff; after
    MAX_ATTEMPTS it stays failed and shows on the administrator's page."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    duty = models.CharField(_("任务"), max_length=64)
    period = models.CharField(_("周期"), max_length=16)
    due_at = models.DateTimeField(_("应运行时间"))
    status = models.CharField(
        _("状态"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    enqueued_at = models.DateTimeField(_("入队时间"))
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("耗时（毫秒）"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("下次重试"), null=True, blank=True)
    result = models.CharField(_("结果"), max_length=500, blank=True, default="")
    error = models.CharField(_("错误"), max_length=1000, blank=True, default="")

    class Meta:
        verbose_name = _("定时任务运行")
        verbose_name_plural = _("定时任务运行")
        constraints = [
            models.UniqueConstraint(fields=["duty", "period"], name="jobs_run_once_per_period"),
            models.CheckConstraint(
                condition=models.Q(status__in=RunStatus.values), name="jobs_run_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["duty", "-due_at"]),
            models.Index(fields=["status", "-due_at"]),
        ]


class WorkerHeartbeat(models.Model):
    """The last sign of life of each `shouhu worker` process, for /healthz."""

    worker_id = models.CharField(_("进程"), max_length=64, unique=True)
    started_at = models.DateTimeField(_("启动时间"))
    seen_at = models.DateTimeField(_("最近心跳"), db_index=True)

    class Meta:
        verbose_name = _("任务进程心跳")
        verbose_name_plural = _("任务进程心跳")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    READY = "ready", _("可以下载")
    FAILED = "failed", _("失败")
    EXPIRED = "expired", _("已过期")


class ExportRun(models.Model):
    """A long export (a county's workbook, a city's summary PDF) made by the worker instead of
    inside a request. Only the user who asked for it sees it and downloads the file, which is
    kept encrypted (`files.Attachment`) for EXPORT_KEEP (24 hours) and then deleted."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("类型"), max_length=64)
    label = models.CharField(_("文件"), max_length=200)
    params = models.JSONField(_("参数"), default=dict)
    requested_by = models.ForeignKey(
        "accounts.User", verbose_name=_("申请人"), on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    stage = models.CharField(_("当前步骤"), max_length=100, blank=True, default="")
    created_at = models.DateTimeField(_("申请时间"))
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    file = models.ForeignKey(
        "files.Attachment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.CharField(_("错误"), max_length=500, blank=True, default="")

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        indexes = [models.Index(fields=["requested_by", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="jobs_export_progress_percent"
            ),
        ]
