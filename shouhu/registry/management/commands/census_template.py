"""`shouhu census-template OUT.xlsx`: write the census template."""

from pathlib import Path

from django.core.management.base import BaseCommand

from shouhu.registry.census_sheets.template import census_template_xlsx


class Command(BaseCommand):
    help = "生成摸底名册导入模板（含下拉选项和填写说明）。"

    def add_arguments(self, parser):
        parser.add_argument("out", help="输出文件，如 摸底名册模板.xlsx")

    def handle(self, *args, out: str, **options):
        Path(out).write_bytes(census_template_xlsx())
        self.stdout.write(f"已生成模板：{out}")
