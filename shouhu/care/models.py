"""The care network (结对帮扶) and the work it owes: pairings, care actions, quotas (三个一),
exemptions, the signals that force a home visit (五必访) and their tasks."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shouhu.core.crypto import EncryptedTextField
from shouhu.core.scoping import ChildRowQuerySet
from shouhu.core.text import length_cap

# A care action's summary: a few paragraphs of what was seen and said (a page, not a report).
SUMMARY_MAX_LENGTH = 2000
PARENT_NOTE_MAX_LENGTH = 200


class PairingKind(models.TextChoices):
    PROXY_PARENT = "proxy_parent", _("代理家长")
    MENTOR = "mentor", _("结对帮扶教师")


class PairingQuerySet(ChildRowQuerySet):
    """The one definition of a current pairing (and so of the current proxy parent, mentor and
    buddy), of an open one, and of a carer's load."""

    def current(
        self, day: datetime.date, *, since: datetime.date | None = None
    ) -> "PairingQuerySet":
        """The pairings running on the day: begun by then and not ended before it. With
        `since`, those running at any time from `since` to the day. The current proxy parent
        is `.current(day).filter(kind=PairingKind.PROXY_PARENT)` (the latest begun, should two
        touch the day); `held` is the same rule for a pairing already read."""
        return self.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=since or day), starts_on__lte=day
        )

    def open(self) -> "PairingQuerySet":
        """The pairings not yet ended, today's and those to come: the ones a change of the
        child's place (a reassignment, a leave, a handover) ends."""
        return self.filter(ends_on__isnull=True)

    def proxy_loads(self, day: datetime.date) -> "PairingQuerySet":
        """A carer's load (篇六: 2–3): per carer, the children on the register they are proxy
        parent of on the day, as rows of `carer` and `load` (one GROUP BY; filter by carer, or
        correlate with `OuterRef` to annotate users)."""
        return (
            self.current(day)
            .filter(kind=PairingKind.PROXY_PARENT, child__left_on__isnull=True)
            .order_by()
            .values("carer")
            .annotate(load=models.Count("pk"))
        )


def held(
    *,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    day: datetime.date,
    since: datetime.date | None = None,
) -> bool:
    """`PairingQuerySet.current` for a pairing already read (or planned by the demo): begun by
    the day and not ended before it (or before `since`). The tests hold the two equal."""
    return starts_on <= day and (ends_on is None or ends_on >= (since or day))


class Pairing(models.Model):
    """A child paired with a proxy parent or mentor (teacher or volunteer), from a start to an end.

    Every left-behind child has one proxy parent; unsupervised children come first (篇六, 篇十一).
    Reassignment ends the old pairing, so the history stays.
    """

    child = models.ForeignKey(
        "registry.Child", verbose_name=_("儿童"), on_delete=models.CASCADE, related_name="pairings"
    )
    carer = models.ForeignKey(
        "accounts.User",
        verbose_name=_("帮扶人"),
        on_delete=models.PROTECT,
        related_name="pairings",
    )
    kind = models.CharField(
        _("结对类型"), max_length=20, choices=PairingKind.choices, default=PairingKind.PROXY_PARENT
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("安排人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("结对")
        verbose_name_plural = _("结对")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="pairing_ends_after_start",
            ),
            # One open proxy parent and one open mentor per child: a reassignment ends the old.
            models.UniqueConstraint(
                fields=["child", "kind"],
                condition=Q(ends_on__isnull=True),
                name="one_open_pairing_per_child_kind",
            ),
        ]
        indexes = [models.Index(fields=["carer", "kind", "ends_on"])]

    def held_on(self, day: datetime.date) -> bool:
        """Whether the pairing runs on the day (`PairingQuerySet.current`, for a row read)."""
        return held(starts_on=self.starts_on, ends_on=self.ends_on, day=day)


