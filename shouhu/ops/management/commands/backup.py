"""`shouhu backup OUT [--keep-daily N --keep-weekly M --keep-monthly K]`: one encrypted archive
(shouhu.ops.backup); OUT a directory names it by the time and rotates the directory."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shouhu.ops.archive import ArchiveError
from shouhu.ops.backup import backup_create
from shouhu.ops.rotation import archives_rotate


class Command(BaseCommand):
    help = (
        "备份：把数据库、上传文件和清单写入一个用 SHOUHU_BACKUP_KEY 加密的备份文件。"
        "OUT 为目录时按时间命名并轮换（保留每日、每周、每月的备份）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", help="备份文件名，或存放备份的目录")
        parser.add_argument("--keep-daily", type=int, default=7, help="保留最近几天的（默认 7）")
        parser.add_argument("--keep-weekly", type=int, default=4, help="保留最近几周的（默认 4）")
        parser.add_argument(
            "--keep-monthly", type=int, default=12, help="保留最近几个月的（默认 12）"
        )

    def handle(self, *args, out: str, keep_daily: int, keep_weekly: int, keep_monthly: int, **o):
        if min(keep_daily, keep_weekly, keep_monthly) < 0:
            raise CommandError("--keep-daily、--keep-weekly、--keep-monthly 不能为负数。")
        target = Path(out)
        if not target.is_dir() and not target.parent.is_dir():
            raise CommandError(f"目录不存在：{target.parent}")
        try:
            result = backup_create(out=target)
        except ArchiveError as error:
            raise CommandError(str(error)) from None
        counts = result.manifest["counts"]
        self.stdout.write(f"备份完成：{result.path}（{result.size / 1e6:.1f} MB）")
        self.stdout.write(
            "  儿童 {children} 人，摸底记录 {census_snapshots} 条，关爱记录 {care_actions} 条，"
            "访问日志 {access_log_rows} 条".format(**counts)
        )
        if target.is_dir():
            deleted = archives_rotate(
                directory=target, daily=keep_daily, weekly=keep_weekly, monthly=keep_monthly
            )
            for path in deleted:
                self.stdout.write(f"  轮换删除：{path.name}")
