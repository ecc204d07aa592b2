"""Guardianship (监护, 篇十一, 篇十四): the entrusted guardian's agreement (委托监护责任确认书),
guardian training (隔代家长培训 / 家长学校), commendations (优秀家长) and the referral of a child
without household registration (无户籍) to the police station."""

import datetime
import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shouhu.core.roles import Perm
from shouhu.core.scoping import ChildRowQuerySet, ScopedQuerySet, TreePath

# An agreement runs one year; the lists warn this many days before it ends.
AGREEMENT_EXPIRY_WARNING_DAYS = 30
# Guardian training sessions owed per guardian and term (one or two, 篇十一): the quota is met
# with one, two is the good practice the figures also show.
TRAINING_PER_TERM = 1
TRAINING_GOOD_PER_TERM = 2


def agreement_end(starts_on: datetime.date) -> datetime.date:
    """The last day of an agreement begun on `starts_on`: a year less a day (29 February → 28th)."""
    try:
        same_day = starts_on.replace(year=starts_on.year + 1)
    except ValueError:
        same_day = starts_on.replace(year=starts_on.year + 1, day=28) + datetime.timedelta(days=1)
    return same_day - datetime.timedelta(days=1)


class AgreementStatus(models.TextChoices):
    UNSIGNED = "unsigned", _("待签署")
    VALID = "valid", _("有效")
    EXPIRING = "expiring", _("30天内到期")
    EXPIRED = "expired", _("已过期")


def agreement_status(
    *, signed_on: datetime.date | None, ends_on: datetime.date, day: datetime.date
) -> AgreementStatus:
    """The one rule of an agreement's state on a day (`AgreementQuerySet` says the same in SQL)."""
    if ends_on < day:
        return AgreementStatus.EXPIRED
    if signed_on is None:
        return AgreementStatus.UNSIGNED
    if (ends_on - day).days < AGREEMENT_EXPIRY_WARNING_DAYS:
        return AgreementStatus.EXPIRING
    return AgreementStatus.VALID


class AgreementQuerySet(ChildRowQuerySet):
    def in_force(self, day: datetime.date) -> "AgreementQuerySet":
        """Signed, begun by the day and not ended before it."""
        return self.filter(signed_on__isnull=False, starts_on__lte=day, ends_on__gte=day)

    def latest_per_child(self) -> "AgreementQuerySet":
        """Each child's newest agreement (the one the lists judge)."""
        newer = GuardianAgreement.objects.filter(
            child_id=models.OuterRef("child_id"), starts_on__gt=models.OuterRef("starts_on")
        )
        return self.exclude(models.Exists(newer))


