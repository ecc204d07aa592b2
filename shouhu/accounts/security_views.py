"""The user's own security: the second factor (enrol, verify, recovery codes, turn off) and
their password (changed of their own accord, or set after a one-time code)."""

from base64 import b32encode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shouhu.accounts import two_factor
from shouhu.accounts.forms import PasswordChangeForm, PasswordSetForm
from shouhu.accounts.security_forms import NextForm, TokenForm
from shouhu.accounts.services import password_change
from shouhu.core.forms import form_errors_add


def _next(request) -> str:
    form = NextForm(request.POST if "next" in request.POST else request.GET)
    target = form.cleaned_data["next"] if form.is_valid() else ""
    # A path on this site only: redirect() would take a bare word for the name of a view.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """After the password: a code from the authenticator, or a recovery code."""
    if request.user.is_verified():
        return redirect(_next(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.second_factor_check(request=request, token=form.cleaned_data["token"]):
            return redirect(_next(request))
        form.add_error("token", _("验证码不正确或已过期，请重试。"))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {
            "form": form,
            "next": _next(request),
            "left": two_factor.recovery_codes_left(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Enrol an authenticator: scan the QR code, type the first code, keep the recovery codes.

    Someone already enrolled must have given the second factor to enrol a new authenticator."""
    user = request.user
    if two_factor.two_factor_enrolled(user) and not user.is_verified():
        return redirect("accounts:two-factor-verify")
    device = two_factor.totp_device_pending(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.totp_confirm(
            request=request, device=device, token=form.cleaned_data["token"]
        )
        if codes is not None:
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": _next(request)},
            )
        form.add_error("token", _("验证码不正确，请确认手机时间准确后重试。"))
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            # Drawn here from our own data: an SVG path, no script, no style.
            "qr": mark_safe(two_factor.qr_svg(device.config_url)),  # noqa: S308
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "required": two_factor.two_factor_required(user),
            "next": _next(request),
        },
    )


@login_required
def security(request):
    """我的账号安全: the second factor's state, recovery codes left, and the actions."""
    user = request.user
    return render(
        request,
        "accounts/security.html",
        {
            "enrolled": two_factor.two_factor_enrolled(user),
            "required": two_factor.two_factor_required(user),
            "left": two_factor.recovery_codes_left(user),
        },
    )


@login_required
@require_POST
def recovery_codes_renew(request):
    if not (two_factor.two_factor_enrolled(request.user) and request.user.is_verified()):
        return redirect("accounts:security")
    codes = two_factor.recovery_codes_renew(request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": "/"})


@login_required
@require_POST
def two_factor_off(request):
    """Optional roles may turn the second factor off again; mandatory roles may not."""
    user = request.user
    if two_factor.two_factor_required(user):
        messages.error(request, _("您的角色必须使用两步验证。"))
    elif two_factor.two_factor_enrolled(user) and user.is_verified():
        two_factor.two_factor_remove(user)
        messages.success(request, _("已关闭两步验证。"))
    return redirect("accounts:security")


@login_required
@require_http_methods(["GET", "POST"])
def password_change_view(request):
    """修改密码: of the user's own accord (current password, and the second factor if enrolled),
    or the new password owed after a one-time code."""
    user = request.user
    forced = user.must_change_password
    if forced:
        form = PasswordSetForm(request.POST or None)
    else:
        form = PasswordChangeForm(
            request.POST or None, with_token=two_factor.two_factor_enrolled(user)
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            password_change(
                request=request,
                user=user,
                new_password=data["new_password1"],
                current_password=data.get("current_password", ""),
                token=data.get("token", ""),
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, _("密码已修改。"))
            return redirect("home" if forced else "accounts:security")
    return render(request, "accounts/password_change.html", {"form": form, "forced": forced})
