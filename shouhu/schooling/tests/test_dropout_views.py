"""The 控辍保学 pages as people use them: the head teacher handles a suspected entry and works the
case; the township and the county see it the same day; the documents download; the monthly
report is submitted and the county sees who has not; the quarterly review; 四查三比对."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from shouhu.schooling.models.dropout import (
    CaseState,
    DropoutCase,
    DropoutCause,
    MonthlyReport,
    QuarterReview,
    SuspectedDropout,
    SuspectRule,
    SuspectStatus,
)
from shouhu.schooling.services import dropout as services
from shouhu.schooling.tests.dropout_helpers import roll_call
from shouhu.testing.dates import day, iso, month_key


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.SHOUHU_TWO_FACTOR_ROLES = ()


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def entry(world):
    """Found on 20 November: its two school days ran out before today, whatever the weekday."""
    return services.suspect_enter(
        child=world.child_a, rule=SuspectRule.ABSENT_DAYS, found_on=day(2026, 11, 20)
    )


@pytest.fixture
def case(entry, head_teacher):
    return services.suspect_confirm(actor=head_teacher, entry=entry, cause=DropoutCause.POVERTY)


def case_url(case, name="schooling:dropout-case", **kw):
    return reverse(name, kwargs={"public_id": case.public_id, **kw})


def test_the_head_teacher_confirms_a_suspected_entry_and_lands_on_the_case(
    client, entry, head_teacher
):
    client.force_login(head_teacher)
    ledger = text(client.get(reverse("schooling:dropout-ledgers")))
    assert "李家成" in ledger and "连续无故缺勤" in ledger
    response = client.post(
        reverse("schooling:dropout-suspect", kwargs={"public_id": entry.public_id}),
        {"decision": "confirm", "cause": "weary", "guardian_opinion": "孩子不想读"},
    )
    case = DropoutCase.objects.get()
    assert response.status_code == 302 and response["Location"] == case_url(case)
    assert case.state == CaseState.REGISTERED and case.guardian_opinion == "孩子不想读"


def test_an_entry_past_its_two_school_days_shows_as_escalated(client, entry, school_leader):
    client.force_login(school_leader)
    ledger = text(client.get(reverse("schooling:dropout-ledgers")))
    assert "逾期，已报学校领导" in ledger
    home = text(client.get(reverse("schooling:home-dropout")))
    assert "核实疑似辍学：李家成" in home


def test_township_and_county_see_a_new_case_the_day_it_is_confirmed(
    client, case, township_officer, region_officer
):
    for officer in (township_officer, region_officer):
        client.force_login(officer)
        home = text(client.get(reverse("schooling:home-dropout")))
        assert "今日新登记辍学：李家成" in home
        cases = text(client.get(reverse("schooling:dropout-ledgers") + "?tab=cases"))
        assert case_url(case) in cases
        assert "因贫未资助" in cases  # poverty, and no aid approved


def test_a_volunteer_and_a_village_supervisor_never_see_cases(client, case, volunteer, world):
    client.force_login(volunteer)
    assert client.get(case_url(case)).status_code == 403
    section = client.get(
        reverse("schooling:child-dropout-section", kwargs={"public_id": world.child_a.public_id})
    )
    assert section.status_code == 200 and section.content == b""


def test_a_case_of_another_county_is_a_404(client, case, outsider):
    client.force_login(outsider)
    assert client.get(case_url(case)).status_code == 404


def test_a_move_the_state_does_not_allow_is_refused_on_the_page(client, case, head_teacher):
    client.force_login(head_teacher)
    response = client.post(
        case_url(case, "schooling:dropout-case-act"),
        {"action": "followup", "followup-done_on": iso("2026-11-29"), "followup-talk": "x"},
    )
    assert response.status_code == 400
    assert "该案件当前为“已登记”，复学后才能记录跟踪。" in text(response)
    assert DropoutCase.objects.get().state == CaseState.REGISTERED


def test_plan_and_two_attempts_then_the_written_report_holds_them(client, case, head_teacher):
    client.force_login(head_teacher)
    act = case_url(case, "schooling:dropout-case-act")
    client.post(
        act,
        {
            "action": "plan",
            "plan-cause": "poverty",
            "plan-plan_staff": "张老师",
            "plan-plan_cadre": "村主任王明",
            "plan-plan_township": "孙主任",
            "plan-plan_note": "联系民政落实资助",
        },
    )
    for said in ("家里要他打工", "同意考虑"):
        response = client.post(
            act,
            {
                "action": "attempt",
                "attempt-done_on": iso("2026-11-29"),
                "attempt-who": "张老师、王明",
                "attempt-way": "home_visit",
                "attempt-family_said": said,
            },
        )
        assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.PERSUADING and case.attempts.count() == 2
    docx = client.get(case_url(case, "schooling:dropout-case-report", fmt="docx"))
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    from docx import Document

    body = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "关于李家成同学辍学情况的书面报告" in body and "太平镇人民政府" in body
    pdf = client.get(case_url(case, "schooling:dropout-case-report", fmt="pdf"))
    assert pdf.content.startswith(b"%PDF")


def test_only_the_school_leader_is_offered_and_may_record_the_filing(
    client, case, head_teacher, school_leader
):
    client.force_login(head_teacher)
    assert "书面报告已报送" not in text(client.get(case_url(case)))
    client.force_login(school_leader)
    response = client.post(
        case_url(case, "schooling:dropout-case-act"),
        {"action": "file_report", "file_report-filed_on": iso("2026-11-29")},
    )
    assert response.status_code == 302
    assert DropoutCase.objects.get().report_filed_on == day(2026, 11, 29)


def test_the_monthly_report_is_submitted_once_and_the_county_sees_who_has_not(
    client, case, school_leader, region_officer, world
):
    client.force_login(region_officer)
    month = month_key("2026-11")
    listing = text(client.get(reverse("schooling:dropout-monthly") + f"?month={month}"))
    assert listing.count("未报送") >= 2
    client.force_login(school_leader)
    page = reverse("schooling:dropout-monthly") + f"?scope={world.school_a.code}&month={month}"
    assert "本月新登记辍学" in text(client.get(page))
    client.post(page, {"note": ""})
    report = MonthlyReport.objects.get()
    assert report.figures["cases_registered"] == 1
    client.post(page, {"note": ""})
    assert MonthlyReport.objects.count() == 1
    xlsx = client.get(
        reverse("schooling:dropout-monthly-document", kwargs={"fmt": "xlsx"})
        + f"?scope={world.school_a.code}&month={month}"
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert ["辍学", "李家成"] == [c.value for c in sheet[sheet.max_row]][:2]
    client.force_login(region_officer)
    listing = text(client.get(reverse("schooling:dropout-monthly") + f"?month={month}"))
    assert "赵校长" in listing


def test_the_county_sends_a_school_back_with_a_note(client, case, region_officer, world):
    client.force_login(region_officer)
    page = text(client.get(reverse("schooling:dropout-review")))
    assert world.school_a.name in page and "巩固率" in page
    url = reverse("schooling:dropout-review-record", kwargs={"code": world.school_a.code})
    client.post(url, {"decision": "sent_back", "note": ""})
    assert not QuarterReview.objects.exists()
    client.post(url, {"decision": "sent_back", "note": "李家成劝返记录不全"})
    assert QuarterReview.objects.get().note == "李家成劝返记录不全"


def _sheet(header, rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(content: bytes, name="学籍.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_a_status_list_with_the_wrong_columns_is_refused_and_nothing_entered(
    client, world, school_leader
):
    client.force_login(school_leader)
    response = client.post(
        reverse("schooling:roll-check"),
        {"sheet": _upload(_sheet(["名字", "年级"], [["李家成", 3]]))},
    )
    assert response.status_code == 400
    assert (
        "学籍名单缺少必需的列：须有“姓名”，以及“身份证号”或“学籍号”。表中的列为：名字、年级。"
        in text(response)
    )
    assert not SuspectedDropout.objects.exists()


def test_roll_check_finds_name_on_list_but_not_in_class(client, world, school_leader, head_teacher):
    for dom in (25, 26, 27):
        roll_call(world.class_a, day(2026, 11, dom), absent=[world.child_a], by=head_teacher)
    client.force_login(school_leader)
    content = _sheet(["学籍号", "姓名"], [["", "李家成"], ["", "王不在"]])
    page = text(client.post(reverse("schooling:roll-check"), {"sheet": _upload(content)}))
    assert "名在人不在" in page and "第3行 王不在" in page
    entry = SuspectedDropout.objects.get()
    assert (entry.child, entry.rule, entry.status) == (
        world.child_a,
        SuspectRule.ROLL_CHECK,
        SuspectStatus.OPEN,
    )


def test_roll_check_command(world, head_teacher, tmp_path, capsys):
    from django.core.management import call_command

    for dom in (25, 26, 27):
        roll_call(world.class_a, day(2026, 11, dom), absent=[world.child_a], by=head_teacher)
    path = tmp_path / "学籍.xlsx"
    path.write_bytes(_sheet(["姓名", "身份证号"], [["李家成", None]]))
    call_command("roll_check", str(path), "--school", world.school_a.code)
    out = capsys.readouterr().out
    assert "名在人不在 1 人（新列入疑似辍学台账 1 人）" in out
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_sheet(["名字"], [["李家成"]]))
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("roll_check", str(bad), "--school", world.school_a.code)


def test_the_files_section_lists_the_case_for_the_school(client, case, head_teacher, world):
    client.force_login(head_teacher)
    section = text(
        client.get(
            reverse(
                "schooling:child-dropout-section", kwargs={"public_id": world.child_a.public_id}
            )
        )
    )
    assert "控辍保学" in section and case_url(case) in section


def test_the_head_teacher_registers_a_dropout_from_the_file(client, world, head_teacher):
    client.force_login(head_teacher)
    section = text(
        client.get(
            reverse(
                "schooling:child-dropout-section", kwargs={"public_id": world.child_a.public_id}
            )
        )
    )
    register = reverse(
        "schooling:child-dropout-register", kwargs={"public_id": world.child_a.public_id}
    )
    assert register in section and "无辍学或疑似辍学记录" in section
    response = client.post(register, {"cause": "work", "cause_note": "随亲戚外出打工"})
    case = DropoutCase.objects.get()
    assert response["Location"] == case_url(case)
    assert (case.cause, case.cause_note, case.state) == (
        "work",
        "随亲戚外出打工",
        CaseState.REGISTERED,
    )
    again = client.post(register, {"cause": "work"})
    assert "该学生已有未销号的辍学案件。" in text(again)
