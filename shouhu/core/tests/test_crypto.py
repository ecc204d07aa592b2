"""Encryption at rest of the most sensitive fields, and the keyed hash used to find duplicates."""

import hashlib

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ValidationError
from django.db import connection

from shouhu.core import crypto
from shouhu.core.crypto import blind_index, decrypt, encrypt
from shouhu.registry.models import Child
from shouhu.testing.factories import register_child


def raw_rows(table: str, where: str, value) -> list[str]:
    """Every column of the matching rows, as the database holds them, joined into strings."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE {where} = %s", [value])  # noqa: S608
        return [" | ".join(str(column) for column in row) for row in cursor.fetchall()]


@pytest.fixture
def fresh_keys(settings):
    """Key material is cached per process; a test that changes FIELD_KEY must drop the cache."""
    crypto._fernet.cache_clear()
    crypto._index_key.cache_clear()
    yield
    crypto._fernet.cache_clear()
    crypto._index_key.cache_clear()


def test_child_id_number_and_address_are_not_stored_in_plaintext(world):
    child = world.child_a
    rows = raw_rows("registry_child", "id", child.pk)
    assert len(rows) == 1
    assert child.id_number not in rows[0]
    assert child.id_number[6:14] not in rows[0]  # not even the birth date part
    assert "石塘村" not in rows[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM registry_child WHERE id = %s", [child.pk])
        (stored,) = cursor.fetchone()
    assert stored.startswith("gAAAA")  # a Fernet token
    assert decrypt(stored) == child.id_number


def test_parent_and_guardian_phones_are_not_stored_in_plaintext(world):
    child = world.child_a
    parent_rows = raw_rows("registry_parent", "child_id", child.pk)
    assert len(parent_rows) == 2
    for row in parent_rows:
        assert "13812345678" not in row
        assert "13987654321" not in row
        assert "电子厂" not in row  # employer
    (guardian_row,) = raw_rows("registry_guardian", "child_id", child.pk)
    assert "13700001111" not in guardian_row


def test_change_history_does_not_store_the_id_number_in_plaintext(world):
    child = world.child_a
    rows = raw_rows("registry_historicalchild", "id", child.pk)
    assert rows
    assert all(child.id_number not in row for row in rows)


def test_encrypted_fields_read_back_as_plaintext(world):
    child = Child.objects.get(pk=world.child_a.pk)
    assert child.id_number == world.child_a.id_number
    assert child.address == "太平镇石塘村2组"
    assert sorted(p.phone for p in child.parents.all()) == ["13812345678", "13987654321"]


def test_empty_values_stay_empty(world, head_teacher):
    child = register_child(head_teacher, world.class_a, id_number="", address="")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, address FROM registry_child WHERE id = %s", [child.pk])
        assert cursor.fetchone() == ("", "")
    assert Child.objects.get(pk=child.pk).id_number_index == ""


def test_the_same_value_encrypts_to_different_tokens():
    assert encrypt("511781201705140037") != encrypt("511781201705140037")


def test_blind_index_is_equal_for_equal_values_and_different_for_different_values():
    assert blind_index("511781201705140037") == blind_index("511781201705140037")
    assert blind_index("511781201705140037") != blind_index("511781201705140045")


def test_blind_index_is_keyed_not_a_plain_hash():
    value = "511781201705140037"
    assert value not in blind_index(value)
    assert blind_index(value) != hashlib.sha256(value.encode()).hexdigest()


def test_blind_index_is_stored_for_the_registered_id_number(world):
    child = Child.objects.get(pk=world.child_a.pk)
    assert child.id_number_index == blind_index(world.child_a.id_number)


def test_old_tokens_still_decrypt_after_a_key_is_added_in_front(settings, fresh_keys):
    token = encrypt("13812345678")
    settings.FIELD_KEY = f"{Fernet.generate_key().decode()},{settings.FIELD_KEY}"
    crypto._fernet.cache_clear()
    assert decrypt(token) == "13812345678"


def test_blind_index_does_not_change_when_a_key_is_added_in_front(settings, fresh_keys):
    before = blind_index("511781201705140037")
    settings.FIELD_KEY = f"{Fernet.generate_key().decode()},{settings.FIELD_KEY}"
    crypto._fernet.cache_clear()
    crypto._index_key.cache_clear()
    assert blind_index("511781201705140037") == before


def test_duplicate_id_number_is_still_refused_after_a_key_rotation(
    world, head_teacher, settings, fresh_keys
):
    settings.FIELD_KEY = f"{Fernet.generate_key().decode()},{settings.FIELD_KEY}"
    crypto._fernet.cache_clear()
    crypto._index_key.cache_clear()
    with pytest.raises(ValidationError) as excinfo:
        register_child(
            head_teacher,
            world.class_a,
            id_number=world.child_a.id_number,
            birth_date=world.child_a.birth_date,
            sex=world.child_a.sex,
        )
    assert "id_number" in excinfo.value.message_dict
