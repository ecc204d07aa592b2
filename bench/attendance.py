"""Attendance (考勤, issue 14) figures of a county, measured by `run.py` (group `attendance`):

- `roll_call_save_ms` (target < 150 ms): saving a 50-child class's roll call, as the head
  teacher sends it: alternately 3 and 5 children absent, so every save changes the roll call
  (absences added, changed or taken back, each kept in the history). Measured inside a
  transaction rolled back afterwards: the class is filled up to 50 from its school's other
  classes, and the bench's day (a Sunday) is made a make-up school day (调休上课) for it.
- `attendance_county_day_ms` on the synthetic county of 20,000 children (target < 500 ms;
  `attendance_county_day_demo_ms` on the demo): the county's attendance figures for the last
  school day, the page /school/attendance/figures/ as the county officer opens it (the day and
  the term so far, both one level down); `selector_ms` beside it is the day's figures alone
  (`attendance_of_node`).
"""

import statistics
import time

ROLL_CALL_SIZE = 50


def attendance_figures(clients: dict, *, suffix: str, county_code: str, measure_cls, timing):
    """The two measures; `timing` is run.py's (median_ms, measure_page, login)."""
    median_ms, measure_page = timing
    roll = measure_cls(
        f"roll_call_save{suffix}_ms", f"roll call of a {ROLL_CALL_SIZE}-child class, saved"
    )
    _roll_call_save(roll, median_ms=median_ms)
    day_key = (
        "attendance_county_day_ms"
        if suffix == "_20k"
        else (f"attendance_county_day{suffix or '_demo'}_ms")
    )
    county_day = measure_cls(
        day_key, f"attendance figures /school/attendance/figures/ {county_code}"
    )
    _county_day(
        county_day,
        client=clients["county"],
        county_code=county_code,
        median_ms=median_ms,
        measure_page=measure_page,
    )
    return [roll, county_day]


def _roll_call_save(measure, *, median_ms) -> None:
    from django.db import transaction
    from django.db.models import Count, Q
    from django.utils import timezone

    from shouhu.org.models import SchoolClass
    from shouhu.registry.models import Child
    from shouhu.schooling.models import CalendarChange, CalendarChangeKind
    from shouhu.schooling.selectors.calendar import is_school_day
    from shouhu.schooling.services.attendance import register_on, roll_call_save

    today = timezone.localdate()
    with transaction.atomic():
        school_class = (
            SchoolClass.objects.annotate(
                n=Count("children", filter=Q(children__left_on__isnull=True))
            )
            .select_related("school", "head_teacher")
            .order_by("-n")
            .first()
        )
        if school_class is None or school_class.head_teacher is None:
            measure.error = "no class with a head teacher"
            return
        have = register_on(school_class, today).count()
        if have < ROLL_CALL_SIZE:
            more = (
                Child.objects.filter(school_class__school=school_class.school, left_on__isnull=True)
                .exclude(school_class=school_class)
                .filter(registered_on__lte=today)
                .values_list("pk", flat=True)[: ROLL_CALL_SIZE - have]
            )
            Child.objects.filter(pk__in=list(more)).update(school_class=school_class)
        if not is_school_day(school_class.school, today):
            CalendarChange.objects.create(
                school=school_class.school,
                day=today,
                kind=CalendarChangeKind.MAKE_UP,
                created_by=school_class.head_teacher,
            )
        pupils = list(register_on(school_class, today).values_list("pk", flat=True))
        sets = [
            {pk: "unknown" for pk in pupils[:3]},
            {
                pupils[1]: "sick",
                pupils[4]: "personal",
                pupils[7]: "unknown",
                pupils[9]: "truant",
                pupils[11]: "unknown",
            },
        ]
        turn = [0]

        def save() -> None:
            turn[0] += 1
            roll_call_save(
                actor=school_class.head_teacher,
                school_class=school_class,
                day=today,
                absent=sets[turn[0] % 2],
            )

        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        measure.value, measure.runs = median_ms(run=save)
        with CaptureQueriesContext(connection) as queries:
            save()
        measure.queries = len(queries)
        cpu = []
        for _ in range(measure.runs):
            started = time.process_time()
            save()
            cpu.append((time.process_time() - started) * 1000)
        # The machine is shared: the CPU time moves less with the load than the wall time.
        measure.extra = {"pupils": len(pupils), "cpu_ms": round(statistics.median(cpu), 2)}
        transaction.set_rollback(True)


def _county_day(measure, *, client, county_code: str, median_ms, measure_page) -> None:
    from django.utils import timezone

    from shouhu.org.models import Region
    from shouhu.schooling.models import RollCall
    from shouhu.schooling.selectors.attendance import attendance_of_node

    last = (
        RollCall.objects.filter(day__lt=timezone.localdate())
        .order_by("-day")
        .values_list("day", flat=True)
        .first()
    )
    if last is None:
        measure.error = "no roll call in the county"
        return
    measure_page(
        measure,
        client=client,
        url=f"/school/attendance/figures/?scope={county_code}&day={last.isoformat()}",
    )
    url = f"/school/attendance/figures/?scope={county_code}&day={last.isoformat()}"
    cpu = []
    for _ in range(5):
        started = time.process_time()
        client.get(url)
        cpu.append((time.process_time() - started) * 1000)
    node = Region.objects.get(code=county_code.ljust(12, "0"))
    measure.selector_ms, _runs = median_ms(
        run=lambda: attendance_of_node(node, start=last, end=last)
    )
    measure.extra = {"day": last.isoformat(), "cpu_ms": round(statistics.median(cpu), 2)}
