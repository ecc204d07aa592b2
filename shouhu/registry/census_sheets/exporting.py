"""The register export in the national layout (农村留守儿童基本情况登记表): its sheet and its
checks. The export's workbook, with the census table (汇总表) as a second sheet, is put together
by `reports.services.census_export`.

- Every text cell is escaped against formulae (a leading = + - @ gets an apostrophe).
- The first line is a watermark: who exported, when, which node and term, masked or not.
- ID numbers and phones are masked unless the exporter holds an unused full-export grant from
  the privacy officer; the grant is used up and logged, and so is every child exported.
- The other sensitive columns (home address, the guardian's health) follow the privacy matrix
  for the exporter as the screen does (`core.visibility`): withheld where the screen masks them,
  unless a grant makes the whole export full.
- The workbook is written in openpyxl's write-only mode, streaming the children in chunks.
"""

import datetime
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from shouhu.accounts.models import User
from shouhu.accounts.operator import census_reader_for
from shouhu.audit.models import AccessAction, ExportGrant
from shouhu.audit.services import access_record_many
from shouhu.core.roles import Perm
from shouhu.core.scoping import in_scope, may, subtree_range
from shouhu.core.visibility import ChildField, Visibility, printed, stricter, visibility
from shouhu.core.xlsx import (
    PrintLayout,
    append_row,
    fitted_widths,
    print_setup,
    wrapped_cell,
    wraps,
    write_only_cell,
)
from shouhu.org.models import Grade, School, SchoolClass, Term
from shouhu.registry.classification import EDUCATION_CATEGORIES, Category
from shouhu.registry.flags import flags_visible_to
from shouhu.registry.models import CensusSnapshot, CensusSource, Child, Flag, Parent, ParentRole

TITLE = "农村留守儿童基本情况登记表"
CHUNK = 2000

# (group, sub-headers): the two header rows of the national form. A group of one column
# without sub-headers spans both rows.
LAYOUT: list[tuple[str, list[str]]] = [
    ("序号", []),
    (
        "儿童基本情况",
        [
            "姓名",
            "性别",
            "身份证号",
            "出生日期",
            "民族",
            "户籍类型",
            "家庭住址",
            "学校",
            "学校标识码",
            "年级",
            "班级",
            "是否寄宿",
        ],
    ),
    ("父亲", ["姓名", "状况", "务工地", "电话"]),
    ("母亲", ["姓名", "状况", "务工地", "电话"]),
    ("委托监护人", ["姓名", "与儿童关系", "电话", "年龄", "健康状况"]),
    ("留守类别", []),
    ("重点对象", []),
    ("信息来源", []),
]
WIDTH = sum(max(1, len(subs)) for _g, subs in LAYOUT)
# Each column's own label (the sub-header, or the group of a column without one).
COLUMN_LABELS = [label for group, subs in LAYOUT for label in (subs or [group])]


def _in_node(node) -> Q:
    if isinstance(node, SchoolClass):
        return Q(school_class_id=node.pk)
    if isinstance(node, School):
        return Q(school_class__school_id=node.pk)
    return Q(school_class__school__region__code__range=subtree_range(node.prefix))


def register_snapshots_for(
    user, *, node, term: Term, include_all: bool = False
) -> QuerySet[CensusSnapshot]:
    """The term's census rows of a node that the user may see, in register order."""
    children = Child.objects.restrict(user)
    snapshots = CensusSnapshot.objects.filter(
        _in_node(node), term=term, child__in=children.values("pk")
    )
    if not include_all:
        snapshots = snapshots.filter(category__in=[c.value for c in EDUCATION_CATEGORIES])
    return (
        snapshots.select_related("school_class__school", "child__guardian")
        .prefetch_related(Prefetch("child__parents", queryset=Parent.objects.order_by("role")))
        .order_by(
            "school_class__school__code",
            "school_class__grade",
            "school_class__name",
            "child__name_pinyin",
            "child_id",
        )
    )


def watermark(*, actor, at: datetime.datetime, node, term: Term, grant: ExportGrant | None) -> str:
    who = f"{actor}（{actor.username}）"
    masked = (
        _("完整导出，授权编号 %(g)s，批准人 %(by)s")
        % {"g": str(grant.public_id)[:8], "by": grant.granted_by}
        if grant
        else _("身份证号和电话已脱敏")
    )
    return _("导出人：%(who)s　导出时间：%(at)s　范围：%(node)s　学期：%(term)s　%(masked)s") % {
        "who": who,
        "at": timezone.localtime(at).strftime("%Y-%m-%d %H:%M"),
        "node": node.name if not isinstance(node, SchoolClass) else str(node),
        "term": term,
        "masked": masked,
    }


def sheet_cell(sheet, value: Any, *, bold: bool = False, center: bool = False) -> WriteOnlyCell:
    cell = write_only_cell(sheet, value)
    if bold:
        cell.font = Font(bold=True)
    if center:
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    return cell


def _header_rows(sheet) -> None:
    upper, lower, column = [], [], 1
    for group, subs in LAYOUT:
        span = max(1, len(subs))
        upper.append(sheet_cell(sheet, group, bold=True, center=True))
        upper += [None] * (span - 1)
        if subs:
            lower += [sheet_cell(sheet, s, bold=True, center=True) for s in subs]
            if span > 1:
                sheet.merged_cells.add(cell_range(3, column, 3, column + span - 1))
        else:
            lower.append(None)
            sheet.merged_cells.add(cell_range(3, column, 4, column))
        column += span
    append_row(sheet, upper)
    append_row(sheet, lower)


