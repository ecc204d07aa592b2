"""Several parents' messages on one page: each reply form's elements have ids of their own, on
the home page with its fragments put in (htmx) and in the child's file."""

from django.urls import reverse

from shouhu.parents.tests.helpers import FATHER_A, MOTHER_A, parent_login
from shouhu.testing.html import duplicate_ids


def _three_messages(client, world):
    url = reverse("parents:message", kwargs={"public_id": world.child_a.public_id})
    for phone, body in ((FATHER_A, "第一条"), (FATHER_A, "第二条"), (MOTHER_A, "第三条")):
        client.post(reverse("parents:logout"))
        parent_login(client, phone)
        assert client.post(url, {"body": body}).status_code == 302


def test_the_check_finds_a_repeated_id():
    assert duplicate_ids('<p id="a"></p><textarea id="a"></textarea><b id="c">') == ["a"]
    assert duplicate_ids('<p id="a">', '<p id="b">') == []


def test_the_home_page_with_three_messages_has_no_duplicate_ids(client, parents_world, cast):
    _three_messages(client, parents_world)
    client.force_login(cast["head_teacher"])
    fragment = client.get(reverse("parents:home-messages")).content.decode()
    assert fragment.count("<textarea") == 3
    home = client.get(reverse("home")).content.decode()
    assert duplicate_ids(home, fragment) == []
