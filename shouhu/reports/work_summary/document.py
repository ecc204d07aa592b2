"""The shape of a work summary: sections as the source reports have them, each made of parts
that the domains contribute (a sub-heading, paragraphs, dated items, a table, a chart)."""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhu.reports.charts import Chart

# The sections of every summary in the source reports (篇一–篇十四), in their order.
BASIC = "basic"
MEASURES = "measures"
RESULTS = "results"
PROBLEMS = "problems"
PLANS = "plans"
HEADINGS = {
    BASIC: gettext_lazy("基本情况"),
    MEASURES: gettext_lazy("主要做法"),
    RESULTS: gettext_lazy("取得成效"),
    PROBLEMS: gettext_lazy("存在问题"),
    PLANS: gettext_lazy("下步打算"),
}
# Written by the leader in the web form, never drawn from the records.
WRITTEN = (PROBLEMS, PLANS)
NUMERALS = "一二三四五六七八九十"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (1–99: sections and their parts)."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[ones - 1] if ones else "")


def date_label(day: datetime.date) -> str:
    """2026年11月29日, as official documents date themselves."""
    return _("%(year)d年%(month)d月%(day)d日") % {
        "year": day.year,
        "month": day.month,
        "day": day.day,
    }


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Part:
    """What one provider contributes to one section."""

    title: str = ""
    paragraphs: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    table: Table | None = None
    chart: Chart | None = None
    figures: list[str] = field(default_factory=list)  # keys of the figures quoted


@dataclass
class Section:
    key: str
    parts: list[Part]

    @property
    def heading(self) -> str:
        return str(HEADINGS[self.key])

    def numbered_parts(self) -> list[tuple[str, Part]]:
        """Parts with their numbered sub-headings: （一）结对帮扶, （二）… ("" when untitled)."""
        result, n = [], 0
        for part in self.parts:
            label = ""
            if part.title:
                label = f"（{chinese_number(n + 1)}）{part.title}"
                n += 1
            result.append((label, part))
        return result


@dataclass
class Document:
    title: str
    unit: str
    term_label: str
    date: datetime.date
    preparer: str
    sections: list[Section]
    annex: list[tuple[str, str]]

    @property
    def date_label(self) -> str:
        return date_label(self.date)

    def numbered(self) -> list[tuple[str, Section]]:
        """Sections with their official numbering: 一、二、三、…"""
        return [(f"{chinese_number(i)}、{s.heading}", s) for i, s in enumerate(self.sections, 1)]

    def text(self) -> str:
        """The plain text of the whole summary (what a test or a search reads)."""
        lines = [self.title, self.unit, self.date_label]
        for heading, section in self.numbered():
            lines.append(heading)
            for label, part in section.numbered_parts():
                lines += [label, *part.paragraphs, *part.items]
                if part.table:
                    lines += [" ".join(part.table.headers)]
                    lines += [" ".join(str(c) for c in row) for row in part.table.rows]
        lines += [f"{label}：{definition}" for label, definition in self.annex]
        return "\n".join(line for line in lines if line)
