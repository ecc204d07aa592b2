"""The archive's encryption: what goes in comes out, and any damage, cut or wrong key is refused
in Chinese before a byte of it is returned."""

import base64
import io
import os

import pytest

from shouhu.ops import archive
from shouhu.ops.archive import ArchiveError, DecryptingReader, EncryptingWriter, backup_keys

KEY = os.urandom(32)
OTHER = os.urandom(32)


def sealed(data: bytes, key: bytes = KEY) -> bytes:
    raw = io.BytesIO()
    writer = EncryptingWriter(raw, key)
    for start in range(0, len(data), 70_000):
        writer.write(data[start : start + 70_000])
    writer.close()
    return raw.getvalue()


def opened(blob: bytes, keys=(KEY,)) -> bytes:
    reader = DecryptingReader(io.BytesIO(blob), list(keys))
    out = b""
    while block := reader.read(10_240):
        out += block
    return out


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(archive, "CHUNK", 1000)


@pytest.mark.parametrize("size", [0, 1, 999, 1000, 1001, 5555])
def test_what_is_sealed_opens_the_same(small_chunks, size):
    data = os.urandom(size)
    assert opened(sealed(data)) == data


def test_the_plain_text_is_not_in_the_archive(small_chunks):
    data = "李家成 511781201501011234".encode() * 100
    assert b"511781201501011234" not in sealed(data)


def test_a_changed_byte_is_refused_as_damaged(small_chunks):
    blob = bytearray(sealed(os.urandom(5000)))
    blob[len(blob) // 2] ^= 1
    with pytest.raises(ArchiveError, match="已损坏"):
        opened(bytes(blob))


@pytest.mark.parametrize("cut", [1, 16, 1020, 3000])
def test_a_cut_archive_is_refused_as_truncated(small_chunks, cut):
    blob = sealed(os.urandom(5000))
    with pytest.raises(ArchiveError, match="截断|已损坏"):
        opened(blob[:-cut])


def test_an_archive_cut_at_a_chunk_boundary_is_refused_as_truncated(small_chunks):
    blob = sealed(os.urandom(5000))
    frame = 4 + 1000 + archive.TAG
    whole_chunks = archive.HEADER_SIZE + 3 * frame
    with pytest.raises(ArchiveError, match="截断"):
        opened(blob[:whole_chunks])


def test_swapped_chunks_are_refused(small_chunks):
    blob = sealed(os.urandom(5000))
    frame = 4 + 1000 + archive.TAG
    head, first, second = (
        blob[: archive.HEADER_SIZE],
        blob[archive.HEADER_SIZE : archive.HEADER_SIZE + frame],
        blob[archive.HEADER_SIZE + frame : archive.HEADER_SIZE + 2 * frame],
    )
    swapped = head + second + first + blob[archive.HEADER_SIZE + 2 * frame :]
    with pytest.raises(ArchiveError, match="校验失败"):
        opened(swapped)


def test_data_after_the_end_is_refused(small_chunks):
    with pytest.raises(ArchiveError, match="多余"):
        opened(sealed(os.urandom(2000)) + b"x")


def test_a_wrong_key_is_refused_by_name():
    with pytest.raises(ArchiveError, match="备份密钥不对"):
        opened(sealed(b"data"), keys=(OTHER,))


def test_any_key_of_a_rotation_opens_its_archives():
    assert opened(sealed(b"old", key=OTHER), keys=(KEY, OTHER)) == b"old"


def test_a_file_that_is_no_archive_is_refused():
    with pytest.raises(ArchiveError, match="不是守护的备份文件"):
        opened(b"PK\x03\x04 an Excel workbook" + bytes(100))


def test_backup_keys_are_32_bytes_of_base64_and_a_bad_one_is_named_by_position():
    good = base64.urlsafe_b64encode(KEY).decode()
    assert backup_keys(f"{good}, ") == [KEY]
    with pytest.raises(ArchiveError, match="第 2 个密钥无效"):
        backup_keys(f"{good},c2hvcnQ=")
