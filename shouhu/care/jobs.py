"""Care's scheduled duty (shouhu.jobs.registry).

Escalation itself is computed from dates whenever a worklist is read (care.rules.escalation_of:
"nothing needs to run at night"), so the head teacher and the school leader see an overdue task
the day it reaches them whether or not this runs. The duty records, each morning, how many open
home-visit tasks reached each level that day: the jobs page shows it. The people concerned are
told by the notify app's duties (`notify.escalations`, `notify.morning_digest`), which read the
same dates. Running it twice changes nothing.
"""

import datetime

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from shouhu.care.models import VisitTask
from shouhu.care.rules import escalated_due_before
from shouhu.jobs.registry import duty
from shouhu.jobs.schedule import Daily


@duty(name="care.escalations", label=_("家访任务升级督办"), schedule=Daily(hour=7))
def escalations(day: datetime.date) -> str:
    open_tasks = VisitTask.objects.filter(done_on__isnull=True, child__left_on__isnull=True)
    to_head = open_tasks.filter(
        due_on=escalated_due_before(day, after_days=settings.SHOUHU_ESCALATE_HEAD_DAYS)
    ).count()
    to_leader = open_tasks.filter(
        due_on=escalated_due_before(day, after_days=settings.SHOUHU_ESCALATE_LEADER_DAYS)
    ).count()
    overdue = open_tasks.filter(due_on__lt=day).count()
    return f"今日升级至班主任 {to_head} 项、至学校领导 {to_leader} 项；逾期未完成共 {overdue} 项"


from shouhu.care import jobs_close  # noqa: E402, F401 - the monthly close registers itself
