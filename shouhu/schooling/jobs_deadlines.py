"""Report deadlines of 控辍保学 as a daily duty (shouhu.jobs.registry), imported from the app's
ready(): the written report (书面报告) of a case, due SHOUHU_DROPOUT_REPORT_DAYS after it was
registered while the child is not back, and the school's monthly report (一月一报告) of last
month, due by SHOUHU_DROPOUT_MONTHLY_REPORT_DAY of this month.

Both are on the school leader's 我的待办 (selectors.dropout.todos_for) by the same rules, read
from dates, whether or not this runs. The duty reminds each of the school's leaders once when a
report falls due within DUE_SOON_DAYS and once more when it is overdue: the message's dedupe key
(report, threshold, leader) makes a second run queue nothing. The message names no child.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhu.accounts.models import User
from shouhu.core.roles import Role
from shouhu.jobs.registry import duty
from shouhu.jobs.schedule import Daily
from shouhu.notify.services import message_queue
from shouhu.schooling.dropout_rules import (
    DUE_SOON_DAYS,
    deadline_state,
    month_start,
    monthly_report_due_on,
)
from shouhu.schooling.models.dropout import OPEN_STATES, DropoutCase, MonthlyReport
from shouhu.schooling.selectors.dropout import written_report_deadline

KIND = "report_deadline"
# A deadline passed longer ago than this is no news: the jobs catch up a month at most.
OVERDUE_NEWS_DAYS = 31


@dataclass
class DeadlineCounts:
    written_soon: int = 0
    written_overdue: int = 0
    monthly_soon: int = 0
    monthly_overdue: int = 0

    def summary(self) -> str:
        return (
            f"书面报告：{DUE_SOON_DAYS}天内到期 {self.written_soon} 份、逾期 "
            f"{self.written_overdue} 份；月报：{DUE_SOON_DAYS}天内到期 {self.monthly_soon} 所、"
            f"逾期未报 {self.monthly_overdue} 所"
        )


def _leaders_by_school() -> dict[int, list[User]]:
    leaders: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(
        role=Role.SCHOOL_LEADER, is_active=True, scope_school__isnull=False
    ).order_by("pk"):
        leaders[user.scope_school_id].append(user)  # type: ignore[index]
    return leaders


def _written(day: datetime.date, leaders: dict[int, list[User]], counts: DeadlineCounts) -> None:
    cases = DropoutCase.objects.filter(
        state__in=OPEN_STATES,
        report_filed_on__isnull=True,
        report_due_on__gte=day - datetime.timedelta(days=OVERDUE_NEWS_DAYS),
        report_due_on__lte=day + datetime.timedelta(days=DUE_SOON_DAYS),
    ).order_by("report_due_on", "pk")
    for case in cases:
        state = written_report_deadline(case, day)
        if not state:
            continue
        if state == "overdue":
            counts.written_overdue += 1
            body = _("一名辍学学生的书面报告已到报送期限（%(date)s），请登录守护系统尽快报送。")
        else:
            counts.written_soon += 1
            body = _("一名辍学学生的书面报告须于%(date)s前报送，请登录守护系统查看。")
        for leader in leaders.get(case.school_id, []):
            message_queue(
                kind=KIND,
                to_user=leader,
                body=body % {"date": case.report_due_on.isoformat()},
                dedupe_key=f"report:written:{case.public_id}:{state}:{leader.pk}",
            )


def _monthly(day: datetime.date, leaders: dict[int, list[User]], counts: DeadlineCounts) -> None:
    month = month_start(month_start(day) - datetime.timedelta(days=1))
    due_on = monthly_report_due_on(month, due_day=settings.SHOUHU_DROPOUT_MONTHLY_REPORT_DAY)
    state = deadline_state(due_on, today=day)
    if not state:
        return
    submitted = set(MonthlyReport.objects.filter(month=month).values_list("school_id", flat=True))
    label = _("%(y)d年%(m)d月") % {"y": month.year, "m": month.month}
    if state == "overdue":
        body = _("%(month)s控辍保学月报（一月一报告）已过报送期限（%(date)s），请尽快报送。")
    else:
        body = _("%(month)s控辍保学月报（一月一报告）须于%(date)s前报送。")
    for school_id, of_school in sorted(leaders.items()):
        if school_id in submitted:
            continue
        if state == "overdue":
            counts.monthly_overdue += 1
        else:
            counts.monthly_soon += 1
        for leader in of_school:
            message_queue(
                kind=KIND,
                to_user=leader,
                body=body % {"month": label, "date": due_on.isoformat()},
                dedupe_key=f"report:monthly:{school_id}:{month:%Y-%m}:{state}:{leader.pk}",
            )


def report_deadlines_remind(day: datetime.date) -> DeadlineCounts:
    counts = DeadlineCounts()
    leaders = _leaders_by_school()
    _written(day, leaders, counts)
    _monthly(day, leaders, counts)
    return counts


@duty(
    name="schooling.report_deadlines",
    label=gettext_lazy("控辍保学报告期限提醒"),
    schedule=Daily(hour=8),
)
def report_deadlines(day: datetime.date) -> str:
    return report_deadlines_remind(day).summary()
