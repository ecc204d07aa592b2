"""The demo county's care work as of the pinned day, 2026-11-29 (`shouhu seed-demo --children
200`; moved by SHOUHU_TEST_TODAY): proxy parents for every left-behind child, the 三个一 quotas
done with gaps, signals and tasks, group work, and the demo accounts' story (teacher's overdue
child and tasks, escalations)."""

import datetime
from collections import Counter, defaultdict

from django.conf import settings

from shouhu.accounts.models import User
from shouhu.care.compliance import compliance_for
from shouhu.care.models import (
    ActionKind,
    Buddy,
    CareAction,
    CareActionChild,
    Exemption,
    Observation,
    Pairing,
    PairingKind,
    SignalKind,
    VisitTask,
)
from shouhu.care.rules import Escalation
from shouhu.care.selectors import care_actions_for, worklist_for
from shouhu.care.services import care_action_record
from shouhu.core.roles import Role
from shouhu.demo import data
from shouhu.demo.care.calendar import care_window
from shouhu.demo.care.planner import care_plan
from shouhu.demo.plan import county_plan
from shouhu.demo.tests.conftest import CALENDAR, CURRENT, SMALL, TODAY
from shouhu.org.models import Region
from shouhu.registry.models import CensusSnapshot, Child, ChildFlag, Flag
from shouhu.testing.dates import day, month_key, term_code

OCTOBER = (day(2026, 10, 1), day(2026, 10, 31))
PAST_MONTHS = [(day(2026, m, 1), day(2026, m + 1, 1)) for m in (4, 5, 6, 9, 10)]


def user(username: str) -> User:
    return User.objects.get(username=username)


def proxies_on(on: datetime.date):
    return Pairing.objects.current(on).filter(kind=PairingKind.PROXY_PARENT)


def owed_children(first: datetime.date, last: datetime.date) -> set[int]:
    """Children a proxy parent held from the month's first day, on the register at its end,
    and not exempt in it (rules.period_owed)."""
    held = set(proxies_on(first).values_list("child_id", flat=True))
    gone = set(Child.objects.filter(left_on__lte=last).values_list("pk", flat=True))
    exempt = set(
        Exemption.objects.filter(starts_on__lte=last, ends_on__gte=first).values_list(
            "child_id", flat=True
        )
    )
    return held - gone - exempt


def done_children(kind: str, first: datetime.date, last: datetime.date) -> set[int]:
    return set(
        CareActionChild.objects.filter(
            kind=kind, done_on__gte=first, done_on__lte=last
        ).values_list("child_id", flat=True)
    )


def test_every_left_behind_or_unsupervised_child_on_the_register_has_a_proxy_parent(
    small_county,
):
    left_behind = set(
        CensusSnapshot.objects.filter(
            term__code=CURRENT, education=True, child__left_on__isnull=True
        ).values_list("child_id", flat=True)
    )
    unsupervised = set(
        ChildFlag.objects.filter(
            flag=Flag.UNSUPERVISED, until__isnull=True, child__left_on__isnull=True
        ).values_list("child_id", flat=True)
    )
    paired = Counter(proxies_on(TODAY).values_list("child_id", flat=True))

    assert len(left_behind) > SMALL * 0.8
    assert left_behind | unsupervised == set(paired)
    assert set(paired.values()) == {1}


def test_proxy_parents_are_teachers_of_the_school_or_volunteers_with_one_to_three_children(
    small_county,
):
    pairs = proxies_on(TODAY).select_related("carer", "child__school_class")
    load = Counter(p.carer_id for p in pairs)
    roles = Counter(p.carer.role for p in pairs)

    assert set(load.values()) <= {1, 2, 3}
    assert roles[Role.TEACHER] and roles[Role.HEAD_TEACHER] and roles[Role.VOLUNTEER]
    for p in pairs:
        if p.carer.role == Role.HEAD_TEACHER:
            assert p.carer.scope_class_id == p.child.school_class_id
        elif p.carer.role != Role.VOLUNTEER:
            assert p.carer.scope_school_id == p.child.school_class.school_id


def test_last_springs_pairings_are_kept_ended_or_running_on(small_county):
    spring = CALENDAR.previous[3]
    ended = Pairing.objects.filter(ends_on__isnull=False)

    assert ended.filter(ends_on=CALENDAR.year_start - datetime.timedelta(days=1)).exists()
    assert ended.filter(child__left_on__isnull=False).exists()
    assert Pairing.objects.filter(starts_on__lt=CALENDAR.year_start, ends_on=None).exists()
    assert not Pairing.objects.filter(starts_on__lt=spring).exists()


