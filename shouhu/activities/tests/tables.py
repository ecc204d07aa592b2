"""Rows of the Home for the shared tables of every URL (permissions, writes, query budgets):
made with the ORM from the world alone, as those tables' lambdas receive only the world."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from shouhu.activities.models import DutyDay, Home, ReadingRecord
from shouhu.activities.roster import roster_plan
from shouhu.activities.selectors.home_days import duty_teachers_of, school_days
from shouhu.files.services import PHOTO, attachment_store


def home_of_school_a(world) -> Home:
    """School A's Home, set up by the head teacher of class A's name on the record."""
    home, _created = Home.objects.get_or_create(
        school=world.school_a,
        defaults={
            "room": "活动室",
            "opening_hours": "放学后",
            "updated_by": world.class_a.head_teacher,
        },
    )
    return home


def home_with_roster(world) -> Home:
    """School A's Home with the term's roster from today on (no swaps, no records)."""
    home = home_of_school_a(world)
    today = timezone.localdate()
    days = [d for d in school_days(world.school_a, world.term) if d >= today]
    teachers = [t.pk for t in duty_teachers_of(world.school_a)]
    DutyDay.objects.bulk_create(
        DutyDay(home=home, term=world.term, day=d, teacher_id=t)
        for d, t in roster_plan(days, teachers)
    )
    return home


def duty_of_head_teacher(world) -> DutyDay:
    """Tomorrow's duty at school A's Home, kept by the head teacher of class A."""
    day = timezone.localdate() + datetime.timedelta(days=1)
    duty, _created = DutyDay.objects.get_or_create(
        home=home_of_school_a(world),
        day=day,
        defaults={"term": world.term, "teacher": world.class_a.head_teacher},
    )
    return duty


def reading_with_photo(world) -> ReadingRecord:
    """李家成's book of the term, with a photo of the reflection."""
    out = io.BytesIO()
    Image.new("RGB", (60, 40), (240, 240, 240)).save(out, format="PNG")
    photo = attachment_store(
        upload=SimpleUploadedFile("page.png", out.getvalue()),
        by=world.class_a.head_teacher,
        accept=PHOTO,
    )
    return ReadingRecord.objects.create(
        child=world.child_a,
        term=world.term,
        title="草房子",
        reflection_photo=photo,
        recorded_by=world.class_a.head_teacher,
    )
