"""The privacy officer's pages: the access log search, unusual access, full-export grants,
guardians' requests and the annual compliance-audit report."""

import datetime
import subprocess

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from shouhu.audit import selectors
from shouhu.audit.models import (
    AccessAction,
    AccessLog,
    Erasure,
    ExportGrant,
    GuardianRequest,
    RequestStatus,
)
from shouhu.testing.dates import TODAY, day, iso
from shouhu.testing.factories import GuardianRequestFactory, TeacherFactory, register_child

pytestmark = pytest.mark.django_db
SHANGHAI = timezone.get_fixed_timezone(8 * 60)


def log_at(when: datetime.datetime, **fields) -> AccessLog:
    with time_machine.travel(when, tick=False):
        return AccessLog.objects.create(**fields)


# The last whole week before the pinned day, Monday to Saturday: 2026-11-23 … 2026-11-28 as written
# (the pinned day, 2026-11-29, is a Sunday); in a year the suite is moved to, the same weekdays of
# the week before TODAY, so that "the 23rd is a Monday, the 28th a Saturday" still holds.
SATURDAY = TODAY - datetime.timedelta(days=(TODAY.weekday() - 5) % 7 or 7)
MONDAY = SATURDAY - datetime.timedelta(days=5)


def nov(dom: int) -> datetime.date:
    """The day of that week named as in November 2026 (22 the Sunday before, 29 the one after)."""
    return MONDAY + datetime.timedelta(days=dom - 23)


