"""The school calendar (校历): a school's school days are the terms' weekdays (Monday to
Friday), minus its days off (放假), plus its make-up days (调休上课). The other schooling helpers
(the dropout ledgers, the monthly report) read school days through `school_days` and
`is_school_day`."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from shouhu.core.roles import Perm
from shouhu.org.models import School, Term
from shouhu.schooling.models import CalendarChange, CalendarChangeKind
from shouhu.schooling.rules_attendance import school_days_in


def _term_spans(
    start: datetime.date, end: datetime.date
) -> list[tuple[datetime.date, datetime.date]]:
    return list(
        Term.objects.filter(starts_on__lte=end, ends_on__gte=start).values_list(
            "starts_on", "ends_on"
        )
    )


def school_days(
    school: School | int, start: datetime.date, end: datetime.date
) -> list[datetime.date]:
    """The school's school days from start to end, in order (two queries)."""
    school_id = school if isinstance(school, int) else school.pk
    changes = CalendarChange.objects.filter(school_id=school_id, day__range=(start, end))
    off: set[datetime.date] = set()
    on: set[datetime.date] = set()
    for day, kind in changes.values_list("day", "kind"):
        (off if kind == CalendarChangeKind.DAY_OFF else on).add(day)
    return school_days_in(
        start=start,
        end=end,
        terms=_term_spans(start, end),
        weekdays=settings.SHOUHU_SCHOOL_DAYS,
        days_off=off,
        make_up=on,
    )


def is_school_day(school: School | int, day: datetime.date) -> bool:
    return bool(school_days(school, day, day))


def schools_in_session(school_ids: list[int], day: datetime.date) -> set[int]:
    """Of these schools, those for which the day is a school day (three queries for any number)."""
    if not _term_spans(day, day):
        return set()
    kinds = dict(
        CalendarChange.objects.filter(school_id__in=school_ids, day=day).values_list(
            "school_id", "kind"
        )
    )
    weekday = day.weekday() in settings.SHOUHU_SCHOOL_DAYS
    return {
        s
        for s in school_ids
        if (weekday and kinds.get(s) != CalendarChangeKind.DAY_OFF)
        or kinds.get(s) == CalendarChangeKind.MAKE_UP
    }


@dataclass(frozen=True)
class SchoolCalendar:
    school: School
    term: Term | None
    changes: list[CalendarChange]
    school_days: int  # in the term


def calendar_for(user, *, school: School, term: Term | None) -> SchoolCalendar:
    """The school's changes in the term (or all, without a term) and its count of school days.
    The caller has checked the school is in the user's scope (`page_node`)."""
    if not user.has_perm_to(Perm.SCHOOL_CALENDAR):
        return SchoolCalendar(school=school, term=term, changes=[], school_days=0)
    rows = CalendarChange.objects.restrict(user).filter(school=school)
    if term is not None:
        rows = rows.filter(Q(day__gte=term.starts_on) & Q(day__lte=term.ends_on))
    days = len(school_days(school, term.starts_on, term.ends_on)) if term is not None else 0
    return SchoolCalendar(
        school=school,
        term=term,
        changes=list(rows.select_related("created_by").order_by("day")),
        school_days=days,
    )


def calendar_change_get_for(user, change_id: int) -> CalendarChange:
    from django.http import Http404

    change = (
        CalendarChange.objects.restrict(user).filter(pk=change_id).select_related("school").first()
    )
    if change is None:
        raise Http404
    return change


def school_days_in_term(day: datetime.date) -> bool:
    """Whether the day falls within a term."""
    return bool(_term_spans(day, day))
