"""A census sheet's rows (`importing`, step 3): each row's cells parsed into values keyed like
the models (`RowReader`, `row_values`), its class found within the importer's scope
(`ClassFinder`), and the files already on record under the sheet's ID numbers."""

import unicodedata
from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from shouhu.core.idnumber import birth_date_of, sex_of
from shouhu.core.roles import Perm
from shouhu.core.scoping import in_scope, may
from shouhu.core.text import clean_name
from shouhu.org.models import School, SchoolClass, Term
from shouhu.registry.census_sheets.cells import (
    CellError,
    CellProblem,
    cell_shown,
    cell_text,
    class_number,
    ethnicity_of,
    grade_in,
    parse_age,
    parse_bool,
    parse_date,
    parse_enum,
    parse_flags,
    parse_id_number,
    parse_optional_name,
    parse_optional_text,
    well_formed_id,
)
from shouhu.registry.census_sheets.columns import grade_of, label_key
from shouhu.registry.census_sheets.reading import Sheet, header_of
from shouhu.registry.classification import Category, category_of
from shouhu.registry.models import CensusSnapshot, Child, ChildFlag, ParentRole
from shouhu.registry.services import classes_in_scope

BATCH = 500


class ClassFinder:
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
            number = class_number(key)
            if number is not None:
                self.by_number[(school_class.school_id, school_class.grade, number)] = school_class
            self.classes[school_class.school_id].append(school_class)
        self._in_scope: set[int] | None = None

    def in_scope(self, school_class: SchoolClass) -> bool:
        """`may_import_into`, asked once for all the sheet's classes: one query (the scope's
        `restrict`, which `in_scope` asks class by class) instead of one per class."""
        if self._in_scope is None:
            self._in_scope = importable_classes(
                self.actor, [c.pk for classes in self.classes.values() for c in classes]
            )
        return school_class.pk in self._in_scope

    def find(self, *, school_code: str, grade: Any, class_name: Any) -> SchoolClass:
        code = unicodedata.normalize("NFKC", school_code).replace(" ", "")
        school = self.schools.get(code)
        if school is None or not any(self.in_scope(c) for c in self.classes[school.pk]):
            raise CellProblem(
                "school_code",
                _("找不到学校标识码为「%(code)s」的学校，或该学校不在您的管辖范围内。")
                % {"code": code},
            )
        text = label_key(cell_text(class_name))
        grade_number = grade_of(grade) if cell_text(grade) else None
        if cell_text(grade) and grade_number is None:
            raise CellProblem(
                "grade", _("无法识别的年级「%(v)s」，请写成「三年级」。") % {"v": grade}
            )
        found = self.by_name.get((school.pk, text))
        if found is None and grade_number is not None:
            found = self.by_name.get((school.pk, label_key(f"{grade}{class_name}")))
        if found is None:
            number = class_number(text)
            guess = grade_number or grade_in(text)
            if number is not None and guess is not None:
                found = self.by_number.get((school.pk, guess, number))
        if found is None or not self.in_scope(found):
            raise CellProblem(
                "class_name",
                _("在%(school)s找不到班级「%(cls)s」，或该班级不在您的管辖范围内。")
                % {"school": school.name, "cls": cell_text(class_name)},
            )
        if grade_number is not None and found.grade != grade_number:
            raise CellProblem(
                "grade",
                _("年级「%(g)s」与班级「%(cls)s」不一致。") % {"g": grade, "cls": found.name},
            )
        return found


def may_import_into(actor, school_class: SchoolClass) -> bool:
    return (
        may(actor, Perm.CENSUS_IMPORT)
        and may(actor, Perm.CHILD_EDIT)
        and in_scope(actor, school_class)
    )


def importable_classes(actor, pks: list[int]) -> set[int]:
    """Those of the classes `pks` that `may_import_into` allows, in one query."""
    if not (may(actor, Perm.CENSUS_IMPORT) and may(actor, Perm.CHILD_EDIT)):
        return set()
    return classes_in_scope(actor, pks)


def _visible_children(actor):
    return Child.objects.restrict(actor)  # the server operator's scope is the whole tree


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


class RowReader:
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
        shown = cell_shown(self.raw(key) if value is None else value)
        self.errors.append(CellError(self.number, header_of(key), shown, reason))

    def errors_in(self, *keys: str) -> bool:
        headers = {header_of(k) for k in keys}
        return any(e.field in headers for e in self.errors)

    def get(self, parse, *args, **kwargs) -> Any:
        try:
            return parse(*args, **kwargs)
        except CellProblem as problem:
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


def row_values(reader: RowReader, *, actor, finder: ClassFinder) -> dict[str, Any]:
    """Every column the sheet has, parsed; required columns checked for blanks."""
    values: dict[str, Any] = {"child": {}, "parents": {}, "guardian": {}}
    child = values["child"]
    name = clean_name(cell_text(reader.raw("name")))
    if not name:
        reader.error("name", _("必填，不能为空。"))
    child["name"] = name
    raw_id = reader.get(parse_id_number, reader.raw("id_number"))
    if raw_id == "":
        reader.error("id_number", _("必填，不能为空。"))
    child["id_number"] = raw_id or ""
    number = well_formed_id(raw_id) if raw_id else None
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
    ethnicity = cell_text(reader.raw("ethnicity"))
    child["ethnicity"] = ethnicity_of(ethnicity) if ethnicity else None
    child["hukou_type"] = reader.get(
        parse_enum, reader.raw("hukou_type"), kind="hukou_type", key="hukou_type"
    )
    child["address"] = parse_optional_text(reader.raw("address"))
    child["boarding"] = reader.get(parse_bool, reader.raw("boarding"), "boarding")
    school_code = cell_text(reader.raw("school_code"))
    class_name = cell_text(reader.raw("class_name"))
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
    if reader.has("category") and cell_text(reader.raw("category")):
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


def existing_children(actor, indexes: list[str]) -> tuple[dict[str, Child], set[str]]:
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
                models.Prefetch("flags", queryset=ChildFlag.objects.open(), to_attr="open"),
            )
        )
        visible.update({c.id_number_index: c for c in children})
    return visible, existing


def snapshots_on_record(children: list[Child], term: Term) -> dict[int, CensusSnapshot]:
    found: dict[int, CensusSnapshot] = {}
    ids = [c.pk for c in children]
    for start in range(0, len(ids), BATCH):
        for snapshot in CensusSnapshot.objects.filter(
            term=term, child_id__in=ids[start : start + BATCH]
        ):
            found[snapshot.child_id] = snapshot
    return found
