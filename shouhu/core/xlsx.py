"""Writing spreadsheets that are safe to open (issue 12.11).

A cell whose text starts with = + - @, a tab or a carriage return is run as a formula by Excel
and WPS (`=HYPERLINK(...)` in a class name becomes a live link). Every workbook the system
writes goes through `append_row` (or `escape_cell` for a single cell), which keeps such text as
text by putting an apostrophe before it, as OWASP advises for CSV and spreadsheet injection.
"""

from collections.abc import Iterable
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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
