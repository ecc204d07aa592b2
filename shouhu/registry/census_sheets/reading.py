"""Reading a census sheet: find the data sheet and its header, then its data rows.

One reader for every sheet a school has: `.xlsx` (and `.xlsm`: its data only, a macro never
runs), `.xls`, `.xlsb` and `.ods` through calamine, and CSV (UTF-8 with or without a BOM,
GBK/GB18030; comma or tab) through `formats.decode_text` and the csv module. What the file is
comes from its bytes (`formats.sniff`), and the guards of `formats` run before calamine does.
Each cell is normalised in one place (`cells.normal_cell`), so that the same sheet saved in any
format reads the same, with the row numbers its program shows.

Sheets made by hand are read too: the header may be anywhere in the first rows, span two rows
(a merged group such as 父亲 over 姓名 / 状况 / 电话), have cells merged or padded with spaces,
and come in any order; columns the importer does not know are ignored, and so are blank rows.
The register may be on any sheet: the first with a census header is read. More data rows than
SHOUHU_IMPORT_MAX_ROWS are refused, and a damaged file (truncated, a bad CRC) gets the same
message as any file that is not a workbook.
"""

import io
import itertools
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import python_calamine
from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree

from shouhu.registry.census_sheets import formats
from shouhu.registry.census_sheets.cells import normal_cell
from shouhu.registry.census_sheets.columns import BY_KEY, COLUMNS, column_for
from shouhu.registry.census_sheets.formats import Format, SheetError, not_excel_message

__all__ = [
    "Sheet",
    "SheetError",
    "header_of",
    "missing_required",
    "not_excel_message",
    "read_sheet",
]

HEADER_SCAN_ROWS = 12
EXCEL_MAX_ROWS = 1_048_576  # the last row number Excel can hold
# A census sheet has about thirty columns; cells beyond the 128th (DX) are not read, so that a
# stray cell in column XFD cannot make every row 16,384 cells wide.
READ_COLUMNS = 128

# What a damaged file raises while it is read: a truncated file or member, a bad CRC, a broken
# deflate stream, XML cut short; calamine's own errors.
DAMAGED = (
    python_calamine.CalamineError,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    etree.LxmlError,
    KeyError,
    IndexError,
    OSError,
    ValueError,
    TypeError,
    OverflowError,
)


@dataclass
class Sheet:
    title: str
    header_row: int  # 1-based row number of the (lower) header row
    headers: list[str]  # the header text of every column, as written
    columns: dict[str, int]  # column key → 0-based column index
    rows: list[tuple[int, tuple]] = field(default_factory=list)  # (row number, cell values)

    def value(self, cells: tuple, key: str) -> Any:
        index = self.columns.get(key)
        if index is None or index >= len(cells):
            return None
        return cells[index]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _match(lower: tuple, upper: tuple | None) -> dict[str, int]:
    """Column keys found in a header row, with the row above as groups (forward-filled, since
    a merged group keeps its text only in its first cell)."""
    found: dict[str, int] = {}
    group = None
    width = max(len(lower), len(upper or ()))
    for index in range(width):
        if upper is not None and index < len(upper) and not _blank(upper[index]):
            group = upper[index]
        cell = lower[index] if index < len(lower) else None
        key = column_for(None if _blank(cell) else cell, group if upper is not None else None)
        if key and key not in found:
            found[key] = index
    return found


def _find_header(head: list[tuple]) -> tuple[int, dict[str, int]] | None:
    best: tuple[int, dict[str, int]] | None = None
    for index, row in enumerate(head):
        upper = head[index - 1] if index else None
        found = _match(row, upper)
        if best is None or len(found) > len(best[1]):
            best = (index, found)
    if best is None or not {"name", "id_number"} <= set(best[1]):
        return None
    return best


def _headers_text(head: list[tuple], index: int) -> list[str]:
    lower, upper = head[index], head[index - 1] if index else ()
    width = max(len(lower), len(upper))
    texts, group = [], ""
    for i in range(width):
        if i < len(upper) and not _blank(upper[i]):
            group = str(upper[i]).strip()
        cell = lower[i] if i < len(lower) else None
        texts.append(str(cell).strip() if not _blank(cell) else group)
    return texts


def read_sheet(source: str | bytes | IO[bytes], *, filename: str | None = None) -> Sheet:
    """The first worksheet that has a census header, with its non-blank data rows.

    `filename` (or the name of the file `source` is or names) is checked against the content.
    Anything that is not a readable sheet, a damaged one included, is one `SheetError` with a
    Chinese message."""
    if isinstance(source, str):
        filename = filename or source
        content = Path(source).read_bytes()
    elif isinstance(source, bytes):
        content = source
    else:
        filename = filename or getattr(source, "name", None)
        content = source.read()
    if not isinstance(filename, str):
        filename = None
    return _first_census_sheet(worksheets(content, filename))


