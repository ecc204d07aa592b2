"""Health checks, illnesses and the privacy of health records (issue 15, 健康)."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import Workbook

from shouhu.audit.models import AccessLog
from shouhu.testing.dates import day
from shouhu.welfare.models import ConditionKind, HealthCheck, HealthCondition
from shouhu.welfare.services.health import (
    CheckRow,
    health_check_record,
    health_condition_record,
    health_follow_up_close,
    health_sheet_save,
)

GOOD = {
    "height_cm": "132.5",
    "weight_kg": "28",
    "vision_left": "4.9",
    "vision_right": "5.0",
    "dental": "caries",
    "conclusion": "龋齿两颗，建议复查",
    "follow_up": True,
}
TODAY = day(2026, 11, 29)


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.SHOUHU_TWO_FACTOR_ROLES = ()


def test_a_head_teacher_records_a_check_and_the_conclusion_is_encrypted_at_rest(
    world, head_teacher
):
    check = health_check_record(
        actor=head_teacher, child=world.child_a, checked_on=TODAY, values=GOOD
    )
    assert check.height_cm == Decimal("132.5")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("select conclusion from welfare_healthcheck where id = %s", [check.pk])
        stored = cursor.fetchone()[0]
    assert "龋齿" not in stored
    assert HealthCheck.objects.get(pk=check.pk).conclusion == GOOD["conclusion"]


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("height_cm", "1325", "60"),
        ("weight_kg", "-3", "10"),
        ("vision_left", "7.2", "5.3"),
        ("vision_right", "abc", "不是数字"),
    ],
)
def test_a_value_out_of_human_range_is_refused_naming_the_field(
    world, head_teacher, field, value, reason
):
    with pytest.raises(ValidationError) as refused:
        health_check_record(
            actor=head_teacher,
            child=world.child_a,
            checked_on=TODAY,
            values={**GOOD, field: value},
        )
    label = str(HealthCheck._meta.get_field(field).verbose_name)
    assert any(label in m and reason in m for m in refused.value.messages)
    assert not HealthCheck.objects.exists()


def test_a_sheet_with_one_bad_row_writes_nothing_and_names_every_error(
    world, head_teacher, other_head_teacher
):
    from shouhu.testing.factories import register_child

    second = register_child(head_teacher, world.class_a, name="王小明", birth_date=day(2017, 3, 1))
    rows = [
        CheckRow(child=world.child_a, values=GOOD, row=2),
        CheckRow(child=second, values={**GOOD, "weight_kg": "500"}, row=3),
    ]
    with pytest.raises(ValidationError) as refused:
        health_sheet_save(actor=head_teacher, checked_on=TODAY, rows=rows)
    assert refused.value.messages == ["第 3 行，体重（千克）：应在 10 到 150 千克 之间。"]
    assert not HealthCheck.objects.exists()


def test_a_sheet_skips_children_not_checked_and_corrects_a_resent_one(world, head_teacher):
    blank = {"height_cm": "", "dental": "", "follow_up": None}
    health_sheet_save(
        actor=head_teacher,
        checked_on=TODAY,
        rows=[CheckRow(child=world.child_a, values=GOOD)],
    )
    saved = health_sheet_save(
        actor=head_teacher,
        checked_on=TODAY,
        rows=[CheckRow(child=world.child_a, values={**GOOD, "height_cm": "133"})],
    )
    assert len(saved) == 1
    assert HealthCheck.objects.get().height_cm == Decimal("133")
    assert (
        health_sheet_save(
            actor=head_teacher, checked_on=TODAY, rows=[CheckRow(child=world.child_a, values=blank)]
        )
        == []
    )


def test_a_check_in_the_future_is_refused(world, head_teacher):
    with pytest.raises(ValidationError, match="晚于今天"):
        health_check_record(
            actor=head_teacher, child=world.child_a, checked_on=day(2026, 12, 1), values=GOOD
        )


def test_a_teacher_who_may_not_read_health_may_not_record_it(world, teacher):
    with pytest.raises(PermissionDenied):
        health_check_record(actor=teacher, child=world.child_a, checked_on=TODAY, values=GOOD)


def test_a_head_teacher_cannot_record_another_class(world, head_teacher):
    with pytest.raises(PermissionDenied):
        health_check_record(actor=head_teacher, child=world.child_b, checked_on=TODAY, values=GOOD)


def test_a_follow_up_is_a_head_teacher_to_do_until_it_is_done(client, world, head_teacher):
    check = health_check_record(
        actor=head_teacher, child=world.child_a, checked_on=day(2026, 11, 2), values=GOOD
    )
    client.force_login(head_teacher)
    page = client.get(reverse("welfare:home-health")).content.decode()
    assert "体检待复查" in page and "李家成" in page
    health_follow_up_close(actor=head_teacher, check=check, done_on=TODAY)
    assert client.get(reverse("welfare:home-health")).content.decode() == ""


def test_a_follow_up_cannot_be_done_before_the_check(world, head_teacher):
    check = health_check_record(
        actor=head_teacher, child=world.child_a, checked_on=TODAY, values=GOOD
    )
    with pytest.raises(ValidationError, match="早于体检日期"):
        health_follow_up_close(actor=head_teacher, check=check, done_on=day(2026, 11, 1))


def test_a_condition_that_ends_before_it_starts_is_refused(world, head_teacher):
    with pytest.raises(ValidationError, match="结束日期"):
        health_condition_record(
            actor=head_teacher,
            child=world.child_a,
            kind=ConditionKind.HOSPITAL,
            starts_on=day(2026, 11, 10),
            ends_on=day(2026, 11, 1),
        )
    assert not HealthCondition.objects.exists()


# --- who reads health: one test per role ------------------------------------------------------

NOTE = "哮喘，需随身带药"

READERS = {
    "head_teacher": True,
    "school_leader": True,
    "counsellor": True,
    "teacher": False,
    "township_officer": False,
    "region_officer": False,
    "privacy_officer": False,
    "volunteer": False,
}


@pytest.mark.parametrize(("role", "reads"), READERS.items())
def test_health_is_seen_by_the_head_teacher_the_school_leader_and_the_counsellor_only(
    client, request, world, head_teacher, role, reads
):
    health_condition_record(
        actor=head_teacher,
        child=world.child_a,
        kind=ConditionKind.ILLNESS,
        starts_on=day(2026, 10, 1),
        note=NOTE,
    )
    health_check_record(actor=head_teacher, child=world.child_a, checked_on=TODAY, values=GOOD)
    user = request.getfixturevalue(role)
    client.force_login(user)
    url = reverse("welfare:child-health-section", kwargs={"public_id": world.child_a.public_id})
    page = client.get(url).content.decode()
    assert (NOTE in page) == reads
    assert ("龋齿两颗" in page) == reads
    logged = AccessLog.objects.filter(user=user, child=world.child_a, field="health_records")
    assert logged.exists() == reads


def test_the_class_sheet_saves_on_the_web_and_keeps_what_was_typed_when_refused(
    client, world, head_teacher
):
    client.force_login(head_teacher)
    url = reverse("welfare:health-sheet", kwargs={"class_id": world.class_a.pk})
    key = world.child_a.public_id
    data = {
        "checked_on": TODAY.isoformat(),
        f"height_cm-{key}": "131",
        f"weight_kg-{key}": "300",
        f"vision_left-{key}": "4.8",
        f"vision_right-{key}": "4.9",
        f"dental-{key}": "normal",
    }
    refused = client.post(url, data).content.decode()
    assert "体重（千克）" in refused and "全部未保存" in refused and 'value="131"' in refused
    assert not HealthCheck.objects.exists()
    data[f"weight_kg-{key}"] = "29"
    assert client.post(url, data).status_code == 302
    assert HealthCheck.objects.get().weight_kg == Decimal("29")


def _workbook(rows) -> io.BytesIO:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "体检.xlsx"
    return out


HEADER = [
    "姓名",
    "身高（厘米）",
    "体重（千克）",
    "左眼视力",
    "右眼视力",
    "口腔",
    "医生结论",
    "需要复查",
]


def test_the_clinic_workbook_is_imported_all_or_nothing_with_row_field_and_reason(
    client, world, head_teacher
):
    client.force_login(head_teacher)
    url = reverse("welfare:health-import", kwargs={"class_id": world.class_a.pk})
    bad = _workbook(
        [
            HEADER,
            ["李家成", 131, 29, 4.9, 4.8, "正常", "", "否"],
            ["张三", 120, 25, 5, 5, "正常", "", "否"],
        ]
    )
    page = client.post(url, {"checked_on": TODAY.isoformat(), "upload": bad})
    assert page.status_code == 400
    assert "第 3 行，姓名：本班在册儿童中没有“张三”。" in page.content.decode()
    assert not HealthCheck.objects.exists()
    good = _workbook([HEADER, ["李家成", 131, 29, 4.9, 4.8, "龋齿", "复查视力", "是"]])
    assert client.post(url, {"checked_on": TODAY.isoformat(), "upload": good}).status_code == 302
    check = HealthCheck.objects.get()
    assert (check.dental, check.follow_up, check.vision_left) == ("caries", True, Decimal("4.9"))


def test_a_file_that_is_not_a_workbook_is_refused_in_chinese(client, world, head_teacher):
    client.force_login(head_teacher)
    url = reverse("welfare:health-import", kwargs={"class_id": world.class_a.pk})
    fake = io.BytesIO(b"%PDF-1.4 not a sheet")
    fake.name = "体检.xlsx"
    page = client.post(url, {"checked_on": TODAY.isoformat(), "upload": fake})
    assert page.status_code == 400
    assert "Excel" in page.content.decode() or "表格" in page.content.decode()
    assert not HealthCheck.objects.exists()


def test_the_template_for_a_class_lists_its_children(client, world, head_teacher):
    from openpyxl import load_workbook

    client.force_login(head_teacher)
    response = client.get(reverse("welfare:health-template") + f"?class={world.class_a.pk}")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [r for r in sheet.iter_rows(values_only=True) if any(r)]
    assert rows[0][:3] == ("姓名", "身高（厘米）", "体重（千克）")
    assert [r[0] for r in rows[1:]] == ["李家成"]
    other = client.get(reverse("welfare:health-template") + f"?class={world.class_b.pk}")
    assert other.status_code == 404
