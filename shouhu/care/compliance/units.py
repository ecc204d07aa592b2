"""How the oversight pages (compliance, coverage) read a node: who may, and its children grouped
one level down (or by school), with the units' label."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from shouhu.core.roles import Perm
from shouhu.core.scoping import in_scope
from shouhu.org.models import RegionLevel, School
from shouhu.org.selectors import unit_nodes, units_by_school
from shouhu.org.units import level_below, node_code


def check_may_oversee(user, node) -> None:
    """A role without CARE_OVERSEE is a 403; a node outside the user's scope a 404."""
    if not user.has_perm_to(Perm.CARE_OVERSEE):
        raise PermissionDenied
    if node is None or not in_scope(user, node):
        raise Http404


def units_of(node, *, by: str = ""):
    """How a node's children are grouped one level down: (expression, {key: (name, code)})."""
    unit, nodes = unit_nodes(node, prefix="school_class__", by_school=by == "school")
    return unit, {key: (n.name, node_code(n)) for key, n in nodes.items()}


def unit_label(node, *, by: str) -> str:
    """What the units one level down are called: 班级, 学校, or the region level below."""
    if isinstance(node, School):
        return _("班级")
    if units_by_school(node, by_school=by == "school"):
        return _("学校")
    return str(RegionLevel(level_below(node)).label)
