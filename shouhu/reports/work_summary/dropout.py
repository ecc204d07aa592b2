"""The work summary's 控辍保学 paragraph (取得成效): suspected dropouts found, children persuaded
back to school, those still away, and the retention rate (巩固率), from the dropout figures."""

from django.utils.translation import gettext as _

from shouhu.core.visibility import may_read_dropout
from shouhu.reports.selectors.dropout import (
    dropout_cases_open_for,
    retention_rate_for,
    returned_to_school_for,
    suspected_dropouts_for,
)
from shouhu.reports.work_summary.context import SummaryContext
from shouhu.reports.work_summary.document import Part
from shouhu.reports.work_summary.sections import pct


def dropout_results(context: SummaryContext) -> list[Part]:
    user, node, term = context.user, context.node, context.term
    if not may_read_dropout(user):
        return []
    retention = retention_rate_for(user, node=node, term=term)
    return [
        Part(
            title=_("控辍保学"),
            paragraphs=[
                _(
                    "本学期排查疑似辍学%(suspected)d人次，劝返复学%(returned)d人，目前尚未返校"
                    "%(open)d人；巩固率%(rate)s（%(still)d/%(cohort)d）。"
                )
                % {
                    "suspected": suspected_dropouts_for(user, node=node, term=term),
                    "returned": returned_to_school_for(user, node=node, term=term),
                    "open": dropout_cases_open_for(user, node=node, term=term),
                    "rate": pct(retention.percent),
                    "still": retention.count,
                    "cohort": retention.whole,
                }
            ],
            figures=[
                "suspected_dropouts",
                "returned_to_school",
                "dropout_cases_open",
                "retention_rate",
            ],
        )
    ]
