"""The demo's family video calls (亲情视频): the head teacher's school's Home offers slots on its
next duty days, and a demo father has booked one for his child."""

import pytest

from shouhu.activities.models import BookingState, CallSlot, SlotBooking
from shouhu.demo.tests.conftest import TODAY


@pytest.mark.django_db
def test_the_demo_home_offers_slots_to_come_and_one_is_booked(small_county):
    slots = list(CallSlot.objects.select_related("home"))
    assert slots and all(s.day > TODAY and s.home.has_video for s in slots)
    booking = SlotBooking.objects.select_related("slot", "parent").get()
    assert booking.state == BookingState.BOOKED and booking.parent.role == "father"
    assert booking.parent.child_id == booking.child_id
