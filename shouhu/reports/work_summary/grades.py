"""The 取得成效 part of the work summary that grades write: the share of left-behind children
who improved (篇九 "over 90% of left-behind children improved"), with its rule in the annex."""

from django.utils import timezone
from django.utils.translation import gettext as _

from shouhu.reports.selectors.grades import improved_share_for
from shouhu.reports.work_summary.context import SummaryContext
from shouhu.reports.work_summary.document import Part
from shouhu.reports.work_summary.sections import pct


def grades_results(context: SummaryContext) -> list[Part]:
    share = improved_share_for(context.user, node=context.node, term=context.term)
    if not share.whole:
        text = _("本学期尚无可与上学期期末比较的留守儿童成绩。")
    else:
        so_far = context.term.ends_on >= timezone.localdate()
        text = _(
            "%(so_far)s参与比较的留守儿童%(whole)d人中，%(count)d人成绩进步（班级百分位名次"
            "上升），占%(p)s。"
        ) % {
            "so_far": _("截至目前，") if so_far else "",
            "whole": share.whole,
            "count": share.count,
            "p": pct(share.percent),
        }
    return [Part(title=_("学业进步"), paragraphs=[text], figures=["improved_share"])]
