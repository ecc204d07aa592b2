"""The saved draft of a work summary, read for a leader: only their own node's, and only for the
roles that write summaries."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from shouhu.reports.selectors import summary_draft_for
from shouhu.reports.services import summary_draft_save


def save(actor, node, term, problems: str = "家访不及时。"):
    return summary_draft_save(
        actor=actor, node=node, term=term, title="", problems=problems, plans=""
    )


def test_a_leader_reads_the_draft_saved_for_their_school(tree, school_leader):
    draft = save(school_leader, tree.school_a, tree.term)
    assert summary_draft_for(school_leader, node=tree.school_a, term=tree.term) == draft


def test_there_is_no_draft_until_one_is_saved_for_that_node_and_term(
    tree, school_leader, region_officer
):
    save(region_officer, tree.county, tree.term)
    assert summary_draft_for(school_leader, node=tree.school_a, term=tree.term) is None
    save(school_leader, tree.school_a, tree.previous_term)
    assert summary_draft_for(school_leader, node=tree.school_a, term=tree.term) is None


def test_a_regions_draft_is_read_by_its_officer_and_by_those_above(
    tree, township_officer, region_officer
):
    draft = save(township_officer, tree.township_a, tree.term, problems="统筹不够。")
    found = summary_draft_for(region_officer, node=tree.township_a, term=tree.term)
    assert found == draft and found.problems == "统筹不够。"
    assert summary_draft_for(township_officer, node=tree.township_a, term=tree.term) == draft


def test_a_draft_outside_the_scope_is_not_found(tree, school_leader, township_officer):
    save(township_officer, tree.township_a, tree.term)
    with pytest.raises(Http404):
        summary_draft_for(school_leader, node=tree.township_a, term=tree.term)
    with pytest.raises(Http404):
        summary_draft_for(school_leader, node=tree.school_b, term=tree.term)


def test_a_class_has_no_summary_draft(tree, school_leader):
    with pytest.raises(Http404):
        summary_draft_for(school_leader, node=tree.class_a, term=tree.term)


def test_a_role_that_writes_no_summary_is_refused(tree, school_leader, head_teacher):
    save(school_leader, tree.school_a, tree.term)
    with pytest.raises(PermissionDenied):
        summary_draft_for(head_teacher, node=tree.school_a, term=tree.term)
