"""`shouhu stats --scope 511781 [--term 2026-2027-1] [--as USERNAME] --json`: every figure of a
node and a term (by default the current one), read from the same figure functions as the
dashboard, the tables and the summary, as the operator or as an account sees them."""

import dataclasses
import datetime
import json
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand

from shouhu.care.rules import Period
from shouhu.org.models import Region, School, SchoolClass, Term
from shouhu.org.units import node_code
from shouhu.reports.management.arguments import (
    reader_and_node,
    reader_arguments,
    refused,
    scope_enforced,
    term_named,
)
from shouhu.reports.selectors import FIGURES, figures_cached


def plain(value):
    """A figure's value as JSON: shares and records as objects, nodes and terms by code."""
    if hasattr(value, "as_dict"):
        return plain(value.as_dict())
    if isinstance(value, (Region, School, SchoolClass)):
        return {"code": node_code(value), "name": value.name}
    if isinstance(value, Term):
        return value.code
    if isinstance(value, Period):
        return value.key
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):  # an amount in 元 (aid_amount)
        return float(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        return {k: plain(v) for k, v in fields.items()} | _extras(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def _extras(value) -> dict:
    extras = {}
    for name in ("percent", "label", "in_progress"):
        if isinstance(getattr(type(value), name, None), property):
            extras[name] = getattr(value, name)
    return extras


def stats_read(*, scope: str | None, term: str | None, username: str | None) -> dict:
    """Every figure of a node and a term as `shouhu stats --json` prints it (and `shouhu
    restore` compares it with the backup's): the node, the term, the figures withheld from the
    reader, and each figure's label, definition and value."""
    reader, node = reader_and_node(scope, username)
    the_term = term_named(term)
    values, withheld = {}, []
    with figures_cached(), scope_enforced(reader, scope or ""):
        for key, figure in FIGURES.items():
            try:
                values[key] = plain(figure.function(reader, node=node, term=the_term))
            except PermissionDenied:  # a figure the account's role may not see
                withheld.append(key)
    if not values:
        raise refused(reader)
    return {
        "scope": {"code": node_code(node), "name": node.name},
        "term": the_term.code,
        "as": username,
        "withheld": withheld,
        "figures": {
            key: {
                "label": str(FIGURES[key].label),
                "definition": str(FIGURES[key].definition),
                "value": value,
            }
            for key, value in values.items()
        },
    }


def stats_lines(data: dict) -> list[str]:
    """The figures of `stats_read` as the command prints them without --json: the node and the
    term, then the numbers and the shares, one a line."""
    lines = [f"{data['scope']['name']} {term_named(data['term'])}（{data['term']}）"]
    for figure in data["figures"].values():
        value = figure["value"]
        if isinstance(value, (int, float)) or value is None:
            lines.append(f"  {figure['label']}：{value}")
        elif isinstance(value, dict) and "count" in value:
            lines.append(f"  {figure['label']}：{value['count']}（{value['percent']}%）")
    return lines


class Command(BaseCommand):
    help = "打印某学期某区划或学校的全部统计指标（--json 输出 JSON），口径与看板、报表、总结相同。"

    def add_arguments(self, parser):
        reader_arguments(parser, withheld="；无权查看的指标不列出")
        parser.add_argument("--json", dest="as_json", action="store_true", help="输出 JSON")

    def handle(self, *args, scope, term, username, as_json: bool, **options):
        data = stats_read(scope=scope, term=term, username=username)
        if as_json:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write("\n".join(stats_lines(data)))
