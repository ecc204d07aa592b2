"""The quota settings in force at a region or school, with who set each, and the node's own."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from shouhu.care.compliance.quotas import quota_levels
from shouhu.care.models import (
    ActionKind,
)
from shouhu.care.rules import (
    QuotaRule,
    quota_effective,
)
from shouhu.core.roles import Perm
from shouhu.core.scoping import in_scope
from shouhu.org.models import Region, School


@dataclass
class QuotaSettings:
    node: Region | School
    effective: list[QuotaRule]
    own: dict[str, QuotaRule]
    above: dict[str, QuotaRule]


def quota_settings_for(user, *, node) -> QuotaSettings:
    """The quotas in force at a region or school, with who set each, and the node's own."""
    if not user.has_perm_to(Perm.QUOTA_MANAGE):
        raise PermissionDenied
    if not isinstance(node, (Region, School)) or not in_scope(user, node):
        raise Http404
    if isinstance(node, School):
        levels = quota_levels(region_code=node.region_id, school=node)
    else:
        levels = quota_levels(region_code=node.code)
    order = {k: i for i, k in enumerate(ActionKind.values)}
    effective = sorted(quota_effective(levels).values(), key=lambda r: order[r.kind])
    return QuotaSettings(
        node=node,
        effective=effective,
        own={r.kind: r for r in levels[-1]},
        above=quota_effective(levels[:-1]),
    )
