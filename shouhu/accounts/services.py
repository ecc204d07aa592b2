"""Writes to accounts (issue 12, point 13): accounts created, changed, deactivated and
reactivated by an account manager; passwords reset with a one-time code and changed by their
owner; a lost second factor reset. Every step is written to the access log.

An account manager is an administrator (the accounts under their region) or a school leader
(their own school's head teachers, teachers and counsellors); see `accounts.selectors`.
"""

import datetime
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhu.accounts.models import User
from shouhu.accounts.selectors import (
    roles_grantable_by,
    scope_node_fits,
    scope_node_for,
    user_list_for,
)
from shouhu.accounts.sessions import sessions_end_for
from shouhu.accounts.two_factor import second_factor_check, two_factor_enrolled, two_factor_remove
from shouhu.audit.models import AccessAction
from shouhu.audit.services import access_record
from shouhu.core.roles import Perm, Role
from shouhu.org.models import Region, School, SchoolClass
from shouhu.org.units import node_code

# A one-time code is read aloud or handed over on paper: no 0/o, 1/l/i.
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_CODE_GROUPS, _CODE_GROUP_LENGTH = 3, 4  # 12 characters, about 59 bits


def _one_time_code() -> str:
    return "-".join(
        "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_GROUP_LENGTH))
        for _ in range(_CODE_GROUPS)
    )


def _check_account_manager(actor: User, user: User | None = None) -> None:
    """The actor manages accounts, and this one is theirs to manage (not their own)."""
    if not actor.has_perm_to(Perm.ACCOUNT_MANAGE):
        raise PermissionDenied(_("您没有管理账号的权限。"))
    if user is None:
        return
    if user.pk == actor.pk:
        raise ValidationError(_("不能对自己的账号执行此操作。"))
    if not user_list_for(actor).filter(pk=user.pk).exists():
        raise PermissionDenied(_("该账号不在您的管理范围内。"))


def _describe(user: User) -> str:
    node = user.scope_class or user.scope_school or user.scope_region
    return f"{user.username} {user.get_role_display()}" + (f" {node}" if node else "")


def _log(*, actor: User, action: AccessAction, user: User, request=None, note: str = "") -> None:
    query = _describe(user) + (f" · {note}" if note else "")
    access_record(user=actor, action=action, query=query, request=request)


def _set_scope(user: User, node: Region | School | SchoolClass | None) -> None:
    user.scope_region = node if isinstance(node, Region) else None
    user.scope_school = node if isinstance(node, School) else None
    user.scope_class = node if isinstance(node, SchoolClass) else None


def _check_role_and_scope(actor: User, *, role: str, node) -> None:
    """The role is one the actor may grant, and the node one they may give, of the role's kind.

    The node was found through `scope_node_for(actor, …)`, so it lies inside the actor's scope."""
    if role not in roles_grantable_by(actor):
        raise ValidationError({"role": _("您不能设置这个角色。")})
    if not scope_node_fits(role=role, node=node):
        if node is None:
            raise ValidationError({"scope": _("请为该角色选择管辖范围。")})
        raise ValidationError(
            {
                "scope": _(
                    "该角色的管辖范围应为：班主任选班级，学校人员选学校，其他角色选区划，"
                    "志愿者不选。"
                )
            }
        )
    if node is not None and scope_node_for(actor, node_code(node)) is None:
        raise ValidationError({"scope": _("该范围不在您的管辖范围内。")})


def _issue_one_time_code(user: User) -> str:
    """Make the password a one-time code that must be replaced at the first login."""
    code = _one_time_code()
    user.set_password(code)
    user.must_change_password = True
    user.password_expires_at = timezone.now() + datetime.timedelta(
        hours=settings.SHOUHU_ONE_TIME_PASSWORD_HOURS
    )
    return code


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    display_name: str,
    role: str,
    node: Region | School | SchoolClass | None,
    request=None,
) -> tuple[User, str]:
    """Create an account with a one-time code as its password; returns (user, code).

    1. The actor may grant the role and give the node (an administrator inside their region, a
       school leader only their staff's roles in their school).
    2. The password is a one-time code, to be handed to the person; it must be changed at the
       first login.
    3. A new head teacher becomes the head teacher of a class that has none.
    4. The access log names the account."""
    _check_account_manager(actor)
    _check_role_and_scope(actor, role=role, node=node)
    user = User(username=username.strip(), display_name=display_name.strip(), role=role)
    user.created_by = actor
    _set_scope(user, node)
    code = _issue_one_time_code(user)
    user.full_clean()
    user.save()
    if isinstance(node, SchoolClass) and role == Role.HEAD_TEACHER and node.head_teacher_id is None:
        node.head_teacher = user
        node.save(update_fields=["head_teacher"])
    _log(actor=actor, action=AccessAction.ACCOUNT_CREATE, user=user, request=request)
    return user, code


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    display_name: str,
    role: str,
    node: Region | School | SchoolClass | None,
    request=None,
) -> User:
    """Change an account's name, role and scope. A new role or scope ends its sessions, so that
    what it may see changes at once."""
    _check_account_manager(actor, user)
    _check_role_and_scope(actor, role=role, node=node)
    before = _describe(user)
    user.display_name = display_name.strip()
    user.role = role
    _set_scope(user, node)
    user.full_clean()
    user.save()
    after = _describe(user)
    if after != before:
        sessions_end_for(user)
    _log(
        actor=actor,
        action=AccessAction.ACCOUNT_UPDATE,
        user=user,
        request=request,
        note=_("原为：%(before)s") % {"before": before} if after != before else "",
    )
    return user


