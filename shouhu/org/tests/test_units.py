"""The unit of a page: one spelling (?scope=CODE, ?scope=class:ID), old links redirected, and a
node outside the scope a 404 whose refusal is logged."""

import pytest
from django.http import Http404
from django.urls import reverse

from shouhu.audit.models import AccessAction, AccessLog
from shouhu.org.units import breadcrumbs, node_code, node_from_code, unit_label


def test_node_code_and_node_from_code_are_inverse(tree):
    for node in (tree.county, tree.township_a, tree.village_a, tree.school_a, tree.class_a):
        assert node_from_code(node_code(node)) == node
    assert node_code(tree.class_a) == f"class:{tree.class_a.pk}"


@pytest.mark.parametrize("code", ["class:", "class:abc", "class:999999", "class:-1"])
def test_a_class_code_naming_nothing_is_404(tree, code):
    with pytest.raises(Http404):
        node_from_code(code)


def test_breadcrumbs_climb_to_the_user_s_own_node(tree, township_officer, head_teacher):
    assert breadcrumbs(township_officer, tree.class_a) == [tree.township_a, tree.school_a]
    assert breadcrumbs(township_officer, tree.township_a) == [tree.township_a]
    assert breadcrumbs(head_teacher, tree.class_a) == []


def test_unit_labels(tree):
    assert unit_label(tree.school_a) == "班级"
    assert unit_label(tree.township_a) == "学校"
    assert unit_label(tree.county) == "乡镇（街道）"
    assert unit_label(tree.class_a) == ""


def test_the_old_class_link_of_the_census_redirects_to_the_one_spelling(
    client, world, school_leader
):
    client.force_login(school_leader)
    response = client.get(
        reverse("reports:census"), {"class": world.class_a.pk, "term": world.term.code}
    )
    assert response.status_code == 301
    assert response["Location"] == (
        f"{reverse('reports:census')}?term={world.term.code}&scope=class%3A{world.class_a.pk}"
    )
    assert client.get(response["Location"]).status_code == 200


def test_a_malformed_old_class_link_is_a_bad_request(client, world, school_leader):
    client.force_login(school_leader)
    assert client.get(reverse("reports:census"), {"class": "x" * 20000}).status_code == 400


@pytest.mark.parametrize(
    "url", ["care:compliance", "care:coverage", "reports:census", "reports:dashboard"]
)
def test_a_unit_outside_the_scope_is_a_404_and_the_refusal_is_logged(
    client, world, township_officer, url
):
    client.force_login(township_officer)
    response = client.get(reverse(url), {"scope": world.other_school.code})
    assert response.status_code == 404
    denied = AccessLog.objects.get(action=AccessAction.DENIED)
    assert denied.user == township_officer
    assert world.other_school.code in denied.query


def test_a_class_outside_the_scope_is_a_404_and_the_refusal_is_logged(client, world, head_teacher):
    client.force_login(head_teacher)
    response = client.get(reverse("care:compliance"), {"scope": f"class:{world.class_b.pk}"})
    assert response.status_code == 404
    assert AccessLog.objects.filter(action=AccessAction.DENIED, user=head_teacher).exists()


def test_a_unit_that_does_not_exist_is_a_404_not_a_logged_refusal(client, world, township_officer):
    client.force_login(township_officer)
    assert client.get(reverse("care:compliance"), {"scope": "3159999999"}).status_code == 404
    assert not AccessLog.objects.filter(action=AccessAction.DENIED).exists()
