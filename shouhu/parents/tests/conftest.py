"""The parents' tests share one world per module (`built_once`): the tree, child_a and child_b
with the whole cast, child_b's parents with numbers of their own. Each test runs in a savepoint."""

import pytest

from shouhu.parents.tests.helpers import give_child_b_own_numbers
from shouhu.testing.world import build_world_and_cast, built_once


def _build():
    world, users = build_world_and_cast()
    give_child_b_own_numbers(world)
    return world, users


@pytest.fixture(scope="module")
def _built(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker, _build) as built:
        yield built


@pytest.fixture
def parents_world(db, _built):
    return _built[0]


@pytest.fixture
def cast(db, _built):
    return _built[1]


@pytest.fixture(autouse=True)
def _second_factor_off(settings):
    settings.SHOUHU_TWO_FACTOR_ROLES = ()
