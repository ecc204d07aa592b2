"""`shouhu census --term 2026-2027-1 --scope 511781 --json`: the census figures of any node."""

import json

from django.core.management.base import BaseCommand

from shouhu.reports.management.operator import node_and_term, operator_for
from shouhu.reports.selectors import census_for


class Command(BaseCommand):
    help = "打印某学期某区划或学校的摸底统计（--json 输出 JSON）。"

    def add_arguments(self, parser):
        parser.add_argument("--term", required=True, help="学期代码，如 2026-2027-1")
        parser.add_argument("--scope", required=True, help="区划代码（如 511781）或10位学校标识码")
        parser.add_argument("--json", dest="as_json", action="store_true", help="输出 JSON")

    def handle(self, *args, term, scope, as_json: bool, **options):
        node, the_term = node_and_term(scope, term)
        census = census_for(operator_for(node), node=node, term=the_term)
        data = census.as_dict()
        if as_json:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{data['scope']['name']} {the_term}")
        self.stdout.write(
            f"学生 {data['pupils']}，留守（教育口径）{data['left_behind_education']}"
            f"（{data['percent_education']}%），留守（民政口径）{data['left_behind_civil']}"
            f"（{data['percent_civil']}%）"
        )
        for unit in data["units"]:
            self.stdout.write(
                f"  {unit['code']} {unit['name']}: {unit['left_behind_education']}"
                f" / {unit['pupils']}"
            )
