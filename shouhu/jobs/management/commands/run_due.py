"""`shouhu run-due`: one pass of the scheduler (for a systemd timer, each minute).

Queues every duty that fell due since its last run, oldest first, once per period: run it
twice and the second pass queues nothing. `shouhu worker` runs what it queued.
"""

from django.core.management.base import BaseCommand

from shouhu.jobs.services import job_runs_enqueue_due


def run_due_report(command: BaseCommand) -> None:
    due = job_runs_enqueue_due()
    for run in due.enqueued:
        command.stdout.write(f"queued {run.duty} {run.period}")
    for run in due.requeued:
        command.stdout.write(f"requeued {run.duty} {run.period} (cut off while running)")


class Command(BaseCommand):
    help = "将到期的定时任务排队一次。Queue the duties that are due, once."

    def handle(self, *args, **options) -> None:
        run_due_report(self)
