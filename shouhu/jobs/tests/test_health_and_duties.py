"""/healthz reports the worker's heartbeat and nothing else; care's escalation duty counts."""

import datetime
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from shouhu.care.jobs import escalations
from shouhu.jobs.services import heartbeat_record
from shouhu.testing.dates import day
from shouhu.testing.factories import VisitTaskFactory

pytestmark = pytest.mark.django_db


def test_healthz_says_the_worker_is_ok_while_it_beats(client):
    heartbeat_record(worker_id="w1", started_at=timezone.now())
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "worker": "ok"}


def test_healthz_is_503_when_the_worker_stopped_beating(client):
    heartbeat_record(worker_id="w1", started_at=timezone.now())
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "worker": "late"}


def test_healthz_is_503_and_says_the_worker_is_missing_when_none_ever_beat(client):
    """A server whose worker was never started runs no escalation, deadline or close: the
    monitor must hear of it, and learns nothing else (no time, no count)."""
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "worker": "missing"}


def test_escalations_count_the_open_tasks_reaching_each_level_that_day(tree):
    today = day(2026, 11, 29)
    head, leader = settings.SHOUHU_ESCALATE_HEAD_DAYS, settings.SHOUHU_ESCALATE_LEADER_DAYS
    VisitTaskFactory(due_on=today - datetime.timedelta(days=head))
    VisitTaskFactory(due_on=today - datetime.timedelta(days=leader))
    VisitTaskFactory(due_on=today - datetime.timedelta(days=leader), done_on=today)
    VisitTaskFactory(due_on=today + datetime.timedelta(days=1))
    summary = escalations(today)
    assert summary == "今日升级至班主任 1 项、至学校领导 1 项；逾期未完成共 2 项"
    assert escalations(today) == summary


def _db(path) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=20)


def test_the_real_worker_process_runs_the_queue_beats_and_stops(tmp_path):
    database = tmp_path / "jobs.sqlite3"
    env = {
        **os.environ,
        "SHOUHU_DATABASE_URL": f"sqlite:///{database}",
        "SHOUHU_VAR_DIR": str(tmp_path),
    }
    shouhu = [sys.executable, "-m", "shouhu.cli"]
    subprocess.run([*shouhu, "migrate", "-v0"], env=env, check=True, timeout=120)
    subprocess.run([*shouhu, "run-due"], env=env, check=True, timeout=60)
    worker = subprocess.Popen(
        [*shouhu, "worker", "--no-startup-delay", "--interval", "0.2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with _db(database) as db:
                states = [s for (s,) in db.execute("SELECT status FROM jobs_jobrun")]
                beats = db.execute("SELECT count(*) FROM jobs_workerheartbeat").fetchone()[0]
            if states and set(states) == {"succeeded"} and beats:
                break
            time.sleep(0.3)
        assert set(states) == {"succeeded"}
        assert beats == 1
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    assert worker.returncode == 0
