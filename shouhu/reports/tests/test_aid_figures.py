"""The aid figures (aid_amount, aid_children): approved aid that counts, per school, township
and county and term, in the statistical workbook, the work summary and `shouhu stats`."""

import io
import json
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from shouhu.reports.management.commands.stats import plain
from shouhu.reports.selectors import FIGURES, figures_cached
from shouhu.reports.selectors.aid import aid_amount_for, aid_children_for, aid_units
from shouhu.reports.work_summary.build import work_summary_build
from shouhu.reports.workbook import workbook_build
from shouhu.testing.factories import ChildFactory
from shouhu.welfare.models.aid import AidKind
from shouhu.welfare.services.aid import aid_decide, aid_propose, aid_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def aid(world, head_teacher, other_head_teacher, school_leader, township_officer):
    """School A: a grant of 1250 corrected to 1000, a 低保 of 600 decided by the township, a
    rejected donation; school B: nothing approved (its leader has not reviewed)."""

    def propose(actor, child, kind, amount, corrects=None):
        return aid_propose(
            actor=actor,
            child=child,
            kind=kind,
            amount=amount,
            source="县资助中心",
            reason="家庭困难",
            corrects=corrects,
        )

    grant = aid_review(
        actor=school_leader,
        record=propose(head_teacher, world.child_a, AidKind.HARDSHIP_GRANT, "1250"),
        approve=True,
    )
    aid_review(
        actor=school_leader,
        record=propose(head_teacher, world.child_a, AidKind.HARDSHIP_GRANT, "1000", grant),
        approve=True,
        note="金额更正",
    )
    second = ChildFactory(school_class=world.class_a)
    referred = aid_review(
        actor=school_leader,
        record=propose(head_teacher, second, AidKind.LOW_INCOME, "600"),
        approve=True,
    )
    aid_decide(actor=township_officer, record=referred, approve=True)
    aid_review(
        actor=school_leader,
        record=propose(head_teacher, second, AidKind.DONATION, "300"),
        approve=False,
        note="已获其他资助",
    )
    propose(other_head_teacher, world.child_b, AidKind.NUTRITION, "800")


def test_figures_count_approved_aid_once_after_a_correction(world, aid, region_officer):
    with figures_cached():
        assert aid_amount_for(region_officer, node=world.county, term=world.term) == Decimal(
            "1600.00"
        )
        assert aid_children_for(region_officer, node=world.county, term=world.term) == 2
        assert aid_children_for(region_officer, node=world.school_b, term=world.term) == 0


def test_units_split_the_county_by_township(world, aid, region_officer):
    units = aid_units(region_officer, node=world.county, term=world.term)
    township_a = units["511781101"]
    assert township_a.amount == Decimal("1600.00")
    assert {k.kind: k.children for k in township_a.kinds if k.children} == {
        AidKind.HARDSHIP_GRANT: 1,
        AidKind.LOW_INCOME: 1,
    }
    assert units["511781102"].children == 0


def test_the_workbook_has_an_aid_sheet_with_its_total(world, aid, region_officer):
    book = load_workbook(
        io.BytesIO(workbook_build(region_officer, node=world.county, term=world.term))
    )
    sheet = book["资助救助"]
    rows = list(sheet.iter_rows(values_only=True))
    total = next(r for r in rows if r[0] == "合计")
    assert total[-2:] == (1600.0, 2)
    assert any("资助·救助金额" in str(r[0]) for r in rows if r[0])


def test_the_summary_names_the_aid_given(world, aid, school_leader):
    text = work_summary_build(
        school_leader, node=world.school_a, term=world.term, draft=None
    ).text()
    assert "本学期共资助2人次，金额1,600.00元" in text
    assert "低保1人次600.00元" in text


def test_stats_prints_the_amount_as_a_number(world, aid, region_officer):
    value = FIGURES["aid_amount"].function(region_officer, node=world.county, term=world.term)
    assert json.loads(json.dumps(plain(value))) == 1600.0


def test_the_dashboard_shows_the_aid_given(world, aid, region_officer):
    from shouhu.reports.selectors.dashboard import dashboard_for

    with figures_cached():
        board = dashboard_for(region_officer, node=world.county, term=world.term)
    tile = next(t for t in board.tiles if t.key == "aid_children")
    assert (tile.value, tile.detail) == (2, "1,600.00元")
