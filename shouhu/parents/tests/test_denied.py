"""A parent guessing another child's id gets a 404, and the access log keeps the attempt as
denied, under the parent's key (the keyed hash of their number), naming the child tried."""

import uuid

from django.urls import reverse

from shouhu.audit.models import AccessAction, AccessLog
from shouhu.parents.selectors import phone_index_of
from shouhu.parents.tests.helpers import FATHER_A, parent_login


def test_another_childs_id_is_logged_as_denied_under_the_parents_key(client, parents_world):
    parent_login(client, FATHER_A)
    other = parents_world.child_b
    url = reverse("parents:child", kwargs={"public_id": other.public_id})
    assert client.get(url).status_code == 404
    row = AccessLog.objects.get(action=AccessAction.DENIED)
    assert row.parent_key == phone_index_of(FATHER_A)
    assert row.user is None and row.child == other
    assert url in row.query and "404" in row.query


def test_every_parents_page_with_another_childs_id_leaves_a_denied_row(client, parents_world):
    parent_login(client, FATHER_A)
    other = parents_world.child_b.public_id
    names = ("parents:child", "parents:agreement", "parents:request", "parents:video")
    for name in names:
        assert client.get(reverse(name, kwargs={"public_id": other})).status_code == 404
    client.post(reverse("parents:message", kwargs={"public_id": other}), {"body": "你好"})
    denied = AccessLog.objects.filter(action=AccessAction.DENIED, child=parents_world.child_b)
    assert denied.count() == len(names) + 1
    parents_rows = AccessLog.objects.filter(parent_key=phone_index_of(FATHER_A))
    assert (
        not parents_rows.filter(child=parents_world.child_b)
        .exclude(action=AccessAction.DENIED)
        .exists()
    )


def test_an_id_of_no_child_is_logged_without_a_child(client, parents_world):
    parent_login(client, FATHER_A)
    url = reverse("parents:child", kwargs={"public_id": uuid.uuid4()})
    assert client.get(url).status_code == 404
    row = AccessLog.objects.get(action=AccessAction.DENIED)
    assert row.child is None and row.parent_key == phone_index_of(FATHER_A)


def test_the_parents_own_child_leaves_no_denied_row(client, parents_world):
    parent_login(client, FATHER_A)
    url = reverse("parents:child", kwargs={"public_id": parents_world.child_a.public_id})
    assert client.get(url).status_code == 200
    assert not AccessLog.objects.filter(action=AccessAction.DENIED).exists()
