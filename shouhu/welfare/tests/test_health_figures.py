"""The figures of health and safety (issue 15: `shouhu stats` keys)."""

import pytest

from shouhu.reports.selectors import FIGURES
from shouhu.testing.dates import at, day
from shouhu.welfare.services.health import CheckRow, health_sheet_save
from shouhu.welfare.services.safety import incident_record

VALUES = {
    "height_cm": "130",
    "weight_kg": "28",
    "vision_left": "4.9",
    "vision_right": "4.9",
    "dental": "normal",
    "follow_up": True,
}


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.SHOUHU_TWO_FACTOR_ROLES = ()


def test_checked_share_follow_ups_and_incidents_for_the_school_and_the_county(
    world, head_teacher, school_leader, region_officer
):
    health_sheet_save(
        actor=head_teacher,
        checked_on=day(2026, 10, 15),
        rows=[CheckRow(child=world.child_a, values=VALUES)],
    )
    incident_record(
        actor=head_teacher,
        child=world.child_a,
        kind="injury",
        happened_at=at(2026, 11, 3, 11),
        place="操场",
        what="摔倒",
        serious=True,
    )
    share = FIGURES["health_checked_share"].function(
        school_leader, node=world.school_a, term=world.term
    )
    assert (share.count, share.whole) == (1, 1)
    county = FIGURES["health_checked_share"].function(
        region_officer, node=world.county, term=world.term
    )
    assert (county.count, county.whole) == (1, 2)  # child_b of school B is due, not checked
    follow_ups = FIGURES["health_follow_ups_open"].function
    assert follow_ups(region_officer, node=world.county, term=world.term) == 1
    incidents = FIGURES["incidents"].function
    assert incidents(region_officer, node=world.county, term=world.term) == 1
    assert incidents(region_officer, node=world.school_b, term=world.term) == 0
