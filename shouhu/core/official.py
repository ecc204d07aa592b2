"""Documents in the style of official documents (GB/T 9704-2012, 党政机关公文格式), as Word
files (python-docx) that Word and WPS open on a Chinese PC: the work summary, the dropout
written report, the guardian agreement, the aid notice.

- A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (the standard's 156 × 225 mm
  type area).
- Title in 方正小标宋简体 二号 (22 pt), centred; body in 仿宋_GB2312 三号 (16 pt) with an exact
  28 pt line spacing, the first line indented two characters; first-level headings in 黑体,
  second-level in 楷体_GB2312, both 三号.
- Page numbers "— 1 —" in 宋体 四号 (14 pt), odd pages at the right, even pages at the left.
- The signing block (the issuing unit and the date) at the bottom right, with room above the
  date for the seal.

The font names are those a Chinese Windows or WPS has; the PDF that LibreOffice or WeasyPrint
makes of the file uses the closest free fonts (Noto Serif CJK, Noto Sans CJK).
"""

import io
import math
import unicodedata

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"  # first level: 一、
SUBHEADING_FONT = "楷体_GB2312"  # second level: （一）
PAGE_NUMBER_FONT = "宋体"
TITLE_SIZE, BODY_SIZE, PAGE_NUMBER_SIZE, TABLE_SIZE = 22, 16, 14, 12
LINE = Pt(28)
TABLE_LINE = Pt(16)  # a table's rows: 小四 at an exact 16 pt, as 仿宋 single-spaced
TEXT_WIDTH_MM = 210 - 28 - 26  # the type area's 156 mm
CELL_PADDING_MM = 5.0  # Word's 1.9 mm each side of a cell, and a little air
TABLE_EM_MM = TABLE_SIZE * 25.4 / 72  # a Chinese character in 小四


def east_asian(run_or_style, name: str) -> None:
    """Set the font for Latin and East Asian text alike (python-docx sets only the Latin one)."""
    run_or_style.font.name = name
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attribute in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attribute), name)


def run(paragraph, text: str, *, font: str = BODY_FONT, size: float = BODY_SIZE, bold=False):
    added = paragraph.add_run(text)
    east_asian(added, font)
    added.font.size = Pt(size)
    added.bold = bold
    return added


def _exact_lines(paragraph) -> None:
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph.paragraph_format.line_spacing = LINE
    paragraph.paragraph_format.space_before = Pt(0)
    paragraph.paragraph_format.space_after = Pt(0)


def _page_number_field(paragraph) -> None:
    """— PAGE — as a field Word and WPS fill in."""
    run(paragraph, "— ", font=PAGE_NUMBER_FONT, size=PAGE_NUMBER_SIZE)
    field = paragraph.add_run()
    east_asian(field, PAGE_NUMBER_FONT)
    field.font.size = Pt(PAGE_NUMBER_SIZE)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        field._r.append(element)
    run(paragraph, " —", font=PAGE_NUMBER_FONT, size=PAGE_NUMBER_SIZE)


def _text_mm(text: str) -> float:
    """How wide `text` prints in 小四: a Chinese character an em, a Latin one 0.6 em."""
    ems = sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in text)
    return ems * TABLE_EM_MM + CELL_PADDING_MM


def fitted_widths_mm(headers: list[str], rows: list[list[str]]) -> list[float]:
    """Column widths that fill the type area, each as its longest value asks (a header may
    take two lines): a table narrower than the page is widened in proportion; a wider one
    gives each column its need up to a fair share of what is left, the widest splitting the
    rest (their long values wrap)."""
    needs = [
        max(
            [_text_mm(header[: math.ceil(len(header) / 2)])]
            + [_text_mm(str(row[i])) for row in rows]
        )
        for i, header in enumerate(headers)
    ]
    if sum(needs) <= TEXT_WIDTH_MM:
        return [need * TEXT_WIDTH_MM / sum(needs) for need in needs]
    widths, left, open_columns = list(needs), float(TEXT_WIDTH_MM), len(needs)
    for i in sorted(range(len(needs)), key=needs.__getitem__):
        share = left / open_columns
        widths[i] = min(needs[i], share)
        left, open_columns = left - widths[i], open_columns - 1
    return widths


