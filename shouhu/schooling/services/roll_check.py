"""四查三比对: compare the school's student-status list (学籍, an Excel export of the national
system) with the register and with attendance.

1. Read the sheet (xlsx, xls, ods or CSV; the census importer's format guards). The header must
   hold 姓名 and one of 身份证号 or 学籍号 (a 学籍号 is G or L followed by the ID number);
   a sheet without them is refused with the columns it has and those it needs, nothing done.
2. Every row is matched to a child of the school's register by ID number (its keyed hash), or,
   with no ID number, by the name when one child of the school bears it.
3. 名在人不在: a matched child absent (any reason) at each of the class's last N roll calls
   (SHOUHU_DROPOUT_ABSENT_DAYS) goes to the suspected ledger.
4. Rows matching nobody (on the status list, not on the register) and children of the register
   on no row (no status record) are listed.
All-or-nothing: a row with an error (blank name, an ID number Excel has turned into a number)
stops the comparison with the row, the field and the reason, and nothing is entered.
"""

import datetime
import io
from dataclasses import dataclass, field

import python_calamine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhu.accounts.models import User
from shouhu.core.crypto import blind_index
from shouhu.core.idnumber import IdNumberError, validate_id_number
from shouhu.core.roles import Perm
from shouhu.core.scoping import in_scope, may
from shouhu.org.models import School
from shouhu.registry.census_sheets import formats
from shouhu.registry.census_sheets.cells import normal_cell
from shouhu.registry.models import Child
from shouhu.schooling.models.attendance import Absence, RollCall
from shouhu.schooling.models.dropout import SuspectRule
from shouhu.schooling.services.dropout import suspect_enter

HEADERS = {
    "name": ("姓名", "学生姓名"),
    "id_number": ("身份证号", "身份证件号", "身份证件号码", "证件号码"),
    "status_number": ("学籍号", "全国学籍号", "学籍辅号"),
    "class": ("班级", "班级名称"),
}
HEADER_SCAN_ROWS = 10


@dataclass
class RollCheckResult:
    school: School
    rows: int = 0
    matched: int = 0
    absent: list[Child] = field(default_factory=list)  # 名在人不在
    entered: int = 0  # of them, newly in the suspected ledger
    not_on_register: list[tuple[int, str]] = field(default_factory=list)  # (row, name)
    no_status: list[Child] = field(default_factory=list)  # on the register, on no row


def _rows(content: bytes, filename: str | None) -> list[tuple[int, tuple]]:
    try:
        return _read(content, filename)
    except formats.SheetError as exc:
        raise ValidationError({"sheet": str(exc)}) from None


def _read(content: bytes, filename: str | None) -> list[tuple[int, tuple]]:
    fmt = formats.sniff(content, filename)
    if fmt == formats.Format.CSV:
        found = formats.csv_rows(formats.decode_text(content))
        return [(n, tuple(map(normal_cell, cells))) for n, cells in enumerate(found, 1)]
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        try:
            sheet = book.get_sheet_by_index(0)
            return [
                (n, tuple(normal_cell(c) for c in cells[:64]))
                for n, cells in enumerate(sheet.to_python(skip_empty_area=False), 1)
            ]
        finally:
            book.close()
    except python_calamine.CalamineError as exc:
        raise ValidationError({"sheet": formats.not_excel_message()}) from exc


def _header(rows: list[tuple[int, tuple]]) -> tuple[int, dict[str, int]]:
    for number, cells in rows[:HEADER_SCAN_ROWS]:
        columns = {}
        for index, cell in enumerate(cells):
            text = str(cell or "").replace(" ", "").strip()
            for key, names in HEADERS.items():
                if text in names and key not in columns:
                    columns[key] = index
        if "name" in columns and ("id_number" in columns or "status_number" in columns):
            return number, columns
    first = [str(c) for c in rows[0][1] if c not in (None, "")] if rows else []
    raise ValidationError(
        {
            "sheet": _(
                "学籍名单缺少必需的列：须有“姓名”，以及“身份证号”或“学籍号”。表中的列为：%(found)s。"
            )
            % {"found": "、".join(first) or _("（空）")}
        }
    )


