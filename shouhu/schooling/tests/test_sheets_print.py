"""The schooling app's workbooks print as they come (issue 20, `core.xlsx.print_setup`): the
grade import template, the grade import's error report and the monthly dropout report."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shouhu.schooling.models.dropout import DropoutCause, SuspectRule
from shouhu.schooling.services import dropout as services
from shouhu.schooling.services.grade_sheets import ScoreProblem, problems_report_xlsx
from shouhu.testing.dates import day, month_key
from shouhu.testing.sheets import assert_prints


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.SHOUHU_TWO_FACTOR_ROLES = ()


def test_the_grade_template_prints_with_its_header_on_every_page(client, world, head_teacher):
    client.force_login(head_teacher)
    url = reverse("schooling:grade-template", kwargs={"class_id": world.class_a.pk})
    sheet = load_workbook(io.BytesIO(client.get(url).content)).active
    assert assert_prints(sheet, title_rows="1:1", first_row=1, landscape=True) >= 8
    assert world.school_a.name in sheet.oddHeader.center.text
    assert str(head_teacher) in sheet.oddFooter.left.text


def test_the_grade_error_report_prints_and_wraps_a_long_reason():
    long_reason = "该生本学期已转学离开本班，请核对学籍后删除此行，或联系教务处更正名册。"
    problems = [ScoreProblem(3, "数学", "一百二", long_reason), ScoreProblem(4, "姓名", "", "空")]
    sheet = load_workbook(io.BytesIO(problems_report_xlsx(problems, filename="成绩.xlsx"))).active
    assert assert_prints(sheet, title_rows="1:1", first_row=1) >= 8
    assert sheet["D2"].alignment.wrap_text


@pytest.mark.django_db
def test_the_monthly_dropout_report_prints_with_its_table_header_on_every_page(
    client, world, head_teacher, school_leader
):
    entry = services.suspect_enter(
        child=world.child_a, rule=SuspectRule.ABSENT_DAYS, found_on=day(2026, 11, 20)
    )
    services.suspect_confirm(actor=head_teacher, entry=entry, cause=DropoutCause.POVERTY)
    client.force_login(school_leader)
    response = client.get(
        reverse("schooling:dropout-monthly-document", kwargs={"fmt": "xlsx"}),
        {"scope": world.school_a.code, "month": month_key("2026-11")},
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    table_row = next(r[0].row for r in sheet.iter_rows() if r[0].value == "类别")
    assert assert_prints(sheet, title_rows=f"{table_row}:{table_row}", first_row=1) >= 10
