"""`shouhu export-census --term T --scope CODE OUT.xlsx [--all] [--grant ID] [--user NAME]`:
the register of a node in the national layout, with the census table (汇总表)."""

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from shouhu.accounts.operator import user_for_command
from shouhu.org.selectors import term_by_code
from shouhu.org.units import node_from_code
from shouhu.reports.services import census_export


class Command(BaseCommand):
    help = "导出某学期某区划或学校的农村留守儿童基本情况登记表和汇总表（默认脱敏）。"

    def add_arguments(self, parser):
        parser.add_argument("out", help="输出 .xlsx 文件")
        parser.add_argument("--term", required=True, help="学期代码，如 2026-2027-1")
        parser.add_argument("--scope", required=True, help="区划代码（如 511781）或10位学校标识码")
        parser.add_argument("--all", dest="include_all", action="store_true", help="包括非留守儿童")
        parser.add_argument("--grant", help="完整导出授权编号（由个人信息保护负责人批准）")
        parser.add_argument("--user", help="以该账号导出（完整导出须使用被授权人的账号）")

    def handle(self, *args, out, term, scope, include_all, grant, user, **options):
        try:
            node = node_from_code(scope)
            the_term = term_by_code(term)
        except Http404 as exc:
            raise CommandError(f"找不到：{exc}") from None
        try:
            actor = user_for_command(user)
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        try:
            result = census_export(
                actor=actor,
                node=node,
                term=the_term,
                out=out,
                include_all=include_all,
                grant_id=grant,
            )
        except (PermissionDenied, Http404) as exc:
            raise CommandError(str(exc) or "该范围不在账号的管辖范围内。") from None
        how = "完整（未脱敏）" if result.full else "脱敏"
        self.stdout.write(f"已导出 {result.rows} 名儿童（{how}）：{out}")
        for failure in result.census_table.failures:
            self.stderr.write(f"汇总表自检未通过：{failure}")
