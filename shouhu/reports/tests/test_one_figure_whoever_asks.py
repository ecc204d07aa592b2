"""A figure is one function of (unit, term, day), whoever asks (issue 11, point 1): the school
leader, the township, the county and `shouhu census` / `shouhu stats` give the same number for
the same school and term. A user sees fewer units, never a different number for the same unit.

The case that split them: children counted in a school's census last term who are somewhere
else today (moved to another school, or to another class of the same school). Last term's
census counted them where they were then, whoever reads it now.
"""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from shouhu.registry.handover import child_transfer
from shouhu.registry.services import census_snapshot_take
from shouhu.reports.management.commands.stats import plain
from shouhu.reports.selectors import FIGURES, census_for, figures_cached
from shouhu.testing.dates import day
from shouhu.testing.factories import register_child

LAST_CENSUS = day(2026, 3, 5)


@pytest.fixture
def moved(world, head_teacher, school_leader):
    """Last term's census of school A: 李家成 and 周明 in class A, 吴芳 in class A2 (all three
    left-behind). Since then 周明 moved to school B (another township) and 吴芳 to class A."""
    zhou = register_child(head_teacher, world.class_a, name="周明")
    wu = register_child(school_leader, world.class_a2, name="吴芳")
    for child in (world.child_a, zhou, wu):
        census_snapshot_take(child=child, term=world.previous_term, day=LAST_CENSUS)
    child_transfer(actor=school_leader, child=zhou, to_class=world.class_b, on=day(2026, 11, 20))
    wu.school_class = world.class_a
    wu.save(update_fields=["school_class"])
    return world


def _census_json(*, scope: str, term: str) -> dict:
    out = StringIO()
    call_command("census", json=True, scope=scope, term=term, stdout=out)
    return json.loads(out.getvalue())


def test_a_schools_past_census_is_the_same_for_the_leader_the_township_the_county_and_the_cli(
    moved, school_leader, township_officer, region_officer
):
    school, term = moved.school_a, moved.previous_term
    seen = {
        user.username: census_for(user, node=school, term=term).figures
        for user in (school_leader, township_officer, region_officer)
    }
    cli = _census_json(scope=school.code, term=term.code)
    assert {name: f.left_behind_education for name, f in seen.items()} == {
        "school_leader": 3,
        "township_officer": 3,
        "region_officer": 3,
    }
    assert cli["left_behind_education"] == 3 and cli["percent_education"] == 4.1  # 3 of 74
    assert {f.percent_education for f in seen.values()} == {4.1}


def test_a_schools_census_as_a_unit_of_its_township_equals_its_own_page(
    moved, school_leader, township_officer
):
    term = moved.previous_term
    township = census_for(township_officer, node=moved.township_a, term=term)
    unit = next(u for u in township.units if u.node == moved.school_a)
    own = census_for(school_leader, node=moved.school_a, term=term)
    assert unit.figures == own.figures
    # The classes too: each class counts who was in it at last term's census.
    classes = {u.name: u.figures.left_behind_education for u in own.units}
    assert classes == {"三年级(2)班": 2, "五年级(1)班": 1}


def test_the_census_page_shows_the_leader_and_the_township_the_same_figure(
    client, moved, school_leader, township_officer
):
    term = moved.previous_term.code
    pages = []
    for user, query in (
        (school_leader, {"term": term}),
        (township_officer, {"term": term, "scope": moved.school_a.code}),
    ):
        client.force_login(user)
        pages.append(client.get(reverse("reports:census"), query).content.decode())
    for html in pages:
        assert '<div class="value">3</div>' in html and "4.1%" in html


def test_a_head_teacher_sees_their_class_as_the_school_does(
    moved, head_teacher, school_leader, other_head_teacher
):
    term = moved.previous_term
    mine = census_for(head_teacher, node=moved.class_a, term=term).figures
    school = census_for(school_leader, node=moved.school_a, term=term)
    assert mine == next(u.figures for u in school.units if u.node == moved.class_a)
    assert mine.left_behind_education == 2  # 李家成 and 周明, who has left since


@pytest.mark.parametrize("term", ["term", "previous_term"])
def test_every_figure_of_a_school_is_the_same_for_every_role_that_sees_it(
    moved, school_leader, township_officer, region_officer, term
):
    school, the_term = moved.school_a, getattr(moved, term)
    values = {}
    for user in (school_leader, township_officer, region_officer):
        with figures_cached():
            values[user.username] = {
                key: plain(f.function(user, node=school, term=the_term))
                for key, f in FIGURES.items()
            }
    out = StringIO()
    call_command("stats", json=True, scope=school.code, term=the_term.code, stdout=out)
    cli = {k: e["value"] for k, e in json.loads(out.getvalue())["figures"].items()}
    for key in FIGURES:
        assert values["school_leader"][key] == values["township_officer"][key], key
        assert values["school_leader"][key] == values["region_officer"][key], key
        assert values["school_leader"][key] == cli[key], key
