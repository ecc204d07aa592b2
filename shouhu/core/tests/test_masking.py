"""What the screen shows of ID numbers and phone numbers."""

import pytest

from shouhu.core.masking import mask_id_number, mask_phone


def test_id_number_keeps_first_four_and_last_four():
    assert mask_id_number("511781201705140037") == "5117**********0037"


def test_id_number_mask_hides_the_birth_date():
    masked = mask_id_number("511781201705140037")
    assert "20170514" not in masked
    assert len(masked) == 18


@pytest.mark.parametrize("empty", [None, ""])
def test_missing_values_show_nothing(empty):
    assert mask_id_number(empty) == ""
    assert mask_phone(empty) == ""


def test_mobile_keeps_first_three_and_last_four():
    assert mask_phone("13812345678") == "138****5678"


def test_landline_with_three_digit_area_code_keeps_area_code_and_last_four():
    assert mask_phone("02887654321") == "028****4321"


def test_landline_with_four_digit_area_code_keeps_area_code_and_last_four():
    # The docstring's promise: "landlines keep their area code and last four digits".
    assert mask_phone("08188621234") == "0818***1234"


def test_short_number_keeps_only_last_two():
    assert mask_phone("1234567") == "*****67"
