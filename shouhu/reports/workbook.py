"""The statistical tables (统计报表) of a node and a term as one Excel workbook: the census by
category, flag, sex and age band; pairing coverage; compliance; home-visit tasks and
escalations. One row per unit one level down and a total row (合计), under a title row, the
reporting unit (填报单位), the date and the preparer (填表人), as upper levels ask for them.
"""

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from shouhu.core.xlsx import PrintLayout, append_row, fitted_widths, print_setup, write_cell
from shouhu.org.models import Region, School
from shouhu.registry.models import Flag, Sex
from shouhu.reports.selectors import (
    AGE_BANDS,
    AGE_LABELS,
    FIGURES,
    LEFT_BEHIND_CATEGORIES,
    Figures,
    QuotaFigure,
    TaskFigures,
    UnitRow,
    compliance_term_for,
    definitions,
    figures_cached,
    units_for,
)
from shouhu.reports.selectors.aid import aid_workbook_table
from shouhu.reports.selectors.care import care_coverage, task_figures
from shouhu.reports.selectors.census import census_figures
from shouhu.reports.selectors.compliance import units_compliance_term
from shouhu.reports.work_summary.document import date_label

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="EEF1F4")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


@dataclass
class Row:
    name: str
    values: list


def _census_values(f: Figures) -> list:
    return [
        f.pupils,
        f.left_behind_education,
        f.percent_education,
        f.left_behind_civil,
        f.percent_civil,
        *[f.by_category.get(c.value, 0) for c in LEFT_BEHIND_CATEGORIES],
        *[f.by_sex.get(s.value, 0) for s in Sex],
        *[f.by_age_band.get(b, 0) for b in AGE_BANDS],
        *[f.by_flag.get(fl.value, 0) for fl in Flag],
        f.without_guardian,
    ]


def _census_headers() -> list[str]:
    return [
        _("在校学生数"),
        _("留守儿童（教育口径）"),
        _("占在校生%"),
        _("农村留守儿童（民政口径）"),
        _("占在校生%"),
        *[str(c.label) for c in LEFT_BEHIND_CATEGORIES],
        *[str(s.label) for s in Sex],
        *[str(AGE_LABELS[b]) for b in AGE_BANDS],
        *[str(f.label) for f in Flag],
        _("无委托监护人"),
    ]


def _coverage_values(f) -> list:
    if f is None:
        return [None] * 8
    return [
        f.needing,
        f.needing - f.unpaired,
        f.unpaired,
        f.percent_paired,
        f.unsupervised,
        f.unsupervised_unpaired,
        f.teachers,
        f.idle_teachers,
    ]


COVERAGE_HEADERS = (
    gettext_lazy("需结对儿童"),
    gettext_lazy("已有代理家长"),
    gettext_lazy("无代理家长"),
    gettext_lazy("覆盖率%"),
    gettext_lazy("无人监护"),
    gettext_lazy("无人监护且无代理家长"),
    gettext_lazy("教师数"),
    gettext_lazy("未担任代理家长的教师"),
)


def _compliance_values(quotas: list[QuotaFigure], kinds: list[str]) -> list:
    by_kind = {q.kind: q for q in quotas}
    values: list = []
    for kind in kinds:
        q = by_kind.get(kind)
        values += [q.owed, q.done, q.exempt, q.percent] if q else [None] * 4
    return values


def _task_values(t: TaskFigures) -> list:
    return [
        t.raised,
        t.closed,
        t.closed_on_time,
        t.on_time.percent,
        t.open,
        t.overdue,
        t.escalated_head,
        t.escalated_leader,
    ]


TASK_HEADERS = (
    gettext_lazy("本学期产生"),
    gettext_lazy("本学期完成"),
    gettext_lazy("按时完成"),
    gettext_lazy("按时完成率%"),
    gettext_lazy("未完成"),
    gettext_lazy("逾期"),
    gettext_lazy("升级至班主任"),
    gettext_lazy("升级至学校领导"),
)


