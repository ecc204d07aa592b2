"""`shouhu census [--term 2026-2027-1] --scope 511781 [--as USERNAME] --json`: the census
figures of any node, by default in the current term, as the operator or as an account sees
them."""

import json

from django.core.management.base import BaseCommand

from shouhu.reports.management.arguments import (
    reader_and_node,
    reader_arguments,
    scope_enforced,
    term_named,
)
from shouhu.reports.selectors import census_for


class Command(BaseCommand):
    help = "打印某学期某区划或学校的摸底统计（--json 输出 JSON）。"

    def add_arguments(self, parser):
        reader_arguments(parser)
        parser.add_argument("--json", dest="as_json", action="store_true", help="输出 JSON")

    def handle(self, *args, term, scope, username, as_json: bool, **options):
        reader, node = reader_and_node(scope, username)
        the_term = term_named(term)
        with scope_enforced(reader, scope or ""):
            census = census_for(reader, node=node, term=the_term)
        data = census.as_dict() | {"as": username}
        if as_json:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{data['scope']['name']} {the_term}（{the_term.code}）")
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
