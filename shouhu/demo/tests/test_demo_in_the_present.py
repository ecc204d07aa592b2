"""The demo lives in the present: `shouhu seed-demo` on any day builds the county around that
day. The current term (or the last one, in the holidays) holds the census, the care work up to
yesterday, and due and overdue items; nothing is dated in the future."""

import datetime
import io
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from shouhu.accounts.models import User
from shouhu.care.models import CareAction, Observation, Pairing, VisitTask
from shouhu.care.selectors import worklist_for
from shouhu.demo.care.planner import care_plan
from shouhu.demo.plan import county_plan
from shouhu.demo.terms import demo_calendar
from shouhu.demo.tests.conftest import SMALL, seed
from shouhu.org.models import ClassEnrolment, SchoolClass, Term
from shouhu.org.selectors import term_current
from shouhu.registry.models import CensusSnapshot, Child

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("day", "current", "previous", "year_terms", "care_months"),
    [
        # Mid-autumn: this school year's first term, last spring before it.
        ("2026-11-29", "2026-2027-1", "2025-2026-2", ["2026-2027-1"], 9),
        # The autumn term's last day, then the winter holiday: still the autumn term.
        ("2027-01-20", "2026-2027-1", "2025-2026-2", ["2026-2027-1"], 11),
        ("2027-02-05", "2026-2027-1", "2025-2026-2", ["2026-2027-1"], 12),
        # Spring: the school year's two terms; the care work starts with the autumn term.
        ("2027-03-01", "2026-2027-2", "2025-2026-2", ["2026-2027-1", "2026-2027-2"], 7),
        ("2028-04-20", "2027-2028-2", "2026-2027-2", ["2027-2028-1", "2027-2028-2"], 8),
        # The summer holiday: the spring term that ended.
        ("2027-08-15", "2026-2027-2", "2025-2026-2", ["2026-2027-1", "2026-2027-2"], 12),
        # The first day of a school year.
        ("2027-09-01", "2027-2028-1", "2026-2027-2", ["2027-2028-1"], 7),
    ],
)
def test_the_current_term_is_todays_or_the_last_one_in_the_holidays(
    day, current, previous, year_terms, care_months
):
    calendar = demo_calendar(datetime.date.fromisoformat(day))

    assert calendar.current[0] == current
    assert calendar.previous[0] == previous
    assert [t[0] for t in calendar.year_terms] == year_terms
    assert calendar.care_months == care_months
    assert calendar.current[3] <= calendar.today


# Days over three school years: in term, on its first and last days, in both holidays.
PLAN_DAYS = [
    "2026-12-07",
    "2027-01-20",
    "2027-01-21",
    "2027-02-05",
    "2027-03-02",
    "2027-05-31",
    "2027-07-10",
    "2027-08-15",
    "2027-09-05",
    "2027-10-01",
    "2028-01-01",
    "2028-02-29",
    "2028-04-20",
    "2028-08-31",
    "2029-06-15",
    "2029-11-11",
]


@pytest.mark.parametrize("day", PLAN_DAYS)
def test_on_any_day_the_care_plan_ends_yesterday_with_tasks_due_and_overdue(day):
    today = datetime.date.fromisoformat(day)
    calendar = demo_calendar(today)
    plan = county_plan(children=SMALL, calendar=calendar)

    care = care_plan(plan)

    current = calendar.current
    open_tasks = [s for s in care.signals if s.visit is None]
    assert max(a.done_on for a in care.actions) <= calendar.yesterday
    assert any(current[3] <= a.done_on <= current[4] for a in care.actions)
    assert all(s.noted_on <= today for s in care.signals)
    assert all(p.starts_on <= today for p in care.pairings)
    assert all(b.starts_on <= today for b in care.buddies)
    assert max(plan.census_days.values()) <= today
    assert any(s.due_on >= today for s in open_tasks)
    assert any(s.due_on < today for s in open_tasks)


def test_in_the_first_days_of_a_school_year_tasks_are_due_but_none_is_overdue_yet():
    """A signal is not older than the proxy parent's pairing, which began on the first day."""
    today = datetime.date(2027, 9, 3)
    plan = county_plan(children=SMALL, calendar=demo_calendar(today))

    care = care_plan(plan)

    open_tasks = [s for s in care.signals if s.visit is None]
    assert any(s.due_on >= today for s in open_tasks)
    assert not any(s.due_on < today for s in open_tasks)


def census_json() -> dict:
    out = io.StringIO()
    call_command("census", scope="511781", json=True, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize(
    ("day", "current"),
    [
        ("2027-10-20", "2027-2028-1"),  # mid-autumn, a year after the pinned day
        ("2027-02-05", "2026-2027-1"),  # the winter holiday
        ("2027-08-15", "2026-2027-2"),  # the summer holiday
        ("2028-04-20", "2027-2028-2"),  # a spring term, two years after the autumn of 2026
    ],
)
def test_seed_demo_on_any_day_fills_the_current_term_up_to_yesterday(db, day, current):
    today = datetime.date.fromisoformat(day)
    moment = datetime.datetime.combine(today, datetime.time(9, 0), tzinfo=SHANGHAI)
    with time_machine.travel(moment, tick=True):
        output = seed("--children", str(SMALL))
        term = term_current()
        census = census_json()
        teacher_list = worklist_for(User.objects.get(username="teacher"), today=today)
        head_list = worklist_for(User.objects.get(username="head"), today=today)
        leader_list = worklist_for(User.objects.get(username="leader"), today=today)

    yesterday = today - datetime.timedelta(days=1)
    assert term.code == current
    assert f" – {yesterday:%Y-%m-%d}）" in output  # the care work reported, up to yesterday
    assert census["term"] == current and census["left_behind_education"] > SMALL * 0.7
    on_register = set(Child.objects.on_register().values_list("pk", flat=True))
    snapshots = CensusSnapshot.objects.filter(term=term)
    assert set(snapshots.values_list("child_id", flat=True)) == on_register
    assert ClassEnrolment.objects.filter(term=term).count() == SchoolClass.objects.count()
    assert not Term.objects.filter(starts_on__gt=today).exists()
    actions = CareAction.objects.all()
    assert actions.filter(done_on__gte=term.starts_on).exists()
    assert max(actions.values_list("done_on", flat=True)) <= yesterday
    assert not Child.objects.filter(registered_on__gt=today).exists()
    assert not Pairing.objects.filter(starts_on__gt=today).exists()
    assert not Observation.objects.filter(noted_on__gt=today).exists()
    open_tasks = VisitTask.objects.filter(done_on__isnull=True)
    assert open_tasks.filter(due_on__gte=today).exists()
    assert open_tasks.filter(due_on__lt=today).exists()
    assert any(item.task is not None for item in teacher_list.this_week + teacher_list.overdue)
    assert head_list.escalations and leader_list.escalations
