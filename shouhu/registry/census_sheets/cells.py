"""A census sheet's cells, parsed (`importing`, step 2): dirty input is accepted (full-width
digits, `x`, dates in six shapes, labels, synonyms, traditional characters, +86 phones); what
cannot be trusted is refused with the column and the reason in Chinese (`CellProblem`), and
reported with the row (`CellError`)."""

import datetime
import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from shouhu.core.idnumber import birth_date_of, normalise_id_number
from shouhu.core.text import clean_name
from shouhu.registry.census_sheets.columns import (
    CLEAR_WORDS,
    NO,
    NONE_WORDS,
    YES,
    enum_index,
    enum_value,
    grade_of,
    label_key,
)
from shouhu.registry.classification import Category, ParentStatus
from shouhu.registry.flags import flag_settable
from shouhu.registry.models import CensusSource, Flag, HukouType, Sex
from shouhu.registry.services import COUNSELLOR_ONLY_FLAGS

SCIENTIFIC = re.compile(r"^\d(\.\d+)?e\+?\d+$", re.IGNORECASE)
DATE_PARTS = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
FLAG_SPLIT = re.compile(r"[、，,;；/\s]+")
ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
CHINESE_DIGITS = {w: n for n, w in enumerate("一二三四五六七八九十", start=1)}


@dataclass
class CellError:
    row: int
    field: str  # the column's header
    value: str
    reason: str

    def __str__(self) -> str:
        return _("第%(row)d行「%(field)s」：%(reason)s") % {
            "row": self.row,
            "field": self.field,
            "reason": self.reason,
        }


class CellProblem(Exception):
    """A cell that cannot be used: the column's key and the reason."""

    def __init__(self, key: str, reason: str):
        super().__init__(reason)
        self.key = key
        self.reason = reason


EXACT_DIGITS = 10**15  # a spreadsheet keeps 15 significant digits of a number, no more


def normal_cell(value: Any) -> Any:
    """A cell as the reader gives it, in one shape for every format: an empty cell is None;
    a whole number is an int (an .xls or .ods stores 63 as 63.0) unless it is too long to be
    exact, so that an ID number stored as a number stays a float and is refused
    (`parse_id_number`); a date at midnight is a date. Text stays text as written (a CSV's
    cells all are): the parsers below read numbers and dates from text too."""
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < EXACT_DIGITS:
        return int(value)
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date()
    return value


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def cell_shown(value: Any) -> str:
    """A cell as the error report and the preview quote it."""
    if isinstance(value, float) and not value.is_integer():
        return repr(value)
    return cell_text(value)


def parse_id_number(value: Any) -> str:
    """The raw ID number text, or a refusal when Excel has turned it into a number."""
    if isinstance(value, float) or (isinstance(value, str) and SCIENTIFIC.match(value.strip())):
        raise CellProblem(
            "id_number",
            _(
                "身份证号被保存成了数字（科学计数法，如 5.1178E+17），末尾几位已经丢失，无法恢复。"
                "请把该列设为「文本」格式后重新填写完整的18位号码。"
            ),
        )
    return cell_text(value)


