"""The saved drafts of semester work summaries (工作总结), read for a leader or a head teacher."""

from shouhu.core.roles import Perm
from shouhu.org.models import Region, School, SchoolClass, Term
from shouhu.reports.models import SummaryDraft, draft_node_kwargs
from shouhu.reports.selectors.base import check_node


def work_summary_draft_for(
    user, *, node: Region | School | SchoolClass, term: Term
) -> SummaryDraft | None:
    """The draft of the node's summary for the term, or None while nobody has saved one.

    A role that may not draft summaries is refused (403); a node outside the user's scope is not
    found (404): another class's head teacher never learns that a class's draft exists.
    """
    check_node(user, node, Perm.SUMMARY_DRAFT)
    return (
        SummaryDraft.objects.filter(term=term, **draft_node_kwargs(node))
        .select_related("updated_by")
        .first()
    )
