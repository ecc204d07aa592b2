"""Incidents, the contact chain and lectures (issue 15, 应急机制 篇七)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from shouhu.audit.models import AccessLog
from shouhu.testing.dates import at, day
from shouhu.testing.factories import TownshipOfficerFactory
from shouhu.welfare.models import Incident, IncidentKind, Lecture, LectureKind, LecturePeriod
from shouhu.welfare.services.safety import (
    incident_follow_up_add,
    incident_notice_add,
    incident_record,
    lecture_quota_set,
    lecture_record,
)

WHAT = "放学后在河边玩耍，险些落水，被路人拉回"


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.SHOUHU_TWO_FACTOR_ROLES = ()


def _incident(actor, child, *, serious=False, when=None):
    return incident_record(
        actor=actor,
        child=child,
        kind=IncidentKind.DROWNING,
        happened_at=when or at(2026, 11, 28, 17),
        place="村口河边",
        what=WHAT,
        injuries="无",
        actions="通知祖母，班主任家访",
        serious=serious,
    )


def test_a_serious_incident_is_at_once_on_the_home_pages_of_the_school_leader_and_the_township(
    client, world, head_teacher, school_leader, township_officer, other_head_teacher
):
    _incident(head_teacher, world.child_a, serious=True)
    for user in (school_leader, township_officer):
        client.force_login(user)
        page = client.get(reverse("welfare:home-health")).content.decode()
        assert "重大安全事件" in page and "李家成" in page, user.role
    client.force_login(other_head_teacher)
    assert client.get(reverse("welfare:home-health")).content.decode() == ""


def test_an_ordinary_incident_raises_no_alert(client, world, head_teacher, school_leader):
    _incident(head_teacher, world.child_a)
    client.force_login(school_leader)
    assert client.get(reverse("welfare:home-health")).content.decode() == ""


def test_the_notes_are_encrypted_and_shown_by_the_incident_notes_row(
    client, world, head_teacher, region_officer, township_officer
):
    incident = _incident(head_teacher, world.child_a, serious=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("select what from welfare_incident where id = %s", [incident.pk])
        assert "河边" not in cursor.fetchone()[0]
    url = reverse("welfare:incident-detail", kwargs={"public_id": incident.public_id})
    client.force_login(township_officer)
    assert WHAT in client.get(url).content.decode()
    assert AccessLog.objects.filter(
        user=township_officer, child=world.child_a, field="incident_notes"
    ).exists()
    client.force_login(region_officer)  # no INCIDENT_RECORD: a 403
    assert client.get(url).status_code == 403


def test_an_incident_outside_the_scope_is_a_404(client, world, head_teacher, other_head_teacher):
    incident = _incident(head_teacher, world.child_a)
    client.force_login(other_head_teacher)
    url = reverse("welfare:incident-detail", kwargs={"public_id": incident.public_id})
    assert client.get(url).status_code == 404


def test_an_incident_in_the_future_is_refused(world, head_teacher):
    with pytest.raises(ValidationError, match="晚于现在"):
        _incident(head_teacher, world.child_a, when=at(2026, 11, 30, 9))
    assert not Incident.objects.exists()


def test_each_person_notified_is_recorded_with_the_time_never_before_the_incident(
    world, head_teacher
):
    incident = _incident(head_teacher, world.child_a)
    with pytest.raises(ValidationError, match="早于事件发生时间"):
        incident_notice_add(
            actor=head_teacher,
            incident=incident,
            party="guardian",
            notified_at=at(2026, 11, 28, 16),
        )
    incident_notice_add(
        actor=head_teacher,
        incident=incident,
        party="guardian",
        name="王秀英",
        notified_at=at(2026, 11, 28, 17, 20),
    )
    incident_follow_up_add(
        actor=head_teacher, incident=incident, due_on=day(2026, 12, 5), note="再次家访"
    )
    assert [n.name for n in incident.notices.all()] == ["王秀英"]
    assert incident.follow_ups.get().done_on is None


def test_an_incident_has_no_delete(world, head_teacher):
    from django.db.models import ProtectedError

    incident = _incident(head_teacher, world.child_a)
    with pytest.raises(ProtectedError):
        world.child_a.delete()
    assert Incident.objects.filter(pk=incident.pk).exists()


def test_the_incident_page_shows_the_contact_chain_and_what_is_missing(client, world, head_teacher):
    world.school_a.duty_phone = "08188621234"
    world.school_a.save()
    TownshipOfficerFactory(
        scope_region=world.township_a, display_name="儿童主任钱", phone="13600002222"
    )
    incident = _incident(head_teacher, world.child_a)
    client.force_login(head_teacher)
    page = client.get(
        reverse("welfare:incident-detail", kwargs={"public_id": incident.public_id})
    ).content.decode()
    assert "应急联系链" in page
    assert "08188621234" in page and "13600002222" in page and "13700001111" in page
    assert "村儿童福利督导员" in page  # listed as missing: the village has no supervisor


def test_missing_links_are_listed_per_class(client, world, head_teacher):
    client.force_login(head_teacher)
    page = client.get(
        reverse("welfare:class-chain", kwargs={"class_id": world.class_a.pk})
    ).content.decode()
    assert "李家成" in page and "学校值班电话" in page and "代理家长电话" in page


def test_a_head_teacher_records_a_lecture_and_the_head_count_defaults_to_the_register(
    world, head_teacher
):
    lecture = lecture_record(
        actor=head_teacher,
        school=world.school_a,
        kind=LectureKind.SAFETY,
        held_on=day(2026, 11, 20),
        topic="防溺水安全教育",
        speaker="派出所李警官",
        classes=[world.class_a],
    )
    assert lecture.attendance == 1


def test_a_lecture_for_a_class_of_another_school_is_refused(world, school_leader):
    with pytest.raises(ValidationError, match="本校班级"):
        lecture_record(
            actor=school_leader,
            school=world.school_a,
            kind=LectureKind.LEGAL,
            held_on=day(2026, 11, 20),
            topic="法制教育",
            speaker="王法官",
            classes=[world.class_b],
        )
    assert not Lecture.objects.exists()


def test_missing_lectures_are_shown_per_month_so_far(client, world, school_leader):
    lecture_record(
        actor=school_leader,
        school=world.school_a,
        kind=LectureKind.SAFETY,
        held_on=day(2026, 10, 9),
        topic="交通安全",
        speaker="交警",
        classes=[],
        attendance=300,
    )
    client.force_login(school_leader)
    page = client.get(reverse("welfare:lecture-list")).content.decode()
    assert "未达要求" in page
    assert f"{day(2026, 9, 1).year}年9月" in page and f"{day(2026, 11, 1).year}年11月" in page
    assert f"{day(2026, 10, 1).year}年10月" not in page


def test_a_school_may_tighten_the_lecture_quota_not_loosen_it(
    world, township_officer, school_leader
):
    lecture_quota_set(
        actor=township_officer, node=world.township_a, period=LecturePeriod.MONTH, minimum=1
    )
    with pytest.raises(ValidationError, match="不能低于上级"):
        lecture_quota_set(
            actor=school_leader, node=world.school_a, period=LecturePeriod.TERM, minimum=2
        )
    lecture_quota_set(
        actor=school_leader, node=world.school_a, period=LecturePeriod.MONTH, minimum=2
    )


def test_a_teacher_cannot_record_a_lecture(world, teacher):
    with pytest.raises(PermissionDenied):
        lecture_record(
            actor=teacher,
            school=world.school_a,
            kind=LectureKind.SAFETY,
            held_on=day(2026, 11, 20),
            topic="x",
            speaker="y",
            classes=[],
            attendance=10,
        )


def test_the_incident_form_records_and_redirects_to_the_incident(client, world, head_teacher):
    client.force_login(head_teacher)
    url = reverse("welfare:incident-create", kwargs={"public_id": world.child_a.public_id})
    assert "应急联系链" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "kind": "traffic",
            "happened_at": (at(2026, 11, 29, 8) - datetime.timedelta(hours=1)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "place": "校门口",
            "what": "被电动车擦伤",
        },
    )
    assert response.status_code == 302
    assert Incident.objects.get().place == "校门口"


def test_the_township_sees_the_schools_owing_lectures_and_sets_one_a_term(
    client, world, township_officer
):
    client.force_login(township_officer)
    page = client.get(reverse("welfare:lecture-list")).content.decode()
    assert "万源市太平镇中心小学" in page and "每月至少1场（系统默认）" in page
    response = client.post(
        reverse("welfare:lecture-quota") + f"?scope={world.township_a.code[:9]}",
        {"period": "term", "minimum": 1},
    )
    assert response.status_code == 302
    page = client.get(reverse("welfare:lecture-list")).content.decode()
    assert "每学期至少1场（太平镇）" in page
