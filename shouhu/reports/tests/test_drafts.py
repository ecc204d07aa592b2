"""The saved draft of a work summary, read for a leader or a head teacher: only their own node's,
and only for the roles that write summaries."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from shouhu.reports.selectors import work_summary_draft_for
from shouhu.reports.services import work_summary_draft_save


def save(actor, node, term, problems: str = "家访不及时。"):
    return work_summary_draft_save(
        actor=actor, node=node, term=term, title="", problems=problems, plans=""
    )


def test_a_leader_reads_the_draft_saved_for_their_school(tree, school_leader):
    draft = save(school_leader, tree.school_a, tree.term)
    assert work_summary_draft_for(school_leader, node=tree.school_a, term=tree.term) == draft


def test_there_is_no_draft_until_one_is_saved_for_that_node_and_term(
    tree, school_leader, region_officer
):
    save(region_officer, tree.county, tree.term)
    assert work_summary_draft_for(school_leader, node=tree.school_a, term=tree.term) is None
    save(school_leader, tree.school_a, tree.previous_term)
    assert work_summary_draft_for(school_leader, node=tree.school_a, term=tree.term) is None


def test_a_regions_draft_is_read_by_its_officer_and_by_those_above(
    tree, township_officer, region_officer
):
    draft = save(township_officer, tree.township_a, tree.term, problems="统筹不够。")
    found = work_summary_draft_for(region_officer, node=tree.township_a, term=tree.term)
    assert found == draft and found.problems == "统筹不够。"
    assert work_summary_draft_for(township_officer, node=tree.township_a, term=tree.term) == draft


def test_a_draft_outside_the_scope_is_not_found(tree, school_leader, township_officer):
    save(township_officer, tree.township_a, tree.term)
    with pytest.raises(Http404):
        work_summary_draft_for(school_leader, node=tree.township_a, term=tree.term)
    with pytest.raises(Http404):
        work_summary_draft_for(school_leader, node=tree.school_b, term=tree.term)


def test_a_class_draft_is_read_by_its_head_teacher_and_the_leader(
    tree, head_teacher, school_leader, other_head_teacher
):
    draft = save(head_teacher, tree.class_a, tree.term, problems="个别家长联系不上。")
    assert work_summary_draft_for(head_teacher, node=tree.class_a, term=tree.term) == draft
    assert work_summary_draft_for(school_leader, node=tree.class_a, term=tree.term) == draft
    assert work_summary_draft_for(school_leader, node=tree.school_a, term=tree.term) is None
    with pytest.raises(Http404):
        work_summary_draft_for(other_head_teacher, node=tree.class_a, term=tree.term)


def test_a_head_teacher_reads_no_school_draft(tree, school_leader, head_teacher):
    save(school_leader, tree.school_a, tree.term)
    with pytest.raises(Http404):
        work_summary_draft_for(head_teacher, node=tree.school_a, term=tree.term)


def test_a_role_that_writes_no_summary_is_refused(tree, school_leader, teacher):
    save(school_leader, tree.school_a, tree.term)
    with pytest.raises(PermissionDenied):
        work_summary_draft_for(teacher, node=tree.school_a, term=tree.term)
