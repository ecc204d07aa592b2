"""Recording events (活动) with their children and staff, photo consent and photos."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from shouhu.activities.models import (
    Event,
    EventChild,
    EventKind,
    EventPhoto,
    EventStaff,
    Organiser,
    PhotoConsent,
)
from shouhu.activities.selectors.consent import consenting_ids
from shouhu.activities.services.events import event_photo_add, event_record, photo_consent_set
from shouhu.audit.models import AccessLog
from shouhu.testing.dates import TODAY
from shouhu.testing.factories import register_child

from .conftest import jpeg

pytestmark = pytest.mark.django_db


def record(actor, children, **overrides):
    data = {
        "actor": actor,
        "kind": EventKind.FESTIVAL,
        "title": "中秋节做月饼",
        "held_on": TODAY,
        "organiser": Organiser.SCHOOL,
        "children": children,
    }
    return event_record(**(data | overrides))


def test_event_counts_one_person_time_per_child_and_files_under_the_school(
    world, head_teacher, volunteer
):
    other = register_child(head_teacher, world.class_a, name="王小花")
    event = record(
        head_teacher,
        [world.child_a, other, world.child_a],
        staff=[(head_teacher, Decimal("2")), (volunteer, Decimal("1.5"))],
        place="学校食堂",
    )
    assert event.school == world.school_a and event.region == world.township_a
    assert EventChild.objects.filter(event=event).count() == 2
    assert set(EventChild.objects.values_list("kind", flat=True)) == {EventKind.FESTIVAL}
    assert EventStaff.objects.get(event=event, user=volunteer).hours == Decimal("1.5")
    assert AccessLog.objects.filter(query=f"event:{event.public_id}").count() == 2


def test_event_dated_after_today_is_refused_and_nothing_written(world, head_teacher):
    with pytest.raises(ValidationError) as error:
        record(head_teacher, [world.child_a], held_on=TODAY + datetime.timedelta(days=1))
    assert "不能晚于今天" in str(error.value.message_dict["held_on"])
    assert not Event.objects.exists()


def test_event_with_a_child_out_of_scope_is_refused(world, head_teacher):
    with pytest.raises(ValidationError) as error:
        record(head_teacher, [world.child_a, world.child_b])
    assert "不在您的管辖范围内" in str(error.value.message_dict["children"])
    assert not Event.objects.exists() and not EventChild.objects.exists()


def test_event_needs_a_child(world, head_teacher):
    with pytest.raises(ValidationError):
        record(head_teacher, [])


def test_role_without_activity_permission_cannot_record(world, region_officer):
    with pytest.raises(PermissionDenied):
        record(region_officer, [world.child_a])


def test_staff_hours_beyond_a_day_are_refused(world, head_teacher, volunteer):
    with pytest.raises(ValidationError) as error:
        record(head_teacher, [world.child_a], staff=[(volunteer, Decimal("30"))])
    assert "24" in str(error.value.message_dict["staff"])


def test_volunteer_event_is_filed_under_the_childrens_school(world, volunteer):
    event = record(volunteer, [world.child_a], organiser=Organiser.VOLUNTEER_GROUP)
    assert event.school == world.school_a


def test_township_event_of_one_schools_children_is_filed_under_that_school(world, township_officer):
    event = record(township_officer, [world.child_a], organiser=Organiser.TOWNSHIP)
    assert event.school == world.school_a and event.region == world.township_a


def test_township_officer_cannot_bring_another_townships_child(world, township_officer):
    with pytest.raises(ValidationError):
        record(township_officer, [world.child_a, world.child_b], organiser=Organiser.TOWNSHIP)


# --- consent ----------------------------------------------------------------------------------


def test_consent_history_keeps_every_change_and_the_latest_decides(world, head_teacher):
    photo_consent_set(
        actor=head_teacher,
        child=world.child_a,
        consented=True,
        decided_on=TODAY - datetime.timedelta(days=30),
    )
    assert consenting_ids([world.child_a.pk]) == {world.child_a.pk}
    photo_consent_set(actor=head_teacher, child=world.child_a, consented=False, decided_on=TODAY)
    assert consenting_ids([world.child_a.pk]) == set()
    assert PhotoConsent.objects.filter(child=world.child_a).count() == 2


def test_consent_of_a_child_out_of_scope_is_refused(world, head_teacher):
    with pytest.raises(PermissionDenied):
        photo_consent_set(actor=head_teacher, child=world.child_b, consented=True, decided_on=TODAY)


def test_teacher_without_file_edit_cannot_record_consent(world, teacher):
    with pytest.raises(PermissionDenied):
        photo_consent_set(actor=teacher, child=world.child_a, consented=True, decided_on=TODAY)


# --- photos -----------------------------------------------------------------------------------


@pytest.fixture
def festival(world, head_teacher):
    other = register_child(head_teacher, world.class_a, name="王小花")
    event = record(head_teacher, [world.child_a, other])
    photo_consent_set(actor=head_teacher, child=world.child_a, consented=True, decided_on=TODAY)
    return event, other


def test_photo_of_consenting_children_is_stored_resized(world, head_teacher, festival):
    event, _ = festival
    photo = event_photo_add(
        actor=head_teacher, event=event, upload=jpeg(), children=[world.child_a]
    )
    assert max(photo.attachment.width, photo.attachment.height) == 1600
    assert list(photo.children.all()) == [world.child_a]


def test_photo_with_a_child_without_consent_is_refused_naming_the_child(
    world, head_teacher, festival
):
    event, other = festival
    with pytest.raises(ValidationError) as error:
        event_photo_add(
            actor=head_teacher, event=event, upload=jpeg(), children=[world.child_a, other]
        )
    assert "王小花 的监护人没有同意拍照" in str(error.value.message_dict["children"])
    assert not EventPhoto.objects.exists()


def test_file_that_is_not_an_image_is_refused(world, head_teacher, festival):
    event, _ = festival
    fake = SimpleUploadedFile("a.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    with pytest.raises(ValidationError) as error:
        event_photo_add(actor=head_teacher, event=event, upload=fake, children=[world.child_a])
    assert "不是图片" in str(error.value.message_dict["photo"])
    assert not EventPhoto.objects.exists()


def test_photo_over_ten_megabytes_is_refused(world, head_teacher, festival):
    event, _ = festival
    big = SimpleUploadedFile("big.jpg", b"\xff" * (10 * 1024 * 1024 + 1))
    with pytest.raises(ValidationError) as error:
        event_photo_add(actor=head_teacher, event=event, upload=big, children=[world.child_a])
    assert "10 MB" in str(error.value.message_dict["photo"])


def test_photo_cannot_tag_a_child_who_was_not_there(world, head_teacher, festival):
    event, _ = festival
    absent = register_child(head_teacher, world.class_a, name="赵小明")
    photo_consent_set(actor=head_teacher, child=absent, consented=True, decided_on=TODAY)
    with pytest.raises(ValidationError) as error:
        event_photo_add(actor=head_teacher, event=event, upload=jpeg(), children=[absent])
    assert "赵小明 没有参加" in str(error.value.message_dict["children"])


def test_a_group_session_is_recorded_only_from_its_group(world, head_teacher):
    with pytest.raises(ValidationError) as error:
        record(head_teacher, [world.child_a], kind=EventKind.GROUP_SESSION)
    assert "兴趣小组页" in str(error.value.message_dict["kind"])
