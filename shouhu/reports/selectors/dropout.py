"""Figures of 控辍保学 (issue 14), read from the schooling app's ledgers: suspected dropouts,
open cases, children back in school, the written reports overdue, the poverty alert and the
retention rate (巩固率). Each is a function of (user, node, term), read on the term's reference
day (today while it runs: so far)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from shouhu.core.roles import Perm
from shouhu.core.visibility import may_read_dropout
from shouhu.org.models import Term
from shouhu.org.selectors import class_filter
from shouhu.reports.rollup.national import reads_rollups, rollup_count
from shouhu.reports.selectors.base import (
    Node,
    Share,
    cached,
    check_node,
    figure,
    reference_day,
)
from shouhu.schooling.models.dropout import (
    CaseState,
    DropoutCase,
    DropoutCause,
    SuspectedDropout,
)
from shouhu.schooling.selectors.dropout import children_with_aid, retention_for


def _check(user, node: Node) -> None:
    """403 for a role the privacy matrix keeps out of dropout cases; 404 outside the scope.
    Inside, every row of the node counts, whoever asks."""
    if not may_read_dropout(user):
        raise PermissionDenied
    check_node(user, node, Perm.CHILD_VIEW)


def _cases(user, node: Node):
    _check(user, node)
    return DropoutCase.objects.filter(class_filter(node, "child__school_class__"))


def _open_on(user, node: Node, term: Term):
    """Cases not back in school on the day: registered by then, neither returned nor closed
    by then; a case closed as mistaken never counts."""
    day = reference_day(term)
    return (
        _cases(user, node)
        .filter(registered_on__lte=day)
        .exclude(state=CaseState.MISTAKEN)
        .exclude(returned_on__lte=day)
        .exclude(closed_on__lte=day)
    )


@figure(
    "suspected_dropouts",
    _("疑似辍学"),
    _(
        "学期内（至今）列入疑似辍学学生台账的人次：连续无故缺勤、开学第一周未到校、离开名册无转学手续或学籍比对名在人不在。"
    ),
)
def suspected_dropouts_for(user, *, node: Node, term: Term) -> int:
    _check(user, node)
    if reads_rollups(node):  # a national instance (issue 18)
        return rollup_count(node, term, "dropout.suspected")
    return SuspectedDropout.objects.filter(
        class_filter(node, "child__school_class__"),
        found_on__gte=term.starts_on,
        found_on__lte=reference_day(term),
    ).count()


def _open_counts(user, node: Node, term: Term) -> dict:
    """Open cases, those whose written report is overdue, and the poverty cases' children, in
    one query (the dashboard reads the three)."""

    def read() -> dict:
        day = reference_day(term)
        rows = list(
            _open_on(user, node, term).values_list(
                "child_id", "cause", "report_due_on", "report_filed_on"
            )
        )
        return {
            "open": len(rows),
            "overdue": sum(
                1 for _c, _k, due, filed in rows if due <= day and (filed is None or filed > day)
            ),
            "poor": [c for c, cause, _d, _f in rows if cause == DropoutCause.POVERTY],
        }

    return cached(("dropout_open", user.pk, type(node).__name__, node.pk, term.pk), read)


@figure(
    "dropout_cases_open",
    _("辍学未返校"),
    _("已登记辍学、在当天（学期已结束则为最后一天）尚未复学或结案的学生人数（误报不计）。"),
)
def dropout_cases_open_for(user, *, node: Node, term: Term) -> int:
    if reads_rollups(node):  # a national instance (issue 18)
        _check(user, node)
        return rollup_count(node, term, "dropout.open")
    return _open_counts(user, node, term)["open"]


@figure(
    "returned_to_school",
    _("劝返复学"),
    _("学期内（至今）经劝返复学的辍学学生人数。"),
)
def returned_to_school_for(user, *, node: Node, term: Term) -> int:
    if reads_rollups(node):  # a national instance (issue 18)
        _check(user, node)
        return rollup_count(node, term, "dropout.returned")
    return (
        _cases(user, node)
        .filter(returned_on__gte=term.starts_on, returned_on__lte=reference_day(term))
        .count()
    )


@figure(
    "dropout_reports_overdue",
    _("书面报告应报未报"),
    _("登记满7天仍未复学、书面报告尚未报送县教育局和乡镇人民政府的辍学案件数。"),
)
def dropout_reports_overdue_for(user, *, node: Node, term: Term) -> int:
    return _open_counts(user, node, term)["overdue"]


@figure(
    "dropout_poverty_unaided",
    _("因贫辍学未资助"),
    _("辍学原因为家庭经济困难、尚未复学，且本学期和上学期都没有获批资助·救助的学生人数：应为0。"),
)
def dropout_poverty_unaided_for(user, *, node: Node, term: Term) -> int:
    poor = _open_counts(user, node, term)["poor"]
    return len(set(poor) - children_with_aid(poor, term=term)) if poor else 0


@figure(
    "retention_rate",
    _("巩固率"),
    _(
        "学期初在册学生中仍在校的比例：辍学未返校、或离开名册且无转学手续（学校未核实排除）"
        "的学生不计为在校。学期未结束时为截至今天。"
    ),
)
def retention_rate_for(user, *, node: Node, term: Term) -> Share:
    _check(user, node)
    if reads_rollups(node):  # a national instance (issue 18)
        enrolled, cohort = (
            rollup_count(node, term, f"retention.{k}") for k in ("enrolled", "cohort")
        )
        return Share(enrolled, cohort)
    total, _units = cached(
        ("retention", user.pk, type(node).__name__, node.pk, term.pk),
        lambda: retention_for(None, node, term=term, day=reference_day(term), units=False),
    )
    return Share(total.still_enrolled, total.cohort)
