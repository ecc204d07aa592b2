"""The shared cast of users and the one small world they live in.

    四川省 › 达州市 › 511781 万源市 (county)
        511781101 太平镇 › 石塘村 (village)
            万源市太平镇中心小学 (school A): 三年级(2)班 (class A), 五年级(1)班 (class A2)
        511781102 青花镇
            万源市青花镇小学 (school B): 四年级(1)班 (class B)
    511702 通川区 › 西外镇 › 通川区西外小学: 三年级(1)班 (the outsider's class)

Terms: 2025-2026-2 (previous) and 2026-2027-1 (current); every class has an enrolment in both.
`world.child_a` (李家成, class A, both parents migrant) and `world.child_b` (曾小雨, class B,
father migrant, mother at home) are registered through the real service.

Every fixture is function-scoped and builds only what it needs.
"""

from types import SimpleNamespace

import pytest
import time_machine
from hypothesis import settings as hypothesis_settings

from shouhu.org.models import Grade
from shouhu.registry.classification import ParentStatus
from shouhu.registry.models import Sex
from shouhu.testing.dates import TODAY, at, day
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

# No deadline: the first call of a rule may load a table (python-stdnum's county codes take
# half a second), and a slow CI machine is not a bug.
hypothesis_settings.register_profile("shouhu", deadline=None)
hypothesis_settings.load_profile("shouhu")


# Pupils enrolled per class: (current term, previous term).
ENROLMENT = {
    "class_a": (40, 38),
    "class_a2": (35, 36),
    "class_b": (30, 31),
    "other_class": (32, 30),
}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is slow on purpose; tests need logins, not resistance to cracking."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _pinned_clock():
    """Every test starts at 2026-11-29 10:00 in China (inside term 2026-2027-1; moved by whole
    years with `SHOUHU_TEST_TODAY`, see `shouhu.testing.dates`), before any fixture builds data:
    a world built on the real date and then moved to the pinned one would hold registrations
    dated after the day it is tested on. Time still ticks; a test moves the clock further with
    `time_machine.travel`."""
    with time_machine.travel(at(2026, 11, 29, 10), tick=True):
        yield TODAY


@pytest.fixture
def frozen_today(_pinned_clock):
    """The pinned day, for tests that name it."""
    return _pinned_clock


@pytest.fixture
def tree(db):
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


@pytest.fixture
def head_teacher(tree):
    return HeadTeacherFactory(
        username="head_teacher", display_name="张老师", scope_class=tree.class_a
    )


@pytest.fixture
def teacher(tree):
    return TeacherFactory(username="teacher", display_name="刘老师", scope_school=tree.school_a)


@pytest.fixture
def other_head_teacher(tree):
    return HeadTeacherFactory(
        username="other_head_teacher", display_name="陈老师", scope_class=tree.class_b
    )


@pytest.fixture
def school_leader(tree):
    return SchoolLeaderFactory(
        username="school_leader", display_name="赵校长", scope_school=tree.school_a
    )


@pytest.fixture
def township_officer(tree):
    return TownshipOfficerFactory(
        username="township_officer", display_name="孙主任", scope_region=tree.township_a
    )


@pytest.fixture
def region_officer(tree):
    return RegionOfficerFactory(
        username="region_officer", display_name="周科长", scope_region=tree.county
    )


@pytest.fixture
def counsellor(tree):
    return CounsellorFactory(
        username="counsellor", display_name="吴老师", scope_school=tree.school_a
    )


@pytest.fixture
def privacy_officer(tree):
    return PrivacyOfficerFactory(
        username="privacy_officer", display_name="郑专员", scope_region=tree.county
    )


@pytest.fixture
def admin(tree):
    return AdminFactory(username="admin", display_name="系统管理员", scope_region=tree.county)


@pytest.fixture
def outsider(tree):
    """The head teacher of a class in another county (511702 通川区)."""
    return HeadTeacherFactory(
        username="outsider", display_name="外县老师", scope_class=tree.other_class
    )


@pytest.fixture
def world(tree, head_teacher, other_head_teacher):
    """The tree plus child_a (class A) and child_b (class B), registered by their head teachers."""
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
    return SimpleNamespace(**vars(tree), child_a=child_a, child_b=child_b)


@pytest.fixture
def volunteer(world):
    """A volunteer proxy parent of child_a since the start of the term; no scope node."""
    user = VolunteerFactory(username="volunteer", display_name="志愿者何阿姨")
    PairingFactory(child=world.child_a, carer=user, starts_on=CURRENT_TERM["starts_on"])
    return user


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """`client.force_login(user)` stands for a finished login: password and, for the roles that
    must use two factors (admin, region_officer, privacy_officer), a verified authenticator.
    Tests of the second factor itself call `client.force_login(user, second_factor=False)`."""
    from django.conf import settings
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    original = Client.force_login

    def force_login(self, user, backend=None, *, second_factor=True):
        original(self, user, backend)
        if second_factor and user.role in settings.SHOUHU_TWO_FACTOR_ROLES:
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None:
                device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)