def test_teacher_cares_for_three_children_of_heads_class_and_one_missed_last_months_visit(
    small_county,
):
    teacher = user("teacher")
    children = Child.objects.filter(pairings__carer=teacher)

    worklist = worklist_for(teacher, today=TODAY)

    assert children.count() == 3
    assert {c.school_class for c in children} == {user("head").scope_class}
    missed = {c.pk for c in children} & owed_children(*OCTOBER)
    missed -= done_children(ActionKind.HOME_VISIT, OCTOBER[0], TODAY)
    assert len(missed) == 1
    # October's late entry ended on 7 November: the visit is a miss in the figures, not a to-do.
    assert [item for item in worklist.overdue if item.task is None] == []
    assert any(
        item.child.pk in missed and item.kind == ActionKind.HOME_VISIT and item.task is None
        for item in worklist.this_week
    )


def test_teacher_has_an_open_task_and_one_overdue_long_enough_to_reach_head(small_county):
    teacher = user("teacher")
    open_tasks = VisitTask.objects.filter(assignee=teacher, done_on__isnull=True)

    head_list = worklist_for(user("head"), today=TODAY)

    assert open_tasks.filter(due_on__gte=TODAY).exists()
    late = open_tasks.get(due_on__lt=TODAY)
    lateness = (TODAY - late.due_on).days
    assert settings.SHOUHU_ESCALATE_HEAD_DAYS <= lateness < settings.SHOUHU_ESCALATE_LEADER_DAYS
    assert [item.task for item in head_list.escalations] == [late]
    assert head_list.escalations[0].escalation == Escalation.HEAD_TEACHER


def test_leader_sees_a_task_overdue_by_more_than_five_days(small_county):
    leader = user("leader")

    escalations = worklist_for(leader, today=TODAY).escalations

    assert escalations
    assert all(item.escalation == Escalation.SCHOOL_LEADER for item in escalations)
    assert all(item.task.child.school_class.school == leader.scope_school for item in escalations)


def test_volunteer_sees_the_two_children_paired_with_them(small_county):
    worklist = worklist_for(user("volunteer"), today=TODAY)

    assert Child.objects.restrict(user("volunteer")).count() == 2
    assert {item.child for item in worklist.overdue + worklist.this_week} <= set(
        Child.objects.restrict(user("volunteer"))
    )


def test_past_months_quotas_are_done_at_75_to_90_percent(small_county):
    for first, following in PAST_MONTHS:
        last = following - datetime.timedelta(days=1)
        owed = owed_children(first, last)
        visited = owed & done_children(ActionKind.HOME_VISIT, first, last)
        called = owed & done_children(ActionKind.PARENT_CALL, first, last)
        assert len(owed) > SMALL * 0.5
        assert 0.72 <= len(visited) / len(owed) <= 0.92, first
        assert 0.75 <= len(called) / len(owed) <= 0.95, first


