"""A class is compared with the same cohort last term (issue 11, point 5): the class its
children were in before the year-end handover. The handover promotes a class in place (the
class is the cohort), but a school whose classes keep their grade moves its pupils up a row
(the demo county does): there, 三年级(2)班 last term was another cohort, now in 四年级.
Where no predecessor exists (a new first grade), the page shows "—", not 0.

School A here: last term, 二年级(2)班 (37 pupils) held 陈一, 陈二 and 陈三 (left-behind),
who are in 三年级(2)班 (class A) now, with 李家成; class A (38 pupils) held 老王, who is in
四年级(2)班 now.
"""

import re

import pytest
from django.urls import reverse

from shouhu.org.models import Grade
from shouhu.registry.services import census_snapshot_take
from shouhu.reports.selectors import census_for, census_trend_for
from shouhu.testing.dates import day, term_code
from shouhu.testing.factories import ClassEnrolmentFactory, SchoolClassFactory, register_child

LAST_CENSUS = day(2026, 3, 5)
THIS_CENSUS = day(2026, 9, 10)


def _move(child, school_class, *, term) -> None:
    """The child moves up (as the demo county's pupils do) and is surveyed again."""
    child.school_class = school_class
    child.save(update_fields=["school_class"])
    census_snapshot_take(child=child, term=term, day=THIS_CENSUS)


@pytest.fixture
def moved_up(world, head_teacher, school_leader):
    second = SchoolClassFactory(school=world.school_a, grade=Grade.G2, name="二年级(2)班")
    fourth = SchoolClassFactory(school=world.school_a, grade=Grade.G4, name="四年级(2)班")
    ClassEnrolmentFactory(school_class=second, term=world.previous_term, pupils=37)
    ClassEnrolmentFactory(school_class=fourth, term=world.term, pupils=39)
    chens = [register_child(school_leader, second, name=f"陈{n}") for n in "一二三"]
    old = register_child(head_teacher, world.class_a, name="老王")
    for child in (*chens, old):
        census_snapshot_take(child=child, term=world.previous_term, day=LAST_CENSUS)
    for child in chens:
        _move(child, world.class_a, term=world.term)
    _move(old, fourth, term=world.term)
    world.second, world.fourth = second, fourth
    return world


def _tile(html: str, key: str) -> str:
    match = re.search(rf'<li class="tile[^"]*"[^>]*data-key="{key}">(.*?)</li>', html, re.S)
    assert match, key
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0)))


def test_a_class_is_compared_with_the_class_its_cohort_was_in_last_term(moved_up, head_teacher):
    census = census_for(head_teacher, node=moved_up.class_a, term=moved_up.term)
    assert census.figures.left_behind_education == 4
    assert census.previous_node == moved_up.second
    assert (census.previous.pupils, census.previous.left_behind_education) == (37, 3)
    previous = census.as_dict()["previous"]
    assert (
        previous["term"] == term_code("2025-2026-2") and previous["scope"]["name"] == "二年级(2)班"
    )


def test_the_class_dashboard_shows_the_change_from_its_cohort_last_term(
    client, moved_up, head_teacher
):
    client.force_login(head_teacher)
    html = client.get(reverse("reports:dashboard")).content.decode()
    assert "较上学期 +1" in _tile(html, "left_behind_education")  # 4 now, 3 in 二年级(2)班
    assert "较上学期 +3" in _tile(html, "pupils")  # 40 now, 37 then


def test_the_census_page_of_a_class_compares_it_with_its_cohort(client, moved_up, school_leader):
    client.force_login(school_leader)
    html = client.get(
        reverse("reports:census"),
        {"scope": f"class:{moved_up.class_a.pk}", "term": moved_up.term.code},
    ).content.decode()
    assert "上学期 3" in re.sub(r"<[^>]+>", " ", html)
    assert "二年级(2)班" in html


def test_the_trend_of_a_class_follows_its_cohort(moved_up, head_teacher):
    trend = census_trend_for(head_teacher, node=moved_up.class_a, term=moved_up.term)
    assert [(p.term.code, p.education.count, p.pupils) for p in trend] == [
        (term_code("2025-2026-2"), 3, 37),
        (term_code("2026-2027-1"), 4, 40),
    ]


def test_a_class_with_no_predecessor_shows_a_dash_not_zero(client, world, school_leader):
    first = SchoolClassFactory(school=world.school_a, grade=Grade.G1, name="一年级(1)班")
    ClassEnrolmentFactory(school_class=first, term=world.term, pupils=28)
    for n in range(3):
        register_child(school_leader, first, name=f"新生{n}")
    census = census_for(school_leader, node=first, term=world.term)
    assert census.previous is None and census.previous_node is None
    assert census.as_dict()["previous"] is None
    client.force_login(school_leader)
    page = client.get(
        reverse("reports:census"), {"scope": f"class:{first.pk}", "term": world.term.code}
    ).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "上学期 —" in text and "上学期 0" not in text
    board = client.get(
        reverse("reports:dashboard"), {"scope": f"class:{first.pk}", "term": world.term.code}
    ).content.decode()
    for key in ("pupils", "left_behind_education"):
        assert "上学期无数据" in _tile(board, key), key
        assert "较上学期 +" not in _tile(board, key), key
