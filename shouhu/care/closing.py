"""The monthly close of the quotas (月度关账, issue 17).

A month's monthly quotas (三个一: a home visit and a call each month) take a late entry (补录)
for SHOUHU_LATE_ENTRY_DAYS after the month ends (rules.late_entry_open). The day after, the
close records each child's result of each monthly quota as it then stands, with the proxy
parent who owed it: `QuotaResult` rows, one `MonthClose` per month. The figures of a closed
month read on any later day are these (nothing can be entered into it any more: the record
service refuses it by the same rule), and a test holds them equal.

The close is the system's write, with no user: its record is the MonthClose row and the jobs'
run record (shouhu.jobs), never an access to a child.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from shouhu.care.compliance.columns import columns_for_months
from shouhu.care.compliance.counting import carer_at, statuses_by_child
from shouhu.care.compliance.quotas import effective_quotas, terms_dates
from shouhu.care.models import ClosedStatus, MonthClose, QuotaPeriod, QuotaResult
from shouhu.care.rules import Period, late_entry_open, month_before, month_of
from shouhu.org.models import School
from shouhu.registry.models import Child


def month_to_close(day: datetime.date) -> Period:
    """The month the close of `day` closes: the one before the day's month. Its late-entry
    window has ended by then as long as the close runs after it (`close_day`)."""
    return month_before(month_of(day))


def close_day() -> int:
    """The day of the month the close runs: the first on which last month's late entry is
    no longer open (rules.late_entry_until + 1 day); every month has it up to the 28th."""
    day = settings.SHOUHU_LATE_ENTRY_DAYS + 1
    if not 1 <= day <= 28:
        raise ImproperlyConfigured("SHOUHU_LATE_ENTRY_DAYS must be 0 to 27 (the monthly close)")
    return day


@dataclass(frozen=True)
class CloseOutcome:
    month: Period
    created: bool  # False: closed already (a second run), or its late entry is still open
    done: int = 0
    overdue: int = 0
    exempt: int = 0

    def summary(self) -> str:
        if not self.created:
            return f"{self.month.key} 无新关账"
        return (
            f"{self.month.key} 已关账：完成 {self.done} 项、未完成 {self.overdue} 项、"
            f"免除 {self.exempt} 项"
        )


@transaction.atomic
def month_close(*, month: Period, today: datetime.date) -> CloseOutcome:
    """Close the month's monthly quotas:

    1. Nothing when the month is closed already, or while its late entry is still open.
    2. The monthly quotas in force at every school that month (none in a holiday month).
    3. Each child's status per quota, in one query (compliance's `statuses_by_child`, the
       same SQL the figures sum), and the proxy parent on the month's last day.
    4. One QuotaResult per owed quota, one MonthClose for the month.
    """
    if MonthClose.objects.filter(month=month.key).exists() or late_entry_open(
        month, today=today, days=settings.SHOUHU_LATE_ENTRY_DAYS
    ):
        return CloseOutcome(month=month, created=False)
    all_columns, _of_month = columns_for_months(
        effective_quotas(School.objects.all()), [month], terms_dates()
    )
    columns = [c for c in all_columns if c.period.kind == QuotaPeriod.MONTH]
    close = MonthClose(month=month.key, closed_at=timezone.now())
    close.full_clean()
    close.save()
    statuses = statuses_by_child(Child.objects.all(), columns, today=today) if columns else {}
    owed_by = {
        child_id: [s for s in of_child if s.status is not None]
        for child_id, of_child in statuses.items()
    }
    owed_by = {k: v for k, v in owed_by.items() if v}
    carers = dict(
        Child.objects.filter(pk__in=list(owed_by))
        .annotate(carer_id=carer_at(month.end, since=month.start))
        .values_list("pk", "carer_id")
    )
    rows = [
        QuotaResult(
            close=close,
            child_id=child_id,
            carer_id=carers.get(child_id),
            kind=s.column.kind,
            minimum=s.minimum,
            done=min(s.done, 32767),
            status=ClosedStatus(str(s.status)),
        )
        for child_id, of_child in owed_by.items()
        for s in of_child
    ]
    QuotaResult.objects.bulk_create(rows, batch_size=2000)
    close.results = len(rows)
    close.save(update_fields=["results"])
    count = {status: sum(r.status == status for r in rows) for status in ClosedStatus.values}
    return CloseOutcome(
        month=month,
        created=True,
        done=count[ClosedStatus.DONE],
        overdue=count[ClosedStatus.OVERDUE],
        exempt=count[ClosedStatus.EXEMPT],
    )
