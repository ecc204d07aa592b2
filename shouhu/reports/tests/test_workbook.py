"""The statistical tables as Excel: official layout, one row per unit, totals, the figures."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shouhu.audit.models import AccessLog
from shouhu.testing.dates import TODAY, day, term_code
from shouhu.testing.jobs import export_followed

URL = reverse("reports:workbook")
CURRENT = term_code("2026-2027-1")
SCHOOL_YEAR = f"{day(2026, 9, 1).year}–{day(2027, 1, 20).year}"  # 2026–2027


@pytest.fixture
def county_book(client, reported, region_officer):
    client.force_login(region_officer)
    queued = client.get(URL, {"scope": "511781", "term": CURRENT})
    response = export_followed(client, queued)  # a county's workbook is made by the worker
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content))


def _rows(sheet) -> dict:
    """Rows by their first cell, from the header row (3) on."""
    return {row[0]: list(row[1:]) for row in sheet.iter_rows(min_row=3, values_only=True) if row[0]}


def test_the_workbook_has_a_sheet_per_table_and_the_definitions(county_book):
    assert county_book.sheetnames == [
        "摸底统计",
        "结对覆盖",
        "关爱完成率",
        "家访任务",
        "资助救助",  # welfare's aid sheet
        "指标说明",
    ]
    notes = [row[0] for row in county_book["指标说明"].iter_rows(min_row=2, values_only=True)]
    assert "在校学生数" in notes and "本月关爱要求完成率" in notes


def test_each_sheet_has_title_unit_date_and_preparer(county_book):
    sheet = county_book["摸底统计"]
    assert sheet["A1"].value == f"万源市{SCHOOL_YEAR}学年第一学期留守儿童摸底统计表"
    assert "A1" in str(sheet.merged_cells)
    assert sheet["A2"].value == "填报单位：万源市"
    assert sheet.cell(row=2, column=sheet.max_column).value == f"填报日期：{TODAY.year}年11月29日"
    assert any(row[0] == "填表人：周科长" for row in sheet.iter_rows(values_only=True) if row[0])


def test_census_sheet_has_one_row_per_township_and_the_total(county_book):
    rows = _rows(county_book["摸底统计"])
    header = rows["乡镇（街道）"]
    assert header[:5] == [
        "在校学生数",
        "留守儿童（教育口径）",
        "占在校生%",
        "农村留守儿童（民政口径）",
        "占在校生%",
    ]
    assert rows["太平镇"][:5] == [75, 3, 4.0, 2, 2.7]
    assert rows["青花镇"][:3] == [30, 1, 3.3]
    assert rows["合计"][:5] == [105, 4, 3.8, 2, 1.9]
    unsupervised = header.index("无人监护")
    assert rows["合计"][unsupervised] == 1
    assert rows["合计"][header.index("无委托监护人")] == 1


def test_coverage_compliance_and_task_sheets(county_book):
    coverage = _rows(county_book["结对覆盖"])
    assert coverage["太平镇"][:4] == [3, 2, 1, 66.7]
    assert coverage["合计"][:4] == [4, 2, 2, 50.0]
    compliance = _rows(county_book["关爱完成率"])
    header = compliance["乡镇（街道）"]
    visits = header.index("家访应完成")
    # September and October (November still runs): 李家成 0/1, 1/1.
    assert compliance["太平镇"][visits : visits + 4] == [2, 1, 0, 50.0]
    assert compliance["合计"][visits : visits + 4] == [2, 1, 0, 50.0]
    assert "致家长的一封信（截至目前）应完成" in header
    tasks = _rows(county_book["家访任务"])
    assert tasks["太平镇"] == [4, 2, 1, 50.0, 2, 1, 1, 1]
    assert tasks["青花镇"] == [0, 0, 0, None, 0, 0, 0, 0]
    assert tasks["合计"] == tasks["太平镇"]


def test_a_school_workbook_lists_classes(client, reported, school_leader):
    client.force_login(school_leader)
    book = load_workbook(io.BytesIO(client.get(URL).content))
    rows = _rows(book["摸底统计"])
    assert "班级" in rows
    assert rows["三年级(2)班"][:3] == [40, 3, 7.5]
    assert rows["五年级(1)班"][:3] == [35, 0, 0.0]


def test_the_export_is_logged(client, reported, school_leader):
    client.force_login(school_leader)
    client.get(URL)
    entry = AccessLog.objects.get(user=school_leader, action="export")
    assert entry.query == f"统计报表 scope={reported.school_a.code} term={CURRENT}"


def test_a_head_teacher_cannot_export_the_tables(client, reported, head_teacher):
    client.force_login(head_teacher)
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_class_named_like_a_formula_is_text_in_the_workbook_never_a_formula(
    client, world, school_leader, start
):
    """Issue 12.11: a class named =HYPERLINK(...) was a live link in /reports/tables/."""
    name = start + 'HYPERLINK("http://x.cn","点")'
    world.class_a.name = name
    world.class_a.save()
    client.force_login(school_leader)
    response = client.get(URL, {"term": world.term.code})
    book = load_workbook(io.BytesIO(response.content))
    cells = [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and "HYPERLINK" in cell.value
    ]
    assert len(cells) == 5  # the class's row in each of the five tables (aid's the fifth)
    for cell in cells:
        assert cell.data_type == "s"
        assert cell.value.startswith("'")
        assert cell.value.endswith('HYPERLINK("http://x.cn","点")')
