"""Charts drawn on the server as SVG (pygal), with the numbers of each as a table.

- On a page the SVG is inlined without its <style> and <script>: the Content Security Policy
  allows no inline style or script. Its look comes from `static/reports/charts.css`, which is
  pygal's own stylesheet for `STYLE`, written by `chart_stylesheet()` (a test keeps the two equal).
- In a PDF the full SVG is embedded (WeasyPrint draws it); in a DOCX, a PNG made by cairosvg.
- `js=[]` keeps pygal from linking its tooltip script from a CDN; the Noto CJK font family keeps
  Chinese from turning into boxes when cairosvg draws the PNG.
"""

import base64
import functools
import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import pygal
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from pygal.style import Style

from shouhu.reports.selectors import MonthCompliance, TrendPoint, UnitRow

FONT = "'Noto Sans CJK SC', 'Noto Sans SC', sans-serif"
# Okabe–Ito: told apart by people with any common colour blindness.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
STYLE = Style(
    font_family=FONT,
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#5f6b7a",
    colors=PALETTE,
    label_font_size=14,
    major_label_font_size=14,
    legend_font_size=14,
    value_font_size=13,
    title_font_size=16,
    tooltip_font_size=13,
    no_data_font_size=18,
)
WIDTH, HEIGHT = 420, 300
UNIT_LABEL = 10  # characters of a unit's name on the chart (the table has it whole)
STYLESHEET = Path(__file__).parent / "static" / "reports" / "charts.css"

_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
_STYLE = re.compile(r"<style\b.*?</style>", re.S)
# pygal hides its tooltip with `style="opacity: 0"`: the CSP refuses style attributes too (a
# console error on every chart); charts.css hides the tooltip instead.
_STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=\s*("[^"]*"|'[^']*')""")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TITLE = re.compile(r"<title>Pygal</title>")
_ROOT_ID = re.compile(r'id="chart-[0-9a-f-]+"')


@dataclass
class Chart:
    """A chart and its numbers: `table_headers` and `table_rows` are what the chart draws."""

    key: str
    title: str
    svg: str
    table_headers: list[str] = field(default_factory=list)
    table_rows: list[list] = field(default_factory=list)

    @property
    def inline_svg(self) -> SafeString:
        """The SVG for a page: no style element or attribute and no script (the page's CSP
        forbids them inline), titled for screen readers."""
        svg = _COMMENT.sub("", _STYLE.sub("", _SCRIPT.sub("", self.svg)))
        svg = _STYLE_ATTRIBUTE.sub("", svg)
        svg = _ROOT_ID.sub(f'role="img" aria-label="{escape(self.title)}"', svg, count=1)
        svg = _TITLE.sub(f"<title>{escape(self.title)}</title>", svg)
        return mark_safe(svg)  # noqa: S308 - pygal escapes every label it draws

    @property
    def data_uri(self) -> str:
        """The full SVG as a data URI, for WeasyPrint."""
        svg = _SCRIPT.sub("", self.svg)
        return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()

    def png(self, *, scale: float = 2.0) -> bytes:
        """The chart as PNG, for Word (python-docx takes no SVG)."""
        import cairosvg

        return cairosvg.svg2png(bytestring=_SCRIPT.sub("", self.svg).encode(), scale=scale)


def _config(**overrides) -> dict:
    config = {
        "style": STYLE,
        "js": [],
        "width": WIDTH,
        "height": HEIGHT,
        "disable_xml_declaration": True,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 2,
        "truncate_legend": -1,
        "truncate_label": 10,
        "no_data_text": _("暂无数据"),
        "print_values": False,
        "show_minor_y_labels": True,
    }
    config.update(overrides)
    return config


def cjk_margin(characters: int) -> int:
    """Room for labels of Chinese characters: pygal measures a character as 0.6 of the font
    size, a Chinese one takes a whole em, so it would cut the labels short."""
    return 20 + round(0.45 * STYLE.label_font_size * characters)


def _render(chart) -> str:
    return chart.render(is_unicode=True)


