"""`shouhu rollup-export --term T --scope PROVINCE OUT.json [--key PEM]`: the province's
de-identified figures per county for the national roll-up, small cells suppressed, signed with
the province's key (issue 18; `reports.rollup.export`)."""

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from shouhu.accounts.operator import operator_actor
from shouhu.org.models import Region, RegionLevel
from shouhu.org.selectors import term_by_code
from shouhu.org.units import node_from_code
from shouhu.reports.rollup.export import rollup_export
from shouhu.reports.rollup.signing import RollupRefused, signing_key


class Command(BaseCommand):
    help = "导出本省某学期各县的全国汇总数据（去标识化、小数据隐去、用本省私钥签名）。"

    def add_arguments(self, parser):
        parser.add_argument("out", help="输出 .json 文件")
        parser.add_argument("--term", required=True, help="学期代码，如 2026-2027-1")
        parser.add_argument("--scope", required=True, help="省级区划代码，如 51")
        parser.add_argument(
            "--key", help="签名私钥 PEM 文件（默认：SHOUHU_ROLLUP_SIGNING_KEY_FILE）"
        )

    def handle(self, *args, out, term, scope, key, **options):
        try:
            province = node_from_code(scope)
            the_term = term_by_code(term)
        except Http404 as exc:
            raise CommandError(f"找不到：{exc}") from None
        if not isinstance(province, Region) or province.level != RegionLevel.PROVINCE:
            raise CommandError(f"--scope {scope} 不是省级区划：全国汇总按省导出。")
        try:
            private = signing_key(key)
        except RollupRefused as exc:
            raise CommandError(str(exc)) from None
        with open(out, "w", encoding="utf-8") as handle:
            result = rollup_export(
                actor=operator_actor(), province=province, term=the_term, out=handle, key=private
            )
        self.stdout.write(
            f"已导出 {province.name} {the_term.code}：{result.counties} 个县，"
            f"{result.cells} 项数据，其中 {result.suppressed} 项小于5人或为防推算而隐去：{out}"
        )
