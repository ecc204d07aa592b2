"""The daily duty of the reports' deadlines (控辍保学): the written report (书面报告) of a case
and the school's monthly report (一月一报告). Within 3 days of its deadline a report is on the
school leader's 我的待办 as due and a reminder is queued; past it, overdue and reminded once
more; a submitted report is no news; a second run queues nothing new."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from shouhu.jobs.registry import duty_get
from shouhu.jobs.schedule import Daily
from shouhu.notify.models import Message
from shouhu.schooling.dropout_rules import deadline_state, monthly_report_due_on
from shouhu.schooling.jobs_deadlines import report_deadlines
from shouhu.schooling.services.dropout_reports import monthly_report_submit
from shouhu.schooling.tests.dropout_helpers import case_of
from shouhu.testing import dates
from shouhu.testing.dates import day

TODAY = dates.TODAY


def _bodies(user=None, *, report="written") -> list[str]:
    """The reminders queued about one kind of report ("written", "monthly"), oldest first."""
    messages = Message.objects.filter(
        kind="report_deadline", dedupe_key__startswith=f"report:{report}:"
    ).order_by("pk")
    if user is not None:
        messages = messages.filter(to_user=user)
    return [m.body for m in messages]


def _home(client, user, on: datetime.date) -> str:
    with time_machine.travel(
        datetime.datetime.combine(on, datetime.time(10), tzinfo=dates.SHANGHAI), tick=False
    ):
        client.force_login(user)
        return client.get(reverse("schooling:home-dropout")).content.decode()


def test_the_duty_is_daily_with_a_chinese_label():
    duty = duty_get("schooling.report_deadlines")
    assert duty is not None and str(duty.label) == "控辍保学报告期限提醒"
    assert duty.schedule == Daily(hour=8)


@pytest.mark.parametrize(
    ("days_before", "state"), [(4, ""), (3, "soon"), (0, "soon"), (-1, "overdue")]
)
def test_a_deadline_is_near_three_days_before_and_overdue_after(days_before, state):
    due_on = day(2026, 12, 5)
    assert deadline_state(due_on, today=due_on - datetime.timedelta(days_before)) == state


def test_the_monthly_report_of_a_month_is_due_on_the_set_day_of_the_next():
    due_day = settings.SHOUHU_DROPOUT_MONTHLY_REPORT_DAY
    assert monthly_report_due_on(day(2026, 12, 1), due_day=due_day) == day(2027, 1, due_day)


@pytest.fixture
def case(world, head_teacher):
    return case_of(world.child_a)


def test_the_written_report_is_reminded_three_days_before_and_when_overdue(
    client, case, school_leader
):
    due_on = case.report_due_on
    soon = due_on - datetime.timedelta(days=3)
    report_deadlines(soon - datetime.timedelta(days=1))
    assert _bodies() == []

    assert report_deadlines(soon).startswith("书面报告：3天内到期 1 份、逾期 0 份")
    report_deadlines(soon)  # the same day again: nothing new
    report_deadlines(soon + datetime.timedelta(days=1))
    assert _bodies(school_leader) == [
        f"一名辍学学生的书面报告须于{due_on.isoformat()}前报送，请登录守护系统查看。"
    ]
    assert f"书面报告{due_on.isoformat()}前报送：李家成" in _home(client, school_leader, soon)

    report_deadlines(due_on)
    report_deadlines(due_on + datetime.timedelta(days=1))
    assert _bodies(school_leader)[1:] == [
        f"一名辍学学生的书面报告已到报送期限（{due_on.isoformat()}），请登录守护系统尽快报送。"
    ]
    assert "书面报告应报送：李家成" in _home(client, school_leader, due_on)
    assert "李家成" not in "".join(_bodies())  # an SMS names no child


def test_a_filed_written_report_is_no_news(case, school_leader):
    case.report_filed_on = TODAY
    case.save(update_fields=["report_filed_on"])
    report_deadlines(case.report_due_on)
    assert _bodies() == []


def test_the_monthly_report_is_reminded_until_submitted(client, world, school_leader):
    """December's report is due on the set day of January; school A's leader is reminded 3
    days before and once after; school A's submission ends it."""
    due_day = settings.SHOUHU_DROPOUT_MONTHLY_REPORT_DAY
    due_on = day(2027, 1, due_day)
    soon = due_on - datetime.timedelta(days=3)
    assert report_deadlines(soon).endswith("月报：3天内到期 1 所、逾期未报 0 所")
    report_deadlines(soon)
    assert _bodies(school_leader, report="monthly") == [
        f"{day(2026, 1, 1).year}年12月控辍保学月报（一月一报告）须于{due_on.isoformat()}前报送。"
    ]
    home = _home(client, school_leader, soon)
    assert "上月控辍保学月报（一月一报告）尚未报送" in home and 'class="item due"' in home

    after = due_on + datetime.timedelta(days=1)
    assert report_deadlines(after).endswith("逾期未报 1 所")
    assert len(_bodies(school_leader, report="monthly")) == 2
    assert 'class="item overdue"' in _home(client, school_leader, after)

    with time_machine.travel(
        datetime.datetime.combine(after, datetime.time(10), tzinfo=dates.SHANGHAI), tick=False
    ):
        monthly_report_submit(actor=school_leader, school=world.school_a, month=day(2026, 12, 1))
    assert report_deadlines(after + datetime.timedelta(days=1)).endswith("逾期未报 0 所")
    assert len(_bodies(report="monthly")) == 2
