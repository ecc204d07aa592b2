"""`shouhu retention [--dry-run]`: anonymise the files kept longer than needed.

Files of children who left the register more than SHOUHU_RETENTION_YEARS years ago (3 by
default), and of children who turned 18, are anonymised by the shredder: the names, ID numbers,
phones, addresses and notes go; the counts of past terms stay the same. Each child is done in its
own transaction, so an interrupted run is simply run again. Children are named by their public
id only: the output of a cron job must not be a list of names.

Census uploads never confirmed within SHOUHU_UPLOAD_KEEP_DAYS days (7 by default) are deleted.
"""

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from shouhu.audit.models import ErasureReason
from shouhu.audit.partitions import access_log_expire
from shouhu.audit.retention import retention_apply
from shouhu.audit.shredder import retention_due
from shouhu.registry.census_sheets.uploads import census_uploads_expired


class Command(BaseCommand):
    help = (
        "匿名化超过保存期限的儿童档案（离开名册满N年、年满18周岁）。"
        "Anonymise the files kept longer than needed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="只列出，不修改。List only, change nothing."
        )

    def handle(self, *args, dry_run: bool, **options) -> None:
        if dry_run:
            due = retention_due()
            for child, reason in due:
                self.stdout.write(
                    f"would anonymise {child.public_id} ({ErasureReason(reason).label})"
                )
            self.stdout.write(self.style.SUCCESS(f"{len(due)} files would be anonymised."))
            uploads = census_uploads_expired().count()
            self.stdout.write(f"{uploads} expired census uploads would be deleted.")
            return
        done, deleted = retention_apply()
        months = access_log_expire(timezone.localdate())
        for child, reason in done:
            self.stdout.write(f"anonymised {child.public_id} ({ErasureReason(reason).label})")
        self.stdout.write(self.style.SUCCESS(f"{len(done)} files anonymised."))
        self.stdout.write(f"{deleted} expired census uploads deleted.")
        self.stdout.write(f"access log months dropped: {', '.join(months) or 'none'}.")
