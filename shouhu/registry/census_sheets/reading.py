"""Reading a census workbook: find the data sheet and its header, then stream the data rows.

Sheets made by hand are read too: the header may be anywhere in the first rows, span two rows
(a merged group such as 父亲 over 姓名 / 状况 / 电话), have cells merged or padded with spaces,
and come in any order; columns the importer does not know are ignored, and so are blank rows.

The rows stream from the sheet's XML as the sheet numbers them: a row number beyond Excel's last
row (1,048,576), rows going backwards and more data rows than SHOUHU_IMPORT_MAX_ROWS are refused
as soon as they are read, and a damaged workbook (truncated, a bad CRC) is refused with the same
message as any file that is not a workbook.
"""

import functools
import io
import itertools
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.xml.constants import SHEET_MAIN_NS

from shouhu.registry.census_sheets.columns import BY_KEY, COLUMNS, column_for

HEADER_SCAN_ROWS = 12
EXCEL_MAX_ROWS = 1_048_576  # the last row number Excel can hold
# A census sheet has about thirty columns; cells beyond the 128th (DX) are not read, so that a
# stray cell in column XFD cannot make every row 16,384 cells wide.
READ_COLUMNS = 128

# What a damaged archive or sheet raises while it is read: a truncated file or member, a bad
# CRC, a broken deflate stream, XML cut short, a shared string or a style that is not there.
DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    etree.LxmlError,
    KeyError,
    IndexError,
    OSError,
    ValueError,
    TypeError,
)


class SheetError(ValueError):
    """The workbook cannot be read as a census sheet at all; the message is Chinese."""


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


NS = f"{{{SHEET_MAIN_NS}}}"
ROW, CELL, VALUE, INLINE, TEXT, RUN = (NS + t for t in ("row", "c", "v", "is", "t", "r"))


@functools.cache
def _column(letters: str) -> int:
    return column_index_from_string(letters)


def _cell_value(cell, *, strings, date_formats: set[int], epoch) -> Any:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        text = cell.find(INLINE)
        if text is None:
            return None
        runs = [text.find(TEXT), *(r.find(TEXT) for r in text.iterchildren(RUN))]
        return "".join(t.text or "" for t in runs if t is not None)
    value = cell.findtext(VALUE)
    if not value:
        return None
    if kind == "s":
        return strings[int(value)]
    if kind == "b":
        return bool(int(value))
    if kind == "d":
        return from_ISO8601(value)
    if kind in ("str", "e"):
        return value
    as_float = float(value)
    integral = as_float.is_integer() and "." not in value and "E" not in value.upper()
    number: int | float = int(value) if integral else as_float
    style = cell.get("s")
    if style and int(style) in date_formats:
        try:
            return from_excel(number, epoch)
        except (OverflowError, ValueError):
            return number
    return number


@dataclass
class _Book:
    """The parts of a workbook the importer reads: its sheets, shared strings and date styles.

    openpyxl's `load_workbook` measures every sheet that does not state its size (openpyxl's own
    files do not) by parsing it whole, and then parses each cell through its descriptor classes;
    a county's 20,000 rows are read here straight from the sheet XML with lxml instead, using
    openpyxl's reader for everything else."""

    reader: ExcelReader
    sheets: list[tuple[str, str]]  # (title, path inside the archive)
    width: int = READ_COLUMNS  # the columns kept of each row; the header's, once found

    @property
    def options(self) -> dict[str, Any]:
        return {
            "strings": self.reader.shared_strings,
            "date_formats": self.reader.wb._date_formats,
            "epoch": self.reader.wb.epoch,
        }

    def rows(self, path: str) -> Iterator[tuple[int, tuple]]:
        """Each row the sheet holds, as (row number, cell values), streamed: rows the sheet
        leaves out are not made up, so a last row numbered 20,000,000 costs nothing. Cells right
        of `width` are dropped. A row number beyond Excel's last row, or one going backwards,
        is refused at once."""
        options = self.options
        previous = 0
        with self.reader.archive.open(path) as source:
            parsed = etree.iterparse(
                source, events=("end",), tag=ROW, resolve_entities=False, no_network=True
            )
            for _event, row in parsed:
                stated = row.get("r")
                number = int(stated) if stated else previous + 1
                if number > EXCEL_MAX_ROWS:
                    raise SheetError(
                        _("第%(row)d行超出了 Excel 的最大行数（%(max)d行），文件可能已损坏。")
                        % {"row": number, "max": EXCEL_MAX_ROWS}
                    )
                if number <= previous:
                    raise SheetError(
                        _("第%(row)d行出现在第%(previous)d行之后，行号顺序错乱，文件可能已损坏。")
                        % {"row": number, "previous": previous}
                    )
                previous = number
                values: list[Any] = []
                for cell in row.iterchildren(CELL):
                    ref = cell.get("r")
                    column = _column(ref.rstrip("0123456789")) if ref else len(values) + 1
                    if column > self.width:
                        break
                    values.extend([None] * (column - 1 - len(values)))
                    values.append(_cell_value(cell, **options))
                yield number, tuple(values)
                row.clear()
                while row.getprevious() is not None:
                    del row.getparent()[0]


