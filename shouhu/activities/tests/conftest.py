"""Fixtures of the activities tests: the world of `shouhu.testing.world` on the pinned day
(2026-11-29, inside term 2026-2027-1), and photos to upload."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


@pytest.fixture(autouse=True)
def _second_factor_off(settings):
    """These tests are about events and groups; the second factor is the accounts tests'."""
    settings.SHOUHU_TWO_FACTOR_ROLES = ()


def jpeg(name: str = "photo.jpg", size=(2400, 1800)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def photo():
    return jpeg()