class Drawing:
    """A pygal chart described by its data, drawn once per distinct data and language: pygal
    takes tens of milliseconds a chart, and the same unit's charts are looked at again and
    again (drawing is a pure function of the data, so nothing can go stale)."""

    def __init__(self, kind: str, **config) -> None:
        self.kind = kind
        self.config = config
        self.x_labels: list[str] = []
        self.series: list[tuple[str, tuple, bool]] = []

    def add(self, title, values, *, secondary: bool = False) -> None:
        self.series.append((str(title), tuple(values), secondary))

    def render(self) -> str:
        config = tuple(
            sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in self.config.items())
        )
        return _drawn(
            get_language(), self.kind, config, tuple(map(str, self.x_labels)), tuple(self.series)
        )


@functools.lru_cache(maxsize=256)
def _drawn(language: str, kind: str, config: tuple, x_labels: tuple, series: tuple) -> str:
    chart = getattr(pygal, kind)(**_config(**dict(config)))
    chart.x_labels = list(x_labels)
    for title, values, secondary in series:
        chart.add(title, list(values), secondary=secondary)
    return _render(chart)


def _fmt(value) -> str:
    return "—" if value is None else str(value)


def term_label(term) -> str:
    """A short label for an axis: 2026秋 (first semester), 2027春 (second)."""
    if term.semester == 1:
        return _("%(year)d秋") % {"year": term.start_year}
    return _("%(year)d春") % {"year": term.start_year + 1}


def nice_ceiling(value: float) -> int:
    """The smallest of 10, 20, 50, 100, 200, 500, … not below the value."""
    ceiling = 10
    while ceiling < value:
        for factor in (2, 2.5, 2):
            ceiling = int(ceiling * factor)
            if ceiling >= value:
                break
    return ceiling


