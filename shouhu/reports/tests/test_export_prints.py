"""Exports print well as they come (issue 20): A4 landscape, one page wide, the header rows on
every page and frozen on screen, the unit, term and export time in the page header, the
watermark and "page X of Y" in the footer, and no column narrower than what it holds."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from shouhu.core.xlsx import WIDE_CAP, text_width
from shouhu.reports.services import census_export
from shouhu.testing import office
from shouhu.testing.dates import term_code

CURRENT = term_code("2026-2027-1")


@pytest.fixture
def exported(reported, region_officer, world):
    out = io.BytesIO()
    census_export(actor=region_officer, node=world.county, term=world.term, out=out)
    return load_workbook(io.BytesIO(out.getvalue()))


def test_the_register_prints_one_page_wide_with_its_header_rows_on_every_page(exported, world):
    sheet = exported["登记表"]
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (
        "landscape",
        9,  # A4
        1,
        0,
    )
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == "$3:$4"
    assert sheet.freeze_panes == "C5"
    assert sheet.oddHeader.center.text.startswith(f"万源市　{world.term}　导出时间：")
    assert "导出人：" in sheet.oddFooter.left.text
    assert sheet.oddFooter.right.text == "第 &P 页，共 &N 页"


@pytest.mark.parametrize("name", ["登记表", "汇总表"])
def test_no_column_is_narrower_than_its_longest_value_unless_the_cell_wraps(exported, name):
    sheet = exported[name]
    first_row = 5 if name == "登记表" else 4
    checked = 0
    for row in sheet.iter_rows(min_row=first_row):
        for cell in row:
            if cell.value is None:
                continue
            width = sheet.column_dimensions[cell.column_letter].width
            if text_width(cell.value) + 2 > WIDE_CAP:
                assert cell.alignment.wrap_text, (cell.coordinate, cell.value)
            else:
                assert width >= text_width(cell.value), (cell.coordinate, cell.value, width)
            checked += 1
    assert checked > 20


def test_the_statistical_workbook_prints_the_same_way(client, reported, school_leader, world):
    client.force_login(school_leader)
    response = client.get("/reports/tables/", {"scope": world.school_a.code, "term": CURRENT})
    book = load_workbook(io.BytesIO(response.content))
    for sheet in book.worksheets[:-1]:  # the last sheet is the definitions
        assert sheet.page_setup.fitToWidth == 1 and sheet.print_title_rows == "$3:$3"
        assert sheet.oddHeader.center.text.startswith(world.school_a.name)
        assert sheet.oddFooter.right.text == "第 &P 页，共 &N 页"


@pytest.mark.office
@pytest.mark.django_db(transaction=True)
def test_the_demo_countys_register_prints_in_at_most_60_pages(tmp_path, frozen_today):
    if office.soffice() is None:
        pytest.skip("LibreOffice (libreoffice-calc-nogui) is not installed: make system-deps")
    call_command("seed_demo", stdout=io.StringIO())
    out = tmp_path / "county.xlsx"
    call_command(
        "export_census", str(out), "--term", CURRENT, "--scope", "511781", stdout=io.StringIO()
    )
    pages = office.pdf_pages(office.to_pdf(out, folder=tmp_path))
    assert 1 < pages <= 60, pages
    assert Path(out).stat().st_size > 0
