"""Fixtures of the activities tests, on the world of `shouhu.testing.world` at the pinned day:
school A's Home (the school leader set it up), kept by its three teachers (刘老师, 张老师 the head
teacher of class A, 吴老师 the counsellor); and photos to upload."""

import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shouhu.activities.services.home import home_set
from shouhu.testing import dates


def at(written: str):
    """Travel to 10:00 China time on a day written for 2026 ("2026-11-02"), moved like the world."""
    year, month, dom = map(int, written.split("-"))
    return time_machine.travel(dates.at(year, month, dom, 10), tick=False)


@pytest.fixture(autouse=True)
def _second_factor_off(settings):
    settings.SHOUHU_TWO_FACTOR_ROLES = ()


@pytest.fixture
def staff(world, teacher, head_teacher, counsellor, school_leader):
    """School A's duty teachers and its leader, who manages the Home."""
    return {"teacher": teacher, "head": head_teacher, "counsellor": counsellor}


@pytest.fixture
def home(world, school_leader, staff):
    return home_set(
        actor=school_leader,
        school=world.school_a,
        room="一楼东侧活动室",
        opening_hours="周一至周五 16:30-18:00",
        equipment="图书角、亲情电话、视频终端",
        has_video=True,
    )


def jpeg(name: str = "photo.jpg", size=(2400, 1800)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def photo():
    return jpeg()
