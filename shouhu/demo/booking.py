"""The demo's family video calls (亲情视频, issue 19), deterministic: the Home of the head
teacher's school has a video terminal and offers a slot (16:30–17:00, two children) on each of
its next three duty days; the first demo father has booked the first one for his child."""

import datetime

from django.utils import timezone

from shouhu.activities.models import CallSlot, DutyDay, Home, SlotBooking
from shouhu.org.models import SchoolClass
from shouhu.registry.models import Child, Parent

SLOT_DAYS = 3


def booking_seed(*, head_class: SchoolClass | None, seed: int) -> int:
    """Slots and one booking; returns how many slots."""
    if head_class is None:
        return 0
    home = Home.objects.filter(school=head_class.school).first()
    if home is None:
        return 0
    if not home.has_video:
        home.has_video = True
        home.save(update_fields=["has_video"])
    days = list(
        DutyDay.objects.filter(home=home, day__gt=timezone.localdate())
        .order_by("day")
        .values_list("day", flat=True)[:SLOT_DAYS]
    )
    slots = CallSlot.objects.bulk_create(
        CallSlot(
            home=home,
            day=day,
            start=datetime.time(16, 30),
            end=datetime.time(17, 0),
            capacity=2,
            created_by=home.updated_by,
        )
        for day in days
    )
    child = (
        Child.objects.filter(school_class=head_class, left_on__isnull=True)
        .filter(parents__role="father")
        .exclude(parents__phone="")
        .order_by("pk")
        .first()
    )
    if slots and child is not None:
        father = Parent.objects.filter(child=child, role="father").first()
        SlotBooking.objects.create(
            slot=slots[0], child=child, parent=father, booked_at=timezone.now()
        )
    return len(slots)
