"""What every view shares: the permission gate (403) and the Chinese 400 and 413 pages."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext as _


def permission_required(perm: str):
    """Log in first; then a role without the permission gets a 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_perm_to(perm):
                raise PermissionDenied(_("您的角色没有此项权限。"))
            return view(request, *args, **kwargs)

        wrapped.required_perm = perm  # type: ignore[attr-defined]
        return wrapped

    return decorator


def check_required(check: Callable[[Any], bool], refusal: str | Promise | None = None):
    """Log in first; then a user whom `check` refuses gets a 403: a rule wider than one
    permission (`may_read_aid`, `may_read_dropout`). The main menu reads the same check."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied(refusal or _("您的角色没有此项权限。"))
            return view(request, *args, **kwargs)

        wrapped.required_check = check  # type: ignore[attr-defined]
        return wrapped

    return decorator


def bad_request(request, exception=None):
    """400 in Chinese; a request over the size limits (DATA_UPLOAD_MAX_MEMORY_SIZE, too many
    fields) is a 413 with a page of its own. Django sends both here (handler400)."""
    if isinstance(exception, (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)):
        return render(request, "413.html", status=413)
    return render(request, "400.html", status=400)
