"""The census import against hostile and damaged sheets, and beside the other saves: row numbers
far beyond Excel's, rows going backwards, too many rows, damaged archives; an upload read once;
a write transaction that holds the database only while it writes."""

import datetime
import io
import re
import threading
import time
import zipfile
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse

from shouhu.care.models import CareAction
from shouhu.registry.census_sheets import importing
from shouhu.registry.census_sheets.importing import census_import
from shouhu.registry.census_sheets.reading import SheetError, read_sheet
from shouhu.registry.models import CensusImport, Child, Sex
from shouhu.registry.tests.census_sheets import row, sheet_bytes
from shouhu.testing.dates import iso
from shouhu.testing.factories import register_child

pytestmark = pytest.mark.usefixtures("frozen_today")

SHEET_XML = "xl/worksheets/sheet1.xml"
NOT_EXCEL = "这不是有效的 Excel 文件"


def rewritten(content: bytes, member: str, change: Callable[[bytes], bytes]) -> bytes:
    """The workbook with one member of its archive changed (and a valid archive around it)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info, change(data) if info.filename == member else data)
    return out.getvalue()


def renumbered(content: bytes, numbers: dict[int, int]) -> bytes:
    """The workbook with sheet rows renumbered (row attributes and cell references)."""

    def change(xml: bytes) -> bytes:
        text = xml.decode()
        for old, new in numbers.items():
            text = re.sub(rf'<row r="{old}"', f'<row r="{new}"', text)
            text = re.sub(rf'r="([A-Z]+){old}"', rf'r="\g<1>{new}"', text)
        return text.encode()

    return rewritten(content, SHEET_XML, change)


# --- 12.6: row numbers, order and count are checked while the sheet streams ---------------------


@pytest.mark.parametrize("last", [1_048_577, 20_000_000])
def test_a_row_numbered_beyond_excels_last_row_is_refused_at_once(last):
    content = renumbered(sheet_bytes([row(0), row(1)]), {3: last})
    assert len(content) < 10_000
    started = time.perf_counter()
    with pytest.raises(SheetError, match=f"第{last}行超出了 Excel 的最大行数"):
        read_sheet(content)
    assert time.perf_counter() - started < 2


def test_rows_going_backwards_are_refused():
    content = renumbered(sheet_bytes([row(0), row(1), row(2)]), {3: 9, 4: 5})
    with pytest.raises(SheetError, match="第5行出现在第9行之后"):
        read_sheet(content)


def test_rows_the_sheet_leaves_out_are_skipped_and_the_others_keep_their_numbers():
    content = renumbered(sheet_bytes([row(0), row(1), row(2)]), {3: 7, 4: 5_000})
    sheet = read_sheet(content)
    assert [number for number, _cells in sheet.rows] == [2, 7, 5_000]


def test_a_last_row_far_below_the_register_is_refused_before_the_reader_fills_the_gap():
    """The reader holds a sheet as one rectangle from A1: a row at 1,048,576 would cost it a
    gigabyte of empty cells, so the user is told where the stray content is instead."""
    content = renumbered(sheet_bytes([row(0), row(1), row(2)]), {3: 7, 4: 1_048_576})
    started = time.perf_counter()
    with pytest.raises(SheetError, match="使用区域过大：第1048576行"):
        read_sheet(content)
    assert time.perf_counter() - started < 2


def test_more_data_rows_than_the_limit_are_refused(settings):
    settings.SHOUHU_IMPORT_MAX_ROWS = 2
    assert len(read_sheet(sheet_bytes([row(0), None, row(1)])).rows) == 2  # blank rows are free
    with pytest.raises(SheetError, match="表格的数据超过2行"):
        read_sheet(sheet_bytes([row(0), row(1), row(2)]))


def test_a_stray_cell_far_right_does_not_widen_the_rows():
    def stray(xml: bytes) -> bytes:
        return xml.replace(b"</row>", b'<c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row>', 2)

    sheet = read_sheet(rewritten(sheet_bytes([row(0)]), SHEET_XML, stray))
    (only,) = sheet.rows
    assert len(only[1]) <= len(sheet.headers) < 128


# --- 12.8: a damaged workbook gets the same message as any other bad file ------------------------


def _truncated_file(content: bytes) -> bytes:
    return content[: len(content) * 2 // 3]


def _truncated_sheet(content: bytes) -> bytes:
    return rewritten(content, SHEET_XML, lambda xml: xml[: len(xml) // 2])


def _bad_crc(content: bytes) -> bytes:
    """The sheet's stored CRC-32 changed in the local header and the central directory."""
    info = zipfile.ZipFile(io.BytesIO(content)).getinfo(SHEET_XML)
    crc = info.CRC.to_bytes(4, "little")
    wrong = (info.CRC ^ 0xFFFFFFFF).to_bytes(4, "little")
    assert content.count(crc) == 2
    return content.replace(crc, wrong)


def _corrupt_deflate(content: bytes) -> bytes:
    info = zipfile.ZipFile(io.BytesIO(content)).getinfo(SHEET_XML)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    damaged = bytearray(content)
    for offset in range(8, 24):
        damaged[start + offset] ^= 0xFF
    return bytes(damaged)


