"""Two factors: mandatory for admin, region_officer and privacy_officer, optional for the rest;
enrolled with a QR code, with one-time recovery codes."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from shouhu.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():06d}"


def log_in(client, user) -> None:
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()


def enrol(client, user) -> list[str]:
    client.get(reverse("accounts:two-factor-setup"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page = client.post(reverse("accounts:two-factor-setup"), {"token": code_for(device)})
    return re.findall(r"<li><code>([a-z2-7]+)</code></li>", page.content.decode())


def test_privacy_officer_must_enrol_before_seeing_anything(client, privacy_officer):
    log_in(client, privacy_officer)
    response = client.get(reverse("audit:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:two-factor-setup"))
    for name in ("registry:child-list", "home"):
        assert client.get(reverse(name)).url.startswith(reverse("accounts:two-factor-setup"))


@pytest.mark.parametrize("role", ["admin", "region_officer", "privacy_officer"])
def test_mandatory_roles_are_sent_to_enrol(client, request, role):
    user = request.getfixturevalue(role)
    client.force_login(user, second_factor=False)
    assert client.get(reverse("home")).url.startswith(reverse("accounts:two-factor-setup"))


def test_the_setup_page_draws_a_qr_code_without_inline_style_or_script(client, privacy_officer):
    log_in(client, privacy_officer)
    page = client.get(reverse("accounts:two-factor-setup")).content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert "<path" in svg and "style" not in svg and "<script" not in svg
    device = TOTPDevice.objects.get(user=privacy_officer)
    assert not device.confirmed


def test_enrolment_confirms_the_device_and_shows_ten_recovery_codes_once(client, privacy_officer):
    log_in(client, privacy_officer)
    codes = enrol(client, privacy_officer)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TOTPDevice.objects.get(user=privacy_officer).confirmed
    assert client.get(reverse("audit:index")).status_code == 200


def test_a_wrong_first_code_does_not_enrol(client, privacy_officer):
    log_in(client, privacy_officer)
    client.get(reverse("accounts:two-factor-setup"))
    for token in ("000000", "<script>alert(1)</script>", "9" * 20, ""):
        page = client.post(reverse("accounts:two-factor-setup"), {"token": token})
        assert "<script>alert(1)" not in page.content.decode()
    assert not TOTPDevice.objects.filter(user=privacy_officer, confirmed=True).exists()


def test_once_enrolled_every_login_asks_for_the_code(client, privacy_officer):
    log_in(client, privacy_officer)
    enrol(client, privacy_officer)
    client.logout()
    log_in(client, privacy_officer)
    response = client.get(reverse("audit:index"))
    assert response.url.startswith(reverse("accounts:two-factor-verify"))
    device = TOTPDevice.objects.get(user=privacy_officer)
    wrong = client.post(reverse("accounts:two-factor-verify"), {"token": "123456"})
    assert "验证码不正确" in wrong.content.decode()
    # A wrong code locks verification for a moment (django-otp's throttling); then the next
    # step's code is accepted (the one used to enrol may not be used again).
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=5)):
        ok = client.post(
            reverse("accounts:two-factor-verify"),
            {"token": code_for(device, offset=1), "next": reverse("audit:index")},
        )
    assert ok.status_code == 302 and ok.url == reverse("audit:index")
    assert client.get(reverse("audit:index")).status_code == 200


def test_a_recovery_code_works_once(client, privacy_officer):
    log_in(client, privacy_officer)
    codes = enrol(client, privacy_officer)
    for attempt in range(2):
        client.logout()
        log_in(client, privacy_officer)
        client.post(reverse("accounts:two-factor-verify"), {"token": codes[0]})
        status = client.get(reverse("audit:index")).status_code
        assert status == (200 if attempt == 0 else 302)
    assert StaticToken.objects.filter(device__user=privacy_officer).count() == 9


def test_a_teacher_may_work_without_a_second_factor(client, teacher, world):
    log_in(client, teacher)
    assert client.get(reverse("registry:child-list")).status_code == 200


def test_a_teacher_who_enrolled_is_asked_for_the_code_and_may_turn_it_off(client, teacher, world):
    log_in(client, teacher)
    enrol(client, teacher)
    client.logout()
    log_in(client, teacher)
    assert client.get(reverse("registry:child-list")).status_code == 302
    device = TOTPDevice.objects.get(user=teacher)
    client.post(reverse("accounts:two-factor-verify"), {"token": code_for(device, offset=1)})
    client.post(reverse("accounts:two-factor-off"))
    assert not TOTPDevice.objects.filter(user=teacher).exists()


def test_a_mandatory_role_cannot_turn_it_off(client, privacy_officer):
    client.force_login(privacy_officer)
    client.post(reverse("accounts:two-factor-off"))
    assert TOTPDevice.objects.filter(user=privacy_officer).exists()


def test_the_verify_page_only_sends_on_to_this_site(client, teacher):
    log_in(client, teacher)
    codes = enrol(client, teacher)
    client.logout()
    log_in(client, teacher)
    response = client.post(
        reverse("accounts:two-factor-verify"),
        {"token": codes[0], "next": "https://evil.example.com/"},
    )
    assert response.url == "/"
