"""Reading, awards and chores: a book a term with its reflection, awards by the region's names
with a reason, chores as a yes or no; and their figures."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shouhu.activities.models import Award, ReadingRecord
from shouhu.activities.selectors.reading import (
    awards_summary,
    chores_count,
    class_sheet_for,
    not_finished_for,
    reading_finished_count,
)
from shouhu.activities.services.home import home_setting_set
from shouhu.activities.services.reading import award_give, chores_set, reading_record
from shouhu.files.models import Attachment
from shouhu.testing import dates

pytestmark = pytest.mark.django_db


def _photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (2400, 1200), (250, 250, 240)).save(out, format="PNG")
    return SimpleUploadedFile("读后感.png", out.getvalue(), content_type="image/png")


def test_a_finished_book_counts_and_the_child_leaves_the_list_of_those_who_have_not(
    world, head_teacher
):
    assert reading_finished_count(head_teacher, node=world.class_a, term=world.term).whole == 1
    assert not_finished_for(head_teacher, node=world.class_a, term=world.term) == [world.child_a]
    reading_record(
        actor=head_teacher,
        child=world.child_a,
        term=world.term,
        title="草房子",
        finished_on=dates.day(2026, 11, 20),
        photo=_photo(),
    )
    share = reading_finished_count(head_teacher, node=world.class_a, term=world.term)
    assert (share.finished, share.whole) == (1, 1)
    assert not_finished_for(head_teacher, node=world.class_a, term=world.term) == []
    record = ReadingRecord.objects.get()
    assert record.reflection_photo.width == 1600, "the photo is resized on upload"


def test_a_reflection_photo_that_is_not_an_image_is_refused_and_nothing_is_written(
    world, head_teacher
):
    fake = SimpleUploadedFile("读后感.jpg", b"not an image at all", content_type="image/jpeg")
    with pytest.raises(ValidationError) as refused:
        reading_record(
            actor=head_teacher, child=world.child_a, term=world.term, title="草房子", photo=fake
        )
    assert "photo" in refused.value.message_dict
    assert not ReadingRecord.objects.exists()
    assert not Attachment.objects.exists()


def test_a_book_finished_in_the_future_is_refused(world, head_teacher):
    with pytest.raises(ValidationError, match="不能晚于今天"):
        reading_record(
            actor=head_teacher,
            child=world.child_a,
            term=world.term,
            title="草房子",
            finished_on=dates.day(2026, 12, 1),
        )


def test_a_child_out_of_scope_gets_no_book(world, head_teacher):
    with pytest.raises(PermissionDenied):
        reading_record(actor=head_teacher, child=world.child_b, term=world.term, title="草房子")


def test_five_small_awards_follow_the_regions_names(world, head_teacher, region_officer):
    award_give(
        actor=head_teacher,
        child=world.child_a,
        term=world.term,
        kind="five_small",
        title="小帮手",
        reason="主动帮助同学",
    )
    home_setting_set(
        actor=region_officer,
        region=world.county,
        calls_count=False,
        five_small_names="小书虫、小园丁",
    )
    with pytest.raises(ValidationError, match="不是本地区设定的五小称号"):
        award_give(
            actor=head_teacher,
            child=world.child_a,
            term=world.term,
            kind="five_small",
            title="小主人",
            reason="自理能力强",
        )
    award_give(
        actor=head_teacher,
        child=world.child_a,
        term=world.term,
        kind="five_small",
        title="小书虫",
        reason="一学期读完五本书",
    )
    assert Award.objects.count() == 2


def test_an_award_needs_a_reason(world, head_teacher):
    with pytest.raises(ValidationError, match="事迹"):
        award_give(
            actor=head_teacher,
            child=world.child_a,
            term=world.term,
            kind="good_parent",
            title="优秀家长",
            reason="  ",
        )


def test_the_awards_summary_names_children_only_when_asked_by_a_reader_who_sees_names(
    world, head_teacher
):
    award_give(
        actor=head_teacher,
        child=world.child_a,
        term=world.term,
        kind="three_reviews",
        title="进步之星",
        reason="数学进步明显",
    )
    (line,) = awards_summary(head_teacher, node=world.class_a, term=world.term, names=True)
    assert (line.count, line.names) == (1, ("李家成",))
    (counted,) = awards_summary(head_teacher, node=world.class_a, term=world.term)
    assert counted.names == ()


def test_chores_are_a_yes_or_no_per_term_counted(world, head_teacher, teacher):
    chores_set(actor=head_teacher, child=world.child_a, term=world.term, does_chores=True)
    chores_set(actor=head_teacher, child=world.child_a, term=world.term, does_chores=True)
    counted = chores_count(head_teacher, node=world.school_a, term=world.term)
    assert (counted.yes, counted.answered) == (1, 1)
    with pytest.raises(PermissionDenied):
        chores_set(actor=teacher, child=world.child_a, term=world.term, does_chores=False)


def test_the_class_sheet_shows_each_child_with_book_chores_and_awards(world, head_teacher):
    chores_set(actor=head_teacher, child=world.child_a, term=world.term, does_chores=False)
    (row,) = class_sheet_for(head_teacher, school_class=world.class_a, term=world.term)
    assert (row.child, row.left_behind, row.reading, row.chores) == (
        world.child_a,
        True,
        None,
        False,
    )
