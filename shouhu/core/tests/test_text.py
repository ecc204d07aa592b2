"""Names without spoofing characters, reasons that say something (issue 12.12)."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from shouhu.core.phones import normalise_phone
from shouhu.core.text import clean_name, reason_check, strip_invisible

SPOOFING = [
    "\u202e",  # right-to-left override
    "\u202d",  # left-to-right override
    "\u2066",  # left-to-right isolate
    "\u2067",  # right-to-left isolate
    "\u200f",  # right-to-left mark
    "\u200b",  # zero-width space
    "\u200c",  # zero-width non-joiner
    "\u200d",  # zero-width joiner
    "\u2060",  # word joiner
    "\ufeff",  # byte-order mark
    "\u00ad",  # soft hyphen
    "\u3164",  # Hangul filler
    "\x00",
]


@pytest.mark.parametrize("char", SPOOFING)
def test_spoofing_characters_are_stripped_from_a_name(char):
    assert clean_name(f"{char}王{char}小明{char}") == "王小明"


@pytest.mark.parametrize("char", SPOOFING)
def test_spoofing_characters_are_stripped_from_a_phone(char):
    assert normalise_phone(f"138{char}0013{char}8000") == "13800138000"


def test_a_name_keeps_its_middle_dot_and_one_space():
    assert clean_name("  阿依古丽·买买提 ") == "阿依古丽·买买提"
    assert clean_name("Mary \u3000 Jane") == "Mary Jane"


@given(st.text())
def test_a_cleaned_name_has_no_format_or_control_character_and_cleaning_twice_changes_nothing(
    text,
):
    cleaned = clean_name(text)
    assert strip_invisible(cleaned) == cleaned
    assert clean_name(cleaned) == cleaned


@pytest.mark.parametrize(
    "reason",
    ["", "核对", "看看看看", "啊 啊 啊 啊", "aaaaaaaaaa", "check", "1111111111", "。。。。"],
)
def test_a_reason_that_says_nothing_is_refused(reason):
    with pytest.raises(ValidationError):
        reason_check(reason)


@pytest.mark.parametrize(
    "reason", ["核对学籍", "电话联系家长核实", "call parent", "家访前核对住址"]
)
def test_a_reason_that_says_something_is_kept(reason):
    assert reason_check(reason) == reason
