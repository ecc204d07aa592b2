"""A work summary as a Word document (editable in Word and WPS) and as a PDF, in the style of an
official document (GB/T 9704): A4, title, unit and date, numbered sections, page numbers.

- DOCX: `shouhu.core.official` (python-docx; 方正小标宋简体 title, 仿宋_GB2312 body, 黑体 and
  楷体_GB2312 headings, which Word and WPS on Chinese systems have); charts as PNG (cairosvg).
- PDF: WeasyPrint with the Noto CJK fonts, which it embeds (a subset: the glyphs used); charts
  as SVG. WeasyPrint subsets fonts with HarfBuzz-Subset when the library is there, and with
  fontTools otherwise: fontTools takes 10–15 s for each of the four Noto CJK faces a summary
  uses (collections of 65,535 glyphs), which made the county's PDF take 48.5 s against 1.7 s
  for the DOCX. `fast_font_subsetting` tells which; `shouhu check` warns (reports.W001).
"""

import ctypes
import ctypes.util

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from shouhu.core.official import OfficialDocument
from shouhu.reports.work_summary.document import Document


def to_docx(summary: Document) -> bytes:
    """The summary in the layout of an official document (GB/T 9704: `core.official`)."""
    document = OfficialDocument()
    document.title(summary.title)
    document.centred(
        _("填报单位：%(unit)s　　%(date)s") % {"unit": summary.unit, "date": summary.date_label}
    )
    for heading, part_section in summary.numbered():
        document.heading(heading, level=1)
        for label, part in part_section.numbered_parts():
            if label:
                document.heading(label, level=2)
            for text in [*part.paragraphs, *part.items]:
                document.body(text)
            if part.table:
                document.table(part.table.headers, part.table.rows)
            if part.chart:
                document.picture(part.chart.png(), caption=part.chart.title)
    document.signing_block(summary.unit, summary.date_label)
    if summary.annex:
        document.heading(_("附：指标说明"), level=1)
        for label, definition in summary.annex:
            document.small(definition, bold_label=f"{label}：")
    return document.bytes()


def fast_font_subsetting() -> bool:
    """Will WeasyPrint subset the PDF's fonts with HarfBuzz-Subset (≥ 4.1.0, as it asks)
    rather than fontTools? Found as WeasyPrint finds it, without importing WeasyPrint (seconds
    at every command's start)."""
    subset, harfbuzz = (
        ctypes.util.find_library("harfbuzz-subset"),
        ctypes.util.find_library("harfbuzz"),
    )
    if subset is None or harfbuzz is None:
        return False
    try:
        ctypes.CDLL(subset)
        return bool(ctypes.CDLL(harfbuzz).hb_version_atleast(4, 1, 0))
    except OSError:
        return False


def to_pdf(summary: Document) -> bytes:
    from weasyprint import HTML

    html = render_to_string("reports/summary_pdf.html", {"summary": summary})
    return HTML(string=html).write_pdf()
