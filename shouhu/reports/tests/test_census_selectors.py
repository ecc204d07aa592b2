"""The term census (摸底排查) figures: counts, both definitions, shares of all pupils, units."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from shouhu.registry.classification import ParentStatus
from shouhu.registry.models import Flag
from shouhu.registry.services import census_snapshot_take
from shouhu.reports.selectors import Figures, census_for
from shouhu.testing.dates import day, term_code
from shouhu.testing.factories import SchoolClassFactory, register_child

pytestmark = pytest.mark.usefixtures("frozen_today")

M, H, D = ParentStatus.MIGRANT, ParentStatus.AT_HOME, ParentStatus.DECEASED
NO_FLAGS = {flag.value: 0 for flag in Flag}


@pytest.fixture
def surveyed(world, head_teacher):
    """Class A this term: 李家成 (both away) plus three more; last term only 李家成 was surveyed.

    | child  | father   | mother   | category                  | civil | flags        |
    | 李家成 | migrant  | migrant  | both_away                 | yes   |              |
    | 安然   | migrant  | deceased | one_away_other_incapable  | yes   | poverty      |
    | 张伟   | at home  | migrant  | one_away                  | no    | unsupervised |
    | 王小明 | at home  | at home  | not left-behind           | no    | poverty      |
    """
    register_child(head_teacher, world.class_a, name="安然", father=M, mother=D, flags={"poverty"})
    register_child(
        head_teacher, world.class_a, name="张伟", father=H, mother=M, flags={"unsupervised"}
    )
    register_child(
        head_teacher, world.class_a, name="王小明", father=H, mother=H, flags={"poverty"}
    )
    census_snapshot_take(child=world.child_a, term=world.previous_term, day=day(2026, 3, 5))
    return world


def test_class_census_counts_both_definitions_as_shares_of_all_pupils(surveyed, head_teacher):
    census = census_for(head_teacher, node=surveyed.class_a, term=surveyed.term)
    figures = census.figures
    assert figures.pupils == 40
    assert figures.left_behind_education == 3
    assert figures.left_behind_civil == 2
    assert figures.percent_education == 7.5
    assert figures.percent_civil == 5.0
    assert figures.by_category == {
        "both_away": 1,
        "one_away_other_incapable": 1,
        "one_away": 1,
    }
    assert census.units == []


def test_flags_are_counted_among_left_behind_children_only(surveyed, head_teacher):
    figures = census_for(head_teacher, node=surveyed.class_a, term=surveyed.term).figures
    # 王小明 is flagged poor but is not left-behind.
    assert figures.by_flag == {**NO_FLAGS, "poverty": 1, "unsupervised": 1}


def test_previous_figures_come_from_the_previous_terms_snapshots(surveyed, head_teacher):
    census = census_for(head_teacher, node=surveyed.class_a, term=surveyed.term)
    previous = census.previous
    assert previous.pupils == 38
    assert (previous.left_behind_education, previous.left_behind_civil) == (1, 1)
    assert previous.percent_education == 2.6
    assert previous.by_category == {"both_away": 1, "one_away_other_incapable": 0, "one_away": 0}
    assert census.as_dict()["previous"]["term"] == term_code("2025-2026-2")


def test_the_first_term_has_no_previous_figures(surveyed, head_teacher):
    census = census_for(head_teacher, node=surveyed.class_a, term=surveyed.previous_term)
    assert census.figures.left_behind_education == 1
    assert census.previous is None
    assert census.as_dict()["previous"] is None


def test_school_census_adds_its_classes_and_lists_them_with_their_grade(surveyed, school_leader):
    census = census_for(school_leader, node=surveyed.school_a, term=surveyed.term)
    assert census.figures.pupils == 75  # 40 + 35
    assert census.figures.left_behind_education == 3
    assert census.figures.percent_education == 4.0
    units = census.as_dict()["units"]
    assert [(u["name"], u["grade"], u["pupils"], u["left_behind_education"]) for u in units] == [
        ("三年级(2)班", 3, 40, 3),
        ("五年级(1)班", 5, 35, 0),
    ]
    assert units[1]["percent_education"] == 0.0


def test_township_census_lists_its_schools(surveyed, township_officer):
    census = census_for(township_officer, node=surveyed.township_a, term=surveyed.term)
    assert census.figures.pupils == 75
    assert census.figures.left_behind_education == 3
    assert [(u.code, u.name, u.figures.pupils) for u in census.units] == [
        ("3151781001", "万源市太平镇中心小学", 75)
    ]
    assert census.as_dict()["scope"] == {"code": "511781101", "name": "太平镇"}


def test_county_census_lists_its_townships_by_nine_digit_code(surveyed, region_officer):
    census = census_for(region_officer, node=surveyed.county, term=surveyed.term)
    figures = census.figures
    assert figures.pupils == 105  # 40 + 35 + 30; the other county's class is not counted
    assert figures.left_behind_education == 4  # 曾小雨 in class B is one_away
    assert figures.left_behind_civil == 2
    assert figures.percent_education == 3.8
    assert figures.by_category == {
        "both_away": 1,
        "one_away_other_incapable": 1,
        "one_away": 2,
    }
    units = [
        (u.code, u.name, u.figures.pupils, u.figures.left_behind_education) for u in census.units
    ]
    assert units == [("511781101", "太平镇", 75, 3), ("511781102", "青花镇", 30, 1)]
    assert census.as_dict()["scope"]["code"] == "511781"


def test_county_census_units_add_up_to_the_county(surveyed, region_officer):
    census = census_for(region_officer, node=surveyed.county, term=surveyed.term)
    assert sum(u.figures.pupils for u in census.units) == census.figures.pupils
    assert (
        sum(u.figures.left_behind_education for u in census.units)
        == census.figures.left_behind_education
    )


def test_class_without_an_enrolment_has_no_percentage(world, school_leader):
    new_class = SchoolClassFactory(school=world.school_a, grade=1, name="一年级(1)班")
    register_child(school_leader, new_class)
    figures = census_for(school_leader, node=new_class, term=world.term).figures
    assert (figures.pupils, figures.left_behind_education) == (0, 1)
    assert figures.percent_education is None
    assert figures.percent_civil is None


@pytest.mark.parametrize(
    "user, node",
    [
        ("head_teacher", "school_a"),
        ("head_teacher", "class_a2"),
        ("head_teacher", "class_b"),
        ("teacher", "township_a"),
        ("teacher", "class_b"),
        ("school_leader", "school_b"),
        ("township_officer", "county"),
        ("township_officer", "township_b"),
        ("township_officer", "school_b"),
        ("region_officer", "other_county"),
        ("region_officer", "city"),
        ("outsider", "county"),
    ],
)
def test_census_of_a_node_outside_the_scope_is_404(world, request, user, node):
    with pytest.raises(Http404):
        census_for(request.getfixturevalue(user), node=getattr(world, node), term=world.term)


@pytest.mark.parametrize("user", ["volunteer", "admin"])
def test_roles_without_the_census_permission_are_refused(world, request, user):
    with pytest.raises(PermissionDenied):
        census_for(request.getfixturevalue(user), node=world.class_a, term=world.term)


def test_registering_one_more_child_raises_the_class_count_by_one(world, head_teacher):
    def count():
        census = census_for(head_teacher, node=world.class_a, term=world.term)
        return census.figures.left_behind_education, census.figures.left_behind_civil

    before = count()
    register_child(head_teacher, world.class_a, father=M, mother=M)
    assert count() == (before[0] + 1, before[1] + 1)


@pytest.mark.parametrize(
    "left_behind, pupils, percent",
    [
        (3, 40, 7.5),
        (197, 383, 51.4),  # 篇一: "197 left-behind children, 51.4% of all pupils"
        (9, 400, 2.3),  # 2.25 rounds half up (四舍五入), as in Excel and the reports
        (1, 400, 0.3),  # 0.25
        (0, 40, 0.0),
        (40, 40, 100.0),
    ],
)
def test_percentages_have_one_decimal_rounded_half_up(left_behind, pupils, percent):
    figures = Figures(pupils=pupils, left_behind_education=left_behind)
    assert figures.percent_education == percent
