"""Writing spreadsheets that are safe to open (issue 12.11).

A cell whose text starts with = + - @, a tab or a carriage return is run as a formula by Excel
and WPS (`=HYPERLINK(...)` in a class name becomes a live link). Every workbook the system
writes goes through `append_row` (or `escape_cell` for a single cell), which keeps such text as
text by putting an apostrophe before it, as OWASP advises for CSV and spreadsheet injection.
"""

import datetime
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
WRAP = Alignment(wrap_text=True, vertical="top")


def escape_cell(value: Any) -> Any:
    """A text that a spreadsheet would run as a formula is kept as text; other values as is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def append_row(sheet, values: Iterable[Any]) -> None:
    """Append one row to a sheet (normal or write-only), every text cell escaped. A styled
    cell of a write-only sheet is escaped when it is made (`write_only_cell`)."""
    sheet.append([v if isinstance(v, Cell) else escape_cell(v) for v in values])


def write_only_cell(sheet, value: Any) -> Cell:
    """A cell of a write-only sheet, to be styled by the caller, with its text escaped."""
    return WriteOnlyCell(sheet, value=escape_cell(value))


def write_cell(sheet, *, row: int, column: int, value: Any):
    """Set one cell of a normal sheet, its text escaped."""
    return sheet.cell(row=row, column=column, value=escape_cell(value))


# --- printing as it comes (issue 20, "Exports that print") ------------------------------------

WIDE_CAP = 18  # a column is never wider than this; a longer text wraps in its cell
PADDING = 2


def text_width(value: Any) -> int:
    """How many character widths a value takes in a spreadsheet: a Chinese character (or any
    wide or full-width one) two, any other one."""
    if isinstance(value, datetime.datetime) and value.time() != datetime.time():
        return 16  # shown as 2026-11-29 08:30
    if isinstance(value, datetime.date):
        return 10  # a date cell (read back as a datetime at midnight) shows 2026-11-29
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fitted_widths(rows: Iterable[Sequence[Any]], *, columns: int) -> list[int]:
    """Each column's width: its longest value (headers included) and a little room, at most
    WIDE_CAP (the longer cells wrap: `wraps`)."""
    widths = [4] * columns
    for row in rows:
        for index, value in enumerate(row[:columns]):
            if isinstance(value, Cell):
                value = value.value
            widths[index] = max(widths[index], min(WIDE_CAP, text_width(value) + PADDING))
    return widths


def wraps(value: Any) -> bool:
    """A text too long for the widest column: its cell wraps (`wrapped_cell`)."""
    return text_width(value) + PADDING > WIDE_CAP


def wrapped_cell(sheet, value: Any) -> Cell:
    cell = write_only_cell(sheet, value)
    cell.alignment = WRAP
    return cell


@dataclass(frozen=True)
class PrintLayout:
    """How a sheet prints as it comes: A4, landscape when wide, one page wide, the header rows
    on every page and frozen on screen; the unit, term and export time in the page header; the
    watermark and "page X of Y" in the footer."""

    title_rows: str  # the header rows printed on every page, e.g. "3:4"
    freeze: str  # the first cell that scrolls, e.g. "C5"
    header: str  # unit · term · export time
    footer: str  # the watermark: who exported it, when, masked or not
    landscape: bool = True


def _header_text(text: str) -> str:
    return text.replace("&", "&&")  # "&" starts a code in a header or footer


def print_setup(sheet, layout: PrintLayout, *, widths: Sequence[float] = ()) -> None:
    """Set a sheet's page and columns; on a write-only sheet, before its first row."""
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = layout.freeze
    sheet.print_title_rows = layout.title_rows
    setup = sheet.page_setup
    setup.orientation = "landscape" if layout.landscape else "portrait"
    setup.paperSize = Worksheet.PAPERSIZE_A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.7, bottom=0.7)
    sheet.oddHeader.center.text = _header_text(layout.header)
    sheet.oddHeader.center.size = 9
    sheet.oddFooter.left.text = _header_text(layout.footer)
    sheet.oddFooter.left.size = 7
    sheet.oddFooter.right.text = "第 &P 页，共 &N 页"
    sheet.oddFooter.right.size = 9


def sheet_print_setup(sheet, layout: PrintLayout, *, first_row: int = 1) -> None:
    """`print_setup` for a filled sheet (not write-only): the columns fitted to what the sheet
    holds from `first_row` on (a title above the table does not widen its column), the cells too
    long for the widest column wrapped."""
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=first_row)]
    print_setup(sheet, layout, widths=fitted_widths(values, columns=sheet.max_column))
    for row in sheet.iter_rows(min_row=first_row):
        for cell in row:
            if cell.value is not None and wraps(cell.value):
                cell.alignment = WRAP


def export_header(unit: str, term: object = "") -> str:
    """The page header of a workbook: the unit, the term (when there is one), the export time."""
    at = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    parts = [unit, str(term) if term else "", _("导出时间：%(at)s") % {"at": at}]
    return "　".join(p for p in parts if p)


def export_footer(by: object = None) -> str:
    """The footer's watermark: who exported the file (nobody named: the system)."""
    return _("导出人：%(who)s") % {"who": by} if by is not None else _("守护系统导出")
