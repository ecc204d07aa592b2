"""A password that must be changed: after a one-time code (a new account, or an account
manager's reset) the user reaches only the page that sets a new password, and logging out,
until they have set one. The second factor, where the user has one, comes first
(`TwoFactorMiddleware` runs before this one)."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

OPEN_URL_NAMES = {
    "accounts:login",
    "accounts:logout",
    "accounts:password-change",
    "accounts:two-factor-verify",
    "accounts:two-factor-setup",
}


def one_time_code_spent(sender, request, user, **kwargs) -> None:
    """A login with a one-time code spends it: no second login can use it (AccountsConfig)."""
    from shouhu.accounts.services import one_time_password_used

    one_time_password_used(user)


def password_change_due(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.must_change_password)


def _open(path: str) -> bool:
    if path.startswith(settings.STATIC_URL):
        return True
    try:
        return resolve(path).view_name in OPEN_URL_NAMES
    except Resolver404:
        return True


class PasswordChangeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if password_change_due(request.user) and not _open(request.path_info):
            response = redirect("accounts:password-change")
            if request.headers.get("HX-Request") == "true":
                response["HX-Redirect"] = response["Location"]
            return response
        return self.get_response(request)
