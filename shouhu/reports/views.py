"""The term census page (/census/): figures for any node of the tree, with drill-down."""

from django.shortcuts import render

from shouhu.accounts.roles import Perm
from shouhu.core.views import permission_required
from shouhu.org.models import SchoolClass
from shouhu.org.selectors import (
    class_in_scope,
    node_by_code,
    term_by_code,
    term_current,
    terms_all,
    user_scope_node,
)
from shouhu.registry.models import Flag
from shouhu.reports.selectors import DEFINITIONS, LEFT_BEHIND_CATEGORIES, census_for


@permission_required(Perm.CENSUS_VIEW)
def census(request):
    """1. Pick the node (?scope=CODE or ?class=ID, default: the user's scope node).
    2. Pick the term (?term=CODE, default: the current term).
    3. Count, compare with the previous term, and list the next level down."""
    user = request.user
    if request.GET.get("class"):
        node = class_in_scope(user, request.GET["class"])
    elif request.GET.get("scope"):
        node = node_by_code(request.GET["scope"])
    else:
        node = user_scope_node(user)
    term = term_by_code(request.GET["term"]) if request.GET.get("term") else term_current()
    result = census_for(user, node=node, term=term) if term and node else None
    return render(
        request,
        "reports/census.html",
        {
            "census": result,
            "terms": terms_all(),
            "term": term,
            "category_rows": _rows(result, "by_category", LEFT_BEHIND_CATEGORIES),
            "flag_rows": _rows(result, "by_flag", list(Flag)),
            "definitions": DEFINITIONS,
            "units_are_classes": result is not None
            and bool(result.units)
            and isinstance(result.units[0].node, SchoolClass),
        },
    )


def _rows(result, attribute: str, choices) -> list[tuple]:
    """(label, this term, previous term) for each category or flag."""
    if result is None:
        return []
    now = getattr(result.figures, attribute)
    before = getattr(result.previous, attribute) if result.previous else {}
    return [(c.label, now.get(c.value, 0), before.get(c.value)) for c in choices]
