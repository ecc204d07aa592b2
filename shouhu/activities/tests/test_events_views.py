"""The event pages as each role sees them: recording with a class ticked, the event with the
names the reader may see, photos served only in scope and with consent, the child file's 活动
section, and the home page's birthdays and a volunteer's hours."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from shouhu.activities.models import Event, EventChild, EventKind, Organiser
from shouhu.activities.services.events import event_photo_add, event_record, photo_consent_set
from shouhu.audit.models import AccessAction, AccessLog
from shouhu.testing.dates import TODAY
from shouhu.testing.factories import register_child

from .conftest import jpeg

pytestmark = pytest.mark.django_db


def festival(actor, children, **extra):
    data = {
        "kind": EventKind.FESTIVAL,
        "title": "冬至包饺子",
        "held_on": TODAY,
        "organiser": Organiser.SCHOOL,
    }
    return event_record(actor=actor, children=children, **(data | extra))


def test_head_teacher_records_an_event_with_the_class_ticked(client, world, head_teacher):
    client.force_login(head_teacher)
    page = client.get(reverse("activities:event-create"))
    assert page.status_code == 200
    assert "李家成" in page.content.decode() and "checked" in page.content.decode()
    response = client.post(
        reverse("activities:event-create"),
        {
            "kind": EventKind.SPORTS_ARTS,
            "title": "秋季运动会",
            "held_on": TODAY.isoformat(),
            "organiser": Organiser.SCHOOL,
            "hours": "3",
            "children": [str(world.child_a.public_id)],
        },
    )
    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("activities:event-detail", args=[event.public_id])
    assert EventChild.objects.filter(event=event, child=world.child_a).exists()


def test_future_event_shows_the_error_beside_the_date(client, world, head_teacher):
    client.force_login(head_teacher)
    response = client.post(
        reverse("activities:event-create"),
        {
            "kind": EventKind.FESTIVAL,
            "title": "元旦联欢",
            "held_on": (TODAY + datetime.timedelta(days=3)).isoformat(),
            "organiser": Organiser.SCHOOL,
            "children": [str(world.child_a.public_id)],
        },
    )
    assert response.status_code == 200
    assert "活动日期不能晚于今天" in response.content.decode()
    assert not Event.objects.exists()


def test_event_page_names_only_the_children_the_reader_sees(
    client, world, township_officer, head_teacher, school_leader
):
    other = register_child(school_leader, world.class_a2, name="王小花")
    event = festival(township_officer, [world.child_a, other], organiser=Organiser.TOWNSHIP)
    client.force_login(head_teacher)
    page = client.get(reverse("activities:event-detail", args=[event.public_id])).content.decode()
    assert "李家成" in page and "王小花" not in page
    assert "另有1名其他班级或学校的儿童" in page


def test_outsider_gets_404_for_an_event(client, world, head_teacher, outsider):
    event = festival(head_teacher, [world.child_a])
    client.force_login(outsider)
    assert client.get(reverse("activities:event-detail", args=[event.public_id])).status_code == 404


def test_photo_is_served_in_scope_and_hidden_once_consent_is_withdrawn(
    client, world, head_teacher, other_head_teacher
):
    event = festival(head_teacher, [world.child_a])
    photo_consent_set(
        actor=head_teacher,
        child=world.child_a,
        consented=True,
        decided_on=TODAY - datetime.timedelta(days=1),
    )
    photo = event_photo_add(
        actor=head_teacher, event=event, upload=jpeg(), children=[world.child_a]
    )
    url = reverse("activities:event-photo", args=[photo.public_id])
    client.force_login(head_teacher)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert AccessLog.objects.filter(
        user=head_teacher,
        action=AccessAction.VIEW,
        child=world.child_a,
        query=f"event-photo:{photo.public_id}",
    ).exists()
    client.force_login(other_head_teacher)
    assert client.get(url).status_code == 404
    photo_consent_set(actor=head_teacher, child=world.child_a, consented=False, decided_on=TODAY)
    client.force_login(head_teacher)
    assert client.get(url).status_code == 404
    page = client.get(reverse("activities:event-detail", args=[event.public_id])).content.decode()
    assert str(photo.public_id) not in page


def test_anonymous_visitor_never_gets_a_photo(client, world, head_teacher):
    event = festival(head_teacher, [world.child_a])
    photo_consent_set(actor=head_teacher, child=world.child_a, consented=True, decided_on=TODAY)
    photo = event_photo_add(
        actor=head_teacher, event=event, upload=jpeg(), children=[world.child_a]
    )
    response = client.get(reverse("activities:event-photo", args=[photo.public_id]))
    assert response.status_code == 302


def test_upload_of_a_photo_with_a_non_consenting_child_names_the_child(client, world, head_teacher):
    event = festival(head_teacher, [world.child_a])
    client.force_login(head_teacher)
    response = client.post(
        reverse("activities:event-detail", args=[event.public_id]),
        {"photo": jpeg(), "children": [str(world.child_a.public_id)]},
    )
    assert response.status_code == 200
    assert "李家成 的监护人没有同意拍照" in response.content.decode()


def test_child_file_section_shows_consent_and_the_terms_events(client, world, head_teacher):
    festival(head_teacher, [world.child_a])
    photo_consent_set(actor=head_teacher, child=world.child_a, consented=True, decided_on=TODAY)
    client.force_login(head_teacher)
    page = client.get(
        reverse("activities:child-activities-section", args=[world.child_a.public_id])
    ).content.decode()
    assert "监护人同意拍照" in page and "冬至包饺子" in page and "张老师记录" in page


def test_consent_page_records_a_withdrawal(client, world, head_teacher):
    client.force_login(head_teacher)
    response = client.post(
        reverse("activities:photo-consent", args=[world.child_a.public_id]),
        {"consented": "0", "decided_on": TODAY.isoformat()},
    )
    assert response.status_code == 302
    assert world.child_a.photo_consents.get().consented is False


def test_event_list_names_the_left_behind_who_took_part_in_none(client, world, head_teacher):
    client.force_login(head_teacher)
    page = client.get(reverse("activities:event-list")).content.decode()
    assert "本学期未参加任何活动的留守儿童" in page and "李家成" in page
    festival(head_teacher, [world.child_a])
    page = client.get(reverse("activities:event-list")).content.decode()
    assert "未参加任何活动" not in page and "冬至包饺子" in page


def test_head_teacher_home_shows_this_weeks_birthdays(client, world, head_teacher):
    born = TODAY.replace(year=TODAY.year - 9)
    register_child(head_teacher, world.class_a, name="生日娃", birth_date=born)
    client.force_login(head_teacher)
    page = client.get(reverse("activities:home-events")).content.decode()
    assert "本周过生日的留守儿童" in page and "生日娃" in page and "9岁" in page


def test_home_fragment_is_empty_for_someone_with_nothing_to_show(client, world, teacher):
    client.force_login(teacher)
    assert client.get(reverse("activities:home-events")).content == b""


def test_volunteer_home_shows_the_events_they_ran_and_their_hours(
    client, world, head_teacher, volunteer
):
    festival(head_teacher, [world.child_a], staff=[(volunteer, Decimal("2.5"))])
    client.force_login(volunteer)
    page = client.get(reverse("activities:home-events")).content.decode()
    assert "冬至包饺子" in page and "服务2.5小时" in page


@pytest.mark.parametrize(
    ("role", "status"),
    [("township_officer", 200), ("region_officer", 403), ("privacy_officer", 403)],
)
def test_photos_follow_the_privacy_matrix_photos_row(
    client, request, world, head_teacher, role, status
):
    from shouhu.core.visibility import MATRIX, ChildField, Visibility

    event = festival(head_teacher, [world.child_a])
    photo_consent_set(actor=head_teacher, child=world.child_a, consented=True, decided_on=TODAY)
    photo = event_photo_add(
        actor=head_teacher, event=event, upload=jpeg(), children=[world.child_a]
    )
    user = request.getfixturevalue(role)
    assert (MATRIX[ChildField.PHOTOS][user.role] == Visibility.FULL) == (status == 200)
    client.force_login(user)
    assert client.get(reverse("activities:event-photo", args=[photo.public_id])).status_code == (
        status
    )
