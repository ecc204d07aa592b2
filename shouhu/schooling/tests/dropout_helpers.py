"""Helpers of the dropout tests: roll calls with absences written straight to the tables (the
attendance app's own service is tested there), and a case taken through its states."""

import datetime

import time_machine

from shouhu.schooling.models.attendance import Absence, AbsenceReason, RollCall
from shouhu.testing import dates


def roll_call(school_class, day: datetime.date, *, absent=(), reason=AbsenceReason.UNKNOWN, by):
    """A class's roll call on the day with the given children absent."""
    call = RollCall.objects.create(
        school_class=school_class,
        day=day,
        expected=30,
        taken_by=by,
        taken_at=datetime.datetime.combine(day, datetime.time(8), tzinfo=dates.SHANGHAI),
    )
    for child in absent:
        Absence.objects.create(roll_call=call, child=child, day=day, reason=reason)
    return call


def at(text: str):
    """Travel to 10:00 China time on a day written for 2026 ("2026-11-29"), moved by years."""
    year, month, dom = map(int, text.split("-"))
    return time_machine.travel(dates.at(year, month, dom, 10), tick=False)
