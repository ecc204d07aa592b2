"""The Home's benchmark of `make bench` (issue 16): `roster_generate_ms`, the term's duty roster
of a school of 60 teachers (target < 1 s).

`run_home_benchmark()` runs this file in a subprocess with a throwaway SQLite database:

1. migrate the empty database; one school in a township, the term 2026-2027-1, 60 teachers
   (head teachers and teachers) and the school's Home;
2. on the term's first day (the clock set to 2026-09-01 10:00 in China, so the whole term is
   generated: about 100 school days), time `roster_generate` as the command-line operator,
   a warm-up then the median of `RUNS` (each replaces the days from today on);
3. print the figures as one JSON line: {"roster_generate_ms": {...}}.
"""

import datetime
import json
import statistics
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from isolated import django_ready, run_isolated

ROOT = Path(__file__).resolve().parent.parent
TEACHERS = 60
RUNS = 7
FIRST_DAY = datetime.datetime(2026, 9, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def run_home_benchmark() -> dict:
    return run_isolated(__file__, name="home")


def _build_school():
    from shouhu.accounts.models import User
    from shouhu.activities.models import Home
    from shouhu.core.roles import Role
    from shouhu.org.models import Region, RegionLevel, School, SchoolClass, SchoolType, Term

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
    school = School.objects.create(
        code="3151781001", name="太平镇中心小学", kind=SchoolType.PRIMARY, region=township
    )
    term = Term.objects.create(
        code="2026-2027-1",
        start_year=2026,
        semester=1,
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2027, 1, 20),
    )
    for n in range(TEACHERS):
        if n % 2:
            User.objects.create(
                username=f"t{n}", display_name=f"教师{n}", role=Role.TEACHER, scope_school=school
            )
        else:
            school_class = SchoolClass.objects.create(
                school=school, grade=n % 6 + 1, name=f"{n % 6 + 1}年级({n}班)"
            )
            User.objects.create(
                username=f"h{n}",
                display_name=f"班主任{n}",
                role=Role.HEAD_TEACHER,
                scope_class=school_class,
            )
    leader = User.objects.create(
        username="leader", display_name="校长", role=Role.SCHOOL_LEADER, scope_school=school
    )
    home = Home.objects.create(
        school=school, room="活动室", opening_hours="放学后", updated_by=leader
    )
    return home, term


def _main() -> None:
    django_ready()
    import time_machine

    from shouhu.accounts.operator import operator_actor
    from shouhu.activities.services.home import roster_generate

    home, term = _build_school()
    actor = operator_actor()
    timings = []
    with time_machine.travel(FIRST_DAY, tick=True):
        for run in range(RUNS + 1):
            started = time.perf_counter()
            days = roster_generate(actor=actor, home=home, term=term)
            elapsed = (time.perf_counter() - started) * 1000
            if run:  # the first is the warm-up
                timings.append(elapsed)
    print(
        json.dumps(
            {
                "roster_generate_ms": {
                    "value": round(statistics.median(timings), 1),
                    "unit": "ms",
                    "teachers": TEACHERS,
                    "days": len(days),
                    "runs": RUNS,
                    "target_ms": 1000,
                }
            }
        )
    )


if __name__ == "__main__":
    _main()