class OfficialDocument:
    """A Word document set up as GB/T 9704 asks; add its parts in reading order."""

    def __init__(self) -> None:
        self.document = Document()
        self.document.settings.odd_and_even_pages_header_footer = True
        section = self.document.sections[0]
        section.start_type = WD_SECTION.NEW_PAGE
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.footer_distance = Mm(28) - Mm(7)  # the number 7 mm below the type area
        normal = self.document.styles["Normal"]
        east_asian(normal, BODY_FONT)
        normal.font.size = Pt(BODY_SIZE)
        odd = section.footer.paragraphs[0]
        odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _page_number_field(odd)
        even = section.even_page_footer.paragraphs[0]
        even.alignment = WD_ALIGN_PARAGRAPH.LEFT
        _page_number_field(even)

    def title(self, text: str) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = LINE
        run(paragraph, text, font=TITLE_FONT, size=TITLE_SIZE)

    def centred(self, text: str) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _exact_lines(paragraph)
        run(paragraph, text)

    def heading(self, text: str, *, level: int = 1) -> None:
        paragraph = self.document.add_paragraph()
        _exact_lines(paragraph)
        paragraph.paragraph_format.first_line_indent = Pt(BODY_SIZE * 2)
        run(paragraph, text, font=HEADING_FONT if level == 1 else SUBHEADING_FONT)

    def body(self, text: str, *, indent: bool = True, bold: bool = False) -> None:
        paragraph = self.document.add_paragraph()
        _exact_lines(paragraph)
        if indent:
            paragraph.paragraph_format.first_line_indent = Pt(BODY_SIZE * 2)
        run(paragraph, text, bold=bold)

    def table(
        self, headers: list[str], rows: list[list[str]], *, widths_mm: list[float] | None = None
    ) -> None:
        """A grid table, its rows at an exact `TABLE_LINE`, its columns fixed at
        `widths_mm` (adding up to at most `TEXT_WIDTH_MM`) or else fitted to the content
        (`fitted_widths_mm`), as Word, WPS and LibreOffice lay them out alike."""
        table = self.document.add_table(rows=1 + len(rows), cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        widths_mm = widths_mm or fitted_widths_mm(headers, rows)
        assert len(widths_mm) == len(headers) and sum(widths_mm) <= TEXT_WIDTH_MM + 0.5
        table.autofit = False  # a fixed layout: the widths below, never the programs' own
        for column, width in zip(table.columns, widths_mm, strict=True):
            column.width = Mm(width)  # the grid, which LibreOffice reads
            for cell in column.cells:
                cell.width = Mm(width)  # each cell's, which Word and WPS read
        for index, values in enumerate([headers, *rows]):
            for cell, value in zip(table.rows[index].cells, values, strict=True):
                cell.text = ""
                paragraph = cell.paragraphs[0]
                paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
                paragraph.paragraph_format.line_spacing = TABLE_LINE
                run(paragraph, str(value), size=TABLE_SIZE, bold=index == 0)

    def picture(self, png: bytes, *, caption: str, width_mm: float = 150) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run().add_picture(io.BytesIO(png), width=Mm(width_mm))
        below = self.document.add_paragraph()
        below.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run(below, caption, size=TABLE_SIZE)

    def signing_block(self, unit: str, date: str) -> None:
        """The issuing unit and the date at the right, two lines below the text, with room
        for the seal (it overlaps the unit and the date, as the standard shows)."""
        for _blank in range(2):
            self.body("", indent=False)
        for text in (unit, date):
            paragraph = self.document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.paragraph_format.right_indent = Pt(BODY_SIZE * 4)
            _exact_lines(paragraph)
            run(paragraph, text)

    def small(self, text: str, *, bold_label: str = "") -> None:
        paragraph = self.document.add_paragraph()
        if bold_label:
            run(paragraph, bold_label, size=TABLE_SIZE, bold=True)
        run(paragraph, text, size=TABLE_SIZE)

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()
