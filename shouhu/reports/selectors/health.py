"""Figures of health and safety (issue 15: 健康, 应急机制): checks done in the year, follow-ups
open, incidents and lectures, for a node and a term. The counts are welfare's
(`welfare.selectors.health`); this module chooses the day and the children in the scope. They
are counts without names: whoever oversees the care work reads them, whatever the privacy
matrix says of the records themselves."""

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from shouhu.core.roles import Perm
from shouhu.org.models import Region, School, SchoolClass, Term
from shouhu.org.selectors import class_filter, schools_under
from shouhu.registry.models import Child
from shouhu.reports.selectors.base import (
    Node,
    Share,
    cached,
    check_node,
    figure,
    node_key,
    reference_day,
)
from shouhu.welfare.models import Incident, Lecture
from shouhu.welfare.selectors.health import checked_q, children_due_q, follow_ups_open


def _children_in(user, node: Node):
    return Child.objects.restrict(user).filter(class_filter(node, "school_class__"))


@figure(
    "health_checked_share",
    _("体检覆盖率"),
    _("在册儿童中，本年（1月1日至学期内的当天）已体检的比例。"),
)
def health_checked_share_for(user, *, node: Node, term: Term) -> Share:
    check_node(user, node, Perm.CARE_OVERSEE)
    day = reference_day(term)

    def count() -> Share:
        due = _children_in(user, node).filter(children_due_q(day))
        row = due.aggregate(whole=Count("pk"), count=Count("pk", filter=checked_q(day)))
        return Share(count=row["count"], whole=row["whole"])

    return cached(("health_checked", id(user), node_key(node), term.pk), count)


@figure(
    "health_follow_ups_open",
    _("体检待复查"),
    _("截至学期内的当天，体检结论需要复查而尚未复查的人次。"),
)
def health_follow_ups_open_for(user, *, node: Node, term: Term) -> int:
    check_node(user, node, Perm.CARE_OVERSEE)
    day = reference_day(term)
    return cached(
        ("health_follow_ups", id(user), node_key(node), term.pk),
        lambda: follow_ups_open(_children_in(user, node), day),
    )


@figure(
    "incidents",
    _("安全事件"),
    _("发生在本学期内（截至当天）的安全事件数（含重大事件）。"),
)
def incidents_for(user, *, node: Node, term: Term) -> int:
    check_node(user, node, Perm.CARE_OVERSEE)
    day = reference_day(term)
    return cached(
        ("incidents", id(user), node_key(node), term.pk),
        lambda: Incident.objects.filter(
            child__in=_children_in(user, node),
            happened_at__date__gte=term.starts_on,
            happened_at__date__lte=day,
        ).count(),
    )


@figure(
    "lecture_person_times",
    _("安全·法制·心理教育讲座人次"),
    _("本学期内（截至当天）单位内学校开展的讲座参加人次。"),
)
def lecture_person_times_for(user, *, node: Node, term: Term) -> int:
    check_node(user, node, Perm.CARE_OVERSEE)
    day = reference_day(term)

    def count() -> int:
        rows = Lecture.objects.filter(held_on__range=(term.starts_on, day))
        rows = rows.filter(school__in=_schools_in(node))
        return rows.aggregate(n=Sum("attendance"))["n"] or 0

    return cached(("lecture_person_times", id(user), node_key(node), term.pk), count)


def _schools_in(node: Node):
    if isinstance(node, SchoolClass):
        return School.objects.filter(pk=node.school_id)
    if isinstance(node, School):
        return School.objects.filter(pk=node.pk)
    assert isinstance(node, Region)
    return schools_under(node)
