"""What an uploaded file really is, and the guards that run before any reader touches it.

The format is told by the file's own bytes (a zip's members, an OLE2 container's streams, text),
never by its name: a name that lies about the content, WPS's own `.et`, a password, a web page
saved as `.xls` and a CSV in an encoding that cannot be told each get their own message.

The spreadsheet reader (calamine) holds a sheet as one rectangle from A1 to its last cell, so a
single cell in row 20,000,000 or in column XFD would make it allocate gigabytes. Before it runs,
the sheet's row and cell numbers are read from the file itself (the XML of `.xlsx`, the records
of `.xlsb`, the repeats of `.ods`): a row beyond Excel's last, rows going backwards and a used
area larger than `MAX_CELLS` are refused at once. An `.xls` cannot go beyond 65,536 × 256 cells;
its area is checked once read.
"""

import csv
import enum
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import PurePath
from typing import IO

import charset_normalizer
from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree


class SheetError(ValueError):
    """The file cannot be read as a census sheet at all; the message is Chinese."""


class Format(enum.Enum):
    XLSX = "xlsx"  # .xlsm too: its macros are never run, only the data is read
    XLSB = "xlsb"
    XLS = "xls"
    ODS = "ods"
    CSV = "csv"


EXCEL_MAX_ROWS = 1_048_576  # the last row number Excel can hold
# The largest rectangle (rows × columns, from A1) a sheet may span: a census of 100,000 rows
# of 40 columns. Past it the reader would hold hundreds of megabytes for empty cells.
MAX_CELLS = 4_000_000

EXTENSIONS = {
    Format.XLSX: {".xlsx", ".xlsm"},
    Format.XLS: {".xls"},
    Format.XLSB: {".xlsb"},
    Format.ODS: {".ods"},
    Format.CSV: {".csv", ".txt", ".tsv"},
}
ACCEPTED = sorted(e for extensions in EXTENSIONS.values() for e in extensions)
WPS_EXTENSIONS = {".et", ".ett"}
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = (b"PK\x03\x04", b"PK\x05\x06")
# The encodings a Chinese school's CSV comes in (what charset-normalizer names them).
TEXT_ENCODINGS = {"utf_8", "gb18030", "gbk", "gb2312"}
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def _kind(fmt: Format) -> str:
    return {
        Format.XLSX: _("Excel 2007 及以上版本的表格（.xlsx）"),
        Format.XLS: _("Excel 97-2003 表格（.xls）"),
        Format.XLSB: _("Excel 二进制表格（.xlsb）"),
        Format.ODS: _("OpenDocument 表格（.ods）"),
        Format.CSV: _("CSV 文本表格（.csv）"),
    }[fmt]


def not_excel_message() -> str:
    """What any unreadable file gets, whatever is wrong with it."""
    return _(
        "无法读取该文件：这不是有效的 Excel 文件，或文件已损坏。"
        "可上传的格式：.xlsx、.xls、.xlsb、.ods 和 .csv。"
    )


def wps_message() -> str:
    return _(
        "WPS 表格的 .et 格式无法直接导入。请在 WPS 中打开该文件，点「文件 → 另存为」，"
        "文件类型选「Excel 文件（*.xlsx）」或「Excel 97-2003 文件（*.xls）」，再上传另存的文件。"
    )


def password_message() -> str:
    return _(
        "该文件设置了打开密码，系统无法读取，未写入任何数据。请在 Excel 或 WPS 中打开它，"
        "清除打开密码（Excel：「文件 → 信息 → 保护工作簿 → 用密码进行加密」；"
        "WPS：「文件 → 文档加密」）后保存，再上传。"
    )


def encoding_message() -> str:
    return _(
        "无法识别该 CSV 文件的文字编码（可识别 UTF-8 和 GBK/GB18030），未写入任何数据。"
        "请在 Excel 或 WPS 中打开它，另存为「CSV UTF-8（逗号分隔）」或 .xlsx 后重新上传。"
    )


def extension_of(filename: str | None) -> str:
    return PurePath(filename).suffix.lower() if filename else ""


