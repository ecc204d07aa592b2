"""Who is a left-behind child (domain README, "the classification"): a pure function."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shouhu.registry.classification import (
    Category,
    ParentStatus,
    age_on,
    category_of,
    classify,
)

H = ParentStatus.AT_HOME
M = ParentStatus.MIGRANT
D = ParentStatus.DECEASED
I = ParentStatus.INCAPABLE  # noqa: E741
A = ParentStatus.ABSENT
N = None  # no record of this parent

BOTH = Category.BOTH_AWAY
OTHER_CANNOT = Category.ONE_AWAY_OTHER_INCAPABLE
ONE = Category.ONE_AWAY
NOT = Category.NOT_LEFT_BEHIND

# Every (father, mother) pair, written out: 6 × 6 = 36 rows.
TABLE = [
    (H, H, NOT), (H, M, ONE), (H, D, NOT), (H, I, NOT), (H, A, NOT), (H, N, NOT),
    (M, H, ONE), (M, M, BOTH), (M, D, OTHER_CANNOT), (M, I, OTHER_CANNOT), (M, A, OTHER_CANNOT), (M, N, OTHER_CANNOT),  # noqa: E501
    (D, H, NOT), (D, M, OTHER_CANNOT), (D, D, NOT), (D, I, NOT), (D, A, NOT), (D, N, NOT),
    (I, H, NOT), (I, M, OTHER_CANNOT), (I, D, NOT), (I, I, NOT), (I, A, NOT), (I, N, NOT),
    (A, H, NOT), (A, M, OTHER_CANNOT), (A, D, NOT), (A, I, NOT), (A, A, NOT), (A, N, NOT),
    (N, H, NOT), (N, M, OTHER_CANNOT), (N, D, NOT), (N, I, NOT), (N, A, NOT), (N, N, NOT),
]  # fmt: skip

STATUSES = [*ParentStatus, None]
BORN = datetime.date(2017, 5, 14)
SURVEY_DAY = datetime.date(2026, 9, 1)


def test_table_covers_every_pair_once():
    assert sorted((str(f), str(m)) for f, m, _ in TABLE) == sorted(
        (str(f), str(m)) for f in STATUSES for m in STATUSES
    )


@pytest.mark.parametrize("father, mother, expected", TABLE)
def test_category_of_every_status_pair(father, mother, expected):
    assert category_of(father, mother) == expected


@pytest.mark.parametrize("father, mother, expected", TABLE)
def test_definitions_of_every_status_pair_for_a_rural_child_under_16(father, mother, expected):
    result = classify(father=father, mother=mother, birth_date=BORN, rural=True, on=SURVEY_DAY)
    assert result.category == expected
    assert result.education == (expected in {BOTH, OTHER_CANNOT, ONE})
    assert result.civil == (expected in {BOTH, OTHER_CANNOT})


def test_status_values_as_plain_strings_are_accepted():
    assert category_of("migrant", "deceased") == OTHER_CANNOT


def test_child_is_counted_by_the_civil_definition_the_day_before_turning_16():
    born = datetime.date(2010, 11, 29)
    result = classify(
        father=M, mother=M, birth_date=born, rural=True, on=datetime.date(2026, 11, 28)
    )
    assert result.civil is True


def test_child_is_not_counted_by_the_civil_definition_on_the_16th_birthday():
    born = datetime.date(2010, 11, 29)
    result = classify(
        father=M, mother=M, birth_date=born, rural=True, on=datetime.date(2026, 11, 29)
    )
    assert result.civil is False
    assert result.education is True  # the education definition has no age limit


def test_child_born_on_29_february_turns_16_on_1_march_in_a_common_year():
    born = datetime.date(2008, 2, 29)
    assert age_on(born, datetime.date(2024, 2, 28)) == 15
    assert age_on(born, datetime.date(2024, 2, 29)) == 16
    assert age_on(born, datetime.date(2023, 2, 28)) == 14
    assert age_on(born, datetime.date(2023, 3, 1)) == 15


@pytest.mark.parametrize("category_pair", [(M, M), (M, D), (M, H)])
def test_urban_household_registration_is_never_counted_by_the_civil_definition(category_pair):
    father, mother = category_pair
    result = classify(father=father, mother=mother, birth_date=BORN, rural=False, on=SURVEY_DAY)
    assert result.civil is False
    assert result.education is True


statuses = st.sampled_from(STATUSES)
birth_dates = st.dates(min_value=datetime.date(2005, 1, 1), max_value=datetime.date(2024, 12, 31))
days = st.dates(min_value=datetime.date(2025, 1, 1), max_value=datetime.date(2030, 12, 31))


@given(father=statuses, mother=statuses)
def test_category_does_not_depend_on_which_parent_is_which(father, mother):
    assert category_of(father, mother) == category_of(mother, father)


@given(father=statuses, mother=statuses, born=birth_dates, on=days, rural=st.booleans())
def test_every_child_counted_by_the_civil_definition_is_counted_by_the_education_one(
    father, mother, born, on, rural
):
    result = classify(father=father, mother=mother, birth_date=born, rural=rural, on=on)
    assert not result.civil or result.education
    assert result.education == (result.category != NOT)


@given(born=birth_dates, on=days)
def test_age_matches_counting_birthdays(born, on):
    birthdays_passed = sum(
        1
        for year in range(born.year + 1, on.year + 1)
        if (on.month, on.day) >= (born.month, born.day) or year < on.year
    )
    assert age_on(born, on) == birthdays_passed
