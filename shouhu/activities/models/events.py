"""Events (活动) and the children who took part, counted in 人次; photos of an event, kept only
for children whose guardian consented to photos (篇九, 篇十一, 篇十四)."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shouhu.core.scoping import ChildRowQuerySet, ScopedQuerySet, TreePath, Via
from shouhu.core.text import length_cap

ACCOUNT_MAX_LENGTH = 2000


class EventKind(models.TextChoices):
    FESTIVAL = "festival", _("节日活动")
    CONTEST = "contest", _("竞赛")
    SPORTS_ARTS = "sports_arts", _("文体活动")
    READING = "reading", _("读书活动")
    BIRTHDAY = "birthday", _("生日会")
    LETTERS = "letters", _("书信")
    PRACTICE = "practice", _("社会实践")
    VOLUNTEERING = "volunteering", _("志愿服务")
    GROUP_COUNSELLING = "group_counselling", _("心理团辅")
    # A session of an interest group (兴趣小组): recorded from the group, counted as an event.
    GROUP_SESSION = "group_session", _("兴趣小组活动")
    OTHER = "other", _("其他")


class Organiser(models.TextChoices):
    SCHOOL = "school", _("学校")
    TOWNSHIP = "township", _("乡镇")
    COUNTY = "county", _("县（市、区）")
    VOLUNTEER_GROUP = "volunteer_group", _("志愿者团体")
    SOCIAL_WORK = "social_work", _("社工组织")


class EventQuerySet(ScopedQuerySet):
    # An event is where it was held (its school, or the region that held it), and with the
    # children who took part: a head teacher sees the events their class joined, a volunteer
    # those of the children paired with them.
    scope = TreePath(
        regions=("region__code",),
        school="school_id",
        school_class="children__school_class_id",
        child="children",
        many=True,
    )


class Event(models.Model):
    """An activity held for children (活动): a festival, a contest, a sports day, a reading
    afternoon, a birthday party … with the children who took part; each child is one 人次."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("类型"), max_length=20, choices=EventKind.choices)
    title = models.CharField(_("名称"), max_length=100)
    held_on = models.DateField(_("日期"), db_index=True)
    starts_at = models.TimeField(_("开始时间"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=100, blank=True, default="")
    organiser = models.CharField(_("组织方"), max_length=20, choices=Organiser.choices)
    organiser_name = models.CharField(
        _("组织方名称"), max_length=100, blank=True, default="", help_text=_("如某志愿者协会")
    )
    school = models.ForeignKey(
        "org.School",
        verbose_name=_("学校"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(
        "org.Region", verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+"
    )
    group = models.ForeignKey(
        "activities.InterestGroup",
        verbose_name=_("兴趣小组"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    account = models.TextField(
        _("活动简述"), blank=True, default="", validators=[length_cap(ACCOUNT_MAX_LENGTH)]
    )
    children = models.ManyToManyField(
        "registry.Child", verbose_name=_("参加的儿童"), through="EventChild", related_name="+"
    )
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class EventChild(models.Model):
    """One child at one event: one 人次. The kind and the day are copied from the event so the
    county's 人次 by kind is one indexed GROUP BY."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="links")
    child = models.ForeignKey("registry.Child", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    held_on = models.DateField()

    objects = ChildRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("活动参加人次")
        verbose_name_plural = _("活动参加人次")
        constraints = [
            models.UniqueConstraint(fields=["event", "child"], name="one_link_per_event_child"),
        ]
        indexes = [
            models.Index(fields=["held_on", "kind"]),
            models.Index(fields=["child", "held_on"]),
        ]


class EventStaff(models.Model):
    """A teacher or volunteer who ran the event, with their hours (志愿服务时长)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    hours = models.DecimalField(_("时长（小时）"), max_digits=4, decimal_places=1, default=0)

    class Meta:
        verbose_name = _("活动工作人员")
        verbose_name_plural = _("活动工作人员")
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="one_staff_row_per_event"),
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(hours__lte=24), name="staff_hours_in_a_day"
            ),
        ]


class PhotoConsent(models.Model):
    """The guardian's consent to photos of the child (照片使用同意), a field of the child's file:
    each change is a new row, so the history shows when it was given or withdrawn, and by whom
    it was recorded. The latest row is the child's consent; no row is no consent."""

    child = models.ForeignKey(
        "registry.Child",
        verbose_name=_("儿童"),
        on_delete=models.CASCADE,
        related_name="photo_consents",
    )
    consented = models.BooleanField(_("监护人同意拍照"))
    decided_on = models.DateField(_("日期"))
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ChildRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("照片使用同意")
        verbose_name_plural = _("照片使用同意")
        ordering = ["-decided_on", "-id"]
        indexes = [models.Index(fields=["child", "-decided_on", "-id"])]


class EventPhotoQuerySet(ScopedQuerySet):
    scope = Via("event", subquery=True)


class EventPhoto(models.Model):
    """A photo of an event (resized, EXIF stripped, encrypted at rest by shouhu.files), with the
    children in it, each of whom had consent when it was stored. Never exported."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="photos")
    attachment = models.ForeignKey("files.Attachment", on_delete=models.PROTECT, related_name="+")
    children = models.ManyToManyField("registry.Child", related_name="+", blank=True)
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EventPhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("活动照片")
        verbose_name_plural = _("活动照片")
        ordering = ["id"]
