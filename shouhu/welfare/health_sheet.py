"""The clinic's health-check workbook for one class: the template the school hands the clinic,
and the reader of what comes back. The file is read by the census sheets' reader
(`registry.census_sheets.reading`: any Excel, WPS or CSV file, its guards against damaged and
oversized files, its cell normalisation); this module only finds the header and maps the rows
to the class's children. Every error names the row, the field and the reason, in Chinese."""

import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook

from shouhu.core.xlsx import (
    PrintLayout,
    append_row,
    export_footer,
    export_header,
    sheet_print_setup,
)
from shouhu.registry.census_sheets.reading import SheetError, worksheets
from shouhu.registry.models import Child
from shouhu.welfare.services.health import CheckRow

# (key, the template's header, other headers a clinic writes for it)
SHEET_COLUMNS: list[tuple[str, str, tuple[str, ...]]] = [
    ("name", "姓名", ("学生姓名", "儿童姓名")),
    ("height_cm", "身高（厘米）", ("身高", "身高(cm)", "身高（cm）")),
    ("weight_kg", "体重（千克）", ("体重", "体重(kg)", "体重（kg）")),
    ("vision_left", "左眼视力", ("视力左", "左眼", "视力（左）")),
    ("vision_right", "右眼视力", ("视力右", "右眼", "视力（右）")),
    ("dental", "口腔", ("牙齿", "龋齿", "口腔检查")),
    ("conclusion", "医生结论", ("结论", "体检结论", "医生意见")),
    ("follow_up", "需要复查", ("复查", "是否复查")),
]
HEADER_ROWS = 12
MAX_ROWS = 200  # a class is at most a few dozen children


def _key_of(text) -> str | None:
    label = str(text or "").replace(" ", "").strip()
    for key, header, aliases in SHEET_COLUMNS:
        if label == header or label in aliases:
            return key
    return None


def health_template_xlsx(children: list[Child] | None = None, *, unit: str = "", by=None) -> bytes:
    """The template, printable as it comes (`core.xlsx.sheet_print_setup`): the unit (the
    class) and the export time in the page header, who exported it in the footer."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("体检结果")
    append_row(sheet, [header for _key, header, _aliases in SHEET_COLUMNS])
    for child in children or []:
        append_row(sheet, [child.name])
    append_row(sheet, [])
    layout = PrintLayout(
        title_rows="1:1",
        freeze="B2",
        header=export_header(unit or _("体检结果")),
        footer=export_footer(by),
    )
    sheet_print_setup(sheet, layout)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rows(content: bytes, filename: str | None):
    for _title, rows in worksheets(content, filename):
        head: list[tuple[int, tuple]] = []
        for number, cells in rows:
            if number <= HEADER_ROWS:
                head.append((number, cells))
                columns = {
                    key: i for i, cell in enumerate(cells) if (key := _key_of(cell)) is not None
                }
                if "name" in columns and len(columns) >= 4:
                    return columns, rows
            else:
                break
    raise SheetError(
        _("没有找到体检结果的表头：第一行应为“姓名、身高（厘米）、体重（千克）……”，请使用模板。")
    )


def health_rows_read(upload, *, children: dict[str, list[Child]]) -> list[CheckRow]:
    """The rows of the clinic's workbook as sheet rows, matched by name to the class's children
    (`children`: the class's children on the register by name). Any error refuses the file."""
    content = upload.read()
    try:
        columns, rows = _rows(content, getattr(upload, "name", None))
    except SheetError as error:
        raise ValidationError(str(error)) from error
    errors: list[str] = []
    found: list[CheckRow] = []
    for number, cells in rows:
        if all(c in (None, "") for c in cells):
            continue
        if len(found) + len(errors) >= MAX_ROWS:
            errors.append(_("表格超过 %(n)d 行，请按班级分开导入。") % {"n": MAX_ROWS})
            break

        def value(key: str, cells=cells):
            index = columns.get(key)
            return cells[index] if index is not None and index < len(cells) else None

        name = str(value("name") or "").strip()
        matches = children.get(name, [])
        if not name:
            errors.append(_("第 %(row)d 行，姓名：必填。") % {"row": number})
            continue
        if not matches:
            errors.append(
                _("第 %(row)d 行，姓名：本班在册儿童中没有“%(name)s”。")
                % {"row": number, "name": name}
            )
            continue
        if len(matches) > 1:
            errors.append(
                _("第 %(row)d 行，姓名：本班有 %(n)d 名“%(name)s”，请在网页上逐个录入。")
                % {"row": number, "n": len(matches), "name": name}
            )
            continue
        values = {key: value(key) for key, _h, _a in SHEET_COLUMNS if key != "name"}
        if values.get("follow_up") is None:
            values["follow_up"] = ""
        found.append(CheckRow(child=matches[0], values=values, row=number))
    if errors:
        raise ValidationError(errors)
    if not found:
        raise ValidationError(_("表格中没有体检结果。"))
    return found
