"""Reads of the organisation tree: terms by date, nodes by code, and scope checks."""

import datetime

import pytest
import time_machine
from django.http import Http404

from shouhu.core.scoping import in_scope
from shouhu.org.models import Region, School
from shouhu.org.selectors import (
    classes_of_school,
    schools_under,
    term_by_code,
    term_current,
    term_previous,
)
from shouhu.org.units import node_from_code, user_scope_node
from shouhu.testing.dates import YEARS, day, iso, term_code
from shouhu.testing.factories import SchoolClassFactory, SchoolFactory, TermFactory, VillageFactory


def travel_to(on: str):
    """Travel to 10:00 China time on the day (an ISO date of the world as written for 2026)."""
    return time_machine.travel(datetime.datetime.fromisoformat(f"{iso(on)}T10:00:00+08:00"))


@pytest.mark.parametrize(
    "on, expected",
    [
        ("2026-11-29", "2026-2027-1"),  # today, inside the autumn term
        ("2026-09-01", "2026-2027-1"),  # first day
        ("2027-01-20", "2026-2027-1"),  # last day
        ("2026-03-01", "2025-2026-2"),
        ("2026-07-10", "2025-2026-2"),
        ("2026-08-15", "2025-2026-2"),  # summer holiday: the latest term that has started
        ("2027-02-10", "2026-2027-1"),  # winter holiday
        ("2025-12-01", "2025-2026-2"),  # before every term: the first one
    ],
)
def test_term_current_on_a_day(tree, on, expected):
    with travel_to(on):
        assert term_current().code == term_code(expected)
    assert term_current(datetime.date.fromisoformat(iso(on))).code == term_code(expected)


def test_term_current_without_terms_is_none(db):
    assert term_current(day(2026, 11, 29)) is None


def test_term_current_follows_the_local_date_in_china(tree):
    # 2026-08-31 17:00 UTC is already 1 September in China: the autumn term has begun.
    utc = datetime.datetime.combine(day(2026, 8, 31), datetime.time(17), tzinfo=datetime.UTC)
    with time_machine.travel(utc):
        assert term_current().code == term_code("2026-2027-1")


def test_term_previous(tree):
    assert term_previous(tree.term) == tree.previous_term
    assert term_previous(tree.previous_term) is None


def test_term_previous_skips_nothing_when_terms_were_created_out_of_order(tree):
    spring = TermFactory(
        start_year=2026 + YEARS,
        semester=2,
        starts_on=day(2027, 3, 1),
        ends_on=day(2027, 7, 10),
    )
    assert term_previous(spring) == tree.term


def test_term_by_code(tree):
    assert term_by_code(term_code("2026-2027-1")) == tree.term
    with pytest.raises(Http404):
        term_by_code(term_code("2030-2031-1"))


@pytest.mark.parametrize(
    "code, expected",
    [
        ("51", "四川省"),
        ("5117", "达州市"),
        ("511781", "万源市"),
        (" 511781 ", "万源市"),
        ("511781101", "太平镇"),
        ("511781101101", "石塘村"),
        ("511781000000", "万源市"),
    ],
)
def test_node_from_code_finds_regions_by_prefix_or_full_code(tree, code, expected):
    node = node_from_code(code)
    assert isinstance(node, Region)
    assert node.name == expected


def test_node_from_code_finds_a_school_by_its_ten_digit_code(tree):
    node = node_from_code("3151781001")
    assert isinstance(node, School)
    assert node == tree.school_a


@pytest.mark.parametrize(
    "code",
    ["511799", "511781999", "3151781999", "12345", "5117811", "abcdef", "", "51178110110199"],
)
def test_node_from_code_unknown_or_malformed_is_404(tree, code):
    with pytest.raises(Http404):
        node_from_code(code)


def test_schools_under_a_region_include_schools_in_its_villages(tree):
    village_school = SchoolFactory(region=tree.village_a, name="石塘村小")
    assert set(schools_under(tree.township_a)) == {tree.school_a, village_school}
    assert set(schools_under(tree.county)) == {tree.school_a, tree.school_b, village_school}
    assert list(schools_under(tree.township_b)) == [tree.school_b]


def test_classes_of_school_in_grade_order(tree):
    first = SchoolClassFactory(school=tree.school_a, grade=1, name="一年级(1)班")
    assert list(classes_of_school(tree.school_a)) == [first, tree.class_a, tree.class_a2]


def test_user_scope_node(tree, head_teacher, teacher, township_officer, volunteer):
    assert user_scope_node(head_teacher) == tree.class_a
    assert user_scope_node(teacher) == tree.school_a
    assert user_scope_node(township_officer) == tree.township_a
    assert user_scope_node(volunteer) is None


# user → nodes inside the scope; every other node of the tree is outside.
INSIDE = {
    "head_teacher": {"class_a"},
    "teacher": {"school_a", "class_a", "class_a2"},
    "school_leader": {"school_a", "class_a", "class_a2"},
    "counsellor": {"school_a", "class_a", "class_a2"},
    "other_head_teacher": {"class_b"},
    "township_officer": {"township_a", "village_a", "school_a", "class_a", "class_a2"},
    "region_officer": {
        "county",
        "township_a",
        "township_b",
        "village_a",
        "school_a",
        "class_a",
        "class_a2",
        "school_b",
        "class_b",
    },
    "volunteer": set(),
    "outsider": {"other_class"},
}
NODES = [
    "city",
    "county",
    "township_a",
    "township_b",
    "village_a",
    "school_a",
    "class_a",
    "class_a2",
    "school_b",
    "class_b",
    "other_county",
    "other_township",
    "other_school",
    "other_class",
]


@pytest.mark.parametrize("user", sorted(INSIDE))
def test_in_scope(world, request, user):
    viewer = request.getfixturevalue(user)
    inside = {name for name in NODES if in_scope(viewer, getattr(world, name))}
    assert inside == INSIDE[user]


def test_school_in_a_village_is_within_the_township_scope(tree, township_officer):
    village_school = SchoolFactory(region=VillageFactory(parent=tree.township_a))
    village_class = SchoolClassFactory(school=village_school)
    assert in_scope(township_officer, village_school)
    assert in_scope(township_officer, village_class)
