"""The census sheet's columns and enumerations, and how a header or a label is recognised.

Headers and enumeration labels are matched after NFKC (full-width → ASCII), traditional →
simplified (opencc, for labels only: people's names are never converted), and removing spaces.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from shouhu.registry.classification import Category, ParentStatus
from shouhu.registry.models import CensusSource, Flag, HukouType, Sex


@functools.cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=8192)  # the same labels come back on every row
def label_key(text: object) -> str:
    """The comparable form of a header or an enumeration label (never used on names)."""
    value = unicodedata.normalize("NFKC", str(text))
    value = "".join(value.split())
    if not value.isascii():
        value = _t2s().convert(value)
    return value.lower()


def header_key(text: object) -> str:
    """A header without required-markers (*), notes in brackets and trailing colons."""
    value = label_key(text)
    value = re.sub(r"[（(【\[].*?[）)】\]]", "", value)
    return value.strip("*＊:：")


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the template's header, exactly as the issue names it
    required: bool = False
    aliases: tuple[str, ...] = ()
    note: Any = ""  # a lazily translated string


COLUMNS: list[Column] = [
    Column("name", "姓名", True, ("儿童姓名", "学生姓名")),
    Column("sex", "性别", False, (), _("可空，空时取身份证号中的性别")),
    Column(
        "id_number",
        "身份证号",
        True,
        ("身份证号码", "公民身份号码", "身份证件号", "身份证件号码", "儿童身份证号"),
        _("请设为文本格式，18位，最后一位可以是X"),
    ),
    Column(
        "birth_date",
        "出生日期",
        False,
        ("出生年月日", "出生年月", "生日"),
        _("可空，空时取身份证号中的日期"),
    ),
    Column("ethnicity", "民族"),
    Column("hukou_type", "户籍类型", False, ("户口性质", "户籍性质", "户口类型", "户籍")),
    Column("address", "家庭住址", False, ("住址", "家庭地址", "现住址", "家庭详细住址")),
    Column("school_code", "学校标识码", True, ("学校代码", "学校识别码")),
    Column("grade", "年级", False, (), _("如 三年级；班级名称已含年级时可空")),
    Column("class_name", "班级", True, ("班级名称", "所在班级"), _("如 三年级(2)班 或 2班")),
    Column("boarding", "是否寄宿", False, ("寄宿", "是否住校", "住校")),
    Column("father_name", "父亲姓名"),
    Column("father_status", "父亲状况", True, ("父亲情况", "父亲状态", "父亲去向")),
    Column("father_destination", "父亲务工地", False, ("父亲务工地点", "父亲外出务工地")),
    Column("father_employer", "父亲工作单位"),
    Column("father_phone", "父亲电话", False, ("父亲联系电话", "父亲手机", "父亲手机号")),
    Column("mother_name", "母亲姓名"),
    Column("mother_status", "母亲状况", True, ("母亲情况", "母亲状态", "母亲去向")),
    Column("mother_destination", "母亲务工地", False, ("母亲务工地点", "母亲外出务工地")),
    Column("mother_employer", "母亲工作单位"),
    Column("mother_phone", "母亲电话", False, ("母亲联系电话", "母亲手机", "母亲手机号")),
    Column("guardian_name", "监护人姓名", False, ("委托监护人姓名", "委托监护人")),
    Column(
        "guardian_relation",
        "与儿童关系",
        False,
        ("监护人与儿童关系", "与学生关系", "与儿童的关系", "监护人关系"),
    ),
    Column("guardian_phone", "监护人电话", False, ("监护人联系电话", "监护人手机")),
    Column("guardian_age", "监护人年龄"),
    Column("guardian_health", "监护人健康状况", False, ("监护人身体状况",)),
    Column("guardian_address", "监护人住址"),
    Column("flags", "重点对象", False, ("重点对象类型", "特殊情况"), _("可填多项，用顿号分隔")),
    Column("source", "信息来源", False, ("排查方式", "排查来源")),
    Column("category", "留守类别", False, ("类别", "留守类型", "留守儿童类别")),
]
BY_KEY = {c.key: c for c in COLUMNS}
# The template's own columns: those the issue names (the optional extras are recognised only).
TEMPLATE_KEYS = [
    c.key
    for c in COLUMNS
    if c.key not in {"father_employer", "mother_employer", "guardian_address", "category"}
]


@functools.cache
def _header_index() -> dict[str, str]:
    index = {}
    for column in COLUMNS:
        for name in (column.header, *column.aliases):
            index[header_key(name)] = column.key
    return index


# A group over sub-headers in a two-row header: "父亲情况" over "姓名", "委托监护人" over "电话".
GROUP_PREFIXES = {
    "父亲": "父亲",
    "母亲": "母亲",
    "监护人": "监护人",
    "委托监护人": "监护人",
}


def column_for(header: object, group: object = None) -> str | None:
    """The column key of a header cell, with the group above it when the header has two rows."""
    index = _header_index()
    lower = header_key(header) if header not in (None, "") else ""
    if group not in (None, ""):
        upper = re.sub(r"(情况|信息|基本情况)$", "", header_key(group))
        prefix = GROUP_PREFIXES.get(upper)
        if prefix and lower:
            key = index.get(header_key(prefix + lower))
            if key is None and lower.startswith(prefix):
                key = index.get(lower)
            if key:
                return key
        if not lower:
            return index.get(header_key(group))
    return index.get(lower) if lower else None


# --- enumerations -----------------------------------------------------------------------------

SEX_SYNONYMS = {Sex.MALE: ("男", "男性", "m", "male"), Sex.FEMALE: ("女", "女性", "f", "female")}
HUKOU_SYNONYMS = {
    HukouType.RURAL: ("农业户口", "农业", "农村", "农村户口", "农户", "农"),
    HukouType.URBAN: ("非农业户口", "非农业", "非农", "城镇", "城镇户口", "城市户口", "居民户口"),
    HukouType.NONE: ("无户籍", "无户口", "未登记户口", "未落户", "黑户"),
}
PARENT_STATUS_SYNONYMS = {
    ParentStatus.AT_HOME: ("在家", "在家务农", "务农", "在家中", "在本地", "本地务工", "本地"),
    ParentStatus.MIGRANT: (
        "外出务工·经商",
        "外出务工经商",
        "外出务工",
        "外出经商",
        "外出打工",
        "打工",
        "外出",
        "务工",
        "经商",
    ),
    ParentStatus.DECEASED: ("死亡", "去世", "已故", "病故", "亡故"),
    ParentStatus.INCAPABLE: (
        "无监护能力",
        "重病",
        "重度残疾",
        "服刑",
        "在押",
        "失踪",
        "丧失监护能力",
    ),
    ParentStatus.ABSENT: (
        "离异后不履行监护",
        "离异",
        "离婚",
        "下落不明",
        "离家出走",
        "不履行监护",
        "改嫁",
    ),
}
CATEGORY_SYNONYMS = {
    Category.BOTH_AWAY: ("父母双方外出", "双方外出", "父母均外出", "父母外出"),
    Category.ONE_AWAY_OTHER_INCAPABLE: ("一方外出另一方无监护能力",),
    Category.ONE_AWAY: ("一方外出", "单方外出", "父亲外出", "母亲外出"),
    Category.NOT_LEFT_BEHIND: ("非留守儿童", "非留守", "否"),
}
FLAG_SYNONYMS = {
    Flag.UNSUPERVISED: ("无人监护", "事实无人监护"),
    Flag.DROPOUT: ("失学辍学", "失学", "辍学"),
    Flag.UNREGISTERED: ("无户籍", "未落户", "无户口"),
    Flag.POVERTY: ("贫困", "贫困户", "建档立卡", "建档立卡贫困户", "困难"),
    Flag.LOW_INCOME: ("低保", "低保户", "城乡低保"),
    Flag.SINGLE_PARENT: ("单亲", "单亲家庭"),
    Flag.DISABLED: ("残疾", "残障", "残疾儿童"),
    Flag.PSYCH_CONCERN: ("心理问题", "心理障碍"),
}
SOURCE_SYNONYMS = {
    CensusSource.REGISTER: ("学籍登记", "学籍", "花名册", "学籍名册"),
    CensusSource.SELF_REPORT: ("学生自述", "自述", "本人自述"),
    CensusSource.PHONE: ("电话询问", "电话", "电话核实"),
    CensusSource.SPOT_CHECK: ("突击检查", "抽查", "突击"),
    CensusSource.HOME_VISIT: ("家访", "入户", "上门"),
}
YES = ("是", "y", "yes", "true", "1", "√", "✓", "寄宿", "住校")
NO = ("否", "n", "no", "false", "0", "×", "x", "走读", "不寄宿", "")
NONE_WORDS = ("无", "没有", "否", "/", "-", "—")
# In an optional text cell (a phone, an address, a name), these clear what is on file; a blank
# cell keeps it.
CLEAR_WORDS = ("无", "没有", "/", "-", "—")


def _choice_index(choices: Any, synonyms: Any) -> dict[str, str]:
    index = {}
    for value, label in choices:
        index[label_key(label)] = value
        index[label_key(value)] = value
    for value, words in synonyms.items():
        for word in words:
            index.setdefault(label_key(word), value)
    return index


@functools.cache
def enum_index(kind: str) -> dict[str, str]:
    tables: dict[str, tuple[Any, Any]] = {
        "sex": (Sex.choices, SEX_SYNONYMS),
        "hukou_type": (HukouType.choices, HUKOU_SYNONYMS),
        "status": (ParentStatus.choices, PARENT_STATUS_SYNONYMS),
        "category": (Category.choices, CATEGORY_SYNONYMS),
        "flag": (Flag.choices, FLAG_SYNONYMS),
        "source": (CensusSource.choices, SOURCE_SYNONYMS),
    }
    return _choice_index(*tables[kind])


def enum_value(kind: str, raw: object) -> str | None:
    return enum_index(kind).get(label_key(raw))


GRADE_WORDS = {
    **{w: n for n, w in enumerate("一二三四五六七八九", start=1)},
    **{f"初{w}": n for n, w in enumerate("一二三", start=7)},
}


def grade_of(raw: object) -> int | None:
    """三年级, 3年级, 3, 初一 (= 7) → the grade number."""
    text = label_key(raw)
    text = text.removesuffix("年级").removesuffix("年")
    if text.isdigit() and 1 <= int(text) <= 9:
        return int(text)
    return GRADE_WORDS.get(text)
