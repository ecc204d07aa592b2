"""Figures of the activities (活动, 兴趣小组) for a node and a term: 人次 and events by kind, the
share of left-behind children who took part in at least one event, and the share in at least
one interest group. Counted over the activities app's records, cut to the user's scope.

They are counts without names, read by whoever reads the census figures (CENSUS_VIEW): a
subject teacher who records activities sees the school's 人次 too."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from shouhu.activities.models import EventChild, EventKind, InterestGroup
from shouhu.activities.selectors.events import left_behind_in, term_days, took_part_q
from shouhu.activities.selectors.groups import in_group_q
from shouhu.core.replica import read_connection
from shouhu.core.roles import Perm
from shouhu.org.models import Term
from shouhu.org.selectors import class_filter, school_ids_under
from shouhu.registry.models import Child
from shouhu.reports.selectors.base import Node, Share, cached, check_node, figure, node_key


@dataclass(frozen=True)
class KindCount:
    kind: str
    events: int
    person_times: int

    @property
    def label(self) -> str:
        return str(EventKind(self.kind).label)


def _links(user, node: Node, term: Term):
    start, end = term_days(term)
    children = Child.objects.restrict(user).filter(class_filter(node, "school_class__"))
    return EventChild.objects.filter(
        child__in=children.values("pk"), held_on__gte=start, held_on__lte=end
    )


@figure(
    "activity_person_times",
    _("活动人次（按类型）"),
    _(
        "本学期（截至当天）记录的活动次数和参加的本范围儿童人次，按类型；"
        "一名儿童参加一次活动计1人次，兴趣小组活动按出勤计。"
    ),
)
def activity_person_times_for(user, *, node: Node, term: Term) -> list[KindCount]:
    check_node(user, node, Perm.CENSUS_VIEW)

    def compute() -> list[KindCount]:
        # Per event first, then per kind: COUNT(DISTINCT event) sorts every link of the term
        # (on disk at a county's size), two hashed GROUP BYs do not.
        per_event = (
            _links(user, node, term)
            .order_by()
            .values("kind", "event_id")
            .annotate(n=Count("id"))
            .values("kind", "event_id", "n")
        )
        inner_sql, params = per_event.query.sql_with_params()
        sql = f"SELECT kind, COUNT(*), SUM(n) FROM ({inner_sql}) per_event GROUP BY kind"  # noqa: S608
        with read_connection().cursor() as cursor:
            cursor.execute(sql, params)
            rows = {kind: (int(events), int(n)) for kind, events, n in cursor.fetchall()}
        return [
            KindCount(kind=k, events=rows[k][0], person_times=rows[k][1])
            for k in EventKind.values
            if k in rows
        ]

    return cached(("activity_person_times", id(user), node_key(node), term.pk), compute)


def person_times_total(counts: list[KindCount]) -> int:
    return sum(c.person_times for c in counts)


@figure(
    "activity_children_share",
    _("参加活动的留守儿童"),
    _("本学期摸底的留守儿童（教育部门口径）中，本学期（截至当天）至少参加过一次活动的比例。"),
)
def activity_children_share_for(user, *, node: Node, term: Term) -> Share:
    check_node(user, node, Perm.CENSUS_VIEW)

    def compute() -> Share:
        counts = (
            left_behind_in(user, node=node, term=term)
            .annotate(took_part=took_part_q(term))
            .order_by()
            .aggregate(whole=Count("pk"), count=Count("pk", filter=_true("took_part")))
        )
        return Share(count=counts["count"], whole=counts["whole"])

    return cached(("activity_children_share", id(user), node_key(node), term.pk), compute)


@figure(
    "interest_group_coverage",
    _("参加兴趣小组的留守儿童"),
    _(
        "本学期摸底的留守儿童（教育部门口径）中，当天（学期已结束则为最后一天）"
        "至少是一个兴趣小组成员的比例；未参加的儿童列于兴趣小组页。"
    ),
)
def interest_group_coverage_for(user, *, node: Node, term: Term) -> Share:
    check_node(user, node, Perm.CENSUS_VIEW)

    def compute() -> Share:
        _start, day = term_days(term)
        counts = (
            left_behind_in(user, node=node, term=term)
            .annotate(in_group=in_group_q(day))
            .order_by()
            .aggregate(whole=Count("pk"), count=Count("pk", filter=_true("in_group")))
        )
        return Share(count=counts["count"], whole=counts["whole"])

    return cached(("interest_group_coverage", id(user), node_key(node), term.pk), compute)


def _true(name: str) -> Q:
    return Q(**{name: True})


# --- the events and groups, for the work summary's 主要做法 ----------------------------------


@dataclass(frozen=True)
class EventLine:
    held_on: datetime.date
    kind: str
    title: str
    children: int  # 人次 of this event among the children in the reader's scope under the node

    @property
    def label(self) -> str:
        return str(EventKind(self.kind).label)


EVENTS_READ = 2000  # a county's term holds a few hundred events besides the groups' sessions


@figure(
    "activity_events",
    _("活动（按日期）"),
    _("本学期（截至当天）记录的活动（兴趣小组的每周活动除外），按日期，附参加的本范围儿童人次。"),
)
def activity_events_for(user, *, node: Node, term: Term) -> list[EventLine]:
    check_node(user, node, Perm.CENSUS_VIEW)

    def compute() -> list[EventLine]:
        rows = (
            _links(user, node, term)
            .exclude(kind=EventKind.GROUP_SESSION)
            .order_by()
            .values("event_id", "held_on", "kind", "event__title")
            .annotate(children=Count("id"))
            .order_by("held_on", "event_id")[:EVENTS_READ]
        )
        return [
            EventLine(
                held_on=r["held_on"],
                kind=r["kind"],
                title=r["event__title"],
                children=r["children"],
            )
            for r in rows
        ]

    return cached(("activity_events", id(user), node_key(node), term.pk), compute)


@dataclass(frozen=True)
class GroupLine:
    name: str
    school: str
    members: int  # on the term's day, among the children in the reader's scope


@figure(
    "interest_groups",
    _("兴趣小组"),
    _("当天（学期已结束则为最后一天）开设的兴趣小组及其本范围内的成员人数。"),
)
def interest_groups_for(user, *, node: Node, term: Term) -> list[GroupLine]:
    check_node(user, node, Perm.CENSUS_VIEW)

    def compute() -> list[GroupLine]:
        _start, day = term_days(term)
        children = Child.objects.restrict(user).filter(class_filter(node, "school_class__"))
        running = Q(members__joined_on__lte=day) & (
            Q(members__left_on__isnull=True) | Q(members__left_on__gte=day)
        )
        groups = (
            InterestGroup.objects.restrict(user)
            .filter(
                Q(closed_on__isnull=True) | Q(closed_on__gt=day),
                school_id__in=school_ids_under(node),
            )
            .annotate(
                n=Count(
                    "members",
                    filter=running & Q(members__child__in=children.values("pk")),
                    distinct=True,
                )
            )
            .order_by("school__code", "name")
            .values_list("name", "school__name", "n")
        )
        return [GroupLine(name=name, school=school, members=n) for name, school, n in groups]

    return cached(("interest_groups", id(user), node_key(node), term.pk), compute)
