"""The one small world of the tests and its cast of users, built by plain functions.

`conftest.py` builds it per test through its fixtures (`tree`, `head_teacher`, …, `world`). A
module that asks the same questions of the same world many times (the permission table) builds
it once with `built_once`: the whole cast under the pinned clock, inside a transaction that is
rolled back when the module ends, each test in a savepoint of its own.

    四川省 › 达州市 › 511781 万源市 (county)
        511781101 太平镇 › 石塘村 (village)
            万源市太平镇中心小学 (school A): 三年级(2)班 (class A), 五年级(1)班 (class A2)
        511781102 青花镇
            万源市青花镇小学 (school B): 四年级(1)班 (class B)
    511702 通川区 › 西外镇 › 通川区西外小学: 三年级(1)班 (the outsider's class)
"""

import contextlib
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any, cast

import time_machine
from django.db import transaction
from django.test import override_settings

from shouhu.accounts.models import User
from shouhu.org.models import Grade
from shouhu.registry.classification import ParentStatus
from shouhu.registry.models import Sex
from shouhu.testing.dates import at, day
from shouhu.testing.factories import (
    CURRENT_TERM,
    AdminFactory,
    ClassEnrolmentFactory,
    CounsellorFactory,
    CountyFactory,
    HeadTeacherFactory,
    PairingFactory,
    PrivacyOfficerFactory,
    RegionOfficerFactory,
    SchoolClassFactory,
    SchoolFactory,
    SchoolLeaderFactory,
    TeacherFactory,
    TermFactory,
    TownshipFactory,
    TownshipOfficerFactory,
    VillageFactory,
    VolunteerFactory,
    register_child,
)

# Pupils enrolled per class: (current term, previous term).
ENROLMENT = {
    "class_a": (40, 38),
    "class_a2": (35, 36),
    "class_b": (30, 31),
    "other_class": (32, 30),
}

# The clock every test starts on (10:00 in China on the pinned day, see `shouhu.testing.dates`).
PINNED = at(2026, 11, 29, 10)
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def build_tree() -> SimpleNamespace:
    """The regions, schools, classes, terms and enrolments; no users, no children."""
    county = CountyFactory()
    township_a = TownshipFactory(parent=county, code="511781101000", name="太平镇")
    township_b = TownshipFactory(parent=county, code="511781102000", name="青花镇")
    village_a = VillageFactory(parent=township_a, code="511781101101", name="石塘村")
    school_a = SchoolFactory(region=township_a, code="3151781001", name="万源市太平镇中心小学")
    school_b = SchoolFactory(region=township_b, code="3151781002", name="万源市青花镇小学")
    other_county = CountyFactory(code="511702000000", name="通川区")
    other_township = TownshipFactory(parent=other_county, code="511702101000", name="西外镇")
    other_school = SchoolFactory(region=other_township, code="3151702001", name="通川区西外小学")
    nodes = SimpleNamespace(
        city=county.parent,
        county=county,
        township_a=township_a,
        township_b=township_b,
        village_a=village_a,
        school_a=school_a,
        class_a=SchoolClassFactory(school=school_a, grade=Grade.G3, name="三年级(2)班"),
        class_a2=SchoolClassFactory(school=school_a, grade=Grade.G5, name="五年级(1)班"),
        school_b=school_b,
        class_b=SchoolClassFactory(school=school_b, grade=Grade.G4, name="四年级(1)班"),
        other_county=other_county,
        other_township=other_township,
        other_school=other_school,
        other_class=SchoolClassFactory(school=other_school, grade=Grade.G3, name="三年级(1)班"),
        term=TermFactory(),
        previous_term=TermFactory(previous=True),
    )
    for name, (current, previous) in ENROLMENT.items():
        school_class = getattr(nodes, name)
        ClassEnrolmentFactory(school_class=school_class, term=nodes.term, pupils=current)
        ClassEnrolmentFactory(school_class=school_class, term=nodes.previous_term, pupils=previous)
    return nodes


