"""The attendance figures as the reports read them: `shouhu stats` keys, the scope check, the
dashboard tiles and the work summary's paragraph."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from shouhu.reports.selectors import FIGURES, figures_cached
from shouhu.reports.selectors.dashboard import dashboard_for
from shouhu.reports.work_summary.attendance import attendance_results
from shouhu.reports.work_summary.context import SummaryContext
from shouhu.schooling.services.attendance import roll_call_save
from shouhu.schooling.tests.attendance_world import class_of, clock, next_weekday

pytestmark = pytest.mark.django_db

SCHOOL_DAY = next_weekday()


@pytest.fixture
def roll_calls(world, head_teacher, other_head_teacher):
    """Class A (4 left-behind pupils, one truant) and class B (child_b, present)."""
    pupils = [world.child_a, *class_of(head_teacher, world.class_a, 3)]
    with clock(SCHOOL_DAY, 8, 0):
        roll_call_save(
            actor=head_teacher,
            school_class=world.class_a,
            day=SCHOOL_DAY,
            absent={pupils[2].pk: "truant"},
        )
        roll_call_save(
            actor=other_head_teacher, school_class=world.class_b, day=SCHOOL_DAY, absent={}
        )
    return pupils


def test_stats_keys_give_the_rate_and_the_unexplained_absences(world, region_officer, roll_calls):
    with clock(SCHOOL_DAY, 12, 0):
        rate = FIGURES["attendance_rate"].function(
            region_officer, node=world.county, term=world.term
        )
        unexplained = FIGURES["unexplained_absences"].function(
            region_officer, node=world.county, term=world.term
        )
        day = FIGURES["attendance_rate"].function(
            region_officer, node=world.class_a, term=world.term, day=SCHOOL_DAY
        )
    assert (rate.count, rate.whole, rate.percent) == (4, 5, 80.0)
    assert unexplained == 1
    assert (day.count, day.whole) == (3, 4)


def test_a_figure_outside_the_scope_is_not_found_and_without_the_permission_refused(
    world, head_teacher, teacher, roll_calls
):
    with pytest.raises(Http404):
        FIGURES["attendance_rate"].function(head_teacher, node=world.class_b, term=world.term)
    with pytest.raises(PermissionDenied):
        FIGURES["attendance_rate"].function(teacher, node=world.school_a, term=world.term)


def test_the_dashboard_shows_the_rate_with_left_behind_and_others(
    world, region_officer, roll_calls
):
    with clock(SCHOOL_DAY, 12, 0), figures_cached():
        board = dashboard_for(region_officer, node=world.county, term=world.term)
    tiles = {t.key: t for t in board.tiles}
    assert tiles["attendance_rate"].value == 80.0
    # child_b too is left-behind (father away): no other child took part.
    assert tiles["attendance_rate"].detail == "留守 80.0% · 其他 —"
    assert tiles["unexplained_absences"].value == 1 and tiles["unexplained_absences"].alert


def test_the_work_summary_reports_attendance_in_its_results(world, school_leader, roll_calls):
    context = SummaryContext(
        user=school_leader, node=world.school_a, term=world.term, previous=None, draft=None
    )
    with clock(SCHOOL_DAY, 12, 0):
        (part,) = attendance_results(context)
    assert part.title == "学生出勤"
    assert "出勤率75.0%" in part.paragraphs[0] and "无故缺勤1人次" in part.paragraphs[0]
    assert part.figures == ["attendance_rate", "unexplained_absences"]
