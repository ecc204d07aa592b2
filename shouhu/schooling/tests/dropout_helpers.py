"""Helpers of the dropout tests: roll calls with absences written straight to the tables (the
attendance app's own service is tested there), and a case taken through its states."""

import datetime
import io

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


def suspect_of(child, *, found_on=None):
    """An open suspected entry of the child (the rules' own service)."""
    from shouhu.schooling.models.dropout import SuspectRule
    from shouhu.schooling.services.dropout import suspect_enter

    return suspect_enter(
        child=child,
        rule=SuspectRule.ABSENT_DAYS,
        found_on=found_on or dates.TODAY,
        detail="连续3个上课日无故缺勤",
    )


def case_of(child, *, by=None):
    """A registered dropout case of the child, confirmed from an entry by its head teacher."""
    from shouhu.schooling.models.dropout import DropoutCause
    from shouhu.schooling.services.dropout import suspect_confirm

    entry = suspect_of(child)
    return suspect_confirm(
        actor=by or child.school_class.head_teacher, entry=entry, cause=DropoutCause.POVERTY
    )


def status_list(children, *, absent_by=None, roll_call=roll_call):
    """A 学籍 export naming the children (an upload); with `absent_by`, the children were also
    absent at their class's last three roll calls (名在人不在)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    if absent_by is not None:
        for dom in (25, 26, 27):
            for school_class in {c.school_class for c in children}:
                absent = [c for c in children if c.school_class == school_class]
                roll_call(school_class, dates.day(2026, 11, dom), absent=absent, by=absent_by)
    book = Workbook()
    sheet = book.active
    sheet.append(["学籍号", "姓名"])
    for child in children:
        sheet.append(["", child.name])
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("学籍.xlsx", out.getvalue())
