"""Rows of the family video calls (亲情视频) for the shared tables of every URL: made with the
ORM from the world alone."""

import datetime

from django.utils import timezone

from shouhu.activities.models import CallSlot, Home, SlotBooking
from shouhu.activities.tests.tables import home_of_school_a
from shouhu.registry.models import Parent


def home_with_video(world) -> Home:
    home = home_of_school_a(world)
    if not home.has_video:
        home.has_video = True
        home.save(update_fields=["has_video"])
    return home


def booking_of_child_a_today(world) -> SlotBooking:
    """child_a's father booked today's 08:00 slot at school A's Home."""
    home = home_with_video(world)
    slot, _created = CallSlot.objects.get_or_create(
        home=home,
        day=timezone.localdate(),
        start=datetime.time(8),
        defaults={"end": datetime.time(8, 30), "capacity": 2, "created_by": home.updated_by},
    )
    booking = SlotBooking.objects.filter(slot=slot, child=world.child_a).first()
    return booking or SlotBooking.objects.create(
        slot=slot,
        child=world.child_a,
        parent=Parent.objects.get(child=world.child_a, role="father"),
        booked_at=timezone.now(),
    )
