"""控辍保学: the suspected-dropout ledger (疑似辍学), the dropout case and its 劝返 (persuade to
return), the school's monthly report (一月一报告), the county's quarterly review (一季度一复核)
and the comparison with the student-status list (四查三比对). Nothing here is ever deleted: an
entry is cleared and a case closed, each with a reason.

The three ledgers of the county: 适龄儿童台账 is the register itself (registry.Child), 疑似辍学学生
台账 is `SuspectedDropout`, 辍学学生台账 is `DropoutCase`.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shouhu.core.crypto import EncryptedTextField
from shouhu.core.roles import Perm
from shouhu.core.scoping import ScopedQuerySet, TreePath
from shouhu.core.text import length_cap

# A case is the school's, the township's and the county's business (privacy matrix: dropout
# cases): the child's class, school and home region lead to it; a volunteer's pairing does not.
CASE_SCOPE = TreePath(
    regions=("child__school_class__school__region__code", "child__home_region__code"),
    school="child__school_class__school_id",
    school_class="child__school_class_id",
    perm=Perm.CHILD_VIEW,
)


class SuspectRule(models.TextChoices):
    """Why a child entered the suspected ledger (each threshold a setting)."""

    ABSENT_DAYS = "absent_days", _("连续无故缺勤")
    FIRST_WEEK = "first_week", _("开学第一周未到校")
    LEFT_NO_PAPERS = "left_no_papers", _("离开名册无转学手续")
    ROLL_CHECK = "roll_check", _("名在人不在（学籍比对）")


class SuspectStatus(models.TextChoices):
    OPEN = "open", _("待核实")
    CONFIRMED = "confirmed", _("确认辍学")
    CLEARED = "cleared", _("已排除")


class SuspectQuerySet(ScopedQuerySet):
    scope = CASE_SCOPE

    def open(self) -> "SuspectQuerySet":
        return self.filter(status=SuspectStatus.OPEN)


class SuspectedDropout(models.Model):
    """An entry of the 疑似辍学 ledger: the school confirms (a case opens) or clears it within
    `SHOUHU_DROPOUT_HANDLE_DAYS` school days; not handled in time, it goes to the school leader."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(
        "registry.Child", verbose_name=_("学生"), on_delete=models.PROTECT, related_name="+"
    )
    school = models.ForeignKey(
        "org.School", verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+"
    )
    rule = models.CharField(_("发现途径"), max_length=20, choices=SuspectRule.choices)
    detail = models.CharField(_("情况"), max_length=200, blank=True, default="")
    found_on = models.DateField(_("发现日期"))
    due_on = models.DateField(_("核实期限"))
    status = models.CharField(
        _("状态"), max_length=10, choices=SuspectStatus.choices, default=SuspectStatus.OPEN
    )
    handled_on = models.DateField(_("核实日期"), null=True, blank=True)
    handled_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_note = models.CharField(_("核实说明"), max_length=200, blank=True, default="")
    case = models.OneToOneField(
        "DropoutCase", null=True, blank=True, on_delete=models.PROTECT, related_name="suspect"
    )

    objects = SuspectQuerySet.as_manager()

    class Meta:
        verbose_name = _("疑似辍学")
        verbose_name_plural = _("疑似辍学学生台账")
        ordering = ["-found_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=Q(status="open"), name="one_open_suspect_per_child"
            ),
        ]
        indexes = [models.Index(fields=["school", "status", "due_on"])]


class CaseState(models.TextChoices):
    """The case's states; the last four are the other ways out, and a mistaken case's close."""

    REGISTERED = "registered", _("已登记")
    PERSUADING = "persuading", _("劝返中")
    RETURNED = "returned", _("已复学")
    FOLLOWING = "following", _("跟踪中")
    WRITTEN_OFF = "written_off", _("已销号")
    TRANSFERRED = "transferred", _("转学")
    MEDICAL = "medical", _("因病缓学")
    OTHER = "other", _("其他")
    MISTAKEN = "mistaken", _("误报关闭")


OPEN_STATES = (CaseState.REGISTERED, CaseState.PERSUADING)
ACTIVE_STATES = (*OPEN_STATES, CaseState.RETURNED, CaseState.FOLLOWING)


class DropoutCause(models.TextChoices):
    POVERTY = "poverty", _("家庭经济困难")
    WEARY = "weary", _("厌学")
    WORK = "work", _("外出打工")
    FAMILY = "family", _("家庭变故、无人监护")
    ILLNESS = "illness", _("疾病、残疾")
    MARRIAGE = "marriage", _("早婚早育")
    OTHER = "other", _("其他")


class CaseQuerySet(ScopedQuerySet):
    scope = CASE_SCOPE

    def open(self) -> "CaseQuerySet":
        """Not back in school yet (已登记, 劝返中): the 辍学学生台账's open rows."""
        return self.filter(state__in=OPEN_STATES)

    def active(self) -> "CaseQuerySet":
        """Still on the dropout ledger: open, or back and not yet written off (动态销号)."""
        return self.filter(state__in=ACTIVE_STATES)


TEXT_CAP = 2000


