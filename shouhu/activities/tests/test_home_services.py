"""The Home's writes: the roster is fair and keeps what happened, swaps stay in their school,
the duty teacher records the day, and family calls are checked, private and counted."""

import datetime
from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shouhu.activities.models import DutyDay, DutySwap, FamilyCall, HomeDay
from shouhu.activities.selectors.home import (
    children_without_calls_for,
    family_call_note_readable,
    home_days_recorded_count,
    my_duty_for,
)
from shouhu.activities.services.home import (
    duty_swap,
    family_call_book,
    family_call_record,
    home_day_record,
    home_set,
    home_setting_set,
    roster_generate,
)
from shouhu.activities.tests.conftest import at
from shouhu.care.models import ActionKind, CareActionChild
from shouhu.schooling.models import CalendarChange, CalendarChangeKind
from shouhu.testing import dates

pytestmark = pytest.mark.django_db


def test_the_roster_covers_every_school_day_left_fairly_and_nobody_twice_in_a_row(
    world, home, school_leader, staff
):
    days = roster_generate(actor=school_leader, home=home, term=world.term)
    assert days, "the term still has school days after 29 November"
    assert all(d.day.weekday() < 5 and d.day >= dates.TODAY for d in days)
    assert days[-1].day <= world.term.ends_on
    counts = Counter(d.teacher_id for d in days)
    assert set(counts) == {u.pk for u in staff.values()}
    assert max(counts.values()) - min(counts.values()) <= 1
    keepers = [d.teacher_id for d in sorted(days, key=lambda d: d.day)]
    assert all(a != b for a, b in zip(keepers, keepers[1:], strict=False))


def test_generating_again_keeps_the_days_already_past(world, home, school_leader, staff):
    with at("2026-11-02"):
        roster_generate(actor=school_leader, home=home, term=world.term)
    past = dict(DutyDay.objects.filter(day__lt=dates.TODAY).values_list("day", "teacher_id"))
    roster_generate(actor=school_leader, home=home, term=world.term)
    assert dict(DutyDay.objects.filter(day__lt=dates.TODAY).values_list("day", "teacher_id")) == (
        past
    )
    counts = Counter(DutyDay.objects.values_list("teacher_id", flat=True))
    assert max(counts.values()) - min(counts.values()) <= 1


def test_a_school_with_one_teacher_gets_no_roster(world, other_head_teacher, region_officer):
    from shouhu.testing.factories import SchoolLeaderFactory

    leader_b = SchoolLeaderFactory(scope_school=world.school_b)
    home_b = home_set(actor=leader_b, school=world.school_b, room="活动室", opening_hours="放学后")
    with pytest.raises(ValidationError, match="不足两人"):
        roster_generate(actor=leader_b, home=home_b, term=world.term)
    assert not DutyDay.objects.exists()


def test_a_teacher_cannot_make_the_roster(world, home, staff):
    with pytest.raises(PermissionDenied):
        roster_generate(actor=staff["teacher"], home=home, term=world.term)


def test_a_swap_with_a_teacher_of_another_school_is_refused_and_nothing_changes(
    world, home, school_leader, other_head_teacher
):
    first = roster_generate(actor=school_leader, home=home, term=world.term)[0]
    with pytest.raises(ValidationError) as refused:
        duty_swap(actor=school_leader, duty_day=first, to_teacher=other_head_teacher)
    assert "不是本校可值班的教师" in str(refused.value)
    first.refresh_from_db()
    assert first.teacher_id != other_head_teacher.pk
    assert not DutySwap.objects.exists()


def test_the_duty_teacher_gives_their_day_to_a_colleague_and_the_swap_is_kept(
    world, home, school_leader, staff
):
    first = roster_generate(actor=school_leader, home=home, term=world.term)[0]
    keeper = first.teacher
    other = next(u for u in staff.values() if u.pk != keeper.pk)
    duty_swap(actor=keeper, duty_day=first, to_teacher=other, reason="外出培训")
    first.refresh_from_db()
    assert first.teacher_id == other.pk
    swap = DutySwap.objects.get()
    assert (swap.from_teacher_id, swap.to_teacher_id, swap.reason) == (
        keeper.pk,
        other.pk,
        "外出培训",
    )


def test_only_the_days_teacher_records_the_day_and_a_past_day_without_one_is_overdue(
    world, home, school_leader, staff
):
    with at("2026-11-23"):
        roster_generate(actor=school_leader, home=home, term=world.term)
    monday = DutyDay.objects.filter(day__gte=dates.day(2026, 11, 23)).order_by("day").first()
    passed = dates.weekdays_from(monday.day, dates.TODAY)  # the roster's days gone by
    keeper = monday.teacher
    stranger = next(u for u in staff.values() if u.pk != keeper.pk)
    with pytest.raises(PermissionDenied):
        home_day_record(actor=stranger, home=home, day=monday.day, children=[], activities="阅读")
    before = home_days_recorded_count(school_leader, node=world.school_a, term=world.term)
    assert (before.recorded, before.due) == (0, passed)
    assert len(my_duty_for(keeper).overdue) >= 1
    home_day_record(
        actor=keeper,
        home=home,
        day=monday.day,
        children=[world.child_a],
        activities="作业辅导、亲情电话",
        follow_up="李家成想念妈妈，告知班主任",
    )
    after = home_days_recorded_count(school_leader, node=world.school_a, term=world.term)
    assert (after.recorded, after.due) == (1, passed)
    assert list(HomeDay.objects.get().children.all()) == [world.child_a]


