"""The attendance pages as a head teacher, a school leader and an officer use them: the roll
call on a phone, the follow-up, the to-dos on the home page, the calendar, the figures and the
child's file."""

import pytest
from django.urls import reverse

from shouhu.care.models import VisitTask
from shouhu.registry.classification import ParentStatus
from shouhu.schooling.jobs import absence_visits_raise
from shouhu.schooling.models import Absence, AbsenceReason, CalendarChange, RollCall
from shouhu.schooling.selectors.attendance import attendance_of_node
from shouhu.schooling.tests.attendance_world import (
    class_of,
    clock,
    next_weekday,
    next_weekend_day,
)
from shouhu.testing.factories import register_child

pytestmark = pytest.mark.django_db

SCHOOL_DAY = next_weekday()


@pytest.fixture
def pupils(world, head_teacher):
    return [world.child_a, *class_of(head_teacher, world.class_a, 3)]


def roll_call_url(school_class):
    return reverse("schooling:roll-call", kwargs={"class_id": school_class.pk})


def test_the_roll_call_page_lists_the_class_all_present(client, world, head_teacher, pupils):
    with clock(SCHOOL_DAY, 8, 0, client=client, user=head_teacher):
        page = client.get(roll_call_url(world.class_a))
    text = page.content.decode()
    assert page.status_code == 200
    assert all(p.name in text for p in pupils) and world.child_b.name not in text
    assert text.count('<option value="" selected') == 0  # nothing is pre-marked absent
    assert "提交点名" in text


def test_a_head_teacher_taps_the_absent_and_sends(client, world, head_teacher, pupils):
    with clock(SCHOOL_DAY, 8, 5, client=client, user=head_teacher):
        sent = client.post(
            roll_call_url(world.class_a),
            {f"reason_{pupils[1].pk}": AbsenceReason.UNKNOWN, f"reason_{pupils[2].pk}": ""},
        )
        assert sent.status_code == 302
        page = client.get(roll_call_url(world.class_a))
    assert RollCall.objects.get().expected == 4
    assert list(Absence.objects.values_list("child_id", flat=True)) == [pupils[1].pk]
    assert "更正点名" in page.content.decode()


def test_the_roll_call_page_on_a_weekend_says_no_roll_call_is_due(client, world, head_teacher):
    with clock(next_weekend_day(), 8, 5, client=client, user=head_teacher):
        page = client.get(roll_call_url(world.class_a))
        refused = client.post(roll_call_url(world.class_a), {})
    assert "无需点名" in page.content.decode()
    assert refused.status_code == 400 and "不是上课日" in refused.content.decode()
    assert not RollCall.objects.exists()


def test_another_class_is_not_found_for_a_head_teacher(client, world, head_teacher):
    with clock(SCHOOL_DAY, 8, 5, client=client, user=head_teacher):
        assert client.get(roll_call_url(world.class_b)).status_code == 404
        assert client.post(roll_call_url(world.class_b), {}).status_code == 404
    assert not RollCall.objects.exists()


def test_a_township_officer_takes_no_roll_call(client, world, township_officer):
    client.force_login(township_officer)
    assert client.get(roll_call_url(world.class_a)).status_code == 403


def test_the_home_page_asks_for_the_roll_call_after_ten(client, world, head_teacher, pupils):
    url = reverse("schooling:home-attendance")
    with clock(SCHOOL_DAY, 9, 59, client=client, user=head_teacher):
        assert client.get(url).content == b""
    with clock(SCHOOL_DAY, 10, 0, client=client, user=head_teacher):
        text = client.get(url).content.decode()
    assert "今天尚未点名" in text and world.class_a.name in text
    with clock(next_weekend_day(), 11, 0, client=client, user=head_teacher):
        assert client.get(url).content == b""  # no roll call is due on a day off


