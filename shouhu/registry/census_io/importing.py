"""Importing a census sheet (登记造册): every row gets a result, and nothing is written unless
every row is good (all or nothing).

1. Read the sheet (`reading`), or take the rows an upload kept (`uploads`): the header wherever
   it is, the non-blank rows.
2. Parse each row's cells: dirty input is accepted (full-width digits, `x`, dates in six
   shapes, labels, synonyms, traditional characters, +86 phones); what cannot be trusted is
   refused with the row, the column and the reason in Chinese.
3. Find each row's class within the importer's scope, and the child already registered under
   the same ID number; a second use of an ID number within the file is refused.
4. Validate with the models' own rules (`child_prepare`, `Parent.clean`, `Guardian.clean`).
5. Compare with the file on record: a row is new, an update (with the difference, old → new,
   as the privacy matrix shows it to the importer), unchanged, or an error. A blank cell keeps
   what is on file; 无 clears it.
6. With no error, apply in one short transaction, everything prepared before it opens
   (`writing`): new children (with history and access log) and this term's snapshots as
   prepared statements, changed files through `child_update`. Importing the same file again
   changes nothing.
"""

import datetime
import functools
import io
import re
import time
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.utils.datetime import from_excel

from shouhu.audit.models import AccessAction, AccessLog
from shouhu.audit.services import access_record, client_ip
from shouhu.core.crypto import blind_index
from shouhu.core.idnumber import birth_date_of, normalise_id_number, sex_of
from shouhu.core.masking import mask_id_number, mask_phone
from shouhu.core.roles import Perm, Role
from shouhu.core.text import clean_name
from shouhu.core.visibility import ChildField, Visibility, visibility
from shouhu.org.models import School, SchoolClass, Term
from shouhu.org.selectors import node_within_user_scope
from shouhu.registry.census_io.columns import (
    CLEAR_WORDS,
    NO,
    NONE_WORDS,
    YES,
    enum_index,
    enum_value,
    grade_of,
    label_key,
)
from shouhu.registry.census_io.operator import is_operator
from shouhu.registry.census_io.reading import Sheet, SheetError, header_of, read_sheet
from shouhu.registry.census_io.writing import Statements, reserve_ids
from shouhu.registry.classification import Category, ParentStatus, category_of
from shouhu.registry.models import (
    CensusSnapshot,
    CensusSource,
    Child,
    ChildFlag,
    Flag,
    Guardian,
    HukouType,
    Parent,
    ParentRole,
    Sex,
)
from shouhu.registry.services import (
    COUNSELLOR_ONLY_FLAGS,
    census_snapshot_take,
    census_snapshot_values,
    child_prepare,
    child_update,
)

BATCH = 500
SCIENTIFIC = re.compile(r"^\d(\.\d+)?e\+?\d+$", re.IGNORECASE)
DATE_PARTS = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
FLAG_SPLIT = re.compile(r"[、，,;；/\s]+")
ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
CHINESE_DIGITS = {w: n for n, w in enumerate("一二三四五六七八九十", start=1)}


class Outcome(models.TextChoices):
    NEW = "new", gettext_lazy("新增")
    UPDATE = "update", gettext_lazy("更新")
    UNCHANGED = "unchanged", gettext_lazy("无变化")
    ERROR = "error", gettext_lazy("有错误")


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


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class RowPlan:
    """What applying a good row writes."""

    child: Child  # unsaved for a new child; the file on record for an update
    child_changes: dict[str, Any] = field(default_factory=dict)
    parents: dict[str, Parent] = field(default_factory=dict)
    parent_values: dict[str, dict[str, Any]] = field(default_factory=dict)
    guardian: Guardian | None = None
    guardian_values: dict[str, Any] | None = None
    # An entrusted guardian able to care is on file once the row is applied (the snapshot's).
    guardian_able: bool = False
    flags: set[str] | None = None
    source: str | None = None
    snapshot_due: bool = True
    # This term's snapshot on record, and the values the row gives it.
    snapshot: CensusSnapshot | None = None
    snapshot_values: dict[str, Any] = field(default_factory=dict)


@dataclass
class RowResult:
    row: int
    name: str
    class_label: str = ""
    outcome: Outcome = Outcome.ERROR
    errors: list[CellError] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    plan: RowPlan | None = None
    id_number: str = ""


@dataclass
class ImportResult:
    term: Term
    sheet: Sheet | None = None
    sheet_errors: list[str] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)
    applied: bool = False
    # How long the write transaction held the database (wall clock and this process's CPU).
    write_seconds: float | None = None
    write_cpu_seconds: float | None = None

    @property
    def ok(self) -> bool:
        return not self.sheet_errors and all(r.outcome != Outcome.ERROR for r in self.rows)

    @property
    def errors(self) -> list[CellError]:
        return [e for r in self.rows for e in r.errors]

    @property
    def counts(self) -> dict[str, int]:
        counts = {o.value: 0 for o in Outcome}
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    def messages(self) -> list[str]:
        return self.sheet_errors + [str(e) for e in self.errors]


