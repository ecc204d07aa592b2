"""The error report of a census import: the original rows that failed, with the reasons."""

import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from shouhu.core.xlsx import (
    PrintLayout,
    escape_cell,
    export_footer,
    export_header,
    fitted_widths,
    print_setup,
    wrapped_cell,
    wraps,
)
from shouhu.registry.census_sheets.cells import cell_shown
from shouhu.registry.census_sheets.importing import ImportResult

REPORT_COLUMNS = [
    gettext_lazy("行号"),
    gettext_lazy("字段"),
    gettext_lazy("值"),
    gettext_lazy("原因"),
]


def error_report_xlsx(result: ImportResult, *, by=None) -> bytes:
    """The original rows that failed, one line per problem, with the row number, the field,
    the value and the reason added at the end; printable as it comes (`core.xlsx`: the header
    row on every page, the columns fitted, long reasons wrapped)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("错误报告"))
    headers = result.sheet.headers if result.sheet else []
    head = [escape_cell(h) for h in headers] + [str(c) for c in REPORT_COLUMNS]
    lines: list[list] = []
    for message in result.sheet_errors:
        row = result.sheet.header_row if result.sheet else 1
        lines.append([None] * len(headers) + [row, "", "", escape_cell(message)])
    cells_by_row = dict(result.sheet.rows) if result.sheet else {}
    for error in result.errors:
        cells = list(cells_by_row.get(error.row, ()))
        cells += [None] * (len(headers) - len(cells))
        original = [
            escape_cell(cell_shown(c)) if c is not None else None for c in cells[: len(headers)]
        ]
        lines.append(
            original + [error.row, error.field, escape_cell(error.value), escape_cell(error.reason)]
        )
    layout = PrintLayout(
        title_rows="1:1",
        freeze="A2",
        header=export_header(_("摸底名册导入错误报告"), result.term),
        footer=export_footer(by),
    )
    print_setup(sheet, layout, widths=fitted_widths([head, *lines], columns=len(head)))
    sheet.append(head)
    for line in lines:
        sheet.append([wrapped_cell(sheet, v) if wraps(v) else v for v in line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
