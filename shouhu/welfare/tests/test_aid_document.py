"""The 公示 as a Word file in official style (issue 20): the same masked rows as the PDF, laid
out as GB/T 9704 asks (A4, the standard's margins, 方正小标宋简体 title, 仿宋_GB2312 body, page
numbers "— 1 —"), the school's signing block at the right; and printed by LibreOffice, one page
a school with no word past the right margin."""

import io

import pytest
from django.urls import reverse
from docx import Document as Docx
from docx.enum.text import WD_ALIGN_PARAGRAPH

from shouhu.core.official import TEXT_WIDTH_MM, _text_mm
from shouhu.testing import office
from shouhu.welfare.models.aid import AidKind
from shouhu.welfare.tests.test_aid_views import approved

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _second_factor_off(settings):
    settings.SHOUHU_TWO_FACTOR_ROLES = ()


@pytest.fixture
def county_docx(client, world, head_teacher, school_leader, region_officer):
    approved(world, head_teacher, school_leader)
    client.force_login(region_officer)
    response = client.get(
        reverse("welfare:aid-notice-docx"), {"scope": "511781", "term": world.term.code}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(".docx")
    return response.content


def test_the_notice_docx_shows_masked_names_never_the_full_name(county_docx, world):
    document = Docx(io.BytesIO(county_docx))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    text = "\n".join([p.text for p in document.paragraphs] + cells)
    assert "李*成" in cells and "1250.00" in cells
    assert "李家成" not in text and world.child_a.id_number not in text
    assert document.paragraphs[0].text == "学生资助·救助公示"


def test_the_notice_docx_is_laid_out_as_an_official_document(county_docx, world):
    document = Docx(io.BytesIO(county_docx))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)
    assert "PAGE" in section.footer.paragraphs[0]._p.xml
    title = document.paragraphs[0].runs[0]
    assert (title.font.name, title.font.size.pt) == ("方正小标宋简体", 22)
    signing = [p for p in document.paragraphs if p.alignment == WD_ALIGN_PARAGRAPH.RIGHT]
    assert [p.text for p in signing][:1] == [world.school_a.name]


def test_the_notice_table_fits_the_type_area_and_no_kind_wraps(county_docx):
    table = Docx(io.BytesIO(county_docx)).tables[0]
    widths = [column.width.mm for column in table.columns]
    assert sum(widths) == pytest.approx(TEXT_WIDTH_MM, abs=0.5)
    assert table.rows[0].cells[3].text == "资助类型"
    assert all(_text_mm(str(label)) <= widths[3] for label in AidKind.labels)
    assert _text_mm("合计（999 人次）") <= widths[1]


def test_a_school_without_aid_gets_a_notice_that_says_so(client, world, school_leader):
    client.force_login(school_leader)
    response = client.get(
        reverse("welfare:aid-notice-docx"), {"scope": world.school_a.code, "term": world.term.code}
    )
    cells = [c.text for t in Docx(io.BytesIO(response.content)).tables for c in t._cells]
    assert "本学期没有已批准的资助。" in cells


@pytest.mark.office
@pytest.mark.django_db(transaction=True)
def test_the_notice_docx_prints_in_libreoffice_a_page_a_school_within_the_margins(
    county_docx, tmp_path
):
    if office.soffice() is None:
        pytest.skip("LibreOffice (libreoffice-writer-nogui) is not installed: make system-deps")
    path = tmp_path / "notice.docx"
    path.write_bytes(county_docx)
    pdf = office.to_pdf(path, folder=tmp_path)
    assert office.pdf_pages(pdf) == 1
    assert (
        0 < office.pdf_right_edge(pdf) <= office.A4_WIDTH_PT - office.OFFICIAL_RIGHT_MARGIN_PT + 2
    )