class _RowProblem(Exception):
    def __init__(self, key: str, reason: str):
        super().__init__(reason)
        self.key = key
        self.reason = reason


# --- cell values ------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _shown(value: Any) -> str:
    """A cell as the error report and the preview quote it."""
    if isinstance(value, float) and not value.is_integer():
        return repr(value)
    return _text(value)


def parse_id_number(value: Any) -> str:
    """The raw ID number text, or a refusal when Excel has turned it into a number."""
    if isinstance(value, float) or (isinstance(value, str) and SCIENTIFIC.match(value.strip())):
        raise _RowProblem(
            "id_number",
            _(
                "身份证号被保存成了数字（科学计数法，如 5.1178E+17），末尾几位已经丢失，无法恢复。"
                "请把该列设为「文本」格式后重新填写完整的18位号码。"
            ),
        )
    return _text(value)


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
    raise _RowProblem(
        key,
        _("无法识别的日期「%(v)s」，请写成 2015-03-07 这样的格式。") % {"v": _shown(value)},
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
    text = _text(value)
    if not text:
        if required:
            raise _RowProblem(key, _("必填，不能为空。"))
        return None
    found = enum_value(kind, text)
    if found is None:
        raise _RowProblem(
            key, _("无法识别「%(v)s」，可填：%(labels)s。") % {"v": text, "labels": _labels(kind)}
        )
    return found


@functools.cache
def _clear_keys() -> frozenset[str]:
    return frozenset(label_key(w) for w in CLEAR_WORDS)


def parse_optional_text(value: Any) -> str | None:
    """An optional text cell: None when blank (what is on file stays), "" for a clear marker
    such as 无 (what is on file is cleared), otherwise the text."""
    text = _text(value)
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
    text = _text(value)
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
            raise _RowProblem(
                "flags",
                _("无法识别的重点对象「%(v)s」，可填：%(labels)s，多项用顿号分隔。")
                % {"v": word, "labels": _labels("flag")},
            )
        if flag in COUNSELLOR_ONLY_FLAGS and getattr(actor, "role", "") != Role.COUNSELLOR:
            raise _RowProblem("flags", _("「心理问题」只能由心理辅导教师标记，请从表中删去。"))
        flags.add(flag)
    return flags


def parse_bool(value: Any, key: str) -> bool | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return value
    text = label_key(_text(value))
    if text in {label_key(w) for w in YES}:
        return True
    if text in {label_key(w) for w in NO}:
        return False
    raise _RowProblem(key, _("请填「是」或「否」，当前为「%(v)s」。") % {"v": _text(value)})


def parse_age(value: Any) -> int | str | None:
    """None when blank (kept), "" for a clear marker, otherwise the age."""
    cleared = parse_optional_text(value)
    if cleared == "":
        return ""
    text = unicodedata.normalize("NFKC", _text(value)).removesuffix("岁").strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= 120:
        raise _RowProblem(
            "guardian_age", _("年龄应为1–120之间的整数，当前为「%(v)s」。") % {"v": text}
        )
    return int(text)


def _well_formed_id(raw: str) -> str | None:
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


def _ethnicity(text: str) -> str:
    """汉 → 汉族, 土家 → 土家族; empty → 汉族 (the model's default)."""
    if not text:
        return "汉族"
    return text if text.endswith(("族", "人")) else text + "族"


def _class_number(text: str) -> int | None:
    """The class's number in 三年级(2)班, 2班, (2), 二班 or a bare 2."""
    digits = re.findall(r"\d+", text)
    if digits:
        return int(digits[-1])
    match = re.search(r"([一二三四五六七八九十])班", text)
    return CHINESE_DIGITS.get(match.group(1)) if match else None


def _grade_in(text: str) -> int | None:
    match = re.match(r"^(初[一二三]|[一二三四五六七八九]年级|\d年级)", text)
    return grade_of(match.group(1)) if match else None


# --- finding the class within the importer's scope -------------------------------------------


class _ClassFinder:
    """The classes of the schools a sheet names, looked up once, checked against the scope."""

    def __init__(self, *, actor, school_codes: set[str]):
        self.actor = actor
        schools = School.objects.filter(code__in=school_codes)
        self.schools = {s.code: s for s in schools}
        self.by_name: dict[tuple[int, str], SchoolClass] = {}
        self.by_number: dict[tuple[int, int, int], SchoolClass] = {}
        self.classes: dict[int, list[SchoolClass]] = defaultdict(list)
        for school_class in SchoolClass.objects.filter(school__in=schools).select_related("school"):
            key = label_key(school_class.name)
            self.by_name[(school_class.school_id, key)] = school_class
            number = _class_number(key)
            if number is not None:
                self.by_number[(school_class.school_id, school_class.grade, number)] = school_class
            self.classes[school_class.school_id].append(school_class)
        self._in_scope: dict[int, bool] = {}

    def in_scope(self, school_class: SchoolClass) -> bool:
        if school_class.pk not in self._in_scope:
            self._in_scope[school_class.pk] = may_import_into(self.actor, school_class)
        return self._in_scope[school_class.pk]

    def find(self, *, school_code: str, grade: Any, class_name: Any) -> SchoolClass:
        code = unicodedata.normalize("NFKC", school_code).replace(" ", "")
        school = self.schools.get(code)
        if school is None or not any(self.in_scope(c) for c in self.classes[school.pk]):
            raise _RowProblem(
                "school_code",
                _("找不到学校标识码为「%(code)s」的学校，或该学校不在您的管辖范围内。")
                % {"code": code},
            )
        text = label_key(_text(class_name))
        grade_number = grade_of(grade) if _text(grade) else None
        if _text(grade) and grade_number is None:
            raise _RowProblem(
                "grade", _("无法识别的年级「%(v)s」，请写成「三年级」。") % {"v": grade}
            )
        found = self.by_name.get((school.pk, text))
        if found is None and grade_number is not None:
            found = self.by_name.get((school.pk, label_key(f"{grade}{class_name}")))
        if found is None:
            number = _class_number(text)
            guess = grade_number or _grade_in(text)
            if number is not None and guess is not None:
                found = self.by_number.get((school.pk, guess, number))
        if found is None or not self.in_scope(found):
            raise _RowProblem(
                "class_name",
                _("在%(school)s找不到班级「%(cls)s」，或该班级不在您的管辖范围内。")
                % {"school": school.name, "cls": _text(class_name)},
            )
        if grade_number is not None and found.grade != grade_number:
            raise _RowProblem(
                "grade",
                _("年级「%(g)s」与班级「%(cls)s」不一致。") % {"g": grade, "cls": found.name},
            )
        return found


def may_import_into(actor, school_class: SchoolClass) -> bool:
    if is_operator(actor):
        return True
    return (
        actor.has_perm_to(Perm.CENSUS_IMPORT)
        and actor.has_perm_to(Perm.CHILD_EDIT)
        and node_within_user_scope(actor, school_class)
    )


def _visible_children(actor):
    return Child.objects.restrict(actor)  # the operator's scope is the whole tree


# --- one row ----------------------------------------------------------------------------------

CHILD_FIELDS = {
    "name": "name",
    "sex": "sex",
    "birth_date": "birth_date",
    "id_number": "id_number",
    "ethnicity": "ethnicity",
    "hukou_type": "hukou_type",
    "address": "address",
    "boarding": "boarding",
    "school_class": "class_name",
}
PARENT_FIELDS = ("name", "status", "destination", "employer", "phone")
GUARDIAN_FIELDS = {
    "name": "guardian_name",
    "relation": "guardian_relation",
    "phone": "guardian_phone",
    "age": "guardian_age",
    "health": "guardian_health",
    "address": "guardian_address",
}
SENSITIVE = {"id_number", "phone", "address", "employer"}


class _RowReader:
    """Parses one row into values keyed like the models, collecting every problem it finds."""

    def __init__(self, *, sheet: Sheet, number: int, cells: tuple):
        self.sheet = sheet
        self.number = number
        self.cells = cells
        self.errors: list[CellError] = []

    def has(self, key: str) -> bool:
        return key in self.sheet.columns

    def raw(self, key: str) -> Any:
        return self.sheet.value(self.cells, key)

    def error(self, key: str, reason: str, value: Any = None) -> None:
        if any(e.field == header_of(key) for e in self.errors):
            return  # the first reason per column is the useful one
        shown = _shown(self.raw(key) if value is None else value)
        self.errors.append(CellError(self.number, header_of(key), shown, reason))

    def errors_in(self, *keys: str) -> bool:
        headers = {header_of(k) for k in keys}
        return any(e.field in headers for e in self.errors)

    def get(self, parse, *args, **kwargs) -> Any:
        try:
            return parse(*args, **kwargs)
        except _RowProblem as problem:
            self.error(problem.key, problem.reason)
            return None

    def model_errors(self, exc: ValidationError, keys: dict[str, str]) -> None:
        id_failed = any(e.field == header_of("id_number") for e in self.errors)
        for model_field, messages in exc.message_dict.items():
            if id_failed and model_field in ("id_number", "birth_date", "sex"):
                continue  # follow-on errors of an unusable ID number add nothing
            if model_field == "school_class" and self.errors_in(
                "school_code", "grade", "class_name"
            ):
                continue
            key = keys.get(model_field)
            if key is None or not self.has(key):
                key = next((k for k in keys.values() if self.has(k)), "name")
            self.error(key, " ".join(str(m) for m in messages))


def _row_values(reader: _RowReader, *, actor, finder: _ClassFinder) -> dict[str, Any]:
    """Every column the sheet has, parsed; required columns checked for blanks."""
    values: dict[str, Any] = {"child": {}, "parents": {}, "guardian": {}}
    child = values["child"]
    name = clean_name(_text(reader.raw("name")))
    if not name:
        reader.error("name", _("必填，不能为空。"))
    child["name"] = name
    raw_id = reader.get(parse_id_number, reader.raw("id_number"))
    if raw_id == "":
        reader.error("id_number", _("必填，不能为空。"))
    child["id_number"] = raw_id or ""
    number = _well_formed_id(raw_id) if raw_id else None
    child["_valid_id"] = number  # checked in full (check digit, county) by Child.clean
    given_birth = reader.get(parse_date, reader.raw("birth_date"), "birth_date")
    if given_birth is not None:
        child["birth_date"] = given_birth
    elif number:
        child["birth_date"] = birth_date_of(number)
    sex = reader.get(parse_enum, reader.raw("sex"), kind="sex", key="sex")
    if number and sex and sex != sex_of(number):
        reader.error("sex", _("性别与身份证号不一致（第17位单数为男，双数为女）。"))
    child["sex"] = sex or (sex_of(number) if number else None)
    # A blank cell leaves a value out (None): the file's stays, or a new file takes the
    # model's default (汉族, 农业户口, not boarding).
    ethnicity = _text(reader.raw("ethnicity"))
    child["ethnicity"] = _ethnicity(ethnicity) if ethnicity else None
    child["hukou_type"] = reader.get(
        parse_enum, reader.raw("hukou_type"), kind="hukou_type", key="hukou_type"
    )
    child["address"] = parse_optional_text(reader.raw("address"))
    child["boarding"] = reader.get(parse_bool, reader.raw("boarding"), "boarding")
    school_code = _text(reader.raw("school_code"))
    class_name = _text(reader.raw("class_name"))
    if not school_code:
        reader.error("school_code", _("必填，不能为空。"))
    elif not class_name:
        reader.error("class_name", _("必填，不能为空。"))
    else:
        child["school_class"] = reader.get(
            finder.find,
            school_code=school_code,
            grade=reader.raw("grade"),
            class_name=class_name,
        )
    for role in ParentRole:
        parent: dict[str, Any] = {}
        for part in PARENT_FIELDS:
            key = f"{role.value}_{part}"
            if not reader.has(key):
                continue
            if part == "status":
                parent[part] = reader.get(
                    parse_enum, reader.raw(key), kind="status", key=key, required=True
                )
            elif part in ("name", "phone"):
                parent[part] = parse_optional_name(reader.raw(key))
            else:
                parent[part] = parse_optional_text(reader.raw(key))
        values["parents"][role.value] = parent
    guardian: dict[str, Any] = {}
    for model_field, key in GUARDIAN_FIELDS.items():
        if reader.has(key):
            raw = reader.raw(key)
            if key == "guardian_age":
                guardian[model_field] = reader.get(parse_age, raw)
            elif model_field in ("name", "phone"):
                guardian[model_field] = parse_optional_name(raw)
            else:
                guardian[model_field] = parse_optional_text(raw)
    values["guardian"] = guardian  # checked against the guardian on file (`_plan_guardian`)
    values["flags"] = (
        reader.get(parse_flags, reader.raw("flags"), actor=actor) if reader.has("flags") else None
    )
    values["source"] = (
        reader.get(parse_enum, reader.raw("source"), kind="source", key="source")
        if reader.has("source")
        else None
    )
    if reader.has("category") and _text(reader.raw("category")):
        stated = reader.get(parse_enum, reader.raw("category"), kind="category", key="category")
        statuses = {r: p.get("status") for r, p in values["parents"].items()}
        if stated and all(statuses.values()):
            computed = category_of(statuses.get("father"), statuses.get("mother"))
            if stated != computed:
                reader.error(
                    "category",
                    _("与父母状况不一致：按父母状况应为「%(c)s」。")
                    % {"c": Category(computed).label},
                )
    return values


# --- the whole sheet --------------------------------------------------------------------------


def _term_day(term: Term) -> datetime.date:
    """The survey day: today, kept inside the term."""
    return min(max(timezone.localdate(), term.starts_on), term.ends_on)


def _existing_children(actor, indexes: list[str]) -> tuple[dict[str, Child], set[str]]:
    """Children on record by ID-number hash: those the importer may see, and all that exist."""
    visible: dict[str, Child] = {}
    existing: set[str] = set()
    for start in range(0, len(indexes), BATCH):
        batch = indexes[start : start + BATCH]
        existing |= set(
            Child.objects.filter(id_number_index__in=batch).values_list(
                "id_number_index", flat=True
            )
        )
        children = (
            _visible_children(actor)
            .filter(id_number_index__in=batch)
            .select_related("school_class__school", "guardian")
            .prefetch_related(
                "parents",
                models.Prefetch(
                    "flags", queryset=ChildFlag.objects.filter(until__isnull=True), to_attr="open"
                ),
            )
        )
        visible.update({c.id_number_index: c for c in children})
    return visible, existing


def _snapshots(children: list[Child], term: Term) -> dict[int, CensusSnapshot]:
    found: dict[int, CensusSnapshot] = {}
    ids = [c.pk for c in children]
    for start in range(0, len(ids), BATCH):
        for snapshot in CensusSnapshot.objects.filter(
            term=term, child_id__in=ids[start : start + BATCH]
        ):
            found[snapshot.child_id] = snapshot
    return found


# Which row of the privacy matrix a compared value belongs to (core.visibility).
MATRIX_FIELD = {
    "id_number": ChildField.ID_NUMBER,
    "phone": ChildField.FAMILY_PHONE,
    "address": ChildField.ADDRESS,
    "employer": ChildField.EMPLOYER,
    "health": ChildField.HEALTH,
}


def _display(model, name: str, value: Any, *, viewer) -> str:
    """A value of the preview's old → new, as the privacy matrix shows it to the viewer: a head
    teacher sees the phones they would see on the file. The command line's operator sees ID
    numbers and phones masked, as before any matrix."""
    if value in (None, ""):
        return "—"
    matrix_field = MATRIX_FIELD.get(name)
    if matrix_field is not None:
        if is_operator(viewer):
            state = Visibility.MASKED if name in ("id_number", "phone") else Visibility.FULL
        else:
            state = visibility(viewer, matrix_field)
        if state == Visibility.HIDDEN:
            return _("（不显示）")
        if state == Visibility.MASKED:
            if name == "id_number":
                return mask_id_number(value)
            if name == "phone":
                return mask_phone(value)
            return _("（已脱敏）")
    model_field = model._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)