@transaction.atomic
def user_deactivate(*, actor: User, user: User, request=None) -> int:
    """Deactivate an account and end all its sessions; returns how many sessions ended."""
    _check_account_manager(actor, user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = sessions_end_for(user)
    _log(actor=actor, action=AccessAction.ACCOUNT_DEACTIVATE, user=user, request=request)
    return ended


@transaction.atomic
def user_reactivate(*, actor: User, user: User, request=None) -> User:
    """Let a deactivated account log in again, with the password it had."""
    _check_account_manager(actor, user)
    user.is_active = True
    user.save(update_fields=["is_active"])
    _log(actor=actor, action=AccessAction.ACCOUNT_REACTIVATE, user=user, request=request)
    return user


@transaction.atomic
def user_password_reset(*, actor: User, user: User, request=None) -> str:
    """A forgotten password: replace it with a one-time code, valid for
    SHOUHU_ONE_TIME_PASSWORD_HOURS and for one login, which must set a new password before
    anything else. The account's sessions end. Returns the code, shown once to the actor."""
    _check_account_manager(actor, user)
    code = _issue_one_time_code(user)
    user.save(update_fields=["password", "must_change_password", "password_expires_at"])
    sessions_end_for(user)
    _log(actor=actor, action=AccessAction.PASSWORD_RESET, user=user, request=request)
    return code


@transaction.atomic
def user_two_factor_reset(*, actor: User, user: User, request=None) -> int:
    """Remove a user's authenticator and recovery codes (a lost phone) and end their sessions:
    they enrol again at their next login."""
    _check_account_manager(actor, user)
    two_factor_remove(user)
    ended = sessions_end_for(user)
    _log(actor=actor, action=AccessAction.TWO_FACTOR_RESET, user=user, request=request)
    return ended


def one_time_password_used(user: User) -> None:
    """At the login that used a one-time code, the code stops working for any other login."""
    if user.must_change_password:
        User.objects.filter(pk=user.pk).update(password_expires_at=timezone.now())


def one_time_password_expired(user: User) -> bool:
    return user.must_change_password and (
        user.password_expires_at is None or user.password_expires_at <= timezone.now()
    )


@transaction.atomic
def password_change(
    *,
    request,
    user: User,
    new_password: str,
    current_password: str = "",
    token: str = "",
) -> None:
    """The user sets a new password.

    - Of their own accord: the current password, and a code from their authenticator (or a
      recovery code) if they have enrolled one.
    - After a one-time code (`must_change_password`): the login with the code was the proof.
    The new password passes the password policy. This session goes on; the user's other
    sessions end at their next request (Django checks each session against the password)."""
    from django.contrib.auth import update_session_auth_hash

    errors: dict[str, str] = {}
    if not user.must_change_password:
        if not user.check_password(current_password):
            errors["current_password"] = _("当前密码不正确。")
        elif two_factor_enrolled(user) and not second_factor_check(request=request, token=token):
            errors["token"] = _("验证码不正确或已过期，请重试。")
    if errors:
        raise ValidationError(errors)
    try:
        validate_password(new_password, user)
    except ValidationError as error:
        raise ValidationError({"new_password1": error.messages}) from error
    if user.check_password(new_password):
        raise ValidationError({"new_password1": _("新密码不能与原密码相同。")})
    user.set_password(new_password)
    user.must_change_password = False
    user.password_expires_at = None
    user.save(update_fields=["password", "must_change_password", "password_expires_at"])
    update_session_auth_hash(request, user)
    _log(actor=user, action=AccessAction.PASSWORD_CHANGE, user=user, request=request)
