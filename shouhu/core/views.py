"""What every view shares: the permission gate (403) and the page size."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
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
