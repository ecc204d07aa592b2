"""Mainland phone numbers: what people type, and what is stored."""

import pytest
from django.core.exceptions import ValidationError

from shouhu.core.phones import normalise_phone, validate_phone


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        "+86 138-1234-5678",
        "+8613812345678",
        "0086 138 1234 5678",
        "138 1234 5678",
        "138-1234-5678",
        "１３８１２３４５６７８",  # full-width digits
        " 13812345678 ",
    ],
)
def test_mobile_numbers_are_accepted_with_country_code_spaces_and_dashes(raw):
    assert validate_phone(raw) == "13812345678"


@pytest.mark.parametrize(
    "raw, stored",
    [
        ("0818-8621234", "08188621234"),  # 达州: 4-digit area code, 7-digit number
        ("(0818)8621234", "08188621234"),
        ("（0818）8621234", "08188621234"),  # full-width brackets
        ("028-87654321", "02887654321"),  # 成都: 3-digit area code, 8-digit number
        ("010 6512 3456", "01065123456"),
        ("+86 0818-8621234", "08188621234"),
    ],
)
def test_landlines_with_area_code_are_accepted(raw, stored):
    assert validate_phone(raw) == stored


@pytest.mark.parametrize("raw, length", [("1381234567", 10), ("138123456789", 12)])
def test_mobile_of_wrong_length_is_refused_with_a_chinese_message(raw, length):
    with pytest.raises(ValidationError) as excinfo:
        validate_phone(raw)
    message = excinfo.value.messages[0]
    assert "手机号应为11位" in message
    assert f"当前为{length}位" in message


def test_mobile_with_an_impossible_second_digit_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        validate_phone("12012345678")
    assert "手机号" in excinfo.value.messages[0]


@pytest.mark.parametrize("raw", ["8621234", "0818-12", "08188621234567", "99999999999"])
def test_numbers_that_are_neither_mobile_nor_landline_are_refused(raw):
    with pytest.raises(ValidationError) as excinfo:
        validate_phone(raw)
    assert "固定电话" in excinfo.value.messages[0]


def test_letters_are_refused():
    with pytest.raises(ValidationError) as excinfo:
        validate_phone("138abcd5678")
    assert "只能包含数字" in excinfo.value.messages[0]


def test_normalise_keeps_digits_only():
    assert normalise_phone(" +86 (138) 1234-5678 ") == "13812345678"
