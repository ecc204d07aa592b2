"""Quota statuses through time: month ends, term ends, pairings that start mid-month,
exemptions, children who leave, and schools that tighten the quota. Each case is read twice,
per child (the child's page) and summed (compliance), and the two must agree."""

import datetime

import pytest
from django.db.models import F
from django.utils import timezone

from shouhu.care.compliance import compliance_for
from shouhu.care.compliance.columns import Column, columns_around
from shouhu.care.compliance.counting import Cell, statuses_by_child, sum_by
from shouhu.care.compliance.quotas import effective_quotas, terms_dates
from shouhu.care.models import ActionKind, QuotaPeriod
from shouhu.care.rules import QuotaStatus
from shouhu.care.selectors import child_care_for
from shouhu.care.services import care_action_record, exemption_grant, pairing_assign
from shouhu.care.tests.conftest import at, year
from shouhu.registry.models import Child
from shouhu.testing.dates import day, iso, month_key, term_code
from shouhu.testing.factories import PairingFactory, QuotaFactory, TeacherFactory, register_child

DONE, DUE, OVERDUE, EXEMPT = (
    QuotaStatus.DONE,
    QuotaStatus.DUE,
    QuotaStatus.OVERDUE,
    QuotaStatus.EXEMPT,
)


def statuses(user, child) -> dict[tuple[str, str], str]:
    """(kind, period key) → status of the quotas owed, this period and the last.

    Read the way the child's page reads them (the pure rules over a few rows), and checked
    against the way compliance counts them (one SQL query): the two must agree."""
    care = child_care_for(user, child=Child.objects.get(pk=child.pk))
    found = {(s.column.kind, s.column.period.key): s.status for s in care.statuses}
    # The file's 关爱 section reads the action dates with its latest actions: the same statuses.
    section = child_care_for(user, child=Child.objects.get(pk=child.pk), actions_limit=1)
    assert [(s.column, s.done, s.status) for s in section.statuses] == [
        (s.column, s.done, s.status) for s in care.statuses
    ]
    today = timezone.localdate()
    running, ended = columns_around(
        effective_quotas([child.school_class.school_id]), day=today, terms=terms_dates()
    )
    columns = running + [
        Column(len(running) + c.index, c.kind, c.period, c.minimum_by_school) for c in ended
    ]
    # A child who left before every period is owed nothing, and not read.
    of_child = statuses_by_child(Child.objects.filter(pk=child.pk), columns, today=today).get(
        child.pk, []
    )
    in_sql = {
        (s.column.kind, s.column.period.key): s.status for s in of_child if s.status is not None
    }
    assert in_sql == found
    # And the sums compliance counts (one GROUP BY, here per child) are the statuses counted.
    sums = sum_by(Child.objects.filter(pk=child.pk), columns, unit=F("id")).get(
        child.pk, [Cell() for _ in columns]
    )
    counted = [
        (
            int(s.status not in (None, EXEMPT)),
            int(s.status == DONE),
            int(s.status == EXEMPT),
        )
        for s in of_child
    ] or [(0, 0, 0)] * len(columns)
    assert [(c.owed, c.done, c.exempt) for c in sums] == counted
    return found


def visit(user, child, on: str, kind=ActionKind.HOME_VISIT) -> None:
    """Record an action on the day as written for 2026 ("2026-11-29"), moved like the world,
    on that day (a month whose late entry has shut is closed: 月度关账)."""
    done_on = datetime.date.fromisoformat(iso(on))
    with at(on):
        care_action_record(actor=user, kind=kind, done_on=done_on, children=[child])


def test_late_november_this_month_is_due_and_october_overdue(world, teacher, paired):
    assert statuses(teacher, world.child_a) == {
        ("home_visit", month_key("2026-11")): DUE,
        ("parent_call", month_key("2026-11")): DUE,
        ("parent_letter", term_code("2026-2027-1")): DUE,
        ("home_visit", month_key("2026-10")): OVERDUE,
        ("parent_call", month_key("2026-10")): OVERDUE,
        # The spring term ended before the pairing began: nothing was owed then.
    }


def test_a_home_visit_turns_this_months_quota_to_done(world, teacher, paired):
    visit(teacher, world.child_a, "2026-11-29")
    visit(teacher, world.child_a, "2026-10-31", ActionKind.PARENT_CALL)
    found = statuses(teacher, world.child_a)
    assert found[("home_visit", month_key("2026-11"))] == DONE
    assert found[("parent_call", month_key("2026-10"))] == DONE
    assert found[("home_visit", month_key("2026-10"))] == OVERDUE


