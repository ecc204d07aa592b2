"""Passwords are hashed with Argon2id at OWASP's minimum, and an older Argon2 hash (Django's
default parameters) moves to it at the next successful login."""

import argon2
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, make_password

from shouhu.core.hashers import OwaspArgon2PasswordHasher

OWASP = ["shouhu.core.hashers.OwaspArgon2PasswordHasher"]


def _parameters(encoded: str) -> argon2.Parameters:
    return argon2.extract_parameters(encoded.removeprefix("argon2"))


def test_the_project_hashes_with_the_owasp_argon2id_parameters(settings):
    settings.PASSWORD_HASHERS = OWASP  # the tests' own fast hasher set aside
    encoded = make_password("长城长城长城长城")
    parameters = _parameters(encoded)
    assert parameters.type is argon2.Type.ID
    assert (parameters.memory_cost, parameters.time_cost, parameters.parallelism) == (
        19 * 1024,
        2,
        1,
    )
    assert check_password("长城长城长城长城", encoded)


def test_the_settings_name_it_first():
    from shouhu import settings as project

    assert project.PASSWORD_HASHERS[0] == "shouhu.core.hashers.OwaspArgon2PasswordHasher"


@pytest.mark.django_db
def test_a_hash_with_django_defaults_is_rehashed_at_the_next_login(settings, client):
    settings.PASSWORD_HASHERS = OWASP
    old = Argon2PasswordHasher().encode("长城长城长城长城", Argon2PasswordHasher().salt())
    assert _parameters(old).memory_cost == 100 * 1024  # Django's default
    user = get_user_model().objects.create(username="old-hash")
    get_user_model().objects.filter(pk=user.pk).update(password=old)
    user.refresh_from_db()

    assert user.check_password("长城长城长城长城")  # verifies, then upgrades and saves

    user.refresh_from_db()
    assert user.password != old
    assert _parameters(user.password).memory_cost == OwaspArgon2PasswordHasher.memory_cost
    assert not OwaspArgon2PasswordHasher().must_update(user.password)
