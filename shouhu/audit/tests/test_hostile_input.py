"""Hostile input on the child's form and on the privacy officer's forms: script tags are kept as
text and never run, over-long values get a clear error and nothing is written."""

import datetime

import pytest
from django.urls import reverse

from shouhu.audit.models import GuardianRequest
from shouhu.core.idnumber import make_id_number
from shouhu.registry.models import Child, Parent
from shouhu.testing.dates import day, iso

pytestmark = pytest.mark.django_db

BIRTH = datetime.date(2016, 5, 20)
SCRIPT = "<script>alert(1)</script>"


def child_form(world, **overrides) -> dict:
    data = {
        "name": "王小明",
        "sex": "male",
        "birth_date": BIRTH.isoformat(),
        "ethnicity": "汉族",
        "id_number": make_id_number(county="511781", birth_date=BIRTH, serial=461),
        "hukou_type": "rural",
        "school_class": world.class_a.pk,
        "father-status": "migrant",
        "father-name": "王大山",
        "mother-status": "migrant",
        "guardian-name": "王爷爷",
        "guardian-relation": "祖父",
        "source": "register",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("name", "王" * 31, "姓名"),
        ("ethnicity", "汉" * 21, "民族"),
        ("id_number", "5" * 40, "身份证号"),
        ("father-name", "王" * 31, "姓名"),
        ("father-phone", "1" * 40, "电话"),
        ("father-destination", "广" * 61, "务工地"),
        ("guardian-relation", "祖" * 21, "与儿童关系"),
        ("guardian-age", "99999999999", "监护人年龄"),
        ("guardian-age", "130", "监护人年龄"),
        ("address", "村" * 201, "家庭住址"),
        ("birth_date", "2016-02-30", "出生日期"),
        ("school_class", "999999", "班级"),
        ("sex", SCRIPT, "性别"),
    ],
)
def test_an_over_long_or_malformed_child_form_is_refused_and_nothing_is_written(
    client, head_teacher, world, field, value, error
):
    client.force_login(head_teacher)
    before = (Child.objects.count(), Parent.objects.count())
    response = client.post(reverse("registry:child-create"), child_form(world, **{field: value}))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="errorlist"' in page and error in page
    assert (Child.objects.count(), Parent.objects.count()) == before


def test_script_tags_in_every_name_are_stored_as_text_and_shown_escaped(
    client, head_teacher, world
):
    client.force_login(head_teacher)
    client.post(
        reverse("registry:child-create"),
        child_form(
            world,
            name=SCRIPT,
            **{
                "father-name": SCRIPT,
                "guardian-name": SCRIPT,
                "guardian-relation": "<b>祖父</b>",
                "father-destination": '"><img src=x onerror=alert(1)>',
            },
        ),
    )
    child = Child.objects.get(name=SCRIPT)
    detail = reverse("registry:child-detail", kwargs={"public_id": child.public_id})
    for tab in ("basic", "family", "history"):
        page = client.get(detail, {"tab": tab}).content.decode()
        assert SCRIPT not in page and "<img src=x" not in page and "<b>祖父</b>" not in page
    listing = client.get(reverse("registry:child-list")).content.decode()
    assert SCRIPT not in listing and "&lt;script&gt;" in listing


def test_the_guardian_request_form_refuses_over_long_values_and_writes_nothing(
    client, privacy_officer, world
):
    client.force_login(privacy_officer)
    base = {
        "id_number": world.child_a.id_number,
        "kind": "access",
        "requester_name": "王秀英",
        "requester_relation": "祖母",
        "received_on": iso("2026-11-20"),
    }
    for field, value in [
        ("requester_name", "王" * 31),
        ("requester_relation", "祖" * 21),
        ("requester_phone", "1" * 21),
        ("details", "删" * 1001),
        ("id_number", "5" * 21),
        ("received_on", "<script>"),
        ("kind", "drop table"),
    ]:
        response = client.post(reverse("audit:requests"), {**base, field: value})
        assert response.status_code == 200
        assert 'class="errorlist"' in response.content.decode()
    assert not GuardianRequest.objects.exists()