@pytest.mark.parametrize(
    "on, expected",
    [
        (
            "2026-11-30",
            {
                ("home_visit", month_key("2026-11")): DUE,
                ("home_visit", month_key("2026-10")): OVERDUE,
            },
        ),
        (
            "2026-12-01",
            {
                ("home_visit", month_key("2026-12")): DUE,
                ("home_visit", month_key("2026-11")): OVERDUE,
            },
        ),
    ],
)
def test_crossing_a_month_end_the_due_month_becomes_overdue(world, teacher, paired, on, expected):
    with at(on):
        found = statuses(teacher, world.child_a)
    assert {k: v for k, v in found.items() if k[0] == "home_visit"} == expected


def test_a_visit_on_the_last_day_of_the_month_counts_for_that_month(world, teacher, paired):
    with at("2026-11-30"):
        visit(teacher, world.child_a, "2026-11-30")
    with at("2026-12-01"):
        found = statuses(teacher, world.child_a)
    assert found[("home_visit", month_key("2026-11"))] == DONE
    assert found[("home_visit", month_key("2026-12"))] == DUE


def test_a_pairing_that_starts_mid_month_owes_from_the_next_month(world, head_teacher, teacher):
    with at("2026-11-15"):
        pairing_assign(actor=head_teacher, child=world.child_a, carer=teacher)
        assert statuses(teacher, world.child_a) == {}
    with at("2026-12-01"):
        assert statuses(teacher, world.child_a) == {
            ("home_visit", month_key("2026-12")): DUE,
            ("parent_call", month_key("2026-12")): DUE,
            # November was not held from its first day, nor the autumn term.
        }


def test_a_reassignment_mid_month_keeps_the_month_owed(world, head_teacher, paired):
    newcomer = TeacherFactory(scope_school=world.school_a)
    with at("2026-11-15"):
        pairing_assign(actor=head_teacher, child=world.child_a, carer=newcomer)
    found = statuses(newcomer, world.child_a)
    assert found[("home_visit", month_key("2026-11"))] == DUE
    assert found[("parent_letter", term_code("2026-2027-1"))] == DUE


def test_crossing_the_term_end_the_letter_becomes_overdue(world, teacher, paired):
    with at("2027-01-20"):
        assert statuses(teacher, world.child_a)[("parent_letter", term_code("2026-2027-1"))] == DUE
    with at("2027-01-21"):
        found = statuses(teacher, world.child_a)
    assert found[("parent_letter", term_code("2026-2027-1"))] == OVERDUE
    assert (
        found[("home_visit", month_key("2027-01"))] == DUE
    )  # January touches the term: still owed


def test_in_the_winter_holiday_no_month_is_running(world, teacher, paired):
    visit(teacher, world.child_a, "2026-11-02", ActionKind.PARENT_LETTER)
    with at("2027-02-10"):
        found = statuses(teacher, world.child_a)
    assert found == {
        ("home_visit", month_key("2027-01")): OVERDUE,
        ("parent_call", month_key("2027-01")): OVERDUE,
        ("parent_letter", term_code("2026-2027-1")): DONE,
    }


def test_an_exemption_excuses_the_months_it_touches(world, head_teacher, teacher, paired):
    exemption_grant(
        actor=head_teacher,
        child=world.child_a,
        kind=ActionKind.HOME_VISIT,
        starts_on=day(2026, 10, 20),
        ends_on=day(2026, 11, 3),
        reason="住院治疗",
    )
    found = statuses(teacher, world.child_a)
    assert found[("home_visit", month_key("2026-10"))] == EXEMPT
    assert found[("home_visit", month_key("2026-11"))] == EXEMPT
    assert found[("parent_call", month_key("2026-11"))] == DUE


def test_an_exemption_of_every_quota_covers_the_letter_too(world, head_teacher, teacher, paired):
    exemption_grant(
        actor=head_teacher,
        child=world.child_a,
        kind="",
        starts_on=day(2026, 11, 1),
        ends_on=day(2026, 11, 30),
        reason="随父母外出",
    )
    assert set(statuses(teacher, world.child_a).values()) == {EXEMPT, OVERDUE}


