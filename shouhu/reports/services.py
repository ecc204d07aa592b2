"""Writes of the reports: a leader saves the draft of a semester work summary."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from shouhu.accounts.roles import Perm
from shouhu.org.models import Region, School, Term
from shouhu.org.selectors import node_within_user_scope
from shouhu.reports.models import SummaryDraft


def _node_kwargs(node: Region | School) -> dict:
    return {"school": node} if isinstance(node, School) else {"region": node}


@transaction.atomic
def summary_draft_save(
    *, actor, node: Region | School, term: Term, title: str, problems: str, plans: str
) -> SummaryDraft:
    """Create or update the draft of a node's summary for a term (one per node and term)."""
    if not actor.has_perm_to(Perm.REPORT_LEAD):
        raise PermissionDenied
    if not isinstance(node, (Region, School)) or not node_within_user_scope(actor, node):
        raise Http404
    draft = SummaryDraft.objects.select_for_update().filter(term=term, **_node_kwargs(node)).first()
    if draft is None:
        draft = SummaryDraft(term=term, created_by=actor, **_node_kwargs(node))
    draft.title = title.strip()
    draft.problems = problems.strip()
    draft.plans = plans.strip()
    draft.updated_by = actor
    draft.full_clean()
    draft.save()
    return draft