def _refuse_bombs(source: str | IO[bytes]) -> None:
    """A zip bomb (a tiny file that unpacks to gigabytes) is refused before anything is read."""
    with zipfile.ZipFile(source) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if isinstance(source, io.IOBase):
        source.seek(0)
    limit = settings.SHOUHU_UPLOAD_MAX_UNPACKED_MB
    if unpacked > limit * 1024 * 1024:
        raise SheetError(
            _("文件解压后超过%(limit)d MB，可能已损坏或不是正常的名册表格。") % {"limit": limit}
        )


def _open(source: str | IO[bytes]) -> _Book:
    _refuse_bombs(source)
    reader = ExcelReader(source, read_only=True, data_only=True)
    reader.read_manifest()
    reader.read_strings()
    reader.read_workbook()
    apply_stylesheet(reader.archive, reader.wb)
    sheets = [
        (sheet.name, rel.target)
        for sheet, rel in reader.parser.find_sheets()
        if rel.target in reader.valid_files and "chartsheet" not in rel.Type
    ]
    return _Book(reader=reader, sheets=sheets)


def read_sheet(source: str | bytes | IO[bytes]) -> Sheet:
    """The first worksheet that has a census header, with its non-blank data rows.

    Anything that is not a readable workbook, a damaged one included (truncated, a bad CRC),
    is one `SheetError` with the same Chinese message."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    try:
        book = _open(source)
    except SheetError:
        raise
    except DAMAGED as exc:
        raise SheetError(not_excel_message()) from exc
    try:
        return _first_census_sheet(book)
    except SheetError:
        raise
    except DAMAGED as exc:
        raise SheetError(not_excel_message()) from exc
    finally:
        book.reader.archive.close()


def not_excel_message() -> str:
    """What any unreadable file gets, whatever is wrong with it."""
    return _(
        "无法读取该文件：这不是有效的 Excel 文件，或文件已损坏。"
        "请上传 Excel 2007 及以上版本的 .xlsx 文件。"
    )


def _first_census_sheet(book: _Book) -> Sheet:
    for title, path in book.sheets:
        book.width = READ_COLUMNS
        rows = book.rows(path)
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
        # Of each data row, only the header's columns are kept.
        while sheet.headers and not sheet.headers[-1]:
            sheet.headers.pop()
        book.width = max(len(sheet.headers), max(columns.values()) + 1)
        read_already = [
            (number, cells[: book.width])
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
    """The rows with something in a known column; more than SHOUHU_IMPORT_MAX_ROWS of them
    are refused as soon as the one too many is read."""
    wanted = sorted(sheet.columns.values())
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
        yield number, tuple(cells)


def missing_required(sheet: Sheet) -> list[str]:
    """The headers of required columns the sheet does not have."""
    return [c.header for c in COLUMNS if c.required and c.key not in sheet.columns]


def header_of(key: str) -> str:
    return BY_KEY[key].header
