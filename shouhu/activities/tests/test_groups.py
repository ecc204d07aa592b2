"""Interest groups (兴趣小组): joining and leaving on dates, no double membership, sessions
counted as events, the class sheet and the left-behind children in no group."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from shouhu.activities.models import EventChild, EventKind, GroupMembership
from shouhu.activities.selectors.groups import children_without_group_for
from shouhu.activities.services.groups import (
    group_create,
    group_join,
    group_leave,
    group_session_record,
)
from shouhu.testing.dates import TODAY

pytestmark = pytest.mark.django_db
DAYS_AGO = TODAY - datetime.timedelta(days=20)


@pytest.fixture
def calligraphy(world, head_teacher, teacher):
    return group_create(
        actor=head_teacher,
        name="书法小组",
        teacher=teacher,
        weekday=3,
        starts_at=datetime.time(16, 0),
        place="二楼美术室",
    )


def test_group_belongs_to_the_head_teachers_school(calligraphy, world):
    assert calligraphy.school == world.school_a


def test_teacher_of_another_school_cannot_lead_the_group(world, head_teacher, other_head_teacher):
    with pytest.raises(ValidationError) as error:
        group_create(
            actor=head_teacher,
            name="合唱团",
            teacher=other_head_teacher,
            weekday=1,
            starts_at=datetime.time(16, 0),
            place="音乐室",
        )
    assert "本校教师" in str(error.value.message_dict["teacher"])


def test_joining_twice_over_the_same_dates_is_refused_naming_the_child(
    calligraphy, world, head_teacher
):
    group_join(actor=head_teacher, group=calligraphy, children=[world.child_a], joined_on=DAYS_AGO)
    with pytest.raises(ValidationError) as error:
        group_join(actor=head_teacher, group=calligraphy, children=[world.child_a], joined_on=TODAY)
    assert "李家成 在这段时间已是“书法小组”的成员" in str(error.value.message_dict["children"])
    assert GroupMembership.objects.count() == 1


def test_child_may_join_again_after_leaving(calligraphy, world, head_teacher):
    [membership] = group_join(
        actor=head_teacher, group=calligraphy, children=[world.child_a], joined_on=DAYS_AGO
    )
    group_leave(
        actor=head_teacher, membership=membership, left_on=DAYS_AGO + datetime.timedelta(days=2)
    )
    group_join(actor=head_teacher, group=calligraphy, children=[world.child_a], joined_on=TODAY)
    assert GroupMembership.objects.count() == 2


def test_leaving_before_joining_is_refused(calligraphy, world, head_teacher):
    [membership] = group_join(
        actor=head_teacher, group=calligraphy, children=[world.child_a], joined_on=TODAY
    )
    with pytest.raises(ValidationError) as error:
        group_leave(actor=head_teacher, membership=membership, left_on=DAYS_AGO)
    assert "早于加入日期" in str(error.value.message_dict["left_on"])


def test_other_schools_head_teacher_cannot_place_children_in_the_group(
    calligraphy, world, other_head_teacher
):
    with pytest.raises(PermissionDenied):
        group_join(
            actor=other_head_teacher, group=calligraphy, children=[world.child_b], joined_on=TODAY
        )


def test_session_is_an_event_of_the_group_counted_in_person_times(calligraphy, world, head_teacher):
    group_join(actor=head_teacher, group=calligraphy, children=[world.child_a], joined_on=DAYS_AGO)
    event = group_session_record(
        actor=head_teacher, group=calligraphy, held_on=TODAY, children=[world.child_a]
    )
    assert event.group == calligraphy and event.kind == EventKind.GROUP_SESSION
    assert EventChild.objects.filter(event=event).count() == 1


def test_left_behind_child_in_no_group_is_listed_until_placed(calligraphy, world, head_teacher):
    missing = children_without_group_for(head_teacher, node=world.class_a, term=world.term)
    assert [c.name for c in missing] == ["李家成"]
    group_join(actor=head_teacher, group=calligraphy, children=[world.child_a], joined_on=TODAY)
    assert children_without_group_for(head_teacher, node=world.class_a, term=world.term) == []


def test_class_sheet_places_a_child_in_one_tap(client, calligraphy, world, head_teacher):
    client.force_login(head_teacher)
    url = reverse("activities:group-class-sheet", args=[world.class_a.pk])
    page = client.get(url).content.decode()
    assert "还有1名留守儿童未参加任何兴趣小组" in page
    response = client.post(
        url, {"child": str(world.child_a.public_id), "group": str(calligraphy.public_id)}
    )
    assert response.status_code == 302
    assert GroupMembership.objects.get().child == world.child_a
    again = client.post(
        url, {"child": str(world.child_a.public_id), "group": str(calligraphy.public_id)}
    )
    assert "不能重复加入" in again.content.decode()


def test_session_page_ticks_the_members(client, calligraphy, world, head_teacher):
    group_join(actor=head_teacher, group=calligraphy, children=[world.child_a], joined_on=DAYS_AGO)
    client.force_login(head_teacher)
    url = reverse("activities:group-session", args=[calligraphy.public_id])
    assert "checked" in client.get(url).content.decode()
    response = client.post(
        url, {"held_on": TODAY.isoformat(), "children": [str(world.child_a.public_id)]}
    )
    assert response.status_code == 302
    page = client.get(reverse("activities:group-detail", args=[calligraphy.public_id]))
    assert "1人出勤" in page.content.decode()


def test_group_list_names_the_left_behind_in_no_group_and_the_file_shows_the_group(
    client, calligraphy, world, head_teacher
):
    client.force_login(head_teacher)
    page = client.get(reverse("activities:group-list")).content.decode()
    assert "未参加任何兴趣小组的留守儿童（1名）" in page and "李家成" in page
    group_join(actor=head_teacher, group=calligraphy, children=[world.child_a], joined_on=TODAY)
    page = client.get(reverse("activities:group-list")).content.decode()
    assert "未参加任何兴趣小组" not in page
    section = client.get(
        reverse("activities:child-activities-section", args=[world.child_a.public_id])
    ).content.decode()
    assert "书法小组" in section