def at(dom: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A moment of that week in China, named as in November 2026 (the 23rd is the Monday)."""
    return datetime.datetime.combine(nov(dom), datetime.time(hour, minute), tzinfo=SHANGHAI)


# --- the access log ---------------------------------------------------------------------------


def test_privacy_officer_finds_access_by_user_child_and_date(
    client, privacy_officer, teacher, world
):
    log_at(at(23, 9), user=teacher, action=AccessAction.VIEW, child=world.child_a)
    log_at(at(24, 9), user=teacher, action=AccessAction.VIEW, child=world.child_b)
    log_at(at(24, 10), user=privacy_officer, action=AccessAction.VIEW, child=world.child_a)
    client.force_login(privacy_officer)
    url = reverse("audit:access-log")
    page = client.get(url, {"user": "teacher", "child": "李家成"}).content.decode()
    monday, tuesday = nov(23).isoformat(), nov(24).isoformat()
    assert f"{monday} 09:00" in page and tuesday not in page
    page = client.get(url, {"start": tuesday, "end": tuesday}).content.decode()
    assert f"{tuesday} 09:00" in page and f"{tuesday} 10:00" in page
    assert monday not in page


def test_the_access_log_is_cut_to_the_officers_scope(privacy_officer, outsider, tree):
    stranger = register_child(outsider, tree.other_class, name="外县孩子")
    AccessLog.objects.create(user=outsider, action=AccessAction.VIEW, child=stranger)
    AccessLog.objects.create(user=outsider, action=AccessAction.SEARCH, query="q=x")
    logs = selectors.access_log_for(privacy_officer, filters=selectors.LogFilters())
    assert not logs.filter(user=outsider).exists()


def test_a_hostile_search_is_shown_as_text(client, privacy_officer, world):
    client.force_login(privacy_officer)
    response = client.get(reverse("audit:access-log"), {"user": "<script>x</script>"})
    assert response.status_code == 200
    assert "<script>x</script>" not in response.content.decode()
    too_long = client.get(reverse("audit:access-log"), {"user": "x" * 500})
    assert too_long.status_code == 200


# --- unusual access ---------------------------------------------------------------------------


def test_many_files_in_a_short_time_is_unusual(
    settings, privacy_officer, teacher, head_teacher, world
):
    settings.SHOUHU_UNUSUAL_FILES = 3
    settings.SHOUHU_UNUSUAL_WINDOW_MINUTES = 10
    children = [world.child_a] + [register_child(head_teacher, world.class_a) for _ in range(3)]
    for minute, child in enumerate(children):
        log_at(at(23, 9, minute), user=teacher, action=AccessAction.VIEW, child=child)
    # The same four files over an hour by the head teacher are not unusual.
    for n, child in enumerate(children):
        log_at(
            at(23, 9, 0) + datetime.timedelta(minutes=20 * n),
            user=head_teacher,
            action=AccessAction.VIEW,
            child=child,
        )
    found = selectors.unusual_access_for(privacy_officer, start=nov(23), end=nov(23))
    assert [(b.user, b.files) for b in found.bursts] == [(teacher, 4)]


def test_opening_the_same_file_again_and_again_is_not_many_files(
    settings, privacy_officer, teacher, world
):
    settings.SHOUHU_UNUSUAL_FILES = 3
    for minute in range(6):
        log_at(at(23, 9, minute), user=teacher, action=AccessAction.VIEW, child=world.child_a)
    found = selectors.unusual_access_for(privacy_officer, start=nov(23), end=nov(23))
    assert found.bursts == []


def test_access_outside_school_hours_is_unusual(settings, privacy_officer, teacher, world):
    settings.SHOUHU_SCHOOL_HOURS = (7, 19)
    log_at(at(23, 10), user=teacher, action=AccessAction.VIEW, child=world.child_a)  # Monday
    log_at(at(23, 22), user=teacher, action=AccessAction.VIEW, child=world.child_a)  # night
    log_at(at(28, 10), user=teacher, action=AccessAction.VIEW, child=world.child_a)  # Saturday
    found = selectors.unusual_access_for(privacy_officer, start=nov(23), end=nov(28))
    assert sorted((o.day, o.count) for o in found.off_hours) == [(nov(23), 1), (nov(28), 1)]
    settings.SHOUHU_SCHOOL_HOURS = (7, 23)
    found = selectors.unusual_access_for(privacy_officer, start=nov(23), end=nov(28))
    assert [o.day for o in found.off_hours] == [nov(28)]


def test_off_hours_are_counted_per_local_day_with_their_first_and_last(
    settings, privacy_officer, teacher, world
):
    """06:00 in China is the evening before in UTC: the database groups by the local day."""
    settings.SHOUHU_SCHOOL_HOURS = (7, 19)
    for hour in (6, 12, 22):  # Tuesday: early, in hours, late
        log_at(at(24, hour), user=teacher, action=AccessAction.VIEW, child=world.child_a)
    log_at(at(24, 20), user=teacher, action=AccessAction.DENIED, child=world.child_a)
    found = selectors.unusual_access_for(privacy_officer, start=nov(23), end=nov(28))
    (only,) = found.off_hours
    assert (only.user, only.day, only.count) == (teacher, nov(24), 2)
    assert (only.first.hour, only.last.hour) == (6, 22)
    assert found.denied == 1


def test_the_unusual_page_lists_what_it_found(client, settings, privacy_officer, teacher, world):
    log_at(at(28, 23), user=teacher, action=AccessAction.VIEW, child=world.child_a)
    client.force_login(privacy_officer)
    page = client.get(
        reverse("audit:unusual"), {"start": nov(22).isoformat(), "end": nov(29).isoformat()}
    )
    assert "刘老师" in page.content.decode()


# --- full-export grants -----------------------------------------------------------------------


def test_privacy_officer_approves_one_full_export_for_a_school_leader(
    client, privacy_officer, school_leader, world
):
    client.force_login(privacy_officer)
    response = client.post(
        reverse("audit:grants"),
        {"grantee": school_leader.pk, "scope_code": "3151781001", "reason": "县民政局年度核对"},
    )
    assert response.status_code == 302
    grant = ExportGrant.objects.get()
    assert (grant.grantee, grant.granted_by, grant.scope_code, grant.used_at) == (
        school_leader,
        privacy_officer,
        "3151781001",
        None,
    )


def test_a_grant_outside_the_grantees_scope_or_to_a_non_exporter_is_refused(
    client, privacy_officer, head_teacher, teacher, world
):
    client.force_login(privacy_officer)
    url = reverse("audit:grants")
    # The head teacher of class A cannot export the whole county (nor could a teacher at all).
    client.post(url, {"grantee": head_teacher.pk, "scope_code": "511702", "reason": "核对"})
    bad_node = client.post(
        url, {"grantee": head_teacher.pk, "scope_code": "9999", "reason": "核对"}
    )
    assert "没有这个区划或学校" in bad_node.content.decode()
    hostile = client.post(
        url, {"grantee": head_teacher.pk, "scope_code": "<script>", "reason": "x" * 300}
    )
    assert hostile.status_code == 200
    client.post(url, {"grantee": teacher.pk, "scope_code": "3151781001", "reason": "核对"})
    assert not ExportGrant.objects.exists()


# --- guardians' requests ----------------------------------------------------------------------


def test_privacy_officer_records_a_request_by_id_number_with_its_deadline(
    client, privacy_officer, world
):
    client.force_login(privacy_officer)
    response = client.post(
        reverse("audit:requests"),
        {
            "id_number": world.child_a.id_number.lower(),
            "kind": "correction",
            "requester_name": "王秀英",
            "requester_relation": "祖母",
            "requester_phone": "13700001111",
            "details": "出生日期有误",
            "received_on": iso("2026-11-20"),
        },
    )
    record = GuardianRequest.objects.get()
    assert response.status_code == 302
    assert record.child == world.child_a
    assert record.due_on == day(2026, 12, 5)


def test_a_request_for_a_child_outside_the_scope_is_refused(
    client, privacy_officer, outsider, tree
):
    stranger = register_child(outsider, tree.other_class)
    client.force_login(privacy_officer)
    response = client.post(
        reverse("audit:requests"),
        {
            "id_number": stranger.id_number,
            "kind": "access",
            "requester_name": "<b>某人</b>",
            "requester_relation": "父亲",
            "received_on": iso("2026-11-20"),
        },
    )
    assert "您的管辖范围内没有这个身份证号的儿童" in response.content.decode()
    assert not GuardianRequest.objects.exists()


def test_a_child_is_found_by_id_number_inside_the_scope_only(privacy_officer, outsider, world):
    stranger = register_child(outsider, world.other_class)
    number = world.child_a.id_number
    assert selectors.child_by_id_number_for(privacy_officer, id_number=number) == world.child_a
    assert (
        selectors.child_by_id_number_for(privacy_officer, id_number=f" {number.lower()} ")
        == world.child_a
    )
    assert selectors.child_by_id_number_for(privacy_officer, id_number=stranger.id_number) is None
    assert selectors.child_by_id_number_for(outsider, id_number=stranger.id_number) == stranger
    assert selectors.child_by_id_number_for(privacy_officer, id_number="不是号码") is None
    assert selectors.child_by_id_number_for(privacy_officer, id_number="") is None


def test_overdue_requests_are_listed_as_overdue(client, frozen_today, privacy_officer, world):
    late = GuardianRequestFactory(
        child=world.child_a,
        received_on=day(2026, 11, 1),
        due_on=day(2026, 11, 16),
    )
    on_time = GuardianRequestFactory(child=world.child_a)
    overdue = selectors.requests_for(privacy_officer, show="overdue")
    assert list(overdue) == [late]
    assert on_time in selectors.requests_for(privacy_officer, show="open")
    client.force_login(privacy_officer)
    page = client.get(reverse("audit:index")).content.decode()
    assert '<div class="value warn">1</div>' in page


def test_a_granted_deletion_request_anonymises_the_file(client, privacy_officer, world):
    record = GuardianRequestFactory(child=world.child_a, kind="deletion")
    client.force_login(privacy_officer)
    url = reverse("audit:request-detail", kwargs={"public_id": record.public_id})
    unconfirmed = client.post(url, {"status": "done", "resolution": "已核实监护人身份"})
    assert unconfirmed.status_code == 200
    assert not Erasure.objects.exists()
    client.post(url, {"status": "done", "resolution": "已核实监护人身份", "confirm_erasure": "on"})
    record.refresh_from_db()
    world.child_a.refresh_from_db()
    assert record.status == RequestStatus.DONE and record.resolved_by == privacy_officer
    assert world.child_a.name == "（已匿名）" and world.child_a.id_number == ""
    assert Erasure.objects.get().request == record


def test_a_refused_request_keeps_the_file(client, privacy_officer, world):
    record = GuardianRequestFactory(child=world.child_a, kind="deletion")
    client.force_login(privacy_officer)
    url = reverse("audit:request-detail", kwargs={"public_id": record.public_id})
    client.post(url, {"status": "refused", "resolution": "法定职责需要保留"})
    world.child_a.refresh_from_db()
    assert world.child_a.name == "李家成"
    assert not Erasure.objects.exists()


# --- the annual report ------------------------------------------------------------------------


def test_the_annual_report_is_a_pdf_with_the_years_counts(client, privacy_officer, teacher, world):
    for _ in range(3):
        AccessLog.objects.create(user=teacher, action=AccessAction.REVEAL, child=world.child_a)
    GuardianRequestFactory(child=world.child_a, kind="deletion")
    client.force_login(privacy_officer)
    year = timezone.localdate().year
    response = client.get(reverse("audit:report"), {"year": year})
    assert response["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    assert f"{year}年度个人信息保护合规审计报告" in text
    reveals = next(line for line in text.splitlines() if "查看完整信息（说明理由）" in line)
    assert reveals.split()[-1] == "3"
    assert "监护人权利请求" in text and "安全事件" in text


def test_the_figures_count_what_happened_in_the_year_only(privacy_officer, teacher, world):
    log_at(at(23, 9), user=teacher, action=AccessAction.EXPORT, child=world.child_a)
    log_at(
        datetime.datetime.combine(day(2025, 6, 1), datetime.time(9), tzinfo=SHANGHAI),
        user=teacher,
        action=AccessAction.EXPORT,
        child=world.child_a,
    )
    year = nov(23).year
    figures = selectors.compliance_figures_for(privacy_officer, year=year)
    assert figures.accesses["export"] == 1
    assert selectors.compliance_figures_for(privacy_officer, year=year - 1).accesses["export"] == 1


def test_teacher_cannot_reach_the_privacy_pages(client, world):
    client.force_login(TeacherFactory(scope_school=world.school_a))
    assert client.get(reverse("audit:access-log")).status_code == 403
