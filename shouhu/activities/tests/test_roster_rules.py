"""The roster's pure rules: school days are Monday to Friday, and the turn is fair."""

import datetime
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from shouhu.activities.roster import roster_plan, weekdays_between

MONDAY = datetime.date(2030, 9, 2) - datetime.timedelta(days=datetime.date(2030, 9, 2).weekday())


def test_school_days_skip_saturday_and_sunday():
    days = weekdays_between(MONDAY, MONDAY + datetime.timedelta(days=13))
    assert len(days) == 10
    assert all(d.weekday() < 5 for d in days)


@given(
    n_days=st.integers(min_value=0, max_value=120),
    n_teachers=st.integers(min_value=2, max_value=60),
)
def test_every_teacher_keeps_the_same_number_of_days_give_or_take_one(n_days, n_teachers):
    days = weekdays_between(MONDAY, MONDAY + datetime.timedelta(days=n_days))
    teachers = [f"t{i}" for i in range(n_teachers)]
    plan = roster_plan(days, teachers)
    assert [d for d, _t in plan] == days
    counts = Counter(t for _d, t in plan)
    every = [counts.get(t, 0) for t in teachers]
    assert max(every) - min(every) <= 1


@given(
    n_days=st.integers(min_value=1, max_value=120),
    n_teachers=st.integers(min_value=2, max_value=10),
    before=st.integers(min_value=0, max_value=9),
)
def test_nobody_keeps_two_days_in_a_row(n_days, n_teachers, before):
    days = weekdays_between(MONDAY, MONDAY + datetime.timedelta(days=n_days))
    teachers = list(range(n_teachers))
    plan = roster_plan(days, teachers, before=before % n_teachers)
    keepers = [before % n_teachers] + [t for _d, t in plan]
    assert all(a != b for a, b in zip(keepers, keepers[1:], strict=False))


def test_the_teachers_with_fewest_days_go_first():
    days = weekdays_between(MONDAY, MONDAY + datetime.timedelta(days=1))
    plan = roster_plan(days, ["a", "b", "c"], counts={"a": 3, "b": 2, "c": 2})
    assert [t for _d, t in plan] == ["b", "c"]


def test_no_teachers_no_roster():
    assert roster_plan(weekdays_between(MONDAY, MONDAY), []) == []
