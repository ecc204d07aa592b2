"""The register export in the national layout (农村留守儿童基本情况登记表), with the summary
table as a second sheet.

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
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from shouhu.audit.models import AccessAction, AccessLog, ExportGrant
from shouhu.audit.services import access_record, client_ip
from shouhu.core.roles import Perm
from shouhu.core.scoping import subtree_range
from shouhu.core.visibility import ChildField, Visibility, printed, stricter, visibility
from shouhu.core.xlsx import append_row, write_only_cell
from shouhu.org.models import Grade, Region, School, SchoolClass, Term
from shouhu.org.selectors import node_within_user_scope
from shouhu.registry.census_io.operator import census_reader_for, is_operator
from shouhu.registry.census_io.summary import Summary, census_summary_for, column_headers
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


def node_code(node) -> str:
    if isinstance(node, Region):
        return node.prefix
    if isinstance(node, School):
        return node.code
    return str(node.pk)


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
    if is_operator(user):
        children = Child.objects.all()
    else:
        children = Child.objects.visible_to(user)
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


def _cell(sheet, value: Any, *, bold: bool = False, center: bool = False) -> WriteOnlyCell:
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
        upper.append(_cell(sheet, group, bold=True, center=True))
        upper += [None] * (span - 1)
        if subs:
            lower += [_cell(sheet, s, bold=True, center=True) for s in subs]
            if span > 1:
                sheet.merged_cells.add(_range(3, column, 3, column + span - 1))
        else:
            lower.append(None)
            sheet.merged_cells.add(_range(3, column, 4, column))
        column += span
    append_row(sheet, upper)
    append_row(sheet, lower)


def _range(r1: int, c1: int, r2: int, c2: int) -> str:
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


@dataclass
class ExportResult:
    rows: int
    full: bool
    summary: Summary | None


def _check_may_export(actor, node) -> None:
    if is_operator(actor):
        return
    if not actor.has_perm_to(Perm.CENSUS_EXPORT):
        raise PermissionDenied(_("您没有导出名册的权限。"))
    if not node_within_user_scope(actor, node):
        raise Http404


def export_grant_take(*, actor, node, grant_id) -> ExportGrant:
    """The actor's unused grant for exactly this node, locked and stamped as used."""
    grant = (
        ExportGrant.objects.select_for_update()
        .select_related("granted_by")
        .filter(public_id=grant_id, grantee=actor, used_at__isnull=True)
        .first()
    )
    if grant is None:
        raise PermissionDenied(_("完整导出授权无效或已使用。"))
    if grant.scope_code != node_code(node):
        raise PermissionDenied(_("该授权不适用于此范围。"))
    grant.used_at = timezone.now()
    grant.save(update_fields=["used_at"])
    return grant


@transaction.atomic
def census_export(
    *,
    actor,
    node,
    term: Term,
    out: str | IO[bytes],
    include_all: bool = False,
    grant_id=None,
    request: HttpRequest | None = None,
) -> ExportResult:
    """Write the register (and the summary table) of a node for a term to `out`."""
    _check_may_export(actor, node)
    grant = export_grant_take(actor=actor, node=node, grant_id=grant_id) if grant_id else None
    full = grant is not None
    states = register_states(actor, node, full=full)
    # 心理问题 only for whoever sees counselling, even in a full export (it is hidden, not masked).
    flags = flags_visible_to(actor)
    at = timezone.now()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("登记表"))
    append_row(
        sheet, [_cell(sheet, watermark(actor=actor, at=at, node=node, term=term, grant=grant))]
    )
    sheet.merged_cells.add(_range(1, 1, 1, WIDTH))
    append_row(sheet, [_cell(sheet, TITLE, bold=True, center=True)])
    sheet.merged_cells.add(_range(2, 1, 2, WIDTH))
    _header_rows(sheet)
    snapshots = register_snapshots_for(actor, node=node, term=term, include_all=include_all)
    logs: list[AccessLog] = []
    ip = client_ip(request)
    user = actor if actor.pk else None
    count = 0
    for snapshot in _chunked(snapshots):
        count += 1
        append_row(sheet, _register_row(count, snapshot, states=states, flags=flags))
        logs.append(
            AccessLog(user=user, action=AccessAction.EXPORT, child_id=snapshot.child_id, ip=ip)
        )
        if len(logs) >= CHUNK:
            AccessLog.objects.bulk_create(logs)
            logs = []
    AccessLog.objects.bulk_create(logs)
    summary = census_summary_for(census_reader_for(actor, node), node=node, term=term)
    _summary_sheet(
        workbook, summary, mark=watermark(actor=actor, at=at, node=node, term=term, grant=grant)
    )
    access_record(
        user=user,
        action=AccessAction.EXPORT,
        query=_("导出名册 %(node)s %(term)s：%(n)d人，%(how)s")
        % {
            "node": node_code(node),
            "term": term.code,
            "n": count,
            "how": _("完整导出（授权 %(g)s）") % {"g": grant.public_id} if grant else _("脱敏"),
        },
        request=request,
    )
    workbook.save(out)
    return ExportResult(rows=count, full=full, summary=summary)


def _chunked(snapshots: QuerySet[CensusSnapshot]) -> Iterator[CensusSnapshot]:
    return snapshots.iterator(chunk_size=CHUNK)


def _summary_sheet(workbook: Workbook, summary: Summary, *, mark: str) -> None:
    sheet = workbook.create_sheet(_("汇总表"))
    headers = [_("单位"), _("代码"), *column_headers(), _("自检")]
    append_row(sheet, [_cell(sheet, mark)])
    append_row(sheet, [_cell(sheet, _("农村留守儿童情况汇总表"), bold=True)])
    append_row(sheet, [_cell(sheet, h, bold=True, center=True) for h in headers])
    for row in summary.rows:
        check = "；".join(row.failures) if row.failures else _("通过")
        append_row(sheet, ["　" * row.depth + row.name, row.code, *row.values, check])
    failures = summary.failures
    append_row(sheet, [])
    append_row(
        sheet,
        [
            _cell(
                sheet,
                _("自检：全部通过。")
                if not failures
                else _("自检：%(n)d项未通过，见各行「自检」列。") % {"n": len(failures)},
                bold=True,
            )
        ],
    )


def export_grants_usable_by(user) -> QuerySet[ExportGrant]:
    """The unused full-export grants made out to the user."""
    return ExportGrant.objects.filter(grantee=user, used_at__isnull=True).select_related(
        "granted_by"
    )
