"""The 18-digit resident ID number (GB 11643): normalising, checking, and building for tests."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from shouhu.core.idnumber import (
    IdNumberError,
    birth_date_of,
    make_id_number,
    normalise_id_number,
    sex_of,
    validate_id_number,
)

BORN = datetime.date(2017, 5, 14)
# Serial 007 gives the check character X for this county and date.
VALID_X = "51178120170514007X"
VALID = make_id_number(county="511781", birth_date=BORN, serial=123)

# ISO 7064 MOD 11-2 weights of GB 11643: 2^(17-i) mod 11 for the 17 body digits.
WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]


def with_check(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


def test_make_id_number_carries_county_birth_date_serial_and_a_valid_check():
    assert VALID[:17] == "51178120170514123"
    assert birth_date_of(VALID) == BORN
    assert validate_id_number(VALID) == VALID


def test_serial_seven_gives_check_character_x():
    assert make_id_number(county="511781", birth_date=BORN, serial=7) == VALID_X


@pytest.mark.parametrize(
    "raw",
    [
        "５１１７８１２０１７０５１４００７Ｘ",  # full-width digits and X
        "５１１７８１２０１７０５１４００７ｘ",  # full-width lowercase x
        "51178120170514007x",  # lowercase x
        " 511781 20170514 007X ",  # spaces
        "511781\u300020170514\u3000007x",  # ideographic spaces from a Chinese keyboard
        "511781-20170514-007X",  # dashes
    ],
)
def test_normalisation_accepts_full_width_digits_lowercase_x_spaces_and_dashes(raw):
    assert normalise_id_number(raw) == VALID_X
    assert validate_id_number(raw) == VALID_X


def test_wrong_check_digit_is_refused_with_a_message_about_the_check_digit():
    wrong = VALID_X[:17] + "0"
    with pytest.raises(IdNumberError) as excinfo:
        validate_id_number(wrong)
    assert "校验位" in str(excinfo.value)


def test_birth_date_that_differs_from_the_number_is_refused_naming_both_dates():
    with pytest.raises(IdNumberError) as excinfo:
        validate_id_number(VALID_X, birth_date=datetime.date(2017, 5, 15))
    message = str(excinfo.value)
    assert "不一致" in message
    assert "2017-05-14" in message
    assert "2017-05-15" in message


def test_matching_birth_date_is_accepted():
    assert validate_id_number(VALID_X, birth_date=BORN) == VALID_X


def test_birth_date_in_the_future_is_refused():
    next_month = datetime.date.today() + datetime.timedelta(days=30)
    number = make_id_number(county="511781", birth_date=next_month, serial=11)
    with pytest.raises(IdNumberError) as excinfo:
        validate_id_number(number)
    assert "晚于今天" in str(excinfo.value)


@pytest.mark.parametrize(
    "raw, length",
    [(VALID_X[:17], 17), (VALID_X + "1", 19), ("", 0), ("5117812017", 10)],
)
def test_wrong_length_is_refused_with_the_length_in_the_message(raw, length):
    with pytest.raises(IdNumberError) as excinfo:
        validate_id_number(raw)
    message = str(excinfo.value)
    assert "18位" in message
    assert f"当前为{length}位" in message


def test_letters_other_than_a_final_x_are_refused():
    with pytest.raises(IdNumberError) as excinfo:
        validate_id_number("5117812017A514007X")
    assert "只能包含数字" in str(excinfo.value)


def test_impossible_birth_date_is_refused():
    number = with_check("51178120170231001")  # 31 February
    with pytest.raises(IdNumberError) as excinfo:
        validate_id_number(number)
    assert "出生日期无效" in str(excinfo.value)


def test_unknown_county_code_is_refused():
    number = with_check("99999920170514001")
    with pytest.raises(IdNumberError) as excinfo:
        validate_id_number(number)
    assert "行政区划代码" in str(excinfo.value)


def test_sex_is_read_from_the_seventeenth_digit():
    assert sex_of(make_id_number(county="511781", birth_date=BORN, serial=1)) == "male"
    assert sex_of(make_id_number(county="511781", birth_date=BORN, serial=2)) == "female"


def test_mod_11_weights_detect_every_single_digit_substitution():
    """Why the property below holds: 11 is prime and no weight is 0 mod 11, so changing digit i
    by any d in 1..9 changes the weighted sum by w_i * d, which is never 0 mod 11."""
    assert WEIGHTS == [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    assert all((w * d) % 11 != 0 for w in WEIGHTS for d in range(1, 10))


dates = st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2025, 12, 31))
serials = st.integers(min_value=0, max_value=999)
# Counties valid over all of 1990–2025 in python-stdnum's table (511781 exists only from 1999).
counties = st.sampled_from(["110101", "360426"])


@given(county=counties, birth_date=dates, serial=serials)
def test_made_numbers_are_valid_and_carry_their_birth_date(county, birth_date, serial):
    number = make_id_number(county=county, birth_date=birth_date, serial=serial)
    assert validate_id_number(number, birth_date=birth_date) == number
    assert sex_of(number) == ("male" if serial % 2 else "female")


@given(
    birth_date=st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2025, 12, 31)),
    serial=serials,
)
def test_made_numbers_of_wanyuan_children_are_valid(birth_date, serial):
    number = make_id_number(county="511781", birth_date=birth_date, serial=serial)
    assert validate_id_number(number, birth_date=birth_date) == number


@given(
    county=counties,
    birth_date=dates,
    serial=serials,
    position=st.integers(min_value=0, max_value=16),
    delta=st.integers(min_value=1, max_value=9),
)
def test_changing_any_single_body_digit_is_refused(county, birth_date, serial, position, delta):
    number = make_id_number(county=county, birth_date=birth_date, serial=serial)
    digit = (int(number[position]) + delta) % 10
    changed = number[:position] + str(digit) + number[position + 1 :]
    assert ric.calc_check_digit(changed) != number[17]
    with pytest.raises(IdNumberError):
        validate_id_number(changed)
