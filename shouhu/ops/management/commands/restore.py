"""`shouhu restore ARCHIVE [--json]`: an archive into an empty database (shouhu.ops.restore),
then each county's census and compliance figures beside those of the backup."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shouhu.ops.archive import ArchiveError
from shouhu.ops.restore import restore_run
from shouhu.reports.management.commands.stats import stats_lines


class Command(BaseCommand):
    help = (
        "恢复：把备份文件恢复到一个空数据库，先核对清单和校验和，"
        "恢复后打印摸底和关爱统计，与备份时的统计比较。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="备份文件")
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="以 JSON 输出恢复后的统计"
        )

    def handle(self, *args, archive: str, as_json: bool, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"找不到备份文件：{path}")
        try:
            result = restore_run(archive=path)
        except ArchiveError as error:
            raise CommandError(f"拒绝恢复：{error}") from None
        if as_json:
            self.stdout.write(json.dumps(result.figures, ensure_ascii=False, indent=2))
            return
        manifest = result.manifest
        self.stdout.write(f"恢复完成：{path.name}（备份于 {manifest['created']}）")
        self.stdout.write(
            "  儿童 {children} 人，摸底记录 {census_snapshots} 条，关爱记录 {care_actions} 条，"
            "访问日志 {access_log_rows} 条：与清单一致".format(**result.counts)
        )
        for code, data in result.figures.items():
            self.stdout.write("\n".join(stats_lines(data)))
            changed = result.differences.get(code)
            if changed:
                self.stdout.write(
                    f"  与备份时的统计不同：{'、'.join(changed)}"
                    "（按日期计算的指标在另一天恢复时会变化）"
                )
            else:
                self.stdout.write(f"  全部 {len(data['figures'])} 项指标与备份时相同。")
        self.stdout.write("下一步：shouhu migrate（升级到当前代码的表结构），然后启动服务。")
