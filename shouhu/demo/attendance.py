"""The demo's attendance (考勤): the current term's school calendar and a roll call of every class
on every school day up to yesterday, with realistic absences, written in bulk.

- The calendar: the national holidays of the term (国庆 1–7 October with a make-up Saturday, or
  劳动节 1–5 May) as each school's days off (放假) and make-up days (调休上课).
- Each class's roll call at about eight in the morning by its head teacher; about 1.5% of
  pupils absent on a day, mostly sick (病假) or on leave (事假), a few truant (旷课), the
  reasons of the 未知 ones found out the same day (so no other home visit was owed).
- Two children of the demo school, absent with no reason for the last few school days (3 or
  more): the suspected dropouts (疑似辍学) the dropout ledger starts from. Each such day had its
  same-day home-visit task (care's VisitTask, as the duty raises it).

Deterministic from the seed; every date follows the demo's calendar (`demo.terms`).
"""

import datetime
import random
from dataclasses import dataclass, field

from django.utils import timezone

from shouhu.care.services import absence_visit_task_create
from shouhu.demo.terms import ONE_DAY, DemoCalendar
from shouhu.registry.models import CensusSnapshot, Child
from shouhu.schooling.models import (
    Absence,
    AbsenceReason,
    CalendarChange,
    CalendarChangeKind,
    RollCall,
)
from shouhu.schooling.rules_attendance import school_days_in

ABSENT_SHARE = 0.015
# Reasons of a random absence, by weight; an 未知 one is mostly found out the same day.
REASONS = [
    (AbsenceReason.SICK, 60),
    (AbsenceReason.PERSONAL, 28),
    (AbsenceReason.TRUANT, 4),
    (AbsenceReason.UNKNOWN, 8),
]
SUSPECTED_DAYS = (4, 3)  # the two suspected dropouts' unexplained school days up to yesterday
BATCH = 2000


@dataclass
class AttendanceCounts:
    roll_calls: int = 0
    absences: int = 0
    suspected: list[Child] = field(default_factory=list)


def _holidays(start: datetime.date, end: datetime.date) -> tuple[set, set]:
    """The term's national holidays on weekdays (days off) and make-up weekend days."""
    off, on = set(), set()
    for year in {start.year, end.year}:
        for month, first, last in ((10, 1, 7), (5, 1, 5)):
            holiday = [datetime.date(year, month, d) for d in range(first, last + 1)]
            days = [d for d in holiday if start <= d <= end]
            off |= {d for d in days if d.weekday() < 5}
            if days:
                after = holiday[-1] + ONE_DAY
                while after.weekday() != 5:  # the Saturday after: 调休上课
                    after += ONE_DAY
                if start <= after <= end:
                    on.add(after)
    return off, on


def _reason(rng: random.Random) -> str:
    return rng.choices([r for r, _w in REASONS], weights=[w for _r, w in REASONS])[0]


