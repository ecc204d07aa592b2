"""主要做法 of the work summary: the Left-behind Children's Home (its days kept and its family
calls), reading and awards (issue 16). Figures only: the awards are counted, never named (a
summary leaves the system; docs/privacy.md, Documents)."""

from django.utils.translation import gettext as _

from shouhu.reports.selectors.home import (
    awards_for,
    chores_share_for,
    family_calls_for,
    home_days_recorded_for,
    reading_finished_share_for,
)
from shouhu.reports.work_summary.context import SummaryContext
from shouhu.reports.work_summary.document import Part
from shouhu.reports.work_summary.sections import pct


def home_measures(context: SummaryContext) -> list[Part]:
    user, node, term = context.user, context.node, context.term
    days = home_days_recorded_for(user, node=node, term=term)
    calls = family_calls_for(user, node=node, term=term)
    home = Part(
        title=_("留守儿童之家"),
        paragraphs=[
            _(
                "留守儿童之家每天安排教师值班。本学期已过值班日%(due)d天，值班教师记录%(done)d天"
                "（%(pc)s）；亲情电话、视频共通话%(calls)d次，%(children)d名儿童与父母通话，"
                "累计%(minutes)d分钟。"
            )
            % {
                "due": days.whole,
                "done": days.count,
                "pc": pct(days.percent),
                "calls": calls.calls,
                "children": calls.children,
                "minutes": calls.minutes,
            }
            if days.whole or calls.calls
            else _("本学期尚未记录留守儿童之家的值班和亲情通话。")
        ],
        figures=["home_days_recorded", "family_calls"],
    )
    reading = reading_finished_share_for(user, node=node, term=term)
    chores = chores_share_for(user, node=node, term=term)
    sentence = _(
        "开展“一学期读一本好书、写一篇读后感”活动，%(whole)d名留守儿童中%(n)d人读完（%(pc)s）。"
    ) % {
        "whole": reading.whole,
        "n": reading.count,
        "pc": pct(reading.percent),
    }
    if chores.whole:
        sentence += _("班主任了解的%(whole)d名儿童中%(n)d人参加家务劳动（%(pc)s）。") % {
            "whole": chores.whole,
            "n": chores.count,
            "pc": pct(chores.percent),
        }
    awards = awards_for(user, node=node, term=term)
    listed = "；".join(_("%(label)s%(n)d人") % {"label": a.label, "n": a.count} for a in awards)
    reading_part = Part(
        title=_("读书和评比表彰"),
        paragraphs=[
            sentence,
            _("本学期评比表彰：%(list)s。") % {"list": listed}
            if awards
            else _("本学期尚未记录评比表彰。"),
        ],
        figures=["reading_finished_share", "chores_share", "awards"],
    )
    return [home, reading_part]
