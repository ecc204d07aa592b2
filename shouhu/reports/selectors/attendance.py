"""Figures of attendance (考勤, issue 14) for a node and a term: the attendance rate and the
unexplained absences, left-behind and other children side by side. Counted by schooling's
`attendance_of_node` over the roll calls taken; read here for the dashboard, `shouhu stats` and
the tables, each a function of (user, node, term) and optionally a day."""

import datetime

from django.utils.translation import gettext_lazy as _

from shouhu.core.roles import Perm
from shouhu.org.models import Term
from shouhu.reports.selectors.base import (
    Node,
    Share,
    cached,
    check_node,
    figure,
    node_key,
    reference_day,
)
from shouhu.schooling.selectors.attendance import AttendanceFigures, attendance_of_node


def attendance_figures_for(
    user, *, node: Node, term: Term, day: datetime.date | None = None
) -> AttendanceFigures:
    """The node's attendance on `day`, or over the term up to its reference day (so far)."""
    check_node(user, node, Perm.DASHBOARD_VIEW)
    start, end = (day, day) if day is not None else (term.starts_on, reference_day(term))
    return cached(
        ("attendance", node_key(node), start, end),
        lambda: attendance_of_node(node, start=start, end=end, with_units=False).figures,
    )


@figure(
    "attendance_rate",
    _("出勤率"),
    _(
        "本学期（截至当天）已点名班级的应到人次中实到的比例：（应到人次 − 缺勤人次）÷ 应到人次；"
        "未点名的班级不计。留守儿童（本学期摸底，教育部门口径）和其他儿童分列。"
    ),
)
def attendance_rate_for(user, *, node: Node, term: Term, day: datetime.date | None = None) -> Share:
    f = attendance_figures_for(user, node=node, term=term, day=day)
    return Share(f.expected - f.absent, f.expected)


@figure(
    "unexplained_absences",
    _("无故缺勤"),
    _("本学期（截至当天）点名时原因为“未知”或“旷课”、至今未查明的缺勤人次。"),
)
def unexplained_absences_for(
    user, *, node: Node, term: Term, day: datetime.date | None = None
) -> int:
    return attendance_figures_for(user, node=node, term=term, day=day).unexplained
