"""`shouhu scheduler`: `shouhu run-due` at the start of every minute, until stopped.

The duties fall due on whole minutes, so a pass at second 0 queues a duty as it falls due. The
first pass at start catches up what was missed while the server was off.
"""

import logging
import signal
import threading
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from shouhu.jobs.management.commands.run_due import run_due_report

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "每分钟将到期的定时任务排队。Queue the due duties every minute."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--passes", type=int, default=0, help="在这么多次后退出（测试用）。Stop after N passes."
        )

    def handle(self, *args, passes: int, **options) -> None:
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_args: stop.set())
        done = 0
        while not stop.is_set():
            try:
                run_due_report(self)
            except DatabaseError:
                logger.exception("scheduler: the pass failed; trying again next minute")
            finally:
                close_old_connections()
            done += 1
            if passes and done >= passes:
                return
            stop.wait(60 - time.time() % 60)