def _id_of(row: int, column: str, value) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, float):
        raise ValidationError(
            _(
                "第%(row)d行“%(column)s”：身份证号被存成了数字，后几位已丢失，请把该列设为文本后重新导出。"
            )
            % {"row": row, "column": column}
        )
    text = str(value).strip().upper()
    if text[:1] in ("G", "L") and len(text) == 19:
        text = text[1:]
    try:
        return validate_id_number(text)
    except IdNumberError as exc:
        raise ValidationError(
            _("第%(row)d行“%(column)s”：%(reason)s") % {"row": row, "column": column, "reason": exc}
        ) from None


def _absent_at_last_calls(children: list[Child], day: datetime.date) -> list[Child]:
    n = settings.SHOUHU_DROPOUT_ABSENT_DAYS
    class_ids = {c.school_class_id for c in children}
    last: dict[int, list[tuple[int, datetime.date]]] = {}
    for class_id, pk, when in (
        RollCall.objects.filter(school_class_id__in=class_ids, day__lte=day)
        .order_by("school_class_id", "-day")
        .values_list("school_class_id", "pk", "day")
    ):
        if len(last.setdefault(class_id, [])) < n:
            last[class_id].append((pk, when))
    chosen = [row for rows in last.values() if len(rows) == n for row in rows]
    calls = [pk for pk, _when in chosen]
    # Dated within the calls' days: PostgreSQL reads only those months of the absences.
    first = min((when for _pk, when in chosen), default=day)
    counts: dict[int, int] = {}
    for child_id in Absence.objects.filter(
        roll_call_id__in=calls, child__in=children, day__gte=first, day__lte=day
    ).values_list("child_id", flat=True):
        counts[child_id] = counts.get(child_id, 0) + 1
    return [c for c in children if counts.get(c.pk, 0) >= n]


@transaction.atomic
def roll_check_run(
    *, actor: User, school: School, content: bytes, filename: str | None = None
) -> RollCheckResult:
    """Compare the status list with the register and attendance; enter the 名在人不在."""
    if not (may(actor, Perm.DROPOUT_MANAGE) or may(actor, Perm.DROPOUT_REVIEW)):
        raise PermissionDenied(_("您没有学籍比对的权限。"))
    if not in_scope(actor, school):
        raise PermissionDenied(_("该学校不在您的管辖范围内。"))
    rows = _rows(content, filename)
    header_row, columns = _header(rows)
    register = list(
        Child.objects.on_register()
        .filter(school_class__school=school)
        .select_related("school_class")
    )
    by_index = {c.id_number_index: c for c in register if c.id_number_index}
    by_name: dict[str, list[Child]] = {}
    for child in register:
        by_name.setdefault(child.name, []).append(child)
    result = RollCheckResult(school=school)
    matched: dict[int, Child] = {}
    errors: list[str] = []
    for number, cells in rows:
        if number <= header_row or not any(c not in (None, "") for c in cells):
            continue
        result.rows += 1

        def cell(key, cells=cells):
            index = columns.get(key)
            return cells[index] if index is not None and index < len(cells) else None

        name = str(cell("name") or "").strip()
        if not name:
            errors.append(_("第%(row)d行“姓名”：不能为空。") % {"row": number})
            continue
        try:
            id_number = _id_of(number, "身份证号", cell("id_number")) or _id_of(
                number, "学籍号", cell("status_number")
            )
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        child = by_index.get(blind_index(id_number)) if id_number else None
        if child is None and not id_number and len(by_name.get(name, [])) == 1:
            child = by_name[name][0]
        if child is None:
            result.not_on_register.append((number, name))
        else:
            matched[child.pk] = child
    if errors:
        raise ValidationError({"sheet": errors})
    result.matched = len(matched)
    result.no_status = [c for c in register if c.pk not in matched]
    today = timezone.localdate()
    result.absent = _absent_at_last_calls(list(matched.values()), today)
    for child in result.absent:
        detail = _("学籍比对：在学籍名单上，但连续%(n)d次点名缺勤") % {
            "n": settings.SHOUHU_DROPOUT_ABSENT_DAYS
        }
        if suspect_enter(child=child, rule=SuspectRule.ROLL_CHECK, found_on=today, detail=detail):
            result.entered += 1
    return result
