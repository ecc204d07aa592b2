"""Every sheet a school has, one reader (issue 20): the same sheet saved as .xlsx, .xls, .xlsb,
.ods and CSV (UTF-8 with and without a BOM, GBK, tab-separated) gives the same preview and the
same errors with the row numbers its program shows; bad input gets a clear message and nothing
is written; the row-jump and zip-bomb guards hold for every format."""

import datetime
import io
import re
import struct
import time
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shouhu.registry.census_sheets.cells import normal_cell
from shouhu.registry.census_sheets.importing import census_import, census_sheet_check
from shouhu.registry.census_sheets.reading import SheetError, read_sheet
from shouhu.registry.models import CensusImport, Child
from shouhu.registry.tests import five_ways
from shouhu.registry.tests.census_sheets import row, sheet_bytes

pytestmark = pytest.mark.usefixtures("frozen_today")

FIXTURES = Path(__file__).parent / "fixtures"


def named(content: bytes, name: str) -> io.BytesIO:
    source = io.BytesIO(content)
    source.name = name
    return source


def saved_ways() -> dict[str, tuple[str, bytes]]:
    text = five_ways.csv_text()
    return {
        "xlsx": ("名册.xlsx", five_ways.xlsx_bytes()),
        "xls": ("名册.xls", (FIXTURES / "five_ways.xls").read_bytes()),
        "xlsb": ("名册.xlsb", (FIXTURES / "five_ways.xlsb").read_bytes()),
        "ods": ("名册.ods", (FIXTURES / "five_ways.ods").read_bytes()),
        "csv-utf8-bom": ("名册.csv", b"\xef\xbb\xbf" + text.encode()),
        "csv-utf8": ("名册.csv", text.encode()),
        "csv-gbk": ("名册.csv", text.encode("gbk")),
        "txt-tab-gb18030": ("名册.txt", five_ways.csv_text(delimiter="\t").encode("gb18030")),
    }


def seen(result) -> list[tuple]:
    """What the preview shows of each row: its number, name, outcome and errors."""
    return [
        (r.row, r.name, r.outcome, [(e.field, e.reason) for e in r.errors]) for r in result.rows
    ]


def test_the_same_sheet_saved_every_way_gives_the_same_preview_and_errors(head_teacher, tree):
    results = {
        way: census_sheet_check(actor=head_teacher, term=tree.term, source=named(content, name))
        for way, (name, content) in saved_ways().items()
    }
    reference = results["xlsx"]
    assert reference.sheet_errors == [] and reference.sheet.header_row == 2
    assert [r.row for r in reference.rows] == [3, 4, 6, 7]  # row 5 is blank
    assert [r.outcome for r in reference.rows] == ["new", "new", "error", "error"]
    by_row = {r.row: r for r in reference.rows}
    (id_error,) = by_row[five_ways.ROW_OF_ID_AS_NUMBER].errors
    assert id_error.field == "身份证号" and "科学计数法" in id_error.reason
    assert {e.field for e in by_row[five_ways.ROW_OF_BAD_DATE].errors} == {"性别", "出生日期"}
    for way, result in results.items():
        assert result.sheet_errors == [], way
        assert seen(result) == seen(reference), way
    # The date cell of row 4 is the same date whatever the format stored (a date, a serial, text).
    births = {way: r.rows[1].plan.child.birth_date for way, r in results.items()}
    assert set(births.values()) == {datetime.date(2016, 2, 7)}


def test_an_xls_whose_register_is_its_second_sheet_is_read_from_that_sheet():
    sheet = read_sheet(named((FIXTURES / "five_ways.xls").read_bytes(), "名册.xls"))
    assert sheet.title == "摸底名册" and sheet.header_row == 2
    assert [number for number, _cells in sheet.rows] == [3, 4, 6, 7]


