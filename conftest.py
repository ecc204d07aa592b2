"""The shared cast of users and the one small world they live in (`shouhu.testing.world`).

    四川省 › 达州市 › 511781 万源市 (county)
        511781101 太平镇 › 石塘村 (village)
            万源市太平镇中心小学 (school A): 三年级(2)班 (class A), 五年级(1)班 (class A2)
        511781102 青花镇
            万源市青花镇小学 (school B): 四年级(1)班 (class B)
    511702 通川区 › 西外镇 › 通川区西外小学: 三年级(1)班 (the outsider's class)

Terms: 2025-2026-2 (previous) and 2026-2027-1 (current); every class has an enrolment in both.
`world.child_a` (李家成, class A, both parents migrant) and `world.child_b` (曾小雨, class B,
father migrant, mother at home) are registered through the real service.

Every fixture here is function-scoped and builds only what it needs. A module that asks many
questions of the whole world builds it once (`shouhu.testing.world.built_once`, as the
permission table does).
"""

from types import SimpleNamespace

import pytest
import time_machine
from hypothesis import settings as hypothesis_settings

from shouhu.testing.dates import TODAY
from shouhu.testing.world import (
    CAST_MAKERS,
    FAST_HASHER,
    PINNED,
    build_tree,
    make_volunteer,
    register_children,
)

# No deadline: the first call of a rule may load a table (python-stdnum's county codes take
# half a second), and a slow CI machine is not a bug.
hypothesis_settings.register_profile("shouhu", deadline=None)
hypothesis_settings.load_profile("shouhu")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """On PostgreSQL the access log, care actions and their links are partitioned by month
    (shouhu.core.partitions) and the migrations make the months around the real date: the test
    database also gets those of every partitioned table around the pinned day, where the tests
    write and travel: back five years (the demo is seeded on days up to two school years back,
    the retention tests go further), ahead three."""
    from shouhu.core.partitions import months_after, partitions_ensure

    pinned = TODAY.replace(day=1)
    with django_db_blocker.unblock():
        partitions_ensure(first=months_after(pinned, -60), last=months_after(pinned, 36))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is slow on purpose; tests need logins, not resistance to cracking."""
    settings.PASSWORD_HASHERS = FAST_HASHER


@pytest.fixture(autouse=True)
def _figures_counted_each_request(settings):
    """Tests write and read at once: no dashboard kept between requests (reports.selectors.kept;
    its own tests turn it on, with a cache of their own)."""
    settings.SHOUHU_FIGURES_KEEP_SECONDS = 0


@pytest.fixture(autouse=True)
def _pinned_clock():
    """Every test starts at 2026-11-29 10:00 in China (inside term 2026-2027-1; moved by whole
    years with `SHOUHU_TEST_TODAY`, see `shouhu.testing.dates`), before any fixture builds data:
    a world built on the real date and then moved to the pinned one would hold registrations
    dated after the day it is tested on. Time still ticks; a test moves the clock further with
    `time_machine.travel`."""
    with time_machine.travel(PINNED, tick=True):
        yield TODAY


@pytest.fixture
def frozen_today(_pinned_clock):
    """The pinned day, for tests that name it."""
    return _pinned_clock


@pytest.fixture
def tree(db):
    """The regions, schools, classes, terms and enrolments; no users, no children."""
    return build_tree()


@pytest.fixture
def head_teacher(tree):
    return CAST_MAKERS["head_teacher"](tree)


@pytest.fixture
def teacher(tree):
    return CAST_MAKERS["teacher"](tree)


@pytest.fixture
def other_head_teacher(tree):
    return CAST_MAKERS["other_head_teacher"](tree)


@pytest.fixture
def school_leader(tree):
    return CAST_MAKERS["school_leader"](tree)


@pytest.fixture
def township_officer(tree):
    return CAST_MAKERS["township_officer"](tree)


@pytest.fixture
def region_officer(tree):
    return CAST_MAKERS["region_officer"](tree)


@pytest.fixture
def counsellor(tree):
    return CAST_MAKERS["counsellor"](tree)


@pytest.fixture
def privacy_officer(tree):
    return CAST_MAKERS["privacy_officer"](tree)


@pytest.fixture
def admin(tree):
    return CAST_MAKERS["admin"](tree)


@pytest.fixture
def outsider(tree):
    """The head teacher of a class in another county (511702 通川区)."""
    return CAST_MAKERS["outsider"](tree)


@pytest.fixture
def world(tree, head_teacher, other_head_teacher):
    """The tree plus child_a (class A) and child_b (class B), registered by their head teachers."""
    child_a, child_b = register_children(tree, head_teacher, other_head_teacher)
    return SimpleNamespace(**vars(tree), child_a=child_a, child_b=child_b)


@pytest.fixture
def volunteer(world):
    """A volunteer proxy parent of child_a since the start of the term; no scope node."""
    return make_volunteer(world)


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