def test_script_in_a_guardian_request_is_shown_as_text(client, privacy_officer, world):
    client.force_login(privacy_officer)
    client.post(
        reverse("audit:requests"),
        {
            "id_number": world.child_a.id_number,
            "kind": "correction",
            "requester_name": SCRIPT[:30],
            "requester_relation": "祖母",
            "details": SCRIPT,
            "received_on": iso("2026-11-20"),
        },
    )
    record = GuardianRequest.objects.get()
    page = client.get(
        reverse("audit:request-detail", kwargs={"public_id": record.public_id})
    ).content.decode()
    assert SCRIPT not in page and "&lt;script&gt;" in page


def test_a_request_received_in_the_future_is_refused(client, privacy_officer, world):
    client.force_login(privacy_officer)
    response = client.post(
        reverse("audit:requests"),
        {
            "id_number": world.child_a.id_number,
            "kind": "access",
            "requester_name": "王秀英",
            "requester_relation": "祖母",
            "received_on": "2099-01-01",
        },
    )
    assert "收到日期不能晚于今天" in response.content.decode()
    assert not GuardianRequest.objects.exists()


def test_closing_a_request_without_a_resolution_is_refused(client, privacy_officer, world):
    from shouhu.testing.factories import GuardianRequestFactory

    record = GuardianRequestFactory(child=world.child_a)
    client.force_login(privacy_officer)
    url = reverse("audit:request-detail", kwargs={"public_id": record.public_id})
    for data in ({"status": "done", "resolution": ""}, {"status": "x", "resolution": "y" * 301}):
        assert 'class="errorlist"' in client.post(url, data).content.decode()
    record.refresh_from_db()
    assert record.status == "open"


