"""The child list's class menu is bounded (issue 18): a region with more classes than
CLASS_MENU_MAX offers only the class chosen, and the list shows what the filters say."""

import pytest
from django.urls import reverse

from shouhu.registry import selectors

pytestmark = pytest.mark.django_db


def _menu(response) -> list:
    return [value for value, _label in response.context["form"].fields["school_class"].choices]


def test_a_head_teacher_s_menu_is_their_class(client, world, head_teacher):
    client.force_login(head_teacher)
    response = client.get(reverse("registry:child-list"))
    assert _menu(response) == ["", world.class_a.pk]
    assert "班级较多" not in response.content.decode()


def test_a_region_under_the_bound_offers_every_class_of_its_scope(client, world, region_officer):
    client.force_login(region_officer)
    response = client.get(reverse("registry:child-list"))
    assert {world.class_a.pk, world.class_b.pk} <= set(_menu(response))
    assert world.other_class.pk not in _menu(response)


def test_a_region_over_the_bound_offers_only_the_chosen_class(
    client, world, region_officer, monkeypatch
):
    monkeypatch.setattr(selectors, "CLASS_MENU_MAX", 1)
    client.force_login(region_officer)
    everyone = client.get(reverse("registry:child-list"))
    assert _menu(everyone) == [""]
    assert "班级较多" in everyone.content.decode()
    assert everyone.context["page"].paginator.count == 2  # the list is unchanged: A and B

    chosen = client.get(reverse("registry:child-list"), {"school_class": world.class_b.pk})
    assert _menu(chosen) == ["", world.class_b.pk]
    assert [c.name for c in chosen.context["page"]] == [world.child_b.name]


def test_a_class_outside_the_scope_is_not_offered_nor_applied(
    client, world, region_officer, monkeypatch
):
    monkeypatch.setattr(selectors, "CLASS_MENU_MAX", 1)
    client.force_login(region_officer)
    response = client.get(reverse("registry:child-list"), {"school_class": world.other_class.pk})
    assert _menu(response) == [""]
    assert response.context["page"].paginator.count == 2
