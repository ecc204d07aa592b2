"""The outbox: one row per message to one person on one channel."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shouhu.core.crypto import EncryptedTextField


class Channel(models.TextChoices):
    SMS = "sms", _("短信")
    EMAIL = "email", _("电子邮件")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("待发送")
    SENDING = "sending", _("发送中")
    HELD = "held", _("静默时段暂缓")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    DROPPED = "dropped", _("超出每日上限未发送")


class Message(models.Model):
    """A message waiting for, or past, delivery. The recipient is a user (a staff member, whose
    channel and address come from their settings) or a bare phone number (a parent, a one-time
    code). The text is encrypted at rest: it may name a child. `dedupe_key` makes queueing
    idempotent: the same event queued twice is one message."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("类别"), max_length=32)
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收件人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    to_address = EncryptedTextField(_("号码或地址"), blank=True, default="")
    # Who the daily cap counts against: "user:<pk>", or the keyed hash of a bare address (the
    # address itself is encrypted and cannot be compared in SQL).
    recipient_key = models.CharField(max_length=80, blank=True, default="", editable=False)
    subject = models.CharField(_("标题"), max_length=120, blank=True, default="")
    body = EncryptedTextField(_("内容"))
    urgent = models.BooleanField(_("紧急"), default=False)
    status = models.CharField(
        _("状态"), max_length=8, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次发送"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    error = models.CharField(_("错误"), max_length=500, blank=True, default="")
    dedupe_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["recipient_key", "sent_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=MessageStatus.values),
                name="notify_message_status_valid",
            ),
        ]


class NotifyPreference(models.Model):
    """A staff member's own choice (账号安全 › 消息通知): the channel their messages go by, and
    whether they get the morning digest. Emergencies (a serious incident) cannot be turned off;
    without a row, SMS and the digest on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="notify_preference",
    )
    channel = models.CharField(
        _("接收方式"), max_length=8, choices=Channel.choices, default=Channel.SMS
    )
    digest = models.BooleanField(_("接收每日早间待办提醒"), default=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("消息通知设置")
        verbose_name_plural = _("消息通知设置")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(channel__in=Channel.values),
                name="notify_preference_channel_valid",
            ),
        ]
