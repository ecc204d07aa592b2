"""The backup archive's encryption: AES-256-GCM in chunks, streamed, under the backup key.

The backup key (SHOUHU_BACKUP_KEY or SHOUHU_BACKUP_KEY_FILE) is a Fernet-style key: 32 random
bytes in URL-safe base64. Several comma-separated keys may be given while it is rotated: the
first encrypts, every one decrypts. It is not the field key, which is never in an archive.

    header  = MAGIC (8) · version (1) · key id (8) · salt (16) · nonce prefix (8)
    frame   = ciphertext length (4, big-endian) · AES-GCM(chunk)
    archive = header · frame … · last frame

Each archive has its own AES key, derived from the backup key and the archive's random salt
(HKDF-SHA256). A chunk's nonce is the archive's nonce prefix and the chunk's number, and its
associated data is the header and whether the chunk is the last one: a chunk changed, swapped,
dropped or cut off, or a header changed, fails authentication, and an archive without its last
chunk is truncated. The key id (an HMAC of the backup key) tells a wrong key from a damaged file.
"""

import base64
import binascii
import hashlib
import hmac
import os
import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"SHOUHUBK"
VERSION = 1
HEADER_SIZE = len(MAGIC) + 1 + 8 + 16 + 8
CHUNK = 1024 * 1024
TAG = 16
_LENGTH = struct.Struct(">I")


class ArchiveError(Exception):
    """An archive that cannot be read: its message, in Chinese, is for the operator."""


def backup_keys(value: str | None) -> list[bytes]:
    """The backup keys of the setting, first the one that encrypts. A key that is not 32 bytes
    of URL-safe base64 is refused by name (its position), never by value."""
    keys = []
    for position, item in enumerate((value or "").split(","), start=1):
        if not item.strip():
            continue
        try:
            key = base64.urlsafe_b64decode(item.strip().encode("ascii"))
        except (binascii.Error, UnicodeEncodeError, ValueError):
            key = b""
        if len(key) != 32:
            raise ArchiveError(
                f"SHOUHU_BACKUP_KEY 的第 {position} 个密钥无效：应为 32 字节的 URL 安全 base64"
                "（用 Fernet.generate_key() 生成，见 docs/deploy.md）。"
            )
        keys.append(key)
    return keys


def key_id(key: bytes) -> bytes:
    return hmac.new(key, b"shouhu-backup-key-id", hashlib.sha256).digest()[:8]


def _archive_key(key: bytes, salt: bytes) -> AESGCM:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"shouhu-backup-v1")
    return AESGCM(hkdf.derive(key))


def _nonce(prefix: bytes, number: int) -> bytes:
    return prefix + struct.pack(">I", number)


class EncryptingWriter:
    """A write-only file that encrypts what it is given onto `raw`, a chunk at a time.
    `close()` writes the last chunk; an archive never closed is refused as truncated."""

    def __init__(self, raw: BinaryIO, key: bytes) -> None:
        self.raw = raw
        salt, self.prefix = os.urandom(16), os.urandom(8)
        self.header = MAGIC + bytes([VERSION]) + key_id(key) + salt + self.prefix
        self.aead = _archive_key(key, salt)
        self.buffer = bytearray()
        self.number = 0
        self.closed = False
        raw.write(self.header)

    def write(self, data: bytes) -> int:
        self.buffer += data
        while len(self.buffer) >= CHUNK:
            self._frame(bytes(self.buffer[:CHUNK]), last=False)
            del self.buffer[:CHUNK]
        return len(data)

    def _frame(self, chunk: bytes, *, last: bool) -> None:
        if self.number >= 2**32 - 1:
            raise ArchiveError("备份文件过大：超过 4 PB。")
        sealed = self.aead.encrypt(
            _nonce(self.prefix, self.number), chunk, self.header + (b"\x01" if last else b"\x00")
        )
        self.raw.write(_LENGTH.pack(len(sealed)) + sealed)
        self.number += 1

    def close(self) -> None:
        if not self.closed:
            self._frame(bytes(self.buffer), last=True)
            self.buffer.clear()
            self.closed = True


class DecryptingReader:
    """A read-only file of what `raw` holds in clear. Any damage, truncation or wrong key is an
    ArchiveError as soon as the chunk holding it is read; nothing past it is returned."""

    def __init__(self, raw: BinaryIO, keys: list[bytes]) -> None:
        self.raw = raw
        self.header = raw.read(HEADER_SIZE)
        if len(self.header) < HEADER_SIZE or not self.header.startswith(MAGIC):
            raise ArchiveError("这不是守护的备份文件（文件头不符），或文件已损坏。")
        if self.header[len(MAGIC)] != VERSION:
            raise ArchiveError(f"不支持的备份格式版本：{self.header[len(MAGIC)]}。")
        stored_id = self.header[len(MAGIC) + 1 : len(MAGIC) + 9]
        salt = self.header[len(MAGIC) + 9 : len(MAGIC) + 25]
        self.prefix = self.header[len(MAGIC) + 25 :]
        key = next((k for k in keys if hmac.compare_digest(key_id(k), stored_id)), None)
        if key is None:
            raise ArchiveError(
                "备份密钥不对：这个备份文件不是用当前的 SHOUHU_BACKUP_KEY 加密的。"
                "请使用备份时的备份密钥。"
            )
        self.aead = _archive_key(key, salt)
        self.pending = b""
        self.offset = 0
        self.number = 0
        self.finished = False

    def _next_chunk(self) -> bytes:
        length = self.raw.read(_LENGTH.size)
        if len(length) < _LENGTH.size:
            raise ArchiveError("备份文件不完整（被截断）：缺少结尾部分。")
        (size,) = _LENGTH.unpack(length)
        if size < TAG or size > CHUNK + TAG:
            raise ArchiveError(f"备份文件已损坏：第 {self.number + 1} 块的长度不对。")
        sealed = self.raw.read(size)
        if len(sealed) < size:
            raise ArchiveError("备份文件不完整（被截断）：缺少结尾部分。")
        nonce = _nonce(self.prefix, self.number)
        for last in (False, True):
            try:
                chunk = self.aead.decrypt(nonce, sealed, self.header + bytes([last]))
            except InvalidTag:
                continue
            self.number += 1
            if last:
                self.finished = True
                if self.raw.read(1):
                    raise ArchiveError("备份文件已损坏：结尾之后还有多余的数据。")
            return chunk
        raise ArchiveError(f"备份文件已损坏：第 {self.number + 1} 块校验失败（内容被改动）。")

    def read(self, size: int = -1) -> bytes:
        # An offset into the current chunk, not a slice of it: tarfile reads 10 KB at a time.
        out = bytearray()
        while size < 0 or len(out) < size:
            if self.offset >= len(self.pending):
                if self.finished:
                    break
                self.pending, self.offset = self._next_chunk(), 0
                continue
            end = len(self.pending) if size < 0 else self.offset + size - len(out)
            out += self.pending[self.offset : end]
            self.offset = min(end, len(self.pending))
        return bytes(out)

    def verify_to_end(self) -> None:
        """Read what is left, so that a cut or damaged end is found before anything is used."""
        while not self.finished:
            self._next_chunk()
