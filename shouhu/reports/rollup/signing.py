"""The province's key: an Ed25519 pair. The province keeps the private key
(`SHOUHU_ROLLUP_SIGNING_KEY_FILE`, PEM); the national instance keeps each province's public key
as `<province code>.pem` in `SHOUHU_ROLLUP_TRUSTED_KEYS_DIR`, so a file is trusted only under the
key of the province it names."""

import base64
import hashlib
import json
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.utils.translation import gettext as _

ALGORITHM = "Ed25519"


class RollupRefused(Exception):
    """A roll-up file that is not imported: the reason, in Chinese."""


def canonical(body: dict) -> bytes:
    """The bytes that are signed: the body as sorted, compact JSON."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def keypair_write(private_path: Path, public_path: Path) -> str:
    """A new key pair: the private key (mode 600) and the public key, both PEM; its key id."""
    private = Ed25519PrivateKey.generate()
    private_path.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    private_path.chmod(0o600)
    public = private.public_key()
    public_path.write_bytes(
        public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return key_id(public)


def signing_key(path: str | None = None) -> Ed25519PrivateKey:
    path = path or settings.SHOUHU_ROLLUP_SIGNING_KEY_FILE
    if not path:
        raise RollupRefused(_("未设置省级签名私钥：请设置 SHOUHU_ROLLUP_SIGNING_KEY_FILE。"))
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise RollupRefused(_("无法读取签名私钥 %(p)s：%(e)s") % {"p": path, "e": exc}) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise RollupRefused(_("签名私钥不是 Ed25519 密钥。"))
    return key


def sign(body: dict, key: Ed25519PrivateKey) -> dict:
    """The body with its signature beside it."""
    signature = key.sign(canonical(body))
    return {
        **body,
        "signature": {
            "algorithm": ALGORITHM,
            "key_id": key_id(key.public_key()),
            "value": base64.b64encode(signature).decode(),
        },
    }


def trusted_key(province_code: str, keys_dir: str | None = None) -> Ed25519PublicKey:
    """The public key the national instance holds for a province (its 2-digit code)."""
    keys_dir = keys_dir or settings.SHOUHU_ROLLUP_TRUSTED_KEYS_DIR
    path = Path(keys_dir or "") / f"{province_code}.pem"
    if not keys_dir or not path.is_file():
        raise RollupRefused(
            _("没有省份 %(p)s 的公钥（%(path)s）：未导入任何数据。")
            % {"p": province_code, "path": path}
        )
    key = serialization.load_pem_public_key(path.read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise RollupRefused(_("省份 %(p)s 的公钥不是 Ed25519 公钥。") % {"p": province_code})
    return key


def verified(document: dict, province_code: str, keys_dir: str | None = None) -> dict:
    """The body of a signed document, once its signature checks under the province's key;
    refused otherwise."""
    body = {k: v for k, v in document.items() if k != "signature"}
    signature = document.get("signature")
    if not isinstance(signature, dict) or signature.get("algorithm") != ALGORITHM:
        raise RollupRefused(_("文件没有有效的签名：未导入任何数据。"))
    public = trusted_key(province_code, keys_dir)
    try:
        public.verify(base64.b64decode(str(signature.get("value", ""))), canonical(body))
    except (InvalidSignature, ValueError):
        raise RollupRefused(
            _("签名验证失败：文件在签名后被改动，或不是省份 %(p)s 的密钥签发的；未导入任何数据。")
            % {"p": province_code}
        ) from None
    return body
