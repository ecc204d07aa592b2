"""The one spreadsheet writer every workbook uses (issue 12.11)."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from shouhu.core.xlsx import append_row, escape_cell, write_cell, write_only_cell


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_that_a_spreadsheet_would_run_is_written_as_text(start):
    text = start + "cmd|' /C calc'!A0"
    book = Workbook()
    sheet = book.active
    append_row(sheet, [text, 7, None, "王小明"])
    write_cell(sheet, row=2, column=1, value=text)
    streamed = Workbook(write_only=True)
    stream = streamed.create_sheet("s")
    append_row(stream, [write_only_cell(stream, text), text])
    for workbook in (book, streamed):
        out = io.BytesIO()
        workbook.save(out)
        read = load_workbook(io.BytesIO(out.getvalue()))
        for row in read.worksheets[0].iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and "calc" in cell.value:
                    assert cell.data_type == "s" and cell.value.startswith("'")
    assert escape_cell(text) == "'" + text


def test_plain_values_are_written_as_they_are():
    assert escape_cell("王小明") == "王小明"
    assert escape_cell(-3) == -3
    assert escape_cell(None) is None
