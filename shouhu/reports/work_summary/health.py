"""The work summary's health and safety (issue 15, 篇六 体检, 篇七 应急, 篇十 安全教育): what
was done (主要做法: lectures, incidents handled) and what it achieved (取得成效: checks done,
follow-ups open). Figures only, no child's name or health."""

from django.utils.translation import gettext as _

from shouhu.reports.selectors.health import (
    health_checked_share_for,
    health_follow_ups_open_for,
    incidents_for,
    lecture_person_times_for,
)
from shouhu.reports.work_summary.context import SummaryContext
from shouhu.reports.work_summary.document import Part
from shouhu.reports.work_summary.sections import pct


def safety_measures(context: SummaryContext) -> list[Part]:
    user, node, term = context.user, context.node, context.term
    times = lecture_person_times_for(user, node=node, term=term)
    incidents = incidents_for(user, node=node, term=term)
    paragraphs = [
        _("本学期开展安全、法制和心理健康教育讲座，参加%(times)d人次。") % {"times": times}
        if times
        else _("本学期尚未记录安全、法制和心理健康教育讲座。"),
        _("本学期记录并处置安全事件%(n)d起，均按应急联系链通知监护人和有关部门。")
        % {"n": incidents}
        if incidents
        else _("本学期未发生需记录的安全事件。"),
    ]
    return [
        Part(
            title=_("安全教育和应急处置"),
            paragraphs=paragraphs,
            figures=["lecture_person_times", "incidents"],
        )
    ]


def health_results(context: SummaryContext) -> list[Part]:
    user, node, term = context.user, context.node, context.term
    share = health_checked_share_for(user, node=node, term=term)
    open_ = health_follow_ups_open_for(user, node=node, term=term)
    return [
        Part(
            title=_("健康体检"),
            paragraphs=[
                _(
                    "本年在册儿童%(whole)d人，已体检%(count)d人，体检覆盖率%(pc)s；待复查%(open)d人次。"
                )
                % {
                    "whole": share.whole,
                    "count": share.count,
                    "pc": pct(share.percent),
                    "open": open_,
                }
            ],
            figures=["health_checked_share", "health_follow_ups_open"],
        )
    ]