def test_a_child_who_left_owes_nothing_for_the_month_they_left(world, teacher, paired):
    Child.objects.filter(pk=world.child_a.pk).update(left_on=day(2026, 11, 20))
    assert statuses(teacher, world.child_a) == {
        ("home_visit", month_key("2026-10")): OVERDUE,
        ("parent_call", month_key("2026-10")): OVERDUE,
    }


def test_a_tightened_school_quota_needs_two_visits(world, teacher, paired):
    QuotaFactory(school=world.school_a, kind=ActionKind.HOME_VISIT, period="month", minimum=2)
    visit(teacher, world.child_a, "2026-11-03")
    care = child_care_for(teacher, child=world.child_a)
    november = next(s for s in care.statuses if s.column.period.key == month_key("2026-11"))
    assert (november.done, november.minimum, november.status) == (1, 2, DUE)
    visit(teacher, world.child_a, "2026-11-20")
    assert statuses(teacher, world.child_a)[("home_visit", month_key("2026-11"))] == DONE


def test_a_quota_added_by_the_county_is_owed_as_well(world, teacher, paired):
    QuotaFactory(region=world.county, kind=ActionKind.TALK, period=QuotaPeriod.MONTH)
    assert statuses(teacher, world.child_a)[("talk", month_key("2026-11"))] == DUE


def test_the_sums_agree_with_the_statuses_of_each_child(
    world, head_teacher, teacher, school_leader, paired
):
    others = [register_child(head_teacher, world.class_a) for _ in range(3)]
    for child in others:
        PairingFactory(child=child, carer=teacher, starts_on=day(2026, 9, 1))
    # child_b is paired too, in school B: not in school A's sums.
    PairingFactory(child=world.child_b, starts_on=day(2026, 9, 1))
    visit(teacher, world.child_a, "2026-11-05")
    visit(teacher, others[0], "2026-11-06")
    exemption_grant(
        actor=head_teacher,
        child=others[1],
        kind=ActionKind.HOME_VISIT,
        starts_on=day(2026, 11, 1),
        ends_on=day(2026, 11, 30),
        reason="住院",
    )
    result = compliance_for(school_leader, node=world.school_a, month=month_key("2026-11"))
    by_label = {c.label: cell for c, cell in zip(result.columns, result.total, strict=True)}
    home = by_label[f"家访（{year(2026)}年11月）"]
    assert (home.owed, home.done, home.exempt, home.percent) == (3, 2, 1, 66.7)
    each = [
        statuses(teacher, c).get(("home_visit", month_key("2026-11")))
        for c in [world.child_a, *others]
    ]
    assert sorted(each) == sorted([DONE, DONE, EXEMPT, DUE])


def test_schools_asking_different_minima_are_summed_each_by_its_own(
    world, teacher, other_head_teacher, paired
):
    """One query over two schools: school A asks two home visits a month, school B the default
    one; a child of each is visited once in November."""
    QuotaFactory(school=world.school_a, kind=ActionKind.HOME_VISIT, period="month", minimum=2)
    PairingFactory(child=world.child_b, carer=other_head_teacher, starts_on=day(2026, 9, 1))
    visit(teacher, world.child_a, "2026-11-05")
    visit(other_head_teacher, world.child_b, "2026-11-06")
    schools = [world.school_a.pk, world.school_b.pk]
    running, _ended = columns_around(
        effective_quotas(schools), day=timezone.localdate(), terms=terms_dates()
    )
    home = next(c for c in running if c.kind == ActionKind.HOME_VISIT)
    assert home.minimum_by_school == {world.school_a.pk: 2, world.school_b.pk: 1}
    sums = sum_by(
        Child.objects.filter(pk__in=[world.child_a.pk, world.child_b.pk]),
        running,
        unit=F("school_class__school_id"),
    )
    owed_done = {
        school: (cells[home.index].owed, cells[home.index].done) for school, cells in sums.items()
    }
    assert owed_done == {world.school_a.pk: (1, 0), world.school_b.pk: (1, 1)}
    by_child = statuses_by_child(
        Child.objects.filter(pk__in=[world.child_a.pk, world.child_b.pk]),
        running,
        today=timezone.localdate(),
    )
    minima = {pk: rows[home.index].minimum for pk, rows in by_child.items()}
    assert minima == {world.child_a.pk: 2, world.child_b.pk: 1}
