"""`shouhu rollup-import FILE.json`: on a national instance, verify a province's signed roll-up
and load it; importing a province's term again replaces it (issue 18)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from shouhu.accounts.operator import operator_actor
from shouhu.reports.rollup.importing import rollup_import
from shouhu.reports.rollup.signing import RollupRefused


class Command(BaseCommand):
    help = "在全国实例上导入省级汇总数据（先验证签名；同一省同一学期再次导入即替换）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="省级导出的 .json 文件")

    def handle(self, *args, file, **options):
        if not settings.SHOUHU_NATIONAL:
            raise CommandError(
                "本实例不是全国实例（SHOUHU_NATIONAL 未开启）：省级实例不导入全国汇总数据。"
            )
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取 {file}：{exc}") from None
        try:
            result = rollup_import(actor=operator_actor(), data=data)
        except RollupRefused as exc:
            raise CommandError(str(exc)) from None
        batch = result.batch
        how = "（替换了此前导入的数据）" if result.replaced else ""
        self.stdout.write(
            f"已导入 {batch.province.name} {batch.term.code}：{result.counties} 个县{how}。"
        )
