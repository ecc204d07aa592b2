"""The semester work summary: figures equal to the selectors', the leader's draft, the rollup of
a township's or county's schools, the sections called in a row, DOCX, PDF and the command."""

import ctypes.util
import io
import re
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document as Docx
from docx.enum.text import WD_ALIGN_PARAGRAPH

from shouhu.reports.checks import pdf_font_subsetting
from shouhu.reports.models import SummaryDraft
from shouhu.reports.selectors import (
    by_category_for,
    care_actions_by_kind_for,
    compliance_term_for,
    left_behind_civil_for,
    left_behind_education_for,
    pairing_coverage_for,
    pairs_formed_for,
    pupils_for,
    tasks_closed_for,
    tasks_open_for,
    tasks_overdue_for,
    without_guardian_for,
    without_proxy_for,
)
from shouhu.reports.services import work_summary_draft_save
from shouhu.reports.work_summary import guardianship, health, sections
from shouhu.reports.work_summary.activities import activities_measures
from shouhu.reports.work_summary.aid import aid_measures
from shouhu.reports.work_summary.attendance import attendance_results
from shouhu.reports.work_summary.build import SECTIONS, work_summary_build
from shouhu.reports.work_summary.document import (
    BASIC,
    MEASURES,
    RESULTS,
    Part,
    chinese_number,
)
from shouhu.reports.work_summary.grades import grades_results
from shouhu.reports.work_summary.home import home_measures
from shouhu.reports.work_summary.render import fast_font_subsetting, to_docx, to_pdf
from shouhu.testing import office
from shouhu.testing.dates import day, term_code
from shouhu.testing.factories import HeadTeacherFactory

pytestmark = pytest.mark.django_db

CURRENT = term_code("2026-2027-1")
SCHOOL_YEAR = f"{day(2026, 9, 1).year}–{day(2027, 1, 20).year}"  # 2026–2027


def _drawn_text(document) -> str:
    """The text of the sections drawn from the records."""
    lines = []
    for section in document.sections:
        if section.key in (BASIC, MEASURES, RESULTS):
            for part in section.parts:
                lines += part.paragraphs + part.items
                if part.table:
                    lines += [" ".join(row) for row in part.table.rows]
    return "\n".join(lines)


def _values(value) -> set[float]:
    """Every number a figure's value holds (counts, wholes, percentages)."""
    if isinstance(value, bool) or value is None:
        return set()
    if isinstance(value, (int, float)):
        return {float(value)}
    if hasattr(value, "as_dict"):
        return _values(value.as_dict())
    if isinstance(value, dict):
        return set().union(*(_values(v) for v in value.values())) if value else set()
    if isinstance(value, (list, tuple)):
        return set().union(*(_values(v) for v in value)) if value else set()
    if hasattr(value, "__dataclass_fields__"):
        return _values({f: getattr(value, f) for f in value.__dataclass_fields__}) | {
            float(getattr(value, p))
            for p in ("percent",)
            if isinstance(getattr(type(value), p, None), property) and getattr(value, p) is not None
        }
    return set()


def test_every_number_in_a_school_summary_is_a_figure_of_the_selectors(reported, school_leader):
    from shouhu.reports.selectors import FIGURES

    node, term = reported.school_a, reported.term
    document = work_summary_build(school_leader, node=node, term=term, draft=None)
    quoted = {key for section in document.sections for p in section.parts for key in p.figures}
    allowed: set[float] = set()
    for key in quoted:
        for t in (term, reported.previous_term):
            allowed |= _values(FIGURES[key].function(school_leader, node=node, term=t))
    text = _drawn_text(document)
    # Changes against last term are differences of two figures, checked on their own below.
    changes = re.findall(r"(增加|减少)(\d+(?:\.\d+)?)", text)
    text = re.sub(r"(增加|减少)\d+(?:\.\d+)?", "", text)
    text = text.replace(str(term), "").replace(str(reported.previous_term), "")
    text = re.sub(r"\d+月\d+日", "", text)
    text = re.sub(r"\d+[–-]\d+岁", "", text)  # the age bands' names
    numbers = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", text)]
    assert numbers, text
    assert [n for n in numbers if n not in allowed] == [], text
    education = left_behind_education_for(school_leader, node=node, term=term)
    before = left_behind_education_for(school_leader, node=node, term=reported.previous_term)
    assert ("增加", str(education.count - before.count)) in changes


