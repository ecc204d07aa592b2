"""The pure rules of attendance: school days and the follow-up clock."""

import datetime

from shouhu.schooling.rules_attendance import (
    Stage,
    absence_stage,
    roll_call_overdue,
    school_days_in,
)

MONDAY = datetime.date(2030, 3, 4)  # a pure rule may name any date: no database, no clock
TERM = [(MONDAY, MONDAY + datetime.timedelta(days=60))]
WEEKDAYS = (0, 1, 2, 3, 4)


def days(n: int) -> datetime.date:
    return MONDAY + datetime.timedelta(days=n)


def test_a_term_week_has_five_school_days():
    assert school_days_in(start=days(0), end=days(6), terms=TERM, weekdays=WEEKDAYS) == [
        days(i) for i in range(5)
    ]


def test_a_day_off_is_removed_and_a_make_up_saturday_added():
    found = school_days_in(
        start=days(0),
        end=days(6),
        terms=TERM,
        weekdays=WEEKDAYS,
        days_off=[days(2)],
        make_up=[days(5)],
    )
    assert found == [days(0), days(1), days(3), days(4), days(5)]


def test_no_school_day_outside_a_term():
    assert school_days_in(start=days(-7), end=days(-1), terms=TERM, weekdays=WEEKDAYS) == []
    assert (
        school_days_in(
            start=days(-2), end=days(-2), terms=TERM, weekdays=WEEKDAYS, make_up=[days(-2)]
        )
        == []
    )


def stage(**overrides):
    taken = datetime.datetime(2030, 3, 4, 8, 0, tzinfo=datetime.UTC)
    values = {
        "unknown": True,
        "called": False,
        "has_visit": False,
        "taken_at": taken,
        "now": taken + datetime.timedelta(minutes=30),
        "call_after": datetime.timedelta(hours=1),
    } | overrides
    return absence_stage(**values)


def test_an_unknown_absence_waits_an_hour_then_asks_for_a_call():
    taken = datetime.datetime(2030, 3, 4, 8, 0, tzinfo=datetime.UTC)
    assert stage() == Stage.WAITING
    assert stage(now=taken + datetime.timedelta(minutes=60)) == Stage.CALL_DUE


def test_a_call_then_a_visit_move_the_clock_and_a_reason_ends_it():
    assert stage(called=True) == Stage.CALLED
    assert stage(called=True, has_visit=True) == Stage.VISIT
    assert stage(unknown=False, called=True) == Stage.EXPLAINED


def test_a_roll_call_is_overdue_at_ten_on_a_school_day_only():
    ten = datetime.time(10, 0)
    assert roll_call_overdue(school_day=True, taken=False, now=ten, due=ten)
    assert not roll_call_overdue(school_day=True, taken=False, now=datetime.time(9, 59), due=ten)
    assert not roll_call_overdue(school_day=True, taken=True, now=ten, due=ten)
    assert not roll_call_overdue(school_day=False, taken=False, now=ten, due=ten)
