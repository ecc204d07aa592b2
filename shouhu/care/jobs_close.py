"""The monthly close of the quotas as a duty (shouhu.jobs.registry), imported from care.jobs.

It runs on the first day of the month on which last month's late entry is shut
(SHOUHU_LATE_ENTRY_DAYS + 1), so the close and the record service's refusal follow one rule
(rules.late_entry_open). After the server was off, the jobs catch the missed months up in
order; a second run for the same month finds its MonthClose and adds nothing.
"""

import datetime

from django.utils.translation import gettext_lazy as _

from shouhu.care.closing import close_day, month_close, month_to_close
from shouhu.jobs.registry import duty
from shouhu.jobs.schedule import Monthly


@duty(
    name="care.month_close",
    label=_("月度关账（关爱要求和补录截止）"),
    schedule=Monthly(day=close_day(), hour=1),
)
def month_close_duty(day: datetime.date) -> str:
    return month_close(month=month_to_close(day), today=day).summary()
