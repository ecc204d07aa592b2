from unittest import mock

import pytest
from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Worker

from shouhu.jobs import registry


def drain() -> None:
    """Run every task that is ready, as `shouhu worker --batch` does, in this process. The
    worker closes stale connections as it wakes; inside the test's transaction that would close
    the test's own connection (on PostgreSQL, with CONN_MAX_AGE 0), so here it closes none."""
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        _worker().run()


def _worker() -> Worker:
    return Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )


@pytest.fixture
def duties(monkeypatch):
    """The registry with the real duties; a test may add its own to it."""
    table = dict(registry._DUTIES)
    monkeypatch.setattr(registry, "_DUTIES", table)
    return table