class Buddy(models.Model):
    """A student buddy (一帮一, 篇八, 篇十二): a non-left-behind classmate, by name only."""

    child = models.ForeignKey(
        "registry.Child", verbose_name=_("儿童"), on_delete=models.CASCADE, related_name="buddies"
    )
    name = models.CharField(_("伙伴姓名"), max_length=30)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("一帮一伙伴")
        verbose_name_plural = _("一帮一伙伴")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="buddy_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["child"], condition=Q(ends_on__isnull=True), name="one_open_buddy_per_child"
            ),
        ]


class ActionKind(models.TextChoices):
    HOME_VISIT = "home_visit", _("家访")
    PARENT_CALL = "parent_call", _("与家长通话")
    PARENT_LETTER = "parent_letter", _("致家长的一封信")
    TALK = "talk", _("谈心")
    COUNSELLING = "counselling", _("心理辅导")
    SYMPOSIUM = "symposium", _("座谈会")
    FAMILY_CALL = "family_call", _("亲情电话")
    GUARDIAN_TRAINING = "guardian_training", _("隔代家长培训")
    HEALTH_CHECK = "health_check", _("体检")


# Kinds whose news never reaches a parent's page (counselling and health stay with the staff).
PARENT_NEVER_KINDS = {ActionKind.COUNSELLING, ActionKind.HEALTH_CHECK}

# Kinds that gather many children at once (a symposium, a training session).
GROUP_KINDS = {ActionKind.SYMPOSIUM, ActionKind.GUARDIAN_TRAINING, ActionKind.HEALTH_CHECK}


