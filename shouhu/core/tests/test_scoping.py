"""The scope engine: every scoped model's `restrict` follows the children's row rule, and nodes
are in a user's scope by the same rule (a village supervisor's home region included)."""

import pytest
from django.db import connection
from django.db.models import Q

from shouhu.accounts.models import User
from shouhu.accounts.operator import operator_actor
from shouhu.audit.models import AccessAction, AccessLog
from shouhu.audit.services import access_record
from shouhu.care.models import Pairing
from shouhu.core.roles import Perm, Role
from shouhu.core.scoping import in_scope, region_q, subtree_range
from shouhu.org.models import Region, School, SchoolClass
from shouhu.registry.models import CensusSnapshot, Child, ChildFlag, ChildQuerySet, Guardian
from shouhu.testing.factories import (
    CensusSnapshotFactory,
    ChildFactory,
    ChildFlagFactory,
    GuardianFactory,
    PairingFactory,
    ParentFactory,
    UserFactory,
)

CAST = [
    "head_teacher",
    "teacher",
    "school_leader",
    "counsellor",
    "other_head_teacher",
    "township_officer",
    "region_officer",
    "privacy_officer",
    "admin",
    "volunteer",
    "outsider",
    "village_supervisor",
]


@pytest.fixture
def village_supervisor(tree):
    return UserFactory(
        username="village_supervisor", role=Role.VILLAGE_SUPERVISOR, scope_region=tree.village_a
    )


@pytest.fixture
def villager(world):
    """A child of 石塘村 (township A) who attends class B, in township B."""
    return ChildFactory(school_class=world.class_b, home_region=world.village_a)


def test_a_village_supervisor_sees_the_child_who_lives_there_and_the_class_they_attend(
    world, villager, village_supervisor
):
    assert list(Child.objects.restrict(village_supervisor)) == [villager]
    assert in_scope(village_supervisor, world.class_b)
    assert in_scope(village_supervisor, world.school_b)
    assert in_scope(village_supervisor, world.village_a)
    assert not in_scope(village_supervisor, world.class_a)
    assert not in_scope(village_supervisor, world.school_a)
    assert not in_scope(village_supervisor, world.township_b)


def test_without_a_child_living_there_the_village_supervisor_has_no_class(
    world, village_supervisor
):
    assert not SchoolClass.objects.restrict(village_supervisor).exists()
    assert not School.objects.restrict(village_supervisor).exists()
    assert list(Region.objects.restrict(village_supervisor)) == [world.village_a]


@pytest.mark.parametrize("name", CAST)
def test_a_class_is_in_scope_when_a_child_of_it_would_be(world, villager, request, name):
    """The node rule and the row rule agree: a class holding a child the user may see is in
    their scope, and a staff member's classes hold only children they may see."""
    user = request.getfixturevalue(name)
    for school_class in SchoolClass.objects.all():
        children = Child.objects.filter(school_class=school_class)
        seen = Child.objects.restrict(user).filter(school_class=school_class)
        if user.role == Role.VOLUNTEER or not user.has_perm_to(Perm.CHILD_VIEW):
            continue
        if seen.exists():
            assert in_scope(user, school_class), (name, school_class)
        if in_scope(user, school_class) and not user.scope_region_id:
            assert seen.count() == children.count(), (name, school_class)


@pytest.mark.parametrize("name", CAST)
def test_every_row_about_a_child_is_seen_with_the_child(world, villager, request, name):
    user = request.getfixturevalue(name)
    children = [world.child_a, world.child_b, villager]
    for child in children:
        ChildFlagFactory(child=child)
        if not CensusSnapshot.objects.filter(child=child, term=world.term).exists():
            CensusSnapshotFactory(child=child, term=world.term)
        ParentFactory(child=child)
        if not Guardian.objects.filter(child=child).exists():
            GuardianFactory(child=child)
        access_record(user=None, action=AccessAction.VIEW, child=child)
    PairingFactory(child=villager)
    visible = set(Child.objects.restrict(user).values_list("pk", flat=True))
    for model in (ChildFlag, CensusSnapshot, Pairing):
        rows = model.objects.restrict(user)
        every = model.objects.all()
        assert {r.child_id for r in rows} == {r.child_id for r in every} & visible, model
    logs = AccessLog.objects.restrict(user).filter(child__isnull=False)
    assert set(logs.values_list("child_id", flat=True)) == visible & {c.pk for c in children}


def test_an_access_log_row_without_a_child_is_seen_with_its_user(
    world, privacy_officer, head_teacher, outsider
):
    access_record(user=head_teacher, action=AccessAction.SEARCH, query="q=李")
    access_record(user=outsider, action=AccessAction.SEARCH, query="q=王")
    rows = AccessLog.objects.restrict(privacy_officer).filter(child__isnull=True)
    assert [r.user for r in rows] == [head_teacher]


def test_accounts_are_seen_by_a_region_s_people_only(world, admin, teacher, outsider, volunteer):
    seen = set(User.objects.restrict(admin))
    assert {teacher, volunteer} <= seen
    assert outsider not in seen
    assert not User.objects.restrict(teacher).exists()


def test_the_server_operator_s_scope_is_the_whole_tree(world, villager):
    operator = operator_actor()
    assert Child.objects.restrict(operator).count() == Child.objects.count()
    assert in_scope(operator, world.other_class)


def test_without_the_permission_restrict_finds_nothing(world, admin):
    assert not Child.objects.restrict(admin).exists()  # the administrator reads no files
    assert not SchoolClass.objects.restrict(admin, Perm.CHILD_VIEW).exists()
    assert SchoolClass.objects.restrict(admin).exists()


# --- an officer's rows through an index (issue 18: province scale) ----------------------------

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the indexed form is PostgreSQL's"
)


def _by_joins(model, user, paths: tuple[str, ...]) -> set[int]:
    """The rows the user's region holds through each path's joins, as the scope says it."""
    low_high = subtree_range(user.scope_region.prefix)
    found = Q(pk__in=[])
    for path in paths:
        found |= Q(**{f"{path}__range": low_high})
    return set(model.objects.filter(found).values_list("pk", flat=True))


@pytest.mark.parametrize("name", ["region_officer", "township_officer", "village_supervisor"])
def test_an_officer_sees_the_same_rows_as_through_the_joins(world, villager, request, name):
    user = request.getfixturevalue(name)
    PairingFactory(child=villager)
    PairingFactory(child=world.child_b)
    paths = ChildQuerySet.scope.regions
    assert set(Child.objects.restrict(user).values_list("pk", flat=True)) == _by_joins(
        Child, user, paths
    )
    assert set(Pairing.objects.restrict(user).values_list("pk", flat=True)) == _by_joins(
        Pairing, user, tuple(f"child__{p}" for p in paths)
    )


@on_postgres
def test_a_county_officer_s_children_are_held_by_their_class_column_not_a_join(
    world, region_officer
):
    """On PostgreSQL a child's class is held against the ids of the region's classes (an
    index condition ORed with the home region's), not joined to its school: a join reads every
    child of the province for a county's list."""
    sql = str(Child.objects.restrict(region_officer).query)
    assert '"registry_child"."school_class_id" = ANY((ARRAY(SELECT' in sql
    assert 'INNER JOIN "org_school"' not in sql.split("ARRAY(")[0]


def test_a_province_s_officer_and_other_databases_keep_the_join(world):
    """A province's subtree holds nearly every row: a scan through the join reads them best."""
    query = str(Child.objects.filter(region_q(Child, ChildQuerySet.scope.regions[0], "51")).query)
    assert "ANY(" not in query
    assert 'INNER JOIN "org_school"' in query
