"""The parents' channel's own rows: one-time codes, parents' messages, agreement confirmations."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shouhu.core.crypto import EncryptedTextField
from shouhu.core.scoping import ChildRowQuerySet
from shouhu.core.text import length_cap

MESSAGE_MAX_LENGTH = 300
REPLY_MAX_LENGTH = 300


class CodePurpose(models.TextChoices):
    LOGIN = "login", _("登录")
    PHONE_CHANGE = "phone", _("更换手机号")


class LoginCode(models.Model):
    """A one-time code sent by SMS (6 digits, 5 minutes). Stored as a keyed hash, with the
    number's keyed hash: a number on no file gets a row too, so that the sending limits and the
    answer are the same for every number (no enumeration)."""

    phone_index = models.CharField(max_length=64, db_index=True)
    purpose = models.CharField(max_length=8, choices=CodePurpose.choices)
    code_hash = models.CharField(max_length=64)
    # For a phone change: the number being moved away from (the logged-in parent's).
    owner_index = models.CharField(max_length=64, blank=True, default="")
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    wrong_tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("验证码")
        verbose_name_plural = _("验证码")
        indexes = [models.Index(fields=["client_ip", "created_at"])]


class ParentMessage(models.Model):
    """A parent's message to the head teacher and the proxy parent about one child.

    It is not a care action when written: the parent's words are no care work, and counting them
    would let a quota be met by a parent writing in. The teacher's reply is: it records a care
    action of kind 与家长通话 by the teacher who replied (`care_action`), counted toward that
    quota where the region's switch allows (`reply_counting.parent_reply_counts`)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(
        "registry.Child", verbose_name=_("儿童"), on_delete=models.CASCADE, related_name="+"
    )
    parent = models.ForeignKey(
        "registry.Parent", verbose_name=_("家长"), on_delete=models.CASCADE, related_name="+"
    )
    body = EncryptedTextField(_("留言"), validators=[length_cap(MESSAGE_MAX_LENGTH)])
    sent_at = models.DateTimeField(_("留言时间"), db_index=True)
    reply = EncryptedTextField(
        _("回复"), blank=True, default="", validators=[length_cap(REPLY_MAX_LENGTH)]
    )
    replied_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("回复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    care_action = models.ForeignKey(
        "care.CareAction",
        verbose_name=_("关爱记录"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        # No constraint in the database: care actions are partitioned by month on PostgreSQL,
        # and a foreign key into them must name their (id, done_on) (docs/scale.md, Partitions).
        db_constraint=False,
        related_name="+",
    )

    objects = ChildRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("家长留言")
        verbose_name_plural = _("家长留言")
        ordering = ["-sent_at", "-id"]


class AgreementConfirmation(models.Model):
    """A parent's confirmation, on the parents' channel, that they read the guardian agreement
    (委托监护责任确认书): who (the parent on the file) and when."""

    agreement = models.ForeignKey(
        "welfare.GuardianAgreement", on_delete=models.CASCADE, related_name="+"
    )
    parent = models.ForeignKey("registry.Parent", on_delete=models.CASCADE, related_name="+")
    confirmed_at = models.DateTimeField(_("确认时间"))

    class Meta:
        verbose_name = _("家长确认")
        verbose_name_plural = _("家长确认")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "parent"], name="one_confirmation_per_parent"
            ),
        ]


class ReplyCountSetting(models.Model):
    """A region's switch: does a teacher's reply to a parent's message (家长端留言) count toward
    the 与家长通话 quota? Set by the region's officer on the quota settings page; it holds for
    the region and every region and school below it that has no switch of its own. Where no
    region above has one, SHOUHU_PARENT_REPLY_COUNTS is the default. Every change is kept
    (`history`) and logged."""

    region = models.OneToOneField(
        "org.Region", verbose_name=_("区划"), on_delete=models.CASCADE, related_name="+"
    )
    counts = models.BooleanField(_("家长留言的回复计入与家长通话要求"))
    set_by = models.ForeignKey(
        "accounts.User", verbose_name=_("设置人"), on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField(_("设置时间"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("家长留言计入设置")
        verbose_name_plural = _("家长留言计入设置")
