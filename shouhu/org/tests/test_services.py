"""The classes' move up a grade at the year-end handover (the whole handover is tested with the
register in `registry/tests/test_handover.py`)."""

import pytest

from shouhu.org.services import next_class_name


@pytest.mark.parametrize(
    ("name", "grade", "expected"),
    [
        ("三年级(2)班", 3, "四年级(2)班"),
        ("3年级2班", 3, "4年级2班"),
        ("初一(1)班", 7, "初二(1)班"),
        ("七年级(1)班", 7, "八年级(1)班"),
        ("火箭班", 4, None),
    ],
)
def test_a_class_name_moves_up_with_its_grade(name, grade, expected):
    assert next_class_name(name, grade) == expected
