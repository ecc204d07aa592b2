"""Importing the grading system's Excel: the template round-trips, any format the census reads
is read, and one bad cell writes nothing and names the row, the field and the reason."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from shouhu.registry.census_sheets.formats import SheetError
from shouhu.schooling.models import ExamKind, GradeResult
from shouhu.schooling.services.grade_sheets import grades_import


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(actor, world, content, *, filename="成绩.xlsx", school_class=None):
    return grades_import(
        actor=actor,
        term=world.term,
        exam=ExamKind.MIDTERM,
        content=content,
        filename=filename,
        school_class=school_class,
    )


def test_the_template_lists_the_class_and_imports_back_as_filled(client, world, head_teacher):
    client.force_login(head_teacher)
    url = reverse("schooling:grade-template", kwargs={"class_id": world.class_a.pk})
    response = client.get(url)
    book = load_workbook(io.BytesIO(response.content))
    rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    assert rows[0] == ["班级", "姓名", "身份证号", "语文", "数学", "英语", "科学", "道德与法治"]
    assert rows[1][:2] == ["三年级(2)班", "李家成"]
    book.active["D2"], book.active["E2"] = 91, 88.5
    buffer = io.BytesIO()
    book.save(buffer)
    result = run(head_teacher, world, buffer.getvalue())
    assert result.ok and result.saved.created == 2
    assert sorted(GradeResult.objects.values_list("subject", flat=True)) == ["chinese", "maths"]


def test_a_grading_system_export_with_a_title_row_totals_and_an_id_number_is_read(
    world, head_teacher
):
    content = xlsx(
        [
            ["2026学年期中考试成绩"],
            ["序号", "班级", "姓名", "身份证号码", "语文", "数学", "总分", "名次"],
            [1, "三年级（2）班", "李家成", world.child_a.id_number, 80, 90, 170, 1],
        ]
    )
    result = run(head_teacher, world, content)
    assert result.ok and result.saved.created == 2


def test_one_bad_cell_writes_nothing_and_the_report_names_row_field_and_reason(world, head_teacher):
    content = xlsx(
        [
            ["班级", "姓名", "语文", "数学", "物理"],
            ["三年级(2)班", "李家成", 95, 101, None],
            ["三年级(2)班", "王不在", 80, 80, None],
            ["三年级(2)班", "李家成", 95, 90, 60],
            ["四年级(1)班", "曾小雨", 95, 90, None],
        ]
    )
    result = run(head_teacher, world, content)
    assert not result.ok
    reported = [(p.row, p.field, p.reason) for p in result.problems]
    assert ("第2行", "数学", "成绩101超出范围：应在0到满分100之间。") in reported
    assert ("第3行", "姓名", "本班名册上没有该学生。") in reported
    assert ("第4行", "物理", "该班不开设此科目，不能录入成绩。") in reported
    assert ("第5行", "班级", "找不到该班级，或不是您可以录入成绩的班级。") in reported
    assert not GradeResult.objects.exists()


def test_a_csv_saved_by_excel_is_read_like_a_workbook(world, head_teacher):
    content = "班级,姓名,语文\n三年级(2)班,李家成,77\n".encode("utf-8-sig")
    result = run(head_teacher, world, content, filename="成绩.csv")
    assert result.ok and GradeResult.objects.get().score == 77


def test_a_sheet_without_names_or_subjects_is_refused_as_a_whole(world, head_teacher):
    with pytest.raises(SheetError, match="找不到表头"):
        run(head_teacher, world, xlsx([["学号", "总分"], [1, 100]]))
    with pytest.raises(SheetError):
        run(head_teacher, world, b"not a workbook at all", filename="x.xlsx")


def test_without_a_class_column_the_class_chosen_on_the_page_is_used(world, head_teacher):
    content = xlsx([["姓名", "语文"], ["李家成", 66]])
    assert "班级" in run(head_teacher, world, content).problems[0].reason
    assert run(head_teacher, world, content, school_class=world.class_a).ok


def test_the_import_page_lists_the_problems_and_offers_the_report(client, world, head_teacher):
    client.force_login(head_teacher)
    url = reverse("schooling:grade-import")
    content = xlsx([["班级", "姓名", "语文"], ["三年级(2)班", "李家成", "优"]])
    upload = io.BytesIO(content)
    upload.name = "grades.xlsx"
    page = client.post(url, {"term": world.term.code, "exam": "mid", "file": upload})
    text = page.content.decode()
    assert "发现1个错误，没有导入任何成绩" in text and "成绩应为数字" in text
    upload.seek(0)
    report = client.post(
        url, {"term": world.term.code, "exam": "mid", "file": upload, "report": "1"}
    )
    rows = list(load_workbook(io.BytesIO(report.content)).active.iter_rows(values_only=True))
    assert rows[1][:2] == ("第2行", "语文")