def cell_range(r1: int, c1: int, r2: int, c2: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"


# The sensitive columns of the register, by the row of the matrix that governs them.
DOCUMENT_FIELDS: tuple[str, ...] = (
    ChildField.ID_NUMBER,
    ChildField.FAMILY_PHONE,
    ChildField.ADDRESS,
    ChildField.HEALTH,
)


def register_states(actor, node, *, full: bool) -> dict[str, Visibility]:
    """How each sensitive column is printed: all in full with a grant; otherwise as the matrix
    shows them to the exporter on screen, and ID numbers and phones masked at most, since a
    register leaves the system. The operator reads as `shouhu census` does (a region officer)."""
    if full:
        return dict.fromkeys(DOCUMENT_FIELDS, Visibility.FULL)
    reader = census_reader_for(actor, node)
    states: dict[str, Visibility] = {field: visibility(reader, field) for field in DOCUMENT_FIELDS}
    for field in (ChildField.ID_NUMBER, ChildField.FAMILY_PHONE):
        states[field] = stricter(states[field], Visibility.MASKED)
    return states


def _register_row(
    n: int, snapshot: CensusSnapshot, *, states: dict[str, Visibility], flags: list[Flag]
) -> list[Any]:
    """One child's row. `states`: how each sensitive column is printed (`register_states`);
    `flags`: those the exporter sees (`registry.flags`)."""
    child = snapshot.child
    school_class = snapshot.school_class
    parents = {p.role: p for p in child.parents.all()}
    guardian = getattr(child, "guardian", None)

    def shown(field: str, value: str) -> str:
        return printed(states[field], field, value or "")

    def phone(value: str) -> str:
        return shown(ChildField.FAMILY_PHONE, value)

    row: list[Any] = [
        n,
        child.name,
        child.get_sex_display(),
        shown(ChildField.ID_NUMBER, child.id_number),
        child.birth_date.isoformat(),
        child.ethnicity,
        child.get_hukou_type_display(),
        shown(ChildField.ADDRESS, child.address),
        school_class.school.name,
        school_class.school.code,
        Grade(school_class.grade).label,
        school_class.name,
        _("是") if child.boarding else _("否"),
    ]
    for role in ParentRole:
        parent = parents.get(role.value)
        if parent is None:
            row += ["", "", "", ""]
        else:
            row += [
                parent.name,
                parent.get_status_display(),
                parent.destination,
                phone(parent.phone),
            ]
    if guardian is None:
        row += ["", "", "", "", ""]
    else:
        row += [
            guardian.name,
            guardian.relation,
            phone(guardian.phone),
            guardian.age,
            shown(ChildField.HEALTH, guardian.health),
        ]
    row += [
        Category(snapshot.category).label,
        "、".join(str(f.label) for f in flags if getattr(snapshot, f.value)),
        CensusSource(snapshot.source).label,
    ]
    return [str(v) if isinstance(v, Promise) else v for v in row]


def census_export_check(*, actor: User, node) -> None:
    """Who may export a node's register: CENSUS_EXPORT over the node, or the operator."""
    if not may(actor, Perm.CENSUS_EXPORT):
        raise PermissionDenied(_("您没有导出名册的权限。"))
    if not in_scope(actor, node):
        raise Http404


def register_sheet_write(
    workbook: Workbook,
    *,
    actor: User,
    node,
    term: Term,
    mark: str,
    include_all: bool = False,
    full: bool = False,
    request: HttpRequest | None = None,
) -> int:
    """Write the register of a node for a term as the workbook's sheet 登记表, under the
    watermark `mark`, and log every child exported; the number of children.

    `full`: a grant allows the whole register unmasked (`census_export_check` and the grant
    are the caller's)."""
    states = register_states(actor, node, full=full)
    # 心理问题 only for whoever sees counselling, even in a full export (it is hidden, not masked).
    flags = flags_visible_to(actor)
    snapshots = register_snapshots_for(actor, node=node, term=term, include_all=include_all)
    rows: list[list[Any]] = []
    exported: list[int] = []
    user = actor if actor.pk else None
    for snapshot in _chunked(snapshots):
        rows.append(_register_row(len(rows) + 1, snapshot, states=states, flags=flags))
        exported.append(snapshot.child_id)
        if len(exported) >= CHUNK:
            access_record_many(
                user=user, action=AccessAction.EXPORT, child_ids=exported, request=request
            )
            exported = []
    access_record_many(user=user, action=AccessAction.EXPORT, child_ids=exported, request=request)
    # A write-only sheet takes its columns' widths before its first row: the rows come first.
    sheet = workbook.create_sheet(_("登记表"))
    layout = PrintLayout(title_rows="3:4", freeze="C5", header=page_header(node, term), footer=mark)
    print_setup(sheet, layout, widths=fitted_widths([COLUMN_LABELS, *rows], columns=WIDTH))
    append_row(sheet, [sheet_cell(sheet, mark)])
    sheet.merged_cells.add(cell_range(1, 1, 1, WIDTH))
    append_row(sheet, [sheet_cell(sheet, TITLE, bold=True, center=True)])
    sheet.merged_cells.add(cell_range(2, 1, 2, WIDTH))
    _header_rows(sheet)
    for row in rows:
        append_row(sheet, [wrapped_cell(sheet, v) if wraps(v) else v for v in row])
    return len(rows)


def page_header(node, term: Term) -> str:
    """The printed page's header: the unit, the term and the export time."""
    unit = node.name if not isinstance(node, SchoolClass) else str(node)
    at = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    return _("%(unit)s　%(term)s　导出时间：%(at)s") % {"unit": unit, "term": term, "at": at}


def _chunked(snapshots: QuerySet[CensusSnapshot]) -> Iterator[CensusSnapshot]:
    return snapshots.iterator(chunk_size=CHUNK)
