"""The census table (汇总表): the census figures rolled up county › township › school, by
category, flag, sex and age band, checking itself. A failed check is shown, never hidden.

The figures are those of the census page (`reports.selectors.census_for`), not counted again.
The table is a page of its own and the second sheet of the register export
(`reports.services.census_export`).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from shouhu.accounts.models import User
from shouhu.core.xlsx import (
    PrintLayout,
    append_row,
    fitted_widths,
    print_setup,
    wrapped_cell,
    wraps,
)
from shouhu.org.models import Region, RegionLevel, School, SchoolClass, Term
from shouhu.org.units import node_code
from shouhu.registry.census_sheets.exporting import sheet_cell
from shouhu.registry.models import Flag, Sex
from shouhu.reports.selectors import AGE_BANDS, LEFT_BEHIND_CATEGORIES, Figures, census_for
from shouhu.reports.selectors.base import figures_cached

AGE_LABELS = {
    "0-5": gettext_lazy("0–5岁"),
    "6-13": gettext_lazy("6–13岁"),
    "14-16": gettext_lazy("14–16岁"),
}
# Regions whose next level down is listed under them; a school lists its classes only when it
# is the table's own node.
EXPANDED_LEVELS = {
    RegionLevel.NATION,
    RegionLevel.PROVINCE,
    RegionLevel.CITY,
    RegionLevel.COUNTY,
    RegionLevel.TOWNSHIP,
}


@dataclass
class CensusTableRow:
    depth: int
    name: str
    code: str
    figures: Figures
    failures: list[str] = field(default_factory=list)

    @property
    def values(self) -> list[int | float | str | None]:
        return shown_values(self.figures)


@dataclass
class CensusTable:
    node: Region | School | SchoolClass
    term: Term
    rows: list[CensusTableRow]

    @property
    def failures(self) -> list[str]:
        return [f"{row.name}：{failure}" for row in self.rows for failure in row.failures]


def column_headers() -> list[str]:
    return [
        _("在校学生数"),
        _("留守儿童（教育口径）"),
        _("占在校生%"),
        _("农村留守儿童（民政口径）"),
        *[str(c.label) for c in LEFT_BEHIND_CATEGORIES],
        *[str(s.label) for s in Sex],
        *[str(AGE_LABELS[b]) for b in AGE_BANDS],
        *[str(f.label) for f in Flag],
    ]


def column_values(f: Figures) -> list[int | float | None]:
    return [
        f.pupils,
        f.left_behind_education,
        f.percent_education,
        f.left_behind_civil,
        *[f.by_category.get(c.value, 0) for c in LEFT_BEHIND_CATEGORIES],
        *[f.by_sex.get(s.value, 0) for s in Sex],
        *[f.by_age_band.get(b, 0) for b in AGE_BANDS],
        *[f.by_flag.get(fl.value, 0) for fl in Flag],
    ]


def column_keys() -> list[str | None]:
    """The roll-up cell of each column (issue 18), None for the percentage."""
    return [
        "pupils",
        "left_behind_education",
        None,
        "left_behind_civil",
        *[f"category.{c.value}" for c in LEFT_BEHIND_CATEGORIES],
        *[f"sex.{s.value}" for s in Sex],
        *[f"age.{b}" for b in AGE_BANDS],
        *[f"flag.{fl.value}" for fl in Flag],
    ]


def shown_values(f: Figures) -> list[int | float | str | None]:
    """The row as shown: a national figure with suppressed cells left out is the range it
    lies in (each cell left out is 1 to 4 children), never a count."""
    values: list[int | float | str | None] = list(column_values(f))
    if not f.suppressed:
        return values
    for i, key in enumerate(column_keys()):
        if key in f.suppressed:
            low, n = int(values[i] or 0), f.suppressed[key]
            values[i] = f"{low + n}–{low + 4 * n}"
    return values


def self_checks(f: Figures) -> list[str]:
    """The checks across the columns of one row (a row with suppressed cells is not checked:
    its sums are ranges)."""
    if f.suppressed:
        return []
    total = f.left_behind_education
    failures = []
    parts = {
        _("各类别之和"): sum(f.by_category.values()),
        _("男女之和"): sum(f.by_sex.values()),
        _("各年龄段之和"): sum(f.by_age_band.values()),
    }
    for label, value in parts.items():
        if value != total:
            failures.append(
                _("%(label)s（%(v)d）不等于留守儿童总数（%(t)d）。")
                % {"label": label, "v": value, "t": total}
            )
    if f.left_behind_civil > total:
        failures.append(_("民政口径人数多于教育口径人数。"))
    if f.pupils and total > f.pupils:
        failures.append(_("留守儿童人数多于在校学生数，请核对班级学生数。"))
    for flag in Flag:
        if f.by_flag.get(flag.value, 0) > total:
            failures.append(_("「%(flag)s」人数多于留守儿童总数。") % {"flag": flag.label})
    return failures


def _rollup_checks(parent: Figures, children: list[Figures]) -> list[str]:
    """The sum of the units below equals the unit, column by column (percentages aside)."""
    if not children or parent.suppressed or any(c.suppressed for c in children):
        return []
    headers = column_headers()
    own = column_values(parent)
    sums = [sum((column_values(c)[i] or 0) for c in children) for i in range(len(own))]
    percent = headers.index(_("占在校生%"))
    return [
        _("下级单位「%(col)s」合计%(sum)s，与本单位%(own)s不符。")
        % {"col": headers[i], "sum": sums[i], "own": own[i]}
        for i in range(len(own))
        if i != percent and sums[i] != (own[i] or 0)
    ]


def _code(node) -> str:
    """The code column: a region's or a school's; a class has none in the table."""
    return "" if isinstance(node, SchoolClass) else node_code(node)


def census_table_for(user: User, *, node, term: Term) -> CensusTable:
    """Rows of the census table, each with the failures of its checks."""
    rows: list[CensusTableRow] = []

    def expand(unit_node, figures: Figures | None, depth: int) -> Figures:
        census = census_for(user, node=unit_node, term=term)
        row = CensusTableRow(depth, unit_node.name, _code(unit_node), census.figures)
        row.failures = self_checks(census.figures)
        rows.append(row)
        listed = isinstance(unit_node, Region) and unit_node.level in EXPANDED_LEVELS
        if depth == 0 and isinstance(unit_node, School):
            listed = True
        if listed:
            below = []
            for unit in census.units:
                if isinstance(unit.node, SchoolClass) or (
                    isinstance(unit.node, School) and depth > 0
                ):
                    child = CensusTableRow(
                        depth + 1, unit.node.name, _code(unit.node), unit.figures
                    )
                    child.failures = self_checks(unit.figures)
                    rows.append(child)
                    below.append(unit.figures)
                else:
                    below.append(expand(unit.node, unit.figures, depth + 1))
            row.failures += _rollup_checks(census.figures, below)
        return census.figures

    # Each township's figures and scope check are read once, not again for its own row.
    with figures_cached():
        expand(node, None, 0)
    return CensusTable(node=node, term=term, rows=rows)


def census_table_sheet(workbook: Workbook, table: CensusTable, *, mark: str, header: str) -> None:
    """The table as a sheet of a write-only workbook (汇总表), under the export's watermark."""
    sheet = workbook.create_sheet(_("汇总表"))
    headers = [_("单位"), _("代码"), *column_headers(), _("自检")]
    rows = [
        [
            "　" * row.depth + row.name,
            row.code,
            *row.values,
            "；".join(row.failures) if row.failures else _("通过"),
        ]
        for row in table.rows
    ]
    layout = PrintLayout(title_rows="3:3", freeze="C4", header=header, footer=mark)
    print_setup(sheet, layout, widths=fitted_widths([headers, *rows], columns=len(headers)))
    append_row(sheet, [sheet_cell(sheet, mark)])
    append_row(sheet, [sheet_cell(sheet, _("农村留守儿童情况汇总表"), bold=True)])
    append_row(sheet, [sheet_cell(sheet, h, bold=True, center=True) for h in headers])
    for row in rows:
        append_row(sheet, [wrapped_cell(sheet, v) if wraps(v) else v for v in row])
    failures = table.failures
    append_row(sheet, [])
    append_row(
        sheet,
        [
            sheet_cell(
                sheet,
                _("自检：全部通过。")
                if not failures
                else _("自检：%(n)d项未通过，见各行「自检」列。") % {"n": len(failures)},
                bold=True,
            )
        ],
    )
