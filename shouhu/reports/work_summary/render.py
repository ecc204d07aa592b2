"""A work summary as a Word document (editable in Word and WPS) and as a PDF, in the usual
style of an official document: A4, title, unit and date, numbered sections, page numbers.

- DOCX: python-docx; Chinese fonts set for East Asian text (仿宋 body, 黑体 headings, 宋体
  title, which Word and WPS on Chinese systems have); charts as PNG (cairosvg).
- PDF: WeasyPrint with the Noto CJK fonts, which it embeds (a subset: the glyphs used); charts
  as SVG. WeasyPrint subsets fonts with HarfBuzz-Subset when the library is there, and with
  fontTools otherwise: fontTools takes 10–15 s for each of the four Noto CJK faces a summary
  uses (collections of 65,535 glyphs), which made the county's PDF take 48.5 s against 1.7 s
  for the DOCX. `fast_font_subsetting` tells which; `shouhu check` warns (reports.W001).
"""

import ctypes
import ctypes.util
import io

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from docx import Document as DocxDocument
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from shouhu.reports.work_summary.document import Document

BODY_FONT, HEADING_FONT, TITLE_FONT, PART_FONT = "仿宋", "黑体", "宋体", "楷体"


def _east_asian(run_or_style, name: str) -> None:
    """Set the font for Latin and East Asian text alike (python-docx sets only the Latin one)."""
    run_or_style.font.name = name
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attribute in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attribute), name)


def _run(paragraph, text: str, *, font: str, size: float, bold: bool = False):
    run = paragraph.add_run(text)
    _east_asian(run, font)
    run.font.size = Pt(size)
    run.bold = bold
    return run


def _page_number(paragraph) -> None:
    """— PAGE — in the footer, as a field Word and WPS fill in."""
    _run(paragraph, "— ", font=BODY_FONT, size=10.5)
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    _run(paragraph, " —", font=BODY_FONT, size=10.5)


def _body(document, text: str, *, indent: bool = True) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.first_line_indent = Pt(28) if indent else None
    paragraph.paragraph_format.line_spacing = 1.5
    _run(paragraph, text, font=BODY_FONT, size=14)


def to_docx(summary: Document) -> bytes:
    document = DocxDocument()
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    _east_asian(normal, BODY_FONT)
    normal.font.size = Pt(14)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(footer)

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(title, summary.title, font=TITLE_FONT, size=22, bold=True)
    meta = document.add_paragraph()
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(
        meta,
        _("填报单位：%(unit)s　　%(date)s") % {"unit": summary.unit, "date": summary.date_label},
        font=BODY_FONT,
        size=14,
    )

    for heading, part_section in summary.numbered():
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(12)
        _run(paragraph, heading, font=HEADING_FONT, size=16)
        for label, part in part_section.numbered_parts():
            if label:
                sub = document.add_paragraph()
                sub.paragraph_format.first_line_indent = Pt(28)
                _run(sub, label, font=PART_FONT, size=14, bold=True)
            for text in part.paragraphs:
                _body(document, text)
            for text in part.items:
                _body(document, text)
            if part.table:
                _table(document, part.table.headers, part.table.rows)
            if part.chart:
                picture = document.add_paragraph()
                picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
                picture.add_run().add_picture(io.BytesIO(part.chart.png()), width=Cm(15))
                caption = document.add_paragraph()
                caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _run(caption, part.chart.title, font=BODY_FONT, size=10.5)

    signature = document.add_paragraph()
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    signature.paragraph_format.space_before = Pt(24)
    _run(signature, summary.unit, font=BODY_FONT, size=14)
    date = document.add_paragraph()
    date.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(date, summary.date_label, font=BODY_FONT, size=14)

    if summary.annex:
        annex = document.add_paragraph()
        annex.paragraph_format.space_before = Pt(18)
        _run(annex, _("附：指标说明"), font=HEADING_FONT, size=14)
        for label, definition in summary.annex:
            paragraph = document.add_paragraph()
            _run(paragraph, f"{label}：", font=BODY_FONT, size=12, bold=True)
            _run(paragraph, definition, font=BODY_FONT, size=12)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _table(document, headers: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row_index, values in enumerate([headers, *rows]):
        for cell, value in zip(table.rows[row_index].cells, values, strict=True):
            cell.text = ""
            _run(cell.paragraphs[0], str(value), font=BODY_FONT, size=10.5, bold=row_index == 0)


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
