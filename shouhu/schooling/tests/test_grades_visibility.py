"""The privacy matrix's rows `grades` and `study_plans` (docs/privacy.md), for every role: the
学业 section of child_a's file shows scores exactly to the roles whose cell is `full` (a
teacher only when teaching a subject of the class), and plans to the `study_plans` cells."""

import pytest
from django.urls import reverse

from shouhu.core.roles import Role
from shouhu.core.visibility import CLASS_TEACHERS_ONLY, MATRIX, ChildField, Visibility
from shouhu.schooling.services.grades import class_subjects_set, grades_save
from shouhu.schooling.services.study_plans import study_plan_create
from shouhu.testing.dates import day
from shouhu.testing.factories import TeacherFactory
from shouhu.testing.world import build_world_and_cast, built_once

SCORE = "87.5"
PLAN = "口算专项练习"


def _build():
    world, users = build_world_and_cast()
    head = users["head_teacher"]
    users["subject_teacher"] = TeacherFactory(username="maths", scope_school=world.school_a)
    class_subjects_set(
        actor=head,
        school_class=world.class_a,
        subjects={"chinese": (100, None), "maths": (100, users["subject_teacher"])},
    )
    grades_save(
        actor=head,
        school_class=world.class_a,
        term=world.term,
        exam="mid",
        scores={(world.child_a.pk, "maths"): SCORE},
    )
    study_plan_create(
        actor=head,
        child=world.child_a,
        teacher=head,
        starts_on=day(2026, 11, 1),
        ends_on=day(2027, 1, 10),
        schedule="每周二",
        content=PLAN,
        goals=[("及格", day(2026, 12, 20))],
    )
    return world, users


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker, _build) as world_and_users:
        yield world_and_users


ROLES = [
    "admin",
    "region_officer",
    "township_officer",
    "school_leader",
    "head_teacher",
    "teacher",
    "subject_teacher",
    "counsellor",
    "volunteer",
    "privacy_officer",
]


def test_only_grades_are_narrowed_to_the_class_teachers():
    assert CLASS_TEACHERS_ONLY == {ChildField.GRADES}
    readers = [r for r in Role if MATRIX[ChildField.GRADES][r] == Visibility.FULL]
    assert readers == [Role.SCHOOL_LEADER, Role.HEAD_TEACHER, Role.TEACHER]


@pytest.mark.parametrize("name", ROLES)
def test_the_school_section_shows_each_role_what_its_cells_allow(client, db, built, name):
    world, users = built
    user = users[name]
    client.force_login(user)
    url = reverse("schooling:child-grades-section", args=[world.child_a.public_id])
    response = client.get(url)
    if user.role == Role.ADMIN:
        assert response.status_code == 403
        return
    page = response.content.decode()
    grades = MATRIX[ChildField.GRADES][user.role] == Visibility.FULL
    if user.role == Role.TEACHER:
        grades = name == "subject_teacher"
    plans = MATRIX[ChildField.STUDY_PLANS][user.role] == Visibility.FULL
    assert (SCORE in page) == grades, name
    assert ("学习帮扶计划" in page) == plans, name
    if not grades and not plans:
        assert page == ""
