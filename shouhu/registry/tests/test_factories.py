"""The test factories make rows that the services would accept: a broken factory hides bugs."""

import pytest

from shouhu.core.crypto import blind_index
from shouhu.core.idnumber import birth_date_of, sex_of, validate_id_number
from shouhu.core.pinyin import name_keys
from shouhu.core.scoping import in_scope
from shouhu.registry.classification import Category
from shouhu.registry.models import Child
from shouhu.testing.factories import (
    CensusSnapshotFactory,
    ChildFactory,
    HeadTeacherFactory,
    PairingFactory,
    ParentFactory,
)


def test_child_factory_makes_a_valid_file(db):
    child = ChildFactory()
    child.full_clean()
    assert validate_id_number(child.id_number, birth_date=child.birth_date) == child.id_number
    assert birth_date_of(child.id_number) == child.birth_date
    assert sex_of(child.id_number) == child.sex
    assert child.id_number[:6] == child.school_class.school.region_id[:6]
    assert (child.name_pinyin, child.name_initials) == name_keys(child.name)
    assert child.id_number_index == blind_index(child.id_number)


def test_many_children_get_distinct_id_numbers(tree):
    children = ChildFactory.create_batch(60, school_class=tree.class_a)
    assert len({c.id_number for c in children}) == 60
    for child in children:
        validate_id_number(child.id_number, birth_date=child.birth_date)


def test_child_factory_writes_the_parents_it_is_given(db):
    child = ChildFactory(parents=("migrant", "deceased"))
    assert {p.role: p.status for p in child.parents.all()} == {
        "father": "migrant",
        "mother": "deceased",
    }
    assert CensusSnapshotFactory(child=child).category == Category.ONE_AWAY_OTHER_INCAPABLE


def test_parent_factory_phone_is_valid(db):
    parent = ParentFactory()
    parent.full_clean()


def test_head_teacher_factory_leads_the_class_it_is_scoped_to(db):
    user = HeadTeacherFactory()
    assert user.scope_class.head_teacher == user
    assert user.check_password("shouhu-test-password")


def test_pairing_factory_gives_a_proxy_parent_whose_scope_covers_the_child(db):
    pairing = PairingFactory()
    assert in_scope(pairing.carer, pairing.child.school_class)
    assert pairing.child in Child.objects.restrict(pairing.carer)


@pytest.mark.parametrize(
    "name",
    [
        "head_teacher",
        "teacher",
        "other_head_teacher",
        "school_leader",
        "township_officer",
        "region_officer",
        "counsellor",
        "privacy_officer",
        "admin",
        "outsider",
        "volunteer",
    ],
)
def test_every_cast_member_is_a_valid_account(world, request, name):
    user = request.getfixturevalue(name)
    user.full_clean()
    assert user.role == name.replace("other_", "").replace("outsider", "head_teacher")
