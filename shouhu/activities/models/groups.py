"""Interest groups (兴趣小组, 篇十一): every left-behind child in at least one."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shouhu.core.roles import Role
from shouhu.core.scoping import ChildRowQuerySet, ScopedQuerySet, TreePath

# Who may lead a group: the school's staff, or a volunteer.
GROUP_TEACHER_ROLES = {
    Role.SCHOOL_LEADER,
    Role.HEAD_TEACHER,
    Role.TEACHER,
    Role.COUNSELLOR,
    Role.VOLUNTEER,
}


class Weekday(models.IntegerChoices):
    MONDAY = 1, _("星期一")
    TUESDAY = 2, _("星期二")
    WEDNESDAY = 3, _("星期三")
    THURSDAY = 4, _("星期四")
    FRIDAY = 5, _("星期五")
    SATURDAY = 6, _("星期六")
    SUNDAY = 7, _("星期日")


class InterestGroupQuerySet(ScopedQuerySet):
    # A group belongs to its school: the school's people and those above see it, a head teacher
    # the groups of their class's school (to place the class), a volunteer those of their
    # children.
    scope = TreePath(
        regions=("school__region__code",),
        school="school_id",
        school_class="school__classes",
        child="members__child",
        many=True,
    )


class InterestGroup(models.Model):
    """A school's interest group (兴趣小组): a name, a teacher, a weekly time and a place."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(
        "org.School", verbose_name=_("学校"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("小组名称"), max_length=50)
    teacher = models.ForeignKey(
        "accounts.User", verbose_name=_("辅导教师"), on_delete=models.PROTECT, related_name="+"
    )
    weekday = models.PositiveSmallIntegerField(_("每周活动日"), choices=Weekday.choices)
    starts_at = models.TimeField(_("活动时间"))
    place = models.CharField(_("地点"), max_length=100)
    closed_on = models.DateField(_("停办日期"), null=True, blank=True)
    close_reason = models.CharField(_("停办原因"), max_length=200, blank=True, default="")

    objects = InterestGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("兴趣小组")
        verbose_name_plural = _("兴趣小组")
        ordering = ["school", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "name"],
                condition=Q(closed_on__isnull=True),
                name="group_name_unique_in_school",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(ChildRowQuerySet):
    def running(self, day) -> "MembershipQuerySet":
        """The memberships on the day: joined by then and not left before it."""
        return self.filter(Q(left_on__isnull=True) | Q(left_on__gte=day), joined_on__lte=day)


class GroupMembership(models.Model):
    """A child in a group from a date to a date (left_on empty while they stay)."""

    group = models.ForeignKey(InterestGroup, on_delete=models.CASCADE, related_name="members")
    child = models.ForeignKey(
        "registry.Child", verbose_name=_("儿童"), on_delete=models.CASCADE, related_name="+"
    )
    joined_on = models.DateField(_("加入日期"))
    left_on = models.DateField(_("退出日期"), null=True, blank=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("兴趣小组成员")
        verbose_name_plural = _("兴趣小组成员")
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="membership_left_after_joined",
            ),
            models.UniqueConstraint(
                fields=["group", "child"],
                condition=Q(left_on__isnull=True),
                name="one_open_membership_per_group_child",
            ),
        ]
        indexes = [models.Index(fields=["child", "joined_on"])]
