"""The demo county's attendance as of the pinned day (`shouhu seed-demo --children 200`): a
term of roll calls up to yesterday with realistic absences, the holidays as days off, and two
suspected dropouts absent with no reason for the last school days."""

from django.db.models import Sum

from shouhu.care.models import SignalKind, VisitTask
from shouhu.demo.tests.conftest import CALENDAR, TODAY
from shouhu.schooling.models import Absence, AbsenceReason, CalendarChange, RollCall
from shouhu.schooling.selectors.calendar import school_days


def test_every_class_has_a_roll_call_on_every_school_day_up_to_yesterday(small_county):
    rolls = RollCall.objects.all()
    assert rolls.exists()
    assert rolls.order_by("-day").first().day < TODAY
    assert rolls.order_by("day").first().day >= CALENDAR.current[3]
    one = rolls.order_by("school_class_id").first()
    school = one.school_class.school
    days = school_days(school, CALENDAR.current[3], TODAY)
    taken = set(rolls.filter(school_class=one.school_class).values_list("day", flat=True))
    assert taken == {d for d in days if d < TODAY}
    days_off = CalendarChange.objects.filter(kind="off").values("day")
    assert not rolls.filter(day__in=days_off).exists()


def test_about_one_pupil_in_seventy_is_absent_mostly_sick_or_on_leave(small_county):
    expected = RollCall.objects.aggregate(n=Sum("expected"))["n"]
    absent = Absence.objects.count()
    assert 0.005 < absent / expected < 0.03
    known = Absence.objects.filter(reason__in=[AbsenceReason.SICK, AbsenceReason.PERSONAL])
    assert known.count() > absent * 0.7


def test_two_children_have_three_or_more_consecutive_unexplained_school_days(small_county):
    unknown = Absence.objects.filter(reason=AbsenceReason.UNKNOWN, explained_at__isnull=True)
    runs = {}
    for child_id in set(unknown.values_list("child_id", flat=True)):
        child_days = set(unknown.filter(child_id=child_id).values_list("day", flat=True))
        school = Absence.objects.filter(child_id=child_id).first().roll_call.school_class.school
        days = [d for d in school_days(school, CALENDAR.current[3], TODAY) if d < TODAY]
        run = 0
        for day in reversed(days):
            if day not in child_days:
                break
            run += 1
        runs[child_id] = run
    assert sorted(r for r in runs.values() if r >= 3) == [3, 4]
    suspected = [c for c, r in runs.items() if r >= 3]
    tasks = VisitTask.objects.filter(child_id__in=suspected, observation__kind=SignalKind.ABSENT)
    assert tasks.count() == 7 and not tasks.filter(done_on__isnull=False).exists()
