"""Login throttling (issue 12, point 15): per username, whatever the address or browser; per
address only for a spray across many usernames; never keyed on the User-Agent. Behind a
reverse proxy the client's address comes from X-Forwarded-For only when the proxy is trusted."""

import ipaddress

import pytest
from django.test import Client
from django.urls import reverse

from shouhu.audit.models import AccessLog
from shouhu.testing.factories import PASSWORD, TeacherFactory

pytestmark = pytest.mark.django_db

SCHOOL = "203.0.113.7"  # one school computer room behind NAT
ELSEWHERE = "198.51.100.20"
PROXY = "10.0.0.2"


def log_in(username, password=PASSWORD, *, ip=SCHOOL, agent="Chrome 120", forwarded=None):
    extra = {"REMOTE_ADDR": ip, "HTTP_USER_AGENT": agent}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client().post(
        reverse("accounts:login"), {"username": username, "password": password}, **extra
    )


def test_a_colleagues_failures_on_the_same_computer_do_not_lock_another_teacher(
    teacher, head_teacher, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in("teacher", "wrong-password")
    assert log_in("teacher").status_code == 429
    assert log_in("head_teacher").status_code == 302


def test_a_username_is_locked_whatever_browser_and_address_the_failures_come_from(
    teacher, settings
):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in("teacher", "wrong-password", ip=f"198.51.100.{n + 1}", agent=f"Browser/{n}")
    response = log_in("teacher", ip=ELSEWHERE, agent="yet another browser")
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()


def test_a_spray_of_usernames_with_rotating_user_agents_locks_the_address(tree, teacher, settings):
    """The probe's spray: 7 usernames, one password, a new User-Agent each time."""
    assert settings.SHOUHU_LOGIN_SPRAY_LIMIT < 7
    statuses = []
    for n in range(7):
        TeacherFactory(username=f"t{n}", scope_school=tree.school_a)
        statuses.append(log_in(f"t{n}", "Spring2026!", agent=f"Agent/{n}").status_code)
    limit = settings.SHOUHU_LOGIN_SPRAY_LIMIT
    assert statuses == [200] * (limit - 1) + [429] * (7 - limit + 1)
    # The address stays locked, even for a right password…
    response = log_in("teacher", agent="Agent/new")
    assert response.status_code == 429
    assert "该地址的登录已暂时锁定" in response.content.decode()
    # …but the sprayed accounts and the rest of the world are not locked.
    assert log_in("teacher", ip=ELSEWHERE).status_code == 302
    assert log_in("t0", ip=ELSEWHERE).status_code == 302


def test_unknown_usernames_count_towards_a_spray(teacher, settings):
    for n in range(settings.SHOUHU_LOGIN_SPRAY_LIMIT):
        log_in(f"guess{n}", "123456", agent=f"Agent/{n}")
    assert log_in("teacher").status_code == 429


def test_a_few_teachers_mistyping_from_one_school_stay_below_the_spray_limit(
    tree, teacher, settings
):
    for n in range(settings.SHOUHU_LOGIN_SPRAY_LIMIT - 1):
        TeacherFactory(username=f"t{n}", scope_school=tree.school_a)
        log_in(f"t{n}", "wrong-password")
    assert log_in("teacher").status_code == 302


def test_x_forwarded_for_is_ignored_unless_the_proxy_is_trusted(teacher, settings):
    """Without SHOUHU_TRUSTED_PROXIES a client cannot escape the spray limit by inventing
    addresses: every attempt counts against the address it really came from."""
    for n in range(settings.SHOUHU_LOGIN_SPRAY_LIMIT):
        log_in(f"guess{n}", "123456", forwarded=f"192.0.2.{n + 1}")
    assert log_in("teacher", forwarded="192.0.2.200").status_code == 429


def test_behind_a_trusted_proxy_the_client_address_comes_from_its_header(teacher, settings):
    settings.SHOUHU_TRUSTED_PROXIES = (ipaddress.ip_network(PROXY),)
    for n in range(settings.SHOUHU_LOGIN_SPRAY_LIMIT):
        log_in(f"guess{n}", "123456", ip=PROXY, forwarded=SCHOOL)
    # The sprayer's address is locked; another school behind the same proxy is not.
    assert log_in("teacher", ip=PROXY, forwarded=SCHOOL).status_code == 429
    assert log_in("teacher", ip=PROXY, forwarded=ELSEWHERE).status_code == 302


def test_a_client_cannot_choose_its_address_by_writing_the_header_itself(teacher, settings):
    """The proxy appends the address it saw; what the client wrote to the left is not read."""
    settings.SHOUHU_TRUSTED_PROXIES = (ipaddress.ip_network(PROXY),)
    for n in range(settings.SHOUHU_LOGIN_SPRAY_LIMIT):
        log_in(f"guess{n}", "123456", ip=PROXY, forwarded=f"192.0.2.{n + 1}, {SCHOOL}")
    assert log_in("teacher", ip=PROXY, forwarded=f"192.0.2.99, {SCHOOL}").status_code == 429


def test_the_access_log_records_the_client_address_behind_a_trusted_proxy(
    client, world, head_teacher, settings
):
    settings.SHOUHU_TRUSTED_PROXIES = (ipaddress.ip_network("10.0.0.0/24"),)
    client.force_login(head_teacher)
    url = reverse("registry:child-detail", kwargs={"public_id": world.child_a.public_id})
    client.get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{SCHOOL}, 10.0.0.9")
    assert AccessLog.objects.filter(child=world.child_a).latest("at").ip == SCHOOL


def test_trusted_proxies_are_read_as_addresses_or_networks_and_a_typo_refuses_to_start(
    monkeypatch,
):
    from django.core.exceptions import ImproperlyConfigured

    from shouhu.settings import env_networks

    monkeypatch.setenv("SHOUHU_TRUSTED_PROXIES", " 10.0.0.2, 192.168.10.0/24 ,")
    assert env_networks("SHOUHU_TRUSTED_PROXIES") == (
        ipaddress.ip_network("10.0.0.2/32"),
        ipaddress.ip_network("192.168.10.0/24"),
    )
    monkeypatch.setenv("SHOUHU_TRUSTED_PROXIES", "10.0.0.2,proxy.local")
    with pytest.raises(ImproperlyConfigured, match="SHOUHU_TRUSTED_PROXIES"):
        env_networks("SHOUHU_TRUSTED_PROXIES")
