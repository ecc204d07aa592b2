"""Reads of the family video calls booked by parents (亲情视频): the slots a parent may book for
a child, the child's bookings, and the day's bookings on the Home's duty page."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from shouhu.activities.models import BookingState, CallSlot, Home, SlotBooking
from shouhu.registry.models import Child

AHEAD_DAYS = 14
LIVE = (BookingState.BOOKED, BookingState.HELD, BookingState.NOT_HELD)


@dataclass(frozen=True)
class OpenSlot:
    slot: CallSlot
    left: int
    mine: bool


@dataclass(frozen=True)
class ChildVideo:
    """A parent's page of video calls for one child: the slots to come and the child's
    bookings (the latest first)."""

    child: Child
    has_home: bool
    slots: list[OpenSlot]
    bookings: list[SlotBooking]


def child_video_for(child: Child) -> ChildVideo:
    """For the parents' channel (the caller has checked the child is the parent's)."""
    now = timezone.localtime()
    today = now.date()
    school_id = child.school_class.school_id
    has_home = Home.objects.filter(school_id=school_id, has_video=True).exists()
    live = Q(bookings__state__in=LIVE)
    slots = (
        CallSlot.objects.filter(
            home__school_id=school_id,
            day__gte=today,
            day__lte=today + datetime.timedelta(days=AHEAD_DAYS),
        )
        .filter(Q(day__gt=today) | Q(start__gt=now.time()))
        .annotate(
            taken=Count("bookings", filter=live),
            mine=Count("bookings", filter=live & Q(bookings__child=child)),
        )
        .order_by("day", "start")
    )
    bookings = list(
        SlotBooking.objects.filter(child=child)
        .select_related("slot")
        .order_by("-slot__day", "-slot__start")[:10]
    )
    return ChildVideo(
        child=child,
        has_home=has_home,
        slots=[OpenSlot(s, max(s.capacity - s.taken, 0), s.mine > 0) for s in slots],
        bookings=bookings,
    )


def child_booking_get(child: Child, public_id) -> SlotBooking:
    found = (
        SlotBooking.objects.filter(child=child, public_id=public_id).select_related("slot").first()
    )
    if found is None:
        raise Http404
    return found


def day_bookings_for(user, *, home: Home, day: datetime.date) -> list[SlotBooking]:
    """The day's bookings at the Home, those not cancelled, each child within the user's scope."""
    return list(
        SlotBooking.objects.restrict(user)
        .filter(slot__home=home, slot__day=day)
        .exclude(state=BookingState.CANCELLED)
        .select_related("slot", "child__school_class", "parent")
        .order_by("slot__start", "id")
    )


def slots_of_home(home: Home, *, days: int = AHEAD_DAYS) -> list[CallSlot]:
    today = timezone.localdate()
    return list(
        CallSlot.objects.filter(
            home=home, day__gte=today, day__lte=today + datetime.timedelta(days=days)
        )
        .annotate(taken=Count("bookings", filter=Q(bookings__state__in=LIVE)))
        .order_by("day", "start")
    )


def day_booking_get_for(user, *, home: Home, public_id) -> SlotBooking:
    found = (
        SlotBooking.objects.restrict(user)
        .filter(slot__home=home, public_id=public_id)
        .select_related("slot")
        .first()
    )
    if found is None:
        raise Http404
    return found
