"""What a workbook Shouhu writes must look like to print well as it comes (issue 20): A4, one
page wide, the header rows on every page and frozen on screen, the unit and export time in the
page header, "page X of Y" in the footer, and no column narrower than its longest value unless
that cell wraps. One assertion for every workbook's test."""

from shouhu.core.xlsx import WIDE_CAP, text_width


def assert_prints(sheet, *, title_rows: str, first_row: int, landscape: bool = True) -> int:
    """Check a sheet read back with openpyxl; returns how many cells were measured."""
    setup = sheet.page_setup
    assert setup.paperSize in (9, "9"), setup.paperSize  # A4
    assert setup.orientation == ("landscape" if landscape else "portrait")
    assert (int(setup.fitToWidth), int(setup.fitToHeight)) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    start, end = title_rows.split(":")
    assert sheet.print_title_rows == f"${start}:${end}", sheet.print_title_rows
    assert sheet.freeze_panes, "the header rows stay on screen"
    assert "导出时间：" in sheet.oddHeader.center.text
    assert sheet.oddFooter.right.text == "第 &P 页，共 &N 页"
    measured = 0
    for row in sheet.iter_rows(min_row=first_row):
        for cell in row:
            if cell.value is None:
                continue
            if text_width(cell.value) + 2 > WIDE_CAP:
                assert cell.alignment.wrap_text, (cell.coordinate, cell.value)
            else:
                width = sheet.column_dimensions[cell.column_letter].width
                assert width >= text_width(cell.value), (cell.coordinate, cell.value, width)
            measured += 1
    return measured
