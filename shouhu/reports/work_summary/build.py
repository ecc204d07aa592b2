"""The work summary built from its section functions, called in a row.

Each section of the source reports (篇一–篇十四) lists the functions that write its parts, in
their order. A section function is `(context) -> list[Part]` and reads only through the figure
functions of its domain, with the context's user, node and term.
"""

from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _

from shouhu.accounts.models import User
from shouhu.org.models import SchoolClass, Term
from shouhu.reports.models import SummaryDraft
from shouhu.reports.selectors import definitions, figures_cached
from shouhu.reports.selectors.base import previous_term
from shouhu.reports.work_summary.activities import activities_measures  # issue 16
from shouhu.reports.work_summary.aid import aid_measures
from shouhu.reports.work_summary.attendance import attendance_results
from shouhu.reports.work_summary.context import SummaryContext, SummaryNode, unit_name
from shouhu.reports.work_summary.document import (
    BASIC,
    HEADINGS,
    MEASURES,
    PLANS,
    PROBLEMS,
    RESULTS,
    Document,
    Part,
    Section,
)
from shouhu.reports.work_summary.dropout import dropout_results
from shouhu.reports.work_summary.grades import grades_results
from shouhu.reports.work_summary.guardianship import guardianship_measures, guardianship_results
from shouhu.reports.work_summary.health import health_results, safety_measures
from shouhu.reports.work_summary.home import home_measures
from shouhu.reports.work_summary.sections import (
    care_measures,
    care_results,
    census_basics,
    schools_rollup,
)

SectionFunction = Callable[[SummaryContext], list[Part]]

# The parts drawn from the records, section by section. When a second app contributes a part
# (school life will: grades, attendance), this becomes a hook that each app fills from its own
# module; until then the list is the route a reader follows.
SECTIONS: dict[str, list[SectionFunction]] = {
    BASIC: [census_basics],
    MEASURES: [
        care_measures,
        activities_measures,
        home_measures,
        safety_measures,
        aid_measures,
        guardianship_measures,
    ],
    RESULTS: [
        care_results,
        attendance_results,
        dropout_results,
        grades_results,
        health_results,
        schools_rollup,
        guardianship_results,
    ],
}


def _written(text: str) -> Part:
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    return Part(paragraphs=paragraphs or [_("（待填写）")])


def default_title(node: SummaryNode, term: Term) -> str:
    return _("%(unit)s%(term)s关爱留守儿童工作总结") % {"unit": unit_name(node), "term": term}


def work_summary_build(
    user: User, *, node: SummaryNode, term: Term, draft: SummaryDraft | None
) -> Document:
    """1. Call the functions of every section in a row for their parts (the same figure
       functions for a class as for a school or a region, with the node as unit).
    2. Add the author's 存在问题 and 下步打算 from the draft.
    3. Gather the definitions of every figure quoted into the annex.

    A class is not compared with last term: after the year-end handover the class of the same
    name held another cohort (the census compares a class with its cohort, issue 11 point 5)."""
    with figures_cached():
        previous = None if isinstance(node, SchoolClass) else previous_term(term)
        context = SummaryContext(user=user, node=node, term=term, previous=previous, draft=draft)
        sections = []
        quoted: list[str] = []
        for key in HEADINGS:
            if key == PROBLEMS:
                parts = [_written(draft.problems if draft else "")]
            elif key == PLANS:
                parts = [_written(draft.plans if draft else "")]
            else:
                parts = []
                for section_function in SECTIONS.get(key, []):
                    parts += section_function(context)
            for part in parts:
                quoted += part.figures
            sections.append(Section(key=key, parts=parts))
    return Document(
        title=(draft.title if draft and draft.title else "") or default_title(node, term),
        unit=unit_name(node),
        term_label=str(term),
        date=timezone.localdate(),
        preparer=str(user),
        sections=sections,
        annex=definitions(quoted),
    )