def test_a_school_summary_quotes_the_selectors(reported, school_leader):
    node, term = reported.school_a, reported.term
    text = work_summary_build(school_leader, node=node, term=term, draft=None).text()
    user = school_leader
    education = left_behind_education_for(user, node=node, term=term)
    civil = left_behind_civil_for(user, node=node, term=term)
    assert (
        f"万源市太平镇中心小学共有在校学生{pupils_for(user, node=node, term=term)}人，"
        f"其中留守儿童（教育部门口径）{education.count}人，占在校学生总数的{education.percent}%；"
        f"农村留守儿童（民政部门口径）{civil.count}人，占{civil.percent}%。"
    ) in text
    assert "共有在校学生75人，其中留守儿童（教育部门口径）3人，占在校学生总数的4.0%" in text
    categories = by_category_for(user, node=node, term=term)
    assert f"父母双方外出{categories['both_away']}人" in text
    assert f"无委托监护人{without_guardian_for(user, node=node, term=term)}人" in text
    assert f"无代理家长{without_proxy_for(user, node=node, term=term)}人" in text
    coverage = pairing_coverage_for(user, node=node, term=term)
    assert f"本学期新结对{pairs_formed_for(user, node=node, term=term)}对" in text
    assert f"已落实代理家长{coverage.count}人，覆盖率{coverage.percent}%" in text
    for action in care_actions_by_kind_for(user, node=node, term=term):
        assert f"{action.label}{action.actions}次（涉及儿童{action.person_times}人次）" in text
    assert "10月20日，座谈会，参加儿童3人。" in text
    for quota in compliance_term_for(user, node=node, term=term):
        if quota.in_progress:
            assert f"{quota.label}截至目前已完成{quota.done}人次（还剩{quota.days_left}天）" in text
        else:
            assert f"{quota.label}应完成{quota.owed}人次，已完成{quota.done}人次" in text
    closed = tasks_closed_for(user, node=node, term=term)
    assert (
        f"完成家访任务{closed.whole}件，其中按时完成{closed.count}件（{closed.percent}%）；"
        f"目前尚未完成{tasks_open_for(user, node=node, term=term)}件，"
        f"其中逾期{tasks_overdue_for(user, node=node, term=term)}件"
    ) in text
    assert "与上学期相比" in text and "留守儿童3人，上学期1人，增加2人" in text


def test_the_sections_follow_the_source_reports_and_the_annex_defines_the_figures(
    reported, school_leader
):
    document = work_summary_build(
        school_leader, node=reported.school_a, term=reported.term, draft=None
    )
    assert [heading for heading, _s in document.numbered()] == [
        "一、基本情况",
        "二、主要做法",
        "三、取得成效",
        "四、存在问题",
        "五、下步打算",
    ]
    labels = [label for label, _d in document.annex]
    assert "留守儿童（教育部门口径）" in labels and "本学期完成家访任务" in labels
    assert document.title == f"万源市太平镇中心小学{SCHOOL_YEAR}学年第一学期关爱留守儿童工作总结"
    # A school's summary has no list of schools.
    assert "各校情况" not in document.text()