def parse_date(value: Any, key: str) -> datetime.date | None:
    """Real Excel dates, 2015-3-7, 2015/03/07, 2015.3.7, 2015年3月7日 and 20150307."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = int(value)
            if 19000101 <= number <= 21001231:
                return datetime.date(number // 10000, number // 100 % 100, number % 100)
            if 1 <= value < 100_000:
                return from_excel(value).date()
        text = unicodedata.normalize("NFKC", str(value)).strip().split(" ")[0]
        match = DATE_PARTS.match(text) or COMPACT_DATE.match(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            return datetime.date(year, month, day)
    except (ValueError, OverflowError):
        pass
    raise CellProblem(
        key,
        _("无法识别的日期「%(v)s」，请写成 2015-03-07 这样的格式。") % {"v": cell_shown(value)},
    )


def _labels(kind: str) -> str:
    choices = {
        "sex": Sex.choices,
        "hukou_type": HukouType.choices,
        "status": ParentStatus.choices,
        "flag": Flag.choices,
        "source": CensusSource.choices,
        "category": Category.choices,
    }[kind]
    return "、".join(str(label) for _value, label in choices)


def parse_enum(value: Any, *, kind: str, key: str, required: bool = False) -> str | None:
    text = cell_text(value)
    if not text:
        if required:
            raise CellProblem(key, _("必填，不能为空。"))
        return None
    found = enum_value(kind, text)
    if found is None:
        raise CellProblem(
            key, _("无法识别「%(v)s」，可填：%(labels)s。") % {"v": text, "labels": _labels(kind)}
        )
    return found


@functools.cache
def _clear_keys() -> frozenset[str]:
    return frozenset(label_key(w) for w in CLEAR_WORDS)


def parse_optional_text(value: Any) -> str | None:
    """An optional text cell: None when blank (what is on file stays), "" for a clear marker
    such as 无 (what is on file is cleared), otherwise the text."""
    text = cell_text(value)
    if not text:
        return None
    # Only a short cell can be a marker: phones and addresses stay out of label_key's cache.
    return "" if len(text) <= 4 and label_key(text) in _clear_keys() else text


def parse_optional_name(value: Any) -> str | None:
    """An optional name or phone cell, as `parse_optional_text`, without spoofing characters
    (`core.text.clean_name`)."""
    text = parse_optional_text(value)
    return (clean_name(text) or None) if text else text


def parse_flags(value: Any, *, actor) -> set[str] | None:
    """None when blank (the flags on file stay); an empty set for 无 (they are closed)."""
    text = cell_text(value)
    if not text:
        return None
    if label_key(text) in {label_key(w) for w in NONE_WORDS}:
        return set()
    flags = set()
    index = enum_index("flag")
    for word in FLAG_SPLIT.split(text):
        if not word:
            continue
        flag = index.get(label_key(word))
        if flag is None:
            raise CellProblem(
                "flags",
                _("无法识别的重点对象「%(v)s」，可填：%(labels)s，多项用顿号分隔。")
                % {"v": word, "labels": _labels("flag")},
            )
        if flag in COUNSELLOR_ONLY_FLAGS and not flag_settable(actor, flag):
            raise CellProblem("flags", _("「心理问题」只能由心理辅导教师标记，请从表中删去。"))
        flags.add(flag)
    return flags


def parse_bool(value: Any, key: str) -> bool | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return value
    text = label_key(cell_text(value))
    if text in {label_key(w) for w in YES}:
        return True
    if text in {label_key(w) for w in NO}:
        return False
    raise CellProblem(key, _("请填「是」或「否」，当前为「%(v)s」。") % {"v": cell_text(value)})


def parse_age(value: Any) -> int | str | None:
    """None when blank (kept), "" for a clear marker, otherwise the age."""
    cleared = parse_optional_text(value)
    if cleared == "":
        return ""
    text = unicodedata.normalize("NFKC", cell_text(value)).removesuffix("岁").strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= 120:
        raise CellProblem(
            "guardian_age", _("年龄应为1–120之间的整数，当前为「%(v)s」。") % {"v": text}
        )
    return int(text)


def well_formed_id(raw: str) -> str | None:
    """The normalised number when it has the shape of one (18 characters, a real birth date);
    its full check is the model's, so that it runs once per row."""
    number = normalise_id_number(raw)
    if not ID_SHAPE.match(number):
        return None
    try:
        birth_date_of(number)
    except ValueError:
        return None
    return number


def ethnicity_of(text: str) -> str:
    """汉 → 汉族, 土家 → 土家族; empty → 汉族 (the model's default)."""
    if not text:
        return "汉族"
    return text if text.endswith(("族", "人")) else text + "族"


def class_number(text: str) -> int | None:
    """The class's number in 三年级(2)班, 2班, (2), 二班 or a bare 2."""
    digits = re.findall(r"\d+", text)
    if digits:
        return int(digits[-1])
    match = re.search(r"([一二三四五六七八九十])班", text)
    return CHINESE_DIGITS.get(match.group(1)) if match else None


def grade_in(text: str) -> int | None:
    match = re.match(r"^(初[一二三]|[一二三四五六七八九]年级|\d年级)", text)
    return grade_of(match.group(1)) if match else None
