"""The activities' part of the work summary's 主要做法 (issue 16): the term's events by kind with
their dates and 人次, and the interest groups. Every number is a figure function's value."""

from django.utils.translation import gettext as _

from shouhu.reports.selectors.activities import (
    EventLine,
    activity_children_share_for,
    activity_events_for,
    activity_person_times_for,
    interest_group_coverage_for,
    interest_groups_for,
)
from shouhu.reports.work_summary.context import SummaryContext
from shouhu.reports.work_summary.document import Part
from shouhu.reports.work_summary.sections import month_day, pct

EVENTS_LISTED = 12  # more than this, and the summary counts them month by month and kind
GROUPS_NAMED = 12


def _event_items(events: list[EventLine]) -> list[str]:
    """Each event with its date, or, for a township or county with many, per month and kind."""
    if len(events) <= EVENTS_LISTED:
        return [
            _("%(date)s，%(kind)s“%(title)s”，参加儿童%(n)d人次。")
            % {"date": month_day(e.held_on), "kind": e.label, "title": e.title, "n": e.children}
            for e in events
        ]
    months: dict[tuple[int, int], dict[str, list[int]]] = {}
    for e in events:
        counts = months.setdefault((e.held_on.year, e.held_on.month), {})
        times = counts.setdefault(e.label, [0, 0])
        times[0] += 1
        times[1] += e.children
    return [
        _("%(year)d年%(month)d月：%(list)s。")
        % {
            "year": year,
            "month": month,
            "list": "，".join(
                _("%(kind)s%(n)d次（%(children)d人次）")
                % {"kind": kind, "n": n, "children": children}
                for kind, (n, children) in counts.items()
            ),
        }
        for (year, month), counts in sorted(months.items())
    ]


def activities_measures(context: SummaryContext) -> list[Part]:
    user, node, term = context.user, context.node, context.term
    counts = activity_person_times_for(user, node=node, term=term)
    share = activity_children_share_for(user, node=node, term=term)
    if counts:
        summary = _(
            "本学期共开展活动%(events)d次，参加儿童%(times)d人次：%(list)s。"
            "留守儿童%(whole)d人中，%(count)d人至少参加过一次活动（%(pc)s）。"
        ) % {
            "events": sum(c.events for c in counts),
            "times": sum(c.person_times for c in counts),
            "list": "；".join(
                _("%(kind)s%(n)d次（%(times)d人次）")
                % {"kind": c.label, "n": c.events, "times": c.person_times}
                for c in counts
            ),
            "whole": share.whole,
            "count": share.count,
            "pc": pct(share.percent),
        }
    else:
        summary = _("本学期尚未记录活动。")
    events = Part(
        title=_("活动"),
        paragraphs=[summary],
        items=_event_items(activity_events_for(user, node=node, term=term)),
        figures=["activity_person_times", "activity_children_share", "activity_events"],
    )
    groups = interest_groups_for(user, node=node, term=term)
    coverage = interest_group_coverage_for(user, node=node, term=term)
    if groups:
        names = list(dict.fromkeys(g.name for g in groups))  # a county's schools share names
        named = "、".join(names[:GROUPS_NAMED])
        more = _("等") if len(names) > GROUPS_NAMED else ""
        text = _(
            "开设兴趣小组%(n)d个（%(names)s%(more)s），留守儿童%(whole)d人中%(count)d人"
            "参加了至少一个兴趣小组（%(pc)s）。"
        ) % {
            "n": len(groups),
            "names": named,
            "more": more,
            "whole": coverage.whole,
            "count": coverage.count,
            "pc": pct(coverage.percent),
        }
    else:
        text = _("本学期尚未开设兴趣小组。")
    return [
        events,
        Part(
            title=_("兴趣小组"),
            paragraphs=[text],
            figures=["interest_groups", "interest_group_coverage"],
        ),
    ]