def test_the_leaders_draft_fills_problems_and_plans(reported, school_leader):
    draft = work_summary_draft_save(
        actor=school_leader,
        node=reported.school_a,
        term=reported.term,
        title="",
        problems="部分代理家长家访不及时。\n隔代监护人培训参加率不高。",
        plans="下学期每月检查一次家访记录。",
    )
    document = work_summary_build(
        school_leader, node=reported.school_a, term=reported.term, draft=draft
    )
    sections = {s.key: s for s in document.sections}
    assert sections["problems"].parts[0].paragraphs == [
        "部分代理家长家访不及时。",
        "隔代监护人培训参加率不高。",
    ]
    assert sections["plans"].parts[0].paragraphs == ["下学期每月检查一次家访记录。"]


def test_a_township_summary_lists_its_schools_by_compliance(reported, township_officer):
    from shouhu.testing.factories import SchoolClassFactory, SchoolFactory

    quiet = SchoolFactory(region=reported.township_a, code="3151781003", name="太平镇村小")
    SchoolClassFactory(school=quiet, grade=1, name="一年级(1)班")
    document = work_summary_build(
        township_officer, node=reported.township_a, term=reported.term, draft=None
    )
    part = next(p for s in document.sections for p in s.parts if p.title == "各校情况")
    assert [row[1] for row in part.table.rows] == ["万源市太平镇中心小学", "太平镇村小"]
    assert part.table.rows[0] == [
        "1",
        "万源市太平镇中心小学",
        "3",
        "4.0%",
        "66.7%",
        "25.0%",  # September and October: November still runs
        "2",
        "1",
    ]
    assert part.table.rows[1][5] == "—"  # nothing owed there: ranked last
    assert "全太平镇共2所学校" in part.paragraphs[0]


def test_a_county_summary_rolls_up_every_school(reported, region_officer):
    document = work_summary_build(
        region_officer, node=reported.county, term=reported.term, draft=None
    )
    part = next(p for s in document.sections for p in s.parts if p.title == "各校情况")
    assert [row[1] for row in part.table.rows] == ["万源市太平镇中心小学", "万源市青花镇小学"]
    assert part.table.rows[1][2:5] == ["1", "3.3%", "0.0%"]
    assert "完成率最高的是万源市太平镇中心小学（25.0%）" not in document.text()  # one ranked


def test_a_part_listed_under_a_section_is_numbered_after_the_others(
    reported, school_leader, monkeypatch
):
    def aid(context):
        return [Part(title="资助帮扶", paragraphs=[f"{context.node.name}本学期发放助学金。"])]

    monkeypatch.setitem(SECTIONS, MEASURES, [*SECTIONS[MEASURES], aid])
    document = work_summary_build(
        school_leader, node=reported.school_a, term=reported.term, draft=None
    )
    measures = next(s for s in document.sections if s.key == MEASURES)
    titles = [label for label, _p in measures.numbered_parts()]
    # Numbered after every titled part before it, whichever apps contribute them.
    assert titles[-1] == f"（{chinese_number(len([t for t in titles if t]))}）资助帮扶"
    assert len(set(titles)) == len(titles)  # no number twice, however many parts there are


@pytest.mark.parametrize(
    ("n", "written"),
    [(1, "一"), (10, "十"), (11, "十一"), (12, "十二"), (20, "二十"), (35, "三十五")],
)
def test_parts_are_numbered_in_chinese_past_ten(n, written):
    assert chinese_number(n) == written