# Each member of the cast but the volunteer (who needs a child): how to make them in the tree.
# factory_boy types a factory call as the factory; each maker returns a User.
CAST_MAKERS: dict[str, Callable[[SimpleNamespace], Any]] = {
    "head_teacher": lambda tree: HeadTeacherFactory(
        username="head_teacher", display_name="张老师", scope_class=tree.class_a
    ),
    "teacher": lambda tree: TeacherFactory(
        username="teacher", display_name="刘老师", scope_school=tree.school_a
    ),
    "other_head_teacher": lambda tree: HeadTeacherFactory(
        username="other_head_teacher", display_name="陈老师", scope_class=tree.class_b
    ),
    "school_leader": lambda tree: SchoolLeaderFactory(
        username="school_leader", display_name="赵校长", scope_school=tree.school_a
    ),
    "township_officer": lambda tree: TownshipOfficerFactory(
        username="township_officer", display_name="孙主任", scope_region=tree.township_a
    ),
    "region_officer": lambda tree: RegionOfficerFactory(
        username="region_officer", display_name="周科长", scope_region=tree.county
    ),
    "counsellor": lambda tree: CounsellorFactory(
        username="counsellor", display_name="吴老师", scope_school=tree.school_a
    ),
    "privacy_officer": lambda tree: PrivacyOfficerFactory(
        username="privacy_officer", display_name="郑专员", scope_region=tree.county
    ),
    "admin": lambda tree: AdminFactory(
        username="admin", display_name="系统管理员", scope_region=tree.county
    ),
    # The head teacher of a class in another county (511702 通川区).
    "outsider": lambda tree: HeadTeacherFactory(
        username="outsider", display_name="外县老师", scope_class=tree.other_class
    ),
}


def register_children(tree: SimpleNamespace, head_teacher: User, other_head_teacher: User):
    """child_a (李家成, class A, both parents migrant) and child_b (曾小雨, class B, father
    migrant, mother at home), registered by their head teachers through the real service."""
    child_a = register_child(
        head_teacher,
        tree.class_a,
        name="李家成",
        sex=Sex.MALE,
        birth_date=day(2017, 5, 14),
    )
    child_b = register_child(
        other_head_teacher,
        tree.class_b,
        name="曾小雨",
        sex=Sex.FEMALE,
        birth_date=day(2016, 10, 3),
        father=ParentStatus.MIGRANT,
        mother=ParentStatus.AT_HOME,
    )
    return child_a, child_b


def make_volunteer(world: SimpleNamespace) -> User:
    """A volunteer proxy parent of child_a since the start of the term; no scope node."""
    user = cast(User, VolunteerFactory(username="volunteer", display_name="志愿者何阿姨"))
    PairingFactory(child=world.child_a, carer=user, starts_on=CURRENT_TERM["starts_on"])
    return user


def build_world_and_cast() -> tuple[SimpleNamespace, dict[str, User]]:
    """The tree, child_a and child_b, and the whole cast of users by role name."""
    tree = build_tree()
    users = {role: make(tree) for role, make in CAST_MAKERS.items()}
    child_a, child_b = register_children(tree, users["head_teacher"], users["other_head_teacher"])
    world = SimpleNamespace(**vars(tree), child_a=child_a, child_b=child_b)
    users["volunteer"] = make_volunteer(world)
    return world, users


@contextlib.contextmanager
def built_once(django_db_blocker, build: Callable[[], object]) -> Iterator[object]:
    """Build with `build()` for a whole module and roll it back when the module ends.

    The data is written on the pinned day, a minute before the 10:00 every test starts at
    (`conftest._pinned_clock`), so no row is dated after the moment a test runs, whatever
    `SHOUHU_TEST_TODAY` says. Each test that asks for `db` runs in a savepoint inside this
    transaction; what it writes is gone before the next test."""
    with (
        django_db_blocker.unblock(),
        time_machine.travel(at(2026, 11, 29, 9, 59), tick=True),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        yield build()
        transaction.set_rollback(True)
