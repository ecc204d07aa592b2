"""`may.<permission>` in every template: what the logged-in user's role may do (for menus)."""

from shouhu.accounts.roles import Perm


def permissions(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"may": {}}
    return {"may": {perm.value: user.has_perm_to(perm) for perm in Perm}}