class GuardianAgreement(models.Model):
    """委托监护责任确认书 (篇十四): the parents entrust the child to the guardian for one year.

    The names are copied from the child's file when the agreement is drawn up, so the signed
    paper and the record say the same even after the file changes. Signed by both parties: the
    date and the scan are recorded together. Renewed yearly by a new agreement."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(
        "registry.Child",
        verbose_name=_("儿童"),
        on_delete=models.CASCADE,
        related_name="guardian_agreements",
    )
    guardian_name = models.CharField(_("委托监护人"), max_length=30)
    guardian_relation = models.CharField(_("与儿童关系"), max_length=20, blank=True, default="")
    father_name = models.CharField(_("父亲姓名"), max_length=30, blank=True, default="")
    mother_name = models.CharField(_("母亲姓名"), max_length=30, blank=True, default="")
    starts_on = models.DateField(_("起始日期"))
    ends_on = models.DateField(_("截止日期"))
    signed_on = models.DateField(_("签署日期"), null=True, blank=True)
    scan = models.ForeignKey(
        "files.Attachment",
        verbose_name=_("签署扫描件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("起草人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("委托监护责任确认书")
        verbose_name_plural = _("委托监护责任确认书")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="agreement_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(signed_on__isnull=True, scan__isnull=True)
                | Q(signed_on__isnull=False, scan__isnull=False),
                name="agreement_signed_with_scan",
            ),
            models.UniqueConstraint(fields=["child", "starts_on"], name="one_agreement_per_start"),
        ]
        indexes = [models.Index(fields=["child", "starts_on"])]

    def status(self, day: datetime.date) -> AgreementStatus:
        return agreement_status(signed_on=self.signed_on, ends_on=self.ends_on, day=day)


class TrainingSessionQuerySet(ScopedQuerySet):
    # A session is the school's (家长学校); a class's session is its head teacher's too.
    scope = TreePath(
        regions=("school__region__code",),
        school="school_id",
        school_class="school_class_id",
        perm=Perm.CHILD_VIEW,
    )


class TrainingSession(models.Model):
    """A guardian training session (隔代家长培训 / 家长学校, 篇十一): a date, a topic, and the
    guardians who came."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(
        "org.School", verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+"
    )
    school_class = models.ForeignKey(
        "org.SchoolClass",
        verbose_name=_("班级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    held_on = models.DateField(_("日期"), db_index=True)
    topic = models.CharField(_("主题"), max_length=100)
    speaker = models.CharField(_("主讲人"), max_length=30, blank=True, default="")
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TrainingSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("家长培训")
        verbose_name_plural = _("家长培训")
        ordering = ["-held_on", "-pk"]


class TrainingAttendance(models.Model):
    """One guardian at a session, named by the child they care for (the guardian on file)."""

    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("培训"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    child = models.ForeignKey(
        "registry.Child",
        verbose_name=_("儿童"),
        on_delete=models.CASCADE,
        related_name="training_attendances",
    )
    guardian_name = models.CharField(_("参训监护人"), max_length=30)

    objects = ChildRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("家长培训出勤")
        verbose_name_plural = _("家长培训出勤")
        constraints = [
            models.UniqueConstraint(fields=["session", "child"], name="one_attendance_per_child"),
        ]


class Commendation(models.Model):
    """优秀家长 (篇十一): a parent or guardian commended for a term, with the reason."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(
        "registry.Child", verbose_name=_("儿童"), on_delete=models.CASCADE, related_name="+"
    )
    term = models.ForeignKey(
        "org.Term", verbose_name=_("学期"), on_delete=models.PROTECT, related_name="+"
    )
    person_name = models.CharField(_("家长姓名"), max_length=30)
    relation = models.CharField(_("与儿童关系"), max_length=20)
    reason = models.CharField(_("表彰理由"), max_length=300)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ChildRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("优秀家长")
        verbose_name_plural = _("优秀家长")
        ordering = ["-term__starts_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "term", "person_name"], name="one_commendation_per_person_term"
            ),
        ]


class HukouReferralQuerySet(ChildRowQuerySet):
    def open(self) -> "HukouReferralQuerySet":
        return self.filter(registered_on__isnull=True)


class HukouReferral(models.Model):
    """A child without household registration (无户籍) reported to the police station (篇十四),
    from the day reported to the day registered; registering clears the child's flag."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(
        "registry.Child",
        verbose_name=_("儿童"),
        on_delete=models.CASCADE,
        related_name="hukou_referrals",
    )
    police_station = models.CharField(_("派出所"), max_length=60)
    reported_on = models.DateField(_("报告日期"))
    registered_on = models.DateField(_("落户日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True, default="")
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("报告人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HukouReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("无户籍儿童报告")
        verbose_name_plural = _("无户籍儿童报告")
        ordering = ["reported_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(registered_on__isnull=True)
                | Q(registered_on__gte=models.F("reported_on")),
                name="hukou_registered_after_report",
            ),
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(registered_on__isnull=True),
                name="one_open_hukou_referral",
            ),
        ]


__all__ = [
    "AGREEMENT_EXPIRY_WARNING_DAYS",
    "TRAINING_GOOD_PER_TERM",
    "TRAINING_PER_TERM",
    "AgreementStatus",
    "Commendation",
    "GuardianAgreement",
    "HukouReferral",
    "TrainingAttendance",
    "TrainingSession",
    "agreement_end",
    "agreement_status",
]