def test_the_docx_is_an_editable_word_document_with_the_summary(reported, school_leader):
    work_summary_draft_save(
        actor=school_leader,
        node=reported.school_a,
        term=reported.term,
        title="",
        problems="部分代理家长家访不及时。",
        plans="",
    )
    draft = SummaryDraft.objects.get()
    document = work_summary_build(
        school_leader, node=reported.school_a, term=reported.term, draft=draft
    )
    docx = Docx(io.BytesIO(to_docx(document)))
    texts = [p.text for p in docx.paragraphs]
    assert texts[0] == document.title
    assert "填报单位：万源市太平镇中心小学" in texts[1]
    assert "一、基本情况" in texts and "四、存在问题" in texts
    assert "部分代理家长家访不及时。" in texts
    assert any("共有在校学生75人" in t for t in texts)
    assert len(docx.inline_shapes) == 2  # the trend and the compliance charts
    section = docx.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer
    assert "PAGE" in section.even_page_footer.paragraphs[0]._p.xml  # — 2 — at the left
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)
    title = docx.paragraphs[0].runs[0]
    assert 'w:eastAsia="方正小标宋简体"' in title._r.xml and title.font.size.pt == 22
    body = next(p for p in docx.paragraphs if "共有在校学生75人" in p.text)
    assert 'w:eastAsia="仿宋_GB2312"' in body.runs[0]._r.xml and body.runs[0].font.size.pt == 16
    assert body.paragraph_format.line_spacing.pt == 28  # exactly 28 points, as GB/T 9704 asks
    heading = next(p for p in docx.paragraphs if p.text == "一、基本情况")
    assert 'w:eastAsia="黑体"' in heading.runs[0]._r.xml
    signing = [p for p in docx.paragraphs if p.alignment == WD_ALIGN_PARAGRAPH.RIGHT]
    assert [p.text for p in signing] == [document.unit, document.date_label]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")
def test_the_pdf_is_a4_with_the_schools_name_the_term_and_the_census_figure(
    reported, school_leader, tmp_path
):
    document = work_summary_build(
        school_leader, node=reported.school_a, term=reported.term, draft=None
    )
    path = tmp_path / "summary.pdf"
    path.write_bytes(to_pdf(document))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert "万源市太平镇中心小学" in flat
    assert f"{SCHOOL_YEAR}学年第一学期" in flat
    assert "其中留守儿童（教育部门口径）3人，占在校学生总数的4.0%" in flat
    assert "—1—" in flat  # page numbers
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "(A4)" in info


def test_the_pdf_fonts_are_subset_by_harfbuzz_not_fonttools(reported, school_leader, monkeypatch):
    """fontTools took 10–15 s per Noto CJK face: the county's PDF 48.5 s (issue 11, 15)."""
    from weasyprint.pdf.fonts import Font

    def slow(*args, **kwargs):
        raise AssertionError("fontTools subsets the CJK fonts: install libharfbuzz-subset0")

    monkeypatch.setattr(Font, "_fonttools_subset", slow)
    document = work_summary_build(
        school_leader, node=reported.school_a, term=reported.term, draft=None
    )
    assert to_pdf(document).startswith(b"%PDF")


def test_fast_font_subsetting_finds_what_weasyprint_finds():
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    expected = bool(harfbuzz_subset) and bool(harfbuzz.hb_version_atleast(4, 1, 0))
    assert fast_font_subsetting() is expected


def test_the_check_warns_when_the_pdf_would_subset_fonts_slowly(monkeypatch):
    found = ctypes.util.find_library
    monkeypatch.setattr(
        ctypes.util,
        "find_library",
        lambda name: None if name == "harfbuzz-subset" else found(name),
    )
    assert fast_font_subsetting() is False
    assert [w.id for w in pdf_font_subsetting(None)] == ["reports.W001"]
    monkeypatch.undo()
    assert pdf_font_subsetting(None) == []


def test_the_leader_writes_the_draft_in_the_web_form(client, reported, school_leader):
    client.force_login(school_leader)
    url = reverse("reports:summary")
    page = client.get(url).content.decode()
    assert "一、基本情况" in page and "共有在校学生75人" in page
    response = client.post(
        f"{url}?scope={reported.school_a.code}&term={CURRENT}",
        {
            "title": "太平镇中心小学关爱留守儿童工作总结",
            "problems": "家访记录不全。",
            "plans": "每月检查。",
        },
    )
    assert response.status_code == 302
    draft = SummaryDraft.objects.get(school=reported.school_a, term=reported.term)
    assert (draft.problems, draft.plans, draft.created_by) == (
        "家访记录不全。",
        "每月检查。",
        school_leader,
    )
    page = client.get(response["Location"]).content.decode()
    assert "草稿已保存" in page and "家访记录不全。" in page
    client.post(
        f"{url}?scope={reported.school_a.code}&term={CURRENT}",
        {"title": "", "problems": "改过了。", "plans": ""},
    )
    assert SummaryDraft.objects.get().problems == "改过了。"


