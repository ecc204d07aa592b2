"""Issue 17's duties, wired into `run.py` as the group `duties`:

- `month_close{suffix}_s`: the monthly close of last month (care.month_close: each owed
  monthly quota's result per child, one SQL query for the statuses and a bulk insert), each run
  inside a transaction rolled back so that it closes the month afresh.
- `report_deadlines{suffix}_ms`, `agreement_expiries{suffix}_ms`: the daily reminder duties
  (their messages rolled back likewise).

`run` is bench/run.py's module (its `Measure`, `median_ms`), handed in so that this file
imports nothing of the runner.
"""

import contextlib


class _Rollback(Exception):
    pass


def _rolled_back(work):
    from django.db import transaction

    def run():
        with contextlib.suppress(_Rollback), transaction.atomic():
            work()
            raise _Rollback

    return run


def duties_figures(run, *, suffix: str) -> list:
    import datetime

    from django.utils import timezone

    from shouhu.care.closing import close_day, month_close, month_to_close
    from shouhu.schooling.jobs_deadlines import report_deadlines
    from shouhu.welfare.jobs_agreements import agreement_expiries

    today = timezone.localdate()
    close_on = today.replace(day=close_day())
    if close_on > today:  # the close of this month's period has not come yet: last month's
        close_on = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=close_day())
    month = month_to_close(close_on)
    measures = []
    close = run.Measure(f"month_close{suffix}_s", "monthly close of last month", unit="s")
    ms, runs = run.median_ms(
        run=_rolled_back(lambda: month_close(month=month, today=today)),
        warmups=1,
        runs=3,
        min_runs=2,
    )
    close.value, close.runs = round(ms / 1000, 2), runs
    measures.append(close)
    for key, label, duty in (
        ("report_deadlines", "report deadline reminders (daily)", report_deadlines),
        ("agreement_expiries", "agreement expiry reminders (daily)", agreement_expiries),
    ):
        measure = run.Measure(f"{key}{suffix}_ms", label)
        measure.value, measure.runs = run.median_ms(
            run=_rolled_back(lambda duty=duty: duty(today)), warmups=1, runs=5, min_runs=3
        )
        measures.append(measure)
    return measures
