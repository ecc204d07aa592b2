"""The record of access to children's data (PIPL: every access recorded), the guardians'
requests to see, correct or delete it, and the erasures (anonymisations) done.

The access log is append-only: a row can be written, never changed or deleted through the
application (`save()` of an existing row, `delete()` and queryset `update()`/`delete()` raise).
On PostgreSQL a trigger refuses the same at the database (`shouhu.audit.guards`).
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shouhu.core.crypto import EncryptedTextField
from shouhu.core.scoping import AnyOf, ChildRowQuerySet, ScopedQuerySet, Via
from shouhu.core.text import length_cap


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete a row of a log."""


class AccessAction(models.TextChoices):
    VIEW = "view", _("查看档案")
    CREATE = "create", _("登记")
    UPDATE = "update", _("修改")
    PRINT = "print", _("打印")
    EXPORT = "export", _("导出")
    SEARCH = "search", _("查询名单")
    REVEAL = "reveal", _("查看完整信息")
    DENIED = "denied", _("越权访问被拒")
    # Accounts (issue 12, point 13): the account concerned is named in `query`.
    ACCOUNT_CREATE = "acct_new", _("创建账号")
    ACCOUNT_UPDATE = "acct_edit", _("修改账号")
    ACCOUNT_DEACTIVATE = "acct_off", _("停用账号")
    ACCOUNT_REACTIVATE = "acct_on", _("启用账号")
    PASSWORD_RESET = "pwd_reset", _("重置密码")
    PASSWORD_CHANGE = "pwd_change", _("修改密码")
    TWO_FACTOR_RESET = "2fa_reset", _("重置两步验证")


class AccessLogQuerySet(ScopedQuerySet):
    # A row about a child is seen with the child; a row without one (a search, a sign-in) with
    # the account that wrote it.
    scope = AnyOf(
        cases=(
            (Q(child__isnull=False), Via("child")),
            (Q(child__isnull=True), Via("user", subquery=True)),
        )
    )

    def update(self, **kwargs):
        raise AppendOnlyError("The access log is append-only.")

    def delete(self):
        raise AppendOnlyError("The access log is append-only.")


class AccessLog(models.Model):
    """Who touched which child's data (or which query), when and from where. Append-only.

    A reveal also names the field and the reason the user typed. The child is protected: a file
    whose access was logged is anonymised (`shouhu.audit.shredder`), never deleted.
    """

    user = models.ForeignKey(
        "accounts.User", verbose_name=_("用户"), null=True, on_delete=models.SET_NULL
    )
    action = models.CharField(_("操作"), max_length=10, choices=AccessAction.choices)
    child = models.ForeignKey(
        "registry.Child",
        verbose_name=_("儿童"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    query = models.CharField(_("查询条件"), max_length=500, blank=True, default="")
    field = models.CharField(_("字段"), max_length=30, blank=True, default="")
    reason = models.CharField(_("理由"), max_length=200, blank=True, default="")
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    # A parent on the parents' channel (家长端) is no user: the row names them by the keyed hash
    # of the phone they logged in with (`user` is empty), never by the number itself.
    parent_key = models.CharField(_("家长"), max_length=64, blank=True, default="")

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("访问记录")
        verbose_name_plural = _("访问记录")
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["user", "at"]),
            models.Index(fields=["child", "at"]),
        ]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("An access-log row cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("An access-log row cannot be deleted.")


class ExportGrant(models.Model):
    """The privacy officer's permission for one export with ID numbers and phones unmasked.

    Used once: the export that uses it stamps `used_at`. Both the grant and its use are logged.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    grantee = models.ForeignKey(
        "accounts.User", verbose_name=_("被授权人"), on_delete=models.PROTECT, related_name="+"
    )
    granted_by = models.ForeignKey(
        "accounts.User", verbose_name=_("批准人"), on_delete=models.PROTECT, related_name="+"
    )
    scope_code = models.CharField(_("导出范围代码"), max_length=12)
    reason = models.CharField(_("用途"), max_length=200)
    granted_at = models.DateTimeField(_("批准时间"), auto_now_add=True)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("完整导出授权")
        verbose_name_plural = _("完整导出授权")
        ordering = ["-granted_at"]


class RequestKind(models.TextChoices):
    """What a guardian may ask of the child's data (PIPL arts. 44–47)."""

    ACCESS = "access", _("查阅、复制")
    CORRECTION = "correction", _("更正、补充")
    DELETION = "deletion", _("删除")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("待办理")
    DONE = "done", _("已办结")
    REFUSED = "refused", _("不予办理")


class RequestShow(models.TextChoices):
    """Which requests the privacy office's list shows: overdue ones are open past their due day."""

    OPEN = "open", _("办理中")
    OVERDUE = "overdue", _("已逾期")
    ALL = "all", _("全部")


class GuardianRequest(models.Model):
    """A parent's or guardian's request to see, correct or delete a child's data, with the date
    it is due. The privacy officer records and closes it; a granted deletion anonymises the file
    through the shredder (`shouhu.audit.shredder`)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(
        "registry.Child", verbose_name=_("儿童"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("请求类型"), max_length=12, choices=RequestKind.choices)
    requester_name = models.CharField(_("申请人姓名"), max_length=30)
    requester_relation = models.CharField(_("与儿童关系"), max_length=20)
    requester_phone = EncryptedTextField(
        _("申请人电话"), blank=True, default="", validators=[length_cap(20)]
    )
    details = EncryptedTextField(
        _("请求内容"), blank=True, default="", validators=[length_cap(1000)]
    )
    received_on = models.DateField(_("收到日期"))
    due_on = models.DateField(_("办理期限"), db_index=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    resolution = models.CharField(_("办理结果"), max_length=300, blank=True, default="")
    resolved_on = models.DateField(_("办结日期"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Empty when the parent filed the request themselves on the parents' channel (家长端).
    recorded_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ChildRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("监护人权利请求")
        verbose_name_plural = _("监护人权利请求")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("received_on")),
                name="request_due_after_received",
            ),
        ]


class ErasureReason(models.TextChoices):
    LEFT_REGISTER = "left_register", _("离开名册已满保存期限")
    ADULT = "adult", _("年满18周岁")
    REQUEST = "request", _("监护人申请删除")


class Erasure(models.Model):
    """A child's file anonymised: personal details gone, the counts of past terms kept.

    One per child; the retention command skips children who have one."""

    child = models.OneToOneField(
        "registry.Child", verbose_name=_("儿童"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("原因"), max_length=20, choices=ErasureReason.choices)
    request = models.ForeignKey(
        GuardianRequest,
        verbose_name=_("依据的请求"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    objects = ChildRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("匿名化记录")
        verbose_name_plural = _("匿名化记录")
        ordering = ["-at"]
