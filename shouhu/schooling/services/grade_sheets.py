"""Importing the grading system's Excel (成绩导入): the template, the reading, all or nothing.

1. Read any spreadsheet the census reads (`.xlsx`, `.xls`, `.xlsb`, `.ods`, CSV) with the
   census's reader (`registry.census_sheets.reading`: its format guards and calamine).
2. Find the header in the first rows: 姓名 and at least one subject; 班级 (or the class chosen
   on the form) and 身份证号 when present. Columns such as 总分 or 名次 are ignored.
3. Find each row's child on the register of a class the importer may enter: by ID number when
   the row has one, else by name within the class (a name two classmates share needs the ID
   number).
4. Check every score as the web sheet does (`grades.scores_check`). With any problem, nothing
   is written and the report names each row, field and reason; else write in bulk.
"""

import io
import re
import time
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from shouhu.accounts.models import User
from shouhu.core.crypto import blind_index
from shouhu.core.roles import Perm
from shouhu.core.xlsx import (
    PrintLayout,
    escape_cell,
    export_footer,
    export_header,
    sheet_print_setup,
)
from shouhu.org.models import SchoolClass, Term
from shouhu.registry.census_sheets.cells import cell_text, well_formed_id
from shouhu.registry.census_sheets.reading import SheetError, worksheets
from shouhu.registry.models import Child
from shouhu.schooling.grading import subject_of
from shouhu.schooling.models.grades import Subject
from shouhu.schooling.selectors.grades import class_subjects, classes_to_enter_for
from shouhu.schooling.services.grades import (
    Saved,
    ScoreCell,
    ScoreProblem,
    _store_defaults,
    check_exam,
    scores_check,
    scores_write,
)

HEADER_SCAN_ROWS = 12
NAME_HEADERS = {"姓名", "学生姓名", "学生"}
CLASS_HEADERS = {"班级", "班别", "班级名称"}
ID_HEADERS = {"身份证号", "身份证号码", "公民身份号码", "身份证"}


@dataclass
class GradeImport:
    """What an import found: the rows read, the problems (row, field, value, reason) and, when
    written, the counts."""

    rows: int = 0
    problems: list[ScoreProblem] = field(default_factory=list)
    saved: Saved | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.saved is not None


def _norm(text: Any) -> str:
    return re.sub(r"\s+", "", cell_text(text)).replace("（", "(").replace("）", ")")


@dataclass
class _Header:
    row: int
    name: int
    school_class: int | None
    id_number: int | None
    subjects: dict[int, str]  # column index → subject


def _pick(cells: tuple, wanted: set[str]) -> int | None:
    return next((i for i, c in enumerate(cells) if _norm(c) in wanted), None)


def _find_header(head: list[tuple[int, tuple]]) -> _Header | None:
    for number, cells in head:
        names = [i for i, c in enumerate(cells) if _norm(c) in NAME_HEADERS]
        subjects = {i: s for i, c in enumerate(cells) if (s := subject_of(_norm(c) or None))}
        if names and subjects:
            return _Header(
                number, names[0], _pick(cells, CLASS_HEADERS), _pick(cells, ID_HEADERS), subjects
            )
    return None


def _read(content: bytes, filename: str | None) -> tuple[_Header, list[tuple[int, tuple]]]:
    for _title, rows in worksheets(content, filename):
        head: list[tuple[int, tuple]] = []
        rest: list[tuple[int, tuple]] = []
        for number, cells in rows:
            (head if number <= HEADER_SCAN_ROWS else rest).append((number, cells))
            if number > HEADER_SCAN_ROWS:
                break
        header = _find_header(head)
        if header is None:
            continue
        data = [(n, c) for n, c in head if n > header.row] + rest + list(rows)
        return header, [(n, c) for n, c in data if any(_norm(x) for x in c)]
    raise SheetError(
        _("找不到表头：请确认表格中有「姓名」列和至少一门科目（如「语文」「数学」）的列。")
    )


def _cell(cells: tuple, index: int | None) -> Any:
    return cells[index] if index is not None and index < len(cells) else None


class _Finder:
    """The importer's classes by name and their children by name and by ID number."""

    def __init__(self, actor: User, classes: list[SchoolClass]):
        self.classes = {_norm(c.name): c for c in classes}
        self.by_id = {c.pk: c for c in classes}
        children = list(
            Child.objects.restrict(actor)
            .filter(school_class__in=classes)
            .only("pk", "name", "school_class_id", "left_on", "id_number_index")
        )
        self.children = {c.pk: c for c in children}
        self.by_index = {c.id_number_index: c for c in children if c.id_number_index}
        self.by_name: dict[tuple[int, str], list[Child]] = {}
        for c in children:
            if c.left_on is None:
                self.by_name.setdefault((c.school_class_id, _norm(c.name)), []).append(c)