class CareAction(models.Model):
    """A dated piece of care work: who, with which children, what kind, a summary, a follow-up.

    Who reads the summary is the privacy matrix's (`core.visibility.care_summary_readable`):
    counselling, and anything a counsellor writes, only counsellors (篇七, 篇十, 篇十一); the
    others the school's care network, and beyond it (officers, volunteers) only what the author
    marked `shareable`. The author always reads their own.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("类型"), max_length=20, choices=ActionKind.choices)
    done_on = models.DateField(_("日期"), db_index=True)
    author = models.ForeignKey(
        "accounts.User", verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    children = models.ManyToManyField(
        "registry.Child",
        verbose_name=_("儿童"),
        through="CareActionChild",
        related_name="care_actions",
    )
    summary = EncryptedTextField(
        _("情况摘要"), blank=True, default="", validators=[length_cap(SUMMARY_MAX_LENGTH)]
    )
    shareable = models.BooleanField(
        _("摘要可共享"),
        default=False,
        help_text=_(
            "勾选后，志愿者和上级部门等能看到该儿童的人也能阅读摘要。心理辅导记录不可共享。"
        ),
    )
    follow_up_on = models.DateField(_("跟进日期"), null=True, blank=True)
    # The parents' channel (家长端, issue 19): news the school chose to tell the parents, in a
    # short text of its own. The summary itself is never shown to a parent.
    share_with_parents = models.BooleanField(_("可告知家长"), default=False)
    parent_note = models.CharField(
        _("告知家长的内容"),
        max_length=PARENT_NOTE_MAX_LENGTH,
        blank=True,
        default="",
        help_text=_("家长在家长端看到的简短文字，不会显示情况摘要。"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The id a phone gave the record offline (docs/offline.md): an upload sent twice stores once.
    client_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("关爱记录")
        verbose_name_plural = _("关爱记录")
        ordering = ["-done_on", "-id"]

    def clean(self) -> None:
        self.parent_note = self.parent_note.strip()
        if self.share_with_parents and self.kind in PARENT_NEVER_KINDS:
            raise ValidationError({"share_with_parents": _("心理辅导和体检记录不能告知家长。")})
        if self.share_with_parents and not self.parent_note:
            raise ValidationError({"parent_note": _("告知家长时，请填写告知家长的内容。")})


class CareActionChild(models.Model):
    """One child of a care action; the kind and date are copied so quota counts need no join."""

    action = models.ForeignKey(CareAction, on_delete=models.CASCADE, related_name="links")
    child = models.ForeignKey("registry.Child", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=ActionKind.choices)
    done_on = models.DateField()

    class Meta:
        constraints = [
            # With the action's date: on PostgreSQL the links are partitioned by it, and a
            # partitioned table's unique keys hold the partition column (the date is the
            # action's, so this is still one link per action and child).
            models.UniqueConstraint(
                fields=["action", "child", "done_on"], name="one_link_per_action_child"
            ),
        ]
        indexes = [
            # A child's actions (their page, a class's compliance).
            models.Index(fields=["child", "kind", "done_on"]),
            # A county's actions of a kind in a span: PostgreSQL range-scans it instead of
            # reading every link (the 20k county's compliance: 575 → 440 ms).
            models.Index(fields=["kind", "done_on", "child"], name="care_link_kind_day_child"),
        ]


class QuotaPeriod(models.TextChoices):
    MONTH = "month", _("每月")
    TERM = "term", _("每学期")


class Quota(models.Model):
    """At least N actions of a kind per period per child, owed by the proxy parent (三个一, 篇十).

    Set for a region or a school; a lower level may tighten a quota but not loosen it. The
    system default (三个一) lives in code (`rules.DEFAULT_QUOTAS`), above every region.
    """

    region = models.ForeignKey(
        "org.Region", verbose_name=_("区划"), null=True, blank=True, on_delete=models.CASCADE
    )
    school = models.ForeignKey(
        "org.School", verbose_name=_("学校"), null=True, blank=True, on_delete=models.CASCADE
    )
    kind = models.CharField(_("关爱类型"), max_length=20, choices=ActionKind.choices)
    period = models.CharField(_("周期"), max_length=10, choices=QuotaPeriod.choices)
    minimum = models.PositiveSmallIntegerField(_("每周期至少次数"))

    class Meta:
        verbose_name = _("关爱要求")
        verbose_name_plural = _("关爱要求")
        constraints = [
            models.CheckConstraint(
                condition=Q(region__isnull=False, school__isnull=True)
                | Q(region__isnull=True, school__isnull=False),
                name="quota_region_or_school",
            ),
            # NULLs are distinct in a unique index, so each node kind has its own constraint.
            models.UniqueConstraint(
                fields=["region", "kind"],
                condition=Q(region__isnull=False),
                name="one_quota_per_region_kind",
            ),
            models.UniqueConstraint(
                fields=["school", "kind"],
                condition=Q(school__isnull=False),
                name="one_quota_per_school_kind",
            ),
            models.CheckConstraint(condition=Q(minimum__gte=1), name="quota_minimum_positive"),
        ]


class Exemption(models.Model):
    """A child excused from a quota (or from all, when kind is blank) for a while, with a reason."""

    child = models.ForeignKey(
        "registry.Child",
        verbose_name=_("儿童"),
        on_delete=models.CASCADE,
        related_name="exemptions",
    )
    kind = models.CharField(
        _("关爱类型"), max_length=20, choices=ActionKind.choices, blank=True, default=""
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    reason = models.CharField(_("原因"), max_length=200)
    granted_by = models.ForeignKey(
        "accounts.User", verbose_name=_("批准人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ChildRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("免除")
        verbose_name_plural = _("免除")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="exemption_ends_after_start"
            ),
        ]


class SignalKind(models.TextChoices):
    """The five signals that force a home visit (五必访, 篇十)."""

    BAD_MOOD = "bad_mood", _("情绪不好")
    UNWELL = "unwell", _("身体不佳")
    GRADES_DROPPED = "grades_dropped", _("成绩下降")
    LATE_OR_EARLY = "late_or_early", _("迟到早退")
    QUARREL = "quarrel", _("与同学争吵")
    # Not one of the five: an absence still unexplained at the end of the school day (schooling's
    # follow-up clock) owes the same home visit, raised by the duty rather than by a teacher.
    ABSENT = "absent", _("无故缺勤")


class Observation(models.Model):
    """A teacher noticed a warning sign about a child; it creates a home-visit task."""

    child = models.ForeignKey(
        "registry.Child",
        verbose_name=_("儿童"),
        on_delete=models.CASCADE,
        related_name="observations",
    )
    kind = models.CharField(_("信号"), max_length=20, choices=SignalKind.choices)
    noted_on = models.DateField(_("发现日期"))
    note = models.CharField(_("说明"), max_length=300, blank=True, default="")
    author = models.ForeignKey(
        "accounts.User", verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    # The id a phone gave the record offline (docs/offline.md): an upload sent twice stores once.
    client_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = ChildRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("必访信号")
        verbose_name_plural = _("必访信号")


class VisitTask(models.Model):
    """A home visit owed after an observation, due in N days. It is done when a home visit linked
    to it is recorded; overdue, it escalates to the head teacher, then to the school leader."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    observation = models.OneToOneField(Observation, on_delete=models.CASCADE, related_name="task")
    child = models.ForeignKey(
        "registry.Child",
        verbose_name=_("儿童"),
        on_delete=models.CASCADE,
        related_name="visit_tasks",
    )
    assignee = models.ForeignKey(
        "accounts.User", verbose_name=_("负责人"), on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("截止日期"), db_index=True)
    done_by = models.ForeignKey(
        CareAction,
        verbose_name=_("完成记录"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        # No constraint in the database: care actions are partitioned by month on PostgreSQL,
        # and a foreign key into them must name their (id, done_on) (docs/scale.md, Partitions).
        db_constraint=False,
        related_name="tasks",
    )
    done_on = models.DateField(_("完成日期"), null=True, blank=True)

    objects = ChildRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("家访任务")
        verbose_name_plural = _("家访任务")
        indexes = [
            models.Index(fields=["assignee", "done_on", "due_on"]),
            models.Index(fields=["child", "done_on"]),
        ]


# --- the monthly close (月度关账, issue 17) -----------------------------------------------------


class ClosedStatus(models.TextChoices):
    """A quota's result once its month is closed: the same values as rules.QuotaStatus, without
    "due" (a closed month has nothing still due)."""

    DONE = "done", _("已完成")
    OVERDUE = "overdue", _("未完成")
    EXEMPT = "exempt", _("已免除")


class MonthClose(models.Model):
    """The close of a month's quotas (月度关账): run by the scheduler the day after the month's
    late-entry window (SHOUHU_LATE_ENTRY_DAYS) ends, once per month. From then on the month
    takes no action (care_action_record refuses it by the same rule, rules.late_entry_open) and
    its results are the `QuotaResult` rows: what the figures of the month are checked against."""

    month = models.CharField(_("月份"), max_length=7, unique=True)  # "2026-11"
    closed_at = models.DateTimeField(_("关账时间"))
    results = models.PositiveIntegerField(_("结果条数"), default=0)

    class Meta:
        verbose_name = _("月度关账")
        verbose_name_plural = _("月度关账")


class QuotaResult(models.Model):
    """One child's result of one monthly quota in a closed month, with the proxy parent who
    owed it on the month's last day (the responsible teacher): done, not done or exempt. A
    quota not owed that month (no proxy parent from the first day, the child gone by the last)
    has no row."""

    close = models.ForeignKey(MonthClose, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey("registry.Child", on_delete=models.CASCADE, related_name="+")
    carer = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=ActionKind.choices)
    minimum = models.PositiveSmallIntegerField(_("要求次数"))
    done = models.PositiveSmallIntegerField(_("完成次数"))
    status = models.CharField(_("结果"), max_length=8, choices=ClosedStatus.choices)

    objects = ChildRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("月度关爱要求结果")
        verbose_name_plural = _("月度关爱要求结果")
        constraints = [
            models.UniqueConstraint(fields=["close", "child", "kind"], name="one_result_per_quota"),
            models.CheckConstraint(
                condition=Q(status__in=["done", "overdue", "exempt"]),
                name="quota_result_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["carer", "close"])]
