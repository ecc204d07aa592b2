"""What every template may read about the logged-in user: `may.<permission>` (what their role
may do: the one way permissions reach a template) and `menu` (the main menu's links,
`core.menu`). They live in accounts, above core, because they read the login's state."""

from shouhu.accounts.passwords import password_change_due
from shouhu.accounts.two_factor import second_factor_due
from shouhu.core.menu import menu_for
from shouhu.core.roles import Perm


def permissions(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"may": {}}
    return {"may": {perm.value: user.has_perm_to(perm) for perm in Perm}}


def navigation(request) -> dict:
    """The menu, and whether the login is finished. An unfinished login (the second factor or a
    new password still owed) opens no page but that step, so its menu is empty."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": [], "login_unfinished": False}
    if second_factor_due(request) is not None or password_change_due(user):
        return {"menu": [], "login_unfinished": True}
    return {"menu": menu_for(user), "login_unfinished": False}
