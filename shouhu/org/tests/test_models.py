"""Invariants of the tree, terms and enrolments, in clean() and in the database."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from shouhu.core.scoping import subtree_range
from shouhu.org.models import Region, RegionLevel, Term, full_code
from shouhu.testing.dates import YEARS, day, term_code
from shouhu.testing.factories import (
    ClassEnrolmentFactory,
    SchoolClassFactory,
    TermFactory,
    TownshipFactory,
)


def test_full_code_and_subtree_range():
    assert full_code("511781") == "511781000000"
    assert subtree_range("511781101") == ("511781101000", "511781101999")


def test_region_prefix_depends_on_its_level(tree):
    assert tree.county.prefix == "511781"
    assert tree.township_a.prefix == "511781101"
    assert tree.village_a.prefix == "511781101101"


def test_region_code_must_start_with_its_parents_prefix(tree):
    stray = Region(code="511702201000", name="错镇", level=RegionLevel.TOWNSHIP, parent=tree.county)
    with pytest.raises(ValidationError) as excinfo:
        stray.full_clean()
    assert "上级区划代码" in excinfo.value.message_dict["code"][0]


def test_region_code_must_have_twelve_digits(tree):
    with pytest.raises(ValidationError) as excinfo:
        Region(code="511781", name="万源市", level=RegionLevel.COUNTY).full_clean()
    assert "12位" in excinfo.value.message_dict["code"][0]


def test_factory_townships_sit_under_their_county(tree):
    township = TownshipFactory(parent=tree.county)
    township.full_clean()
    assert township.code.startswith("511781")
    assert len(township.code) == 12


def test_term_code_must_match_year_and_semester(db):
    term = Term(
        code=term_code("2026-2027-2"),
        start_year=2026 + YEARS,
        semester=1,
        starts_on=day(2026, 9, 1),
        ends_on=day(2027, 1, 20),
    )
    with pytest.raises(ValidationError) as excinfo:
        term.full_clean()
    assert "学期代码" in excinfo.value.message_dict["code"][0]


def test_term_must_end_after_it_starts(db):
    with pytest.raises(IntegrityError):
        TermFactory(ends_on=day(2026, 8, 1))


def test_term_contains_its_first_and_last_day(tree):
    assert tree.term.contains(day(2026, 9, 1))
    assert tree.term.contains(day(2027, 1, 20))
    assert not tree.term.contains(day(2027, 1, 21))
    assert str(tree.term) == f"{2026 + YEARS}–{2027 + YEARS}学年第一学期"


def test_class_names_are_unique_within_a_school(tree):
    with pytest.raises(IntegrityError):
        SchoolClassFactory(school=tree.school_a, name="三年级(2)班")


def test_a_class_name_may_repeat_in_another_school(tree):
    same_name = SchoolClassFactory(school=tree.school_b, name="三年级(2)班")
    assert same_name.pk


def test_one_enrolment_per_class_and_term(tree):
    with pytest.raises(IntegrityError):
        ClassEnrolmentFactory(school_class=tree.class_a, term=tree.term, pupils=41)