def refuse_extension(filename: str | None) -> None:
    """A name the import cannot take, before anything is read (the upload form, the command)."""
    extension = extension_of(filename)
    if extension in WPS_EXTENSIONS:
        raise SheetError(wps_message())
    if filename and extension not in ACCEPTED:
        raise SheetError(
            _("不支持 %(ext)s 文件。可上传的格式：%(accepted)s。")
            % {"ext": extension or _("无扩展名的"), "accepted": "、".join(ACCEPTED)}
        )


def sniff(content: bytes, filename: str | None = None) -> Format:
    """The file's format from its bytes; its name, when known, must agree."""
    refuse_extension(filename)
    fmt = _format_of(content)
    extension = extension_of(filename)
    if extension and extension not in EXTENSIONS[fmt]:
        raise SheetError(
            _(
                "无法读取该文件：文件的扩展名是 %(ext)s，但内容其实是%(kind)s。"
                "请把扩展名改为 %(right)s 后重新上传，或在 Excel、WPS 中打开后另存为 .xlsx。"
            )
            % {"ext": extension, "kind": _kind(fmt), "right": sorted(EXTENSIONS[fmt])[0]}
        )
    return fmt


def _format_of(content: bytes) -> Format:
    if content.startswith(ZIP):
        refuse_bombs(content)  # before any member is read, whatever the zip turns out to be
        return _zip_format(content)
    if content.startswith(OLE2):
        # An encrypted .xlsx is an OLE2 container holding the real file as EncryptedPackage.
        if "EncryptedPackage".encode("utf-16-le") in content:
            raise SheetError(password_message())
        return Format.XLS
    if b"\0" in content[:4096] and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SheetError(not_excel_message())  # binary, and none of the formats above
    head = content[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<", b"\xff\xfe<", b"\xfe\xff\x00<")):
        raise SheetError(
            _(
                "该文件实际上是网页（HTML）或 XML 文件，不是表格。"
                "请用 Excel 或 WPS 打开它，另存为 .xlsx 后再上传。"
            )
        )
    return Format.CSV


def _zip_format(content: bytes) -> Format:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names:
                return Format.XLSX
            if "xl/workbook.bin" in names:
                return Format.XLSB
            if "mimetype" in names and archive.read("mimetype").strip() == ODS_MIMETYPE:
                return Format.ODS
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise SheetError(not_excel_message()) from exc
    raise SheetError(not_excel_message())


# --- guards -------------------------------------------------------------------------------------


def refuse_bombs(content: bytes) -> None:
    """A zip bomb (a tiny file that unpacks to gigabytes) is refused before anything is read."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise SheetError(not_excel_message()) from exc
    limit = settings.SHOUHU_UPLOAD_MAX_UNPACKED_MB
    if unpacked > limit * 1024 * 1024:
        raise SheetError(
            _("文件解压后超过%(limit)d MB，可能已损坏或不是正常的名册表格。") % {"limit": limit}
        )


def _column_letters(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class Extent:
    """The rows and columns a sheet states as it goes, checked at each one."""

    def __init__(self) -> None:
        self.previous = 0
        self.rows = 0
        self.columns = 0

    def row(self, number: int) -> None:
        if number > EXCEL_MAX_ROWS:
            raise SheetError(
                _("第%(row)d行超出了 Excel 的最大行数（%(max)d行），文件可能已损坏。")
                % {"row": number, "max": EXCEL_MAX_ROWS}
            )
        if number <= self.previous:
            raise SheetError(
                _("第%(row)d行出现在第%(previous)d行之后，行号顺序错乱，文件可能已损坏。")
                % {"row": number, "previous": self.previous}
            )
        self.previous = number
        self.cell(number, 1)

    def cell(self, row: int, column: int) -> None:
        if row > EXCEL_MAX_ROWS:
            self.row(row)
        self.rows = max(self.rows, row)
        self.columns = max(self.columns, column)
        if self.rows * self.columns > MAX_CELLS:
            raise SheetError(area_message(self.rows, self.columns))


def area_message(rows: int, columns: int) -> str:
    return _(
        "表格的使用区域过大：第%(row)d行或第%(col)s列还有内容。请删除名册下方和右侧多余的"
        "内容（选中多余的行或列后「删除」），保存后重新上传。"
    ) % {"row": rows, "col": _column_letters(columns)}


# The `r` attribute of a row (its number) or of a cell (its reference): no other element of a
# worksheet has one.
XLSX_REF = re.compile(rb'\sr="([A-Z]{0,3})(\d+)"')
CHUNK = 4 * 1024 * 1024


def check_xlsx(content: bytes) -> None:
    """Every worksheet's stated rows (each in turn) and cells (their furthest row and column),
    streamed from its XML: a county's 520,000 cells are matched in C, not one by one."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            extent = Extent()
            with archive.open(name) as source:
                for data in _chunks(source):
                    refs = XLSX_REF.findall(data)
                    for letters, number in refs:
                        if not letters:
                            extent.row(int(number))
                    cells = [ref for ref in refs if ref[0]]
                    if cells:
                        letters, numbers = zip(*cells, strict=True)
                        column = max(_column_index(c) for c in set(letters))
                        extent.cell(max(map(int, numbers)), column)


def _chunks(source: IO[bytes]) -> Iterator[bytes]:
    """The XML in pieces that end at a tag's end, so that no match is cut in two."""
    tail = b""
    while chunk := source.read(CHUNK):
        data = tail + chunk
        end = data.rfind(b">") + 1
        yield data[:end]
        tail = data[end:]
    yield tail


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index


# Cell records of BIFF12 (.xlsb): BrtCellBlank … BrtFmlaError; BrtRowHdr is 0.
XLSB_CELLS = range(1, 12)


def check_xlsb(content: bytes) -> None:
    """Every worksheet's row headers and cell columns, from its records."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".bin"):
                _check_records(archive.read(name))


def _check_records(data: bytes) -> None:
    extent, row, at, size = Extent(), 0, 0, len(data)
    while at < size:
        kind = data[at]
        at += 1
        if kind & 0x80:
            kind = (kind & 0x7F) | ((data[at] & 0x7F) << 7)
            at += 1
        length = shift = 0
        for _byte in range(4):
            byte = data[at]
            at += 1
            length |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        if kind == 0 and length >= 4:
            row = int.from_bytes(data[at : at + 4], "little") + 1
            extent.row(row)
        elif kind in XLSB_CELLS and length >= 4:
            extent.cell(max(row, 1), int.from_bytes(data[at : at + 4], "little") + 1)
        at += length


TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def check_ods(content: bytes) -> None:
    """Every table's rows and columns with their repeats (`number-rows-repeated`): one row
    repeated a million times is a million rows. Empty repeated rows and cells cost nothing."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive, archive.open("content.xml") as source:
        extent, row = Extent(), 0
        parsed = etree.iterparse(
            source,
            events=("end",),
            tag=(TABLE + "table-row", TABLE + "table"),
            resolve_entities=False,
            no_network=True,
        )
        for _event, element in parsed:
            if element.tag == TABLE + "table":
                extent, row = Extent(), 0
                element.clear()
                continue
            repeat = int(element.get(TABLE + "number-rows-repeated", "1"))
            column = 0
            for cell in element:
                columns = int(cell.get(TABLE + "number-columns-repeated", "1"))
                if cell.get(OFFICE + "value-type") is not None or len(cell):
                    extent.cell(row + repeat, column + columns)
                column += columns
            row += repeat
            element.clear()


# --- CSV ----------------------------------------------------------------------------------------


def decode_text(content: bytes) -> str:
    """A CSV's text: its encoding found by charset-normalizer (a BOM settles it at once)."""
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if content.startswith(bom):
            try:
                return content.decode(codec).lstrip("\ufeff")
            except UnicodeDecodeError as exc:
                raise SheetError(encoding_message()) from exc
    if b"\0" in content[:4096]:
        raise SheetError(not_excel_message())
    best = charset_normalizer.from_bytes(content).best()
    if best is None or best.encoding not in TEXT_ENCODINGS:
        raise SheetError(encoding_message())
    # GB18030 holds GBK and GB2312: the widest decodes every one of them.
    return content.decode("utf-8" if best.encoding == "utf_8" else "gb18030")


def csv_rows(text: str) -> list[list[str]]:
    """The records of a CSV in the dialect it is written in (comma or tab, as Excel writes),
    each a row as a spreadsheet program shows it."""
    sample = text[: 64 * 1024]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel_tab if sample.count("\t") > sample.count(",") else csv.excel
    try:
        return list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as exc:
        raise SheetError(not_excel_message()) from exc
