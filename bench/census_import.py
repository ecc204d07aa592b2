"""The import benchmark of `make bench`: a 20,000-row county census on SQLite.

`run_import_benchmark()` runs this file in a subprocess with a throwaway SQLite database, so the
peak memory (`ru_maxrss`) is the import's own:

1. migrate the empty database and create a county of 10 townships, 40 schools and 480 classes;
2. write the sheet (openpyxl write-only mode) with valid rows spread over those classes;
3. time `census_import` of the whole sheet as the command-line operator;
4. print the figures as one JSON line, which the parent returns as
   {"import_20k_s": {...}, "import_20k_peak_mb": {...}, "import_20k_lock_s": {...}}; the last is
   the time inside the write transaction, when SQLite's write lock makes every other save wait.
5. the same rows as an Excel 97-2003 `.xls` (`import_20k_xls_s`): the `.xlsx` converted by
   LibreOffice headless (`soffice --headless --convert-to xls`, with a private profile in the
   throwaway folder), as a school's old Excel or WPS saves it; nothing in Shouhu writes .xls.
   Without LibreOffice (`make system-deps` installs it) the figure is skipped with a note.
"""

import datetime
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from isolated import django_ready, run_isolated

ROOT = Path(__file__).resolve().parent.parent
ROWS = 20_000
COUNTY = "511781"
TERM = "2026-2027-1"
STATUSES = ["外出务工", "打工", "在家", "外出", "死亡", "离异"]


def run_import_benchmark(rows: int = ROWS) -> dict:
    """Import `rows` census rows into a fresh SQLite database; time and peak memory; then the
    same rows from an .xls, when LibreOffice is there to convert the sheet."""
    figures = _run(rows, "xlsx")
    result = {
        # Wall time is the figure; CPU time tells a busy machine from a slow import.
        "import_20k_s": {
            "value": figures["seconds"],
            "unit": "s",
            "cpu_s": figures["cpu_s"],
            "read_s": figures["read_s"],
            "rows": figures["rows"],
        },
        "import_20k_peak_mb": {"value": figures["peak_mb"], "unit": "MB", "rows": figures["rows"]},
        "import_20k_lock_s": {
            "value": figures["lock_s"],
            "unit": "s",
            "cpu_s": figures["lock_cpu_s"],
            "rows": figures["rows"],
        },
    }
    if shutil.which("soffice") is None:
        result["import_20k_xls_s"] = {
            "value": None,
            "unit": "s",
            "note": "LibreOffice (soffice) is not installed: make system-deps to measure",
        }
        return result
    xls = _run(rows, "xls")
    result["import_20k_xls_s"] = {
        "value": xls["seconds"],
        "unit": "s",
        "cpu_s": xls["cpu_s"],
        "read_s": xls["read_s"],
        "peak_mb": xls["peak_mb"],
        "rows": xls["rows"],
    }
    return result


def _run(rows: int, fmt: str) -> dict:
    return run_isolated(__file__, name="import", args=(str(rows), fmt))


def _build_county():
    """Ten townships of four schools, each with two classes in each of grades 1–6."""
    from shouhu.org.models import (
        ClassEnrolment,
        Grade,
        Region,
        RegionLevel,
        School,
        SchoolClass,
        SchoolType,
        Term,
    )

    province = Region.objects.create(code="510000000000", name="四川省", level=RegionLevel.PROVINCE)
    city = Region.objects.create(
        code="511700000000", name="达州市", level=RegionLevel.CITY, parent=province
    )
    county = Region.objects.create(
        code=f"{COUNTY}000000", name="万源市", level=RegionLevel.COUNTY, parent=city
    )
    term = Term.objects.create(
        code=TERM,
        start_year=2026,
        semester=1,
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2027, 1, 20),
    )
    classes = []
    for t in range(10):
        township = Region.objects.create(
            code=f"{COUNTY}{101 + t:03d}000",
            name=f"第{t + 1}镇",
            level=RegionLevel.TOWNSHIP,
            parent=county,
        )
        for s in range(4):
            school = School.objects.create(
                code=f"31{COUNTY[2:]}{t:02d}{s:02d}",
                name=f"第{t + 1}镇第{s + 1}小学",
                kind=SchoolType.PRIMARY,
                region=township,
            )
            for grade in Grade:
                if grade > 6:
                    continue
                for n in (1, 2):
                    classes.append(
                        SchoolClass.objects.create(
                            school=school, grade=grade, name=f"{grade.label}({n})班"
                        )
                    )
    ClassEnrolment.objects.bulk_create(
        ClassEnrolment(school_class=c, term=term, pupils=60) for c in classes
    )
    return term, classes


