"""The scheduler queues what fell due, once per period and in order; the worker runs it, records
it, retries a failure with backoff, and a run that keeps failing reaches the administrator."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from shouhu.jobs import registry
from shouhu.jobs.models import JobRun, RunStatus
from shouhu.jobs.registry import Duty
from shouhu.jobs.schedule import Daily
from shouhu.jobs.services import (
    MAX_ATTEMPTS,
    job_run_execute,
    job_runs_enqueue_due,
)
from shouhu.testing.dates import at, day
from shouhu.testing.jobs import drain

pytestmark = pytest.mark.django_db

TODAY = day(2026, 11, 29)


@pytest.fixture
def duties(duties):
    """Two real duties, those these tests name (the other apps' are theirs to test)."""
    for name in list(duties):
        if name not in ("care.escalations", "audit.retention"):
            del duties[name]
    return duties


def _queued() -> list[tuple[str, str]]:
    return sorted(JobRun.objects.values_list("duty", "period"))


def _traced(duties, calls: list) -> None:
    """Every registered duty also notes (name, day) when it runs."""
    for name, d in list(duties.items()):

        def run(on, _d=d):
            calls.append((_d.name, on))
            return _d.run(on)

        duties[name] = Duty(name=d.name, label=d.label, schedule=d.schedule, run=run)


@pytest.fixture
def first_duties(duties):
    """The two duties these tests of the schedule were written for; the apps add more (such
    as schooling.absence_visits at the end of the school day), each due at its own hour."""
    for name in list(duties):
        if name not in ("audit.retention", "care.escalations"):
            del duties[name]
    return duties


def test_the_existing_duties_are_registered_by_their_apps():
    names = {d.name for d in registry.duties()}
    assert {"care.escalations", "audit.retention", "jobs.exports_expire"} <= names


def test_a_first_pass_queues_each_duty_once_for_its_latest_period(first_duties):
    due = job_runs_enqueue_due()
    assert _queued() == [
        ("audit.retention", TODAY.isoformat()),
        ("care.escalations", TODAY.isoformat()),
    ]
    assert len(due.enqueued) == 2
    assert DBTaskResult.objects.count() == 2


def test_a_second_pass_queues_nothing_new(first_duties):
    job_runs_enqueue_due()
    again = job_runs_enqueue_due()
    assert again.enqueued == []
    assert JobRun.objects.count() == 2
    assert DBTaskResult.objects.count() == 2


def test_a_run_delivered_twice_runs_once(duties):
    calls: list = []
    _traced(duties, calls)
    job_runs_enqueue_due()
    run = JobRun.objects.get(duty="care.escalations")
    assert job_run_execute(run_id=run.pk).status == RunStatus.SUCCEEDED
    assert job_run_execute(run_id=run.pk) is None
    assert calls == [("care.escalations", TODAY)]


def test_the_worker_runs_the_queue_and_records_when_how_long_and_the_result(duties):
    job_runs_enqueue_due()
    drain()
    run = JobRun.objects.get(duty="care.escalations")
    assert run.status == RunStatus.SUCCEEDED
    assert run.attempts == 1
    assert run.started_at <= run.finished_at
    assert run.duration_ms is not None
    assert "升级至班主任 0 项" in run.result


def test_a_missed_schedule_catches_up_in_order_without_duplicates(first_duties):
    calls: list = []
    _traced(first_duties, calls)
    job_runs_enqueue_due()
    drain()
    calls.clear()
    # The server is off for two days and comes back in the afternoon.
    with time_machine.travel(at(2026, 12, 1, 15), tick=True):
        job_runs_enqueue_due()
        job_runs_enqueue_due()  # the scheduler's next minute: nothing new
        drain()
    d1, d2 = day(2026, 11, 30), day(2026, 12, 1)
    assert calls == [
        ("audit.retention", d1),
        ("care.escalations", d1),
        ("audit.retention", d2),
        ("care.escalations", d2),
    ]
    assert JobRun.objects.count() == 6
    assert set(JobRun.objects.values_list("status", flat=True)) == {RunStatus.SUCCEEDED}


def _boom(on: datetime.date) -> str:
    raise RuntimeError("the disk is full")


@pytest.fixture
def failing(duties):
    duties["test.failing"] = Duty(
        name="test.failing", label="总是失败", schedule=Daily(hour=8), run=_boom
    )
    return duties


def test_a_failing_job_is_retried_with_backoff_then_given_up(failing):
    job_runs_enqueue_due()
    drain()
    run = JobRun.objects.get(duty="test.failing")
    assert run.status == RunStatus.RETRYING
    assert run.error == "RuntimeError: the disk is full"
    waits = []
    while run.status == RunStatus.RETRYING:
        waits.append(round((run.next_attempt_at - run.finished_at).total_seconds() / 60))
        drain()  # not yet due: nothing runs
        assert JobRun.objects.get(pk=run.pk).attempts == run.attempts
        with time_machine.travel(run.next_attempt_at + datetime.timedelta(seconds=1)):
            drain()
        run.refresh_from_db()
    assert waits == [1, 4, 16, 64]
    assert run.status == RunStatus.FAILED
    assert run.attempts == MAX_ATTEMPTS


def test_a_job_that_keeps_failing_shows_on_the_administrators_page(failing, admin, client):
    job_runs_enqueue_due()
    JobRun.objects.filter(duty="test.failing").update(
        status=RunStatus.FAILED, attempts=MAX_ATTEMPTS, error="RuntimeError: the disk is full"
    )
    client.force_login(admin)
    page = client.get(reverse("jobs:run-list")).content.decode()
    failing_table = page.split("失败的任务", 2)[2].split("定时任务")[0]
    assert "test.failing" in failing_table
    assert "RuntimeError: the disk is full" in failing_table
    assert "重试" in failing_table


def test_the_administrator_retries_a_failed_run(failing, admin, client):
    job_runs_enqueue_due()
    drain()
    run = JobRun.objects.get(duty="test.failing")
    JobRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, attempts=MAX_ATTEMPTS)
    tasks_before = DBTaskResult.objects.ready().count()
    client.force_login(admin)
    response = client.post(reverse("jobs:run-retry", kwargs={"public_id": run.public_id}))
    assert response.status_code == 302
    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.QUEUED, 0)
    assert DBTaskResult.objects.ready().count() == tasks_before + 1


def test_a_run_cut_off_while_running_is_queued_again(duties):
    job_runs_enqueue_due()
    run = JobRun.objects.get(duty="care.escalations")
    JobRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, started_at=timezone.now(), attempts=1
    )
    assert job_runs_enqueue_due().requeued == []
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=3)):
        assert [r.pk for r in job_runs_enqueue_due().requeued] == [run.pk]
    run.refresh_from_db()
    assert run.status == RunStatus.RETRYING
