"""Helpers of the parents' tests: the world's parents with numbers of their own, and a login
through the real pages (the code is read from the outbox, as the SMS would carry it)."""

import re

from django.urls import reverse

from shouhu.notify.models import Message
from shouhu.registry.models import Parent, ParentRole

FATHER_A = "13812345678"  # child_a's father (the world's default)
MOTHER_A = "13987654321"  # child_a's mother
FATHER_B = "13600000001"
MOTHER_B = "13600000002"
NOBODY = "13799998888"  # on no file


def give_child_b_own_numbers(world) -> None:
    """The factory gives every child the same parents' numbers: child_b's get their own."""
    for role, phone in ((ParentRole.FATHER, FATHER_B), (ParentRole.MOTHER, MOTHER_B)):
        parent = Parent.objects.get(child=world.child_b, role=role)
        parent.phone = phone
        parent.save()


def last_code(phone: str) -> str:
    message = Message.objects.filter(kind="otp").order_by("-id").first()
    assert message is not None and message.to_address == phone
    found = re.search(r"\d{6}", message.body)
    assert found is not None
    return found.group(0)


def parent_login(client, phone: str):
    client.post(reverse("parents:login"), {"phone": phone})
    return client.post(reverse("parents:code"), {"code": last_code(phone)})
