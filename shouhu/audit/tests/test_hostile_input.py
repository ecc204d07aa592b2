"""Hostile input on the child's form and on the privacy officer's forms: script tags are kept as
text and never run, over-long values get a clear error and nothing is written."""

import datetime

import pytest
from django.urls import reverse

from shouhu.audit.models import GuardianRequest
from shouhu.core.idnumber import make_id_number
from shouhu.registry.models import Child, Parent

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
        "received_on": "2026-11-20",
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
            "received_on": "2026-11-20",
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
    from shouhu.factories import GuardianRequestFactory

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
