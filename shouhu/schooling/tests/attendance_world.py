"""The attendance tests' calendar and helpers: the world's day is a Sunday (in 2026), so a test
of the roll call travels to the first school weekday after it, whatever the year."""

import contextlib
import datetime

import time_machine

from shouhu.testing.dates import SHANGHAI, TODAY
from shouhu.testing.factories import register_child


def next_weekday(after: datetime.date = TODAY, *, skip: int = 0) -> datetime.date:
    """The first Monday–Friday after `after` (then `skip` more)."""
    day = after + datetime.timedelta(days=1)
    while day.weekday() > 4 or skip:
        if day.weekday() <= 4:
            skip -= 1
        day += datetime.timedelta(days=1)
    return day


def next_weekend_day(after: datetime.date = TODAY) -> datetime.date:
    day = after + datetime.timedelta(days=1)
    while day.weekday() <= 4:
        day += datetime.timedelta(days=1)
    return day


@contextlib.contextmanager
def clock(day: datetime.date, hour: int, minute: int = 0, *, client=None, user=None):
    """Travel to the time of day in China on `day` (the clock does not tick); with a client,
    sign the user in there (a session left idle over a jump of hours has expired)."""
    moment = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SHANGHAI)
    with time_machine.travel(moment, tick=False):
        if client is not None:
            client.force_login(user)
        yield


def class_of(head_teacher, school_class, n: int, *, prefix: str = "学生"):
    """n more children registered in the class (both parents migrant: left-behind)."""
    return [
        register_child(head_teacher, school_class, name=f"{prefix}{chr(0x4E00 + i)}")
        for i in range(n)
    ]


def absence_of(child, *, taken_by, reason: str = "unknown"):
    """An absence of the child at a roll call of today, written directly (whatever the day of
    the week): for the tables of every URL, which run on the world's pinned Sunday."""
    from django.utils import timezone

    from shouhu.schooling.models import Absence, RollCall

    today = timezone.localdate()
    roll, _created = RollCall.objects.get_or_create(
        school_class=child.school_class,
        day=today,
        defaults={"expected": 1, "taken_by": taken_by, "taken_at": timezone.now()},
    )
    return Absence.objects.create(roll_call=roll, child=child, day=today, reason=reason)


def make_up_today(school) -> None:
    """Make today a school day for the school (a 调休 day when it falls on a weekend)."""
    from django.utils import timezone

    from shouhu.schooling.models import CalendarChange
    from shouhu.schooling.selectors.calendar import is_school_day

    today = timezone.localdate()
    if not is_school_day(school, today):
        CalendarChange.objects.get_or_create(
            school=school,
            day=today,
            defaults={"kind": "on", "created_by": school.classes.first().head_teacher},
        )
