"""The census template and the census import's error report print as they come (issue 20)."""

import io

import pytest
from openpyxl import load_workbook

from shouhu.registry.census_sheets.errors import error_report_xlsx
from shouhu.registry.census_sheets.importing import census_sheet_check
from shouhu.registry.census_sheets.template import census_template_xlsx
from shouhu.registry.tests.census_sheets import HEADERS, row, sheet_bytes
from shouhu.testing.sheets import assert_prints


def test_the_census_template_prints_one_page_wide_with_its_header_on_every_page():
    sheet = load_workbook(io.BytesIO(census_template_xlsx()))["摸底名册"]
    assert assert_prints(sheet, title_rows="1:1", first_row=1) == len(sheet[1])
    assert sheet.column_dimensions["C"].width >= 20  # an ID number typed in full


@pytest.mark.django_db
def test_the_error_report_prints_with_the_original_columns_and_the_reason(tree, head_teacher):
    rows = [row(0), row(1, 父亲电话="1381234567", 监护人年龄="很老")]
    result = census_sheet_check(actor=head_teacher, term=tree.term, source=sheet_bytes(rows))
    assert not result.ok
    sheet = load_workbook(io.BytesIO(error_report_xlsx(result)))["错误报告"]
    assert assert_prints(sheet, title_rows="1:1", first_row=1) > len(HEADERS)
