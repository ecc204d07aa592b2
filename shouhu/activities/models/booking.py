"""Family video calls booked by parents (亲情视频, issue 19): the Home offers dated slots (a day,
a start, an end, how many children), a parent books one for their child on the parents'
channel, and the day's duty teacher marks each booking held or not held. A held booking records
the Home's own family call (`FamilyCall`, video), which counts like any other call."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shouhu.activities.models.home import HomeRowQuerySet
from shouhu.core.scoping import ChildRowQuerySet

SLOT_MAX_CAPACITY = 20


class CallSlot(models.Model):
    """A dated slot of the Home's video terminal, offered to parents."""

    home = models.ForeignKey("activities.Home", on_delete=models.CASCADE, related_name="call_slots")
    day = models.DateField(_("日期"))
    start = models.TimeField(_("开始时间"))
    end = models.TimeField(_("结束时间"))
    capacity = models.PositiveSmallIntegerField(_("可预约人数"), default=1)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HomeRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("亲情视频时段")
        verbose_name_plural = _("亲情视频时段")
        ordering = ["day", "start"]
        constraints = [
            models.UniqueConstraint(fields=["home", "day", "start"], name="one_slot_a_start"),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="slot_ends_late"),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=SLOT_MAX_CAPACITY),
                name="slot_capacity_in_range",
            ),
        ]


class BookingState(models.TextChoices):
    BOOKED = "booked", _("已预约")
    CANCELLED = "cancelled", _("已取消")
    HELD = "held", _("已通话")
    NOT_HELD = "not_held", _("未通话")


class SlotBooking(models.Model):
    """A parent's booking of a slot for their child. Cancelled, it stays (with when); marked
    held, it links the family call the duty teacher recorded."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slot = models.ForeignKey(CallSlot, on_delete=models.PROTECT, related_name="bookings")
    child = models.ForeignKey(
        "registry.Child", verbose_name=_("儿童"), on_delete=models.CASCADE, related_name="+"
    )
    parent = models.ForeignKey(
        "registry.Parent", verbose_name=_("家长"), on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=BookingState.choices, default=BookingState.BOOKED
    )
    booked_at = models.DateTimeField(_("预约时间"))
    closed_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    marked_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    call = models.ForeignKey(
        "activities.FamilyCall", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ChildRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("亲情视频预约")
        verbose_name_plural = _("亲情视频预约")
        ordering = ["slot__day", "slot__start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "child"],
                condition=~Q(state="cancelled"),
                name="one_booking_per_child_a_slot",
            ),
        ]
