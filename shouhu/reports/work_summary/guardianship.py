"""The summary's guardianship parts (监护, 篇十一, 篇十四): under 主要做法 the agreements, the
guardian training and the 无户籍 cases; under 取得成效 the list of 优秀家长 of the term."""

from django.utils.translation import gettext as _

from shouhu.reports.selectors.guardianship import (
    agreements_signed_share_for,
    commendations_read,
    guardians_trained_for,
    unregistered_open_for,
    unsupervised_agreement_missing_for,
)
from shouhu.reports.work_summary.context import SummaryContext
from shouhu.reports.work_summary.document import Part
from shouhu.reports.work_summary.sections import pct


def guardianship_measures(context: SummaryContext) -> list[Part]:
    user, node, term = context.user, context.node, context.term
    signed = agreements_signed_share_for(user, node=node, term=term)
    trained = guardians_trained_for(user, node=node, term=term)
    missing = unsupervised_agreement_missing_for(user, node=node, term=term)
    unregistered = unregistered_open_for(user, node=node, term=term)
    paragraphs = [
        _(
            "需签订委托监护责任确认书的儿童%(whole)d人，已签订且在有效期内%(count)d人，"
            "签订率%(p)s；无人监护儿童中尚缺监护人或确认书%(missing)d人。"
        )
        % {
            "whole": signed.whole,
            "count": signed.count,
            "p": pct(signed.percent),
            "missing": missing,
        },
        _(
            "开展隔代家长培训（家长学校），%(whole)d名委托监护人中%(count)d人本学期参加培训，"
            "参训率%(p)s。"
        )
        % {"whole": trained.whole, "count": trained.count, "p": pct(trained.percent)},
        _("无户籍儿童尚未落户%(n)d人，已逐一报告派出所跟进。") % {"n": unregistered}
        if unregistered
        else _("名册内无户籍儿童均已落户。"),
    ]
    return [
        Part(
            title=_("委托监护与家长培训"),
            paragraphs=paragraphs,
            figures=[
                "agreements_signed_share",
                "unsupervised_agreement_missing",
                "guardians_trained",
                "unregistered_open",
            ],
        )
    ]


def guardianship_results(context: SummaryContext) -> list[Part]:
    commended = commendations_read(context.user, node=context.node, term=context.term)
    if not commended:
        return []
    return [
        Part(
            title=_("优秀家长"),
            paragraphs=[_("本学期评选优秀家长%(n)d名：") % {"n": len(commended)}],
            items=[
                _("%(name)s（%(child)s的%(relation)s，%(school)s）：%(reason)s")
                % {
                    "name": c.person_name,
                    "child": c.child.name,
                    "relation": c.relation,
                    "school": c.child.school_class.school.name,
                    "reason": c.reason,
                }
                for c in commended
            ],
        )
    ]
