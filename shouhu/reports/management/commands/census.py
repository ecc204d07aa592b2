"""`shouhu census --term 2026-2027-1 --scope 511781 --json`: the census figures of any node."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from shouhu.accounts.models import User
from shouhu.accounts.roles import Role
from shouhu.org.models import Region, RegionLevel
from shouhu.org.selectors import node_by_code, term_by_code
from shouhu.reports.selectors import census_for


class Command(BaseCommand):
    help = "打印某学期某区划或学校的摸底统计（--json 输出 JSON）。"

    def add_arguments(self, parser):
        parser.add_argument("--term", required=True, help="学期代码，如 2026-2027-1")
        parser.add_argument("--scope", required=True, help="区划代码（如 511781）或10位学校标识码")
        parser.add_argument("--json", dest="as_json", action="store_true", help="输出 JSON")

    def handle(self, *args, term, scope, as_json: bool, **options):
        try:
            node = node_by_code(scope)
            the_term = term_by_code(term)
        except Http404 as exc:
            raise CommandError(f"找不到：{exc}") from None
        # The command runs with the authority of the whole province the node lies in: it is an
        # operator's tool on the server, like `shouhu dbshell`, not a user's view.
        census = census_for(_operator_for(node), node=node, term=the_term)
        data = census.as_dict()
        if as_json:
            self.stdout.write(_dumps(data))
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


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def _operator_for(node) -> User:
    """An unsaved region officer whose scope is the province above the node."""
    code = node.code if isinstance(node, Region) else node.region_id
    province = Region(code=code[:2].ljust(12, "0"), name="", level=RegionLevel.PROVINCE)
    operator = User(username="shouhu-cli", role=Role.REGION_OFFICER, is_active=True)
    operator.scope_region = province
    operator.scope_region_id = province.code
    return operator
