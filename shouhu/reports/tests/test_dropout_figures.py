"""The 控辍保学 figures (`shouhu stats` keys suspected_dropouts, dropout_cases_open,
returned_to_school, retention_rate) and their dashboard tiles: one value of a node whoever
reads it, withheld from the roles the privacy matrix keeps out of dropout cases."""

import json
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from shouhu.core.roles import Role
from shouhu.core.visibility import MATRIX, ChildField, Visibility, may_read_dropout
from shouhu.registry.models import Child
from shouhu.reports.selectors import FIGURES, figures_cached
from shouhu.schooling.models.dropout import CaseState, DropoutCause
from shouhu.schooling.services import dropout as services
from shouhu.schooling.tests.dropout_helpers import case_of, suspect_of
from shouhu.testing.dates import day
from shouhu.welfare.services.aid import aid_review
from shouhu.welfare.tests.aid_world import aid_record_in_class_a

KEYS = ("suspected_dropouts", "dropout_cases_open", "returned_to_school", "retention_rate")


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.SHOUHU_TWO_FACTOR_ROLES = ()


def test_dropout_cases_are_for_the_school_the_township_and_the_county_only():
    readers = {r for r in Role if MATRIX[ChildField.DROPOUT][r] == Visibility.FULL}
    assert readers == {
        Role.REGION_OFFICER,
        Role.TOWNSHIP_OFFICER,
        Role.SCHOOL_LEADER,
        Role.HEAD_TEACHER,
        Role.TEACHER,
        Role.COUNSELLOR,
    }


def _figures(user, node, term):
    with figures_cached():
        return {k: FIGURES[k].function(user, node=node, term=term) for k in KEYS}


def test_the_figures_of_a_school_with_a_case_and_a_return(
    world, head_teacher, school_leader, township_officer, region_officer
):
    # Both on the register since the term began: the cohort of the school's 巩固率 is child_a.
    Child.objects.filter(pk__in=[world.child_a.pk, world.child_b.pk]).update(
        registered_on=day(2026, 9, 1)
    )
    case = case_of(world.child_a)
    away = _figures(school_leader, world.school_a, world.term)["retention_rate"]
    assert (away.count, away.whole) == (0, 1)  # not back: not still enrolled
    services.case_return(actor=head_teacher, case=case, returned_on=day(2026, 11, 29))
    suspect_of(world.child_b)
    values = {
        u.username: _figures(u, world.school_a, world.term)
        for u in (school_leader, township_officer, region_officer)
    }
    mine = values["school_leader"]
    assert mine["suspected_dropouts"] == 1
    assert mine["dropout_cases_open"] == 0
    assert mine["returned_to_school"] == 1
    assert (mine["retention_rate"].count, mine["retention_rate"].whole) == (1, 1)
    assert values["township_officer"] == mine == values["region_officer"]
    assert DropoutCause.POVERTY == case.cause and case.state == CaseState.RETURNED


def test_an_open_poverty_case_without_aid_is_an_alert_on_the_county_dashboard(
    client, world, region_officer
):
    case_of(world.child_a)
    client.force_login(region_officer)
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert 'data-key="dropout_poverty_unaided"' in page
    assert 'data-key="retention_rate"' in page
    with figures_cached():
        assert (
            FIGURES["dropout_poverty_unaided"].function(
                region_officer, node=world.county, term=world.term
            )
            == 1
        )
        assert (
            FIGURES["dropout_cases_open"].function(
                region_officer, node=world.county, term=world.term
            )
            == 1
        )


def test_approved_aid_clears_the_poverty_alert_and_a_waiting_proposal_does_not(
    world, region_officer, school_leader
):
    case_of(world.child_a)

    def unaided() -> int:
        with figures_cached():
            return FIGURES["dropout_poverty_unaided"].function(
                region_officer, node=world.county, term=world.term
            )

    proposal = aid_record_in_class_a(world)
    assert unaided() == 1  # proposed, not approved yet
    aid_review(actor=school_leader, record=proposal, approve=True, note="同意")
    assert unaided() == 0


def test_a_volunteer_is_refused_the_figures(world, volunteer):
    assert not may_read_dropout(volunteer)
    with pytest.raises(PermissionDenied):
        FIGURES["dropout_cases_open"].function(volunteer, node=world.class_a, term=world.term)


def test_stats_prints_the_new_keys(world):
    case_of(world.child_a)
    out = StringIO()
    call_command("stats", json=True, scope=world.school_a.code, stdout=out)
    figures = json.loads(out.getvalue())["figures"]
    assert figures["dropout_cases_open"]["value"] == 1
    assert set(KEYS) <= set(figures)