@pytest.mark.usefixtures("frozen_today")
@pytest.mark.parametrize(
    "content", [b"name,id\n\xe7\x8e\x8b,1\n", b"PK\x03\x04" + b"\x00" * 64, bytes(range(256)) * 8]
)
def test_a_non_excel_file_renamed_xlsx_gets_a_clear_error_and_writes_nothing(
    client, head_teacher, world, content
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shouhu.registry.models import CensusImport

    client.force_login(head_teacher)
    before = Child.objects.count()
    response = client.post(
        reverse("registry:census-import"),
        {"term": world.term.code, "file": SimpleUploadedFile("名册.xlsx", content)},
        follow=True,
    )
    page = response.content.decode()
    assert "无法读取该文件" in page and "确认导入" not in page
    assert Child.objects.count() == before
    assert not CensusImport.objects.filter(status="imported").exists()


# --- issue 12: crafted parameters, length caps, spoofing characters, empty reasons -------------


def test_a_handover_whose_ticked_class_is_not_a_number_is_refused_not_a_server_error(
    client, school_leader, world
):
    """Issue 12.9: `keep_class=abc` was int()ed by hand: HTTP 500."""
    client.force_login(school_leader)
    response = client.post(
        reverse("registry:handover"),
        {
            "from_term": world.previous_term.code,
            "to_term": world.term.code,
            "action": "apply",
            "keep_class": ["abc"],
        },
    )
    assert response.status_code == 200
    assert "所选的班级或结对无效" in response.content.decode()


@pytest.mark.parametrize("end", ["9999-12-31", "0001-01-01", "2026-02-30", "\x00"])
def test_the_unusual_access_page_takes_any_end_date_without_a_server_error(
    client, privacy_officer, world, end
):
    """Issue 12.9: `?end=9999-12-31` overflowed the date arithmetic: HTTP 500."""
    client.force_login(privacy_officer)
    response = client.get(reverse("audit:unusual"), {"end": end})
    assert response.status_code == 200
    assert "日期" in response.content.decode()


def test_a_100000_character_employer_is_refused_and_nothing_is_written(client, head_teacher, world):
    """Issue 12.10: the employer had no maximum."""
    client.force_login(head_teacher)
    before = (Child.objects.count(), Parent.objects.count())
    response = client.post(
        reverse("registry:child-create"), child_form(world, **{"father-employer": "厂" * 100_000})
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "工作单位" in page and "最多100个字" in page
    assert (Child.objects.count(), Parent.objects.count()) == before


def test_a_200000_character_care_summary_is_refused_by_the_form_and_the_service(
    client, head_teacher, world
):
    """Issue 12.10: the care summary had no maximum."""
    from django.core.exceptions import ValidationError

    from shouhu.care.models import CareAction
    from shouhu.care.services import care_action_record

    client.force_login(head_teacher)
    url = reverse("care:child-action-create", kwargs={"public_id": world.child_a.public_id})
    response = client.post(
        url, {"kind": "home_visit", "done_on": iso("2026-11-29"), "summary": "访" * 200_000}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="errorlist"' in page and "情况摘要" in page and "2000" in page
    with pytest.raises(ValidationError, match="最多2000个字"):
        care_action_record(
            actor=head_teacher,
            kind="home_visit",
            done_on=day(2026, 11, 29),  # an open month: May is closed (月度关账)
            children=[world.child_a],
            summary="访" * 2001,
        )
    assert not CareAction.objects.exists()


SPOOFED = "\u202e王\u200b小\u2066明\u200d\ufeff"


def test_direction_overrides_and_zero_width_characters_are_stripped_from_names_and_phones(
    client, head_teacher, world
):
    """Issue 12.12: 王<RLO>小明 printed reversed; a zero-width space made a second 王小明."""
    client.force_login(head_teacher)
    client.post(
        reverse("registry:child-create"),
        child_form(
            world,
            name=SPOOFED,
            **{
                "father-name": "\u202e王大山",
                "father-phone": "138\u200b0013\u202e8000",
                "guardian-name": "王\u200b爷爷",
                "guardian-phone": "\u2066139 0013 9000",
            },
        ),
    )
    child = Child.objects.get(name="王小明")
    father = child.parents.get(role="father")
    assert (father.name, father.phone) == ("王大山", "13800138000")
    assert (child.guardian.name, child.guardian.phone) == ("王爷爷", "13900139000")


def test_the_census_import_strips_spoofing_characters_from_names(head_teacher, world):
    from shouhu.registry.census_sheets.importing import census_import
    from shouhu.registry.tests.census_sheets import row, sheet_bytes

    result = census_import(
        actor=head_teacher,
        term=world.term,
        source=sheet_bytes(
            [row(0, 姓名="\u202e王\u200b小明", 父亲姓名="王\u200d大山", 监护人姓名="\u2066王爷爷")]
        ),
    )
    assert result.messages() == []
    child = Child.objects.get(name="王小明")
    assert child.parents.get(role="father").name == "王大山"
    assert child.guardian.name == "王爷爷"


def test_a_guardian_request_and_a_buddy_keep_names_without_spoofing_characters(
    client, privacy_officer, head_teacher, world
):
    from shouhu.care.services import buddy_set

    client.force_login(privacy_officer)
    client.post(
        reverse("audit:requests"),
        {
            "id_number": world.child_a.id_number,
            "kind": "access",
            "requester_name": "王\u202e秀英",
            "requester_relation": "祖母",
            "requester_phone": "137\u200b0000 1111",
            "received_on": iso("2026-11-20"),
        },
    )
    record = GuardianRequest.objects.get()
    assert record.requester_name == "王秀英"
    buddy = buddy_set(actor=head_teacher, child=world.child_a, name="张\u200b小\u202e红")
    assert buddy.name == "张小红"


@pytest.mark.parametrize(
    "reason",
    [
        "核对",
        "啊啊啊啊",
        "啊 啊 啊 啊 啊",
        "aaaaaaaaaaaa",
        "..........",
        "check",
        "\u200b核对\u200b",
    ],
)
def test_a_reveal_reason_that_says_nothing_is_refused(client, teacher, world, reason):
    """Issue 12.12: at least 4 Chinese characters or 10 characters, not one repeated."""
    from shouhu.audit.models import AccessAction, AccessLog

    client.force_login(teacher)
    url = reverse(
        "audit:reveal", kwargs={"public_id": world.child_a.public_id, "target": "id_number"}
    )
    response = client.post(url, {"reason": reason})
    page = response.content.decode()
    assert response.status_code == 200 and world.child_a.id_number not in page
    assert "查看理由" in page and 'class="errorlist"' in page
    assert not AccessLog.objects.filter(action=AccessAction.REVEAL).exists()


@pytest.mark.parametrize("reason", ["核对学籍信息", "电话联系家长", "check the ID number"])
def test_a_reveal_reason_that_says_something_is_accepted(client, teacher, world, reason):
    client.force_login(teacher)
    url = reverse(
        "audit:reveal", kwargs={"public_id": world.child_a.public_id, "target": "id_number"}
    )
    assert world.child_a.id_number in client.post(url, {"reason": reason}).content.decode()
