"""Booking a family video call (亲情视频) tells the slot day's duty teacher through the outbox
(by their chosen channel, under the quiet hours and the cap like any message) and confirms to the
parent by SMS; cancelling tells the duty teacher. The teacher's message never names the child in
full."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from shouhu.activities.models import DutyDay, SlotBooking
from shouhu.activities.services.booking import call_slots_add
from shouhu.activities.tests.booking_tables import home_with_video
from shouhu.notify.models import Channel, Message
from shouhu.notify.services import preference_set
from shouhu.parents.services_booking import Kind
from shouhu.parents.tests.helpers import FATHER_A, parent_login


@pytest.fixture
def slot(parents_world, cast):
    home = home_with_video(parents_world)
    (made,) = call_slots_add(
        actor=cast["school_leader"],
        home=home,
        days=[timezone.localdate() + datetime.timedelta(days=1)],
        start=datetime.time(16, 30),
        end=datetime.time(17, 0),
        capacity=2,
    )
    DutyDay.objects.create(
        home=home, term=parents_world.term, day=made.day, teacher=cast["teacher"]
    )
    return made


def _book(client, world, slot):
    parent_login(client, FATHER_A)
    url = reverse("parents:video", kwargs={"public_id": world.child_a.public_id})
    assert client.post(url, {"slot": slot.pk}).status_code == 302
    return SlotBooking.objects.get()


def test_a_booking_tells_the_duty_teacher_and_confirms_to_the_parent(
    client, parents_world, cast, slot
):
    _book(client, parents_world, slot)
    told = Message.objects.get(kind=Kind.BOOKED)
    assert told.to_user == cast["teacher"] and told.channel == Channel.SMS
    assert "16:30" in told.body and "李同学" in told.body
    assert parents_world.child_a.name not in told.body  # class + surname 同学 only
    assert not told.urgent  # held in the quiet hours, counted in the daily cap
    confirm = Message.objects.get(kind=Kind.CONFIRM)
    assert confirm.to_address == FATHER_A and confirm.channel == Channel.SMS
    assert "16:30" in confirm.body and parents_world.child_a.name in confirm.body


def test_the_duty_teacher_who_chose_email_is_told_by_email(client, parents_world, cast, slot):
    teacher = cast["teacher"]
    teacher.email = "liu@example.cn"
    teacher.save(update_fields=["email"])
    preference_set(actor=teacher, user=teacher, channel=Channel.EMAIL, digest=True)
    _book(client, parents_world, slot)
    assert Message.objects.get(kind=Kind.BOOKED).channel == Channel.EMAIL


def test_a_cancelled_booking_tells_the_duty_teacher(client, parents_world, cast, slot):
    booking = _book(client, parents_world, slot)
    cancel = reverse(
        "parents:video-cancel",
        kwargs={"public_id": parents_world.child_a.public_id, "booking_id": booking.public_id},
    )
    assert client.post(cancel).status_code == 302
    told = Message.objects.get(kind=Kind.CANCELLED)
    assert told.to_user == cast["teacher"] and "取消" in told.body


def test_a_refused_booking_tells_nobody(client, parents_world, slot):
    parent_login(client, FATHER_A)
    url = reverse("parents:video", kwargs={"public_id": parents_world.child_a.public_id})
    client.post(url, {"slot": slot.pk})
    client.post(url, {"slot": slot.pk})  # the same child twice: refused
    assert Message.objects.filter(kind=Kind.BOOKED).count() == 1
    assert Message.objects.filter(kind=Kind.CONFIRM).count() == 1


def test_with_no_duty_teacher_on_the_roster_the_homes_keeper_is_told(client, parents_world, slot):
    DutyDay.objects.filter(day=slot.day).delete()
    _book(client, parents_world, slot)
    told = Message.objects.get(kind=Kind.BOOKED)
    assert told.to_user == slot.home.updated_by
