"""Reading a census workbook: find the data sheet and its header, then stream the data rows.

Sheets made by hand are read too: the header may be anywhere in the first rows, span two rows
(a merged group such as 父亲 over 姓名 / 状况 / 电话), have cells merged or padded with spaces,
and come in any order; columns the importer does not know are ignored, and so are blank rows.
"""

import functools
import io
import zipfile
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

from shouhu.registry.census_io.columns import BY_KEY, COLUMNS, column_for

HEADER_SCAN_ROWS = 12


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

    @property
    def options(self) -> dict[str, Any]:
        return {
            "strings": self.reader.shared_strings,
            "date_formats": self.reader.wb._date_formats,
            "epoch": self.reader.wb.epoch,
        }

    def rows(self, path: str) -> Iterator[tuple]:
        """Every row's values from the first row on, blank rows included (as empty tuples)."""
        options = self.options
        expected = 1
        with self.reader.archive.open(path) as source:
            parsed = etree.iterparse(
                source, events=("end",), tag=ROW, resolve_entities=False, no_network=True
            )
            for _event, row in parsed:
                number = int(row.get("r") or expected)
                while expected < number:
                    yield ()
                    expected += 1
                values: list[Any] = []
                for cell in row.iterchildren(CELL):
                    ref = cell.get("r")
                    column = _column(ref.rstrip("0123456789")) if ref else len(values) + 1
                    values.extend([None] * (column - 1 - len(values)))
                    values.append(_cell_value(cell, **options))
                yield tuple(values)
                expected += 1
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
    """The first worksheet that has a census header, with its non-blank data rows."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    try:
        book = _open(source)
    except SheetError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise SheetError(_("无法读取该文件，请上传 Excel 2007 及以上版本的 .xlsx 文件。")) from exc
    try:
        for title, path in book.sheets:
            rows = book.rows(path)
            head = [row for _i, row in zip(range(HEADER_SCAN_ROWS), rows, strict=False)]
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
            sheet.rows = list(_data_rows(head[index + 1 :], rows, start=index + 2, sheet=sheet))
            return sheet
    finally:
        book.reader.archive.close()
    required = "、".join(c.header for c in COLUMNS if c.required)
    raise SheetError(
        _("找不到表头：请确认表格中有「姓名」「身份证号」等列（必填列：%(cols)s）。")
        % {"cols": required}
    )


def _data_rows(
    first: list[tuple], rest: Iterator[tuple], *, start: int, sheet: Sheet
) -> Iterator[tuple[int, tuple]]:
    wanted = sorted(sheet.columns.values())
    number = start
    for cells in [*first, *rest]:
        if not all(_blank(cells[i]) if i < len(cells) else True for i in wanted):
            yield number, tuple(cells)
        number += 1


def missing_required(sheet: Sheet) -> list[str]:
    """The headers of required columns the sheet does not have."""
    return [c.header for c in COLUMNS if c.required and c.key not in sheet.columns]


def header_of(key: str) -> str:
    return BY_KEY[key].header
