"""The census template (登记造册模板): a data sheet with the issue's headers and drop-downs for
every enumeration, and an instructions sheet. Offered on the web and by
`shouhu census-template OUT.xlsx`."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from shouhu.core.xlsx import PrintLayout, export_footer, export_header, fitted_widths, print_setup
from shouhu.org.models import Grade
from shouhu.registry.census_sheets.columns import (
    BY_KEY,
    CATEGORY_SYNONYMS,
    FLAG_SYNONYMS,
    PARENT_STATUS_SYNONYMS,
    TEMPLATE_KEYS,
)
from shouhu.registry.classification import ParentStatus
from shouhu.registry.models import CensusSource, Flag, HukouType, Sex

TEMPLATE_ROWS = 1000  # drop-downs and text format reach this far
REQUIRED_FILL = PatternFill("solid", fgColor="FDE68A")


def _choices() -> dict[str, list[str]]:
    statuses = [str(label) for _v, label in ParentStatus.choices]
    return {
        "sex": [str(label) for _v, label in Sex.choices],
        "hukou_type": [str(label) for _v, label in HukouType.choices],
        "grade": [str(label) for _v, label in Grade.choices],
        "boarding": [_("是"), _("否")],
        "father_status": statuses,
        "mother_status": statuses,
        "source": [str(label) for _v, label in CensusSource.choices],
        # The drop-down offers one flag; several may be typed, separated by 、
        "flags": [str(label) for v, label in Flag.choices if v != Flag.PSYCH_CONCERN],
    }


def census_template_xlsx() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("摸底名册")
    keys = TEMPLATE_KEYS
    sheet.append([BY_KEY[k].header for k in keys])
    choices = _choices()
    for index, key in enumerate(keys, start=1):
        column = BY_KEY[key]
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        if column.required:
            cell.fill = REQUIRED_FILL
        if column.note:
            cell.comment = Comment(str(column.note), "守护")
        cells = f"{letter}2:{letter}{TEMPLATE_ROWS + 1}"
        if key in choices:
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(choices[key]) + '"',
                allow_blank=True,
                showErrorMessage=key != "flags",
                errorTitle=_("请从下拉列表中选择"),
                error=_("请从下拉列表中选择一项。"),
            )
            validation.add(cells)
            sheet.add_data_validation(validation)
        if key in ("id_number", "school_code") or key.endswith("phone"):
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = "@"
    # Room for an ID number or an address as typed, and never narrower than the header.
    widths = [
        max(20 if key in ("id_number", "address") else 12, width)
        for key, width in zip(keys, fitted_widths([sheet[1]], columns=len(keys)), strict=True)
    ]
    layout = PrintLayout(
        title_rows="1:1",
        freeze="B2",
        header=export_header(_("农村留守儿童摸底名册")),
        footer=export_footer(None),
    )
    print_setup(sheet, layout, widths=widths)
    _instructions(workbook.create_sheet(_("填写说明")))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _instructions(sheet) -> None:
    lines = [
        [_("农村留守儿童摸底名册 填写说明")],
        [],
        [_("1. 每名儿童填一行；黄色表头为必填列。列的顺序可以调整，多余的列会被忽略。")],
        [_("2. 身份证号请设为「文本」格式，填写完整的18位号码（最后一位可以是X）。")],
        [_("   如果Excel把号码显示成 5.1178E+17，末尾几位已经丢失，系统会拒绝该行。")],
        [_("3. 出生日期可写成 2015-03-07、2015/3/7、2015.3.7、2015年3月7日 或 20150307。")],
        [_("4. 学校标识码为10位数字；班级写「三年级(2)班」，")],
        [_("   或在「年级」列写「三年级」、「班级」列写「2班」。")],
        [_("5. 重点对象可填多项，用顿号分隔，如「无人监护、贫困」；")],
        [_("   「心理问题」只能由心理辅导教师标记，请勿填写。")],
        [_("6. 同一身份证号已登记的儿童会被更新，预览中会列出变化；")],
        [_("   再次导入同一文件不会重复登记。")],
        [_("   更新时，空白的格子保留系统中已有的内容；要清除已有的内容（如停用的电话），")],
        [_("   请在该格填「无」。")],
        [_("7. 任何一行有错误时，整个文件都不会导入；请下载错误报告，改正后重新上传。")],
        [],
        [_("列名"), _("是否必填"), _("说明"), _("可填写的内容")],
    ]
    synonyms: dict[str, dict] = {
        "father_status": PARENT_STATUS_SYNONYMS,
        "mother_status": PARENT_STATUS_SYNONYMS,
        "flags": FLAG_SYNONYMS,
    }
    choices = _choices()
    for key in TEMPLATE_KEYS:
        column = BY_KEY[key]
        accepted = "、".join(choices.get(key, []))
        if key in synonyms:
            words = sorted({w for ws in synonyms[key].values() for w in ws} - set(choices[key]))
            accepted += _("；也可写：") + "、".join(words)
        lines.append(
            [
                column.header,
                _("必填") if column.required else _("选填"),
                str(column.note),
                accepted,
            ]
        )
    lines.append([])
    lines.append(
        [
            _("留守类别（选填，用于核对）"),
            _("选填"),
            "",
            "、".join(w for ws in CATEGORY_SYNONYMS.values() for w in ws[:1]),
        ]
    )
    for line in lines:
        sheet.append(line)
    sheet["A1"].font = Font(bold=True, size=14)
    for letter, width in zip("ABCD", (18, 10, 36, 60), strict=True):
        sheet.column_dimensions[letter].width = width
