"""Figures of aid (资助·救助, 篇十四) for a node and a term: the amount approved (金额, 元) and
the children aided (人次), by kind, for the node and for each unit one level down. Read from
welfare's own selector (`aid_totals_for`, approved records that count), never counted again.
A term not yet ended is "so far"."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhu.core.roles import Perm
from shouhu.org.models import Term
from shouhu.org.selectors import class_filter, unit_nodes
from shouhu.org.units import node_code
from shouhu.reports.rollup.national import reads_rollups, rollup_cells, rollup_count
from shouhu.reports.selectors.base import Node, cached, check_node, figure, node_key
from shouhu.welfare.models.aid import AidKind, AidRecord
from shouhu.welfare.selectors.aid import AidTotals, KindTotal, aid_totals_for


def aid_totals(user, *, node: Node, term: Term) -> AidTotals:
    """welfare's totals of the node and term, read once in a piece of work."""
    check_node(user, node, Perm.DASHBOARD_VIEW)
    return cached(
        ("aid_totals", id(user), node_key(node), term.pk),
        lambda: aid_totals_for(user, node=node, term=term),
    )


@figure(
    "aid_amount",
    gettext_lazy("资助·救助金额（元）"),
    gettext_lazy(
        "本学期已批准的资助·救助金额合计（元），含学校审批和民政部门认定的各类资助；"
        "被更正的记录以更正后的为准；学期未结束时为截至目前。"
    ),
)
def aid_amount_for(user, *, node: Node, term: Term) -> Decimal:
    if reads_rollups(node):  # a national instance (issue 18)
        check_node(user, node, Perm.DASHBOARD_VIEW)
        return Decimal(str(rollup_cells(node, term).values.get("aid.amount", 0))).quantize(
            Decimal("0.01")
        )
    return aid_totals(user, node=node, term=term).amount


@figure(
    "aid_children",
    gettext_lazy("资助·救助人次"),
    gettext_lazy(
        "本学期已批准的资助·救助记录数（人次）：一名儿童获得两类资助计两人次；"
        "学期未结束时为截至目前。"
    ),
)
def aid_children_for(user, *, node: Node, term: Term) -> int:
    if reads_rollups(node):  # a national instance (issue 18)
        check_node(user, node, Perm.DASHBOARD_VIEW)
        return rollup_count(node, term, "aid.children")
    return aid_totals(user, node=node, term=term).children


def aid_units(user, *, node: Node, term: Term, by_school: bool = False) -> dict[str, AidTotals]:
    """Each unit one level down (by its code, `node_code`) with its totals by kind: one query."""
    check_node(user, node, Perm.DASHBOARD_VIEW)
    key, units = unit_nodes(node, prefix="school_class__", by_school=by_school)
    if key is None:
        return {}
    rows = (
        AidRecord.objects.restrict(user)
        .effective()
        .filter(class_filter(node, "school_class__"), term=term)
        .annotate(unit=key)
        .order_by()
        .values("unit", "kind")
        .annotate(amount=Sum("amount"), n=Count("pk"))
    )
    found: dict[object, dict[str, tuple[Decimal, int]]] = defaultdict(dict)
    for row in rows:
        found[row["unit"]][row["kind"]] = (row["amount"], row["n"])
    result = {}
    for unit_key, unit in units.items():
        kinds = found.get(unit_key, {})
        result[node_code(unit)] = AidTotals(
            kinds=[
                KindTotal(
                    kind=k.value,
                    label=str(k.label),
                    amount=kinds.get(k.value, (Decimal("0.00"), 0))[0],
                    children=kinds.get(k.value, (Decimal("0.00"), 0))[1],
                )
                for k in AidKind
            ]
        )
    return result


def aid_values(totals: AidTotals | None) -> list:
    """A workbook row: 金额 and 人次 of each kind, then of all kinds."""
    if totals is None:
        totals = AidTotals(
            kinds=[
                KindTotal(kind=k.value, label=str(k.label), amount=Decimal("0.00"), children=0)
                for k in AidKind
            ]
        )
    values: list = []
    for k in totals.kinds:
        values += [float(k.amount), k.children]
    return [*values, float(totals.amount), totals.children]


def aid_headers() -> list[str]:
    headers = []
    for kind in AidKind:
        headers += [
            _("%(kind)s金额（元）") % {"kind": kind.label},
            _("%(kind)s人次") % {"kind": kind.label},
        ]
    return [*headers, _("合计金额（元）"), _("合计人次")]


def aid_workbook_table(user, *, node: Node, term: Term):
    """The workbook's 资助救助 sheet as its table tuple: (title, heading, headers, a unit's
    values, the total's values, the figures defined)."""
    units = aid_units(user, node=node, term=term)
    total = aid_totals(user, node=node, term=term)
    return (
        _("资助救助"),
        _("%(unit)s%(term)s资助·救助情况表"),
        aid_headers(),
        lambda u: aid_values(units.get(u.code)),
        aid_values(total),
        ["aid_amount", "aid_children"],
    )