def test_a_day_in_the_future_cannot_be_recorded(world, home, school_leader):
    with pytest.raises(ValidationError, match="不能晚于今天"):
        home_day_record(
            actor=school_leader,
            home=home,
            day=dates.TODAY + datetime.timedelta(days=1),
            children=[],
            activities="阅读",
        )
    assert not HomeDay.objects.exists()


def test_a_call_longer_than_three_hours_is_refused_and_nothing_is_written(world, home, staff):
    with pytest.raises(ValidationError) as refused:
        family_call_record(
            actor=staff["teacher"],
            home=home,
            child=world.child_a,
            parent="mother",
            day=dates.TODAY,
            minutes=181,
        )
    assert "3小时" in str(refused.value)
    assert not FamilyCall.objects.exists()


def test_a_child_of_another_school_cannot_call_from_this_home(world, home, school_leader):
    with pytest.raises(PermissionDenied):
        family_call_record(
            actor=school_leader,
            home=home,
            child=world.child_b,
            parent="father",
            day=dates.TODAY,
            minutes=10,
        )
    assert not FamilyCall.objects.exists()


def test_a_call_counts_toward_the_parent_call_quota_only_where_the_region_says_so(
    world, home, staff, region_officer
):
    call = family_call_record(
        actor=staff["teacher"],
        home=home,
        child=world.child_a,
        parent="mother",
        day=dates.TODAY,
        minutes=12,
    )
    assert call.care_action is None
    assert not CareActionChild.objects.exists()
    home_setting_set(actor=region_officer, region=world.county, calls_count=True)
    counted = family_call_record(
        actor=staff["teacher"],
        home=home,
        child=world.child_a,
        parent="father",
        day=dates.TODAY,
        minutes=8,
        note="爸爸说过年回家",
    )
    link = CareActionChild.objects.get()
    assert (link.child_id, link.kind) == (world.child_a.pk, ActionKind.PARENT_CALL)
    assert counted.care_action_id == link.action_id
    assert counted.care_action.summary == "", "the private note stays with the call"


def test_the_note_of_a_call_is_private_like_a_care_note(
    world, home, staff, township_officer, head_teacher
):
    call = family_call_record(
        actor=staff["teacher"],
        home=home,
        child=world.child_a,
        parent="mother",
        day=dates.TODAY,
        minutes=15,
        note="妈妈生病住院",
    )
    assert family_call_note_readable(staff["teacher"], call)
    assert family_call_note_readable(head_teacher, call)
    assert not family_call_note_readable(township_officer, call)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM activities_familycall WHERE id = %s", [call.pk])
        assert "住院" not in cursor.fetchone()[0]


def test_a_booking_is_held_later_and_the_child_leaves_the_list_of_children_without_calls(
    world, home, staff, school_leader
):
    def uncalled():
        rows = children_without_calls_for(school_leader, node=world.school_a, term=world.term)
        return [r.child for r in rows]

    assert world.child_a in uncalled()
    booking = family_call_book(
        actor=staff["teacher"],
        home=home,
        child=world.child_a,
        parent="mother",
        day=dates.TODAY,
        slot=datetime.time(17, 0),
    )
    assert world.child_a in uncalled(), "a booking is not a call"
    family_call_record(
        actor=staff["teacher"],
        home=home,
        child=world.child_a,
        parent="mother",
        day=dates.TODAY,
        minutes=20,
        booking=booking,
    )
    assert FamilyCall.objects.get().minutes == 20
    assert world.child_a not in uncalled()


def test_generating_again_keeps_a_swap_already_agreed(world, home, school_leader, staff):
    days = roster_generate(actor=school_leader, home=home, term=world.term)
    third = days[2]
    other = next(u for u in staff.values() if u.pk != third.teacher_id)
    duty_swap(actor=school_leader, duty_day=third, to_teacher=other, reason="监考")
    roster_generate(actor=school_leader, home=home, term=world.term)
    kept = DutyDay.objects.get(day=third.day)
    assert kept.teacher_id == other.pk
    assert DutySwap.objects.get().duty_day_id == kept.pk
    assert DutyDay.objects.filter(day=third.day).count() == 1


def test_the_roster_skips_the_schools_days_off(world, home, school_leader, staff):
    off = dates.weekdays_after(dates.TODAY, 2)  # a school day ahead, made a holiday
    CalendarChange.objects.create(
        school=world.school_a, day=off, kind=CalendarChangeKind.DAY_OFF, created_by=school_leader
    )
    days = {d.day for d in roster_generate(actor=school_leader, home=home, term=world.term)}
    assert off not in days
    assert dates.weekdays_after(dates.TODAY, 3) in days