def test_some_proxy_parents_do_much_worse_than_the_others(small_county):
    owed: Counter[int] = Counter()
    done: Counter[int] = Counter()
    for first, following in PAST_MONTHS:
        last = following - datetime.timedelta(days=1)
        visited = done_children(ActionKind.HOME_VISIT, first, last)
        for child_id, carer_id in proxies_on(first).values_list("child_id", "carer_id"):
            if child_id in owed_children(first, last):
                owed[carer_id] += 1
                done[carer_id] += child_id in visited
    shares = sorted(done[c] / owed[c] for c in owed if owed[c] >= 4)

    assert shares[0] < 0.6
    assert shares[len(shares) // 2] >= 0.8


def test_the_county_compliance_view_is_not_empty(small_county):
    county = user("county")
    node = Region.objects.get(code=data.COUNTY[0])

    october = compliance_for(county, node=node, month=month_key("2026-10"), today=TODAY)
    november = compliance_for(county, node=node, month=month_key("2026-11"), today=TODAY)

    cells = dict(zip([c.kind for c in october.columns], october.total, strict=True))
    assert 72 <= cells[ActionKind.HOME_VISIT].percent <= 92
    assert cells[ActionKind.PARENT_LETTER].percent >= 80
    assert october.units and all(any(c.owed for c in row.cells) for row in october.units)
    this_month = dict(zip([c.kind for c in november.columns], november.total, strict=True))
    assert this_month[ActionKind.HOME_VISIT].percent < cells[ActionKind.HOME_VISIT].percent


def test_most_tasks_are_closed_by_a_linked_home_visit_to_their_child(small_county):
    # The five signals' tasks; an unexplained absence's same-day visit is attendance's (issue 14).
    tasks = VisitTask.objects.select_related("observation", "done_by").exclude(
        observation__kind=SignalKind.ABSENT
    )
    closed = [t for t in tasks if t.done_on is not None]

    assert Observation.objects.exclude(kind=SignalKind.ABSENT).count() == tasks.count() > 5
    assert len(closed) >= 0.8 * tasks.count()
    for task in closed:
        assert task.done_by.kind == ActionKind.HOME_VISIT
        assert task.done_by.done_on == task.done_on >= task.observation.noted_on
        assert task.done_by.children.filter(pk=task.child_id).exists()
    for task in tasks:
        assert task.due_on == task.observation.noted_on + datetime.timedelta(
            days=settings.SHOUHU_TASK_DUE_DAYS
        )


def test_group_work_gathers_many_children(small_county):
    """A symposium or a letter gathers a class (a few children each in this small county), a
    training or a health check the school."""
    for kind, least in (
        (ActionKind.SYMPOSIUM, 3),
        (ActionKind.PARENT_LETTER, 3),
        (ActionKind.GUARDIAN_TRAINING, 5),
        (ActionKind.HEALTH_CHECK, 10),
    ):
        sizes = [a.children.count() for a in CareAction.objects.filter(kind=kind)]
        assert sizes and max(sizes) >= least, kind


def test_counselling_is_the_counsellors_and_its_summaries_are_hidden_from_others(small_county):
    sessions = CareAction.objects.filter(kind=ActionKind.COUNSELLING)
    child = sessions.first().children.first()
    head_teacher = child.school_class.head_teacher

    entries = care_actions_for(head_teacher, child=child)
    own = care_actions_for(user("counsellor"), child=child)

    assert {a.author.role for a in sessions} == {Role.COUNSELLOR}
    assert [e.summary for e in entries if e.kind == ActionKind.COUNSELLING] == [None] * len(
        [e for e in entries if e.kind == ActionKind.COUNSELLING]
    )
    assert all(e.summary for e in own if e.kind == ActionKind.COUNSELLING)


def test_every_link_copies_its_actions_kind_and_date_and_nothing_is_after_today(small_county):
    links = CareActionChild.objects.select_related("action")

    assert all(k.kind == k.action.kind and k.done_on == k.action.done_on for k in links)
    assert not CareAction.objects.filter(done_on__gt=TODAY).exists()
    assert CareAction.objects.filter(done_on__lt=day(2026, 4, 1)).exists()
    assert CareAction.objects.exclude(summary="").count() == CareAction.objects.count()


def test_buddies_are_not_left_behind_classmates(small_county):
    buddies = Buddy.objects.select_related("child")
    left_behind = defaultdict(set)
    for class_id, name in CensusSnapshot.objects.filter(
        term__code=CURRENT, education=True
    ).values_list("school_class_id", "child__name"):
        left_behind[class_id].add(name)

    assert buddies.count() > 10
    for buddy in buddies:
        assert buddy.name not in left_behind[buddy.child.school_class_id]


def test_a_child_in_hospital_is_exempt_not_overdue(small_county):
    exemption = Exemption.objects.select_related("child", "granted_by").first()
    first = exemption.starts_on.replace(day=1)

    result = compliance_for(
        user("county"),
        node=Region.objects.get(code=data.COUNTY[0]),
        month=f"{first:%Y-%m}",
        today=TODAY,
    )

    assert exemption.granted_by.role == Role.HEAD_TEACHER
    assert exemption.reason in data.EXEMPTION_REASONS
    assert all(cell.exempt >= 1 for cell in result.total[:2])
    assert exemption.child_id not in done_children(
        ActionKind.PARENT_CALL, exemption.starts_on, exemption.ends_on
    )


def test_the_care_plan_is_the_same_for_the_same_seed():
    plan = county_plan(children=120)

    first = care_plan(plan)
    again = care_plan(county_plan(children=120))
    other = care_plan(plan, seed=7)

    assert first.actions == again.actions
    assert first.pairings == again.pairings
    assert first.signals == again.signals
    assert first.actions != other.actions


def test_the_care_window_keeps_to_the_terms():
    demo = care_window(calendar=CALENDAR, months=CALENDAR.care_months)
    year = care_window(calendar=CALENDAR, months=12)

    assert [t[0] for t in demo.terms] == [term_code("2025-2026-2"), term_code("2026-2027-1")]
    assert demo.start == day(2026, 3, 1)
    assert [t[0] for t in year.terms] == [
        term_code("2025-2026-1"),
        term_code("2025-2026-2"),
        term_code("2026-2027-1"),
    ]
    assert year.start == day(2025, 12, 1)
    holidays = [m.key for m in year.months if m.school_from is None]
    assert holidays == [month_key("2026-02"), month_key("2026-08")]
    july = year.month_of(day(2026, 7, 5))
    assert july.school_from == day(2026, 7, 1)
    assert july.school_to == day(2026, 7, 10)


def test_a_home_visit_recorded_after_the_seed_closes_the_teachers_task(small_county):
    """The rows written in bulk take the services' writes that follow (ids, constraints)."""
    teacher = user("teacher")
    task = VisitTask.objects.filter(assignee=teacher, done_on__isnull=True).first()
    last_id = CareAction.objects.order_by("-pk").first().pk

    action = care_action_record(
        actor=teacher,
        kind=ActionKind.HOME_VISIT,
        done_on=TODAY,
        children=[task.child],
        summary="家访了解情况。",
        tasks=[task],
    )

    task.refresh_from_db()
    assert action.pk > last_id
    assert task.done_by == action and task.done_on == TODAY
