"""Two factors (django-otp): a TOTP app enrolled with a QR code, plus one-time recovery codes.

- Mandatory for the roles in SHOUHU_TWO_FACTOR_ROLES (admin, region_officer, privacy_officer):
  after the password they must enrol, then enter a code at every login.
- Optional for everyone else: once enrolled, the code is asked at every login.
- Until the second factor is given, `TwoFactorMiddleware` lets a logged-in user reach only the
  enrolment, verification and logout pages.
"""

import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.urls import Resolver404, resolve
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery"
# Session flag: this unverified user was found to have no device (spares a query per request).
NO_DEVICE_KEY = "shouhu_two_factor_none"

OPEN_URL_NAMES = {
    "accounts:login",
    "accounts:logout",
    "accounts:two-factor-verify",
    "accounts:two-factor-setup",
}


def two_factor_required(user) -> bool:
    return user.role in settings.SHOUHU_TWO_FACTOR_ROLES


def two_factor_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def qr_svg(text: str) -> str:
    """The QR code as an inline SVG drawn here (no network, no inline style)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue().decode()


@transaction.atomic
def totp_device_pending(user) -> TOTPDevice:
    """The user's unconfirmed authenticator (made once, shown as a QR code until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_confirm(*, request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the enrolment with a first code; returns the new recovery codes, or None."""
    if not device.verify_token(token.strip()):
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    request.session.pop(NO_DEVICE_KEY, None)
    return recovery_codes_renew(device.user)


@transaction.atomic
def recovery_codes_renew(user) -> list[str]:
    """Replace the user's recovery codes with SHOUHU_RECOVERY_CODES new ones, each usable once."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.SHOUHU_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def second_factor_check(*, request, token: str) -> bool:
    """A TOTP code or a recovery code; on success the session is verified."""
    token = "".join(token.split()).lower()
    if not token:
        return False
    device = match_token(request.user, token)
    if device is None:
        return False
    otp_login(request, device)
    return True


@transaction.atomic
def two_factor_remove(user) -> None:
    """Remove every device (optional roles turning it off, or an administrator's reset)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def remember_no_device(sender, request, user, **kwargs) -> None:
    """At login, note in the session whether the user has a second factor at all, so that the
    middleware asks the database only for users who have one (connected in AccountsConfig)."""
    if request is not None and hasattr(request, "session") and not two_factor_enrolled(user):
        request.session[NO_DEVICE_KEY] = True


def second_factor_due(request) -> str | None:
    """The page a logged-in user must pass before any other (enrol or verify), or None."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return None
    if request.session.get(NO_DEVICE_KEY) and not two_factor_required(user):
        return None
    if two_factor_enrolled(user):
        return "accounts:two-factor-verify"
    if two_factor_required(user):
        return "accounts:two-factor-setup"
    request.session[NO_DEVICE_KEY] = True
    return None


def _open(path: str) -> bool:
    if path.startswith(settings.STATIC_URL):
        return True
    try:
        match = resolve(path)
    except Resolver404:
        return True
    return match.view_name in OPEN_URL_NAMES


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self._gate(request)
        return response if response is not None else self.get_response(request)

    def _gate(self, request) -> HttpResponse | None:
        if _open(request.path_info):
            return None
        target = second_factor_due(request)
        if target is None:
            return None
        response = redirect_to_login(request.get_full_path(), resolve_url(target))
        if request.headers.get("HX-Request") == "true":
            response["HX-Redirect"] = response["Location"]
        return response