class DropoutCase(models.Model):
    """A dropout case (辍学, 篇十四): registered, persuaded back (劝返), returned, followed up and
    written off (销号); or closed by transfer, medical deferral or another reason, with evidence.
    The cause, the guardian's opinion and what the family said are encrypted at rest."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(
        "registry.Child", verbose_name=_("学生"), on_delete=models.PROTECT, related_name="+"
    )
    school = models.ForeignKey(
        "org.School", verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("状态"), max_length=12, choices=CaseState.choices, default=CaseState.REGISTERED
    )
    registered_on = models.DateField(_("登记日期"))
    registered_by = models.ForeignKey(
        "accounts.User", verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    cause = models.CharField(
        _("辍学原因"), max_length=10, choices=DropoutCause.choices, default=DropoutCause.OTHER
    )
    cause_note = EncryptedTextField(
        _("原因说明"), blank=True, default="", validators=[length_cap(TEXT_CAP)]
    )
    guardian_opinion = EncryptedTextField(
        _("监护人意见"), blank=True, default="", validators=[length_cap(TEXT_CAP)]
    )
    plan_staff = models.CharField(_("劝返人员（学校）"), max_length=100, blank=True, default="")
    plan_cadre = models.CharField(_("村干部"), max_length=60, blank=True, default="")
    plan_township = models.CharField(_("乡镇人员"), max_length=60, blank=True, default="")
    plan_note = models.TextField(
        _("劝返方案"), blank=True, default="", validators=[length_cap(TEXT_CAP)]
    )
    proposal = models.TextField(
        _("学校意见和建议"), blank=True, default="", validators=[length_cap(TEXT_CAP)]
    )
    outcome = models.CharField(_("劝返结果"), max_length=200, blank=True, default="")
    returned_on = models.DateField(_("复学日期"), null=True, blank=True)
    report_due_on = models.DateField(_("书面报告期限"))
    report_filed_on = models.DateField(_("书面报告报送日期"), null=True, blank=True)
    report_filed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    close_reason = models.CharField(_("结案理由"), max_length=200, blank=True, default="")
    close_evidence = models.ForeignKey(
        "files.Attachment",
        verbose_name=_("证明材料"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("辍学学生")
        verbose_name_plural = _("辍学学生台账")
        ordering = ["-registered_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(state__in=["registered", "persuading", "returned", "following"]),
                name="one_active_dropout_case_per_child",
            ),
        ]
        indexes = [models.Index(fields=["school", "state"])]

    def __str__(self) -> str:
        return f"{self.child} {self.get_state_display()}"


class AttemptWay(models.TextChoices):
    HOME_VISIT = "home_visit", _("上门家访")
    PHONE = "phone", _("电话")
    TALK = "talk", _("约谈")
    OTHER = "other", _("其他")


class CaseRowQuerySet(ScopedQuerySet):
    scope = CASE_SCOPE.via("case__")


class PersuasionAttempt(models.Model):
    """One persuasion attempt (劝返): when, who went, how, what the family said."""

    case = models.ForeignKey(DropoutCase, on_delete=models.PROTECT, related_name="attempts")
    done_on = models.DateField(_("日期"))
    who = models.CharField(_("劝返人员"), max_length=100)
    way = models.CharField(_("方式"), max_length=12, choices=AttemptWay.choices)
    family_said = EncryptedTextField(
        _("家庭反馈"), blank=True, default="", validators=[length_cap(TEXT_CAP)]
    )
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = CaseRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("劝返记录")
        verbose_name_plural = _("劝返记录")
        ordering = ["done_on", "id"]


class FollowUpCheck(models.Model):
    """A monthly check after the child returned (attendance, a talk): 销号 waits for them."""

    case = models.ForeignKey(DropoutCase, on_delete=models.PROTECT, related_name="checks")
    done_on = models.DateField(_("日期"))
    attending = models.BooleanField(_("正常到校"), default=True)
    talk = models.CharField(_("谈话情况"), max_length=300, blank=True, default="")
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    objects = CaseRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("复学跟踪")
        verbose_name_plural = _("复学跟踪")
        ordering = ["done_on", "id"]


class SchoolRowQuerySet(ScopedQuerySet):
    scope = TreePath(regions=("school__region__code",), school="school_id")


class MonthlyReport(models.Model):
    """一月一报告: the school's monthly report on suspected and confirmed dropouts, submitted by
    the school leader; the figures are frozen at submission."""

    school = models.ForeignKey("org.School", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("月份"))  # the month's first day
    submitted_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("报送时间"))
    figures = models.JSONField(_("数据"), default=dict)
    note = models.CharField(_("说明"), max_length=300, blank=True, default="")

    objects = SchoolRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("控辍保学月报")
        verbose_name_plural = _("控辍保学月报")
        constraints = [
            models.UniqueConstraint(fields=["school", "month"], name="one_monthly_report"),
        ]


class ReviewDecision(models.TextChoices):
    CONFIRMED = "confirmed", _("复核通过")
    SENT_BACK = "sent_back", _("退回")


class QuarterReview(models.Model):
    """一季度一复核: the county's review of a school's ledger entries for a quarter. A school
    sent back answers and is reviewed again; every review is kept."""

    school = models.ForeignKey("org.School", on_delete=models.PROTECT, related_name="+")
    quarter = models.CharField(_("季度"), max_length=7)  # 2026-Q4
    decision = models.CharField(_("复核结论"), max_length=10, choices=ReviewDecision.choices)
    note = models.CharField(_("复核意见"), max_length=300, blank=True, default="")
    reviewed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("复核时间"))

    objects = SchoolRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("季度复核")
        verbose_name_plural = _("季度复核")
        ordering = ["-reviewed_at", "-id"]
        indexes = [models.Index(fields=["school", "quarter"])]
