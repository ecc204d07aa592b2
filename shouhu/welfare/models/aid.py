"""Aid (资助·救助, 篇十四): money a child's family receives, proposed by the head teacher,
approved by the school leader or, for the kinds civil affairs decides, by the township or county
civil-affairs officer; and the public notice (公示) of a school's approved aid for a term.

A decided record (approved or rejected) is never edited: a mistake is corrected by a new record
that points to it (`corrects`); once the correction is approved, it counts instead of the old.
"""

import datetime
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shouhu.core.scoping import ChildRowQuerySet, ScopedQuerySet, TreePath
from shouhu.core.text import length_cap

# One record's amount, in 元: a medical relief may reach tens of thousands; more is a typo.
AID_MAX_AMOUNT = Decimal("100000.00")
AID_MIN_AMOUNT = Decimal("0.01")
REASON_MAX_LENGTH = 500


class AidKind(models.TextChoices):
    HARDSHIP_GRANT = "hardship_grant", _("家庭经济困难学生生活补助")
    LOW_INCOME = "low_income", _("低保")
    EXTREME_POVERTY = "extreme_poverty", _("特困供养")
    TEMPORARY_RELIEF = "temporary_relief", _("临时救助")
    MEDICAL_RELIEF = "medical_relief", _("医疗救助")
    NUTRITION = "nutrition", _("营养改善计划")
    DONATION = "donation", _("社会捐赠")
    OTHER = "other", _("其他")


# The kinds civil affairs decides (篇十四): the school refers them to the civil-affairs officer.
CIVIL_KINDS: frozenset[str] = frozenset(
    {
        AidKind.LOW_INCOME,
        AidKind.EXTREME_POVERTY,
        AidKind.TEMPORARY_RELIEF,
        AidKind.MEDICAL_RELIEF,
    }
)


class AidStatus(models.TextChoices):
    PROPOSED = "proposed", _("待学校审批")
    REFERRED = "referred", _("已转民政部门认定")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


DECIDED = (AidStatus.APPROVED, AidStatus.REJECTED)


class AidRecordQuerySet(ChildRowQuerySet):
    def decided(self) -> "AidRecordQuerySet":
        return self.filter(status__in=DECIDED)

    def effective(self) -> "AidRecordQuerySet":
        """The aid that counts: approved, and not replaced by an approved correction. The one
        definition behind the public notice, the totals and the eligibility hints."""
        return self.filter(status=AidStatus.APPROVED).exclude(
            corrected_by__status=AidStatus.APPROVED
        )

    def awaiting_school(self) -> "AidRecordQuerySet":
        return self.filter(status=AidStatus.PROPOSED)

    def awaiting_civil_affairs(self) -> "AidRecordQuerySet":
        return self.filter(status=AidStatus.REFERRED)


class AidRecord(models.Model):
    """One aid to one child for a term: kind, amount, source, and the decision behind it.

    1. The head teacher proposes, with the reason (`proposed_*`).
    2. The school leader approves or rejects, with a note (`reviewed_*`); not the proposer.
    3. A kind of `CIVIL_KINDS` approved by the school is referred to the civil-affairs officer
       of the child's township or county, who records the decision (`decided_*`). For the other
       kinds the school's approval is the decision.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(
        "registry.Child", verbose_name=_("儿童"), on_delete=models.CASCADE, related_name="aid"
    )
    # Where the child was when proposed: the notice and totals stay with that school and grade.
    school_class = models.ForeignKey(
        "org.SchoolClass", verbose_name=_("班级"), on_delete=models.PROTECT, related_name="+"
    )
    term = models.ForeignKey(
        "org.Term", verbose_name=_("资助学期"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("资助类型"), max_length=20, choices=AidKind.choices)
    amount = models.DecimalField(
        _("金额（元）"),
        max_digits=9,
        decimal_places=2,
        validators=[
            MinValueValidator(AID_MIN_AMOUNT, _("金额必须大于0元。")),
            MaxValueValidator(AID_MAX_AMOUNT, _("金额不能超过100000元，请核对。")),
        ],
    )
    source = models.CharField(_("资金来源（部门或捐赠人）"), max_length=80)
    reason = models.TextField(_("申请理由"), validators=[length_cap(REASON_MAX_LENGTH)])
    status = models.CharField(
        _("状态"), max_length=10, choices=AidStatus.choices, default=AidStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        "accounts.User", verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_on = models.DateField(_("申请日期"))
    reviewed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("学校审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_on = models.DateField(_("学校审批日期"), null=True, blank=True)
    review_note = models.CharField(_("学校审批意见"), max_length=200, blank=True, default="")
    decided_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("认定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    decision_note = models.CharField(_("认定意见"), max_length=200, blank=True, default="")
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)
    evidence = models.ForeignKey(
        "files.Attachment",
        verbose_name=_("凭证扫描件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("更正的记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrected_by",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = AidRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("资助·救助记录")
        verbose_name_plural = _("资助·救助记录")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Q(amount__lte=AID_MAX_AMOUNT),
                name="aid_amount_in_range",
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=models.F("proposed_on")),
                name="aid_decided_after_proposed",
            ),
            models.CheckConstraint(
                condition=Q(paid_on__isnull=True) | Q(paid_on__gte=models.F("decided_on")),
                name="aid_paid_after_decided",
            ),
        ]
        indexes = [models.Index(fields=["term", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}元"

    @property
    def civil(self) -> bool:
        """Decided by civil affairs, not by the school."""
        return self.kind in CIVIL_KINDS

    @property
    def decided(self) -> bool:
        return self.status in DECIDED

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.reviewed_on and self.proposed_on and self.reviewed_on < self.proposed_on:
            errors["reviewed_on"] = _("审批日期不能早于申请日期。")
        if self.decided_on and self.proposed_on and self.decided_on < self.proposed_on:
            errors["decided_on"] = _("决定日期不能早于申请日期。")
        if self.paid_on and (self.decided_on is None or self.paid_on < self.decided_on):
            errors["paid_on"] = _("发放日期不能早于决定日期。")
        if self.amount is not None and self.amount.as_tuple().exponent < -2:  # type: ignore[operator]
            errors["amount"] = _("金额最多保留两位小数。")
        if errors:
            raise ValidationError(errors)


class AidNoticeQuerySet(ScopedQuerySet):
    scope = TreePath(regions=("school__region__code",), school="school_id")


class AidNotice(models.Model):
    """The public notice (公示) of a school's approved aid for a term, with its notice period.

    The list itself is read from the records each time it is shown (`aid_notice_for`); this row
    holds the period the school posts it for, and who set it."""

    school = models.ForeignKey(
        "org.School", verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+"
    )
    term = models.ForeignKey(
        "org.Term", verbose_name=_("学期"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("公示开始日期"))
    ends_on = models.DateField(_("公示结束日期"))
    set_by = models.ForeignKey(
        "accounts.User", verbose_name=_("设置人"), on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField(auto_now=True)

    objects = AidNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("资助公示")
        verbose_name_plural = _("资助公示")
        constraints = [
            models.UniqueConstraint(fields=["school", "term"], name="one_aid_notice_per_term"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="aid_notice_ends_after_start"
            ),
        ]

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("公示结束日期不能早于开始日期。")})

    def running_on(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on
