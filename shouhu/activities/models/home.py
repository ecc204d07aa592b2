"""The Left-behind Children's Home (留守儿童之家, 篇十一): the room and its family phone, the duty
roster (值班表) and its swaps, the duty teacher's record of each day, and the family calls
(亲情通话) made from the Home's terminal."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shouhu.core.crypto import EncryptedTextField
from shouhu.core.scoping import ChildRowQuerySet, ScopedQuerySet, TreePath
from shouhu.core.text import length_cap

# A family call of more than three hours is a typing error, not a call (issue 16, bad input).
CALL_MAX_MINUTES = 180
NOTE_MAX_LENGTH = 1000


class HomeQuerySet(ScopedQuerySet):
    # The Home is its school's: the school's people see it, a head teacher through their class
    # (a head teacher keeps the Home on their duty days), a region's people under their region.
    scope = TreePath(
        regions=("school__region__code",),
        school="school_id",
        school_class="school__classes",
        many=True,
    )


class Home(models.Model):
    """A school's Home: its room, opening hours and equipment, with the family phone or video
    terminal (亲情电话/亲情视频) the children call their parents on."""

    school = models.OneToOneField(
        "org.School", verbose_name=_("学校"), on_delete=models.PROTECT, related_name="home"
    )
    room = models.CharField(_("活动室"), max_length=60)
    opening_hours = models.CharField(_("开放时间"), max_length=100)
    equipment = models.CharField(_("设施设备"), max_length=300, blank=True, default="")
    has_phone = models.BooleanField(_("亲情电话"), default=True)
    has_video = models.BooleanField(_("亲情视频终端"), default=False)
    updated_by = models.ForeignKey(
        "accounts.User", verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = HomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("留守儿童之家")
        verbose_name_plural = _("留守儿童之家")

    def __str__(self) -> str:
        return str(_("%(school)s留守儿童之家") % {"school": self.school.name})


class HomeRowQuerySet(ScopedQuerySet):
    """Rows of one Home (a duty day, a day's record): the Home's scope."""

    scope = TreePath(
        regions=("home__school__region__code",),
        school="home__school_id",
        school_class="home__school__classes",
        many=True,
    )


class DutyDay(models.Model):
    """One school day of the roster and the teacher on duty; a swap changes the teacher and
    leaves a `DutySwap` behind."""

    home = models.ForeignKey(Home, on_delete=models.CASCADE, related_name="duty_days")
    term = models.ForeignKey("org.Term", verbose_name=_("学期"), on_delete=models.PROTECT)
    day = models.DateField(_("日期"))
    teacher = models.ForeignKey(
        "accounts.User", verbose_name=_("值班教师"), on_delete=models.PROTECT, related_name="+"
    )

    objects = HomeRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("值班")
        verbose_name_plural = _("值班表")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["home", "day"], name="one_duty_teacher_a_day"),
        ]
        indexes = [models.Index(fields=["teacher", "day"])]


class DutySwap(models.Model):
    """A swap of duty recorded on the roster: who gave the day, who took it, who recorded it."""

    duty_day = models.ForeignKey(DutyDay, on_delete=models.CASCADE, related_name="swaps")
    from_teacher = models.ForeignKey(
        "accounts.User", verbose_name=_("原值班教师"), on_delete=models.PROTECT, related_name="+"
    )
    to_teacher = models.ForeignKey(
        "accounts.User", verbose_name=_("换班教师"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("原因"), max_length=200, blank=True, default="")
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("换班")
        verbose_name_plural = _("换班")
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_teacher=models.F("to_teacher")), name="swap_to_someone_else"
            ),
        ]


class HomeDay(models.Model):
    """The duty teacher's record of a day at the Home: who came, what was done, and what to
    follow up. A past school day on the roster without one is overdue."""

    home = models.ForeignKey(Home, on_delete=models.CASCADE, related_name="days")
    day = models.DateField(_("日期"))
    children = models.ManyToManyField(
        "registry.Child", verbose_name=_("到家儿童"), related_name="+", blank=True
    )
    activities = models.CharField(_("开展活动"), max_length=500)
    follow_up = models.CharField(_("需跟进事项"), max_length=500, blank=True, default="")
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = HomeRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("值班记录")
        verbose_name_plural = _("值班记录")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["home", "day"], name="one_home_record_a_day"),
        ]


class CallWay(models.TextChoices):
    BOOKED = "booked", _("预约")
    WALK_IN = "walk_in", _("临时")


class CallParent(models.TextChoices):
    # The values of registry.ParentRole: a call is to a parent, never to the guardian at home.
    FATHER = "father", _("父亲")
    MOTHER = "mother", _("母亲")


class FamilyCall(models.Model):
    """A family call (亲情通话) from the Home's terminal: booked for a slot, or a walk-in the duty
    teacher records. `minutes` is empty while a booking waits; the note is private like a care
    note (core.visibility, `FAMILY_CALL_NOTE`), encrypted at rest.

    Where the region counts these calls toward the 与家长通话 quota (`ActivitySetting`), a held
    call also writes a care action (`care_action`) through care's service, and compliance counts
    it there like any other call."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    home = models.ForeignKey(Home, on_delete=models.PROTECT, related_name="calls")
    child = models.ForeignKey(
        "registry.Child", verbose_name=_("儿童"), on_delete=models.CASCADE, related_name="+"
    )
    parent = models.CharField(_("通话对象"), max_length=6, choices=CallParent.choices)
    way = models.CharField(_("方式"), max_length=8, choices=CallWay.choices)
    day = models.DateField(_("日期"), db_index=True)
    slot = models.TimeField(_("预约时段"), null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(_("通话时长（分钟）"), null=True, blank=True)
    video = models.BooleanField(_("视频通话"), default=False)
    note = EncryptedTextField(
        _("备注"), blank=True, default="", validators=[length_cap(NOTE_MAX_LENGTH)]
    )
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    care_action = models.ForeignKey(
        "care.CareAction",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        # No constraint in the database: care actions are partitioned by month on PostgreSQL,
        # and a foreign key into them must name their (id, done_on) (docs/scale.md, Partitions).
        db_constraint=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ChildRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("亲情通话")
        verbose_name_plural = _("亲情通话")
        ordering = ["-day", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__isnull=True)
                | Q(minutes__gte=1, minutes__lte=CALL_MAX_MINUTES),
                name="call_minutes_within_three_hours",
            ),
        ]
        indexes = [models.Index(fields=["child", "day"])]

    @property
    def held(self) -> bool:
        return self.minutes is not None


DEFAULT_FIVE_SMALL = ("小主人", "小帮手", "小标兵", "小能手", "小卫士")


class HomeSetting(models.Model):
    """A region's settings for the Home and the awards; the nearest region above a school that
    has a row decides (a county sets them for its townships).

    - `calls_count`: whether a family call from the Home counts toward the 与家长通话 quota of
      三个一 (the reports disagree: a call the child makes is not one the proxy parent makes);
    - `five_small_names`: the names of the 五小 awards (篇九), separated by 、 or commas."""

    region = models.OneToOneField(
        "org.Region", verbose_name=_("区划"), on_delete=models.CASCADE, related_name="+"
    )
    calls_count = models.BooleanField(_("亲情通话计入与家长通话要求"), default=False)
    five_small_names = models.CharField(
        _("五小名称"), max_length=200, blank=True, default="、".join(DEFAULT_FIVE_SMALL)
    )

    class Meta:
        verbose_name = _("留守儿童之家设置")
        verbose_name_plural = _("留守儿童之家设置")

    def names(self) -> tuple[str, ...]:
        raw = self.five_small_names.replace(",", "、").replace("，", "、")
        found = tuple(n.strip() for n in raw.split("、") if n.strip())
        return found or DEFAULT_FIVE_SMALL
