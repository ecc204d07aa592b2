"""Writes of the reports: a leader or a head teacher saves the draft of a semester work
summary."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from shouhu.core.roles import Perm
from shouhu.core.scoping import in_scope
from shouhu.org.models import Region, School, SchoolClass, Term
from shouhu.reports.models import SummaryDraft, draft_node_kwargs


@transaction.atomic
def summary_draft_save(
    *,
    actor,
    node: Region | School | SchoolClass,
    term: Term,
    title: str,
    problems: str,
    plans: str,
) -> SummaryDraft:
    """Create or update the draft of a node's summary for a term (one per node and term): a
    region's or a school's by its leader, a class's by its head teacher."""
    if not actor.has_perm_to(Perm.SUMMARY_DRAFT):
        raise PermissionDenied
    if not isinstance(node, (Region, School, SchoolClass)) or not in_scope(actor, node):
        raise Http404
    kwargs = draft_node_kwargs(node)
    draft = SummaryDraft.objects.select_for_update().filter(term=term, **kwargs).first()
    if draft is None:
        draft = SummaryDraft(term=term, created_by=actor, **kwargs)
    draft.title = title.strip()
    draft.problems = problems.strip()
    draft.plans = plans.strip()
    draft.updated_by = actor
    draft.full_clean()
    draft.save()
    return draft