Grid = tuple[str, Iterator[tuple[int, tuple]]]  # a sheet's title and its (row number, cells)


def worksheets(content: bytes, filename: str | None) -> Iterator[Grid]:
    """Each worksheet of an uploaded spreadsheet (any format calamine reads, or CSV), in order,
    read only when asked for: the census, grade and health imports all read through this.
    Anything unreadable (damaged, encrypted, not what its name says) is one `SheetError` with a
    Chinese message."""
    fmt = formats.sniff(content, filename)
    try:
        yield from _grids(content, fmt)
    except SheetError:
        raise
    except python_calamine.PasswordError as exc:
        raise SheetError(formats.password_message()) from exc
    except DAMAGED as exc:
        raise SheetError(not_excel_message()) from exc


def _grids(content: bytes, fmt: Format) -> Iterator[Grid]:
    """Each worksheet of the file, in order, read only when asked for."""
    if fmt == Format.CSV:
        rows = formats.csv_rows(formats.decode_text(content))
        yield "CSV", ((n, tuple(map(normal_cell, cells))) for n, cells in enumerate(rows, 1))
        return
    if fmt != Format.XLS:
        {Format.XLSX: formats.check_xlsx, Format.XLSB: formats.check_xlsb}.get(
            fmt, formats.check_ods
        )(content)
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    try:
        for index, meta in enumerate(book.sheets_metadata):
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            sheet = book.get_sheet_by_index(index)
            # An .xls is at most 65,536 × 256 cells: its area is checked once read.
            height, width = sheet.total_height + 1, sheet.total_width + 1
            if height * width > formats.MAX_CELLS:
                raise SheetError(formats.area_message(height, width))
            yield meta.name, _calamine_rows(sheet)
    finally:
        book.close()


def _calamine_rows(sheet: python_calamine.CalamineSheet) -> Iterator[tuple[int, tuple]]:
    """The rows from A1 (row numbers as the program shows them), cut to `READ_COLUMNS`."""
    for number, cells in enumerate(sheet.to_python(skip_empty_area=False), start=1):
        yield number, tuple(normal_cell(c) for c in cells[:READ_COLUMNS])


def _first_census_sheet(grids: Iterator[Grid]) -> Sheet:
    for title, rows in grids:
        head: list[tuple] = [()] * HEADER_SCAN_ROWS
        after_head: list[tuple[int, tuple]] = []
        for number, cells in rows:
            if number > HEADER_SCAN_ROWS:
                after_head.append((number, cells))
                break
            head[number - 1] = cells
        found = _find_header(head)
        if found is None:
            continue
        index, columns = found
        sheet = Sheet(
            title=title,
            header_row=index + 1,
            headers=_headers_text(head, index),
            columns=columns,
        )
        while sheet.headers and not sheet.headers[-1]:
            sheet.headers.pop()
        read_already = [
            (number, cells)
            for number, cells in [*enumerate(head, start=1), *after_head]
            if number > sheet.header_row
        ]
        sheet.rows = list(_data_rows(itertools.chain(read_already, rows), sheet=sheet))
        return sheet
    required = "、".join(c.header for c in COLUMNS if c.required)
    raise SheetError(
        _("找不到表头：请确认表格中有「姓名」「身份证号」等列（必填列：%(cols)s）。")
        % {"cols": required}
    )


def _data_rows(rows: Iterator[tuple[int, tuple]], *, sheet: Sheet) -> Iterator[tuple[int, tuple]]:
    """The rows with something in a known column, each cut (or padded) to the header's width,
    whatever the format; more than SHOUHU_IMPORT_MAX_ROWS of them are refused as soon as the
    one too many is read."""
    wanted = sorted(sheet.columns.values())
    width = max(len(sheet.headers), wanted[-1] + 1)
    limit = settings.SHOUHU_IMPORT_MAX_ROWS
    count = 0
    for number, cells in rows:
        if all(_blank(cells[i]) if i < len(cells) else True for i in wanted):
            continue
        count += 1
        if count > limit:
            raise SheetError(
                _("表格的数据超过%(max)d行，请按乡镇或学校分开上传。") % {"max": limit}
            )
        kept = tuple(cells[:width])
        yield number, kept + (None,) * (width - len(kept))


def missing_required(sheet: Sheet) -> list[str]:
    """The headers of required columns the sheet does not have."""
    return [c.header for c in COLUMNS if c.required and c.key not in sheet.columns]


def header_of(key: str) -> str:
    return BY_KEY[key].header
