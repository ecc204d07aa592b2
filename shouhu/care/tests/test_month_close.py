"""The monthly close (月度关账): the day after a month's late-entry window, each owed monthly
quota's result is recorded with its proxy parent; the record equals the figures read for the
month, a second run adds nothing, and the month takes no more entries (one rule with the
worklist's late entry: rules.late_entry_open)."""

import datetime
from collections import Counter

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from shouhu.care.closing import close_day, month_close, month_to_close
from shouhu.care.compliance import compliance_for
from shouhu.care.jobs_close import month_close_duty
from shouhu.care.models import ActionKind, CareAction, MonthClose, QuotaResult
from shouhu.care.rules import late_entry_open, month_from_key
from shouhu.care.services import care_action_record, exemption_grant
from shouhu.care.tests.conftest import TERM_START, at, year
from shouhu.jobs.registry import duty_get
from shouhu.jobs.schedule import Monthly
from shouhu.testing.dates import day, iso, month_key
from shouhu.testing.factories import PairingFactory, TeacherFactory, register_child

OCTOBER = month_from_key(month_key("2026-10"))
NOVEMBER = month_from_key(month_key("2026-11"))
# October's late entry ended on 7 November (SHOUHU_LATE_ENTRY_DAYS = 7): closed on the 8th.
OCTOBER_CLOSE = day(2026, 11, 8)


def record(user, child, on: str, kind=ActionKind.HOME_VISIT) -> None:
    """An action recorded on the day it happened (as written for 2026, moved like the world)."""
    with at(on):
        care_action_record(
            actor=user,
            kind=kind,
            done_on=datetime.date.fromisoformat(iso(on)),
            children=[child],
        )


def results(month=OCTOBER) -> set[tuple[str, str, str, str]]:
    return {
        (r.child.name, str(r.carer), r.kind, r.status)
        for r in QuotaResult.objects.filter(close__month=month.key).select_related("child", "carer")
    }


@pytest.fixture
def october_work(world, head_teacher, other_head_teacher, teacher, paired):
    """School A: child_a (teacher's) visited in October; 陈晓雨 (a colleague's) exempt from
    visits in October; 王小军 paired only from 15 October (owes nothing in October).
    School B: child_b (its head teacher's) called but not visited."""
    colleague = TeacherFactory(scope_school=world.school_a, display_name="黄老师")
    exempt = register_child(head_teacher, world.class_a, name="陈晓雨")
    PairingFactory(child=exempt, carer=colleague, starts_on=TERM_START)
    late = register_child(head_teacher, world.class_a, name="王小军")
    PairingFactory(child=late, carer=teacher, starts_on=day(2026, 10, 15))
    PairingFactory(child=world.child_b, carer=other_head_teacher, starts_on=TERM_START)
    record(teacher, world.child_a, "2026-10-12")
    record(other_head_teacher, world.child_b, "2026-10-20", ActionKind.PARENT_CALL)
    exemption_grant(
        actor=head_teacher,
        child=exempt,
        kind=ActionKind.HOME_VISIT,
        starts_on=day(2026, 10, 1),
        ends_on=day(2026, 10, 31),
        reason="住院治疗",
    )


def test_the_close_records_each_owed_quota_with_the_proxy_parent_who_owed_it(world, october_work):
    outcome = month_close(month=OCTOBER, today=OCTOBER_CLOSE)
    assert outcome.summary() == f"{OCTOBER.key} 已关账：完成 2 项、未完成 3 项、免除 1 项"
    assert results() == {
        ("李家成", "刘老师", "home_visit", "done"),
        ("李家成", "刘老师", "parent_call", "overdue"),
        ("陈晓雨", "黄老师", "home_visit", "exempt"),
        ("陈晓雨", "黄老师", "parent_call", "overdue"),
        ("曾小雨", "陈老师", "home_visit", "overdue"),
        ("曾小雨", "陈老师", "parent_call", "done"),
    }
    assert MonthClose.objects.get(month=OCTOBER.key).results == 6


