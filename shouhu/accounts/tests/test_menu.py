"""The main menu (issue 11, points 11 and 13): every link it shows opens for the role that sees
it, and while a login is unfinished (second factor or new password owed) it shows nothing that
would only lead back."""

import re

import pytest
from django.urls import reverse

from shouhu.accounts.services import user_password_reset
from shouhu.core.menu import MENU
from shouhu.core.roles import Role
from shouhu.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


# Every role: the cast's user of that role, or one made here (the cast has no village supervisor).
def user_of(request, tree, role: str):
    if role == Role.VILLAGE_SUPERVISOR:
        return UserFactory(username="village", role=role, scope_region=tree.village_a)
    return request.getfixturevalue(role)


def menu_links(page) -> list[str]:
    html = page.content.decode()
    nav = re.search(r'<nav class="nav"[^>]*>(.*?)</nav>', html, re.S)
    return re.findall(r'href="([^"]+)"', nav.group(1)) if nav else []


def header(page) -> str:
    html = page.content.decode()
    return html[html.index("<header") : html.index("</header>")]


@pytest.mark.parametrize("role", list(Role))
def test_every_menu_link_opens_for_the_role_that_sees_it(client, request, world, role):
    client.force_login(user_of(request, world, role))
    links = menu_links(client.get(reverse("home")))
    assert reverse("home") in links and reverse("accounts:security") in links
    for url in links:
        assert client.get(url, follow=True).status_code == 200, url  # one class: its roll call


@pytest.mark.parametrize(
    ("role", "hidden"),
    [
        ("admin", ["registry:child-list", "reports:census"]),
        ("volunteer", ["reports:census", "welfare:aid-list", "schooling:dropout-ledgers"]),
    ],
)
def test_the_menu_hides_the_pages_the_role_may_not_open(client, request, world, role, hidden):
    client.force_login(request.getfixturevalue(role))
    links = menu_links(client.get(reverse("home")))
    for name in hidden:
        assert reverse(name) not in links


def test_a_page_gated_by_a_wider_rule_is_in_the_menu_of_those_it_admits(client, head_teacher):
    """资助 and 控辍保学 check may_read_aid / may_read_dropout, not one permission: the menu
    reads the same check (check_required), so it shows them to the head teacher."""
    client.force_login(head_teacher)
    links = menu_links(client.get(reverse("home")))
    assert reverse("welfare:aid-list") in links
    assert reverse("schooling:dropout-ledgers") in links


def test_every_menu_entry_names_a_page_with_a_permission_or_none():
    """The menu reads each page's permission from its view: every entry must resolve."""
    from shouhu.core.menu import page_permission

    for item in MENU:
        for name in item.url_names:
            page_permission(name)


def test_the_enrolment_page_shows_only_logging_out(client, privacy_officer):
    client.force_login(privacy_officer, second_factor=False)
    page = client.get(reverse("accounts:two-factor-setup"))
    assert page.status_code == 200
    top = header(page)
    assert "<nav" not in top and "href=" not in top
    assert f'action="{reverse("accounts:logout")}"' in top


def test_the_page_that_sets_a_new_password_shows_only_logging_out(client, admin, teacher):
    code = user_password_reset(actor=admin, user=teacher)
    client.post(reverse("accounts:login"), {"username": "teacher", "password": code})
    top = header(client.get(reverse("accounts:password-change")))
    assert "<nav" not in top and "href=" not in top
