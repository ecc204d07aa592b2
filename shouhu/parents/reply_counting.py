"""Whether a teacher's reply to a parent's message counts toward the 与家长通话 quota: a switch
per region (`ReplyCountSetting`), the nearest region up the tree that has one deciding, and
SHOUHU_PARENT_REPLY_COUNTS where none has.

`parent_reply_counts` is the one function that reads it. The reply service asks it when the
reply is written: a counted reply is recorded as a care action of kind 与家长通话 by the teacher,
so every compliance figure (the pages, the month close, `stats`) counts that care action and no
figure reads the switch again. A figure therefore does not depend on who asks, and a closed
month does not change when the switch changes later: each reply follows the rule in force on the
day it was written (the history keeps which one that was).
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhu.accounts.models import User
from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record
from shouhu.core.roles import Perm
from shouhu.core.scoping import in_scope
from shouhu.org.models import Region, School
from shouhu.parents.models import ReplyCountSetting


@dataclass(frozen=True)
class ReplyCountRule:
    """The switch in force at a node and where it comes from (a region's name, or the system)."""

    counts: bool
    source: str
    own: bool = False


def _rule(region_code: str) -> ReplyCountRule:
    """The switch of the nearest region at or above `region_code` that has one (region codes
    start with their ancestors' prefixes); the system default otherwise."""
    best: ReplyCountSetting | None = None
    for row in ReplyCountSetting.objects.select_related("region"):
        prefix = row.region.prefix
        if region_code.startswith(prefix) and (
            best is None or len(prefix) > len(best.region.prefix)
        ):
            best = row
    if best is None:
        return ReplyCountRule(counts=settings.SHOUHU_PARENT_REPLY_COUNTS, source=_("系统默认"))
    return ReplyCountRule(
        counts=best.counts, source=best.region.name, own=best.region_id == region_code
    )


def parent_reply_counts(region_code: str) -> bool:
    """Does a reply to a parent about a child of a school in this region count toward the
    与家长通话 quota? The one reader of the switch."""
    return _rule(region_code).counts


def reply_count_rule_at(node: Region | School) -> ReplyCountRule:
    """The switch in force at a region or school (for the settings page)."""
    if isinstance(node, School):
        rule = _rule(node.region_id)
        return ReplyCountRule(counts=rule.counts, source=rule.source)
    return _rule(node.code)


@dataclass(frozen=True)
class ReplyCountChange:
    counts: bool
    by: str
    at: object


def reply_count_history(region: Region, *, limit: int = 20) -> list[ReplyCountChange]:
    """The region's changes of the switch, newest first."""
    rows = (
        ReplyCountSetting.history.filter(region_id=region.code)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )
    return [
        ReplyCountChange(counts=r.counts, by=str(r.history_user or ""), at=r.history_date)
        for r in rows
    ]


@transaction.atomic
def reply_count_set(
    *, actor: User, region: Region, counts: bool, request: HttpRequest | None = None
) -> ReplyCountSetting:
    """Set the region's switch (it then holds below it where no region has its own). Kept in
    the history and logged."""
    if not actor.has_perm_to(Perm.QUOTA_MANAGE):
        raise PermissionDenied(_("您没有设置关爱要求的权限。"))
    if not in_scope(actor, region):
        raise PermissionDenied(_("该单位不在您的管辖范围内。"))
    row = ReplyCountSetting.objects.filter(region=region).first() or ReplyCountSetting(
        region=region
    )
    row.counts, row.set_by, row.set_at = counts, actor, timezone.now()
    row._history_user = actor  # type: ignore[attr-defined]
    row.full_clean()
    row.save()
    access_record(
        user=actor,
        action=AccessAction.UPDATE,
        query=_("家长留言回复计入与家长通话：%(region)s %(value)s")
        % {"region": region.name, "value": _("计入") if counts else _("不计入")},
        request=request,
    )
    return row
