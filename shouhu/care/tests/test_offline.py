"""Offline capture (issue 19): the phone's copy holds only the minimum, the outbox's upload goes
through the services, stores each record once, and refuses per record what it must."""

import json
import uuid

import pytest
from django.urls import reverse

from shouhu.audit.models import AccessLog
from shouhu.care.models import ActionKind, CareAction, Observation, SignalKind
from shouhu.care.offline.selectors import OFFLINE_CHILD_KEYS, OFFLINE_DUE_KEYS
from shouhu.care.offline.services import BATCH_MAX
from shouhu.care.services import observation_record
from shouhu.registry.models import Guardian
from shouhu.schooling.models import Absence, RollCall
from shouhu.schooling.tests.attendance_world import clock, next_weekday
from shouhu.testing.dates import TODAY
from shouhu.testing.factories import register_child

SYNC, UPLOAD = "/care/offline/sync/", "/care/offline/upload/"


def sync(client) -> dict:
    response = client.get(SYNC)
    assert response.status_code == 200
    return response.json()


def upload(client, *records) -> list[dict]:
    response = client.post(
        UPLOAD, json.dumps({"records": list(records)}), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()["results"]


def visit(child, *, summary="家中一切正常。", day=None, kind="visit", id=None) -> dict:
    return {
        "id": str(id or uuid.uuid4()),
        "type": kind,
        "child": str(child.public_id),
        "day": (day or TODAY).isoformat(),
        "summary": summary,
    }


# --- sync down --------------------------------------------------------------------------------


def test_the_phones_copy_holds_only_name_class_guardian_village_and_due_items(
    client, world, teacher, paired
):
    Guardian.objects.update_or_create(
        child=world.child_a,
        defaults={
            "name": "李奶奶",
            "relation": "祖母",
            "phone": "13800001111",
            "address": "石塘村3组",
            "health": "高血压",
        },
    )
    world.child_a.home_region = world.village_a
    world.child_a.address = "石塘村3组12号"
    world.child_a.health_notes = "哮喘"
    world.child_a.save()
    client.force_login(teacher)
    copy = sync(client)
    (child,) = copy["children"]
    assert tuple(child) == OFFLINE_CHILD_KEYS
    assert child["name"] == "李家成" and child["class"] == world.class_a.name
    assert child["guardian"] == "李奶奶" and child["village"] == world.village_a.name
    assert child["due"] and all(tuple(d) == OFFLINE_DUE_KEYS for d in child["due"])
    assert {d["kind"] for d in child["due"]} >= {ActionKind.HOME_VISIT}
    text = json.dumps(copy, ensure_ascii=False)
    withheld = ("13800001111", "石塘村3组", "哮喘", "高血压", "id_number", "health", "counselling")
    assert not [secret for secret in withheld if secret in text]
    assert copy["csrf"] and copy["owner"] == str(teacher.pk) and copy["synced_at"]


def test_a_head_teacher_gets_the_class_and_its_register_for_the_roll_call(
    client, world, head_teacher
):
    client.force_login(head_teacher)
    copy = sync(client)
    assert [c["name"] for c in copy["children"]] == ["李家成"]
    (roll,) = copy["classes"]
    assert roll["id"] == world.class_a.pk
    assert roll["pupils"] == [{"id": str(world.child_a.public_id), "name": "李家成"}]


def test_a_teacher_gets_no_child_of_another_teacher_nor_another_school(
    client, world, teacher, other_head_teacher
):
    client.force_login(teacher)
    assert sync(client)["children"] == []  # not proxy parent of anyone
    client.force_login(other_head_teacher)
    assert [c["name"] for c in sync(client)["children"]] == ["曾小雨"]


def test_without_a_session_the_endpoints_send_to_the_login_page(client, db):
    assert client.get(SYNC)["Location"].startswith("/accounts/login/")
    response = client.post(UPLOAD, "{}", content_type="application/json")
    assert response["Location"].startswith("/accounts/login/")


def test_a_role_with_nothing_to_record_gets_no_copy(client, world, privacy_officer):
    client.force_login(privacy_officer)
    assert client.get(SYNC).status_code == 403
    assert client.post(UPLOAD, "{}", content_type="application/json").status_code == 403


def test_every_role_that_takes_a_copy_reads_each_of_its_fields_in_full():
    from shouhu.care.offline.views import RECORDER_PERMS
    from shouhu.core.roles import ROLE_PERMS
    from shouhu.core.visibility import MATRIX, PHONE_COPY, Visibility

    assert OFFLINE_CHILD_KEYS == ("id", "name", "class", "guardian", "village", "due")
    takers = [role for role, perms in ROLE_PERMS.items() if set(RECORDER_PERMS) & perms]
    assert set(takers) >= {"head_teacher", "teacher", "volunteer"}
    partial = {
        (role, row)
        for role in takers
        for row in PHONE_COPY.values()
        if MATRIX[row][role] != Visibility.FULL
    }
    assert not partial


def test_the_copy_of_a_class_takes_a_bounded_number_of_queries(
    client, world, head_teacher, django_assert_max_num_queries
):
    for n in range(5):
        register_child(head_teacher, world.class_a, name=f"学生{chr(0x4E00 + n)}")
    client.force_login(head_teacher)
    with django_assert_max_num_queries(40):
        assert len(sync(client)["children"]) == 6


# --- upload -----------------------------------------------------------------------------------


def test_two_visits_are_stored_through_the_care_service_with_the_phones_ids(
    client, world, teacher, paired
):
    client.force_login(teacher)
    first, second = visit(world.child_a), visit(world.child_a, kind="call", summary="通话")
    results = upload(client, first, second)
    assert [r["status"] for r in results] == ["stored", "stored"]
    stored = CareAction.objects.order_by("kind")
    assert [(a.kind, str(a.client_id), a.author) for a in stored] == [
        (ActionKind.HOME_VISIT, first["id"], teacher),
        (ActionKind.PARENT_CALL, second["id"], teacher),
    ]
    assert AccessLog.objects.filter(user=teacher, child=world.child_a).count() == 2


def test_a_replayed_record_is_stored_once(client, world, teacher, paired):
    client.force_login(teacher)
    record = visit(world.child_a)
    assert upload(client, record)[0]["status"] == "stored"
    assert [r["status"] for r in upload(client, record, record)] == ["duplicate", "duplicate"]
    assert CareAction.objects.count() == 1


def test_a_record_with_another_users_id_is_refused_and_writes_nothing(
    client, world, teacher, head_teacher, paired
):
    client.force_login(head_teacher)
    record = visit(world.child_a, summary="班主任家访")
    upload(client, record)
    client.force_login(teacher)
    (result,) = upload(client, {**record, "summary": "改写"})
    assert result["status"] == "refused" and "其他用户" in result["reason"]
    assert list(CareAction.objects.values_list("summary", flat=True)) == ["班主任家访"]


def test_a_child_who_left_the_scope_is_refused_with_a_reason_and_the_others_stored(
    client, world, teacher, paired
):
    client.force_login(teacher)
    stranger, left = visit(world.child_b), visit(world.child_a)
    other = register_child(world.class_a.head_teacher, world.class_a, name="王小明")
    mine = visit(other)
    world.child_a.left_on = TODAY
    world.child_a.save(update_fields=["left_on"])
    results = upload(client, stranger, left, mine)
    assert [r["status"] for r in results] == ["refused", "refused", "stored"]
    assert "不在您的管辖范围内" in results[0]["reason"]
    assert "离开名册" in results[1]["reason"]
    assert list(CareAction.objects.values_list("client_id", flat=True)) == [uuid.UUID(mine["id"])]


def test_over_long_text_and_a_date_to_come_are_refused_naming_the_field(
    client, world, teacher, paired
):
    client.force_login(teacher)
    too_long = visit(world.child_a, summary="很" * 2001)
    huge = visit(world.child_a, summary="很" * 100_000)
    future = visit(world.child_a, day=TODAY.replace(year=TODAY.year + 1))
    bad_id = {**visit(world.child_a), "id": "not-a-uuid"}
    results = upload(client, too_long, huge, future, bad_id)
    assert all(r["status"] == "refused" for r in results)
    assert results[0]["reason"].startswith("情况摘要：")
    assert "过长" in results[1]["reason"]
    assert "日期" in results[2]["reason"] and "记录编号无效" in results[3]["reason"]
    assert not CareAction.objects.exists()


def test_script_in_text_is_stored_as_text_and_shown_escaped(client, world, teacher, paired):
    client.force_login(teacher)
    upload(client, visit(world.child_a, summary="<script>alert(1)</script>"))
    assert CareAction.objects.get().summary == "<script>alert(1)</script>"
    page = client.get(reverse("care:child-care", kwargs={"public_id": world.child_a.public_id}))
    assert b"<script>alert(1)" not in page.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.content


def test_a_batch_over_the_limit_is_refused_whole(client, world, teacher, paired):
    client.force_login(teacher)
    records = [visit(world.child_a) for _ in range(BATCH_MAX + 1)]
    response = client.post(
        UPLOAD, json.dumps({"records": records}), content_type="application/json"
    )
    assert response.status_code == 400 and "分批" in response.json()["error"]
    assert not CareAction.objects.exists()
    assert client.post(UPLOAD, "not json", content_type="application/json").status_code == 400


def test_the_upload_keeps_csrf(world, teacher, paired):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(teacher)
    body = json.dumps({"records": [visit(world.child_a)]})
    assert strict.post(UPLOAD, body, content_type="application/json").status_code == 403
    token = strict.get(SYNC).json()["csrf"]
    response = strict.post(
        UPLOAD, body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.json()["results"][0]["status"] == "stored"


def test_a_signal_recorded_offline_raises_the_home_visit_task_once(client, world, teacher, paired):
    client.force_login(teacher)
    record = {
        "id": str(uuid.uuid4()),
        "type": "signal",
        "child": str(world.child_a.public_id),
        "day": TODAY.isoformat(),
        "signal": SignalKind.BAD_MOOD,
        "note": "上课哭",
    }
    assert upload(client, record, record)[0]["status"] == "stored"
    observation = Observation.objects.get()
    assert observation.task.assignee == teacher and observation.note == "上课哭"
    bad = {**record, "id": str(uuid.uuid4()), "signal": SignalKind.ABSENT}
    assert upload(client, bad)[0]["reason"] == "必访信号无效。"


def test_a_visit_done_offline_closes_its_open_task(client, world, teacher, paired):
    task = observation_record(
        actor=teacher, child=world.child_a, kind=SignalKind.UNWELL, noted_on=TODAY
    )
    client.force_login(teacher)
    (item,) = [d for d in sync(client)["children"][0]["due"] if d["task"]]
    upload(client, {**visit(world.child_a), "task": item["task"]})
    task.refresh_from_db()
    assert task.done_on == TODAY and task.done_by.client_id is not None


# --- the roll call ----------------------------------------------------------------------------

SCHOOL_DAY = next_weekday()


def roll_call(school_class, absent, *, day=SCHOOL_DAY, id=None) -> dict:
    return {
        "id": str(id or uuid.uuid4()),
        "type": "roll_call",
        "class": school_class.pk,
        "day": day.isoformat(),
        "absent": [{"child": str(c.public_id), "reason": r} for c, r in absent],
    }


def test_a_roll_call_taken_offline_is_stored_once_through_the_schooling_service(
    client, world, head_teacher
):
    record = roll_call(world.class_a, [(world.child_a, "sick")])
    with clock(SCHOOL_DAY, 8, 20, client=client, user=head_teacher):
        assert [r["status"] for r in upload(client, record, record)] == ["stored", "duplicate"]
    roll = RollCall.objects.get()
    assert str(roll.client_id) == record["id"] and roll.taken_by == head_teacher
    assert list(Absence.objects.values_list("child__name", "reason")) == [("李家成", "sick")]


def test_a_roll_call_uploaded_another_day_or_for_another_class_is_refused(
    client, world, head_teacher
):
    late = roll_call(world.class_a, [], day=SCHOOL_DAY)
    other = roll_call(world.class_b, [])
    stranger = roll_call(world.class_a, [(world.child_b, "sick")])
    later = next_weekday(SCHOOL_DAY)
    with clock(later, 8, 20, client=client, user=head_teacher):
        today = {"day": later.isoformat()}
        results = upload(client, late, {**other, **today}, {**stranger, **today})
    assert [r["status"] for r in results] == ["refused"] * 3
    assert "只能为今天点名" in results[0]["reason"]
    assert "不在您的管辖范围内" in results[1]["reason"]
    assert "名册" in results[2]["reason"]
    assert not RollCall.objects.exists()


# --- the shell --------------------------------------------------------------------------------


def test_the_service_worker_is_javascript_from_the_root_caching_only_the_shell(client, db):
    response = client.get("/sw.js")
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    body = response.content.decode()
    assert '"/care/offline/"' in body and "shouhu/pwa.js" in body
    assert "/care/offline/sync/" not in body


def test_the_manifest_opens_at_the_worklist_with_chinese_name_and_icons(client, db):
    data = json.loads(client.get("/manifest.webmanifest").content)
    assert data["short_name"] == "守护" and data["start_url"] == "/"
    assert data["display"] == "standalone"
    assert {i["sizes"] for i in data["icons"]} == {"192x192", "512x512"}
    for icon in data["icons"]:
        assert client.get(icon["src"]).status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "teacher"])
def test_the_offline_page_holds_nobodys_data(client, world, teacher, paired, who):
    if who == "teacher":
        client.force_login(teacher)
    page = client.get("/care/offline/").content.decode()
    assert "离线记录" in page and "李家成" not in page and str(teacher) not in page
    assert "csrfmiddlewaretoken" not in page and "<script>" not in page


def test_logout_clears_the_site_data(client, teacher):
    client.force_login(teacher)
    response = client.post(reverse("accounts:logout"))
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_a_records_cost_in_queries_is_its_services_own(client, world, teacher, paired):
    """The batch reads the ids and children once; each record then costs what recording it
    online costs (its service's checks, rows and access log) and a savepoint."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(teacher)
    counts = []
    for n in (5, 10):
        records = [visit(world.child_a) for _ in range(n)]
        with CaptureQueriesContext(connection) as queries:
            upload(client, *records)
        counts.append(len(queries))
    per_record = (counts[1] - counts[0]) / 5
    assert per_record <= 12, counts