def _sheet(
    book: Workbook,
    *,
    title: str,
    heading: str,
    unit_label: str,
    headers: Sequence[str],
    units: list[Row],
    total: Row,
    meta: dict,
    figure_keys: Sequence[str],
) -> None:
    sheet = book.create_sheet(title)
    width = 1 + len(headers)
    last = get_column_letter(width)
    append_row(sheet, [heading])
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"].font = Font(size=16, bold=True)
    sheet["A1"].alignment = CENTER
    sheet.row_dimensions[1].height = 30
    append_row(sheet, [_("填报单位：%(unit)s") % {"unit": meta["unit"]}])
    write_cell(sheet, row=2, column=width, value=_("填报日期：%(date)s") % {"date": meta["date"]})
    sheet.cell(row=2, column=width).alignment = Alignment(horizontal="right")
    append_row(sheet, [unit_label, *headers])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = CENTER
        cell.border = BORDER
    sheet.row_dimensions[3].height = 45
    for row in [*units, total]:
        append_row(sheet, [row.name, *row.values])
        for cell in sheet[sheet.max_row]:
            cell.border = BORDER
            if cell.column > 1:
                cell.alignment = Alignment(horizontal="right")
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    append_row(sheet, [])
    append_row(
        sheet, [_("填表人：%(name)s") % {"name": meta["preparer"]}, None, None, _("审核人：")]
    )
    notes = [FIGURES[k] for k in figure_keys]
    for figure in notes:
        append_row(sheet, [f"{figure.label}：{figure.definition}"])
    # The header row wraps (its height is set): the widths follow the units and the figures.
    widths = fitted_widths([[row.name, *row.values] for row in [*units, total]], columns=width)
    layout = PrintLayout(
        title_rows="3:3",
        freeze="B4",
        header=_("%(unit)s　%(date)s") % meta,
        footer=_("填表人：%(preparer)s") % meta,
    )
    print_setup(sheet, layout, widths=[max(w, 8) for w in widths])


def _unit_label(units: list[UnitRow]) -> str:
    if not units:
        return _("单位")
    first = units[0].node
    if isinstance(first, Region):
        return str(first.get_level_display())
    return _("学校") if isinstance(first, School) else _("班级")


def workbook_build(user, *, node, term) -> bytes:
    """1. Read every unit's figures once (figures_cached). 2. Write a sheet per table, each
    with its unit rows, its total and the definitions of its columns. 3. Return the bytes."""
    with figures_cached():
        units = units_for(user, node=node, term=term)
        unit_compliance = units_compliance_term(user, node=node, term=term)
        quotas = compliance_term_for(user, node=node, term=term)
        coverage = care_coverage(user, node=node, term=term, teachers=True).figures
        tasks = task_figures(user, node=node, term=term)[0]
        census = census_figures(user, node=node, term=term)
        aid_table = aid_workbook_table(user, node=node, term=term)
    meta = {
        "unit": node.name,
        "date": date_label(timezone.localdate()),
        "preparer": str(user),
    }
    label = _unit_label(units)
    kinds = [q.kind for q in quotas]
    total_name = _("合计")
    book = Workbook()
    book.remove(book.active)
    tables: list[tuple[str, str, list[str], Callable[[UnitRow], list], list, list[str]]] = [
        (
            _("摸底统计"),
            _("%(unit)s%(term)s留守儿童摸底统计表"),
            _census_headers(),
            lambda u: _census_values(u.census),
            _census_values(census),
            [
                "pupils",
                "left_behind_education",
                "left_behind_civil",
                "by_category",
                "by_flag",
                "by_sex",
                "by_age_band",
                "without_guardian",
            ],
        ),
        (
            _("结对覆盖"),
            _("%(unit)s%(term)s代理家长结对覆盖情况表"),
            [str(h) for h in COVERAGE_HEADERS],
            lambda u: _coverage_values(u.care.coverage),
            _coverage_values(coverage),
            ["pairing_coverage", "without_proxy", "unsupervised_without_proxy", "teachers_pairing"],
        ),
        (
            _("关爱完成率"),
            _("%(unit)s%(term)s关爱要求完成情况表"),
            [
                # A quota whose period still runs is so far, not owed and missed.
                f"{q.label}{_('（截至目前）') if q.in_progress else ''}{part}"
                for q in quotas
                for part in (_("应完成"), _("已完成"), _("免除"), _("完成率%"))
            ],
            lambda u: _compliance_values(unit_compliance.get(u.code, []), kinds),
            _compliance_values(quotas, kinds),
            ["compliance_term"],
        ),
        (
            _("家访任务"),
            _("%(unit)s%(term)s家访任务完成与升级情况表"),
            [str(h) for h in TASK_HEADERS],
            lambda u: _task_values(u.care.tasks),
            _task_values(tasks),
            ["tasks_raised", "tasks_closed", "tasks_open", "tasks_overdue", "tasks_escalated"],
        ),
    ]
    tables.append(aid_table)
    for title, heading, headers, values, total, keys in tables:
        _sheet(
            book,
            title=title,
            heading=heading % {"unit": node.name, "term": term},
            unit_label=label,
            headers=headers,
            units=[Row(u.name, values(u)) for u in units],
            total=Row(total_name, total),
            meta=meta,
            figure_keys=keys,
        )
    notes = book.create_sheet(_("指标说明"))
    append_row(notes, [_("指标"), _("说明")])
    for name, definition in definitions():
        append_row(notes, [name, definition])
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
