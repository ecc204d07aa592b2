"""Official documents' tables (issue 20): the columns fill the type area (156 mm) and no more,
as Word, WPS and LibreOffice lay them out alike; a short column is as wide as its longest
value, and the fonts the documents name print as Noto CJK where LibreOffice converts them."""

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.template import Engine
from docx import Document as Docx
from docx.shared import Mm

from shouhu.core.official import (
    TABLE_LINE,
    TEXT_WIDTH_MM,
    OfficialDocument,
    _text_mm,
    fitted_widths_mm,
)
from shouhu.testing import office

KIND = "家庭经济困难学生生活补助"


def test_a_narrow_table_is_widened_to_the_type_area_in_proportion():
    widths = fitted_widths_mm(["序号", "类型"], [["1", KIND]])
    assert sum(widths) == pytest.approx(TEXT_WIDTH_MM)
    assert widths[1] > 3 * widths[0]


def test_a_wide_table_keeps_short_columns_whole_and_wraps_the_longest():
    headers = ["序号", "学校", "留守儿童", "完成率", "覆盖率", "优秀家长", "逾期"]
    rows = [["12", "万源市太平镇九年制学校及附属幼儿园" * 2, "226", "57.1%", "100.0%", "15", "2"]]
    widths = fitted_widths_mm(headers, rows)
    assert sum(widths) == pytest.approx(TEXT_WIDTH_MM)
    assert widths[1] == max(widths) and widths[1] < 100  # the school's name wraps
    assert widths[4] == pytest.approx(_text_mm("100.0%"))  # a value never cut
    assert widths[6] == pytest.approx(_text_mm("逾"))  # a header takes up to two lines


def test_the_table_s_grid_and_cells_carry_the_widths():
    document = OfficialDocument()
    document.table(["序号", "类型"], [["1", KIND]], widths_mm=[20, 100])
    table = Docx(io.BytesIO(document.bytes())).tables[0]
    assert [round(c.width.mm) for c in table.columns] == [20, 100]
    assert {round(cell.width.mm) for cell in table.columns[1].cells} == {100}
    assert not table.autofit
    assert table.cell(1, 1).paragraphs[0].paragraph_format.line_spacing == TABLE_LINE


def test_widths_wider_than_the_type_area_are_a_programming_error():
    with pytest.raises(AssertionError):
        OfficialDocument().table(["a", "b"], [["1", "2"]], widths_mm=[100, Mm(80).mm])


@pytest.mark.skipif(shutil.which("fc-match") is None, reason="fontconfig's fc-match missing")
def test_the_official_fonts_are_aliased_to_noto_cjk(tmp_path):
    env = office.fontconfig_env(tmp_path)

    def family(name: str) -> str:
        out = subprocess.run(  # noqa: S603
            ["fc-match", "-f", "%{family[0]}", name],  # noqa: S607
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        return out.stdout

    serif = "Noto Serif CJK SC"
    assert family("仿宋_GB2312") == family("方正小标宋简体") == family("SimSun") == serif
    assert family("黑体") == family("SimHei") == "Noto Sans CJK SC"
    assert family("楷体_GB2312") in {"AR PL UKai CN", serif}


@pytest.mark.parametrize(
    "template",
    [
        "reports/summary_pdf.html",
        "schooling/dropout_document_pdf.html",
        "welfare/guardianship_agreement_pdf.html",
        "welfare/aid_notice_pdf.html",
    ],
)
def test_the_documents_pdfs_set_their_body_in_the_noto_serif_as_fangsong(template):
    source = Path(Engine.get_default().get_template(template).origin.name).read_text(
        encoding="utf-8"
    )
    body = re.search(r"^body \{ font-family: ([^;]+);", source, re.M)
    assert body is not None and body.group(1).startswith('"Noto Serif CJK SC"')
