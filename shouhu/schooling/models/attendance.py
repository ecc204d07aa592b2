"""考勤: a class's roll call for a school day, its absences, and the school calendar's changes.

A roll call lists only the absent: everyone else on the class's register that day was present.
Sending it again replaces the absences (the history keeps what was sent before).
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shouhu.core.scoping import ChildRowQuerySet, ScopedQuerySet, TreePath


class AbsenceReason(models.TextChoices):
    SICK = "sick", _("病假")
    PERSONAL = "personal", _("事假")
    TRUANT = "truant", _("旷课")
    UNKNOWN = "unknown", _("未知")


class CalendarChangeKind(models.TextChoices):
    DAY_OFF = "off", _("放假")  # a weekday without school (a holiday, a school's own day off)
    MAKE_UP = "on", _("调休上课")  # a weekend day with school


class CalendarChangeQuerySet(ScopedQuerySet):
    scope = TreePath(regions=("school__region__code",), school="school_id")


class CalendarChange(models.Model):
    """A day the school's calendar differs from term days Monday to Friday."""

    school = models.ForeignKey(
        "org.School", verbose_name=_("学校"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=3, choices=CalendarChangeKind.choices)
    note = models.CharField(_("说明"), max_length=100, blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CalendarChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("校历调整")
        verbose_name_plural = _("校历调整")
        constraints = [
            models.UniqueConstraint(fields=["school", "day"], name="calendar_change_once_a_day")
        ]


class RollCallQuerySet(ScopedQuerySet):
    scope = TreePath(
        regions=("school_class__school__region__code",),
        school="school_class__school_id",
        school_class="school_class_id",
    )


class RollCall(models.Model):
    """A class's roll call for one school day (one per class and day; a correction updates it).
    On PostgreSQL partitioned by month of `day`: its key is (id, day), and public_id and
    client_id are unique with the day in the database (full_clean checks them alone)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school_class = models.ForeignKey(
        "org.SchoolClass", verbose_name=_("班级"), on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("日期"))
    expected = models.PositiveIntegerField(_("应到"))  # pupils on the register that day
    # Of them, the left-behind of the term's census (education definition), counted when the
    # roll call is sent: the figures put left-behind and other children side by side.
    expected_left_behind = models.PositiveIntegerField(_("其中留守儿童"), default=0)
    taken_by = models.ForeignKey(
        "accounts.User", verbose_name=_("点名人"), on_delete=models.PROTECT, related_name="+"
    )
    taken_at = models.DateTimeField(_("点名时间"))  # the first sending: the follow-up clock
    updated_at = models.DateTimeField(auto_now=True)
    # The id a phone gave the first sending taken offline (docs/offline.md): sent twice, once.
    client_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    history = HistoricalRecords()

    objects = RollCallQuerySet.as_manager()

    class Meta:
        verbose_name = _("点名")
        verbose_name_plural = _("点名")
        constraints = [
            models.UniqueConstraint(fields=["school_class", "day"], name="roll_call_once_a_day")
        ]
        indexes = [models.Index(fields=["day", "school_class"])]


class Absence(models.Model):
    """A child absent at a roll call, with the reason (未知 until someone finds it out)."""

    # On PostgreSQL the absences point at their roll call by (roll_call_id, day): both tables are
    # partitioned by month of the day (schooling 0006, docs/scale.md, Partitions).
    roll_call = models.ForeignKey(RollCall, on_delete=models.CASCADE, related_name="absences")
    child = models.ForeignKey(
        "registry.Child", verbose_name=_("学生"), on_delete=models.PROTECT, related_name="+"
    )
    # The roll call's, kept here for the ledgers' queries and the partition key on PostgreSQL.
    day = models.DateField(_("日期"))
    reason = models.CharField(
        _("原因"), max_length=10, choices=AbsenceReason.choices, default=AbsenceReason.UNKNOWN
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    explained_at = models.DateTimeField(_("查明时间"), null=True, blank=True)
    explained_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A left-behind child (the term census) when the roll call was sent (`expected_left_behind`).
    left_behind = models.BooleanField(_("留守儿童"), default=False)
    # The follow-up clock: the call to the guardian (a care 与家长通话 action) and, still
    # unexplained at the end of the day, the same-day home-visit task (care's VisitTask).
    call = models.ForeignKey(
        "care.CareAction",
        verbose_name=_("电话联系记录"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        # No constraint in the database: care actions are partitioned by month on PostgreSQL,
        # and a foreign key into them must name their (id, done_on) (docs/scale.md, Partitions).
        db_constraint=False,
        related_name="+",
    )
    visit_task = models.ForeignKey(
        "care.VisitTask",
        verbose_name=_("家访任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    objects = ChildRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("缺勤")
        verbose_name_plural = _("缺勤")
        constraints = [
            # With the roll call's day: on PostgreSQL absences are partitioned by it (the day
            # is the roll call's, so this is still one absence per roll call and child).
            models.UniqueConstraint(
                fields=["roll_call", "child", "day"], name="absence_once_per_roll"
            )
        ]
        indexes = [models.Index(fields=["child", "day"]), models.Index(fields=["day", "reason"])]

    @property
    def unexplained(self) -> bool:
        return self.reason in (AbsenceReason.UNKNOWN, AbsenceReason.TRUANT)
