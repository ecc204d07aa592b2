"""The saved drafts of semester work summaries (工作总结), read for a leader."""

from django.http import Http404

from shouhu.accounts.roles import Perm
from shouhu.org.models import Region, School, Term
from shouhu.reports.models import SummaryDraft
from shouhu.reports.selectors.base import check_node


def summary_draft_for(user, *, node: Region | School, term: Term) -> SummaryDraft | None:
    """The draft of the node's summary for the term, or None while nobody has saved one.

    A role that may not lead reports is refused (403); a node outside the user's scope, or a
    class (a summary is a school's or a region's), is not found (404).
    """
    check_node(user, node, Perm.REPORT_LEAD)
    if not isinstance(node, (Region, School)):
        raise Http404
    kwargs = {"school": node} if isinstance(node, School) else {"region": node}
    return SummaryDraft.objects.filter(term=term, **kwargs).select_related("updated_by").first()
