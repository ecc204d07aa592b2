"""Running the job queue inside a test, and following a long export to its file."""

from unittest import mock

from django.urls import reverse
from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Worker

from shouhu.jobs.models import ExportRun


def drain() -> None:
    """Run every task that is ready, as `shouhu worker --batch` does, in this process. The
    worker closes stale connections as it wakes; inside the test's transaction that would close
    the test's own connection (on PostgreSQL, with CONN_MAX_AGE 0), so here it closes none."""
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test",
            excluded_queue_names=[],
        ).run()


def export_followed(client, response):
    """A region's report answers with its export's progress page: run the queue, then fetch
    the file as the user would from that page (the file's response, or the refusal page)."""
    assert response.status_code == 302, response.status_code
    run = ExportRun.objects.get(
        public_id=response.url.rstrip("/").rsplit("/", 1)[-1],
    )
    assert response.url == reverse("jobs:export-status", kwargs={"public_id": run.public_id})
    drain()
    return client.get(reverse("jobs:export-file", kwargs={"public_id": run.public_id}))
