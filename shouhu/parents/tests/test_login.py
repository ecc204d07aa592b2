"""Logging in on the parents' channel: a code by SMS, five minutes, rate limits, a lock, and no
way to tell a number on no file from a wrong code."""

import datetime

import time_machine
from django.urls import reverse
from django.utils import timezone

from shouhu.audit.models import AccessLog
from shouhu.notify.models import Message
from shouhu.parents.models import LoginCode
from shouhu.parents.tests.helpers import (
    FATHER_A,
    FATHER_B,
    MOTHER_A,
    NOBODY,
    last_code,
    parent_login,
)
from shouhu.registry.models import Parent


def test_parent_logs_in_with_the_code_sent_by_sms(client, parents_world):
    client.post(reverse("parents:login"), {"phone": FATHER_A})
    sms = Message.objects.get(kind="otp")
    assert sms.channel == "sms" and sms.urgent and "验证码" in sms.body
    response = client.post(reverse("parents:code"), {"code": last_code(FATHER_A)})
    assert response.status_code == 302 and response["Location"] == reverse("parents:home")
    page = client.get(reverse("parents:home")).content.decode()
    assert "李家成" in page and "曾小雨" not in page


def test_both_parents_can_log_in(client, parents_world):
    parent_login(client, MOTHER_A)
    assert "李家成" in client.get(reverse("parents:home")).content.decode()


def test_the_code_is_stored_hashed(client, parents_world):
    client.post(reverse("parents:login"), {"phone": FATHER_A})
    code = last_code(FATHER_A)
    row = LoginCode.objects.get()
    assert code not in row.code_hash and FATHER_A not in row.phone_index


def test_a_number_on_no_file_gets_the_same_answer_as_a_wrong_code(client, parents_world):
    first = client.post(reverse("parents:login"), {"phone": NOBODY})
    assert first.status_code == 302 and first["Location"] == reverse("parents:code")
    assert not Message.objects.exists()  # no SMS to a stranger's number
    assert LoginCode.objects.filter(phone_index__isnull=False).count() == 1  # same path
    unknown = client.post(reverse("parents:code"), {"code": "123456"}).content.decode()

    other = client.__class__()
    other.post(reverse("parents:login"), {"phone": FATHER_A})
    wrong_code = "000000" if last_code(FATHER_A) != "000000" else "111111"
    wrong = other.post(reverse("parents:code"), {"code": wrong_code}).content.decode()
    error = "验证码错误或已过期，请重新获取。"
    assert error in unknown and error in wrong
    assert _errors(unknown) == _errors(wrong)


def _errors(page: str) -> str:
    return page.split('<ul class="errorlist"', 1)[1].split("</ul>", 1)[0]


def test_a_code_expires_after_five_minutes(client, parents_world):
    client.post(reverse("parents:login"), {"phone": FATHER_A})
    code = last_code(FATHER_A)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5, seconds=1)):
        page = client.post(reverse("parents:code"), {"code": code}).content.decode()
    assert "验证码错误或已过期" in page
    assert client.get(reverse("parents:home")).status_code == 302


def test_a_code_works_once(client, parents_world):
    parent_login(client, FATHER_A)
    code = last_code(FATHER_A)
    other = client.__class__()
    other.post(reverse("parents:login"), {"phone": FATHER_A})
    Message.objects.filter(kind="otp").order_by("-id").first().delete()
    other.post(reverse("parents:code"), {"code": code})
    assert other.get(reverse("parents:home")).status_code == 302


def test_five_wrong_codes_lock_the_number_even_for_the_right_code(client, parents_world):
    client.post(reverse("parents:login"), {"phone": FATHER_A})
    code = last_code(FATHER_A)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        client.post(reverse("parents:code"), {"code": wrong})
    page = client.post(reverse("parents:code"), {"code": code}).content.decode()
    assert "错误次数过多" in page
    assert client.get(reverse("parents:home")).status_code == 302


def test_sms_bombing_a_number_is_capped_per_hour(client, parents_world, settings):
    settings.SHOUHU_PARENT_CODES_PER_NUMBER = 3
    for i in range(5):
        client.post(reverse("parents:login"), {"phone": FATHER_A}, REMOTE_ADDR=f"10.0.0.{i + 1}")
    assert Message.objects.filter(kind="otp").count() == 3
    page = client.post(reverse("parents:login"), {"phone": FATHER_A}).content.decode()
    assert "发送过于频繁" in page


def test_one_client_cannot_ask_codes_for_many_numbers(client, parents_world, settings):
    settings.SHOUHU_PARENT_CODES_PER_CLIENT = 2
    for phone in (FATHER_A, MOTHER_A, FATHER_B, NOBODY):
        client.post(reverse("parents:login"), {"phone": phone})
    assert LoginCode.objects.count() == 2
    assert Message.objects.filter(kind="otp").count() == 2


def test_a_malformed_number_is_refused_with_the_reason(client, parents_world):
    page = client.post(reverse("parents:login"), {"phone": "12345"}).content.decode()
    assert "手机号" in page and not LoginCode.objects.exists()


def test_a_child_who_left_school_is_not_reachable(client, parents_world):
    child = parents_world.child_a
    child.left_on = timezone.localdate()
    child.save(update_fields=["left_on"])
    client.post(reverse("parents:login"), {"phone": FATHER_A})
    assert not Message.objects.exists()


def test_the_phone_index_follows_the_phone(parents_world):
    parent = Parent.objects.get(child=parents_world.child_b, role="father")
    parent.phone = ""
    parent.save(update_fields=["phone"])
    parent.refresh_from_db()
    assert parent.phone_index == ""


def test_a_parent_session_opens_no_staff_page(client, parents_world):
    parent_login(client, FATHER_A)
    assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:login"))
    assert client.get(reverse("registry:child-list")).status_code == 302


def test_a_staff_login_opens_no_parents_page(client, parents_world, cast):
    client.force_login(cast["head_teacher"])
    response = client.get(reverse("parents:home"))
    assert response.status_code == 302 and response["Location"] == reverse("parents:login")


def test_logging_in_as_a_parent_ends_a_staff_login(client, parents_world, cast):
    client.force_login(cast["head_teacher"])
    parent_login(client, FATHER_A)
    assert client.get(reverse("parents:home")).status_code == 200
    assert client.get(reverse("home")).status_code == 302


def test_a_parent_session_ends_after_the_absolute_limit(client, parents_world, settings):
    parent_login(client, FATHER_A)
    later = timezone.now() + datetime.timedelta(
        seconds=settings.SHOUHU_SESSION_ABSOLUTE_SECONDS + 1
    )
    with time_machine.travel(later):
        assert client.get(reverse("parents:home")).status_code == 302


def test_logout_ends_the_parent_session(client, parents_world):
    parent_login(client, FATHER_A)
    client.post(reverse("parents:logout"))
    assert client.get(reverse("parents:home")).status_code == 302


def test_every_parent_page_is_in_the_access_log_without_a_user(client, parents_world):
    parent_login(client, FATHER_A)
    client.get(reverse("parents:home"))
    row = AccessLog.objects.exclude(parent_key="").get(child=parents_world.child_a)
    assert row.user is None and row.parent_key and row.query.startswith("家长端")
