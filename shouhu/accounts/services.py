"""Writes to accounts: deactivation (which ends the user's sessions at once) and the
administrator's reset of a lost second factor."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shouhu.accounts.models import User
from shouhu.accounts.roles import Perm
from shouhu.accounts.sessions import sessions_end_for
from shouhu.accounts.two_factor import two_factor_remove


def _check_account_manager(actor, user: User) -> None:
    if not actor.has_perm_to(Perm.ACCOUNT_MANAGE):
        raise PermissionDenied(_("您没有管理账号的权限。"))
    if user.pk == actor.pk:
        raise ValidationError(_("不能对自己的账号执行此操作。"))


@transaction.atomic
def user_deactivate(*, actor, user: User) -> int:
    """Deactivate an account and end all its sessions; returns how many sessions ended."""
    _check_account_manager(actor, user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    return sessions_end_for(user)


@transaction.atomic
def user_two_factor_reset(*, actor, user: User) -> int:
    """Remove a user's authenticator and recovery codes (a lost phone) and end their sessions:
    they enrol again at their next login."""
    _check_account_manager(actor, user)
    two_factor_remove(user)
    return sessions_end_for(user)
