"""`shouhu worker`: run the job queue (django-tasks-db's `db_worker`), with a heartbeat.

The same options as `db_worker` (`--batch`, `--max-tasks`, `--interval`, …), except that it
never reloads itself on code changes: a reloading parent killed by systemd or by `make demo`
would leave its child running. A thread writes the heartbeat every HEARTBEAT_SECONDS, which
/healthz and the 后台任务 page read.
"""

import logging
import threading

from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone
from django_tasks_db.management.commands import db_worker

from shouhu.jobs.selectors import HEARTBEAT_SECONDS
from shouhu.jobs.services import heartbeat_record

logger = logging.getLogger(__name__)


def _beat(worker_id: str, started_at, stop: threading.Event) -> None:
    while True:
        try:
            heartbeat_record(worker_id=worker_id, started_at=started_at)
        except DatabaseError:
            logger.exception("worker %s: the heartbeat could not be written", worker_id)
        finally:
            close_old_connections()
        if stop.wait(HEARTBEAT_SECONDS):
            connection.close()
            return


class Command(db_worker.Command):
    help = "运行后台任务队列（定时任务由 shouhu scheduler 或 run-due 排队）。Run the job queue."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(reload=False)

    def handle(self, *args, **options) -> None:
        stop = threading.Event()
        beat = threading.Thread(
            target=_beat,
            args=(options["worker_id"], timezone.now(), stop),
            name="heartbeat",
            daemon=True,
        )
        beat.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
            beat.join(timeout=HEARTBEAT_SECONDS)
