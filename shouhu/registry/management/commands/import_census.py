"""`shouhu import-census FILE --term 2026-2027-1 [--dry-run] [--errors OUT.xlsx] [--user NAME]`.

All or nothing: any row in error means nothing is written, every error is printed with its row
and column, and the command exits with status 1.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from shouhu.accounts.operator import user_for_command
from shouhu.org.selectors import term_by_code
from shouhu.registry.census_sheets.errors import error_report_xlsx
from shouhu.registry.census_sheets.importing import Outcome, census_import, census_sheet_check


class Command(BaseCommand):
    help = "导入摸底名册（Excel）。有任何错误时不写入任何数据，并以非零状态退出。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="摸底名册（.xlsx、.xls、.xlsb、.ods 或 .csv）")
        parser.add_argument("--term", required=True, help="学期代码，如 2026-2027-1")
        parser.add_argument("--dry-run", action="store_true", help="只检查并列出结果，不写入")
        parser.add_argument("--errors", help="把错误报告写入此 .xlsx 文件")
        parser.add_argument(
            "--user", help="以该账号的权限和范围导入（默认：命令行操作员，不限范围）"
        )

    def handle(self, *args, file: str, term: str, dry_run: bool, errors, user, **options):
        try:
            the_term = term_by_code(term)
        except Http404:
            raise CommandError(f"找不到学期：{term}") from None
        try:
            actor = user_for_command(user)
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        if not Path(file).exists():
            raise CommandError(f"找不到文件：{file}")
        started = time.perf_counter()
        with open(file, "rb") as source:
            if dry_run:
                result = census_sheet_check(actor=actor, term=the_term, source=source)
            else:
                result = census_import(
                    actor=actor, term=the_term, source=source, filename=Path(file).name
                )
        for row in result.rows:
            if row.outcome == Outcome.UPDATE:
                changes = "；".join(f"{c.field}：{c.old} → {c.new}" for c in row.changes)
                self.stdout.write(f"第{row.row}行 {row.name}：更新（{changes}）")
        for message in result.messages():
            self.stderr.write(message)
        counts = result.counts
        summary = (
            f"新增 {counts[Outcome.NEW]}，更新 {counts[Outcome.UPDATE]}，"
            f"无变化 {counts[Outcome.UNCHANGED]}，错误 {counts[Outcome.ERROR]} 行"
            f"（{time.perf_counter() - started:.1f} 秒）"
        )
        if errors and not result.ok:
            Path(errors).write_bytes(error_report_xlsx(result))
            self.stderr.write(f"错误报告：{errors}")
        if not result.ok:
            raise CommandError(f"未导入：{summary}。请改正错误后重新导入。")
        if dry_run:
            self.stdout.write(f"检查通过（未写入）：{summary}")
        else:
            self.stdout.write(f"已导入：{summary}")
