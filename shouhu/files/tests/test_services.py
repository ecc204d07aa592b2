import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shouhu.files.models import Attachment
from shouhu.files.services import MAX_BYTES, PHOTO, SCAN, attachment_response, attachment_store
from shouhu.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def test_a_pdf_scan_is_stored_encrypted_and_read_back():
    user = UserFactory()
    data = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
    stored = attachment_store(upload=SimpleUploadedFile("协议.pdf", data), by=user, accept=SCAN)
    row = Attachment.objects.get(pk=stored.pk)
    assert row.token.startswith("gAAAAA")  # a Fernet token: encrypted at rest
    assert row.read() == data
    assert (row.content_type, row.size, row.name) == ("application/pdf", len(data), "协议.pdf")
    response = attachment_response(row)
    assert response.content == data
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")


def test_a_photo_is_resized_and_loses_its_metadata():
    user = UserFactory()
    photo = attachment_store(
        upload=SimpleUploadedFile("a.png", _png(4000, 2000)), by=user, accept=PHOTO
    )
    assert (photo.width, photo.height, photo.content_type) == (1600, 800, "image/jpeg")
    assert Image.open(io.BytesIO(photo.read())).size == (1600, 800)


@pytest.mark.parametrize(
    ("name", "data", "accept", "code"),
    [
        ("x.pdf", b"MZ\x90\x00 not a pdf", SCAN, "bad_type"),
        ("x.jpg", b"%PDF-1.4 a pdf named as a photo", PHOTO, "bad_type"),
        ("x.png", _png(10, 10)[:40], SCAN, "bad_type"),  # truncated
        ("x.pdf", b"", SCAN, "empty"),
        ("big.pdf", b"%PDF-" + b"0" * MAX_BYTES, SCAN, "too_large"),
    ],
)
def test_a_refused_upload_names_the_file_and_writes_nothing(name, data, accept, code):
    with pytest.raises(ValidationError) as refused:
        attachment_store(upload=SimpleUploadedFile(name, data), by=UserFactory(), accept=accept)
    assert refused.value.code == code
    assert name in refused.value.messages[0]
    assert not Attachment.objects.exists()