def _plan_row(
    reader: _RowReader,
    values: dict[str, Any],
    *,
    existing: Child | None,
    snapshot: CensusSnapshot | None,
    term: Term,
    day: datetime.date,
    viewer,
) -> tuple[RowPlan | None, list[Change]]:
    """Validate with the models' rules and compare with the file on record.

    A blank cell (None in `values`) keeps what is on file; a clear marker ("") clears it."""
    data = {k: v for k, v in values["child"].items() if not k.startswith("_") and v is not None}
    changes: list[Change] = []

    def change(model, label: str, name: str, old: Any, new: Any) -> None:
        changes.append(
            Change(
                label,
                _display(model, name, old, viewer=viewer),
                _display(model, name, new, viewer=viewer),
            )
        )

    if existing is None:
        child = Child(registered_on=timezone.localdate(), **data)
    else:
        child = Child(
            **{f.attname: getattr(existing, f.attname) for f in Child._meta.concrete_fields}
        )
        child._state.adding = False
        for name, value in data.items():
            setattr(child, name, value)
    try:
        child_prepare(
            child,
            validate_unique=False,
            # The class was looked up in this import, and the ID number is checked for the
            # whole sheet at once; the field rules themselves all run.
            exclude=["school_class"] if data.get("school_class") else None,
        )
    except ValidationError as exc:
        reader.model_errors(exc, CHILD_FIELDS)
    plan = RowPlan(child=child, flags=values["flags"], source=values["source"])
    if existing is not None:
        plan.child = existing
        for name in data:
            old = getattr(existing, name)
            new = getattr(child, name)
            if old != new:
                plan.child_changes[name] = new
                change(Child, _label(Child, name), name, old, new)
    on_record = {p.role: p for p in existing.parents.all()} if existing else {}
    statuses: dict[str, str] = {r: p.status for r, p in on_record.items()}
    for role in ParentRole:
        given = values["parents"].get(role.value) or {}
        if not given:
            continue
        old_parent = on_record.get(role.value)
        parent = Parent(role=role.value)
        if old_parent is not None:
            for part in PARENT_FIELDS:
                setattr(parent, part, getattr(old_parent, part))
            parent.calls_per_month = old_parent.calls_per_month
        for part, value in given.items():
            if value is not None:
                setattr(parent, part, value)
        try:
            # One record per role is kept by construction (the file's own, or a new one).
            parent.full_clean(exclude=["child"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            reader.model_errors(exc, {p: f"{role.value}_{p}" for p in PARENT_FIELDS})
            continue
        if parent.status:
            statuses[role.value] = parent.status
        plan.parents[role.value] = parent
        diff = {
            part: getattr(parent, part)
            for part in PARENT_FIELDS
            if old_parent is None or getattr(old_parent, part) != getattr(parent, part)
        }
        if existing is not None and diff:
            plan.parent_values[role.value] = diff
            for part, new in diff.items():
                old = getattr(old_parent, part) if old_parent else ""
                change(Parent, f"{role.label}{_label(Parent, part)}", part, old, new)
    # Loaded with the file (select_related): no query, None when the child has no guardian.
    old_guardian = getattr(existing, "guardian", None) if existing else None
    guardian = _plan_guardian(reader, values["guardian"], old_guardian=old_guardian)
    if guardian is not None:
        plan.guardian = guardian
        diff = {
            name: getattr(guardian, name)
            for name in GUARDIAN_FIELDS
            if old_guardian is None or getattr(old_guardian, name) != getattr(guardian, name)
        }
        if existing is not None and diff:
            plan.guardian_values = {"name": guardian.name, **diff}
            for name, new in diff.items():
                old = getattr(old_guardian, name) if old_guardian else ""
                change(Guardian, _label(Guardian, name), name, old, new)
    open_flags = {f.flag for f in getattr(existing, "open", [])} if existing else set()
    flags = open_flags if plan.flags is None else plan.flags | (open_flags & COUNSELLOR_ONLY_FLAGS)
    if existing is not None and flags != open_flags:
        label = str(ChildFlag._meta.get_field("flag").verbose_name)
        changes.append(Change(label, _flag_labels(open_flags), _flag_labels(flags)))
    else:
        plan.flags = None if existing is not None else plan.flags
    if reader.errors:
        return None, []
    # A row that names no guardian leaves the guardian on file as it is (`_save_guardian`).
    guardian_after = plan.guardian if plan.guardian is not None else old_guardian
    plan.guardian_able = guardian_after is not None and guardian_after.able_to_care
    source = plan.source or (snapshot.source if snapshot else CensusSource.REGISTER)
    plan.source = source
    expected = census_snapshot_values(
        child=child,
        statuses=statuses,
        open_flags=flags,
        guardian_able=plan.guardian_able,
        term=term,
        source=source,
        day=day,
    )
    plan.snapshot = snapshot
    plan.snapshot_values = expected
    if snapshot is not None:
        keep = ("surveyed_on",)
        same = all(
            getattr(snapshot, k if k != "school_class" else "school_class_id")
            == (v.pk if k == "school_class" else v)
            for k, v in expected.items()
            if k not in keep
        )
        plan.snapshot_due = not same
    if existing is not None and plan.snapshot_due:
        label = _("%(term)s摸底") % {"term": term}
        old = (
            _("未摸底")
            if snapshot is None
            else Category(snapshot.category).label + (_("（待核实）") if snapshot.prefilled else "")
        )
        new = str(Category(expected["category"]).label)
        if old != new or not changes:
            changes.append(Change(label, old, new))
    return plan, changes


def _plan_guardian(
    reader: _RowReader, given: dict[str, Any], *, old_guardian: Guardian | None
) -> Guardian | None:
    """The entrusted guardian after the row: the one on file with the row's non-blank cells
    over it, or a new one when the row names one. None when the row changes nothing."""
    given = {name: value for name, value in given.items() if value is not None}
    if not given:
        return None
    if given.get("name") == "":
        reader.error(
            "guardian_name",
            _("监护人姓名不能填「无」清除；如已没有委托监护人，请在儿童档案中修改。"),
        )
        return None
    if old_guardian is None and not given.get("name"):
        if any(given.values()):
            reader.error("guardian_name", _("填写了监护人信息时，请填写监护人姓名。"))
        return None
    guardian = Guardian()
    if old_guardian is not None:
        # The sheet has no column for the ability to care: the file's stays.
        for name in [*GUARDIAN_FIELDS, "able_to_care"]:
            setattr(guardian, name, getattr(old_guardian, name))
    for name, value in given.items():
        setattr(guardian, name, None if name == "age" and value == "" else value)
    if reader.has("guardian_relation") and not guardian.relation:
        reader.error("guardian_relation", _("填写了监护人时，请填写与儿童关系。"))
    try:
        guardian.full_clean(exclude=["child"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        reader.model_errors(exc, GUARDIAN_FIELDS)
    return guardian


def _label(model, name: str) -> str:
    return str(getattr(model._meta.get_field(name), "verbose_name", name))


def _flag_labels(flags: set[str]) -> str:
    # The counselling flags are kept as they are and never shown to the importer (registry.flags).
    shown = sorted(flags - COUNSELLOR_ONLY_FLAGS)
    return "、".join(str(Flag(f).label) for f in shown) or "—"


def census_sheet_check(
    *, actor, term: Term, source: str | bytes | IO[bytes] | Sheet
) -> ImportResult:
    """Check a sheet without writing: the preview and the dry run. `source` is a workbook, or
    a sheet read already (an upload keeps its rows, so that it is read once)."""
    result = ImportResult(term=term)
    if not is_operator(actor) and not actor.has_perm_to(Perm.CENSUS_IMPORT):
        raise PermissionDenied(_("您没有导入摸底名册的权限。"))
    if isinstance(source, Sheet):
        sheet = source
    else:
        try:
            sheet = read_sheet(source)
        except SheetError as exc:
            result.sheet_errors.append(str(exc))
            return result
    result.sheet = sheet
    missing = [c for c in _required_headers() if c[0] not in sheet.columns]
    if missing:
        result.sheet_errors.append(
            _("表格缺少必填列：%(cols)s。") % {"cols": "、".join(h for _k, h in missing)}
        )
        return result
    finder = _ClassFinder(
        actor=actor,
        school_codes={
            unicodedata.normalize("NFKC", _text(sheet.value(c, "school_code"))).replace(" ", "")
            for _n, c in sheet.rows
        },
    )
    parsed: list[tuple[_RowReader, dict[str, Any]]] = []
    for number, cells in sheet.rows:
        reader = _RowReader(sheet=sheet, number=number, cells=cells)
        parsed.append((reader, _row_values(reader, actor=actor, finder=finder)))
    _refuse_duplicates(parsed)
    indexes = [blind_index(v["child"]["_valid_id"]) for _r, v in parsed if v["child"]["_valid_id"]]
    visible, existing = _existing_children(actor, indexes)
    snapshots = _snapshots(list(visible.values()), term)
    day = _term_day(term)
    order = {header_of(key): index for key, index in sheet.columns.items()}
    for reader, values in parsed:
        number = values["child"]["_valid_id"]
        index = blind_index(number) if number else ""
        on_record = visible.get(index)
        row = RowResult(row=reader.number, name=values["child"]["name"], id_number=number or "")
        school_class = values["child"].get("school_class")
        row.class_label = str(school_class) if school_class else ""
        if index in existing and on_record is None:
            reader.error("id_number", _("该身份证号已在系统中登记，请联系上级部门核实。"))
        elif on_record is not None and on_record.left_on is not None:
            reader.error(
                "id_number",
                _("该儿童已于%(d)s离开名册，档案只读；如需恢复请联系学校领导。")
                % {"d": on_record.left_on.isoformat()},
            )
        plan, changes = _plan_row(
            reader,
            values,
            existing=on_record,
            snapshot=snapshots.get(on_record.pk) if on_record else None,
            term=term,
            day=day,
            viewer=actor,
        )
        row.errors = sorted(reader.errors, key=lambda e: order.get(e.field, len(order)))
        if row.errors or plan is None:
            row.outcome = Outcome.ERROR
        elif on_record is None:
            row.outcome = Outcome.NEW
            row.plan = plan
        else:
            row.plan = plan
            row.changes = changes
            row.outcome = Outcome.UPDATE if changes else Outcome.UNCHANGED
        result.rows.append(row)
    if not result.rows:
        result.sheet_errors.append(_("表格中没有数据行。"))
    return result


def _required_headers() -> list[tuple[str, str]]:
    from shouhu.registry.census_io.columns import COLUMNS

    return [(c.key, c.header) for c in COLUMNS if c.required]


def _refuse_duplicates(parsed: list[tuple[_RowReader, dict[str, Any]]]) -> None:
    rows_by_id: dict[str, list[int]] = defaultdict(list)
    for reader, values in parsed:
        number = values["child"]["_valid_id"]
        if number:
            rows_by_id[number].append(reader.number)
    for reader, values in parsed:
        number = values["child"]["_valid_id"]
        others = [n for n in rows_by_id.get(number or "", []) if n != reader.number]
        if others:
            reader.error(
                "id_number",
                _("同一身份证号在表中出现多次：与第%(rows)s行重复。")
                % {"rows": "、".join(str(n) for n in others)},
            )


def census_import(
    *,
    actor,
    term: Term,
    source: str | bytes | IO[bytes] | Sheet,
    request: HttpRequest | None = None,
    filename: str = "",
) -> ImportResult:
    """Check the sheet and, when every row is good, write it all; otherwise write nothing.

    1. Read and check every row, outside any transaction (`census_sheet_check`).
    2. Prepare the writes of the new files and of the snapshots: keys, history rows and SQL
       parameters, encrypted (`writing`).
    3. In one transaction, as short as it can be: run them, update the changed files through
       `child_update`, and log the import. A conflict with a save made since the check (the
       same ID number registered meanwhile) writes nothing and says so."""
    result = census_sheet_check(actor=actor, term=term, source=source)
    if not result.ok:
        return result
    day = _term_day(term)
    history_user = actor if actor.pk else None
    statements = Statements()
    new_rows = [r for r in result.rows if r.outcome == Outcome.NEW and r.plan]
    _prepare_new_children(
        statements, new_rows, actor=history_user, term=term, ip=client_ip(request)
    )
    on_file = [r.plan for r in result.rows if r.outcome != Outcome.NEW and r.plan]
    # A file the sheet leaves as it is needs only this term's snapshot (a new term's census):
    # prepared too. A file that changes goes through the register's service.
    _prepare_snapshots(statements, [p for p in on_file if not _file_changes(p)], term=term)
    updates = [p for p in on_file if _file_changes(p)]
    counts = result.counts
    message = _("导入摸底名册 %(f)s（%(t)s）：新增%(n)d，更新%(u)d，无变化%(s)d") % {
        "f": filename,
        "t": term.code,
        "n": counts[Outcome.NEW],
        "u": counts[Outcome.UPDATE],
        "s": counts[Outcome.UNCHANGED],
    }
    try:
        with transaction.atomic():
            started, cpu_started = time.perf_counter(), time.process_time()
            statements.run()
            for plan in updates:
                _update_child(plan, actor=actor, term=term, day=day, request=request)
            access_record(
                user=history_user, action=AccessAction.CREATE, query=message, request=request
            )
        result.write_seconds = time.perf_counter() - started
        result.write_cpu_seconds = time.process_time() - cpu_started
    except IntegrityError:
        result.sheet_errors.append(
            _("检查之后名册已有变化（例如同一儿童已由他人登记），未写入任何数据。请重新上传。")
        )
        return result
    result.applied = True
    return result


def _file_changes(plan: RowPlan) -> bool:
    return bool(
        plan.child_changes or plan.parent_values or plan.guardian_values or plan.flags is not None
    )


def _update_child(
    plan: RowPlan, *, actor, term: Term, day: datetime.date, request: HttpRequest | None
) -> None:
    """A file that changed goes through the register's own service, row by row: those are the
    few rows of a re-import, and each keeps its history and access-log entry."""
    child_update(
        actor=actor,
        child=plan.child,
        data=plan.child_changes,
        parents=plan.parent_values or None,
        guardian=plan.guardian_values,
        flags=plan.flags,
        request=request,
    )
    census_snapshot_take(
        child=plan.child, term=term, source=plan.source or CensusSource.REGISTER, day=day
    )


def _prepare_new_children(
    statements: Statements, rows: list[RowResult], *, actor, term: Term, ip: str | None
) -> None:
    """New files with their parents, guardian, flags, this term's snapshot, history and
    access-log entries; validated by the same model rules in the check."""
    plans = [r.plan for r in rows if r.plan is not None]
    if not plans:
        return
    today = timezone.localdate()
    children = [p.child for p in plans]
    for child, key in zip(children, reserve_ids(Child, len(children)), strict=True):
        child.pk = key
    parents: list[Parent] = []
    guardians: list[Guardian] = []
    flags: list[ChildFlag] = []
    snapshots: list[CensusSnapshot] = []
    logs: list[AccessLog] = []
    for plan in plans:
        child = plan.child
        for parent in plan.parents.values():
            parent.child = child
            parents.append(parent)
        if plan.guardian is not None:
            plan.guardian.child = child
            guardians.append(plan.guardian)
        flags.extend(ChildFlag(child=child, flag=f, since=today) for f in sorted(plan.flags or ()))
        snapshots.append(CensusSnapshot(child=child, term=term, **plan.snapshot_values))
        logs.append(AccessLog(user=actor, action=AccessAction.CREATE, child=child, ip=ip))
    # The history rows name the parent's and the guardian's keys too.
    for parent, key in zip(parents, reserve_ids(Parent, len(parents)), strict=True):
        parent.pk = key
    for guardian, key in zip(guardians, reserve_ids(Guardian, len(guardians)), strict=True):
        guardian.pk = key
    tracked: list[Sequence[models.Model]] = [children, parents, guardians]
    for records in tracked:
        statements.insert(records)
        statements.history(records, user=actor)
    statements.insert(flags)
    statements.insert(snapshots)
    statements.insert(logs)


def _prepare_snapshots(statements: Statements, plans: list[RowPlan], *, term: Term) -> None:
    """This term's snapshot of the files the sheet leaves as they are: taken, or brought in line
    (one carried over from last term and waiting to be checked). The values are those
    `census_snapshot_take` would freeze, computed in the check from the same file."""
    new: list[CensusSnapshot] = []
    changed: list[CensusSnapshot] = []
    for plan in plans:
        if not plan.snapshot_due:
            continue
        if plan.snapshot is None:
            new.append(CensusSnapshot(child=plan.child, term=term, **plan.snapshot_values))
            continue
        for name, value in plan.snapshot_values.items():
            setattr(plan.snapshot, name, value)
        changed.append(plan.snapshot)
    statements.insert(new)
    if changed:
        statements.update(changed, list(plans[0].snapshot_values))


# --- the error report -------------------------------------------------------------------------

REPORT_COLUMNS = [
    gettext_lazy("行号"),
    gettext_lazy("字段"),
    gettext_lazy("值"),
    gettext_lazy("原因"),
]


def error_report_xlsx(result: ImportResult) -> bytes:
    """The original rows that failed, one line per problem, with the row number, the field,
    the value and the reason added at the end."""
    from shouhu.core.xlsx import escape_cell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("错误报告"))
    headers = result.sheet.headers if result.sheet else []
    sheet.append([escape_cell(h) for h in headers] + [str(c) for c in REPORT_COLUMNS])
    for message in result.sheet_errors:
        row = result.sheet.header_row if result.sheet else 1
        sheet.append([None] * len(headers) + [row, "", "", escape_cell(message)])
    cells_by_row = dict(result.sheet.rows) if result.sheet else {}
    for error in result.errors:
        cells = list(cells_by_row.get(error.row, ()))
        cells += [None] * (len(headers) - len(cells))
        original = [
            escape_cell(_shown(c)) if c is not None else None for c in cells[: len(headers)]
        ]
        sheet.append(
            original + [error.row, error.field, escape_cell(error.value), escape_cell(error.reason)]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
