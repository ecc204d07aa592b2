"""The pure rules of the care work: periods, statuses, escalation and quota inheritance."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shouhu.care.models import ActionKind, QuotaPeriod
from shouhu.care.rules import (
    DEFAULT_QUOTAS,
    Escalation,
    QuotaRule,
    QuotaStatus,
    TermDates,
    current_period,
    days_overdue,
    escalation_of,
    first_owed_month,
    is_school_month,
    last_period,
    late_entry_open,
    late_entry_until,
    month_before,
    month_from_key,
    month_of,
    percent,
    period_before,
    period_owed,
    quota_effective,
    quota_status,
    task_due_on,
    term_period,
    tightens,
)

D = datetime.date
SPRING = TermDates("2025-2026-2", D(2026, 3, 1), D(2026, 7, 10), "2025–2026学年第二学期")
AUTUMN = TermDates("2026-2027-1", D(2026, 9, 1), D(2027, 1, 20), "2026–2027学年第一学期")
TERMS = [SPRING, AUTUMN]
days = st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 12, 31))

# --- months -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, start, end, key",
    [
        (D(2026, 11, 29), D(2026, 11, 1), D(2026, 11, 30), "2026-11"),
        (D(2026, 12, 31), D(2026, 12, 1), D(2026, 12, 31), "2026-12"),
        (D(2027, 1, 1), D(2027, 1, 1), D(2027, 1, 31), "2027-01"),
        (D(2028, 2, 29), D(2028, 2, 1), D(2028, 2, 29), "2028-02"),
        (D(2027, 2, 28), D(2027, 2, 1), D(2027, 2, 28), "2027-02"),
    ],
)
def test_a_month_runs_from_its_first_to_its_last_day(day, start, end, key):
    month = month_of(day)
    assert (month.start, month.end, month.key) == (start, end, key)
    assert month.label == f"{start.year}年{start.month}月"


@given(days)
def test_every_day_lies_in_its_month_and_months_tile_the_calendar(day):
    month = month_of(day)
    assert month.contains(day)
    assert month.start.day == 1
    assert month_of(month.end + datetime.timedelta(days=1)).start == month.end + datetime.timedelta(
        days=1
    )
    assert month_before(month_of(month.end + datetime.timedelta(days=1))) == month
    assert month_from_key(month.key) == month


@pytest.mark.parametrize("key", ["", "2026", "2026-13", "26-11", "abcd-ef", "2026/11"])
def test_a_malformed_month_key_is_refused(key):
    with pytest.raises(ValueError):
        month_from_key(key)


@pytest.mark.parametrize(
    "month, school",
    [
        ("2026-02", False),  # winter holiday: the spring term starts on 1 March
        ("2026-03", True),
        ("2026-07", True),  # the spring term ends on 10 July
        ("2026-08", False),  # summer holiday
        ("2026-09", True),
        ("2027-01", True),  # the autumn term ends on 20 January
        ("2027-02", False),
    ],
)
def test_a_monthly_quota_is_owed_only_in_months_that_touch_a_term(month, school):
    assert is_school_month(month_from_key(month), TERMS) is school


def test_the_month_before_september_that_is_owed_is_july():
    assert period_before(month_from_key("2026-09"), TERMS) == month_from_key("2026-07")
    assert last_period(QuotaPeriod.MONTH, D(2026, 9, 15), TERMS) == month_from_key("2026-07")
    assert period_before(month_from_key("2026-03"), TERMS) is None


@pytest.mark.parametrize(
    "day, kind, expected",
    [
        (D(2026, 11, 29), QuotaPeriod.MONTH, "2026-11"),
        (D(2026, 8, 15), QuotaPeriod.MONTH, None),
        (D(2026, 11, 29), QuotaPeriod.TERM, "2026-2027-1"),
        (D(2027, 1, 20), QuotaPeriod.TERM, "2026-2027-1"),
        (D(2027, 1, 21), QuotaPeriod.TERM, None),
        (D(2026, 7, 10), QuotaPeriod.TERM, "2025-2026-2"),
    ],
)
def test_the_running_period_follows_calendar_months_and_term_dates(day, kind, expected):
    period = current_period(kind, day, TERMS)
    assert (period.key if period else None) == expected


def test_the_last_term_is_the_latest_that_has_ended():
    assert last_period(QuotaPeriod.TERM, D(2026, 11, 29), TERMS) == term_period(SPRING)
    assert last_period(QuotaPeriod.TERM, D(2027, 1, 21), TERMS) == term_period(AUTUMN)
    assert last_period(QuotaPeriod.TERM, D(2026, 5, 1), TERMS) is None


# --- when a quota is owed ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "paired_on, first",
    [
        (D(2026, 11, 1), "2026-11"),  # from the 1st: that month is full
        (D(2026, 11, 2), "2026-12"),  # mid-month: the next month is the first full one
        (D(2026, 11, 30), "2026-12"),
        (D(2026, 12, 31), "2027-01"),
    ],
)
def test_a_pairing_owes_from_the_first_full_month(paired_on, first):
    assert first_owed_month(paired_on).key == first
    owed = month_from_key(first)
    assert period_owed(owed, paired_on=paired_on, left_on=None)
    assert not period_owed(month_before(owed), paired_on=paired_on, left_on=None)


def test_a_term_is_owed_only_when_the_pairing_held_it_from_its_first_day():
    autumn = term_period(AUTUMN)
    assert period_owed(autumn, paired_on=D(2026, 9, 1), left_on=None)
    assert period_owed(autumn, paired_on=D(2026, 3, 5), left_on=None)
    assert not period_owed(autumn, paired_on=D(2026, 9, 2), left_on=None)


@pytest.mark.parametrize(
    "left_on, owed",
    [(D(2026, 11, 30), False), (D(2026, 12, 1), True), (D(2026, 11, 10), False), (None, True)],
)
def test_a_quota_stops_when_the_child_leaves_the_register(left_on, owed):
    november = month_from_key("2026-11")
    assert period_owed(november, paired_on=D(2026, 9, 1), left_on=left_on) is owed


def test_nothing_is_owed_without_a_proxy_parent():
    assert not period_owed(month_from_key("2026-11"), paired_on=None, left_on=None)


@given(paired_on=days, day=days)
def test_once_owed_a_month_stays_owed_for_every_later_month(paired_on, day):
    first = first_owed_month(paired_on)
    month = month_of(day)
    assert period_owed(month, paired_on=paired_on, left_on=None) is (month.start >= first.start)


# --- statuses ---------------------------------------------------------------------------------

NOVEMBER = month_from_key("2026-11")


@pytest.mark.parametrize(
    "done, minimum, exempt, today, expected",
    [
        (1, 1, False, D(2026, 11, 15), QuotaStatus.DONE),
        (0, 1, False, D(2026, 11, 30), QuotaStatus.DUE),
        (0, 1, False, D(2026, 12, 1), QuotaStatus.OVERDUE),
        (1, 2, False, D(2026, 12, 1), QuotaStatus.OVERDUE),
        (0, 1, True, D(2026, 12, 1), QuotaStatus.EXEMPT),
        (1, 1, True, D(2026, 12, 1), QuotaStatus.DONE),  # visited anyway: done counts first
    ],
)
def test_status_of_a_quota_in_a_period(done, minimum, exempt, today, expected):
    assert (
        quota_status(done=done, minimum=minimum, exempt=exempt, period=NOVEMBER, today=today)
        == expected
    )


@pytest.mark.parametrize(
    "part, whole, expected",
    [(0, 0, None), (1, 3, 33.3), (2, 3, 66.7), (1, 8, 12.5), (5, 5, 100.0), (1, 2000, 0.1)],
)
def test_percentages_are_rounded_half_up_to_one_decimal(part, whole, expected):
    assert percent(part, whole) == expected


@given(whole=st.integers(1, 10_000), data=st.data())
def test_a_percentage_lies_between_0_and_100(whole, data):
    part = data.draw(st.integers(0, whole))
    assert 0 <= percent(part, whole) <= 100


# --- signals and escalation -------------------------------------------------------------------


@given(day=days, late_days=st.integers(0, 60), offset=st.integers(-40, 100))
def test_a_period_takes_late_entries_until_its_late_days_have_passed(day, late_days, offset):
    month = month_of(day)
    today = month.end + datetime.timedelta(days=offset)
    assert late_entry_until(month, days=late_days) == month.end + datetime.timedelta(late_days)
    assert late_entry_open(month, today=today, days=late_days) is (offset <= late_days)


def test_a_task_is_due_the_set_number_of_days_after_the_signal():
    assert task_due_on(D(2026, 11, 29), due_days=3) == D(2026, 12, 2)


@pytest.mark.parametrize(
    "today, expected",
    [
        (D(2026, 12, 2), Escalation.NONE),  # the due day itself
        (D(2026, 12, 3), Escalation.NONE),  # one day late
        (D(2026, 12, 4), Escalation.HEAD_TEACHER),  # two days late
        (D(2026, 12, 6), Escalation.HEAD_TEACHER),
        (D(2026, 12, 7), Escalation.SCHOOL_LEADER),  # five days late
        (D(2027, 3, 1), Escalation.SCHOOL_LEADER),
    ],
)
def test_an_overdue_task_goes_up_to_the_head_teacher_then_the_leader(today, expected):
    due = D(2026, 12, 2)
    assert escalation_of(due_on=due, today=today, head_after=2, leader_after=5) == expected


@given(due=days, today=days, head=st.integers(1, 10), extra=st.integers(0, 10))
def test_escalation_only_ever_rises_with_time(due, today, head, extra):
    leader = head + extra
    now = escalation_of(due_on=due, today=today, head_after=head, leader_after=leader)
    later = escalation_of(
        due_on=due, today=today + datetime.timedelta(days=1), head_after=head, leader_after=leader
    )
    assert later >= now
    assert (now > Escalation.NONE) is (days_overdue(due, today) >= head)


# --- quotas set at several levels -------------------------------------------------------------

HOME_MONTHLY = QuotaRule(ActionKind.HOME_VISIT, QuotaPeriod.MONTH, 1, "万源市")


@pytest.mark.parametrize(
    "lower, upper, expected",
    [
        (QuotaRule("home_visit", "month", 2), HOME_MONTHLY, True),
        (QuotaRule("home_visit", "month", 1), HOME_MONTHLY, True),
        (QuotaRule("home_visit", "term", 9), HOME_MONTHLY, False),  # never monthly → termly
        (QuotaRule("home_visit", "month", 1), QuotaRule("home_visit", "term", 1), True),
        (QuotaRule("home_visit", "month", 1), QuotaRule("home_visit", "term", 4), True),
        (QuotaRule("home_visit", "month", 1), QuotaRule("home_visit", "term", 5), False),
        (QuotaRule("home_visit", "term", 1), QuotaRule("home_visit", "term", 2), False),
    ],
)
def test_what_counts_as_tightening_a_quota(lower, upper, expected):
    assert tightens(lower, upper) is expected


rules = st.builds(
    QuotaRule,
    kind=st.sampled_from([ActionKind.HOME_VISIT, ActionKind.TALK]),
    period=st.sampled_from(list(QuotaPeriod)),
    minimum=st.integers(1, 6),
)


@given(rule=rules)
def test_a_rule_tightens_itself(rule):
    assert tightens(rule, rule)


@given(levels=st.lists(st.lists(rules, max_size=2), max_size=4))
def test_the_effective_rule_is_never_looser_than_any_level_above_it(levels):
    chain = [list(DEFAULT_QUOTAS), *levels]
    effective = quota_effective(chain)
    for depth in range(1, len(chain) + 1):
        for kind, above in quota_effective(chain[:depth]).items():
            assert tightens(effective[kind], above)


def test_the_default_is_three_ones():
    effective = quota_effective([DEFAULT_QUOTAS])
    assert {(r.kind, r.period, r.minimum) for r in effective.values()} == {
        (ActionKind.HOME_VISIT, QuotaPeriod.MONTH, 1),
        (ActionKind.PARENT_CALL, QuotaPeriod.MONTH, 1),
        (ActionKind.PARENT_LETTER, QuotaPeriod.TERM, 1),
    }


def test_a_school_rule_looser_than_its_county_is_ignored_and_a_tighter_one_applies():
    county = [QuotaRule("home_visit", "month", 2, "万源市")]
    loose_school = [QuotaRule("home_visit", "month", 1, "本校")]
    tight_school = [QuotaRule("home_visit", "month", 3, "本校"), QuotaRule("talk", "month", 1)]
    assert quota_effective([DEFAULT_QUOTAS, county, loose_school])["home_visit"].minimum == 2
    effective = quota_effective([DEFAULT_QUOTAS, county, tight_school])
    assert effective["home_visit"].minimum == 3
    assert effective["talk"].minimum == 1
