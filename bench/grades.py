"""The grade-import benchmark of `make bench` (`grades_import_2k_s`, target < 10 s): a school's
2,000-row grade sheet (one row per child, five subjects) imported by the school leader.

`run_grades_benchmark()` runs this file in a subprocess with a throwaway SQLite database:

1. migrate the empty database; one school of 45 classes (grades 1–9, five classes each) with
   2,000 children on the register (bulk-created) and its school leader;
2. write the sheet (openpyxl write-only): 班级, 姓名, 语文, 数学, 英语, 科学, 道德与法治, with
   names unique within each class;
3. time `grades_import` of the whole sheet for this term's mid-term (all written: 2,000 rows,
   about 9,000 scores with their history), then once more (everything unchanged);
4. print the figures as one JSON line, which the parent returns as
   {"grades_import_2k_s": {...}}.
"""

import datetime
import json
import sys
import time
from pathlib import Path

from isolated import django_ready, run_isolated

ROOT = Path(__file__).resolve().parent.parent
ROWS = 2_000
TODAY = datetime.date(2026, 11, 29)


def run_grades_benchmark(rows: int = ROWS) -> dict:
    figures = run_isolated(__file__, name="grades", args=(str(rows),))
    return {
        "grades_import_2k_s": {
            "value": figures["seconds"],
            "unit": "s",
            "cpu_s": figures["cpu_s"],
            "again_s": figures["again_s"],
            "rows": figures["rows"],
            "scores": figures["scores"],
        }
    }


def _build(rows: int):
    from shouhu.accounts.models import User
    from shouhu.core.roles import Role
    from shouhu.org.models import Grade, Region, RegionLevel, School, SchoolClass, SchoolType, Term
    from shouhu.registry.models import Child, Sex

    province = Region.objects.create(code="510000000000", name="四川省", level=RegionLevel.PROVINCE)
    city = Region.objects.create(
        code="511700000000", name="达州市", level=RegionLevel.CITY, parent=province
    )
    county = Region.objects.create(
        code="511781000000", name="万源市", level=RegionLevel.COUNTY, parent=city
    )
    township = Region.objects.create(
        code="511781101000", name="太平镇", level=RegionLevel.TOWNSHIP, parent=county
    )
    term = Term.objects.create(
        code="2026-2027-1",
        start_year=2026,
        semester=1,
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2027, 1, 20),
    )
    school = School.objects.create(
        code="3151781001", name="太平镇九年一贯制学校", kind=SchoolType.PRIMARY, region=township
    )
    classes = [
        SchoolClass.objects.create(school=school, grade=grade, name=f"{grade.label}({n})班")
        for grade in Grade
        for n in range(1, 6)
    ]
    children = [
        Child(
            name=f"学生{n:04d}",
            sex=Sex.MALE if n % 2 else Sex.FEMALE,
            birth_date=datetime.date(2012 + n % 8, 1 + n % 12, 1 + n % 28),
            school_class=classes[n % len(classes)],
            registered_on=term.starts_on,
        )
        for n in range(rows)
    ]
    Child.objects.bulk_create(children, batch_size=1000)
    leader = User.objects.create(
        username="leader", role=Role.SCHOOL_LEADER, display_name="向校长", scope_school=school
    )
    return term, leader, children


def _sheet(path: Path, children) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("成绩")
    sheet.append(["班级", "姓名", "语文", "数学", "英语", "科学", "道德与法治"])
    for n, child in enumerate(children):
        grade = child.school_class.grade
        senior, primary = grade >= 3, 3 <= grade <= 6
        sheet.append(
            [
                child.school_class.name,
                child.name,
                60 + n % 40,
                55 + (n * 7) % 45,
                (70 + n % 30) if senior else None,
                (65 + n % 35) if primary else None,
                80 + n % 20,
            ]
        )
    book.save(path)


def _main(rows: int, folder: str) -> None:
    django_ready()
    import time_machine

    from shouhu.schooling.models import ExamKind, GradeResult
    from shouhu.schooling.services.grade_sheets import grades_import

    with time_machine.travel(datetime.datetime(2026, 11, 29, 2, 0, tzinfo=datetime.UTC)):
        term, leader, children = _build(rows)
        path = Path(folder) / "grades.xlsx"
        _sheet(path, children)
        content = path.read_bytes()
        started, cpu = time.perf_counter(), time.process_time()
        result = grades_import(
            actor=leader, term=term, exam=ExamKind.MIDTERM, content=content, filename=path.name
        )
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
        if not result.ok:
            sys.stderr.write("\n".join(str(p) for p in result.problems[:20]))
            sys.exit(1)
        again_started = time.perf_counter()
        grades_import(
            actor=leader, term=term, exam=ExamKind.MIDTERM, content=content, filename=path.name
        )
        again = time.perf_counter() - again_started
    print(
        json.dumps(
            {
                "rows": rows,
                "scores": GradeResult.objects.count(),
                "seconds": round(seconds, 2),
                "cpu_s": round(cpu_seconds, 2),
                "again_s": round(again, 2),
            }
        )
    )


if __name__ == "__main__":
    _main(int(sys.argv[1]), sys.argv[-1])
