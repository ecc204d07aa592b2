"""The rules that put a child in the suspected-dropout ledger (疑似辍学), run each morning by the
duty `schooling.dropout_rules` (jobs_dropout.py). Each threshold is a setting.

1. N consecutive roll-call days of the child's class (SHOUHU_DROPOUT_ABSENT_DAYS) with an
   unexplained absence (旷课 or 未知) each day. A streak already entered (even if cleared since)
   is not entered again; a new streak is.
2. Absent at every roll call of the first week of term (SHOUHU_DROPOUT_FIRST_WEEK_DAYS roll-call
   days of the class from the term's start), once per term.
3. Left the register without transfer papers: a child who left this term for a reason that is
   not an end of compulsory schooling (moved away, other). A move inside the county is a
   `ChildTransfer` and leaves the child on the register, so it never counts.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db.models import Count
from django.utils.translation import gettext as _

from shouhu.org.selectors import term_current
from shouhu.registry.models import Child, LeaveReason
from shouhu.schooling.models.attendance import Absence, AbsenceReason, RollCall
from shouhu.schooling.models.dropout import SuspectedDropout, SuspectRule
from shouhu.schooling.services.dropout import suspect_enter

UNEXPLAINED = (AbsenceReason.TRUANT, AbsenceReason.UNKNOWN)
# Leaving for these reasons needs the receiving school's papers (a move out of the county).
NEEDS_PAPERS = (LeaveReason.MOVED_AWAY, LeaveReason.OTHER)
LOOKBACK_DAYS = 60  # how far back a class's last N roll calls are looked for


def _last_roll_calls(day: datetime.date, n: int) -> dict[int, list[tuple[int, datetime.date]]]:
    """Per class, its last n roll calls up to the day (id, day), latest first."""
    rows = (
        RollCall.objects.filter(day__lte=day, day__gt=day - datetime.timedelta(days=LOOKBACK_DAYS))
        .order_by("school_class_id", "-day")
        .values_list("school_class_id", "pk", "day")
    )
    found: dict[int, list[tuple[int, datetime.date]]] = defaultdict(list)
    for class_id, pk, when in rows:
        if len(found[class_id]) < n:
            found[class_id].append((pk, when))
    return {k: v for k, v in found.items() if len(v) == n}


def _children(ids) -> dict[int, Child]:
    return {
        c.pk: c
        for c in Child.objects.on_register().filter(pk__in=ids).select_related("school_class")
    }


def _absent_streaks(day: datetime.date) -> int:
    n = settings.SHOUHU_DROPOUT_ABSENT_DAYS
    calls = _last_roll_calls(day, n)
    roll_ids = [pk for rows in calls.values() for pk, _when in rows]
    streak_start = {pk: rows[-1][1] for rows in calls.values() for pk, _when in rows}
    # Dated within the roll calls' span: PostgreSQL reads only those months' partitions.
    span = {"day__gt": day - datetime.timedelta(days=LOOKBACK_DAYS), "day__lte": day}
    hits = (
        Absence.objects.filter(roll_call_id__in=roll_ids, reason__in=UNEXPLAINED, **span)
        .values("child_id")
        .annotate(n=Count("roll_call_id", distinct=True))
        .filter(n=n)
    )
    child_ids = [h["child_id"] for h in hits]
    if not child_ids:
        return 0
    first_roll = dict(
        Absence.objects.filter(roll_call_id__in=roll_ids, child_id__in=child_ids, **span)
        .order_by("child_id", "day")
        .values_list("child_id", "roll_call_id")
    )
    entered = 0
    for child in _children(child_ids).values():
        start = streak_start[first_roll[child.pk]]
        if SuspectedDropout.objects.filter(
            child=child, rule=SuspectRule.ABSENT_DAYS, found_on__gte=start
        ).exists():
            continue
        detail = _("自%(start)s起连续%(n)d个上课日无故缺勤") % {"start": start.isoformat(), "n": n}
        if suspect_enter(child=child, rule=SuspectRule.ABSENT_DAYS, found_on=day, detail=detail):
            entered += 1
    return entered


def _first_week(day: datetime.date) -> int:
    term = term_current(day)
    if term is None or not term.contains(day):
        return 0
    n = settings.SHOUHU_DROPOUT_FIRST_WEEK_DAYS
    rows = (
        RollCall.objects.filter(day__gte=term.starts_on, day__lte=day)
        .order_by("school_class_id", "day")
        .values_list("school_class_id", "pk")
    )
    first: dict[int, list[int]] = defaultdict(list)
    for class_id, pk in rows:
        if len(first[class_id]) < n:
            first[class_id].append(pk)
    roll_ids = [pk for ids in first.values() if len(ids) == n for pk in ids]
    hits = (
        Absence.objects.filter(
            roll_call_id__in=roll_ids, day__gte=term.starts_on, day__lte=day
        )  # the roll calls' span: PostgreSQL reads only those months
        .values("child_id")
        .annotate(n=Count("roll_call_id", distinct=True))
        .filter(n=n)
    )
    entered = 0
    for child in _children([h["child_id"] for h in hits]).values():
        if SuspectedDropout.objects.filter(
            child=child, rule=SuspectRule.FIRST_WEEK, found_on__gte=term.starts_on
        ).exists():
            continue
        detail = _("开学后前%(n)d个上课日均未到校") % {"n": n}
        if suspect_enter(child=child, rule=SuspectRule.FIRST_WEEK, found_on=day, detail=detail):
            entered += 1
    return entered


def _left_without_papers(day: datetime.date) -> int:
    term = term_current(day)
    since = term.starts_on if term is not None else day - datetime.timedelta(days=LOOKBACK_DAYS)
    left = Child.objects.filter(
        left_on__gte=since, left_on__lte=day, left_reason__in=NEEDS_PAPERS
    ).select_related("school_class")
    entered = 0
    for child in left:
        if SuspectedDropout.objects.filter(child=child, rule=SuspectRule.LEFT_NO_PAPERS).exists():
            continue
        detail = _("%(day)s离开名册（%(reason)s），无转学手续") % {
            "day": child.left_on.isoformat(),
            "reason": child.get_left_reason_display(),
        }
        if suspect_enter(child=child, rule=SuspectRule.LEFT_NO_PAPERS, found_on=day, detail=detail):
            entered += 1
    return entered


def suspects_detect(day: datetime.date) -> dict[str, int]:
    """Run the three rules for the day; how many entries each made. Running twice adds none."""
    return {
        SuspectRule.ABSENT_DAYS: _absent_streaks(day),
        SuspectRule.FIRST_WEEK: _first_week(day),
        SuspectRule.LEFT_NO_PAPERS: _left_without_papers(day),
    }
