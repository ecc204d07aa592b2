"""The demo county's health and safety (issue 15): a health-check sheet, two incidents (one
serious, on the leader's and the township's home pages), lectures with a gap, a school without
a duty phone."""

from django.test import Client
from django.urls import reverse

from shouhu.accounts.models import User
from shouhu.org.models import School
from shouhu.welfare.models import HealthCheck, Incident, Lecture


def test_the_demo_has_a_sheet_two_incidents_and_lectures_with_a_gap(small_county):
    head = User.objects.get(username="head")
    assert HealthCheck.objects.filter(child__school_class=head.scope_class).exists()
    checks = HealthCheck.objects.all()
    assert checks.count() > 100  # of the 200 children, most were checked on the clinic's day
    assert checks.filter(follow_up=True).exists()
    assert len({h.checked_on for h in checks}) == 1
    assert Incident.objects.count() == 2
    assert Incident.objects.filter(serious=True).count() == 1
    assert Lecture.objects.exists()
    assert School.objects.filter(duty_phone="").count() == 1


def test_the_serious_incident_is_on_the_leaders_and_the_townships_home_pages(small_county):
    for username in ("leader", "township"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        page = client.get(reverse("welfare:home-health")).content.decode()
        assert "重大安全事件" in page, username
