"""Everything that writes the family video calls booked by parents (亲情视频, issue 19): the
Home's slots (HOME_MANAGE), a parent's booking and cancelling (the parents' channel calls these
after checking the child is the parent's own), and the duty teacher's held / not held."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhu.accounts.models import User
from shouhu.activities.models import BookingState, CallSlot, DutyDay, Home, SlotBooking
from shouhu.activities.models.booking import SLOT_MAX_CAPACITY
from shouhu.activities.services.home import _check_may_keep, _check_may_manage, family_call_record
from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record
from shouhu.registry.models import Child, Parent


def _now() -> datetime.datetime:
    return timezone.localtime()


def slot_starts_at(slot: CallSlot) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(slot.day, slot.start))


def roster_days_ahead(home: Home) -> list[datetime.date]:
    """The Home's school days on the roster from tomorrow on (the days a teacher keeps it)."""
    today = timezone.localdate()
    return list(
        DutyDay.objects.filter(home=home, day__gt=today)
        .order_by("day")
        .values_list("day", flat=True)
    )


@transaction.atomic
def call_slots_add(
    *,
    actor: User,
    home: Home,
    days: Sequence[datetime.date],
    start: datetime.time,
    end: datetime.time,
    capacity: int,
) -> list[CallSlot]:
    """Offer the same slot on each day given (one day from the form, or the roster's days to
    come). A day that already has a slot at that start keeps it; a past day is refused."""
    _check_may_manage(actor, home.school)
    errors = {}
    if not home.has_video:
        errors["home"] = _("本校留守儿童之家尚未登记亲情视频终端。")
    if end <= start:
        errors["end"] = _("结束时间必须晚于开始时间。")
    if not 1 <= capacity <= SLOT_MAX_CAPACITY:
        errors["capacity"] = _("可预约人数应在1到%(n)d之间。") % {"n": SLOT_MAX_CAPACITY}
    if not days:
        errors["day"] = _("没有可设时段的日期：请填写日期，或先排出值班表。")
    elif min(days) < timezone.localdate():
        errors["day"] = _("日期不能早于今天。")
    if errors:
        raise ValidationError(errors)
    taken = set(
        CallSlot.objects.filter(home=home, day__in=days, start=start).values_list("day", flat=True)
    )
    made = []
    for day in sorted(set(days) - taken):
        slot = CallSlot(
            home=home, day=day, start=start, end=end, capacity=capacity, created_by=actor
        )
        slot.full_clean()
        made.append(slot)
    return CallSlot.objects.bulk_create(made)


@transaction.atomic
def slot_book(*, parent: Parent, child: Child, slot_id: int | None) -> SlotBooking:
    """A parent books a slot for their child (the caller has checked the child is theirs and
    `parent` is their row on its file). Only a slot to come of the Home of the child's school;
    one booking per child a slot; the slot's capacity is held under concurrency (the slot row is
    locked while counting)."""
    if parent.child_id != child.pk:
        raise PermissionDenied(_("这不是您的孩子。"))
    slot = (
        CallSlot.objects.select_for_update()
        .filter(pk=slot_id, home__school_id=child.school_class.school_id)
        .first()
        if slot_id is not None
        else None
    )
    if slot is None:
        raise ValidationError({"slot": _("请选择孩子学校留守儿童之家的一个时段。")})
    if slot_starts_at(slot) <= _now():
        raise ValidationError({"slot": _("这个时段已经开始或已过去，请选择以后的时段。")})
    live = SlotBooking.objects.filter(slot=slot).exclude(state=BookingState.CANCELLED)
    if live.filter(child=child).exists():
        raise ValidationError({"slot": _("孩子已经预约了这个时段。")})
    if live.count() >= slot.capacity:
        raise ValidationError({"slot": _("这个时段已约满，请选择其他时段。")})
    booking = SlotBooking(slot=slot, child=child, parent=parent, booked_at=timezone.now())
    booking.full_clean()
    booking.save()
    return booking


@transaction.atomic
def booking_cancel(*, parent: Parent, booking: SlotBooking) -> SlotBooking:
    """A parent cancels a booking of their child, until the slot starts. It is kept, marked
    cancelled."""
    booking = SlotBooking.objects.select_for_update().select_related("slot").get(pk=booking.pk)
    if booking.child_id != parent.child_id:
        raise PermissionDenied(_("这不是您的孩子。"))
    if booking.state != BookingState.BOOKED:
        raise ValidationError({"booking": _("这个预约已经取消或已处理。")})
    if slot_starts_at(booking.slot) <= _now():
        raise ValidationError({"booking": _("时段已经开始，不能再取消。")})
    booking.state, booking.closed_at = BookingState.CANCELLED, timezone.now()
    booking.save(update_fields=["state", "closed_at"])
    return booking


@transaction.atomic
def booking_mark(
    *,
    actor: User,
    booking: SlotBooking,
    held: bool,
    minutes: int | None = None,
    request: HttpRequest | None = None,
) -> SlotBooking:
    """The day's duty teacher (or whoever manages the Home) marks a booking held or not held,
    on or after its day. Held records the Home's family call (video) through the Home's own
    service, which counts it toward 与家长通话 where the region says so."""
    booking = (
        SlotBooking.objects.select_for_update()
        .select_related("slot__home__school", "child", "parent")
        .get(pk=booking.pk)
    )
    slot = booking.slot
    _check_may_keep(actor, slot.home, slot.day)
    if booking.state != BookingState.BOOKED:
        raise ValidationError({"booking": _("这个预约已经取消或已处理。")})
    if slot.day > timezone.localdate():
        raise ValidationError({"booking": _("时段尚未到来，不能标记。")})
    if held:
        booking.call = family_call_record(
            actor=actor,
            home=slot.home,
            child=booking.child,
            parent=booking.parent.role,
            day=slot.day,
            minutes=minutes,
            video=True,
            request=request,
        )
        booking.state = BookingState.HELD
    else:
        booking.state = BookingState.NOT_HELD
        access_record(user=actor, action=AccessAction.UPDATE, child=booking.child, request=request)
    booking.closed_at, booking.marked_by = timezone.now(), actor
    booking.full_clean()
    booking.save()
    return booking
