"""The Home's, reading's and awards' figures: `shouhu stats` keys, one number for a school
whoever asks, and the work summary's 主要做法 quoting them (counts, never a child's name)."""

import pytest

from shouhu.activities.models import DutyDay
from shouhu.activities.services.home import family_call_record, roster_generate
from shouhu.activities.services.reading import award_give, reading_record
from shouhu.activities.tests.conftest import at
from shouhu.reports.selectors import FIGURES
from shouhu.reports.work_summary.build import work_summary_build
from shouhu.testing import dates

pytestmark = pytest.mark.django_db

KEYS = ("home_days_recorded", "family_calls", "reading_finished_share", "awards")


@pytest.fixture
def recorded(world, home, school_leader, staff, head_teacher):
    with at("2026-11-23"):
        roster_generate(actor=school_leader, home=home, term=world.term)
    family_call_record(
        actor=staff["teacher"],
        home=home,
        child=world.child_a,
        parent="mother",
        day=dates.TODAY,
        minutes=12,
    )
    reading_record(
        actor=head_teacher,
        child=world.child_a,
        term=world.term,
        title="草房子",
        finished_on=dates.day(2026, 11, 20),
    )
    award_give(
        actor=head_teacher,
        child=world.child_a,
        term=world.term,
        kind="five_small",
        title="小帮手",
        reason="主动照顾低年级同学",
    )
    return world


def test_the_stats_keys_of_the_issue_are_figures():
    assert set(KEYS) <= set(FIGURES)


def _first_duty_day():
    """The roster starts on 23 November, or the school day after it (the weekday moves with
    the year)."""
    return DutyDay.objects.filter(day__gte=dates.day(2026, 11, 23)).order_by("day").first().day


def test_a_schools_figures_are_the_same_whoever_asks(
    recorded, school_leader, township_officer, region_officer
):
    for key in KEYS:
        read = {
            u.username: FIGURES[key].function(u, node=recorded.school_a, term=recorded.term)
            for u in (school_leader, township_officer, region_officer)
        }
        assert len({repr(v) for v in read.values()}) == 1, (key, read)
    calls = FIGURES["family_calls"].function(
        school_leader, node=recorded.school_a, term=recorded.term
    )
    assert (calls.calls, calls.children, calls.minutes) == (1, 1, 12)
    days = FIGURES["home_days_recorded"].function(
        school_leader, node=recorded.school_a, term=recorded.term
    )
    passed = dates.weekdays_from(_first_duty_day(), dates.TODAY)
    assert (days.count, days.whole) == (0, passed), "the days since 23 November went unrecorded"
    share = FIGURES["reading_finished_share"].function(
        school_leader, node=recorded.school_a, term=recorded.term
    )
    assert (share.count, share.whole) == (1, 1)


def test_the_work_summary_lists_the_homes_days_and_calls_reading_and_awards_without_names(
    recorded, school_leader
):
    text = work_summary_build(
        school_leader, node=recorded.school_a, term=recorded.term, draft=None
    ).text()
    passed = dates.weekdays_from(_first_duty_day(), dates.TODAY)
    assert f"本学期已过值班日{passed}天，值班教师记录0天" in text
    assert "亲情电话、视频共通话1次，1名儿童与父母通话，累计12分钟" in text
    assert "1名留守儿童中1人读完（100.0%）" in text
    assert "五小·小帮手1人" in text
    assert "李家成" not in text