def _write_sheet(path: Path, *, rows: int, classes) -> None:
    from openpyxl import Workbook

    from shouhu.registry.tests.census_sheets import HEADERS

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("摸底名册")
    sheet.append(HEADERS)
    for values in _rows(rows, classes):
        sheet.append(values)
    workbook.save(path)


def _write_xls(path: Path, *, rows: int, classes) -> None:
    """The same rows as Excel 97-2003 keeps them: the .xlsx converted by LibreOffice headless
    (dates stay date cells, numbers numbers), its profile in the throwaway folder."""
    source = path.with_suffix(".xlsx")
    _write_sheet(source, rows=rows, classes=classes)
    subprocess.run(  # noqa: S603 - LibreOffice, found on PATH, on our own file
        [
            shutil.which("soffice") or "soffice",
            "--headless",
            f"-env:UserInstallation=file://{path.parent}/lo-profile",
            "--convert-to",
            "xls",
            "--outdir",
            str(path.parent),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    source.unlink()


def _rows(rows: int, classes):
    from shouhu.core.idnumber import make_id_number
    from shouhu.registry.tests.census_sheets import HEADERS, NAMES

    first = datetime.date(2014, 1, 1)
    for n in range(rows):
        school_class = classes[n % len(classes)]
        birth = first + datetime.timedelta(days=n % 2000)
        serial = n // 2000  # the same birth date never repeats a serial
        male = serial % 2 == 1
        values = {
            "姓名": NAMES[n % len(NAMES)],
            "性别": "男" if male else "女",
            "身份证号": make_id_number(county=COUNTY, birth_date=birth, serial=serial),
            "出生日期": birth.strftime("%Y年%m月%d日") if n % 3 else birth,
            "民族": "汉族",
            "户籍类型": "农业户口",
            "家庭住址": f"第{n % 10 + 1}村{n % 7 + 1}组",
            "学校标识码": school_class.school.code,
            "年级": school_class.get_grade_display(),
            "班级": school_class.name,
            "是否寄宿": "否" if n % 4 else "是",
            "父亲姓名": "王建国",
            "父亲状况": STATUSES[n % 2],
            "父亲务工地": "广东省东莞市",
            "父亲电话": f"138{n:08d}",
            "母亲姓名": "李秀兰",
            "母亲状况": STATUSES[n % len(STATUSES)],
            "母亲务工地": "浙江省宁波市",
            "母亲电话": f"+86 139 {n:08d}",
            "监护人姓名": "王秀英",
            "与儿童关系": "祖母",
            "监护人电话": f"137-{n:08d}",
            "监护人年龄": 60 + n % 15,
            "监护人健康状况": "良好",
            "重点对象": "贫困" if n % 9 == 0 else "",
            "信息来源": "学籍登记",
        }
        yield [values[h] for h in HEADERS]


def _main(rows: int, fmt: str, folder: str) -> None:
    # DEBUG off, as in production: a debug cursor would keep every one of the ~200,000 INSERTs
    # in memory.
    django_ready()
    from shouhu.accounts.operator import operator_actor
    from shouhu.registry.census_sheets.importing import census_import
    from shouhu.registry.census_sheets.reading import read_sheet

    term, classes = _build_county()
    path = Path(folder) / f"county.{fmt}"
    (_write_xls if fmt == "xls" else _write_sheet)(path, rows=rows, classes=classes)
    actor = operator_actor()
    started = time.perf_counter()
    read_sheet(str(path))  # the reading alone, once more in the import
    read_seconds = time.perf_counter() - started
    started, cpu_started = time.perf_counter(), time.process_time()
    result = census_import(actor=actor, term=term, source=str(path), filename=path.name)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    if not result.applied:
        sys.stderr.write("\n".join(result.messages()[:20]))
        sys.exit(1)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    figures = {
        "rows": rows,
        "seconds": round(seconds, 2),
        "cpu_s": round(cpu_seconds, 2),
        "read_s": round(read_seconds, 2),
        "lock_s": round(result.write_seconds or 0, 2),
        "lock_cpu_s": round(result.write_cpu_seconds or 0, 2),
    }
    print(json.dumps({**figures, "peak_mb": round(peak_mb, 1)}))


if __name__ == "__main__":
    _main(int(sys.argv[1]), sys.argv[2], sys.argv[-1])
