"""The child list's class menu is bounded (issue 18): an officer of a county or above (800 to
60,000 classes) is offered only the class chosen, and the list shows what the filters say."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _menu(response) -> list:
    return [value for value, _label in response.context["form"].fields["school_class"].choices]


def test_a_head_teacher_s_menu_is_their_class(client, world, head_teacher):
    client.force_login(head_teacher)
    response = client.get(reverse("registry:child-list"))
    assert _menu(response) == ["", world.class_a.pk]
    assert "班级较多" not in response.content.decode()


def test_a_township_officer_is_offered_every_class_of_their_scope(client, world, township_officer):
    client.force_login(township_officer)
    response = client.get(reverse("registry:child-list"))
    assert world.class_a.pk in _menu(response)
    assert world.other_class.pk not in _menu(response)
    assert "班级较多" not in response.content.decode()


def test_a_county_officer_is_offered_only_the_chosen_class(client, world, region_officer):
    client.force_login(region_officer)
    everyone = client.get(reverse("registry:child-list"))
    assert _menu(everyone) == [""]
    assert "班级较多" in everyone.content.decode()
    listed = {c.pk for c in everyone.context["page"]}
    assert {world.child_a.pk, world.child_b.pk} <= listed  # the list is not narrowed

    chosen = client.get(reverse("registry:child-list"), {"school_class": world.class_b.pk})
    assert _menu(chosen) == ["", world.class_b.pk]
    assert [c.pk for c in chosen.context["page"]] == [world.child_b.pk]


def test_a_class_outside_the_scope_is_neither_offered_nor_applied(client, world, region_officer):
    client.force_login(region_officer)
    response = client.get(reverse("registry:child-list"), {"school_class": world.other_class.pk})
    assert _menu(response) == [""]
    assert {world.child_a.pk, world.child_b.pk} <= {c.pk for c in response.context["page"]}
