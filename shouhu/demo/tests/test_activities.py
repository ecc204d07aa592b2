"""The demo county's activities (issue 16): festival events and a sports day up to yesterday,
six interest groups per school with members and weekly sessions, and photo consent."""

import pytest

from shouhu.activities.models import (
    Event,
    EventChild,
    EventKind,
    GroupMembership,
    InterestGroup,
    PhotoConsent,
)
from shouhu.demo.tests.conftest import CALENDAR, TODAY
from shouhu.org.models import School
from shouhu.registry.models import Child

pytestmark = pytest.mark.django_db


def test_the_demo_holds_festivals_and_a_sports_day_of_the_term_up_to_yesterday(small_county):
    events = Event.objects.filter(group__isnull=True)
    kinds = set(events.values_list("kind", flat=True))
    assert kinds == {EventKind.FESTIVAL, EventKind.SPORTS_ARTS}
    assert events.filter(title__contains="运动会").count() == School.objects.count()
    days = events.values_list("held_on", flat=True)
    assert CALENDAR.current[3] <= min(days) and max(days) < TODAY
    assert EventChild.objects.filter(event__in=events).count() > Child.objects.count()


def test_the_demo_has_six_interest_groups_a_school_with_members_and_weekly_sessions(
    small_county,
):
    assert InterestGroup.objects.count() == 6 * School.objects.count()
    on_register = Child.objects.on_register().count()
    assert 0.85 * on_register < GroupMembership.objects.count() < on_register
    sessions = Event.objects.filter(kind=EventKind.GROUP_SESSION)
    assert sessions.count() >= 10 * InterestGroup.objects.count()
    assert set(sessions.values_list("group__school", flat=True)) == set(
        School.objects.values_list("pk", flat=True)
    )


def test_most_guardians_consent_to_photos(small_county):
    consents = PhotoConsent.objects.all()
    assert consents.count() == Child.objects.on_register().count()
    assert 0.7 < consents.filter(consented=True).count() / consents.count() < 0.95