def grades_import(
    *,
    actor: User,
    term: Term,
    exam: str,
    content: bytes,
    filename: str | None = None,
    school_class: SchoolClass | None = None,
    request: HttpRequest | None = None,
) -> GradeImport:
    """Import a grade sheet for an exam of a term: all rows or none (see the module)."""
    started = time.monotonic()
    if not actor.has_perm_to(Perm.GRADES_RECORD):
        raise PermissionDenied(_("您没有录入成绩的权限。"))
    check_exam(term, exam)
    header, rows = _read(content, filename)
    classes = list(classes_to_enter_for(actor))
    if school_class is not None and school_class.pk not in {c.pk for c in classes}:
        raise PermissionDenied(_("该班级不在您的管辖范围内。"))
    finder = _Finder(actor, classes)
    result = GradeImport(rows=len(rows))
    if header.school_class is None and school_class is None:
        result.problems.append(
            ScoreProblem(
                str(header.row), _("班级"), "", _("表格中没有「班级」列，请在页面上选择班级。")
            )
        )
        return result
    cells: list[ScoreCell] = []
    for number, row in rows:
        label = _("第%(n)d行") % {"n": number}
        child, school = _row_child(finder, header, row, label, school_class, result.problems)
        if child is None or school is None:
            continue
        for index, subject in header.subjects.items():
            value = _cell(row, index)
            if value is None or cell_text(value) == "":
                continue
            cells.append(
                ScoreCell(
                    child_id=child.pk,
                    school_class_id=school.pk,
                    subject=subject,
                    value=value,
                    row=label,
                    field=str(Subject(subject).label),
                )
            )
    used = {c.school_class_id for c in cells}
    good, problems = scores_check(
        actor=actor,
        classes={pk: finder.by_id[pk] for pk in used},
        children=finder.children,
        cells=cells,
    )
    result.problems += problems
    if not result.problems:
        with transaction.atomic():
            for pk in used:
                _store_defaults(finder.by_id[pk], class_subjects(finder.by_id[pk]))
            result.saved = scores_write(
                actor=actor, term=term, exam=exam, scores=good, request=request
            )
    result.seconds = time.monotonic() - started
    return result


def _row_child(finder, header, row, label, chosen, problems):
    """The child of a row and the class, or None with the problem noted."""
    school = chosen
    if header.school_class is not None and _norm(_cell(row, header.school_class)):
        text = _norm(_cell(row, header.school_class))
        school = finder.classes.get(text)
        if school is None or (chosen is not None and school.pk != chosen.pk):
            problems.append(
                ScoreProblem(
                    label, _("班级"), text, _("找不到该班级，或不是您可以录入成绩的班级。")
                )
            )
            return None, None
    if school is None:
        problems.append(ScoreProblem(label, _("班级"), "", _("班级不能为空。")))
        return None, None
    raw_id = cell_text(_cell(row, header.id_number))
    name = _norm(_cell(row, header.name))
    if raw_id:
        number = well_formed_id(raw_id)
        child = finder.by_index.get(blind_index(number)) if number else None
        if child is None or child.school_class_id != school.pk:
            problems.append(
                ScoreProblem(label, _("身份证号"), raw_id, _("本班名册上没有该身份证号的学生。"))
            )
            return None, None
        return child, school
    found = finder.by_name.get((school.pk, name), [])
    if not name:
        problems.append(ScoreProblem(label, _("姓名"), "", _("姓名不能为空。")))
    elif not found:
        problems.append(ScoreProblem(label, _("姓名"), name, _("本班名册上没有该学生。")))
    elif len(found) > 1:
        problems.append(
            ScoreProblem(label, _("姓名"), name, _("本班有同名学生，请填写身份证号以区分。"))
        )
    else:
        return found[0], school
    return None, None


def grade_template_xlsx(*, school_class: SchoolClass, children: list[Child], by=None) -> bytes:
    """The import template of a class: 班级, 姓名 and a column per subject the class takes,
    with the class's children listed (no ID numbers: the name identifies a child in the
    class)."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("成绩")
    subjects = class_subjects(school_class)
    header = [_("班级"), _("姓名"), _("身份证号")] + [s.label for s in subjects]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for child in children:
        sheet.append([escape_cell(school_class.name), escape_cell(child.name), None])
    unit = f"{school_class.school.name}{school_class.name}"
    layout = PrintLayout(
        title_rows="1:1", freeze="C2", header=export_header(unit), footer=export_footer(by)
    )
    sheet_print_setup(sheet, layout)
    notes = book.create_sheet(_("说明"))
    notes.append([_("每科成绩填0到满分之间的数字，最多一位小数；不考的科目留空。")])
    notes.append([_("身份证号可不填；同班有同名学生时必须填写。")])
    notes.append([_("满分：") + "，".join(f"{s.label}{s.full_mark}" for s in subjects)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def problems_report_xlsx(problems: list[ScoreProblem], *, filename: str = "", by=None) -> bytes:
    """The error report: one line per problem, with the row, the field, the value and why;
    printable as it comes (a class's problems: a normal sheet, fitted after it is filled)."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("错误报告")
    sheet.append([_("行号"), _("字段"), _("值"), _("原因")])
    for p in problems:
        sheet.append([escape_cell(p.row), escape_cell(p.field), escape_cell(p.value), p.reason])
    layout = PrintLayout(
        title_rows="1:1",
        freeze="A2",
        header=export_header(filename or _("成绩导入错误报告")),
        footer=export_footer(by),
    )
    sheet_print_setup(sheet, layout)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
