"""The Home's and reading's pages as their users see them: the duty on the home page, the
roster, the day's record, a call refused in Chinese, the child's 活动 section by role, and the
reflection photo only to those who see the child."""

import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from shouhu.activities.models import DutyDay, FamilyCall, HomeDay, ReadingRecord
from shouhu.activities.services.home import family_call_record, roster_generate
from shouhu.activities.services.reading import reading_record
from shouhu.audit.models import AccessAction, AccessLog
from shouhu.testing import dates

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(world, home, school_leader):
    return roster_generate(actor=school_leader, home=home, term=world.term)


def test_the_duty_teacher_sees_their_duty_on_the_home_page_and_others_see_nothing(
    client, roster, staff
):
    first = roster[0]
    morning = datetime.datetime.combine(first.day, datetime.time(10), tzinfo=dates.SHANGHAI)
    with time_machine.travel(morning, tick=False):
        client.force_login(first.teacher)
        shown = client.get(reverse("activities:home-duty"))
        assert "今天由您在" in shown.content.decode()
        other = next(u for u in staff.values() if u.pk != first.teacher_id)
        client.force_login(other)
        assert client.get(reverse("activities:home-duty")).content.strip() == b""


def test_the_home_page_shows_the_roster_and_the_leader_generates_it(
    client, world, home, school_leader
):
    client.force_login(school_leader)
    url = reverse("activities:home-detail", kwargs={"home_id": home.pk})
    assert "本学期尚未排班" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert DutyDay.objects.exists()
    page = client.get(url).content.decode()
    assert "值班表" in page and "逾期未记录的值班日" in page


def test_a_teacher_cannot_generate_the_roster(client, home, staff):
    client.force_login(staff["teacher"])
    url = reverse("activities:home-detail", kwargs={"home_id": home.pk})
    client.post(url)
    assert not DutyDay.objects.exists()


def test_another_schools_head_teacher_does_not_find_the_home(client, home, other_head_teacher):
    client.force_login(other_head_teacher)
    url = reverse("activities:home-detail", kwargs={"home_id": home.pk})
    assert client.get(url).status_code == 404


def test_the_leader_records_the_day_with_the_children_who_came(client, world, home, school_leader):
    client.force_login(school_leader)
    url = reverse("activities:home-day", kwargs={"home_id": home.pk})
    assert "李家成" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "day": dates.iso("2026-11-27"),
            "children": [str(world.child_a.public_id)],
            "activities": "作业辅导",
        },
    )
    assert response.status_code == 302
    assert list(HomeDay.objects.get().children.all()) == [world.child_a]


def test_a_call_of_four_hours_is_refused_in_chinese_and_nothing_is_written(
    client, world, home, staff
):
    client.force_login(staff["teacher"])
    url = reverse("activities:home-call", kwargs={"home_id": home.pk})
    response = client.post(
        url,
        {
            "child": str(world.child_a.public_id),
            "parent": "mother",
            "day": dates.iso("2026-11-29"),
            "minutes": "240",
        },
    )
    assert response.status_code == 200
    assert "通话时长不能超过3小时" in response.content.decode()
    assert not FamilyCall.objects.exists()


def test_a_call_without_minutes_is_a_booking(client, world, home, staff):
    client.force_login(staff["teacher"])
    url = reverse("activities:home-call", kwargs={"home_id": home.pk})
    response = client.post(
        url,
        {
            "child": str(world.child_a.public_id),
            "parent": "father",
            "day": dates.iso("2026-11-30"),
            "slot": "17:00",
        },
    )
    assert response.status_code == 302
    assert FamilyCall.objects.get().minutes is None


def test_the_childs_file_shows_the_call_note_to_the_head_teacher_not_to_the_township(
    client, world, home, staff, head_teacher, township_officer
):
    family_call_record(
        actor=staff["teacher"],
        home=home,
        child=world.child_a,
        parent="mother",
        day=dates.TODAY,
        minutes=15,
        note="妈妈说春节回家",
    )
    url = reverse("activities:child-home-section", kwargs={"public_id": world.child_a.public_id})
    client.force_login(head_teacher)
    assert "妈妈说春节回家" in client.get(url).content.decode()
    assert AccessLog.objects.filter(
        user=head_teacher, child=world.child_a, action=AccessAction.VIEW
    ).exists(), "reading a child's calls is logged"
    client.force_login(township_officer)
    seen = client.get(url).content.decode()
    assert "15分钟" in seen and "妈妈说春节回家" not in seen


def test_the_childs_section_is_empty_without_calls_books_or_awards(client, world, head_teacher):
    client.force_login(head_teacher)
    url = reverse("activities:child-home-section", kwargs={"public_id": world.child_a.public_id})
    assert client.get(url).content.strip() == b""


def _png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (400, 300), (240, 240, 240)).save(out, format="PNG")
    return SimpleUploadedFile("page.png", out.getvalue(), content_type="image/png")


def test_a_book_with_its_photo_is_recorded_and_the_photo_served_only_in_scope(
    client, world, head_teacher, other_head_teacher
):
    client.force_login(head_teacher)
    url = reverse("activities:reading-child", kwargs={"public_id": world.child_a.public_id})
    response = client.post(
        url,
        {
            "form": "book",
            "book-title": "草房子",
            "book-finished_on": dates.iso("2026-11-20"),
            "book-photo": _png(),
        },
    )
    assert response.status_code == 302
    record = ReadingRecord.objects.get()
    photo = reverse("activities:reading-photo", kwargs={"public_id": record.public_id})
    served = client.get(photo)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    client.force_login(other_head_teacher)
    assert client.get(photo).status_code == 404


def test_a_file_that_is_not_an_image_is_refused_with_the_reason(client, world, head_teacher):
    client.force_login(head_teacher)
    url = reverse("activities:reading-child", kwargs={"public_id": world.child_a.public_id})
    bad = SimpleUploadedFile("page.jpg", b"%!PS not an image", content_type="image/jpeg")
    response = client.post(url, {"form": "book", "book-title": "草房子", "book-photo": bad})
    assert response.status_code == 200
    assert "不是图片" in response.content.decode()
    assert not ReadingRecord.objects.exists()


def test_the_figures_page_lists_who_has_not_finished_a_book(client, world, head_teacher):
    client.force_login(head_teacher)
    page = client.get(reverse("activities:reading-figures")).content.decode()
    assert "尚未读完一本书的留守儿童" in page and "李家成" in page
    reading_record(
        actor=head_teacher,
        child=world.child_a,
        term=world.term,
        title="草房子",
        finished_on=dates.day(2026, 11, 20),
    )
    page = client.get(reverse("activities:reading-figures")).content.decode()
    assert "尚未读完一本书的留守儿童" not in page


def test_the_county_turns_on_counting_calls_toward_the_quota(client, world, region_officer):
    from shouhu.activities.services.home import home_setting_of

    client.force_login(region_officer)
    url = reverse("activities:home-settings") + "?scope=511781"
    assert client.get(url).status_code == 200
    client.post(url, {"calls_count": "on", "five_small_names": "小书虫、小园丁"})
    setting = home_setting_of(world.school_a)
    assert setting.calls_count and setting.names() == ("小书虫", "小园丁")
    assert not home_setting_of(world.other_school).calls_count, "another county keeps its own"
