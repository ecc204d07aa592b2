"""The pure rules of grades: default subjects, a score's range and shape, the class-rank
percentile and what "improved" means."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shouhu.schooling.grading import (
    Progress,
    ScoreError,
    default_subjects,
    parse_score,
    percentiles,
    subject_of,
)


def test_english_and_science_start_in_grade_three_physics_in_eight_chemistry_in_nine():
    assert "english" not in default_subjects(2) and "english" in default_subjects(3)
    assert "science" in default_subjects(6) and "science" not in default_subjects(7)
    assert "physics" not in default_subjects(7) and "physics" in default_subjects(8)
    assert "chemistry" in default_subjects(9) and "chemistry" not in default_subjects(8)


def test_a_subject_is_read_from_its_chinese_name_code_or_old_name():
    assert subject_of(" 语 文 ") == "chinese"
    assert subject_of("maths") == "maths"
    assert subject_of("思想品德") == "morality"
    assert subject_of("总分") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("95", Decimal("95.0")), ("９５．５", Decimal("95.5")), (100, Decimal("100.0")), (0, 0)],
)
def test_a_score_from_zero_to_the_full_mark_is_kept(raw, expected):
    assert parse_score(raw, full_mark=100) == expected


@pytest.mark.parametrize(("raw"), ["", "  ", None])
def test_a_blank_score_is_not_entered(raw):
    assert parse_score(raw, full_mark=100) is None


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("101", "超出范围：应在0到满分100之间"),
        ("-1", "超出范围"),
        ("缺考", "成绩应为数字"),
        ("95.25", "最多保留一位小数"),
        ("nan", "成绩应为数字"),
        (True, "成绩应为数字"),
    ],
)
def test_a_score_out_of_range_or_not_a_number_is_refused_with_the_reason(raw, reason):
    with pytest.raises(ScoreError, match=reason):
        parse_score(raw, full_mark=100)


def test_a_class_ranks_by_rate_with_ties_counting_half():
    found = percentiles({1: 0.9, 2: 0.8, 3: 0.8, 4: 0.5})
    assert found == {1: 1.0, 2: 0.5, 3: 0.5, 4: 0.0}
    assert percentiles({7: 0.3}) == {7: 0.5}


@given(st.dictionaries(st.integers(), st.floats(0, 1), min_size=2, max_size=40))
def test_percentiles_lie_between_zero_and_one_and_keep_the_order(rates):
    found = percentiles(rates)
    assert all(0 <= p <= 1 for p in found.values())
    for a in rates:
        for b in rates:
            if rates[a] < rates[b]:
                assert found[a] < found[b]


def test_improved_means_a_higher_place_and_keeping_the_top_is_not_improving():
    assert Progress(before=0.4, after=0.6).improved
    assert Progress(before=0.4, after=0.6).change_points == 20
    assert not Progress(before=1.0, after=1.0).improved
    assert not Progress(before=0.6, after=0.4).improved
