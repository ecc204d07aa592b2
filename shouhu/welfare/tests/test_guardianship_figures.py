"""Guardianship's figures (`agreements_signed_share`, `guardians_trained`, `unregistered_open`):
one function of (user, node, term), read by the dashboard, `shouhu stats` and the summary."""

from django.core.files.uploadedfile import SimpleUploadedFile

from shouhu.registry.models import Flag
from shouhu.reports.management.commands.stats import stats_read
from shouhu.reports.selectors import FIGURES, dashboard_for, figures_cached
from shouhu.reports.work_summary.build import work_summary_build
from shouhu.testing import dates
from shouhu.testing.factories import register_child
from shouhu.welfare.services.guardianship import (
    agreement_draft,
    agreement_sign,
    commendation_add,
    training_session_record,
)

TODAY = dates.day(2026, 11, 29)


def _sign(actor, child):
    agreement = agreement_draft(actor=actor, child=child)
    scan = SimpleUploadedFile("确认书.pdf", b"%PDF-1.4 signed")
    agreement_sign(actor=actor, agreement=agreement, signed_on=TODAY, upload=scan)


def test_the_share_of_agreements_signed_counts_guardians_and_the_unsupervised(
    world, head_teacher, township_officer
):
    _sign(head_teacher, world.child_a)
    register_child(
        head_teacher, world.class_a, name="王小虎", flags={Flag.UNSUPERVISED}, guardian={}
    )
    share = FIGURES["agreements_signed_share"].function(
        township_officer, node=world.township_a, term=world.term
    )
    assert (share.count, share.whole, share.percent) == (1, 2, 50.0)
    missing = FIGURES["unsupervised_agreement_missing"].function(
        township_officer, node=world.township_a, term=world.term
    )
    assert missing == 1


def test_last_terms_share_is_read_on_its_last_day(world, head_teacher, township_officer):
    _sign(head_teacher, world.child_a)
    before = FIGURES["agreements_signed_share"].function(
        township_officer, node=world.township_a, term=world.previous_term
    )
    assert before.count == 0


def test_stats_lists_the_guardianship_keys(world, head_teacher, school_leader):
    training_session_record(
        actor=school_leader,
        school=world.school_a,
        school_class=None,
        held_on=TODAY,
        topic="隔代教育",
        children=[world.child_a],
    )
    register_child(head_teacher, world.class_a, name="赵小安", flags={Flag.UNREGISTERED})
    figures = stats_read(scope="511781", term=None, username=None)["figures"]
    assert figures["guardians_trained"]["value"]["count"] == 1
    assert figures["unregistered_open"]["value"] == 1
    assert figures["agreements_signed_share"]["value"]["whole"] == 3


def test_the_dashboard_shows_the_agreements_tile(world, township_officer):
    with figures_cached():
        board = dashboard_for(township_officer, node=world.township_a, term=world.term)
    tile = next(t for t in board.tiles if t.key == "agreements_signed_share")
    assert (tile.value, tile.percent) == (0, 0.0)


def test_the_summary_lists_the_terms_commended_parents(world, head_teacher, township_officer):
    commendation_add(
        actor=head_teacher,
        child=world.child_a,
        term=world.term,
        person_name="王秀英",
        relation="祖母",
        reason="坚持每天辅导作业",
    )
    summary = work_summary_build(
        township_officer, node=world.township_a, term=world.term, draft=None
    )
    parts = [p for s in summary.sections for p in s.parts]
    [listed] = [p for p in parts if p.title == "优秀家长"]
    assert listed.items == ["王秀英（李家成的祖母，万源市太平镇中心小学）：坚持每天辅导作业"]
    [measures] = [p for p in parts if p.title == "委托监护与家长培训"]
    assert "签订率0.0%" in measures.paragraphs[0]