DAMAGE = [_truncated_file, _truncated_sheet, _bad_crc, _corrupt_deflate]


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda d: d.__name__.strip("_"))
def test_a_damaged_workbook_is_not_a_valid_excel_file(damage):
    with pytest.raises(SheetError, match=NOT_EXCEL):
        read_sheet(damage(sheet_bytes([row(n) for n in range(30)])))


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda d: d.__name__.strip("_"))
def test_uploading_a_damaged_workbook_shows_the_message_not_a_server_error(
    client, world, head_teacher, damage
):
    client.force_login(head_teacher)
    response = client.post(
        reverse("registry:census-import"),
        {
            "term": world.term.code,
            "file": SimpleUploadedFile(
                "名册.xlsx", damage(sheet_bytes([row(n) for n in range(30)]))
            ),
        },
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert NOT_EXCEL in page and "确认导入" not in page


# --- 12.6: an upload is read once; its preview and its confirmation do not reread it ------------


def test_an_upload_is_read_once_and_previewed_and_confirmed_from_what_was_kept(
    client, world, head_teacher, monkeypatch
):
    reads = []
    original = importing.read_sheet
    monkeypatch.setattr(importing, "read_sheet", lambda source: reads.append(1) or original(source))
    client.force_login(head_teacher)
    response = client.post(
        reverse("registry:census-import"),
        {"term": world.term.code, "file": SimpleUploadedFile("名册.xlsx", sheet_bytes([row(0)]))},
    )
    assert len(reads) == 1
    upload = CensusImport.objects.get()
    for _twice in range(2):
        assert 'class="outcome-new"' in client.get(response["Location"]).content.decode()
    kwargs = {"public_id": upload.public_id}
    client.get(reverse("registry:census-import-errors", kwargs=kwargs))
    confirm = client.post(reverse("registry:census-import-confirm", kwargs=kwargs))
    assert confirm.status_code == 302
    assert Child.objects.filter(name=row(0)["姓名"]).exists()
    assert len(reads) == 1


def test_the_confirmation_checks_the_kept_rows_against_the_register_as_it_is_then(
    client, world, head_teacher
):
    client.force_login(head_teacher)
    data = row(0)
    client.post(
        reverse("registry:census-import"),
        {"term": world.term.code, "file": SimpleUploadedFile("名册.xlsx", sheet_bytes([data]))},
    )
    upload = CensusImport.objects.get()
    # Registered by hand after the preview: confirmed, the row updates that file.
    by_hand = register_as_in(data, actor=head_teacher, school_class=world.class_a, name="王晓明")
    confirm = client.post(
        reverse("registry:census-import-confirm", kwargs={"public_id": upload.public_id})
    )
    assert confirm.status_code == 302
    by_hand.refresh_from_db()
    assert by_hand.name == data["姓名"]
    assert Child.objects.filter(id_number_index=by_hand.id_number_index).count() == 1


def register_as_in(data: dict, *, actor, school_class, name: str) -> Child:
    """The child of a sheet row registered through the register's own service."""
    return register_child(
        actor,
        school_class,
        name=name,
        id_number=data["身份证号"],
        birth_date=datetime.date.fromisoformat(data["出生日期"]),
        sex=Sex.MALE if data["性别"] == "男" else Sex.FEMALE,
    )


# --- 12.7: the write transaction is short, all or nothing, and other saves wait for it ----------


@pytest.mark.django_db(transaction=True)
def test_the_sheet_is_checked_before_the_write_transaction_opens(tree, head_teacher, monkeypatch):
    seen: list[bool] = []
    original = importing.census_sheet_check

    def check(**kwargs):
        seen.append(connection.in_atomic_block)
        return original(**kwargs)

    monkeypatch.setattr(importing, "census_sheet_check", check)
    result = census_import(actor=head_teacher, term=tree.term, source=sheet_bytes([row(0), row(1)]))
    assert result.applied and seen == [False]
    assert result.write_seconds is not None and result.write_seconds < 3
    assert Child.objects.count() == 2


def test_a_child_registered_between_the_check_and_the_write_means_nothing_is_written(
    tree, head_teacher, monkeypatch
):
    data = [row(0), row(1)]
    original = importing.census_sheet_check

    def check_then_register(**kwargs):
        result = original(**kwargs)
        register_as_in(data[1], actor=head_teacher, school_class=tree.class_a, name="抢先登记")
        return result

    monkeypatch.setattr(importing, "census_sheet_check", check_then_register)
    result = census_import(actor=head_teacher, term=tree.term, source=sheet_bytes(data))
    assert not result.applied
    assert "检查之后名册已有变化" in result.messages()[0]
    assert list(Child.objects.values_list("name", flat=True)) == ["抢先登记"]


@pytest.mark.django_db(transaction=True)
def test_a_save_that_meets_the_import_s_write_lock_waits_and_succeeds(client, world, head_teacher):
    """A thread holds a write transaction (as an import's write does) while a care record is
    saved through the web: the save waits for the lock and succeeds."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip(
            "an in-memory SQLite test database has table locks that never wait; "
            "run with SHOUHU_SQLITE_TEST_FILE=var/test.sqlite3 (or on PostgreSQL)"
        )
    client.force_login(head_teacher)  # before: a login writes its session too
    holding, done = threading.Event(), threading.Event()

    def hold_the_lock():
        try:
            with transaction.atomic():
                Child.objects.filter(pk=world.child_b.pk).update(address="太平镇石塘村3组")
                holding.set()
                time.sleep(1.5)
        finally:
            connection.close()
            done.set()

    writer = threading.Thread(target=hold_the_lock)
    writer.start()
    assert holding.wait(10)
    started = time.perf_counter()
    response = client.post(
        reverse("care:child-action-create", kwargs={"public_id": world.child_a.public_id}),
        {"kind": "parent_call", "done_on": iso("2026-11-28")},
    )
    waited = time.perf_counter() - started
    writer.join(10)
    assert done.is_set()
    assert response.status_code == 302
    assert CareAction.objects.filter(kind="parent_call").count() == 1
    if connection.vendor == "sqlite":
        assert waited > 0.5  # it did meet the lock
