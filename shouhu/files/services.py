"""Storing an upload (checked, images resized, encrypted) and answering with it.

Every app that takes a scan or a photo calls `attachment_store` from its own service, inside its
own transaction, and serves it with `attachment_response` from a view that has already checked
the scope of the record holding it. What is accepted: a PDF or an image (JPEG, PNG, WebP, GIF,
HEIC is not read by Pillow), at most `MAX_BYTES`, recognised by its content, not its name.
"""

import hashlib
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from shouhu.files.models import Attachment

MAX_BYTES = 10 * 1024 * 1024
PHOTO_EDGE = 1600  # a photo's longer side after resizing, in pixels
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


@dataclass(frozen=True)
class Accept:
    """What an upload field takes: PDFs, images, or both; images resized to `edge` if set."""

    pdf: bool = True
    images: bool = True
    edge: int | None = None


SCAN = Accept(pdf=True, images=True)  # evidence, signed agreements, certificates
PHOTO = Accept(pdf=False, images=True, edge=PHOTO_EDGE)  # activity photos, a reading page


def _sniff_image(data: bytes) -> tuple[str, Image.Image] | None:
    try:
        image = Image.open(io.BytesIO(data))
        image.verify()  # a truncated or forged file fails here
        image = Image.open(io.BytesIO(data))  # verify() leaves the image unusable
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    kind = IMAGE_TYPES.get(image.format or "")
    return (kind, image) if kind else None


def _resized(image: Image.Image, edge: int) -> tuple[bytes, int, int]:
    """The photo turned upright (EXIF orientation), fitted within `edge`, saved as JPEG without
    its metadata (a phone photo's EXIF may hold where it was taken)."""
    image = ImageOps.exif_transpose(image)
    image.thumbnail((edge, edge))
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue(), image.width, image.height


def attachment_store(*, upload: UploadedFile, by, accept: Accept = SCAN) -> Attachment:
    """Check the upload, resize a photo, encrypt and save it. A refused file raises a
    ValidationError that names the file and the reason, and nothing is written."""
    name = (upload.name or "upload")[-200:]
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError(
            _("文件“%(name)s”大于 10 MB，请压缩后再上传。"), code="too_large", params={"name": name}
        )
    data = upload.read()
    if len(data) > MAX_BYTES:
        raise ValidationError(
            _("文件“%(name)s”大于 10 MB，请压缩后再上传。"), code="too_large", params={"name": name}
        )
    if not data:
        raise ValidationError(_("文件“%(name)s”是空的。"), code="empty", params={"name": name})
    width = height = None
    if accept.pdf and data.startswith(b"%PDF-"):
        content_type = "application/pdf"
    else:
        sniffed = _sniff_image(data) if accept.images else None
        if sniffed is None:
            wanted = _("图片或 PDF") if accept.pdf else _("图片（JPEG、PNG、WebP 或 GIF）")
            raise ValidationError(
                _("文件“%(name)s”不是%(wanted)s。"),
                code="bad_type",
                params={"name": name, "wanted": wanted},
            )
        content_type, image = sniffed
        width, height = image.size
        if accept.edge is not None:
            data, width, height = _resized(image, accept.edge)
            content_type = "image/jpeg"
    attachment = Attachment(
        name=name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        width=width,
        height=height,
        created_by=by,
    )
    attachment.seal(data)
    attachment.save()
    return attachment


def attachment_save(*, name: str, content_type: str, data: bytes, by) -> Attachment:
    """A file Shouhu made itself (an export run's workbook or PDF): stored encrypted, unchecked."""
    attachment = Attachment(
        name=name[-200:],
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        created_by=by,
    )
    attachment.seal(data)
    attachment.save()
    return attachment


def attachment_response(attachment: Attachment, *, download: bool = False) -> HttpResponse:
    """The decrypted file, never cached by a shared cache, never sniffed into another type.
    Call it only after the holding record's scope check."""
    response = HttpResponse(attachment.read(), content_type=attachment.content_type)
    inline = not download and (attachment.is_image or attachment.content_type == "application/pdf")
    response["Content-Disposition"] = content_disposition_header(not inline, attachment.name) or ""
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
