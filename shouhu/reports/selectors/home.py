"""Figures of the Left-behind Children's Home, reading and awards (issue 16) for a node and a
term: `home_days_recorded`, `family_calls`, `reading_finished_share`, `awards` (and chores).
The counting is the activities app's own selectors; this module registers them, checks the
node and caches them for one piece of work."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from shouhu.activities.models import AwardKind
from shouhu.activities.selectors.home import family_calls_count, home_days_recorded_count
from shouhu.activities.selectors.reading import (
    awards_summary,
    chores_count,
    reading_finished_count,
)
from shouhu.core.roles import Perm
from shouhu.org.models import Term
from shouhu.reports.selectors.base import Node, Share, cached, check_node, figure, node_key


def _key(name: str, user, node: Node, term: Term) -> tuple:
    return (name, id(user), node_key(node), term.pk)


@figure(
    "home_days_recorded",
    _("留守儿童之家值班记录率"),
    _(
        "本学期值班表上已过去的上课日（今天不计；学期结束后为全部）中，值班教师已记录当天情况的"
        "天数及比例；未记录的为逾期。"
    ),
)
def home_days_recorded_for(user, *, node: Node, term: Term) -> Share:
    check_node(user, node, Perm.CARE_OVERSEE)
    counted = cached(
        _key("home_days", user, node, term),
        lambda: home_days_recorded_count(user, node=node, term=term),
    )
    return Share(counted.recorded, counted.due)


@dataclass(frozen=True)
class FamilyCalls:
    calls: int
    children: int
    minutes: int


@figure(
    "family_calls",
    _("亲情通话"),
    _(
        "本学期（截至当天）在留守儿童之家进行的亲情通话次数、通话儿童人数和通话总分钟数；预约未通话的不计。"
    ),
)
def family_calls_for(user, *, node: Node, term: Term) -> FamilyCalls:
    check_node(user, node, Perm.CARE_OVERSEE)
    counted = cached(
        _key("family_calls", user, node, term),
        lambda: family_calls_count(user, node=node, term=term),
    )
    return FamilyCalls(counted.calls, counted.children, counted.minutes)


@figure(
    "reading_finished_share",
    _("读完一本书的留守儿童"),
    _("本学期摸底的留守儿童（教育部门口径）中，已登记读完本学期一本书的人数及比例。"),
)
def reading_finished_share_for(user, *, node: Node, term: Term) -> Share:
    check_node(user, node, Perm.CARE_OVERSEE)
    counted = cached(
        _key("reading", user, node, term),
        lambda: reading_finished_count(user, node=node, term=term),
    )
    return Share(counted.finished, counted.whole)


@dataclass(frozen=True)
class AwardCount:
    kind: str
    title: str
    count: int

    @property
    def label(self) -> str:
        kind = str(AwardKind(self.kind).label)
        return self.title if self.title == kind else f"{kind}·{self.title}"


@figure(
    "awards",
    _("评比表彰"),
    _("本学期的五小、三评和优秀家长表彰人数，按类别和称号；统计只计人数，不列姓名。"),
)
def awards_for(user, *, node: Node, term: Term) -> list[AwardCount]:
    check_node(user, node, Perm.CARE_OVERSEE)
    lines = cached(
        _key("awards", user, node, term),
        lambda: awards_summary(user, node=node, term=term),
    )
    return [AwardCount(a.kind, a.title, a.count) for a in lines]


@figure(
    "chores_share",
    _("参加家务劳动"),
    _("本学期班主任已填写的儿童中，参加家务劳动的人数及比例（篇十）。"),
)
def chores_share_for(user, *, node: Node, term: Term) -> Share:
    check_node(user, node, Perm.CARE_OVERSEE)
    counted = cached(
        _key("chores", user, node, term), lambda: chores_count(user, node=node, term=term)
    )
    return Share(counted.yes, counted.answered)
