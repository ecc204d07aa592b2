"""Family video calls booked by parents (亲情视频, issue 19): the Home offers slots, a parent
books one for their own child on /parents/, capacity and one booking per child a slot hold, a
slot begun or past is refused, a booking can be cancelled until its slot starts, and the day's
duty teacher marks each booking held (recording the Home's video call) or not held."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from shouhu.activities.models import BookingState, CallSlot, DutyDay, FamilyCall, SlotBooking
from shouhu.activities.services.booking import call_slots_add
from shouhu.activities.services.home import roster_generate
from shouhu.audit.models import AccessAction, AccessLog
from shouhu.parents.tests.helpers import FATHER_A, FATHER_B, give_child_b_own_numbers, parent_login
from shouhu.registry.models import Parent
from shouhu.testing import dates

pytestmark = pytest.mark.django_db

TOMORROW = datetime.timedelta(days=1)


@pytest.fixture
def slot(world, home, school_leader):
    give_child_b_own_numbers(world)
    (made,) = call_slots_add(
        actor=school_leader,
        home=home,
        days=[timezone.localdate() + TOMORROW],
        start=datetime.time(16, 30),
        end=datetime.time(17, 0),
        capacity=2,
    )
    return made


def video_url(child) -> str:
    return reverse("parents:video", kwargs={"public_id": child.public_id})


def test_a_parent_books_a_slot_for_their_child_and_sees_it(client, world, slot):
    parent_login(client, FATHER_A)
    page = client.get(video_url(world.child_a))
    assert page.status_code == 200 and "余2个" in page.content.decode()
    assert len(page.content) < 50_000  # a parents' page, fast on 2G
    answer = client.post(video_url(world.child_a), {"slot": slot.pk})
    assert answer.status_code == 302
    booking = SlotBooking.objects.get()
    assert (booking.child, booking.state) == (world.child_a, BookingState.BOOKED)
    assert booking.parent.phone_index == Parent.objects.get(pk=booking.parent_id).phone_index
    assert "已预约" in client.get(video_url(world.child_a)).content.decode()
    assert AccessLog.objects.filter(
        child=world.child_a, action=AccessAction.CREATE, parent_key=booking.parent.phone_index
    ).exists()


def test_one_booking_per_child_a_slot(client, world, slot):
    parent_login(client, FATHER_A)
    client.post(video_url(world.child_a), {"slot": slot.pk})
    again = client.post(video_url(world.child_a), {"slot": slot.pk})
    assert again.status_code == 400 and "孩子已经预约了这个时段" in again.content.decode()
    assert SlotBooking.objects.count() == 1


def test_a_full_slot_is_refused(client, world, slot):
    slot.capacity = 1
    slot.save()
    other = Parent.objects.filter(child=world.child_b).first()
    SlotBooking.objects.create(
        slot=slot, child=world.child_b, parent=other, booked_at=timezone.now()
    )
    parent_login(client, FATHER_A)
    answer = client.post(video_url(world.child_a), {"slot": slot.pk})
    assert "这个时段已约满" in answer.content.decode()
    assert not SlotBooking.objects.filter(child=world.child_a).exists()


def test_another_childs_page_and_booking_are_404(client, world, slot):
    parent_login(client, FATHER_A)
    client.post(video_url(world.child_a), {"slot": slot.pk})
    booking = SlotBooking.objects.get()
    client.post(reverse("parents:logout"))
    parent_login(client, FATHER_B)
    assert client.get(video_url(world.child_a)).status_code == 404
    cancel = reverse(
        "parents:video-cancel",
        kwargs={"public_id": world.child_b.public_id, "booking_id": booking.public_id},
    )
    assert client.post(cancel).status_code == 404
    booking.refresh_from_db()
    assert booking.state == BookingState.BOOKED


def test_a_slot_of_another_schools_home_is_refused(client, world, slot):
    parent_login(client, FATHER_B)
    answer = client.post(video_url(world.child_b), {"slot": slot.pk})
    assert answer.status_code == 400 and "请选择孩子学校" in answer.content.decode()
    assert not SlotBooking.objects.exists()


def test_a_slot_begun_or_past_is_refused(client, world, slot):
    started = datetime.datetime.combine(slot.day, datetime.time(16, 31), tzinfo=dates.SHANGHAI)
    with time_machine.travel(started, tick=False):
        parent_login(client, FATHER_A)
        answer = client.post(video_url(world.child_a), {"slot": slot.pk})
    assert "这个时段已经开始或已过去" in answer.content.decode()
    assert not SlotBooking.objects.exists()


def test_a_booking_is_cancelled_until_its_slot_starts_and_kept(client, world, slot):
    parent_login(client, FATHER_A)
    client.post(video_url(world.child_a), {"slot": slot.pk})
    booking = SlotBooking.objects.get()
    cancel = reverse(
        "parents:video-cancel",
        kwargs={"public_id": world.child_a.public_id, "booking_id": booking.public_id},
    )
    assert client.post(cancel).status_code == 302
    booking.refresh_from_db()
    assert booking.state == BookingState.CANCELLED and booking.closed_at is not None
    # Cancelled, the place is free again; once the slot starts, no cancelling.
    client.post(video_url(world.child_a), {"slot": slot.pk})
    again = SlotBooking.objects.get(state=BookingState.BOOKED)
    started = datetime.datetime.combine(slot.day, datetime.time(16, 45), tzinfo=dates.SHANGHAI)
    late = reverse(
        "parents:video-cancel",
        kwargs={"public_id": world.child_a.public_id, "booking_id": again.public_id},
    )
    with time_machine.travel(started, tick=False):
        parent_login(client, FATHER_A)
        answer = client.post(late, follow=True)
    assert "时段已经开始，不能再取消" in answer.content.decode()
    again.refresh_from_db()
    assert again.state == BookingState.BOOKED


def test_the_leader_offers_slots_on_every_roster_day_and_a_teacher_cannot(
    client, world, home, school_leader, staff
):
    roster_generate(actor=school_leader, home=home, term=world.term)
    url = reverse("activities:home-slots", kwargs={"home_id": home.pk})
    data = {"roster": "on", "start": "16:30", "end": "17:00", "capacity": "2"}
    client.force_login(staff["teacher"])
    assert client.post(url, data).status_code == 403
    client.force_login(school_leader)
    assert client.post(url, data).status_code == 302
    ahead = DutyDay.objects.filter(home=home, day__gt=timezone.localdate()).count()
    assert ahead and CallSlot.objects.filter(home=home).count() == ahead
    bad = client.post(url, {"day": "", "start": "17:00", "end": "16:00", "capacity": "0"})
    assert bad.status_code == 200 and "请填写日期" in bad.content.decode()


def test_the_duty_teacher_sees_the_days_bookings_and_marks_one_held(
    client, world, home, slot, school_leader, staff, outsider
):
    parent_login(client, FATHER_A)
    client.post(video_url(world.child_a), {"slot": slot.pk})
    client.post(reverse("parents:logout"))
    booking = SlotBooking.objects.get()
    DutyDay.objects.create(home=home, term=world.term, day=slot.day, teacher=staff["teacher"])
    on_the_day = datetime.datetime.combine(slot.day, datetime.time(18), tzinfo=dates.SHANGHAI)
    url = reverse("activities:home-bookings", kwargs={"home_id": home.pk})
    mark = reverse(
        "activities:home-booking-mark",
        kwargs={"home_id": home.pk, "public_id": booking.public_id},
    )
    with time_machine.travel(on_the_day, tick=False):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(mark, {"held": "1", "minutes": "20"}).status_code == 404
        client.force_login(staff["counsellor"])  # keeps the Home, but not on duty today
        client.post(mark, {"held": "1", "minutes": "20"})
        assert not FamilyCall.objects.exists()
        client.force_login(staff["teacher"])
        page = client.get(url).content.decode()
        assert world.child_a.name in page and "已通话" in page
        client.post(mark, {"held": "1", "minutes": "20"})
    booking.refresh_from_db()
    call = FamilyCall.objects.get()
    assert booking.state == BookingState.HELD and booking.call == call
    assert (call.child, call.minutes, call.video, call.day) == (world.child_a, 20, True, slot.day)


def test_a_booking_not_held_records_no_call_and_a_slot_to_come_cannot_be_marked(
    world, home, slot, staff
):
    from shouhu.activities.services.booking import booking_mark, slot_book

    parent = Parent.objects.filter(child=world.child_a).first()
    booking = slot_book(parent=parent, child=world.child_a, slot_id=slot.pk)
    DutyDay.objects.create(home=home, term=world.term, day=slot.day, teacher=staff["teacher"])
    with pytest.raises(ValidationError):
        booking_mark(actor=staff["teacher"], booking=booking, held=False)
    with pytest.raises(PermissionDenied):
        slot_book(parent=parent, child=world.child_b, slot_id=slot.pk)
    on_the_day = datetime.datetime.combine(slot.day, datetime.time(18), tzinfo=dates.SHANGHAI)
    with time_machine.travel(on_the_day, tick=False):
        booking_mark(actor=staff["teacher"], booking=booking, held=False)
    booking.refresh_from_db()
    assert booking.state == BookingState.NOT_HELD and not FamilyCall.objects.exists()
