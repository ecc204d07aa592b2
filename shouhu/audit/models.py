"""The record of access to children's data (PIPL: every access recorded)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessAction(models.TextChoices):
    VIEW = "view", _("查看档案")
    CREATE = "create", _("登记")
    UPDATE = "update", _("修改")
    PRINT = "print", _("打印")
    EXPORT = "export", _("导出")
    SEARCH = "search", _("查询名单")


class AccessLog(models.Model):
    """Who touched which child's data (or which query), when and from where. Append-only."""

    user = models.ForeignKey(
        "accounts.User", verbose_name=_("用户"), null=True, on_delete=models.SET_NULL
    )
    action = models.CharField(_("操作"), max_length=10, choices=AccessAction.choices)
    child = models.ForeignKey(
        "registry.Child",
        verbose_name=_("儿童"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    query = models.CharField(_("查询条件"), max_length=500, blank=True, default="")
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("访问记录")
        verbose_name_plural = _("访问记录")
        ordering = ["-at"]
