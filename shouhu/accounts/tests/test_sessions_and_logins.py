"""Logins and sessions: throttling with lock-out, the password policy, 30 minutes idle, 12 hours
absolute, and deactivation ending every session at once."""

import datetime

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shouhu.accounts.services import user_deactivate
from shouhu.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db


def log_in(client, username, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def later(**delta):
    return time_machine.travel(timezone.now() + datetime.timedelta(**delta), tick=False)


# --- throttling -------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_even_with_the_right_one(client, teacher, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "teacher", "wrong-password").status_code == 200
    assert log_in(client, "teacher", "wrong-password").status_code == 429
    response = log_in(client, "teacher")
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_ends_after_the_cool_off(client, teacher, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "teacher", "wrong-password")
    with later(minutes=16):
        assert log_in(client, "teacher").status_code == 302


def test_a_lock_on_one_account_leaves_colleagues_at_the_same_school_alone(
    client, teacher, head_teacher, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(Client(HTTP_USER_AGENT="other browser"), "teacher", "wrong-password")
    assert log_in(client, "head_teacher").status_code == 302


# --- passwords --------------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["short1!", "password123", "1234567890", "qwertyuiop"])
def test_short_or_common_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_uncommon_password_is_accepted():
    validate_password("石塘村-黄桷树-2026-秋")


# --- sessions ---------------------------------------------------------------------------------


def test_thirty_minutes_without_a_request_end_the_session(client, teacher, world):
    assert log_in(client, "teacher").status_code == 302
    with later(minutes=29):
        assert client.get(reverse("registry:child-list")).status_code == 200
    with later(minutes=29 + 31):
        response = client.get(reverse("registry:child-list"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_a_busy_session_still_ends_twelve_hours_after_login(client, teacher, world):
    log_in(client, "teacher")
    for minutes in range(20, 12 * 60, 20):  # a request every 20 minutes all day
        with later(minutes=minutes):
            assert client.get(reverse("home")).status_code == 200
    with later(hours=12, minutes=1):
        response = client.get(reverse("home"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


# --- deactivation -----------------------------------------------------------------------------


def test_deactivating_a_user_ends_all_their_sessions_at_once(admin, teacher, head_teacher, world):
    phone, laptop, colleague = Client(), Client(), Client()
    log_in(phone, "teacher")
    log_in(laptop, "teacher")
    log_in(colleague, "head_teacher")
    ended = user_deactivate(actor=admin, user=teacher)
    assert ended == 2
    assert Session.objects.count() == 1
    for client in (phone, laptop):
        assert client.get(reverse("registry:child-list")).status_code == 302
    assert colleague.get(reverse("registry:child-list")).status_code == 200


def test_an_inactive_user_is_logged_out_even_if_a_session_survived(client, teacher, world):
    log_in(client, "teacher")
    type(teacher).objects.filter(pk=teacher.pk).update(is_active=False)
    assert client.get(reverse("registry:child-list")).status_code == 302


def test_the_administrator_deactivates_from_the_accounts_page(client, admin, teacher, world):
    other = Client()
    log_in(other, "teacher")
    client.force_login(admin)
    page = client.get(reverse("accounts:user-list"), {"q": "teacher"}).content.decode()
    assert "刘老师" in page
    client.post(reverse("accounts:user-deactivate", kwargs={"pk": teacher.pk}))
    teacher.refresh_from_db()
    assert not teacher.is_active
    assert other.get(reverse("home")).status_code == 302


def test_the_accounts_page_lists_only_accounts_in_the_administrators_county(
    client, admin, outsider, teacher
):
    client.force_login(admin)
    page = client.get(reverse("accounts:user-list")).content.decode()
    assert "刘老师" in page and "外县老师" not in page
    response = client.post(reverse("accounts:user-deactivate", kwargs={"pk": outsider.pk}))
    assert response.status_code == 404
    outsider.refresh_from_db()
    assert outsider.is_active


def test_hostile_account_search_is_text(client, admin):
    client.force_login(admin)
    response = client.get(reverse("accounts:user-list"), {"q": "<script>" + "x" * 300})
    assert response.status_code == 200
    assert "<script>x" not in response.content.decode()
