"""The list pages of events and groups read a fixed number of queries, however many events,
children and groups there are (no N+1)."""

import datetime

import pytest
from django.urls import reverse

from shouhu.activities.models import EventKind, Organiser
from shouhu.activities.services.events import event_photo_add, event_record, photo_consent_set
from shouhu.activities.services.groups import group_create, group_join
from shouhu.testing.dates import TODAY
from shouhu.testing.factories import register_child

from .conftest import jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_class(world, head_teacher):
    """Class A with eight children, five events, three groups and two photos."""
    children = [world.child_a] + [
        register_child(head_teacher, world.class_a, name=f"王小{n}") for n in "一二三四五六七"
    ]
    for child in children:
        photo_consent_set(actor=head_teacher, child=child, consented=True, decided_on=TODAY)
    events = [
        event_record(
            actor=head_teacher,
            kind=EventKind.FESTIVAL,
            title=f"活动{n}",
            held_on=TODAY - datetime.timedelta(days=n),
            organiser=Organiser.SCHOOL,
            children=children,
        )
        for n in range(5)
    ]
    for _n in range(2):
        event_photo_add(actor=head_teacher, event=events[0], upload=jpeg(), children=children[:3])
    for name in ("书法", "绘画", "合唱"):
        group = group_create(
            actor=head_teacher,
            name=name,
            teacher=head_teacher,
            weekday=3,
            starts_at=datetime.time(16, 0),
            place="教室",
        )
        group_join(actor=head_teacher, group=group, children=children[:4], joined_on=TODAY)
    return events


@pytest.mark.parametrize(
    "page",
    ["activities:event-list", "activities:group-list", "activities:event-detail", "sheet"],
)
def test_list_pages_have_a_query_budget(
    client, world, head_teacher, busy_class, django_assert_max_num_queries, page
):
    client.force_login(head_teacher)
    if page == "activities:event-detail":
        url = reverse(page, args=[busy_class[0].public_id])
    elif page == "sheet":
        url = reverse("activities:group-class-sheet", args=[world.class_a.pk])
    else:
        url = reverse(page)
    client.get(url)  # the session and the menu's first reads
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
