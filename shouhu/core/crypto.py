"""Field encryption at rest (Fernet, from `cryptography`) and keyed hashes for lookup.

The key comes from SHOUHU_FIELD_KEY (or SHOUHU_FIELD_KEY_FILE), never from the Django secret
key. Several comma-separated keys may be given during a rotation: the first encrypts, all decrypt.
"""

import base64
import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models


def _keys() -> list[bytes]:
    return [k.strip().encode() for k in (settings.FIELD_KEY or "").split(",") if k.strip()]


@functools.cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(k) for k in _keys()])


@functools.cache
def _index_key() -> bytes:
    """Derived from the oldest key, which a rotation lists last, so stored indexes keep matching
    while new keys are put in front of it."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"shouhu-blind-index")
    return hkdf.derive(base64.urlsafe_b64decode(_keys()[-1]))


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def encrypt_bytes(plain: bytes) -> bytes:
    return _fernet().encrypt(plain)


def decrypt_bytes(token: bytes) -> bytes:
    return _fernet().decrypt(token)


def blind_index(value: str) -> str:
    """A keyed hash: equal values give equal indexes, and the value cannot be read back."""
    return hmac.new(_index_key(), value.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text field stored as a Fernet token. Empty values stay empty (nothing to hide)."""

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(value)


class SealedTokenField(EncryptedTextField):
    """A Fernet token kept as stored: its holder decrypts it when it needs the bytes (an
    uploaded file), not on every load. Being an encrypted field, `shouhu rotate-key` re-encrypts
    it under a new key like every other."""

    def from_db_value(self, value, expression, connection):
        return value

    def get_prep_value(self, value):
        return models.TextField.get_prep_value(self, value)