def attendance_write(county, *, plan, calendar: DemoCalendar, seed: int) -> AttendanceCounts:
    """Write the current term's calendar, roll calls and absences of a written county."""
    rng = random.Random(seed * 31 + 14)
    _code, _year, _sem, starts_on, ends_on = calendar.current
    last = min(calendar.yesterday, ends_on)
    counts = AttendanceCounts()
    if last < starts_on:
        return counts
    off, on = _holidays(starts_on, ends_on)
    schools = list(county.schools.values())
    some_user = next(iter(county.users.values()))
    CalendarChange.objects.bulk_create(
        [
            CalendarChange(
                school=s,
                day=d,
                kind=CalendarChangeKind.DAY_OFF,
                note="法定节假日",
                created_by=some_user,
            )
            for s in schools
            for d in sorted(off)
        ]
        + [
            CalendarChange(
                school=s,
                day=d,
                kind=CalendarChangeKind.MAKE_UP,
                note="调休上课",
                created_by=some_user,
            )
            for s in schools
            for d in sorted(on)
        ],
        batch_size=BATCH,
    )
    days = school_days_in(
        start=starts_on,
        end=last,
        terms=[(starts_on, ends_on)],
        weekdays=range(5),
        days_off=off,
        make_up=on,
    )
    term = county.terms[calendar.current[0]]
    left_behind = set(
        CensusSnapshot.objects.filter(term=term, education=True).values_list("child_id", flat=True)
    )
    by_class: dict[int, list[Child]] = {}
    for child in county.records:
        by_class.setdefault(child.school_class_id, []).append(child)
    suspected = _suspected(county.classes, plan.head_class_key, by_class, days)
    counts.suspected = [child for child, _n in suspected]
    unexplained_days = {child.pk: set(days[-n:]) for child, n in suspected}
    rolls: list[RollCall] = []
    for school_class in county.classes.values():
        pupils = by_class.get(school_class.pk, [])
        for day in days:
            register = [
                c
                for c in pupils
                if c.registered_on <= day and (c.left_on is None or c.left_on > day)
            ]
            at = datetime.time(7, 40 + rng.randrange(20), rng.randrange(60))
            taken_at = timezone.make_aware(datetime.datetime.combine(day, at))
            rolls.append(
                RollCall(
                    school_class=school_class,
                    day=day,
                    expected=len(register),
                    expected_left_behind=sum(1 for c in register if c.pk in left_behind),
                    taken_by_id=school_class.head_teacher_id,
                    taken_at=taken_at,
                )
            )
    RollCall.objects.bulk_create(rolls, batch_size=BATCH)
    roll_ids = dict(
        ((class_id, day), pk)
        for pk, class_id, day in RollCall.objects.filter(
            day__gte=starts_on, day__lte=last
        ).values_list("pk", "school_class_id", "day")
    )
    taken = {(r.school_class_id, r.day): r for r in rolls}
    absences: list[Absence] = []
    for school_class in county.classes.values():
        for child in by_class.get(school_class.pk, []):
            mine = unexplained_days.get(child.pk, set())
            for day in days:
                if child.registered_on > day or (
                    child.left_on is not None and child.left_on <= day
                ):
                    continue
                if day in mine:
                    reason, explained = AbsenceReason.UNKNOWN, False
                elif rng.random() < ABSENT_SHARE:
                    reason = _reason(rng)
                    explained = reason == AbsenceReason.UNKNOWN  # found out the same day
                    if explained:
                        reason = rng.choice([AbsenceReason.SICK, AbsenceReason.PERSONAL])
                else:
                    continue
                roll = taken[(school_class.pk, day)]
                absences.append(
                    Absence(
                        roll_call_id=roll_ids[(school_class.pk, day)],
                        child_id=child.pk,
                        day=day,
                        reason=reason,
                        left_behind=child.pk in left_behind,
                        explained_at=roll.taken_at + datetime.timedelta(hours=2)
                        if explained
                        else None,
                        explained_by_id=school_class.head_teacher_id if explained else None,
                    )
                )
    Absence.objects.bulk_create(absences, batch_size=BATCH)
    _visit_tasks(suspected, unexplained_days)
    counts.roll_calls, counts.absences = len(rolls), len(absences)
    return counts


def _suspected(classes: dict, head_class_key: str, by_class: dict, days: list[datetime.date]):
    """The two suspected dropouts: the first two children on the register of the demo head
    teacher's class (whose home page then lists both), with their count of unexplained days."""
    if len(days) < max(SUSPECTED_DAYS):
        return []
    head = classes[head_class_key]
    pupils = [
        c
        for c in by_class.get(head.pk, [])
        if c.left_on is None and c.registered_on <= days[-max(SUSPECTED_DAYS)]
    ]
    return list(zip(pupils, SUSPECTED_DAYS, strict=False))


def _visit_tasks(suspected, unexplained_days) -> None:
    """Each unexplained day of a suspected dropout had its same-day home visit, still open."""
    for child, _n in suspected:
        for day in sorted(unexplained_days[child.pk]):
            absence = Absence.objects.select_related("roll_call__taken_by").get(
                child=child, day=day
            )
            task = absence_visit_task_create(
                child=Child.objects.select_related("school_class__head_teacher").get(pk=child.pk),
                noted_on=day,
                author=absence.roll_call.taken_by,
                note=f"{day.isoformat()} 点名缺勤，当天未查明原因。",
            )
            absence.visit_task = task
            absence.save(update_fields=["visit_task"])
