"""One census sheet, to be saved in every format a school uses (`test_import_formats`).

`GRID` is the sheet as its program shows it: a title row, the header, then rows with a real
date, a number, a blank row, an ID number that Excel turned into a number, a bad date and a
sex it cannot read. The .xls, .xlsb and .ods copies in `fixtures/` were written from it once
(`fixtures/README.md`); the .xlsx and the CSVs are written from it by the tests.
"""

import csv
import datetime
import io
from typing import Any

from openpyxl import Workbook

from shouhu.registry.tests.census_sheets import HEADERS, id_for, row

TITLE = "太平镇中心小学农村留守儿童摸底名册"


def _cells(data: dict[str, Any]) -> list[Any]:
    return [data[h] for h in HEADERS]


def _grid() -> list[list[Any]]:
    second = row(1, 身份证号=id_for(datetime.date(2016, 2, 7), male=False, serial=702))
    second["出生日期"] = datetime.date(2016, 2, 7)
    return [
        [TITLE],
        list(HEADERS),
        _cells(row(0, 身份证号=id_for(datetime.date(2016, 1, 1), serial=701))),
        _cells(second),
        [],
        _cells(row(2, 身份证号=float(id_for(datetime.date(2016, 3, 15), serial=703)))),
        _cells(
            row(
                3,
                身份证号=id_for(datetime.date(2016, 4, 21), male=False, serial=704),
                出生日期="2016-13-45",
                性别="未知",
            )
        ),
    ]


GRID = _grid()
ROW_OF_ID_AS_NUMBER = 6
ROW_OF_BAD_DATE = 7


def xlsx_bytes() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for cells in GRID:
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_text(*, delimiter: str = ",") -> str:
    """The CSV as Excel writes it: dates as shown, a number as its digits."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for cells in GRID:
        writer.writerow([c.isoformat() if isinstance(c, datetime.date) else c for c in cells])
    return buffer.getvalue()