@pytest.mark.parametrize("kind, content_type", [("docx", "wordprocessingml"), ("pdf", "pdf")])
def test_the_summary_downloads(client, reported, school_leader, kind, content_type):
    client.force_login(school_leader)
    response = client.get(reverse(f"reports:summary-{kind}"))
    assert response.status_code == 200
    assert content_type in response["Content-Type"]
    assert "attachment" in response["Content-Disposition"]


def test_a_leader_cannot_open_another_schools_summary(client, reported, school_leader):
    client.force_login(school_leader)
    url = reverse("reports:summary")
    assert client.get(url, {"scope": reported.school_b.code}).status_code == 404
    response = client.post(f"{url}?scope={reported.school_b.code}", {"problems": "x"})
    assert response.status_code == 404
    assert not SummaryDraft.objects.exists()


# --- a head teacher's class summary (篇一–五) ---------------------------------------------------


def test_a_head_teacher_drafts_the_class_summary_with_the_class_figures(
    client, reported, head_teacher
):
    client.force_login(head_teacher)
    response = client.get(reverse("reports:summary"))
    assert response.status_code == 200
    page = response.content.decode()
    node, term = reported.class_a, reported.term
    education = left_behind_education_for(head_teacher, node=node, term=term)
    pupils = pupils_for(head_teacher, node=node, term=term)
    assert (pupils, education.count) == (40, 3)
    assert f"万源市太平镇中心小学三年级(2)班{SCHOOL_YEAR}学年第一学期关爱留守儿童工作总结" in page
    assert (
        f"万源市太平镇中心小学三年级(2)班共有在校学生{pupils}人，"
        f"其中留守儿童（教育部门口径）{education.count}人，占在校学生总数的{education.percent}%"
    ) in page
    coverage = pairing_coverage_for(head_teacher, node=node, term=term)
    assert f"已落实代理家长{coverage.count}人，覆盖率{coverage.percent}%。" in page
    # A class has no teachers of its own, nor a comparable class last term (another cohort).
    assert "担任代理家长。" not in page and "与上学期相比" not in page
    assert "各校情况" not in page


def test_every_number_in_a_class_summary_is_a_figure_of_the_selectors(reported, head_teacher):
    from shouhu.reports.selectors import FIGURES

    node, term = reported.class_a, reported.term
    document = work_summary_build(head_teacher, node=node, term=term, draft=None)
    quoted = {key for section in document.sections for p in section.parts for key in p.figures}
    allowed: set[float] = set()
    for key in quoted:
        allowed |= _values(FIGURES[key].function(head_teacher, node=node, term=term))
    text = _drawn_text(document).replace(str(term), "").replace("三年级(2)班", "")
    text = re.sub(r"\d+月\d+日", "", text)
    text = re.sub(r"\d+[–-]\d+岁", "", text)
    numbers = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", text)]
    assert numbers, text
    assert [n for n in numbers if n not in allowed] == [], text


def test_a_head_teacher_saves_the_class_draft(client, reported, head_teacher):
    client.force_login(head_teacher)
    url = f"{reverse('reports:summary')}?scope=class:{reported.class_a.pk}&term={CURRENT}"
    response = client.post(url, {"title": "", "problems": "个别家长联系不上。", "plans": ""})
    assert response.status_code == 302
    draft = SummaryDraft.objects.get(school_class=reported.class_a, term=reported.term)
    assert (draft.problems, draft.created_by, draft.node) == (
        "个别家长联系不上。",
        head_teacher,
        reported.class_a,
    )
    assert "个别家长联系不上。" in client.get(url).content.decode()


