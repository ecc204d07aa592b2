"""Pinyin keys for finding and sorting children by name."""

import pytest

from shouhu.core.pinyin import name_keys


def test_full_pinyin_and_initials_of_a_common_name():
    assert name_keys("李家成") == ("lijiacheng", "ljc")


@pytest.mark.parametrize(
    "name, pinyin, initials",
    [
        ("曾小雨", "zengxiaoyu", "zxy"),  # not "ceng", pypinyin's reading of 曾 alone
        ("单丽", "shanli", "sl"),  # not "dan"
        ("解晓东", "xiexiaodong", "xxd"),  # not "jie"
        ("仇明", "qiuming", "qm"),
        ("朴正浩", "piaozhenghao", "pzh"),
        ("长孙无忌", "zhangsunwuji", "zswj"),  # two-character surname read as a surname
        ("尉迟恭", "yuchigong", "ycg"),
    ],
)
def test_surnames_with_a_special_reading_are_read_as_surnames(name, pinyin, initials):
    assert name_keys(name) == (pinyin, initials)


def test_a_special_character_inside_a_given_name_keeps_its_ordinary_reading():
    # The surname readings apply only at the start of the name.
    assert name_keys("李曾经") == ("licengjing", "lcj")
    assert name_keys("王单单") == ("wangdandan", "wdd")


def test_surrounding_spaces_are_ignored():
    assert name_keys("  李家成 ") == ("lijiacheng", "ljc")


def test_keys_are_lowercase_ascii():
    pinyin, initials = name_keys("欧阳娜娜")
    assert pinyin == "ouyangnana"
    assert initials == "oynn"
    assert pinyin.isascii() and pinyin.islower()


def test_characters_that_are_not_chinese_are_dropped():
    assert name_keys("李·家成") == ("lijiacheng", "ljc")


def test_empty_name_gives_empty_keys():
    assert name_keys("") == ("", "")
