"""The pure rules of 控辍保学: moves between states, school days, follow-up months, 巩固率."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from shouhu.schooling.dropout_rules import (
    ALLOWED,
    followup_due,
    followup_months,
    quarter_of,
    quarter_previous,
    retention_rate,
    school_days_after,
    transition_check,
    write_off_blockers,
)
from shouhu.schooling.models.dropout import CaseState

D = datetime.date


def test_the_main_path_is_allowed_step_by_step():
    path = [
        CaseState.REGISTERED,
        CaseState.PERSUADING,
        CaseState.RETURNED,
        CaseState.FOLLOWING,
        CaseState.WRITTEN_OFF,
    ]
    for current, to in zip(path, path[1:], strict=False):
        transition_check(current, to)


@pytest.mark.parametrize(
    ("current", "to"),
    [
        (CaseState.REGISTERED, CaseState.WRITTEN_OFF),
        (CaseState.PERSUADING, CaseState.FOLLOWING),
        (CaseState.RETURNED, CaseState.PERSUADING),
        (CaseState.WRITTEN_OFF, CaseState.PERSUADING),
        (CaseState.MISTAKEN, CaseState.REGISTERED),
        (CaseState.TRANSFERRED, CaseState.RETURNED),
    ],
)
def test_a_move_the_state_does_not_allow_is_refused_in_chinese(current, to):
    with pytest.raises(ValidationError) as refused:
        transition_check(current, to)
    assert refused.value.message_dict["state"] == [
        f"该案件当前为“{CaseState(current).label}”，不能转为“{CaseState(to).label}”。"
    ]


def test_closed_states_go_nowhere_and_every_open_state_may_be_closed_as_mistaken():
    for state, moves in ALLOWED.items():
        if state in (
            CaseState.REGISTERED,
            CaseState.PERSUADING,
            CaseState.RETURNED,
            CaseState.FOLLOWING,
        ):
            assert CaseState.MISTAKEN in moves
        else:
            assert moves == ()


def test_two_school_days_after_a_friday_is_the_tuesday():
    friday = D(2026, 11, 27)
    assert school_days_after(friday, 2) == D(2026, 12, 1)


@given(st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 1, 1)), st.integers(1, 10))
def test_school_days_after_lands_on_a_weekday_within_two_weeks(day, n):
    found = school_days_after(day, n)
    assert found.weekday() < 5
    assert n <= (found - day).days <= n + 2 * (n // 5 + 1)


def test_a_return_in_november_owes_december_and_january_checks():
    assert followup_months(D(2026, 11, 10), D(2027, 1, 20)) == [D(2026, 12, 1), D(2027, 1, 1)]


def test_a_return_in_the_terms_last_month_owes_that_months_check():
    assert followup_months(D(2027, 1, 5), D(2027, 1, 20)) == [D(2027, 1, 1)]


def test_write_off_waits_for_the_end_of_term_and_each_months_check():
    blockers = write_off_blockers(
        returned_on=D(2026, 11, 10),
        term_ends_on=D(2027, 1, 20),
        checked=[D(2026, 12, 3)],
        today=D(2026, 12, 20),
    )
    assert blockers == ["复学后须跟踪到本学期结束（2027-01-20）。", "缺少2027年1月的月度跟踪记录。"]
    assert not write_off_blockers(
        returned_on=D(2026, 11, 10),
        term_ends_on=D(2027, 1, 20),
        checked=[D(2026, 12, 3), D(2027, 1, 8)],
        today=D(2027, 1, 21),
    )


def test_a_followup_is_due_in_a_month_after_the_return_until_one_is_recorded():
    assert not followup_due(returned_on=D(2026, 11, 10), checked=[], today=D(2026, 11, 29))
    assert followup_due(returned_on=D(2026, 11, 10), checked=[], today=D(2026, 12, 1))
    assert not followup_due(
        returned_on=D(2026, 11, 10), checked=[D(2026, 12, 1)], today=D(2026, 12, 20)
    )


def test_quarters():
    assert quarter_of(D(2026, 11, 29)) == "2026-Q4"
    assert quarter_of(D(2027, 1, 1)) == "2027-Q1"
    assert quarter_previous("2027-Q1") == "2026-Q4"
    assert quarter_previous("2026-Q4") == "2026-Q3"


def test_retention_rate_is_a_percentage_of_the_cohort():
    assert retention_rate(cohort=200, still_enrolled=197) == 98.5
    assert retention_rate(cohort=0, still_enrolled=0) is None