@pytest.mark.parametrize("kind, content_type", [("docx", "wordprocessingml"), ("pdf", "pdf")])
def test_the_class_summary_downloads_for_its_head_teacher(
    client, reported, head_teacher, kind, content_type
):
    client.force_login(head_teacher)
    response = client.get(reverse(f"reports:summary-{kind}"))
    assert response.status_code == 200
    assert content_type in response["Content-Type"]
    if kind == "docx":
        texts = [p.text for p in Docx(io.BytesIO(response.content)).paragraphs]
        assert any("三年级(2)班共有在校学生40人" in t for t in texts)
    else:
        assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("name", ["reports:summary", "reports:summary-docx", "reports:summary-pdf"])
def test_another_classes_head_teacher_cannot_find_the_class_summary(client, reported, name):
    colleague = HeadTeacherFactory(scope_class=reported.class_a2)
    client.force_login(colleague)
    url = f"{reverse(name)}?scope=class:{reported.class_a.pk}"
    assert client.get(url).status_code == 404
    assert client.get(reverse(name)).status_code == 200  # their own class's


def test_another_classes_head_teacher_cannot_save_the_class_draft(client, reported):
    client.force_login(HeadTeacherFactory(scope_class=reported.class_a2))
    url = f"{reverse('reports:summary')}?scope=class:{reported.class_a.pk}"
    assert client.post(url, {"problems": "x"}).status_code == 404
    assert not SummaryDraft.objects.exists()


def test_the_command_writes_the_summary_with_the_saved_draft(reported, township_officer, tmp_path):
    work_summary_draft_save(
        actor=township_officer,
        node=reported.township_a,
        term=reported.term,
        title="",
        problems="乡镇层面统筹不够。",
        plans="",
    )
    out = tmp_path / "太平镇.docx"
    call_command("summary", scope="511781101", term=CURRENT, format="docx", output=str(out))
    texts = [p.text for p in Docx(str(out)).paragraphs]
    assert texts[0] == f"太平镇{SCHOOL_YEAR}学年第一学期关爱留守儿童工作总结"
    assert any("共有在校学生75人" in t for t in texts)
    assert "乡镇层面统筹不够。" in texts


def test_the_summary_calls_the_reports_sections_in_a_row():
    from shouhu.reports.work_summary.dropout import dropout_results

    assert SECTIONS == {
        BASIC: [sections.census_basics],
        MEASURES: [
            sections.care_measures,
            activities_measures,
            home_measures,
            health.safety_measures,
            aid_measures,
            guardianship.guardianship_measures,
        ],
        RESULTS: [
            sections.care_results,
            attendance_results,
            dropout_results,
            grades_results,
            health.health_results,
            sections.schools_rollup,
            guardianship.guardianship_results,
        ],
    }


@pytest.mark.office
def test_the_county_summary_docx_prints_in_libreoffice_without_a_line_off_the_page(
    reported, region_officer, tmp_path
):
    if office.soffice() is None:
        pytest.skip("LibreOffice (libreoffice-writer-nogui) is not installed: make system-deps")
    document = work_summary_build(
        region_officer, node=reported.county, term=reported.term, draft=None
    )
    (tmp_path / "summary.docx").write_bytes(to_docx(document))
    pdf = office.to_pdf(tmp_path / "summary.docx", folder=tmp_path)
    assert 2 <= office.pdf_pages(pdf) <= 12, office.pdf_pages(pdf)
    # A4 is 595 × 842 points; the right margin is 26 mm (74 points): no word ends beyond it.
    edge = office.pdf_right_edge(pdf)
    assert 0 < edge <= office.A4_WIDTH_PT - office.OFFICIAL_RIGHT_MARGIN_PT + 2
