"""Issue 17's duties through the scheduler: `run-due` picks up the monthly close, the report
deadlines and the agreements' expiries, the worker runs them with a summary of counts only; a
server off for two months closes the missed months in order; docs/deploy.md lists every duty
with its schedule."""

from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command

from shouhu.care.models import MonthClose
from shouhu.jobs import registry
from shouhu.jobs.models import JobRun, RunStatus
from shouhu.jobs.services import job_runs_enqueue_due
from shouhu.testing.dates import at, month_key
from shouhu.testing.jobs import drain

NEW = ("care.month_close", "schooling.report_deadlines", "welfare.agreement_expiries")
DEPLOY = Path(__file__).resolve().parents[3] / "docs" / "deploy.md"


def test_docs_deploy_lists_every_duty_with_its_label_and_schedule():
    text = DEPLOY.read_text(encoding="utf-8")
    for duty in registry.duties():
        line = next((row for row in text.splitlines() if f"| `{duty.name}` |" in row), "")
        assert line, f"docs/deploy.md does not list {duty.name}"
        assert f"| {duty.label} |" in line
        hour = f"{duty.schedule.hour:02d}:{duty.schedule.minute:02d}"
        assert hour in line or "SHOUHU_ABSENCE_VISIT_HOUR" in line


def test_run_due_picks_up_the_new_duties_and_the_worker_runs_them(world, school_leader):
    call_command("run_due")
    drain()
    runs = {r.duty: r for r in JobRun.objects.filter(duty__in=NEW)}
    assert set(runs) == set(NEW)
    assert {r.status for r in runs.values()} == {RunStatus.SUCCEEDED}
    for run in runs.values():
        assert not {world.child_a.name, world.child_b.name, str(school_leader)} & set(
            run.result.split()
        )
        assert any(ch.isdigit() for ch in run.result)
    # The close of the pinned day's period (the 8th of November) closed October.
    assert runs["care.month_close"].period == month_key("2026-11")
    assert MonthClose.objects.filter(month=month_key("2026-10")).exists()


@pytest.fixture
def only_the_close(duties):
    for name in list(duties):
        if name != "care.month_close":
            del duties[name]
    return duties


def test_a_server_off_for_two_months_closes_the_missed_months_in_order(world, only_the_close):
    job_runs_enqueue_due()
    drain()
    with time_machine.travel(at(2027, 1, 20, 10), tick=False):
        due = job_runs_enqueue_due()
        drain()
    assert [r.period for r in due.enqueued] == [month_key("2026-12"), month_key("2027-01")]
    assert list(MonthClose.objects.order_by("pk").values_list("month", flat=True)) == [
        month_key("2026-10"),
        month_key("2026-11"),
        month_key("2026-12"),
    ]
    with time_machine.travel(at(2027, 1, 21, 10), tick=False):
        assert job_runs_enqueue_due().enqueued == []