def test_an_xls_uploaded_on_the_web_is_previewed_with_its_row_numbers(client, world, head_teacher):
    client.force_login(head_teacher)
    response = client.post(
        reverse("registry:census-import"),
        {
            "term": world.term.code,
            "file": SimpleUploadedFile("名册.xls", (FIXTURES / "five_ways.xls").read_bytes()),
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    numbers = re.findall(r'data-label="行号">(\d+)<', page)
    assert numbers == ["3", "4", "6", "7"] and "科学计数法" in page


def test_a_gbk_csv_imports_all_or_nothing(head_teacher, tree):
    before = Child.objects.count()
    content = five_ways.csv_text().encode("gbk")
    result = census_import(actor=head_teacher, term=tree.term, source=named(content, "名册.csv"))
    assert not result.applied and Child.objects.count() == before
    good = "\r\n".join(five_ways.csv_text().split("\r\n")[:4]) + "\r\n"
    result = census_import(
        actor=head_teacher, term=tree.term, source=named(good.encode("gbk"), "名册.csv")
    )
    assert result.applied and Child.objects.count() == before + 2


def test_an_xlsm_is_read_for_its_data_only():
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(sheet_bytes([row(0)]))) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        target.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 macros that never run")
    sheet = read_sheet(named(out.getvalue(), "名册.xlsm"))
    assert [number for number, _cells in sheet.rows] == [2]


# --- bad input: a clear message, nothing written -------------------------------------------------


def upload_message(client, world, name: str, content: bytes) -> str:
    response = client.post(
        reverse("registry:census-import"),
        {"term": world.term.code, "file": SimpleUploadedFile(name, content)},
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode()


BAD = {
    "wps-et": ("名册.et", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "另存为"),
    "password": ("名册.xlsx", (FIXTURES / "password.xlsx").read_bytes(), "打开密码"),
    "csv-mixed-encodings": (
        "名册.csv",
        five_ways.csv_text().encode()[:400] + five_ways.csv_text().encode("gbk")[400:],
        "无法识别该 CSV 文件的文字编码",
    ),
    "xlsx-named-xls": ("名册.xls", five_ways.xlsx_bytes(), "内容其实是Excel 2007"),
    "csv-named-xlsx": ("名册.xlsx", five_ways.csv_text().encode(), "内容其实是CSV"),
    "html-named-xls": ("名册.xls", "<html><table><tr><td>姓名</td></tr></table>".encode(), "网页"),
    "pdf": ("名册.pdf", b"%PDF-1.4", "不支持 .pdf"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_input_gets_a_clear_message_and_nothing_is_written(client, world, head_teacher, case):
    name, content, message = BAD[case]
    client.force_login(head_teacher)
    before = Child.objects.count()
    page = upload_message(client, world, name, content)
    assert message in page and "确认导入" not in page
    assert Child.objects.count() == before
    with pytest.raises(SheetError, match=message):
        read_sheet(named(content, name))


def test_an_et_file_is_refused_by_the_upload_form_before_it_is_read(client, world, head_teacher):
    client.force_login(head_teacher)
    page = upload_message(client, world, "名册.et", five_ways.xlsx_bytes())
    assert "WPS 表格的 .et 格式无法直接导入" in page
    assert not CensusImport.objects.exists()


# --- the guards, in every format ----------------------------------------------------------------


def ods(rows_xml: str) -> bytes:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
        '<office:body><office:spreadsheet><table:table table:name="名册">'
        + rows_xml
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


VALUED = '<table:table-cell office:value-type="string"><text:p>王</text:p></table:table-cell>'


@pytest.mark.parametrize(
    ("rows_xml", "message"),
    [
        (
            f'<table:table-row table:number-rows-repeated="2000000">{VALUED}</table:table-row>',
            "第2000000行超出了 Excel 的最大行数",
        ),
        (
            '<table:table-row table:number-rows-repeated="300000">'
            '<table:table-cell table:number-columns-repeated="40" office:value-type="float"'
            ' office:value="1"/></table:table-row>',
            "使用区域过大",
        ),
    ],
    ids=["rows", "area"],
)
def test_an_ods_repeating_a_row_beyond_the_limits_is_refused_at_once(rows_xml, message):
    content = ods(rows_xml)
    assert len(content) < 2_000
    started = time.perf_counter()
    with pytest.raises(SheetError, match=message):
        read_sheet(named(content, "名册.ods"))
    assert time.perf_counter() - started < 2


def xlsb_with_row(number: int) -> bytes:
    """The .xlsb fixture with one more row header, numbered `number` (1-based)."""
    content = (FIXTURES / "five_ways.xlsb").read_bytes()
    out = io.BytesIO()
    extra = bytes([0x00, 17]) + struct.pack("<IIHHBI", number - 1, 0, 0x0114, 0, 0, 0)
    extra += bytes([0x06, 8 + 4 + 2]) + struct.pack("<III", 0, 0, 1) + "王".encode("utf-16-le")
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.endswith("sheet1.bin"):
                end = data.rindex(bytes([0x92, 0x01, 0x00]))  # BrtEndSheetData
                data = data[:end] + extra + data[end:]
            target.writestr(info, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("number", "message"),
    [(1_048_577, "第1048577行超出了 Excel 的最大行数"), (5, "第5行出现在第7行之后")],
)
def test_an_xlsb_row_beyond_excel_or_going_backwards_is_refused(number, message):
    with pytest.raises(SheetError, match=message):
        read_sheet(named(xlsb_with_row(number), "名册.xlsb"))


def test_an_xlsb_row_after_the_last_is_read_with_its_number():
    sheet = read_sheet(named(xlsb_with_row(9), "名册.xlsb"))
    assert sheet.rows[-1][0] == 9


def test_an_ods_zip_bomb_is_refused_before_it_is_unpacked(settings):
    settings.SHOUHU_UPLOAD_MAX_UNPACKED_MB = 16
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", b" " * (64 * 1024 * 1024))
    with pytest.raises(SheetError, match="文件解压后超过16 MB"):
        read_sheet(named(out.getvalue(), "名册.ods"))


def test_a_csv_with_more_data_rows_than_the_limit_is_refused(settings):
    settings.SHOUHU_IMPORT_MAX_ROWS = 1
    with pytest.raises(SheetError, match="表格的数据超过1行"):
        read_sheet(named(five_ways.csv_text().encode(), "名册.csv"))


# --- one normalisation for every format ---------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "normal"),
    [
        ("", None),
        (63.0, 63),
        (63.5, 63.5),
        (5.11781201601012e17, 5.11781201601012e17),  # an ID number as a number: still refused
        (datetime.datetime(2016, 2, 7), datetime.date(2016, 2, 7)),
        (datetime.datetime(2016, 2, 7, 8, 30), datetime.datetime(2016, 2, 7, 8, 30)),
        ("5.11781E+17", "5.11781E+17"),
    ],
)
def test_cells_are_normalised_in_one_shape(given, normal):
    assert normal_cell(given) == normal and type(normal_cell(given)) is type(normal)