def trend_chart(trend: list[TrendPoint]) -> Chart:
    """Counts of the left-behind over terms, with their share of all pupils on a second axis."""
    title = _("历学期留守儿童人数及占比")
    top = nice_ceiling(max([p.education.count for p in trend] + [1]))
    # Ten steps on both axes, so the counts (left) and percentages (right) share the guides.
    chart = Drawing(
        "Line",
        dots_size=4,
        range=(0, top),
        y_labels=[top * i // 10 for i in range(11)],
        secondary_range=(0, 100),
    )
    chart.x_labels = [term_label(p.term) for p in trend]
    chart.add(_("教育部门口径（人）"), [p.education.count for p in trend])
    chart.add(_("民政部门口径（人）"), [p.civil.count for p in trend])
    chart.add(_("教育口径占比（%）"), [p.education.percent for p in trend], secondary=True)
    return Chart(
        key="trend",
        title=title,
        svg=chart.render(),
        table_headers=[
            _("学期"),
            _("在校学生"),
            _("留守（教育口径）"),
            _("占比%"),
            _("留守（民政口径）"),
            _("占比%"),
        ],
        table_rows=[
            [
                str(p.term),
                p.pupils,
                p.education.count,
                _fmt(p.education.percent),
                p.civil.count,
                _fmt(p.civil.percent),
            ]
            for p in trend
        ],
    )


def categories_chart(
    categories: list[tuple[str, int, int | None]], flags: list[tuple[str, int, int | None]]
) -> Chart:
    """The left-behind by category and by key-target flag, this term and last."""
    title = _("留守类别与重点对象")
    rows = categories + flags
    longest = max((len(label) for label, _now, _before in rows), default=0)
    top = nice_ceiling(max([now for _l, now, _b in rows] + [b or 0 for _l, _n, b in rows] + [1]))
    chart = Drawing(
        "HorizontalBar",
        height=HEIGHT + 120,
        truncate_label=-1,
        margin_left=cjk_margin(longest),
        range=(0, top),
        y_labels=[top * i // 4 for i in range(5)],
    )
    # pygal draws a horizontal chart's first label at the bottom: reversed, it reads downwards.
    drawn = list(reversed(rows))
    chart.x_labels = [label for label, _now, _before in drawn]
    chart.add(_("本学期"), [now for _label, now, _before in drawn])
    if any(before is not None for _label, _now, before in rows):
        chart.add(_("上学期"), [before for _label, _now, before in drawn])
    return Chart(
        key="categories",
        title=title,
        svg=chart.render(),
        table_headers=[_("类别或标记"), _("本学期"), _("上学期")],
        table_rows=[[label, now, _fmt(before)] for label, now, before in rows],
    )


def _month_label(month: MonthCompliance) -> str:
    """A month still running is read as "so far"."""
    if month.in_progress:
        return _("%(month)s（截至目前）") % {"month": month.month.label}
    return month.month.label


def compliance_chart(months: list[MonthCompliance]) -> Chart:
    """% done per month for each monthly quota."""
    title = _("逐月关爱要求完成率（%）")
    kinds: dict[str, str] = {}
    for month in months:
        for quota in month.quotas:
            if quota.monthly:
                kinds.setdefault(quota.kind, quota.kind_label)
    chart = Drawing("Bar", range=(0, 100), include_x_axis=True)
    labels = [_month_label(m) for m in months]
    chart.x_labels = labels
    table_rows = []
    for kind, label in kinds.items():
        values = []
        for month in months:
            quota = next((q for q in month.quotas if q.kind == kind and q.monthly), None)
            values.append(quota.percent if quota else None)
        chart.add(label, values)
    for month, month_label in zip(months, labels, strict=True):
        for quota in month.quotas:
            if quota.monthly:
                table_rows.append(
                    [
                        month_label,
                        quota.kind_label,
                        quota.done,
                        quota.owed,
                        _fmt(quota.percent),
                    ]
                )
    return Chart(
        key="compliance",
        title=title,
        svg=chart.render(),
        table_headers=[_("月份"), _("关爱要求"), _("已完成"), _("应完成"), _("完成率%")],
        table_rows=table_rows,
    )


def units_chart(units: list[UnitRow], *, unit_label: str) -> Chart:
    """The units one level down side by side: left-behind share, compliance, coverage."""
    title = _("下级单位对比（%）")
    names = [u.name if len(u.name) <= UNIT_LABEL else u.name[: UNIT_LABEL - 1] + "…" for u in units]
    chart = Drawing(
        "HorizontalBar",
        height=140 + 36 * len(units),
        truncate_label=-1,
        margin_left=cjk_margin(max((len(n) for n in names), default=0)),
        range=(0, 100),
        y_labels=[0, 25, 50, 75, 100],
    )
    drawn = list(reversed(units))  # the first unit on top
    chart.x_labels = list(reversed(names))
    chart.add(_("留守儿童占比"), [u.census.percent_education for u in drawn])
    chart.add(_("本月完成率"), [u.compliance_percent for u in drawn])
    chart.add(_("结对覆盖率"), [u.coverage_percent for u in drawn])
    return Chart(
        key="units",
        title=title,
        svg=chart.render(),
        table_headers=[unit_label, _("留守儿童占比%"), _("本月完成率%"), _("结对覆盖率%")],
        table_rows=[
            [
                u.name,
                _fmt(u.census.percent_education),
                _fmt(u.compliance_percent),
                _fmt(u.coverage_percent),
            ]
            for u in units
        ],
    )


def chart_stylesheet() -> str:
    """pygal's stylesheet for STYLE, scoped to `.pygal-chart`, for every colour of the palette,
    plus what a page needs: no tooltip (it needs pygal's script), a chart as wide as its box."""
    chart = pygal.Bar(**_config())
    for n in range(len(PALETTE)):
        chart.add(str(n), [n])
    svg = _render(chart)
    root = re.search(r'id="(chart-[0-9a-f-]+)"', svg)
    assert root is not None
    css = "\n".join(
        m.group(1).strip() for m in re.finditer(r"<style[^>]*>(.*?)</style>", svg, re.S)
    )
    css = css.replace(f"#{root.group(1)}", ".pygal-chart").replace("&gt;", ">")
    extra = (
        ".pygal-chart{display:block;width:100%;height:auto;max-width:40rem}\n"
        ".pygal-chart .tooltip{display:none}\n"
    )
    return (
        "/* Written by shouhu.reports.charts.chart_stylesheet(); do not edit by hand. */\n"
        + css
        + "\n"
        + extra
    )


def write_stylesheet() -> None:
    STYLESHEET.write_text(chart_stylesheet(), encoding="utf-8")