def test_an_unknown_absence_asks_for_a_call_an_hour_later_until_the_call_is_recorded(
    client, world, head_teacher, pupils
):
    url = reverse("schooling:home-attendance")
    with clock(SCHOOL_DAY, 8, 0, client=client, user=head_teacher):
        client.post(roll_call_url(world.class_a), {f"reason_{pupils[1].pk}": "unknown"})
    with clock(SCHOOL_DAY, 8, 59, client=client, user=head_teacher):
        assert client.get(url).content == b""
    with clock(SCHOOL_DAY, 9, 0, client=client, user=head_teacher):
        text = client.get(url).content.decode()
        assert f"{pupils[1].name}缺勤原因未知" in text
        absence = Absence.objects.get()
        follow_up = reverse("schooling:absence-follow-up", kwargs={"absence_id": absence.pk})
        assert client.get(follow_up).status_code == 200
        empty = client.post(follow_up, {"reason": "", "summary": ""})
        assert empty.status_code == 400 and "请选择查明的原因" in empty.content.decode()
        called = client.post(follow_up, {"reason": "", "summary": "电话未接通，稍后再打。"})
        assert called.status_code == 302
        assert client.get(url).content == b""
    absence.refresh_from_db()
    assert absence.call is not None and absence.reason == AbsenceReason.UNKNOWN
    with clock(SCHOOL_DAY, 17, 0):
        absence_visits_raise(SCHOOL_DAY)  # still unknown at the end of the day
    task = VisitTask.objects.get()
    assert task.assignee == head_teacher and task.due_on == SCHOOL_DAY


def test_another_schools_head_teacher_cannot_open_the_follow_up(
    client, world, head_teacher, other_head_teacher, pupils
):
    with clock(SCHOOL_DAY, 8, 0, client=client, user=head_teacher):
        client.post(roll_call_url(world.class_a), {f"reason_{pupils[1].pk}": "unknown"})
    follow_up = reverse(
        "schooling:absence-follow-up", kwargs={"absence_id": Absence.objects.get().pk}
    )
    with clock(SCHOOL_DAY, 9, 0, client=client, user=other_head_teacher):
        assert client.get(follow_up).status_code == 404


def test_the_school_leader_sets_a_day_off_and_takes_it_back(client, world, school_leader):
    client.force_login(school_leader)
    url = reverse("schooling:calendar") + f"?scope={world.school_a.code}"
    added = client.post(url, {"day": SCHOOL_DAY.isoformat(), "kind": "off", "note": "秋季运动会"})
    assert added.status_code == 302, added.content.decode()
    assert "秋季运动会" in client.get(url).content.decode()
    weekend = client.post(url, {"day": next_weekend_day().isoformat(), "kind": "off"})
    assert weekend.status_code == 400, weekend.content.decode()
    assert "周末" in weekend.content.decode()
    removed = client.post(url, {"remove": CalendarChange.objects.get().pk})
    assert removed.status_code == 302 and not CalendarChange.objects.exists()


def test_the_figures_put_left_behind_and_other_children_side_by_side(
    client, world, head_teacher, other_head_teacher, region_officer, pupils
):
    at_home = register_child(
        other_head_teacher,
        world.class_b,
        name="王小明",
        father=ParentStatus.AT_HOME,
        mother=ParentStatus.AT_HOME,
    )
    with clock(SCHOOL_DAY, 8, 0):
        client.force_login(head_teacher)
        client.post(roll_call_url(world.class_a), {f"reason_{pupils[1].pk}": "truant"})
        client.force_login(other_head_teacher)
        client.post(roll_call_url(world.class_b), {f"reason_{at_home.pk}": "sick"})
        county = attendance_of_node(world.county, start=SCHOOL_DAY, end=SCHOOL_DAY)
        client.force_login(region_officer)
        page = client.get(
            reverse("schooling:attendance-figures")
            + f"?scope={world.county.code}&day={SCHOOL_DAY.isoformat()}"
        )
    f = county.figures
    assert (f.roll_calls, f.expected, f.absent, f.unexplained) == (2, 6, 2, 1)
    # 王小明's parents are both at home: the one child who is not left-behind.
    assert (f.expected_left_behind, f.absent_left_behind) == (5, 1)
    assert (f.rate, f.rate_left_behind, f.rate_others) == (66.7, 80.0, 0.0)
    assert {u.node.name: u.figures.absent for u in county.units} == {"太平镇": 1, "青花镇": 1}
    assert page.status_code == 200 and "66.7%" in page.content.decode()


def test_the_childs_file_shows_absences_in_full_to_the_school_and_counts_to_officers(
    client, world, head_teacher, township_officer, volunteer, pupils
):
    with clock(SCHOOL_DAY, 8, 0):
        client.force_login(head_teacher)
        client.post(roll_call_url(world.class_a), {f"reason_{world.child_a.pk}": "sick"})
        Absence.objects.update(note="发烧")
        url = reverse(
            "schooling:child-attendance-section", kwargs={"public_id": world.child_a.public_id}
        )
        school = client.get(url).content.decode()
        client.force_login(township_officer)
        officer = client.get(url).content.decode()
        client.force_login(volunteer)
        paired = client.get(url)
    assert "病假 1" in school and "发烧" in school
    assert "病假 1" in officer and "发烧" not in officer
    assert paired.status_code == 200 and paired.content == b""
