"""The aid part of a work summary (主要做法: 落实资助·救助政策, 篇十四): the amount and the 人次
approved this term, by kind, read from the aid figures."""

from django.utils.translation import gettext as _

from shouhu.reports.selectors.aid import aid_totals
from shouhu.reports.work_summary.context import SummaryContext
from shouhu.reports.work_summary.document import Part, Table


def aid_measures(context: SummaryContext) -> list[Part]:
    """One paragraph of the totals and a table of the kinds given; nothing when none was."""
    totals = aid_totals(context.user, node=context.node, term=context.term)
    given = [k for k in totals.kinds if k.children]
    if not given:
        return []
    sentence = _(
        "落实资助·救助政策，确保不让一名儿童因贫失学。本学期共资助%(times)d人次，"
        "金额%(amount)s元，其中%(kinds)s。"
    ) % {
        "times": totals.children,
        "amount": f"{totals.amount:,.2f}",
        "kinds": "；".join(
            _("%(kind)s%(times)d人次%(amount)s元")
            % {"kind": k.label, "times": k.children, "amount": f"{k.amount:,.2f}"}
            for k in given
        ),
    }
    table = Table(
        headers=[_("资助类型"), _("人次"), _("金额（元）")],
        rows=[[k.label, str(k.children), f"{k.amount:,.2f}"] for k in given],
    )
    return [
        Part(
            title=_("资助·救助"),
            paragraphs=[sentence],
            table=table,
            figures=["aid_amount", "aid_children"],
        )
    ]
