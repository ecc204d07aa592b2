"""Safety and emergencies (应急机制, 篇七): incidents with the people notified and their
follow-ups, and the safety, legal and mental-health lectures (篇十, 篇十一) with their quota.

An incident is never deleted: the service has no delete, and the child is protected."""

import uuid

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shouhu.core.crypto import EncryptedTextField
from shouhu.core.scoping import ChildRowQuerySet, ScopedQuerySet, TreePath, Via

TEXT_MAX_LENGTH = 1000


class IncidentKind(models.TextChoices):
    DROWNING = "drowning", _("溺水（含险情）")
    TRAFFIC = "traffic", _("交通")
    INJURY = "injury", _("意外伤害")
    BULLYING = "bullying", _("欺凌")
    MISSING = "missing", _("走失")
    ILLNESS = "illness", _("疾病")
    OTHER = "other", _("其他")


class Incident(models.Model):
    """Something that happened to a child: what, where, when, the injuries and what was done.

    A serious incident (重大) is shown at once on the home pages of the school's leaders and of
    the township's officers (`incident_alerts_for`)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(
        "registry.Child",
        verbose_name=_("儿童"),
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    kind = models.CharField(_("类型"), max_length=12, choices=IncidentKind.choices)
    serious = models.BooleanField(_("重大事件"), default=False)
    happened_at = models.DateTimeField(_("发生时间"))
    place = models.CharField(_("地点"), max_length=100)
    what = EncryptedTextField(_("经过"), validators=[MaxLengthValidator(TEXT_MAX_LENGTH)])
    injuries = EncryptedTextField(
        _("伤情"), blank=True, default="", validators=[MaxLengthValidator(TEXT_MAX_LENGTH)]
    )
    actions = EncryptedTextField(
        _("处置措施"), blank=True, default="", validators=[MaxLengthValidator(TEXT_MAX_LENGTH)]
    )
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = ChildRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("安全事件")
        verbose_name_plural = _("安全事件")
        ordering = ["-happened_at"]
        indexes = [models.Index(fields=["happened_at"])]


class NotifiedParty(models.TextChoices):
    GUARDIAN = "guardian", _("监护人")
    FATHER = "father", _("父亲")
    MOTHER = "mother", _("母亲")
    SCHOOL_LEADER = "school_leader", _("学校领导")
    TOWNSHIP = "township", _("乡镇")
    POLICE = "police", _("派出所")
    HOSPITAL = "hospital", _("医院")
    OTHER = "other", _("其他")


class IncidentRowQuerySet(ScopedQuerySet):
    """A notice or a follow-up: its incident's scope (which is its child's)."""

    scope = Via("incident", subquery=True)


class IncidentNotice(models.Model):
    """One person notified of an incident, and when (篇七: 第一时间通知)."""

    incident = models.ForeignKey(
        Incident, verbose_name=_("事件"), on_delete=models.PROTECT, related_name="notices"
    )
    party = models.CharField(_("通知对象"), max_length=15, choices=NotifiedParty.choices)
    name = models.CharField(_("姓名"), max_length=30, blank=True, default="")
    notified_at = models.DateTimeField(_("通知时间"))
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = IncidentRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("事件通知")
        verbose_name_plural = _("事件通知")
        ordering = ["notified_at"]


class IncidentFollowUp(models.Model):
    """A dated follow-up of an incident (a visit to hospital, a talk with the family): due on a
    day, done on a day."""

    incident = models.ForeignKey(
        Incident, verbose_name=_("事件"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    due_on = models.DateField(_("跟进日期"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    note = EncryptedTextField(_("跟进内容"), validators=[MaxLengthValidator(TEXT_MAX_LENGTH)])
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = IncidentRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("事件跟进")
        verbose_name_plural = _("事件跟进")
        ordering = ["due_on"]


class LectureKind(models.TextChoices):
    SAFETY = "safety", _("安全教育")
    LEGAL = "legal", _("法制教育")
    MENTAL = "mental", _("心理健康教育")


class LectureQuerySet(ScopedQuerySet):
    # A lecture is the school's; a head teacher sees those their class attended.
    scope = TreePath(
        regions=("school__region__code",),
        school="school_id",
        school_class="classes",
        many=True,
    )


class Lecture(models.Model):
    """A safety, legal or mental-health lecture (安全/法制/心理教育, 篇十, 篇十一) given at a
    school: the classes that attended and the head count (人次)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(
        "org.School", verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=LectureKind.choices)
    held_on = models.DateField(_("日期"))
    topic = models.CharField(_("主题"), max_length=100)
    speaker = models.CharField(_("主讲人"), max_length=60)
    classes = models.ManyToManyField(
        "org.SchoolClass", verbose_name=_("参加班级"), related_name="+", blank=True
    )
    attendance = models.PositiveIntegerField(_("参加人次"))
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = LectureQuerySet.as_manager()

    class Meta:
        verbose_name = _("安全·法制·心理教育讲座")
        verbose_name_plural = _("安全·法制·心理教育讲座")
        ordering = ["-held_on"]
        indexes = [models.Index(fields=["school", "held_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(attendance__gte=1), name="lecture_attended"),
        ]


class LecturePeriod(models.TextChoices):
    MONTH = "month", _("每月")
    TERM = "term", _("每学期")


# One lecture a month (篇十: 每月一次安全教育), unless a region or a school sets otherwise.
DEFAULT_LECTURE_QUOTA = (LecturePeriod.MONTH, 1)


class LectureQuota(models.Model):
    """How many lectures a school owes per period, set for a region or a school like care's
    quotas (a lower level may tighten, not loosen). Without one, the default is one a month
    (`DEFAULT_LECTURE_QUOTA`)."""

    region = models.ForeignKey(
        "org.Region", verbose_name=_("区划"), null=True, blank=True, on_delete=models.CASCADE
    )
    school = models.ForeignKey(
        "org.School", verbose_name=_("学校"), null=True, blank=True, on_delete=models.CASCADE
    )
    period = models.CharField(_("周期"), max_length=10, choices=LecturePeriod.choices)
    minimum = models.PositiveSmallIntegerField(_("每周期至少场次"))

    class Meta:
        verbose_name = _("讲座要求")
        verbose_name_plural = _("讲座要求")
        constraints = [
            models.CheckConstraint(
                condition=Q(region__isnull=False, school__isnull=True)
                | Q(region__isnull=True, school__isnull=False),
                name="lecture_quota_region_or_school",
            ),
            models.UniqueConstraint(
                fields=["region"],
                condition=Q(region__isnull=False),
                name="one_lecture_quota_per_region",
            ),
            models.UniqueConstraint(
                fields=["school"],
                condition=Q(school__isnull=False),
                name="one_lecture_quota_per_school",
            ),
            models.CheckConstraint(
                condition=Q(minimum__gte=1) & Q(minimum__lte=10), name="lecture_quota_sensible"
            ),
        ]