def test_the_closed_record_equals_the_figures_read_for_the_month(
    world, october_work, region_officer, school_leader
):
    month_close(month=OCTOBER, today=OCTOBER_CLOSE)
    county = compliance_for(region_officer, node=world.county, month=OCTOBER)
    rows = QuotaResult.objects.filter(close__month=OCTOBER.key)
    for column, cell in zip(county.columns, county.total, strict=True):
        if column.period != OCTOBER:
            continue  # the term's letter runs on: it is not the month's to close
        counted = Counter(rows.filter(kind=column.kind).values_list("status", flat=True))
        assert (cell.owed, cell.done, cell.exempt) == (
            counted["done"] + counted["overdue"],
            counted["done"],
            counted["exempt"],
        )
    # And per responsible teacher, as the school's page reads them.
    school = compliance_for(school_leader, node=world.school_a, month=OCTOBER)
    monthly = [i for i, c in enumerate(school.columns) if c.period == OCTOBER]
    by_teacher = {
        row.name: [(row.cells[i].owed, row.cells[i].done) for i in monthly]
        for row in school.teachers
    }
    closed: dict[str, list[tuple[int, int]]] = {}
    for name in by_teacher:
        of_teacher = rows.filter(carer__display_name=name)
        closed[name] = [
            (
                of_teacher.filter(kind=school.columns[i].kind).exclude(status="exempt").count(),
                of_teacher.filter(kind=school.columns[i].kind, status="done").count(),
            )
            for i in monthly
        ]
    assert by_teacher == closed
    assert set(by_teacher) == {"刘老师", "黄老师"}


def test_a_second_close_of_the_month_adds_nothing(world, october_work):
    month_close(month=OCTOBER, today=OCTOBER_CLOSE)
    again = month_close(month=OCTOBER, today=OCTOBER_CLOSE + datetime.timedelta(days=1))
    assert again.summary() == f"{OCTOBER.key} 无新关账"
    assert QuotaResult.objects.count() == 6
    assert MonthClose.objects.count() == 1


def test_the_close_waits_while_the_late_entry_is_open(world, teacher, paired):
    last_entry_day = day(2026, 12, 7)
    with at("2026-12-07"):
        assert not month_close(month=NOVEMBER, today=last_entry_day).created
    with at("2026-12-08"):
        assert month_close(month=NOVEMBER, today=last_entry_day + datetime.timedelta(1)).created
    assert results(NOVEMBER) == {
        ("李家成", "刘老师", "home_visit", "overdue"),
        ("李家成", "刘老师", "parent_call", "overdue"),
    }


def test_the_duty_runs_the_first_day_last_months_late_entry_is_shut(world, october_work):
    duty = duty_get("care.month_close")
    assert duty is not None and str(duty.label) == "月度关账（关爱要求和补录截止）"
    assert duty.schedule == Monthly(day=settings.SHOUHU_LATE_ENTRY_DAYS + 1, hour=1)
    assert close_day() == OCTOBER_CLOSE.day
    # One rule: the close's day is the first on which a late entry into last month is refused.
    eve = OCTOBER_CLOSE - datetime.timedelta(days=1)
    days = settings.SHOUHU_LATE_ENTRY_DAYS
    assert late_entry_open(OCTOBER, today=eve, days=days)
    assert not late_entry_open(OCTOBER, today=OCTOBER_CLOSE, days=days)
    assert month_to_close(OCTOBER_CLOSE) == OCTOBER
    assert month_close_duty(OCTOBER_CLOSE).startswith(f"{OCTOBER.key} 已关账")
    assert month_close_duty(OCTOBER_CLOSE) == f"{OCTOBER.key} 无新关账"


def test_after_the_close_an_entry_into_the_closed_month_is_refused_in_chinese(
    world, teacher, paired
):
    with pytest.raises(ValidationError) as refused:
        care_action_record(
            actor=teacher,
            kind=ActionKind.HOME_VISIT,
            done_on=day(2026, 10, 31),
            children=[world.child_a],
        )
    assert refused.value.message_dict == {
        "done_on": [
            f"{year(2026)}年10月已关账：补录已于{iso('2026-11-07')}截止，不能再记录该月的关爱活动。"
        ]
    }
    assert not CareAction.objects.exists()


def test_before_the_close_an_entry_into_last_month_is_taken(world, teacher, paired):
    with at("2026-11-07"):
        care_action_record(
            actor=teacher,
            kind=ActionKind.HOME_VISIT,
            done_on=day(2026, 10, 31),
            children=[world.child_a],
        )
    assert CareAction.objects.get().done_on == day(2026, 10, 31)
