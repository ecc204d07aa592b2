"""Census sheets the tests build themselves (openpyxl), one per kind of dirt.

`row(...)` is one good row for class A (三年级(2)班 of 万源市太平镇中心小学, 3151781001) as a
dict of header → cell; `sheet_bytes(rows)` writes them under the template's headers (or
others), optionally with title rows, a two-row grouped header or extra columns.
"""

import datetime
import io
import itertools
from typing import Any

from openpyxl import Workbook, load_workbook

from shouhu.core.idnumber import make_id_number

SCHOOL_A = "3151781001"
HEADERS = [
    "姓名",
    "性别",
    "身份证号",
    "出生日期",
    "民族",
    "户籍类型",
    "家庭住址",
    "学校标识码",
    "年级",
    "班级",
    "是否寄宿",
    "父亲姓名",
    "父亲状况",
    "父亲务工地",
    "父亲电话",
    "母亲姓名",
    "母亲状况",
    "母亲务工地",
    "母亲电话",
    "监护人姓名",
    "与儿童关系",
    "监护人电话",
    "监护人年龄",
    "监护人健康状况",
    "重点对象",
    "信息来源",
]
NAMES = ["王小明", "李思雨", "张子涵", "刘浩然", "陈梓萱", "杨宇轩", "赵雨桐", "黄俊杰", "周思远"]
_serials = itertools.count(601)


def id_for(birth: datetime.date, *, male: bool = True, serial: int | None = None) -> str:
    """A valid ID number of county 511781; serials from 601 keep clear of the factories."""
    n = next(_serials) if serial is None else serial
    n = n * 2 + 1 if male else n * 2
    return make_id_number(county="511781", birth_date=birth, serial=n % 1000)


def id_ending_in_x() -> str:
    birth = datetime.date(2016, 4, 2)
    for serial in range(1, 999, 2):
        number = make_id_number(county="511781", birth_date=birth, serial=serial)
        if number.endswith("X"):
            return number
    raise AssertionError("no serial gives X")


def row(n: int = 0, **overrides: Any) -> dict[str, Any]:
    birth = datetime.date(2016, 1, 1) + datetime.timedelta(days=37 * n)
    male = n % 2 == 0
    data: dict[str, Any] = {
        "姓名": NAMES[n % len(NAMES)],
        "性别": "男" if male else "女",
        "身份证号": id_for(birth, male=male),
        "出生日期": birth.isoformat(),
        "民族": "汉族",
        "户籍类型": "农业户口",
        "家庭住址": "太平镇石塘村2组",
        "学校标识码": SCHOOL_A,
        "年级": "三年级",
        "班级": "三年级(2)班",
        "是否寄宿": "否",
        "父亲姓名": "王建国",
        "父亲状况": "外出务工·经商",
        "父亲务工地": "广东省东莞市",
        "父亲电话": "13812345678",
        "母亲姓名": "李秀兰",
        "母亲状况": "外出务工·经商",
        "母亲务工地": "浙江省宁波市",
        "母亲电话": "13987654321",
        "监护人姓名": "王秀英",
        "与儿童关系": "祖母",
        "监护人电话": "13700001111",
        "监护人年龄": 63,
        "监护人健康状况": "良好",
        "重点对象": "",
        "信息来源": "学籍登记",
    }
    data.update(overrides)
    return data


def sheet_bytes(
    rows: list[dict[str, Any] | None],
    *,
    headers: list[str] | None = None,
    title_rows: list[list[Any]] = (),  # type: ignore[assignment]
    text_ids: bool = True,
) -> bytes:
    """A workbook of the rows (None is a blank row) under the headers, after any title rows."""
    headers = headers or HEADERS
    workbook = Workbook()
    sheet = workbook.active
    for title in title_rows:
        sheet.append(title)
    sheet.append(headers)
    for data in rows:
        if data is None:
            sheet.append([])
            continue
        sheet.append([data.get((h or "").strip()) for h in headers])
    if text_ids:
        for column in sheet.iter_cols(min_row=1, max_row=1):
            if column[0].value and str(column[0].value).strip() == "身份证号":
                for cell in sheet[column[0].column_letter][1:]:
                    cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_rows(content: bytes, sheet: int = 0) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(content))
    return [tuple(r) for r in workbook.worksheets[sheet].iter_rows(values_only=True)]
